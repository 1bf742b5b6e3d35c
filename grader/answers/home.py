"""A home run's containment rerun: the released answers stand in for the reference child.

The plugin calls `rerun_at_home` where an official run would rerun a failed test with its failing
callees answered by the reference (`grader.rerun`), when there is no reference and the run is not
official. The callees are substituted the same way; each call-out is answered from the test's
entries in answers.json (`grader.answers.table`) when one matches, and refused (the student's
caller sees a PermissionError, as the official guard gives) when none does; then the note says
that the official run may differ there.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import pytest

from grader import i18n
from grader.answers.table import Answers, Entry, load, path_for
from grader.diagnosis import same
from grader.rerun import (
    MAX_RECORDED,
    MAX_TRIED,
    _small,
    _student_outcome,
    first_wrong_call,
    run_again,
    substituted,
)
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


def wrong_at_home(
    item: pytest.Item,
    handle: SandboxedSubmission,
    session: GradingSession,
    assignment_id: str,
    names: set[str],
) -> list[str]:
    """The functions of `names` whose own answers, on the calls this test leads to, differ from the
    reference's answers released for it: wrong on public inputs, though no public test of theirs
    failed (only a hidden test, which a home run does not have, would catch it). Officially, such a
    function fails its hidden tests and the test is rerun with it answered; so is it at home.

    Only plain functions are asked (a method's answer depends on an object the home run would have
    to rebuild), at most `MAX_TRIED` calls each, in the test's order.

    Returns:
        the names found wrong, sorted.
    """
    table = answers_for(session, assignment_id)
    if table is None:
        return []
    tried: dict[str, int] = {}
    wrong: set[str] = set()
    for entry in table.tests.get(item.name, ()):
        name = entry.call
        if name not in names or entry.state is not None or name in wrong or tried.get(name, 0) >= MAX_TRIED:
            continue
        tried[name] = tried.get(name, 0) + 1
        args, kwargs = _call_of(table, entry)
        got = _student_outcome(handle, name, args, kwargs)
        if got is not None and not same(got, entry.answer):
            wrong.add(name)
    return sorted(wrong)


def _call_of(table: Answers, entry: Entry) -> tuple[list[Any], dict[str, Any]]:
    """An entry's bound arguments as a call passes them (by position where the signature needs)."""
    signature = table.signatures.get(entry.call)
    if signature is None or not set(entry.arguments) <= set(signature.parameters):
        return [], dict(entry.arguments)
    bound = inspect.BoundArguments(signature, dict(entry.arguments))  # type: ignore[arg-type]
    return list(bound.args), dict(bound.kwargs)


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
