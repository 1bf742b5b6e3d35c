"""Structural analysis: how a result differs from the expected one, with no knowledge of the assignment.

`explain(got, expected)` tries small checks, cheapest first, and returns the first that fits as a
`Finding`: a kind, one sentence (English or Chinese) and where the differences are. Shapes are
explained first (axes transposed, an axis missing or reduced, padding, floor against ceil), then
values of one shape (NaN, rounding, an offset or scale, overall or per channel, ties, zeros),
then places (flips, rotations, the border, shifts, layouts). When nothing fits, the finding is
the generic "values_differ" (or "shape_differs") with where the differences are. Two single
numbers get a sentence only for a simple ratio, one more or less, a sign or a fraction cut off.
`explain_exception` reads NumPy's shape errors in the student's own exception text.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader import tolerance
from grader.analysis import flat, inputs, numbers, order, shapes, values, where
from grader.analysis.core import MIN_EVIDENCE, Case, Finding, Tolerance
from grader.analysis.exceptions import explain_exception
from grader.analysis.messages import LANGUAGES, PLACES, SENTENCES

__all__ = ["GUESSES", "LANGUAGES", "PLACES", "SENTENCES", "Finding", "explain", "explain_exception", "region"]

# Findings that guess a cause from a constant fitted to the numbers (a ratio, an offset, one
# more): a coincidence on a few equal values can fit one. Beside a mistake named by replaying
# its code, such a guess is a second, contradicting story ("flipped kernel" and "times 7/3").
GUESSES = frozenset(
    {
        "offset",
        "offset_or_scale",
        "channel_offset",
        "scale",
        "channel_scale",
        "sign",
        "truncated",
        "values_differ",
        "number_scale",
        "number_scale_beside_input",
        "number_input_multiple",
        "number_squares_extra",
        "number_squares_missing",
        "number_one_more",
        "number_one_less",
        "number_sign",
        "number_truncated",
    }
)

_SHAPE_CHECKS: tuple[Callable[[Case], Finding | None], ...] = (
    *shapes.CHECKS,
    order.layout,
    shapes.size_only,
)
_VALUE_CHECKS: tuple[Callable[[Case], Finding | None], ...] = (
    flat.row_length,
    *values.CHECKS,
    inputs.input_term,
    inputs.input_contributions,
    shapes.transposed,
    *order.CHECKS,
)


def explain(
    got: np.ndarray,
    expected: np.ndarray,
    language: str = "en",
    *,
    ties_mask: np.ndarray | None = None,
    factors: dict[str, int] | None = None,
    inputs: dict[str, np.ndarray] | None = None,
    rtol: float = tolerance.RTOL,
    atol: float = tolerance.ATOL,
) -> Finding | None:
    """Explain how `got` differs from `expected`, or return None when they agree.

    Args:
        got: the student's array, any shape, a numeric dtype (bool, integer or float).
        expected: the reference array, any shape, a numeric dtype.
        language: "en" or "zh-CN", the language of the sentence and of `where`.
        ties_mask: optional bool array of expected's shape, True at outputs whose input has ties
            (several equal maxima in a window); differences only there are reported as "ties".
        factors: optional sizes the caller knows by name (the call's arguments: {"HH": 3}), used
            to name the factors of a flattened axis whose order differs.
        inputs: optional arrays of the call by name (its arguments, the object's attributes:
            {"params['b1']": b1}), for a difference that is a multiple of one of them.
        rtol: relative tolerance, as in numpy.isclose (against expected).
        atol: absolute tolerance.

    Returns:
        None when the shapes match and every element is close; else the first fitting `Finding`.

    Raises:
        ValueError: for an unknown language, a ties_mask of the wrong shape or non-numeric arrays.
    """
    if language not in LANGUAGES:
        raise ValueError(f"explain: language must be one of {', '.join(LANGUAGES)}, not {language!r}.")
    got_array, expected_array = np.asarray(got), np.asarray(expected)
    for name, array in (("got", got_array), ("expected", expected_array)):
        if array.dtype.kind not in "biuf":
            raise ValueError(f"explain: {name} must be an array of numbers, not of {array.dtype}.")
    mask = None if ties_mask is None else np.asarray(ties_mask, dtype=bool)
    if mask is not None and mask.shape != expected_array.shape:
        raise ValueError(
            f"explain: ties_mask has shape {mask.shape}, expected's shape {expected_array.shape}."
        )
    case = Case(
        got=got_array.astype(np.float64),
        expected=expected_array.astype(np.float64),
        got_dtype=got_array.dtype,
        tolerance=Tolerance(rtol=rtol, atol=atol),
        language=language,
        ties_mask=mask,
        factors=factors,
        inputs=inputs,
    )
    with np.errstate(all="ignore"):  # overflow in a guess is no news: the guess just fails
        return _explain(case)


def _explain(case: Case) -> Finding | None:
    if case.got.shape != case.expected.shape:
        if case.got.size == 0 or case.expected.size == 0:
            return shapes.empty_axes(case) or shapes.size_only(case) or shapes.shape_differs(case)
        return _first(case, _SHAPE_CHECKS) or shapes.shape_differs(case)
    if not case.differ.any():
        return None
    if case.got.size == 1:  # one number: only patterns that are rarely a coincidence
        return numbers.explain_number(case)
    found = values.nonfinite(case)
    if found or not case.finite:
        return found or order.values_differ(case)
    if case.got.size < MIN_EVIDENCE:  # two or three numbers: a sign or a simple ratio only
        return values.sign(case) or values.simple_scale(case) or order.values_differ(case)
    return _first(case, _VALUE_CHECKS) or order.values_differ(case)


def _first(case: Case, checks: tuple[Callable[[Case], Finding | None], ...]) -> Finding | None:
    for check in checks:
        found = check(case)
        if found is not None:
            return found
    return None


def region(
    got: np.ndarray,
    expected: np.ndarray,
    language: str = "en",
    *,
    rtol: float = tolerance.RTOL,
    atol: float = tolerance.ATOL,
) -> str:
    """Where two numeric arrays of one shape differ, as a hidden test's student copy may say it:
    axes and their indices, border or interior, or everywhere (`where.region`); "" for arrays of
    other shapes or kinds, or that agree."""
    got_array, expected_array = np.asarray(got), np.asarray(expected)
    if got_array.shape != expected_array.shape or got_array.dtype.kind not in "biuf":
        return ""
    if expected_array.dtype.kind not in "biuf":
        return ""
    with np.errstate(all="ignore"):
        mask = ~np.isclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=True)
    return where.region(mask, language)
