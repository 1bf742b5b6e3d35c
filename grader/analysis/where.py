"""Where two arrays differ, in words: counts, axes, index ranges, border or interior; never values.

Axes are named by the NCHW convention of the course only where it is unambiguous: the last two
axes of an array with two or more axes are its rows and columns, and a 4-axis array is
(sample, channel, row, column).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from grader.analysis.messages import place

_MAX_RUNS = 6  # index ranges listed before "..."
_MAX_POINTS = 3  # differing elements listed one by one


def axis_name(axis: int, ndim: int, language: str) -> str:
    """The name of `axis` of an `ndim`-axis array, such as "channel (axis 1)" or "axis 0"."""
    names: dict[int, str] = {}
    if ndim >= 2:
        names = {ndim - 2: "row", ndim - 1: "column"}
    if ndim == 4:
        names.update({0: "sample", 1: "channel"})
    if axis in names:
        name = place("name." + names[axis], language)
        return place("named_axis", language, name=name, axis=axis)
    return place("axis", language, axis=axis)


def axes_names(axes: Iterable[int], ndim: int, language: str) -> str:
    """Several axes named and joined, such as "row (axis 2) and column (axis 3)"."""
    names = [axis_name(axis, ndim, language) for axis in axes]
    if len(names) <= 2:
        return place("and", language).join(names)
    return place("list", language).join(names)


def index_ranges(indices: Sequence[int]) -> str:
    """Sorted indices as ranges: [0, 1, 2, 5] -> "0-2, 5" (with an en dash)."""
    runs: list[tuple[int, int]] = []
    for index in sorted(indices):
        if runs and index == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    parts = [f"{start}" if start == end else f"{start}\u2013{end}" for start, end in runs[:_MAX_RUNS]]
    if len(runs) > _MAX_RUNS:
        parts.append("\u2026")
    return ", ".join(parts)


def border_mask(shape: tuple[int, ...], width: int = 1) -> np.ndarray | None:
    """Bool mask of `shape`, True within `width` of the edge of the last two axes.

    Returns None when the array has fewer than two axes or no interior.
    """
    if len(shape) < 2 or min(shape[-2:]) < 2 * width + 1:
        return None
    rows, columns = shape[-2:]
    plane = np.ones((rows, columns), dtype=bool)
    plane[width:-width, width:-width] = False
    return np.broadcast_to(plane, shape)


def summary(mask: np.ndarray, language: str) -> str:
    """Describe the True positions of `mask`: how many, along which indices, border or interior.

    Args:
        mask: bool array, any shape, True where values differ.
        language: "en" or "zh-CN".

    Returns:
        one phrase such as "5 of 96 values; channel (axis 1) 2; on the border only".
    """
    count, total = int(mask.sum()), int(mask.size)
    if count == total:
        return place("everywhere", language)
    parts = [place("count", language, count=count, total=total)]
    parts += axis_parts(mask, language)
    border = border_mask(mask.shape)
    if border is not None and count:
        if not (mask & ~border).any():
            parts.append(place("border", language))
        elif not (mask & border).any():
            parts.append(place("interior", language))
    if 0 < count <= _MAX_POINTS:
        points = ", ".join(str(tuple(int(i) for i in point)) for point in np.argwhere(mask))
        parts.append(place("at", language, index=points))
    return place("join", language).join(parts)


def region(mask: np.ndarray, language: str) -> str:
    """Where the True positions of `mask` lie, for a hidden test: the axes and their indices
    (which channel, which rows), border or interior, or everywhere; no counts and no points,
    which would tell a hidden input's size.

    Args:
        mask: bool array, any shape, True where values differ.
        language: "en" or "zh-CN".

    Returns:
        one phrase such as "channel (axis 1) index 2; on the border only", or "" when nothing differs.
    """
    if not mask.any():
        return ""
    if mask.all():
        return place("everywhere", language)
    parts = axis_parts(mask, language)
    border = border_mask(mask.shape)
    if border is not None:
        if not (mask & ~border).any():
            parts.append(place("border", language))
        elif not (mask & border).any():
            parts.append(place("interior", language))
    return place("join", language).join(parts)


def axis_parts(mask: np.ndarray, language: str, axes: Iterable[int] | None = None) -> list[str]:
    """For each axis (of `axes`, default all) along which only some indices are True, name them."""
    parts = []
    for axis in range(mask.ndim) if axes is None else axes:
        if mask.shape[axis] < 2:
            continue
        others = tuple(a for a in range(mask.ndim) if a != axis)
        hit = np.flatnonzero(mask.any(axis=others))
        if 0 < hit.size < mask.shape[axis]:
            name = axis_name(axis, mask.ndim, language)
            parts.append(place("indices", language, axis=name, indices=index_ranges(hit.tolist())))
    return parts
