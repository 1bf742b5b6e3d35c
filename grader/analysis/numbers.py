"""Checks on two single numbers (a loss, an output size, a parameter count).

One number carries little evidence, so only patterns that are rarely a coincidence are named:
a simple ratio (6, 1/2), one more or one less for whole numbers, the opposite sign, the fraction
cut off. Anything else says nothing: no sentence is better than a guess.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from grader.analysis.core import Case, Finding

_MAX_TERM = 64  # a ratio is named when it is k or 1/k, or a fraction with terms up to this


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
    quotient = got / expected if expected != 0 else 0.0
    if quotient != 0 and np.isfinite(quotient):
        ratio = Fraction(quotient).limit_denominator(_MAX_TERM)
        simple = abs(ratio.numerator) <= _MAX_TERM and ratio not in (0, 1, -1)
        if simple and _close(case, got, float(ratio) * expected) and not 2 / 3 < abs(float(ratio)) < 3 / 2:
            return case.finding("number_scale", "", factor=str(ratio))
    return None


def _close(case: Case, got: float, reference: float) -> bool:
    tolerance = case.tolerance
    return bool(np.isclose(got, reference, rtol=max(tolerance.rtol, 1e-7), atol=tolerance.atol))
