"""What every check shares: the finding, the tolerance, the case under study, a fast comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from grader.analysis.messages import say

MIN_EVIDENCE = 4  # a pattern is named only when at least this many elements bear it out
_SAMPLE_FROM = 4096  # arrays larger than this are compared on a sample first
_SAMPLE_SIZE = 512


@dataclass(frozen=True)
class Finding:
    """One explanation of how a result differs from the expected one.

    Attributes:
        kind: a stable name such as "transposed", "channel_offset" or "values_differ".
        sentence: one sentence for the student, in the requested language.
        where: where the differences are (indices, axes, border or interior), never values.
        params: the sentence's parameters as (name, text) pairs, sorted: with `kind`, the finding as
            a typed code that staff reports group by (never by the sentence).
        values: the values the sentence was filled with (what a hidden test's student copy may
            keep of them is decided by `grader.disclosure`).
    """

    kind: str
    sentence: str
    where: str
    params: tuple[tuple[str, str], ...] = ()
    values: dict[str, object] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Tolerance:
    """Element-wise closeness as in numpy.isclose: |got - ref| <= atol + rtol * |ref|."""

    rtol: float
    atol: float


@dataclass
class Case:
    """The two arrays under study (as float64) and what the checks need besides.

    Attributes:
        got: the student's array, float64, any shape.
        expected: the reference array, float64, any shape.
        got_dtype: the dtype the student returned (before conversion).
        tolerance: how close counts as equal.
        language: "en" or "zh-CN".
        ties_mask: optional bool array of expected's shape, True where the input has ties.
    """

    got: np.ndarray
    expected: np.ndarray
    got_dtype: np.dtype
    tolerance: Tolerance
    language: str
    ties_mask: np.ndarray | None = None

    @cached_property
    def differ(self) -> np.ndarray:
        """Bool mask of expected's shape, True where got is not close (same shapes only)."""
        return ~np.isclose(
            self.got, self.expected, rtol=self.tolerance.rtol, atol=self.tolerance.atol, equal_nan=True
        )

    @cached_property
    def finite(self) -> bool:
        """Whether both arrays hold finite numbers only."""
        return bool(np.isfinite(self.got).all() and np.isfinite(self.expected).all())

    @cached_property
    def same_values(self) -> bool:
        """Whether got holds expected's values in some order (same size, sorted values close)."""
        got, expected = self.got.reshape(-1), self.expected.reshape(-1)
        if got.size != expected.size:
            return False
        if self.finite:
            # Sorted values that agree have sums that agree within the summed tolerances.
            bound = self.tolerance.atol * got.size + self.tolerance.rtol * np.abs(expected).sum()
            rounding = 1e-12 * (np.abs(got).sum() + np.abs(expected).sum())
            if abs(got.sum() - expected.sum()) > bound + rounding:
                return False
        return agree(np.sort(got), np.sort(expected), self.tolerance)

    def agree(self, got: np.ndarray, reference: np.ndarray) -> bool:
        """Whether `got` is close to `reference` everywhere (same shape), checking a sample first."""
        return agree(got, reference, self.tolerance)

    def finding(self, kind: str, where: str, **values: object) -> Finding:
        """A finding of `kind` with its sentence in the case's language."""
        params = tuple(sorted((name, str(value)) for name, value in values.items()))
        return Finding(kind, say(kind, self.language, **values), where, params, dict(values))


def agree(got: np.ndarray, reference: np.ndarray, tolerance: Tolerance) -> bool:
    """Whether `got` is close to `reference` everywhere; both arrays of one shape, any dtype.

    A deterministic sample of a large array is compared first, so that a wrong guess costs
    little; a right one is then confirmed on every element.
    """
    if got.shape != reference.shape:
        return False
    if got.size > _SAMPLE_FROM:
        flat = np.linspace(0, got.size - 1, _SAMPLE_SIZE).astype(np.intp)
        index = np.unravel_index(flat, got.shape)
        if not np.allclose(
            got[index], reference[index], rtol=tolerance.rtol, atol=tolerance.atol, equal_nan=True
        ):
            return False
    return bool(np.allclose(got, reference, rtol=tolerance.rtol, atol=tolerance.atol, equal_nan=True))
