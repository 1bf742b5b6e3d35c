"""Is the suite fair? Item analysis of each test over one assignment's submissions.

- difficulty: the share of students who pass the test;
- discrimination: the item-rest correlation, Pearson's r between the test's score and the rest
  of the student's total (the total without this test), which suits partial credit; undefined
  (None) when the test's score does not vary (everyone or no one passes) or the rest does not;
- tests nobody fails, tests everybody fails, and tests whose failures the analysis could not
  explain (a finding of kind values_differ or shape_differs, or none);
- pairs of tests that always fail together (the same students fail both, at least one);
- hidden tests failed by students who pass every public test of the same function.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from grader.insight.load import UNEXPLAINED, Submission, TestRecord

MAX_PAIRS = 50


def test_order(submissions: list[Submission]) -> list[TestRecord]:
    """One record per test name, in the order the suites report them (the first submission's)."""
    seen: dict[str, TestRecord] = {}
    for submission in submissions:
        for test in submission.tests:
            seen.setdefault(test.name, test)
    return list(seen.values())


def matrices(submissions: list[Submission], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(scores, failed): float64 and bool arrays of shape (students, tests); a missing test is a
    failed zero."""
    column = {name: j for j, name in enumerate(names)}
    scores = np.zeros((len(submissions), len(names)))
    failed = np.ones((len(submissions), len(names)), dtype=bool)
    for i, submission in enumerate(submissions):
        for test in submission.tests:
            j = column[test.name]
            scores[i, j] = test.score
            failed[i, j] = not test.passed
    return scores, failed


def item_rest(scores: np.ndarray) -> list[float | None]:
    """Each column's correlation with the row sums of the other columns; None where undefined.

    Args:
        scores: shape (students, tests), float64.

    Returns:
        one value in [-1, 1] or None per test.
    """
    rest = scores.sum(axis=1, keepdims=True) - scores
    item = scores - scores.mean(axis=0)
    rest = rest - rest.mean(axis=0)
    spread = np.sqrt((item * item).sum(axis=0) * (rest * rest).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        values = (item * rest).sum(axis=0) / spread
    tiny = spread <= 1e-12 * max(1.0, float(np.abs(scores).max(initial=0.0)) ** 2)
    return [None if tiny[j] else round(float(values[j]), 3) for j in range(scores.shape[1])]


def together(failed: np.ndarray, names: list[str]) -> list[list[str]]:
    """Pairs of tests failed by exactly the same students (at least one), at most MAX_PAIRS."""
    columns: dict[bytes, list[str]] = defaultdict(list)
    for j, name in enumerate(names):
        if failed[:, j].any():
            columns[np.packbits(failed[:, j]).tobytes()].append(name)
    pairs: list[list[str]] = []
    for group in columns.values():
        pairs.extend([a, b] for i, a in enumerate(group) for b in group[i + 1 :])
    return pairs[:MAX_PAIRS]


def unwarned(submissions: list[Submission]) -> dict[str, int]:
    """Hidden test -> students who failed it though they passed every public test of its function
    (and that function has public tests)."""
    counts: dict[str, int] = defaultdict(int)
    for submission in submissions:
        public: dict[str, bool] = {}
        for test in submission.tests:
            if not test.hidden:
                public[test.function] = public.get(test.function, True) and test.passed
        for test in submission.tests:
            if test.hidden and not test.passed and public.get(test.function, False):
                counts[test.name] += 1
    return dict(counts)


def unexplained(submissions: list[Submission]) -> dict[str, int]:
    """Test -> failures the analysis could not explain (and no catalogue entry named)."""
    counts: dict[str, int] = defaultdict(int)
    for submission in submissions:
        for test in submission.tests:
            if not test.passed and test.mistake is None and test.kind in UNEXPLAINED:
                counts[test.name] += 1
    return dict(counts)


def item_analysis(submissions: list[Submission]) -> dict[str, Any]:
    """The item analysis of one assignment (see the module's docstring).

    Returns:
        {"tests": [{"test", "function", "hidden", "max_score", "difficulty", "discrimination",
        "failed", "unexplained", "unwarned"}], "never_failed", "always_failed", "unexplained",
        "together", "unwarned"}.
    """
    records = test_order(submissions)
    names = [test.name for test in records]
    scores, failed = matrices(submissions, names)
    count = max(1, len(submissions))
    discrimination = item_rest(scores)
    strange, warned = unexplained(submissions), unwarned(submissions)
    fails = failed.sum(axis=0)
    rows = [
        {
            "test": test.name,
            "function": test.function,
            "hidden": test.hidden,
            "max_score": round(test.max_score, 3),
            "difficulty": round(1 - float(fails[j]) / count, 3),
            "discrimination": discrimination[j],
            "failed": int(fails[j]),
            "unexplained": strange.get(test.name, 0),
            "unwarned": warned.get(test.name, 0),
        }
        for j, test in enumerate(records)
    ]
    return {
        "tests": rows,
        "never_failed": [r["test"] for r in rows if r["failed"] == 0],
        "always_failed": [r["test"] for r in rows if r["failed"] == len(submissions) and submissions],
        "unexplained": [r["test"] for r in rows if r["unexplained"]],
        "together": together(failed, names),
        "unwarned": [r["test"] for r in rows if r["unwarned"]],
    }
