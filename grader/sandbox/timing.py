"""Wall-time limits of a child: one call's, and a budget over many calls (sleeping counts).

`grader.sandbox.client` applies them; `FixedLimits` are course.yml's own, and
`grader.limits.ReferenceLimits` derives them from the reference's recorded times.
"""

from __future__ import annotations

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
    text = f"the {budget.limit_s:g} s time budget of the whole submission is spent"
    if budget.reference_s is None:
        return SubmissionTimeout(text)
    text += f" (the reference solution takes {budget.reference_s:g} s)"
    return SubmissionTimeout(
        text, "timeout.budget_reference", limit=f"{budget.limit_s:g}", reference=f"{budget.reference_s:g}"
    )


def call_timed_out(label: str, limit: float, call: CallLimit, budget: Budget) -> SubmissionTimeout:
    """The timeout of a call stopped after `limit` seconds: its own limit `call` (naming the
    reference's time when the limit came from it), or less where `budget` had less left."""
    if limit < call.seconds:
        return budget_spent(budget)
    text = f"{label} timed out after {limit:g} s"
    if call.reference_s is None:
        return SubmissionTimeout(text)
    text += f", its limit (the reference solution takes {call.reference_s:g} s for this call)"
    return SubmissionTimeout(
        text, "timeout.call_reference", function=label, limit=f"{limit:g}", reference=f"{call.reference_s:g}"
    )
