"""The grading contract between the plugin and the result collector: one `Outcome` per test phase.

The plugin (`grader.plugin`) decides each phase's status, reason and diagnosis and keeps it in the
test item's stash; the collector (`grader.scoring.ResultCollector`) reads it back to build the
report's `TestResult`. Nothing travels as ad-hoc attributes of pytest's report objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pytest

Status = Literal["passed", "failed", "error", "timeout"]


@dataclass
class Outcome:
    """What grading found in one phase ("setup", "call" or "teardown") of a test.

    Attributes:
        status: passed, failed (a wrong answer), error (the test or setup broke) or timeout.
        reason: the staff's reason, in the report's language ("" when passed).
        explanation: what a student may see of a hidden test: the diagnosis and what their own
            code did, never inputs or expected values.
        mistake: the catalogue entry named, if any.
        seed: the test's random seed, when it drew its inputs from `rng`.
        arrays: {"expected", "got"} of a failed comparison of one shape, for the HTML report.
        curve: the training history train returned ({"loss", "train_acc", "val_acc"}).
        finding: the structural analysis as a code, for staff reports: {"kind", "params"}, and
            "callees", the failing graded functions the test's function calls.
    """

    status: Status = "passed"
    reason: str = ""
    explanation: str = ""
    mistake: str | None = None
    seed: Any = None
    arrays: dict[str, Any] | None = None
    curve: dict[str, list[float]] | None = None
    finding: dict[str, Any] | None = None


OUTCOMES = pytest.StashKey[dict[str, Outcome]]()  # on a test item: its phases' outcomes


def record(item: pytest.Item, when: str, outcome: Outcome) -> None:
    """Keep `outcome` as the item's outcome of phase `when`."""
    item.stash.setdefault(OUTCOMES, {})[when] = outcome


def recorded(item: pytest.Item, when: str) -> Outcome | None:
    """The item's outcome of phase `when`, if the plugin recorded one."""
    return item.stash.get(OUTCOMES, {}).get(when)
