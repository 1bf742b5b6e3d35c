"""A home run's containment rerun: the released answers stand in for the reference child.

The plugin calls `rerun_at_home` where an official run would rerun a failed test with its failing
callees answered by the reference (`grader.rerun`), when there is no reference and the run is not
official. The callees are substituted the same way; each call-out is answered from the test's
entries in answers.json (`grader.answers.table`) when one matches, and refused (the student's
caller sees a PermissionError, as the official guard gives) when none does; then the note says
that the official run may differ there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from grader import i18n
from grader.answers.table import Answers, load, path_for
from grader.rerun import MAX_RECORDED, _small, first_wrong_call, run_again, substituted
from grader.sandbox import SandboxedSubmission

if TYPE_CHECKING:
    from grader.session import GradingSession


def answers_for(session: GradingSession, assignment_id: str) -> Answers | None:
    """The assignment's released answers, read once per run; None when absent or unreadable."""
    if assignment_id not in session.home_answers:
        session.home_answers[assignment_id] = load(path_for(session.root, assignment_id))
    return session.home_answers[assignment_id]


def callees_at_home(session: GradingSession, assignment_id: str) -> dict[str, set[str]]:
    """The reference's call graph among graded functions, as released (empty without answers)."""
    table = answers_for(session, assignment_id)
    return dict(table.callees) if table is not None else {}


def rerun_at_home(
    item: pytest.Item,
    handle: SandboxedSubmission,
    session: GradingSession,
    assignment_id: str,
    culprits: list[str],
    language: str,
) -> tuple[bool, str]:
    """Rerun `item` (a test of `assignment_id`) with `culprits` answered from the released answers.

    Returns:
        (whether it passes, sentences: the first call a culprit got wrong, and, when the answers
        did not hold a call the rerun asked, that the official run may differ), as `grader.rerun`.
    """
    table = answers_for(session, assignment_id)
    test = item.name
    asked: list[tuple[str, list[Any], dict[str, Any], tuple[str, Any]]] = []
    missing: list[str] = []

    def answer(name: str, args: list[Any], kwargs: dict[str, Any], state: dict[str, Any] | None) -> Any:
        if not substituted(name, state, culprits):
            return "raised", "PermissionError"  # the student's code forged a call-out
        found = table.lookup(test, name, args, kwargs, state) if table is not None else None
        if found is None:
            missing.append(name.split(".", 1)[0])
            return "raised", "PermissionError"
        if state is None and len(asked) < MAX_RECORDED and _small([args, kwargs, found]):
            asked.append((name, args, kwargs, found))
        return found

    passes = run_again(item, handle, culprits, answer)
    wrong_call = first_wrong_call(handle, asked, language)
    note = ""
    if not passes and missing:
        note = i18n.text(language, "home_answers_missing", callees=", ".join(sorted(set(missing))))
    return passes, "\n".join(filter(None, [wrong_call, note]))
