"""Step 2, the structure: which call a failed comparison is about, and how the arrays differ.

The analysis (`grader.analysis`) compares with the course's tolerances (course.yml `grading:`),
the ones the test's own comparison used. A hidden test's student copy gets notices instead
(`grader.disclosure`): the function, which call, the finding's category, where results differ.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from grader import analysis, compare, disclosure
from grader.feedback.draft import Draft
from grader.ignored import REPLACEABLE, ReplayBudget
from grader.located import Located, located
from grader.outcome import Notice
from grader.rerun import short
from grader.sandbox import StudentException, SubmissionFailure, SubmissionTimeout
from grader.sandbox.recording import MAX_CALLS_PER_FUNCTION


def structure(draft: Draft) -> Draft:
    """The call a failed comparison is about and the structural finding, put before the reason;
    a hidden test's notices.

    Args:
        draft: a phase with its reason (step 1).

    Returns:
        the draft with label, found, the reason led by them, and notices.
    """
    label, found = _analysed(draft)
    draft = dataclasses.replace(draft, label=label, found=found)
    finding = draft.finding
    said = f"{finding}\n{draft.reason}" if finding else draft.reason
    notices = tuple(hidden_notices(draft)) if draft.hidden else ()
    return dataclasses.replace(draft, reason=said, notices=notices)


def _analysed(draft: Draft) -> tuple[str, analysis.Finding | None]:
    """The call a failed comparison is about (`grader.located`), and the structural analysis of
    the comparison (arrays, numbers, or whole numbers fitted as formulas of the test's calls) or
    of NumPy's shape error in the student's exception, or None."""
    error = draft.error
    if isinstance(error, StudentException):
        return "", analysis.explain_exception(str(error), draft.language)
    if not isinstance(error, compare.Mismatch) or error.arrays is None:
        return "", None
    got, expected = error.arrays
    if got.dtype.kind not in "biuf" or expected.dtype.kind not in "biuf" or got.size > 10**6:
        return "", None
    found = _located(draft, got, expected)
    grading = draft.session.course.grading
    finding = found.finding or analysis.explain(
        got,
        expected,
        draft.language,
        factors=found.factors,
        inputs=found.inputs,
        rtol=grading.rtol,
        atol=grading.atol,
    )
    if found.ignored is not None and (finding is None or finding.kind in REPLACEABLE):
        finding = found.ignored
    return found.label, finding


def _located(draft: Draft, got: Any, expected: Any) -> Located:
    """The call a failed comparison is about, and a formula finding (`grader.located`)."""
    session, assignment = draft.session, draft.assignment
    handle = session.handle(assignment)
    if draft.function is None or handle is None or handle.calls is None:
        return Located()
    names = [draft.function, *handle.recorded_methods(draft.function)]
    calls = {name: handle.calls.of(name) for name in names}
    replayer = session.replayer(assignment)
    budget = None
    if replayer is not None:  # official runs: the reference answers the analysis, within a budget
        budget = session.replay_budgets.setdefault(assignment, ReplayBudget(replayer.answer))
    source = session.module_source(assignment)
    return located(calls, got, expected, source, draft.hidden, draft.language, short, budget)


def _position(draft: Draft) -> int | None:
    """Which call of the test's function failed: the last one made (the log keeps a few)."""
    handle = draft.session.handle(draft.assignment)
    if draft.function is None or handle is None or handle.calls is None:
        return None
    made = len(handle.calls.of(draft.function))
    return made if 0 < made < MAX_CALLS_PER_FUNCTION else None


def _failure_notice(error: SubmissionFailure, function: str) -> Notice:
    """A sandbox failure of a hidden test: an import that failed (before any hidden input
    existed, so its exception's type is named), or any other stop, by the function alone."""
    if error.code == "sandbox.not_imported":
        return Notice.of("hidden_not_imported", error_type=error.params["type"])
    if error.code in ("sandbox.import_slow", "sandbox.import_crashed"):
        return Notice.of("hidden_not_imported", error_type="TimeoutError")
    return Notice.of("hidden_failed", function=function)


def hidden_notices(draft: Draft) -> list[Notice]:
    """What a student may read of a hidden test's failure: the function, which call, the
    finding's category, where results differ, the exception's type (`grader.disclosure`)."""
    error, function = draft.error, draft.function or "?"
    notices = disclosure.finding_notices(draft.found) if draft.found is not None else []
    if isinstance(error, StudentException):
        return [*notices, Notice.of("hidden_raised", function=function, error_type=type(error).__name__)]
    if isinstance(error, SubmissionTimeout):
        return [Notice.of("hidden_timeout", function=function)]
    if isinstance(error, SubmissionFailure):
        return [_failure_notice(error, function)]
    position = _position(draft)
    wrong = Notice.of("hidden_call", function=function, position=position) if position else None
    if isinstance(error, compare.Mismatch) and error.arrays is not None:
        grading = draft.session.course.grading
        where = analysis.region(*error.arrays, draft.language, rtol=grading.rtol, atol=grading.atol)
        notices += [Notice.of("hidden_region", region=where)] if where else []
    return [wrong or Notice.of("hidden_wrong", function=function), *notices]
