"""Checks that read the call's own arrays: a term in one of them added where it does not belong.

A loss's gradient with `reg * b` added for a bias, or without `reg * W` for a weight, differs from
the expected one by a multiple of that parameter. The caller passes the call's arrays by name
(its arguments and the object's attributes); the multiple itself is never shown, since it may
be a hidden test's input.
"""

from __future__ import annotations

import numpy as np

from grader.analysis.core import Case, Finding
from grader.analysis.where import summary


def input_term(case: Case) -> Finding | None:
    """got - expected == c * A for one of the call's arrays A of the same shape, c not 0."""
    difference = case.got - case.expected
    for name, array in (case.inputs or {}).items():
        if array.shape != case.got.shape or array.dtype.kind not in "biuf":
            continue
        values = array.astype(np.float64)
        norm = float(np.vdot(values, values))
        if norm == 0.0 or not np.isfinite(norm):
            continue
        factor = float(np.vdot(difference, values)) / norm
        if factor != 0.0 and np.isfinite(factor) and case.agree(case.got, case.expected + factor * values):
            return case.finding("input_term", summary(case.differ, case.language), name=name)
    return None
