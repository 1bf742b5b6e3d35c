"""Checks for arrays whose shapes differ: a shape explained by the values inside.

Each check takes a `Case` and returns a `Finding` when its explanation fits, else None.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np

from grader.analysis.core import MIN_EVIDENCE, Case, Finding
from grader.analysis.messages import place
from grader.analysis.where import axes_names, axis_name

_MAX_BAND = 4  # rows or columns searched for a sub-block
_Reduction = Callable[[np.ndarray, int], np.ndarray]
_REDUCTIONS: tuple[tuple[str, _Reduction], ...] = (
    ("sum", lambda array, axis: array.sum(axis=axis, keepdims=True)),
    ("mean", lambda array, axis: array.mean(axis=axis, keepdims=True)),
    ("first", lambda array, axis: array.take([0], axis=axis)),
)
_LOST = {"sum": "axis_summed", "mean": "axis_averaged", "first": "first_only"}
_KEPT = {"sum": "axis_not_summed", "mean": "axis_not_averaged"}


def permutations(ndim: int) -> Iterator[tuple[int, ...]]:
    """Axis orders other than the identity: all of them up to 4 axes, else single swaps."""
    identity = tuple(range(ndim))
    if ndim <= 4:
        orders: Iterator[tuple[int, ...]] = itertools.permutations(identity)
    else:
        orders = (_swap(identity, i, j) for i, j in itertools.combinations(identity, 2))
    return (order for order in orders if order != identity)


def _swap(order: tuple[int, ...], i: int, j: int) -> tuple[int, ...]:
    swapped = list(order)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    return tuple(swapped)


def _shapes(case: Case) -> dict[str, str]:
    return {"got_shape": str(case.got.shape), "expected_shape": str(case.expected.shape)}


def reshaped(case: Case) -> Finding | None:
    """The right values in C order, in another shape."""
    got, expected = case.got, case.expected
    if got.size != expected.size or got.size < MIN_EVIDENCE:
        return None
    if not case.agree(got.reshape(-1), expected.reshape(-1)):
        return None
    return case.finding("reshaped", place("everywhere", case.language), **_shapes(case))


def transposed(case: Case) -> Finding | None:
    """got == expected.transpose(order) for an axis order other than the identity."""
    got, expected = case.got, case.expected
    if got.ndim != expected.ndim or sorted(got.shape) != sorted(expected.shape) or got.size < 2:
        return None
    for order in permutations(expected.ndim):
        candidate = expected.transpose(order)
        if candidate.shape == got.shape and case.agree(got, candidate):
            text = str(order)
            return case.finding("transposed", place("order", case.language, order=text), order=text)
    return None


def axis_count(case: Case) -> Finding | None:
    """One axis too few or too many: dropped, reduced, only its first entry, or never reduced."""
    got, expected = case.got, case.expected
    if got.ndim == expected.ndim - 1:
        for axis in range(expected.ndim):
            if expected.shape[:axis] + expected.shape[axis + 1 :] == got.shape:
                found = _lost_axis(case, np.expand_dims(got, axis), axis)
                if found:
                    return found
    if got.ndim == expected.ndim + 1:
        for axis in range(got.ndim):
            if got.shape[:axis] + got.shape[axis + 1 :] == expected.shape:
                found = _kept_axis(case, np.expand_dims(expected, axis), axis)
                if found:
                    return found
    return None


def kept_dims(case: Case) -> Finding | None:
    """Same number of axes, but one axis has size 1 on one side only (keepdims=True)."""
    got, expected = case.got, case.expected
    if got.ndim != expected.ndim:
        return None
    axes = [a for a in range(got.ndim) if got.shape[a] != expected.shape[a]]
    if len(axes) != 1:
        return None
    if got.shape[axes[0]] == 1:
        return _lost_axis(case, got, axes[0])
    if expected.shape[axes[0]] == 1:
        return _kept_axis(case, expected, axes[0])
    return None


def _lost_axis(case: Case, got: np.ndarray, axis: int) -> Finding | None:
    """`got` has size 1 along `axis` where case.expected has more (or size 1: a dropped axis)."""
    expected = case.expected
    where = axis_name(axis, expected.ndim, case.language)
    if expected.shape[axis] == 1 and case.got.ndim < expected.ndim:
        if case.agree(got, expected):
            return case.finding("axis_missing", where, axis=axis)
        return None
    for name, reduce in _REDUCTIONS:
        if case.agree(got, reduce(expected, axis)):
            return case.finding(_LOST[name], where, axis=axis)
    return None


def _kept_axis(case: Case, expected: np.ndarray, axis: int) -> Finding | None:
    """case.got has an axis `axis` that `expected` (size 1 there) lacks or has reduced."""
    got = case.got
    where = axis_name(axis, got.ndim, case.language)
    # Copies of the expected array along a new axis (checked first: their mean fits too).
    if case.expected.ndim < got.ndim and case.agree(got, np.broadcast_to(expected, got.shape)):
        return case.finding("axis_extra", where, axis=axis, size=got.shape[axis])
    if got.shape[axis] == 1:
        return None
    for name, reduce in _REDUCTIONS[:2]:
        if case.agree(reduce(got, axis), expected):
            return case.finding(_KEPT[name], where, axis=axis)
    return None


def outer_broadcast(case: Case) -> Finding | None:
    """got is (N, N) where expected is (N,) or (N, 1) or (1, N), and got's diagonal is expected:
    an (N,) array met an (N, 1) one, and broadcasting made every pair."""
    got, expected = case.got, case.expected
    size = expected.size
    if got.shape != (size, size) or expected.shape not in ((size,), (size, 1), (1, size)) or size < 2:
        return None
    if not case.agree(np.diagonal(got).copy(), expected.reshape(-1)):
        return None
    return case.finding("outer_broadcast", place("everywhere", case.language), **_shapes(case))


def stride_missing(case: Case) -> Finding | None:
    """expected is every k-th entry of got along the axes that differ (k = 2, 3 or 4)."""
    got, expected = case.got, case.expected
    if got.ndim != expected.ndim or expected.size < MIN_EVIDENCE:
        return None
    axes = [a for a in range(got.ndim) if got.shape[a] != expected.shape[a]]
    if not axes or any(got.shape[a] < expected.shape[a] for a in axes):
        return None
    for stride in range(2, _MAX_BAND + 1):
        every = tuple(slice(None, None, stride) if a in axes else slice(None) for a in range(got.ndim))
        if case.agree(got[every], expected):
            names = axes_names(axes, got.ndim, case.language)
            return case.finding("stride_missing", names, stride=stride, axes=names)
    return None


def block(case: Case) -> Finding | None:
    """One array is a sub-block of the other (padding, floor against ceil, a crop).

    Every offset is tried along one or two axes; along more, only centred and at the start.
    """
    got, expected = case.got, case.expected
    if got.ndim != expected.ndim:
        return None
    axes = [a for a in range(got.ndim) if got.shape[a] != expected.shape[a]]
    margins = [got.shape[a] - expected.shape[a] for a in axes]
    if not axes or max(abs(m) for m in margins) > _MAX_BAND:
        return None
    if not (all(m < 0 for m in margins) or all(m > 0 for m in margins)):
        return None
    small, large = (got, expected) if margins[0] < 0 else (expected, got)
    if small.size < MIN_EVIDENCE:
        return None
    for starts in _starts([abs(m) for m in margins]):
        window = [slice(None)] * large.ndim
        for axis, start in zip(axes, starts, strict=True):
            window[axis] = slice(start, start + small.shape[axis])
        if case.agree(small, large[tuple(window)]):
            return _block_finding(case, axes, starts, [abs(m) for m in margins], grown=margins[0] > 0)
    return None


def _starts(margins: list[int]) -> list[tuple[int, ...]]:
    """Offsets of the small block in the large one, most telling first (centred, at the start)."""
    centred = tuple(m // 2 for m in margins) if all(m % 2 == 0 for m in margins) else None
    ordered = [centred, tuple(0 for _ in margins)]
    if len(margins) <= 2:
        ordered += list(itertools.product(*(range(m + 1) for m in margins)))
    return list(dict.fromkeys(start for start in ordered if start is not None))


def _block_finding(
    case: Case, axes: list[int], starts: tuple[int, ...], margins: list[int], grown: bool
) -> Finding:
    ndim, language = case.got.ndim, case.language
    ends = [m - s for s, m in zip(starts, margins, strict=True)]
    names = axes_names(axes, ndim, language)
    if all(s == e for s, e in zip(starts, ends, strict=True)):
        pad = place("list", language).join(str(s) for s in dict.fromkeys(starts))
        return case.finding("padding_extra" if grown else "padding_missing", names, pad=pad, axes=names)
    if all(s == 0 for s in starts) and all(e == 1 for e in ends):
        return case.finding("floor_ceil_extra" if grown else "floor_ceil_missing", names)
    bands = [
        place("band", language, axis=axis_name(axis, ndim, language), before=s, after=e)
        for axis, s, e in zip(axes, starts, ends, strict=True)
    ]
    return case.finding("extended" if grown else "cropped", place("join", language).join(bands))


def empty_axes(case: Case) -> Finding | None:
    """got is empty (size 0) along axes where expected is not: a slice that ends where it starts."""
    got, expected = case.got, case.expected
    if got.ndim != expected.ndim or got.size:
        return None
    axes = [a for a in range(got.ndim) if got.shape[a] == 0 and expected.shape[a] > 0]
    if not axes:
        return None
    return case.finding("empty_axes", axes_names(axes, got.ndim, case.language), **_shapes(case))


def size_only(case: Case) -> Finding | None:
    """No content matched, but the sizes differ by one or by twice a padding width."""
    got, expected = case.got, case.expected
    if got.ndim != expected.ndim:
        return None
    axes = [a for a in range(got.ndim) if got.shape[a] != expected.shape[a]]
    margins = {got.shape[a] - expected.shape[a] for a in axes}
    where = axes_names(axes, got.ndim, case.language)
    if margins and all(abs(m) == 1 for m in margins):
        return case.finding("off_by_one", where, **_shapes(case))
    if len(margins) == 1 and next(iter(margins)) % 2 == 0:
        return case.finding("size_by_padding", where, **_shapes(case))
    return None


def shape_differs(case: Case) -> Finding:
    """The fallback: shapes differ and nothing explains how."""
    got, expected = case.got, case.expected
    if got.ndim == expected.ndim:
        axes = [a for a in range(got.ndim) if got.shape[a] != expected.shape[a]]
        where = axes_names(axes, got.ndim, case.language)
    else:
        where = place("ndim", case.language, got=got.ndim, expected=expected.ndim)
    return case.finding("shape_differs", where, **_shapes(case))


def size_from_other_axis(case: Case) -> Finding | None:
    """Of the last two axes (rows and columns), one has the size of the other where the expected
    plane is not square: that size computed from the other axis (the height where the width
    belongs, as if the input or the filter were square)."""
    got, expected = case.got.shape, case.expected.shape
    if len(got) != len(expected) or len(got) < 2 or expected[-1] == expected[-2]:
        return None
    differ = [axis for axis in range(len(got)) if got[axis] != expected[axis]]
    if len(differ) != 1 or differ[0] < len(got) - 2:
        return None
    axis = differ[0]
    other = len(got) - 1 if axis == len(got) - 2 else len(got) - 2
    if got[axis] != got[other]:
        return None
    return case.finding(
        "size_from_other_axis",
        "",
        axis=axis_name(axis, len(got), case.language),
        other=axis_name(other, len(got), case.language),
        **_shapes(case),
    )


CHECKS: tuple[Callable[[Case], Finding | None], ...] = (
    outer_broadcast,
    axis_count,
    kept_dims,
    transposed,
    reshaped,
    size_from_other_axis,
    block,
    stride_missing,
)
