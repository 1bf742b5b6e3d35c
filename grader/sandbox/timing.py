"""Wall-time limits of a child: one call's, and a budget over many calls (sleeping counts).

`grader.sandbox.client` applies them; `FixedLimits` are course.yml's own, and
`grader.limits.ReferenceLimits` derives them from the reference's recorded times.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from grader.config import GradingSettings
from grader.sandbox.errors import SubmissionTimeout


@dataclass(frozen=True)
class CallLimit:
    """The wall time one call may take, and the reference's time for it when the limit comes from
    that (`grader.limits`), for the timeout's sentence."""

    seconds: float
    reference_s: float | None = None


@dataclass
class Budget:
    """Wall time a child may spend over many calls (sleeping counts), and what it has spent."""

    limit_s: float
    reference_s: float | None = None  # the reference's time the limit comes from, for the sentence
    spent_s: float = 0.0

    @property
    def remaining_s(self) -> float:
        return self.limit_s - self.spent_s


class TimeLimits(Protocol):
    """What a channel asks of its limits before each call and after each call-out."""

    def call(self, label: str) -> CallLimit:
        """The limit of a call labelled `label` ("conv_forward", "ConvNet.loss")."""

    def callout(self, name: str) -> float:
        """The most time the reference's answer to a call-out of `name` is excused from the caller."""


class FixedLimits:
    """course.yml's fixed limits: every call `time_limit_s`; the reference's answer to a call-out
    is excused from the caller's time up to that too."""

    def __init__(self, settings: GradingSettings) -> None:
        self.seconds = settings.time_limit_s

    def call(self, label: str) -> CallLimit:
        """The limit of a call labelled `label` ("conv_forward", "ConvNet.loss")."""
        return CallLimit(self.seconds)

    def callout(self, name: str) -> float:
        """The most time the reference's answer to a call-out of `name` is excused from the caller."""
        return self.seconds


def budget_spent(budget: Budget) -> SubmissionTimeout:
    """The timeout of a call made once `budget` is spent, naming the reference's time if it has one."""
    if budget.reference_s is None:
        return SubmissionTimeout("sandbox.budget_spent", limit=f"{budget.limit_s:g}")
    return SubmissionTimeout(
        "timeout.budget_reference", limit=f"{budget.limit_s:g}", reference=f"{budget.reference_s:g}"
    )


def call_timed_out(label: str, limit: float, call: CallLimit, budget: Budget) -> SubmissionTimeout:
    """The timeout of a call stopped after `limit` seconds: its own limit `call` (naming the
    reference's time when the limit came from it), or less where `budget` had less left."""
    if limit < call.seconds:
        return budget_spent(budget)
    if call.reference_s is None:
        return SubmissionTimeout("sandbox.timed_out", function=label, limit=f"{limit:g}")
    return SubmissionTimeout(
        "timeout.call_reference", function=label, limit=f"{limit:g}", reference=f"{call.reference_s:g}"
    )


TIMEOUTS_BEFORE_GIVING_UP = 2  # per function: later calls fail at once instead of waiting again


class CallTimer:
    """One call's time: its deadline (moved by the call-outs excused), and what it cost the student.

    Args:
        label: the call's label ("conv_forward").
        call: its limit.
        limit: the seconds it may take now (its own limit, or less where the budget has less left).
        started: when it started, on the keeper's clock.
    """

    def __init__(self, label: str, call: CallLimit, limit: float, started: float) -> None:
        self.label, self.call, self.limit, self.started = label, call, limit, started
        self.deadline = started + limit
        self.excused = 0.0  # the reference's time answering call-outs: not the student's

    def excuse(self, seconds: float, cap: float) -> None:
        """A call-out's answer took `seconds`: up to `cap` of it moves the deadline and is not charged."""
        excused = min(seconds, cap)
        self.excused += excused
        self.deadline += excused

    def took(self, now: float) -> float:
        """The student's time so far."""
        return now - self.started - self.excused


class Timekeeper:
    """The time of one submission's children: each call's deadline, the budget charged, each
    label's slowest call, the labels that timed out too often, and the last start's time.

    Args:
        settings: course.yml `grading:` (the fixed limits until `grader.limits` sets others).
        clock: monotonic seconds; tests inject one, so that nothing sleeps.
    """

    def __init__(self, settings: GradingSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.limits: TimeLimits = FixedLimits(settings)  # or grader.limits.ReferenceLimits
        self.budget = Budget(settings.submission_time_limit_s)  # wall time inside the child
        self.slowest: dict[str, float] = {}  # label -> its slowest answered call (for timings.json)
        self.timeouts: dict[str, int] = {}
        self.startup_s: float | None = None  # the last start's wall time, to the submission's hello

    @property
    def remaining_s(self) -> float:
        """What is left of the budget."""
        return self.budget.remaining_s

    def refuse(self, label: str) -> None:
        """Before a call: refuse it when its label timed out too often or the budget is spent.

        Raises:
            SubmissionTimeout: naming why.
        """
        if self.timeouts.get(label, 0) >= TIMEOUTS_BEFORE_GIVING_UP:
            raise SubmissionTimeout("sandbox.gave_up", function=label, count=TIMEOUTS_BEFORE_GIVING_UP)
        if self.remaining_s <= 0:
            raise budget_spent(self.budget)

    def start(self, label: str) -> CallTimer:
        """A call labelled `label` starts now."""
        call = self.limits.call(label)
        return CallTimer(label, call, min(call.seconds, self.remaining_s), self.clock())

    def excuse(self, timer: CallTimer, callout: str, asked: float) -> None:
        """The reference answered a call-out of `callout` asked at `asked`: excused up to its limit."""
        timer.excuse(self.clock() - asked, self.limits.callout(callout))

    def answered(self, timer: CallTimer) -> None:
        """The call returned: its time is its label's slowest if it is."""
        took = timer.took(self.clock())
        self.slowest[timer.label] = max(self.slowest.get(timer.label, 0.0), took)

    def charge(self, timer: CallTimer) -> None:
        """The call ended (however): its time, call-outs excused, is charged to the budget."""
        self.budget.spent_s += timer.took(self.clock())

    def timed_out(self, timer: CallTimer) -> SubmissionTimeout:
        """The call ran past its deadline: counted against its label; the timeout to raise."""
        self.timeouts[timer.label] = self.timeouts.get(timer.label, 0) + 1
        return call_timed_out(timer.label, timer.limit, timer.call, self.budget)

    def started(self, launched_at: float, ready_at: float | None) -> None:
        """A child's start, from its launch to its hello (`ready_at`, when it came; else now), is
        the submission's time; a successful one is recorded as the last start's."""
        ended = self.clock() if ready_at is None else ready_at
        if ready_at is not None:
            self.startup_s = ready_at - launched_at
        self.budget.spent_s += ended - launched_at

    @contextlib.contextmanager
    def charged_to(self, budget: Budget) -> Iterator[None]:
        """Within the block, the child's time is charged to `budget` instead (a containment rerun
        has its own, so that a failing function never spends the rest's time)."""
        kept, self.budget = self.budget, budget
        try:
            yield
        finally:
            self.budget = kept
