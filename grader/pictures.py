"""Pictures in the HTML report: expected, got and their difference; a training curve.

matplotlib is imported inside each function (with the Agg back end): a run that draws nothing
never loads it.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np


def _data_uri(figure: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _plane(array: Any) -> Any:
    """A 2-D view of an array for a picture: the first (n, c) plane, or a 1-D array as one row."""
    array = np.asarray(array, dtype=np.float64)
    while array.ndim > 2:
        array = array[0]
    return array.reshape(1, -1) if array.ndim == 1 else array


def array_picture(arrays: dict[str, Any]) -> str | None:
    """Expected, got and their difference side by side, as an embedded PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    expected, got = _plane(arrays["expected"]), _plane(arrays["got"])
    if expected.size == 0 or expected.shape != got.shape:
        return None
    figure, axes = plt.subplots(1, 3, figsize=(7.5, 2.6))
    low, high = float(min(expected.min(), got.min())), float(max(expected.max(), got.max()))
    difference = got - expected
    limit = float(np.abs(difference).max()) or 1.0
    panels = [("expected", expected, "viridis", low, high), ("got", got, "viridis", low, high)]
    panels.append(("difference", difference, "RdBu_r", -limit, limit))
    for axis, (key, values, colours, vmin, vmax) in zip(axes, panels, strict=True):
        shown = axis.imshow(values, cmap=colours, vmin=vmin, vmax=vmax)
        axis.set_title(key)  # English titles: matplotlib's default fonts may lack Chinese glyphs
        axis.set_xticks([])
        axis.set_yticks([])
        figure.colorbar(shown, ax=axis, fraction=0.046)
    return _data_uri(figure)


def curve_picture(curve: dict[str, list[float]]) -> str | None:
    """Loss and accuracies per epoch, as an embedded PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not curve.get("loss"):
        return None
    figure, (left, right) = plt.subplots(1, 2, figsize=(7.5, 2.6))
    epochs = range(1, len(curve["loss"]) + 1)
    left.plot(epochs, curve["loss"], marker="o")
    left.set_title("loss")
    for key in ("train_acc", "val_acc"):
        right.plot(epochs, curve[key], marker="o", label=key)
    right.set_title("accuracy")
    right.legend()
    for axis in (left, right):
        axis.set_xlabel("epoch")
    return _data_uri(figure)
