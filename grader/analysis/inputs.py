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


MAX_VALUES = 4096  # elements of an input whose values are looked up
MAX_PAIRS = 256  # an input this small is also tried two values at a time


def input_contributions(case: Case) -> Finding | None:
    """Where got differs, it holds one value of one of the call's arrays (a `dout`) and the expected
    value is that one plus one or two more of them: contributions that must add up (windows that
    reach one input) were assigned, or added by a fancy-index `+=` that keeps one of repeats."""
    where = np.flatnonzero(case.differ)
    if where.size == 0 or where.size > MAX_VALUES:
        return None
    got, missing = case.got.reshape(-1)[where], (case.expected - case.got).reshape(-1)[where]
    for name, array in (case.inputs or {}).items():
        if array.dtype.kind != "f" or not 0 < array.size <= MAX_VALUES:
            continue
        values = np.unique(array.astype(np.float64).reshape(-1))
        if _among(case, got, values) and (
            _among(case, missing, values) or _among(case, missing, _pairs(values))
        ):
            return case.finding("input_contributions", summary(case.differ, case.language), name=name)
    return None


def _pairs(values: np.ndarray) -> np.ndarray:
    if values.size > MAX_PAIRS:
        return np.empty(0)
    first, second = np.triu_indices(values.size)
    return values[first] + values[second]


def _among(case: Case, wanted: np.ndarray, values: np.ndarray) -> bool:
    """Whether every wanted number is one of `values` (within the tolerance), none of them 0."""
    if values.size == 0 or np.any(np.abs(wanted) <= case.tolerance.atol):
        return False
    ordered = np.sort(values)
    index = (
        np.clip(np.searchsorted(ordered, wanted), 1, ordered.size - 1)
        if ordered.size > 1
        else np.zeros(wanted.size, dtype=np.intp)
    )
    near = np.minimum(np.abs(ordered[index] - wanted), np.abs(ordered[np.maximum(index - 1, 0)] - wanted))
    return bool(np.all(near <= case.tolerance.atol + case.tolerance.rtol * np.abs(wanted)))
