"""Checks on two single numbers (a loss, an output size, a parameter count).

One number carries little evidence, so only patterns that are rarely a coincidence are named:
a simple ratio (6, 1/2), one more or one less for whole numbers, the opposite sign, the fraction
cut off. Anything else says nothing: no sentence is better than a guess.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from grader.analysis.core import Case, Finding
from grader.analysis.messages import place
from grader.analysis.where import axis_name

_MAX_TERM = 64  # a ratio is named when it is k or 1/k with k up to this,
_MAX_FRACTION_TERM = 9  # or a fraction with terms up to this (4/9: a 2x2 window for a 3x3)
_MAX_TIMES = 4096  # a number given to the call, added up to this many times too often
_MAX_ARRAYS = 8  # arrays of the call whose sums of squares are tried, up to three at once
_MAX_SQUARED = 10**6  # elements of one of them


def explain_number(case: Case) -> Finding | None:
    """How one number differs from the expected one, or None when no simple pattern fits."""
    got, expected = float(case.got.reshape(-1)[0]), float(case.expected.reshape(-1)[0])
    if not (np.isfinite(got) and np.isfinite(expected)) or got == expected:
        return None
    if _close(case, got, -expected):
        return case.finding("number_sign", "")
    whole = float(expected).is_integer() and float(got).is_integer()
    if whole and abs(got - expected) == 1 and abs(expected) >= 2:
        return case.finding("number_one_more" if got > expected else "number_one_less", "")
    if (
        not float(expected).is_integer()
        and abs(got) >= 1
        and any(_close(case, got, cut(expected)) for cut in (np.floor, np.trunc))
    ):
        return case.finding("number_truncated", "")
    beside = _squares_term(case, got, expected) or _partial_sum(case, got, expected)
    beside = beside or _beside_input(case, got, expected)
    if beside is not None:
        return beside
    ratio = _simple_ratio(case, got, expected)
    return None if ratio is None else case.finding("number_scale", "", factor=str(ratio))


def _simple_ratio(case: Case, got: float, expected: float) -> Fraction | None:
    """got / expected as k or 1/k (k up to 64), or a fraction of terms up to 9: short decimals
    have a ratio of larger terms whatever the mistake (a mean plus a bias read "times 7/22")."""
    quotient = got / expected if expected != 0 else 0.0
    if quotient == 0 or not np.isfinite(quotient):
        return None
    ratio = Fraction(quotient).limit_denominator(_MAX_TERM)
    terms = sorted((abs(ratio.numerator), ratio.denominator))
    simple = (terms[0] == 1 and terms[1] <= _MAX_TERM) or (terms[1] <= _MAX_FRACTION_TERM and ratio > 0)
    if not simple or ratio in (0, 1, -1) or 2 / 3 < abs(float(ratio)) < 3 / 2:
        return None
    return ratio if _close(case, got, float(ratio) * expected) else None


def _squares_term(case: Case, got: float, expected: float) -> Finding | None:
    """got - expected is c * s * (the sum of squares of up to three of the call's arrays), s a
    number the call holds (a regularisation strength) and c 1/2 or 1: an L2 term over those arrays
    added where it does not belong, or missing where it belongs."""
    inputs = case.inputs or {}
    numbers = [
        (n, float(v)) for n, v in inputs.items() if np.ndim(v) == 0 and np.asarray(v).dtype.kind == "f"
    ]
    numbers = [(n, v) for n, v in numbers if np.isfinite(v) and v != 0]
    squares = [
        (n, float(np.sum(np.square(v, dtype=np.float64))))
        for n, v in inputs.items()
        if np.ndim(v) >= 1 and np.asarray(v).dtype.kind in "biuf" and np.size(v) <= _MAX_SQUARED
    ][:_MAX_ARRAYS]
    if not numbers or not squares:
        return None
    for size in (1, 2, 3):
        for chosen in itertools.combinations(squares, size):
            total = sum(value for _, value in chosen)
            for name, number in numbers:
                for half in (0.5, 1.0):
                    term = half * number * total
                    if term != 0 and (
                        _close(case, got - expected, term) or _close(case, expected - got, term)
                    ):
                        kind = "number_squares_extra" if got > expected else "number_squares_missing"
                        arrays = ", ".join(n for n, _ in chosen)
                        return case.finding(
                            kind, "", name=name, arrays=arrays, half="1/2" if half == 0.5 else "1"
                        )
    return None


def _products(case: Case) -> list[tuple[str, np.ndarray]]:
    """The call's arrays of at least two axes (at most _MAX_ARRAYS), each alone and each pair of one
    shape multiplied element-wise (a window times its filter), by name (`a*b`)."""
    arrays = [
        (name, np.asarray(v, dtype=np.float64))
        for name, v in (case.inputs or {}).items()
        if np.ndim(v) >= 2 and np.asarray(v).dtype.kind in "biuf" and 4 <= np.size(v) <= _MAX_SQUARED
    ][:_MAX_ARRAYS]
    pairs = [
        (f"`{first}*{second}`", a * b)
        for (first, a), (second, b) in itertools.combinations(arrays, 2)
        if a.shape == b.shape
    ]
    return pairs + [(f"`{name}`", array) for name, array in arrays]


def _partial_sum(case: Case, got: float, expected: float) -> Finding | None:
    """The expected number is the sum of an array of the call (or of two multiplied), plus maybe a
    number the call was given; the student's is that sum over one index of one axis only (the first
    or the last): a loop or a slice that covers one channel, one row, where it should cover them all."""
    offsets = [0.0] + [
        float(v) for v in (case.inputs or {}).values() if np.ndim(v) == 0 and np.asarray(v).dtype.kind == "f"
    ]
    for name, product in _products(case):
        total = float(product.sum())
        for offset in offsets:
            if not _close(case, expected, total + offset):
                continue
            for axis in range(product.ndim):
                size = product.shape[axis]
                for index in dict.fromkeys((0, size - 1)) if size >= 2 else ():
                    part = float(product.take(index, axis=axis).sum()) + offset
                    if _close(case, got, part):
                        return case.finding(
                            "number_partial_sum",
                            "",
                            product=name,
                            axis=_axis(axis, product.ndim, case.language),
                            value=str(index),
                        )
    return None


def _axis(axis: int, ndim: int, language: str) -> str:
    """An axis named as `where.axis_name` names it; a 3-axis array's first is its channels (a
    window or an image (C, H, W), by the course's NCHW convention)."""
    if ndim == 3 and axis == 0:
        return place("named_axis", language, name=place("name.channel", language), axis=0)
    return axis_name(axis, ndim, language)


def _beside_input(case: Case, got: float, expected: float) -> Finding | None:
    """A number the call was given (a bias b, not a whole number) explains the difference: got is
    expected + m * b for a whole m (b added once per term), or got - b is a simple ratio of
    expected - b (the rest scaled: a mean where a sum is needed)."""
    for name, value in (case.inputs or {}).items():
        if np.size(value) != 1 or np.asarray(value).dtype.kind != "f":
            continue
        number = float(np.asarray(value).reshape(-1)[0])
        if not np.isfinite(number) or abs(number) < 2 and number.is_integer():
            continue  # 0 and 1 divide anything
        times = (got - expected) / number
        if 1 <= abs(round(times)) <= _MAX_TIMES and _close(case, got, expected + round(times) * number):
            return case.finding("number_input_multiple", "", name=name, count=str(round(times)))
        if number.is_integer():  # a whole number given: a ratio beside it is too easily a fit
            continue
        ratio = _simple_ratio(case, got - number, expected - number) if expected != number else None
        if ratio is not None:
            return case.finding("number_scale_beside_input", "", name=name, factor=str(ratio))
    return None


def _close(case: Case, got: float, reference: float) -> bool:
    tolerance = case.tolerance
    return bool(np.isclose(got, reference, rtol=max(tolerance.rtol, 1e-7), atol=tolerance.atol))
