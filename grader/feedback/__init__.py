"""Feedback on a failed test phase, as ordered steps (as nbgrader's converters list theirs).

Each step takes a `Draft` (the failure and what has been said of it) and returns a new one:

1. `reason`: the status and the failure's own sentence (`grader.reasons`);
2. `structure`: the call a failed comparison is about and how the arrays differ, with the
   course's tolerances; a hidden test's notices. It reads the test's call log, so it comes
   before the rerun, whose calls are logged too;
3. `containment`: a failed call whose failing callees are known is rerun with them answered;
   if it then passes, its points are kept and nothing after applies to it;
4. `named_mistake`: the catalogue entry the calls name, only where no failing callee explains
   the failure (a callee's mistake is named at the callee's own tests);
5. `shorten`: the reason cut to eight lines, the seed on the first, after everything is said.

`decide` runs them in the phase itself (the plugin's `pytest_runtest_setup`, `_call` and
`_teardown` wrappers: the rerun happens in the call phase); `apply` is all `makereport` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from grader import i18n
from grader.feedback.containment import containment
from grader.feedback.curve import training_curve
from grader.feedback.draft import Draft, graded_function
from grader.feedback.mistake import named_mistake
from grader.feedback.reason import reason
from grader.feedback.shorten import seed_of, shorten
from grader.feedback.structure import structure
from grader.outcome import Outcome
from grader.session import GradingSession

Step = Callable[[Draft], Draft]
STEPS: tuple[Step, ...] = (reason, structure, containment, named_mistake, shorten)


@dataclass(frozen=True)
class Decision:
    """What a phase's feedback decided, for `makereport` to apply.

    Attributes:
        outcome: the phase's outcome, as recorded when the report is not a skip.
        raised: the phase raised (else the outcome only carries the training curve).
        contained: the test passes once its failing callees are answered: the report passes.
        crash: the feedback's own failure, when it failed (the test is then never lost).
    """

    outcome: Outcome
    raised: bool = False
    contained: bool = False
    crash: str | None = None


DECISIONS = pytest.StashKey[dict[str, Decision]]()  # on a test item: per phase


def _skipped(error: BaseException) -> bool:
    return isinstance(error, (pytest.skip.Exception, pytest.xfail.Exception))


def run_steps(draft: Draft, steps: tuple[Step, ...] = STEPS) -> Draft:
    """The draft after `steps`, in order."""
    for step in steps:
        draft = step(draft)
    return draft


def outcome_of(draft: Draft, curve: dict[str, list[float]] | None) -> Outcome:
    """The recorded outcome of a finished draft."""
    if draft.contained:
        return Outcome("passed", draft.reason, notices=draft.notices, curve=curve)
    found = draft.found
    finding: dict[str, Any] = {
        "kind": found.kind if found else None,
        "params": dict(found.params) if found else {},
        "callees": list(draft.culprits),
    }
    return Outcome(
        draft.status,
        draft.reason,
        notices=draft.notices,
        mistake=draft.mistake.name if draft.mistake else None,
        seed=seed_of(draft),
        arrays=draft.arrays,
        curve=curve,
        finding=finding,
    )


def decide(item: pytest.Item, session: GradingSession, when: str, error: BaseException | None) -> Decision:
    """The feedback on one phase of a test, which raised `error` (or None); never raises.

    Args:
        item: the test.
        session: the run's session.
        when: "setup", "call" or "teardown".
        error: what the phase raised, or None.

    Returns:
        the `Decision`; a failure of the feedback itself is kept in its `crash`.
    """
    try:
        curve = training_curve(item, session) if when == "call" else None
        if error is None or _skipped(error):
            return Decision(Outcome(curve=curve))
        draft = run_steps(Draft(item, session, when, error, session.language))
        return Decision(outcome_of(draft, curve), raised=True, contained=draft.contained)
    except Exception as failure:  # the grader's own plumbing must never lose a test (INTERNALERROR)
        return Decision(Outcome(), raised=error is not None, crash=repr(failure)[:200])


def apply(
    item: pytest.Item, report: pytest.TestReport, decision: Decision, session: GradingSession
) -> Outcome:
    """What `makereport` does with a phase's decision: the report passes where containment kept
    the points (its function is then answered too in its callers' reruns), the seed is added to
    the report, the test's function counts as failed.

    Returns:
        the outcome to record for the phase.
    """
    if decision.crash is not None:
        said = "" if report.passed else i18n.text(session.language, "grader_failed", error=decision.crash)
        return Outcome("error" if report.failed else "passed", said)
    if report.skipped or not decision.raised:
        return Outcome(curve=decision.outcome.curve)
    function = graded_function(item)
    if decision.contained:
        if function is not None:  # right alone, wrong through its callee: answered in its callers' reruns
            session.contained.add(function)
        report.outcome, report.longrepr = "passed", None
        return decision.outcome
    if function is not None:
        session.failed.add(function)
    if decision.outcome.seed is not None:
        report.sections.append(("seed", f"rerun with --seed {decision.outcome.seed} to reproduce"))
    return decision.outcome
