"""Step 3, containment: a failed test rerun with the failing functions it relies on answered.

When a test fails and graded functions it relies on (`grader.containment`) have failed their own
tests, the test is rerun, in its call phase, with those functions answered by an answerer of
callee calls: officially the reference's replay child. If it then passes, the test's own function
is right and keeps its points, and the callee is named; either way, the first call a callee got
wrong is named (`grader.rerun`). `makereport` only applies what this step decided.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader import i18n, limits
from grader.containment import dependencies
from grader.feedback.draft import Draft, graded_function
from grader.outcome import Notice
from grader.rerun import CalleeAnswerer, rerun
from grader.sandbox import SandboxedSubmission
from grader.session import GradingSession, assignment_of


@dataclass(frozen=True)
class Containment:
    """What a containment rerun found.

    Attributes:
        culprits: the failing graded functions the test relies on, sorted.
        passes: the test passes with them answered.
        wrong_call: a sentence naming the first call one of them got wrong, or "".
        unseen: the culprits no public test of theirs failed: a home run found them wrong on this
            test's released calls (`grader.answers.home.wrong_at_home`).
    """

    culprits: tuple[str, ...] = ()
    passes: bool = False
    wrong_call: str = ""
    unseen: tuple[str, ...] = ()


def dependencies_of(item: pytest.Item, session: GradingSession) -> set[str]:
    """The graded functions the test relies on besides its own (`grader.containment`)."""
    function = graded_function(item)
    if function is None:
        return set()
    graph = session.callees(assignment_of(Path(str(item.path))))
    used = session.names_used(Path(str(item.path)), getattr(item, "originalname", item.name))
    return dependencies(function, used, graph)


def contain(
    item: pytest.Item,
    handle: SandboxedSubmission,
    answerer: CalleeAnswerer,
    culprits: tuple[str, ...],
    language: str,
    session: GradingSession,
) -> Containment:
    """Rerun `item` with `culprits` answered by `answerer`, within the rerun's own time budget.

    Args:
        item: the failed test.
        handle: the student's open sandboxed submission.
        answerer: answers the culprits' calls (the reference's replay child officially).
        culprits: the failing functions the test relies on.
        language: the language of the wrong call's sentence.
        session: the run's session (its course's limits).

    Returns:
        the rerun's `Containment`.
    """
    assignment = assignment_of(Path(str(item.path)))
    grading = session.course.grading
    with limits.rerun_budget(item.config, assignment, item.nodeid, handle, grading):
        passes, wrong_call = rerun(item, handle, answerer, list(culprits), language)
    return Containment(culprits, passes, wrong_call)


def contain_at_home(
    item: pytest.Item,
    handle: SandboxedSubmission,
    relied_on: set[str],
    culprits: tuple[str, ...],
    language: str,
    session: GradingSession,
) -> Containment:
    """A home run's containment (no reference): `culprits`, and the functions of `relied_on` whose
    answers on this test's calls differ from the released ones (a failure only hidden tests would
    show, `grader.answers.home.wrong_at_home`), answered from the answers released with the
    assignment (`grader.answers.home`); a call they do not hold stays charged."""
    from grader.answers.home import rerun_at_home, wrong_at_home

    assignment = assignment_of(Path(str(item.path)))
    grading = session.course.grading
    with limits.rerun_budget(item.config, assignment, item.nodeid, handle, grading):
        unseen = wrong_at_home(item, handle, session, assignment, relied_on - set(culprits))
        if not culprits and not unseen:
            return Containment()
        every = list(sorted({*culprits, *unseen}))
        passes, wrong_call = rerun_at_home(item, handle, session, assignment, every, language)
    return Containment(tuple(every), passes, wrong_call, tuple(unseen))


def _number(key: str, names: tuple[str, ...]) -> str:
    """The catalogue key for one name or several ("fails its own tests", "fail their own tests")."""
    return key if len(names) == 1 else f"{key}_many"


def containment(draft: Draft) -> Draft:
    """A failed call of a test whose failing callees are known: rerun, and keep its points or
    name the callees beside the reason.

    Args:
        draft: a phase with its reason and structure (steps 1 and 2).

    Returns:
        the draft, contained (passed, its reason naming the callee) when the rerun passes; else
        with the culprits and a note naming them.
    """
    function = draft.function
    if draft.when != "call" or draft.status not in ("failed", "timeout") or function is None:
        return draft
    session, assignment = draft.session, draft.assignment
    relied_on = dependencies_of(draft.item, session)
    culprits = tuple(sorted(relied_on & session.failed))
    answered = tuple(sorted(relied_on & (session.failed | session.contained))) if culprits else ()
    answerer, handle = session.answerer(assignment), session.handle(assignment)
    found = Containment(culprits)
    if culprits and handle is not None and answerer is not None:
        found = contain(draft.item, handle, answerer, answered, draft.language, session)
    elif handle is not None and answerer is None and not session.options.official:
        found = contain_at_home(draft.item, handle, relied_on, answered, draft.language, session)
    kept_only = set(answered) - set(culprits)  # answered because contained, not failing: not named
    named = tuple(name for name in found.culprits if name not in kept_only)
    return _said(draft, function, dataclasses.replace(found, culprits=named))


def _said(draft: Draft, function: str, found: Containment) -> Draft:
    """The draft once containment has spoken."""
    if not found.culprits:
        return draft
    named = ", ".join(found.culprits)
    if found.passes:  # the caller's own code is right: its points are kept, the callee is named
        key = "callee_cause_unseen" if found.unseen else _number("callee_cause", found.culprits)
        cause = i18n.text(draft.language, key, function=function, callees=named)
        kept = (Notice.of(key, function=function, callees=named),)
        reason = "\n".join(filter(None, [cause, found.wrong_call]))
        return dataclasses.replace(
            draft, status="passed", reason=reason, notices=kept, culprits=found.culprits, contained=True
        )
    key = _number("callee_also_fails", found.culprits)
    if found.unseen:
        key, named = "callee_wrong_unseen", ", ".join(found.unseen)
    note = i18n.text(draft.language, key, function=function, callees=named)
    reason = "\n".join(filter(None, [draft.reason, note, found.wrong_call]))
    notices = (*draft.notices, Notice.of(key, function=function, callees=named))
    return dataclasses.replace(draft, reason=reason, notices=notices, culprits=found.culprits)
