"""Checks on the values of two arrays of one shape: non-finite numbers, rounding, offsets, scales.

Each check takes a `Case` (same shapes, at least MIN_EVIDENCE elements, some values differ)
and returns a `Finding` when its explanation fits, else None. A constant per channel needs at
least two elements per channel, so that one number is never "explained" by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction

import numpy as np

from grader.analysis.core import Case, Finding
from grader.analysis.where import axis_name, summary

_MAX_DENOMINATOR = 1000  # factors shown as fractions up to this denominator
_HEAD = 8  # entries per axis used to estimate an offset


def nonfinite(case: Case) -> Finding | None:
    """NaN or inf in got where expected is finite."""
    introduced = ~np.isfinite(case.got) & np.isfinite(case.expected)
    if not introduced.any():
        return None
    return case.finding("nonfinite", summary(introduced, case.language))


def all_zero(case: Case) -> Finding | None:
    """got is all zeros and expected is not."""
    atol = case.tolerance.atol
    if (np.abs(case.got) > atol).any() or not (np.abs(case.expected) > atol).any():
        return None
    return case.finding("all_zero", summary(case.differ, case.language))


def truncated(case: Case) -> Finding | None:
    """got is expected rounded down, towards zero, or to the nearest whole number."""
    for cut in (np.floor, np.trunc, np.round):
        if case.agree(case.got, cut(case.expected)):
            return case.finding("truncated", summary(case.differ, case.language))
    return None


def integer_dtype(case: Case) -> Finding | None:
    """got has an integer dtype, expected holds fractions, and every difference is below 1."""
    if case.got_dtype.kind not in "biu" or np.array_equal(case.expected, np.round(case.expected)):
        return None
    if (np.abs(case.got - case.expected) >= 1 + case.tolerance.atol).any():
        return None
    return case.finding("integer_dtype", summary(case.differ, case.language), dtype=case.got_dtype.name)


def offset(case: Case) -> Finding | None:
    """got == expected + c for one constant c; when expected is constant too, got is also a
    multiple of it, and a simple factor (2, 1/4) is named alongside."""
    constant = np.median(_head(case.got) - _head(case.expected))
    if not case.agree(case.got, case.expected + constant):
        return None
    first = float(case.expected.reshape(-1)[0])
    if first != 0.0 and np.all(case.expected == first):
        factor = Fraction(float(case.got.reshape(-1)[0]) / first).limit_denominator(16)
        if factor not in (0, 1) and case.agree(case.got, float(factor) * case.expected):
            return case.finding("offset_or_scale", summary(case.differ, case.language), factor=str(factor))
    return case.finding("offset", summary(case.differ, case.language))


def channel_offset(case: Case) -> Finding | None:
    """got == expected + c[k] with one constant per index k along an axis (a bias per filter)."""
    for axis, others in slice_axes(case.got.shape):
        head = _head(case.got, axis) - _head(case.expected, axis)
        constants = np.median(head, axis=others, keepdims=True)
        if case.agree(case.got, case.expected + constants):
            name = axis_name(axis, case.got.ndim, case.language)
            return case.finding("channel_offset", summary(case.differ, case.language), axis=name)
    return None


def sign(case: Case) -> Finding | None:
    """got == -expected."""
    if not case.agree(case.got, -case.expected):
        return None
    return case.finding("sign", summary(case.differ, case.language))


def scale(case: Case) -> Finding | None:
    """got == c * expected for one constant c (least squares), c neither 0 nor 1."""
    norm = float(np.vdot(case.expected, case.expected))
    if norm == 0.0:
        return None
    factor = float(np.vdot(case.got, case.expected)) / norm
    if factor == 0.0 or not np.isfinite(factor) or not case.agree(case.got, factor * case.expected):
        return None
    text = describe_factor(factor, case.tolerance.rtol)
    return case.finding("scale", summary(case.differ, case.language), factor=text)


def simple_scale(case: Case) -> Finding | None:
    """got == c * expected for a simple fraction c (a denominator up to 16), on every element of a
    small array with at least two nonzero expected values: [1, 1.5] against [2, 3] is half.

    Few numbers are weak evidence, so only factors a student's mistake makes (a sum for a mean,
    a step of 2) are named, never a least-squares fit."""
    nonzero = np.abs(case.expected) > case.tolerance.atol
    if nonzero.sum() < 2:
        return None
    ratios = case.got[nonzero] / case.expected[nonzero]
    factor = Fraction(float(ratios[0])).limit_denominator(16)
    if factor in (0, 1) or not case.agree(case.got, float(factor) * case.expected):
        return None
    return case.finding("scale", summary(case.differ, case.language), factor=str(factor))


def channel_scale(case: Case) -> Finding | None:
    """got == c[k] * expected with one constant per index k along an axis."""
    for axis, others in slice_axes(case.got.shape):
        norms = (case.expected * case.expected).sum(axis=others, keepdims=True)
        products = (case.got * case.expected).sum(axis=others, keepdims=True)
        factors = np.divide(products, norms, out=np.ones_like(norms), where=norms > 0)
        if case.agree(case.got, factors * case.expected):
            name = axis_name(axis, case.got.ndim, case.language)
            return case.finding("channel_scale", summary(case.differ, case.language), axis=name)
    return None


def ties(case: Case) -> Finding | None:
    """The differences lie only where the caller's ties_mask is True, and elsewhere all agree."""
    mask = case.ties_mask
    if mask is None or (case.differ & ~mask).any() or (~mask).sum() < 2:
        return None
    return case.finding("ties", summary(case.differ, case.language))


def at_zero(case: Case) -> Finding | None:
    """The differences lie only where expected is 0, and expected is not all zeros."""
    zero = np.abs(case.expected) <= case.tolerance.atol
    if (case.differ & ~zero).any() or (~zero).sum() < 2:
        return None
    return case.finding("at_zero", summary(case.differ, case.language))


def slice_axes(shape: tuple[int, ...]) -> Iterator[tuple[int, tuple[int, ...]]]:
    """Axes along which a constant per index is worth trying, with the other axes.

    Never the rows and columns of an image (a constant per row is a border or a shift, not a
    bias): axis 1 then 0 of NCHW, axis 0 of (C, H, W), axis 1 then 0 of (N, D). An axis
    qualifies when it has two indices or more and each of its slices two elements or more.
    """
    ndim = len(shape)
    preferred = [1, 0] if ndim in (2, 4) else list(range(ndim - 2))
    size = int(np.prod(shape))
    for axis in preferred:
        if shape[axis] >= 2 and size // shape[axis] >= 2:
            yield axis, tuple(a for a in range(ndim) if a != axis)


def _head(array: np.ndarray, keep: int | None = None) -> np.ndarray:
    """A view of the first few entries along every axis but `keep`: enough to estimate a constant.

    The constant is then checked on every element, so a small head costs no accuracy.
    """
    window = tuple(slice(None) if axis == keep else slice(0, _HEAD) for axis in range(array.ndim))
    return array[window]


def describe_factor(factor: float, rtol: float = 1e-9) -> str:
    """A factor as a student would write it: "4", "1/9", "2/3", else three significant digits.

    Args:
        factor: a finite nonzero number.
        rtol: how far (relatively) the factor may lie from the fraction that names it.

    Returns:
        the fraction when one with a denominator up to 1000 lies within rtol, else a decimal.
    """
    fraction = Fraction(factor).limit_denominator(_MAX_DENOMINATOR)
    if abs(float(fraction) - factor) <= rtol * abs(factor) and abs(fraction.numerator) <= 10_000:
        return str(fraction)
    return np.format_float_positional(factor, precision=3, unique=False, fractional=False, trim="-")


CHECKS: tuple[Callable[[Case], Finding | None], ...] = (
    all_zero,
    truncated,
    integer_dtype,
    offset,
    channel_offset,
    sign,
    scale,
    channel_scale,
    ties,
    at_zero,
)
