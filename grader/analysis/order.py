"""Checks for the right values in the wrong places: flips, rotations, a bad border, shifts, layouts.

Each check takes a `Case` and returns a `Finding` when its explanation fits, else None.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from grader.analysis.core import MIN_EVIDENCE, Case, Finding
from grader.analysis.factors import factored
from grader.analysis.messages import place
from grader.analysis.shapes import permutations
from grader.analysis.where import axes_names, axis_name, axis_parts, border_mask, summary

_MAX_SHIFT = 3  # positions tried for a shift along an axis
_MAX_BORDER = 3  # widest border band that counts as "only the border"


def flipped(case: Case) -> Finding | None:
    """got is expected reversed along one axis, or rotated in its last two axes."""
    got, expected, language = case.got, case.expected, case.language
    for axis in range(got.ndim):
        if got.shape[axis] >= 2 and case.agree(got, np.flip(expected, axis)):
            return case.finding(
                "flipped", summary(case.differ, language), axes=axis_name(axis, got.ndim, language)
            )
    if got.ndim < 2:
        return None
    last_two = place("last_two", language)
    if case.agree(got, np.flip(expected, (-2, -1))):
        return case.finding("rotated", last_two, angle=180)
    if got.shape[-1] == got.shape[-2]:
        for turns, angle in ((1, 90), (3, 270)):
            if case.agree(got, np.rot90(expected, turns, axes=(-2, -1))):
                return case.finding("rotated", last_two, angle=angle)
    return None


def short_loop(case: Case) -> Finding | None:
    """The last one or two indices along the rows and/or columns (the last two axes) are zeros in
    got and not in expected, and everything else agrees: a loop one window short."""
    if case.got.ndim < 2:
        return None
    for missing in (1, 2):
        for axes in ((-2,), (-1,), (-2, -1)):
            tail = np.zeros(case.got.shape, dtype=bool)
            for axis in axes:
                if case.got.shape[axis] <= missing + 1:
                    break
                index = [slice(None)] * case.got.ndim
                index[axis] = slice(-missing, None)
                tail[tuple(index)] = True
            else:
                if _only_zeros_at(case, tail):
                    names = axes_names([a % case.got.ndim for a in axes], case.got.ndim, case.language)
                    return case.finding(
                        "short_loop", summary(case.differ, case.language), axes=names, count=missing
                    )
    return None


def _only_zeros_at(case: Case, tail: np.ndarray) -> bool:
    """Whether got differs exactly at `tail` (every position of it), holding zeros there."""
    zero = np.abs(case.got) <= case.tolerance.atol
    return bool(np.array_equal(case.differ, tail) and zero[tail].all() and (~tail).sum() >= MIN_EVIDENCE)


def stride_ignored(case: Case) -> Finding | None:
    """got's windows step by 1 where they should step by the stride: every stride-th row and
    column of got (from 0) holds expected's first rows and columns."""
    if case.got.ndim < 2:
        return None
    rows, columns = case.got.shape[-2:]
    for stride in (2, 3, 4):
        kept_rows, kept_columns = -(-rows // stride), -(-columns // stride)
        if kept_rows * kept_columns < 2 or (kept_rows == rows and kept_columns == columns):
            continue
        sampled = case.got[..., ::stride, ::stride]
        if sampled.size >= MIN_EVIDENCE and case.agree(
            sampled, case.expected[..., :kept_rows, :kept_columns]
        ):
            return case.finding("stride_ignored", summary(case.differ, case.language), stride=stride)
    return None


def overlaps_lost(case: Case) -> Finding | None:
    """The differences fill whole rows and whole columns of every image plane (the last two axes)
    and nothing else, rows and columns inside the plane: where neighbouring windows overlap, as
    when contributions that must add up (col2im, a backward pass) are assigned instead."""
    if case.got.ndim < 3 or min(case.got.shape[-2:]) < 3 or case.same_values:
        return None  # a matrix's whole rows (a weight gradient) are no windows
    rows = np.asarray(case.differ.all(axis=-1))  # (..., H): every column of that row differs
    columns = np.asarray(case.differ.all(axis=-2))  # (..., W)
    if rows.all(axis=-1).any() or columns.all(axis=-1).any():
        return None  # a whole plane differs (a channel's bias): no lines where windows overlap
    union = rows[..., :, None] | columns[..., None, :]
    if not rows.any() and not columns.any():
        return None
    if not np.array_equal(union, case.differ) or case.differ.all():
        return None
    inner = np.concatenate([rows[..., 1:-1].reshape(-1), columns[..., 1:-1].reshape(-1)])
    if not inner.any() or (~case.differ).sum() < MIN_EVIDENCE:
        return None
    axes = [a for a, hit in ((case.got.ndim - 2, rows), (case.got.ndim - 1, columns)) if hit.any()]
    return case.finding(
        "overlaps_lost",
        summary(case.differ, case.language),
        axes=axes_names(axes, case.got.ndim, case.language),
    )


def border(case: Case) -> Finding | None:
    """Only a band of width <= 3 along the edges of the last two axes differs."""
    shape = case.got.shape
    for width in range(1, _MAX_BORDER + 1):
        band = border_mask(shape, width)
        if band is None:
            return None
        if not (case.differ & ~band).any():
            if (~band).sum() < MIN_EVIDENCE:  # too small an interior to vouch for anything
                return None
            return case.finding("border", _border_where(case, width))
    return None


def _border_where(case: Case, width: int) -> str:
    """Name the fewest sides (first or last rows, first or last columns) holding every difference."""
    differ, language = case.differ, case.language
    ndim = differ.ndim
    rows, columns = differ.shape[-2:]
    points = np.argwhere(differ)[:, -2:]
    sides = {
        ("side.first", ndim - 2): points[:, 0] < width,
        ("side.last", ndim - 2): points[:, 0] >= rows - width,
        ("side.first", ndim - 1): points[:, 1] < width,
        ("side.last", ndim - 1): points[:, 1] >= columns - width,
    }
    chosen: tuple[tuple[str, int], ...] = tuple(sides)
    for count in range(1, 4):
        covering = [
            combo
            for combo in itertools.combinations(sides, count)
            if np.logical_or.reduce([sides[key] for key in combo]).all()
        ]
        if covering:
            chosen = covering[0]
            break
    parts = [place(key, language, axis=axis_name(axis, ndim, language), width=width) for key, axis in chosen]
    leading = axis_parts(differ, language, range(ndim - 2))
    return place("join", language).join(parts + leading)


def shifted(case: Case) -> Finding | None:
    """got[i] == expected[i - k] on the overlap, for a shift k of up to 3 along one or both last axes."""
    for shift in _shifts(case.got.shape):
        got_part, expected_part = _overlap(shift)
        if case.got[got_part].size < MIN_EVIDENCE:
            continue
        if not case.agree(case.got[got_part], case.expected[got_part]) and case.agree(
            case.got[got_part], case.expected[expected_part]
        ):
            return case.finding("shift", _shift_where(case, shift), axes=_shift_axes(case, shift))
    return None


def _shifts(shape: tuple[int, ...]) -> list[dict[int, int]]:
    """Candidate shifts {axis: k}: one axis at a time, then both last axes together."""
    ndim = len(shape)
    limits = {axis: min(_MAX_SHIFT, (shape[axis] - 1) // 2) for axis in range(ndim)}
    single = [
        {axis: k}
        for axis in reversed(range(ndim))
        for k in (*range(1, limits[axis] + 1), *range(-1, -limits[axis] - 1, -1))
    ]
    if ndim < 2:
        return single
    rows, columns = ndim - 2, ndim - 1
    steps = [
        (i, j)
        for i in range(-limits[rows], limits[rows] + 1)
        for j in range(-limits[columns], limits[columns] + 1)
    ]
    both = [{rows: i, columns: j} for i, j in sorted(steps, key=lambda s: abs(s[0]) + abs(s[1])) if i and j]
    return single + both


def _overlap(shift: dict[int, int]) -> tuple[tuple[slice, ...], tuple[slice, ...]]:
    """Index tuples of got and expected that line up under the shift."""
    ndim = max(shift) + 1
    got_part, expected_part = [slice(None)] * ndim, [slice(None)] * ndim
    for axis, k in shift.items():
        got_part[axis] = slice(k, None) if k > 0 else slice(None, k)
        expected_part[axis] = slice(None, -k) if k > 0 else slice(-k, None)
    return tuple(got_part), tuple(expected_part)


def _shift_axes(case: Case, shift: dict[int, int]) -> str:
    return axes_names(sorted(shift), case.got.ndim, case.language)


def _shift_where(case: Case, shift: dict[int, int]) -> str:
    parts = [
        place(
            "shift.up" if k > 0 else "shift.down",
            case.language,
            axis=axis_name(axis, case.got.ndim, case.language),
            amount=abs(k),
        )
        for axis, k in sorted(shift.items())
    ]
    return place("join", case.language).join(parts)


def layout(case: Case) -> Finding | None:
    """The same values (a multiset) in another order: a transpose and a reshape mixed up, or any order."""
    if case.got.size < MIN_EVIDENCE or not case.same_values:
        return None
    got, expected, language = case.got, case.expected, case.language
    fortran = tuple(reversed(range(expected.ndim)))
    for order in permutations(expected.ndim):
        if case.agree(got.reshape(-1), expected.transpose(order).reshape(-1)):
            key = "layout.fortran" if order == fortran else "layout.transpose_first"
            text = place(key, language, order=str(order)) + _moved(order, language)
            return case.finding("layout", text, layout=text)
    for order in permutations(got.ndim):
        if case.agree(got.transpose(order).reshape(-1), expected.reshape(-1)):
            shape = str(tuple(got.shape[axis] for axis in order))
            text = place("layout.reshape_first", language, order=str(order), shape=shape) + _moved(
                order, language
            )
            return case.finding("layout", text, layout=text)
    found = factored(case)
    if found is not None:
        return found
    where = summary(case.differ, language) if got.shape == expected.shape else place("everywhere", language)
    return case.finding("reordered", where)


def _moved(order: tuple[int, ...], language: str) -> str:
    """ "; image (axis 0) and channel (axis 1) out of place" for the axes a permutation moves."""
    moved = [axis for position, axis in enumerate(order) if axis != position]
    if not moved or len(order) != 4:  # axes have names in NCHW arrays only
        return ""
    return place("join", language) + place(
        "layout.moved", language, axes=axes_names(sorted(moved), 4, language)
    )


def values_differ(case: Case) -> Finding:
    """The fallback: the values differ in no way the other checks recognise."""
    return case.finding("values_differ", summary(case.differ, case.language))


CHECKS: tuple[Callable[[Case], Finding | None], ...] = (
    flipped,
    short_loop,
    stride_ignored,
    border,
    shifted,
    layout,
    overlaps_lost,
)
