"""The training curve a test of `train` received, for the report (read from the call log)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grader.session import GradingSession

MAX_POINTS = 100_000  # entries of one history


def training_curve(item: pytest.Item, session: GradingSession) -> dict[str, list[float]] | None:
    """The last history a test of `train` received ({"loss", "train_acc", "val_acc"}), or None."""
    marker = item.get_closest_marker("function")
    if marker is None or marker.args[0] != "train":
        return None
    for handle in session.opened.values():
        calls = handle.calls.decoded("train") if handle.calls is not None else []
        if calls and isinstance(calls[-1][2], dict):
            curve: dict[str, list[float]] = {}
            for key in ("loss", "train_acc", "val_acc"):
                values = numbers(calls[-1][2].get(key))
                if values is None:
                    return None  # the report draws no curve; the test's own result is unaffected
                curve[key] = values
            return curve if len({len(values) for values in curve.values()}) == 1 else None
    return None


def numbers(values: Any) -> list[float] | None:
    """A history entry as plain floats (1-element arrays included), or None for anything else."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = list(values)
    if not isinstance(values, (list, tuple)) or len(values) > MAX_POINTS:
        return None
    result = []
    for value in values:
        if isinstance(value, (np.ndarray, np.generic)) and value.size == 1 and value.dtype.kind in "iuf":
            value = value.reshape(-1)[0].item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        result.append(float(value))
    return result
