"""Time limits from the reference's own times: a slow or sleeping submission costs what its
answers cost, not what the fixed limits allow.

With the assignment's recorded reference times (`grader.timings`, written by `course release`):

- a call may take `call_time_multiple` x the reference's time for the same call (the same test,
  the same function) + `call_time_floor_s`, at most `time_limit_s`;
- the submission `submission_time_multiple` x the reference's suite time +
  `submission_time_floor_s`, at most `submission_time_limit_s`;
- a containment rerun (`grader.rerun`) has a budget of its own, the rerun test's limit (its
  reference time x the call multiple + the call floor), so a failing function never spends the
  rest's time; the reference answering its call-outs is excused from the student's time only up
  to the limit of the call it answers.

Without recorded times (a student's checkout, a course not released since) the fixed limits
apply, and an instructor's report says so. All limits are wall time: sleeping counts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader.config import GradingSettings
from grader.sandbox.timing import Budget, CallLimit
from grader.timings import Timings, load_timings, timings_path

LIMITS = pytest.StashKey[dict[str, "ReferenceLimits | None"]]()  # per assignment
FIXED_RERUN_BUDGETS = pytest.StashKey[dict[str, Budget]]()  # per assignment, without recorded times


@dataclass
class ReferenceLimits:
    """One assignment's limits, derived from its recorded reference times; `test` is the nodeid of
    the running test (set by the plugin before each test)."""

    settings: GradingSettings
    timings: Timings
    test: str | None = None

    def _scaled(self, reference_s: float) -> float:
        return self.settings.call_time_multiple * reference_s + self.settings.call_time_floor_s

    def call(self, label: str) -> CallLimit:
        """The limit of a call labelled `label` in the running test; the fixed one for a call the
        reference never made."""
        reference = self.timings.call_s(self.test, label)
        if reference is None or self._scaled(reference) >= self.settings.time_limit_s:
            return CallLimit(self.settings.time_limit_s)
        return CallLimit(round(self._scaled(reference), 3), reference)

    def callout(self, name: str) -> float:
        """The most time the reference's answer to a call-out of `name` is excused: the limit of
        that call ("ConvNet.loss" for a method)."""
        return self.call(name).seconds

    def budget(self) -> Budget:
        """The whole submission's budget."""
        scaled = self.settings.submission_time_multiple * self.timings.suite_s
        limit = scaled + self.settings.submission_time_floor_s
        if limit >= self.settings.submission_time_limit_s:
            return Budget(self.settings.submission_time_limit_s)
        return Budget(round(limit, 1), self.timings.suite_s)

    def rerun_budget(self, test: str) -> Budget:
        """A containment rerun's own budget: the test's limit, from the reference's time for it."""
        times = self.timings.tests.get(test)
        if times is None:
            return self.budget()
        limit = self._scaled(times.duration_s)
        ceiling = self.settings.submission_time_limit_s
        return Budget(ceiling) if limit >= ceiling else Budget(round(limit, 3), times.duration_s)


def limits_for(
    config: pytest.Config, root: Path, assignment_id: str, settings: GradingSettings, fixed: bool = False
) -> Any:
    """The assignment's ReferenceLimits, or None where its times are not recorded or the run asked
    for the fixed limits (`fixed`: `course release` measuring the reference)."""
    known = config.stash.setdefault(LIMITS, {})
    if assignment_id not in known:
        known[assignment_id] = reference_limits(root, assignment_id, settings, fixed)
    return known[assignment_id]


def reference_limits(
    root: Path, assignment_id: str, settings: GradingSettings, fixed: bool
) -> ReferenceLimits | None:
    """The assignment's ReferenceLimits from its recorded times; None without them or when `fixed`.

    Args:
        root: the course folder.
        assignment_id: the assignment.
        settings: course.yml's `grading:` (the multiples, floors and ceilings).
        fixed: the run asked for the fixed limits (`--fixed-limits`).

    Returns:
        The limits, or None where the fixed ones apply.
    """
    timings = None if fixed else load_timings(timings_path(root, assignment_id))
    return ReferenceLimits(settings, timings) if timings is not None else None


def apply(
    config: pytest.Config,
    root: Path,
    assignment_id: str,
    settings: GradingSettings,
    handle: Any,
    fixed: bool = False,
) -> None:
    """Give a newly opened sandboxed submission the assignment's reference limits, if recorded
    (`fixed`: the run applies the fixed limits instead)."""
    limits = limits_for(config, root, assignment_id, settings, fixed)
    if limits is not None and hasattr(handle, "limit_time"):
        handle.limit_time(limits, limits.budget())


def start_test(config: pytest.Config, nodeid: str) -> None:
    """The running test is `nodeid`: its calls get that test's limits."""
    for limits in config.stash.get(LIMITS, {}).values():
        if limits is not None:
            limits.test = nodeid


@contextlib.contextmanager
def rerun_budget(
    config: pytest.Config, assignment_id: str, nodeid: str, handle: Any, settings: GradingSettings
) -> Iterator[None]:
    """Within the block (a containment rerun of `nodeid`), the child's time goes to a budget of its
    own: the test's limit; with the fixed limits, one budget as large as the submission's, shared by
    all of the assignment's reruns."""
    limits = config.stash.get(LIMITS, {}).get(assignment_id)
    if limits is not None:
        budget = limits.rerun_budget(nodeid)
    else:
        shared = config.stash.setdefault(FIXED_RERUN_BUDGETS, {})
        budget = shared.setdefault(assignment_id, Budget(settings.submission_time_limit_s))
    with handle.charged_to(budget):
        yield


def describe(settings: GradingSettings) -> dict[str, str]:
    """The limits' numbers as the handout and the fixed-limits note state them."""
    return {
        "call_multiple": f"{settings.call_time_multiple:g}",
        "call_floor": f"{settings.call_time_floor_s:g}",
        "call_ceiling": f"{settings.time_limit_s:g}",
        "submission_multiple": f"{settings.submission_time_multiple:g}",
        "submission_floor": f"{settings.submission_time_floor_s:g}",
        "submission_ceiling": f"{settings.submission_time_limit_s:g}",
    }
