"""Flat indices unflattened or built with the wrong row length.

An index into a plane of width W is `row * W + column`. A student who multiplies the row by
another length (the output's width where the input's is needed) gets whole numbers that are the
expected ones with every `row * W` replaced by `row * L`. With the call's sizes known (its
arguments, the axes of its arrays: `Case.factors`), each size W is tried: the expected indices
split as row and column by W, and the student's must be `row * L + column` for one L, on every
element.
"""

from __future__ import annotations

import numpy as np

from grader.analysis.core import Case, Finding
from grader.analysis.where import summary

MIN_ROWS = 2  # elements past the first row that must bear the length out


def row_length(case: Case) -> Finding | None:
    """got and expected are flat indices, expected as row * W + column for a size W of the call,
    got as row * L + column with one other L."""
    got, expected = case.got.reshape(-1), case.expected.reshape(-1)
    if not _whole(got) or not _whole(expected) or expected.min() < 0:
        return None
    sizes = list((case.factors or {}).items())
    # the largest first; of equal sizes the last named (an array's columns come after its rows)
    order = sorted(range(len(sizes)), key=lambda index: (-sizes[index][1], -index))
    for name, length in (sizes[index] for index in order):
        wrong = _other_length(got, expected, length)
        if wrong is not None:
            return case.finding(
                "row_length",
                summary(case.differ, case.language),
                name=name.lstrip("#"),
                length=str(length),
                got_length=str(wrong),
            )
    return None


def _whole(values: np.ndarray) -> bool:
    return bool(np.isfinite(values).all() and (values == np.round(values)).all())


def _other_length(got: np.ndarray, expected: np.ndarray, length: int) -> int | None:
    """The one length L != `length` such that got = row * L + column where expected = row *
    `length` + column, on every element; None when there is none."""
    if length < 2:
        return None
    rows, columns = np.divmod(expected.astype(np.int64), length)
    later = rows > 0
    if later.sum() < MIN_ROWS or not np.array_equal(got[~later], columns[~later]):
        return None
    lengths = (got[later] - columns[later]) / rows[later]
    wrong = lengths[0]
    if wrong < 1 or wrong == length or wrong != np.round(wrong) or not np.all(lengths == wrong):
        return None
    return int(wrong)
