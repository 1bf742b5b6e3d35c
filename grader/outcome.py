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


@dataclass(frozen=True)
class Notice:
    """One sentence a student may read about a hidden test: a template's key and its parameters.

    `grader.disclosure` lists the templates and the parameters a template may take (the function,
    the call's position, the finding's category, the axis or region, a factor); a notice with any
    other key or parameter is never rendered.

    Attributes:
        key: the template (an `i18n` key, or "finding" for a structural analysis' sentence).
        params: (name, value) pairs.
    """

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **params: Any) -> Notice:
        """A notice of template `key` filled with `params`."""
        return cls(key, tuple(sorted(params.items())))

    def to_list(self) -> list[Any]:
        """[key, {params}]: how a notice travels in a JSON record (grade-all feedback)."""
        return [self.key, dict(self.params)]

    @classmethod
    def from_list(cls, entry: Any) -> Notice | None:
        """The notice `to_list` made `entry` of, or None when `entry` is not a [key, {params}] pair."""
        if not (isinstance(entry, list) and len(entry) == 2):
            return None
        key, params = entry
        if not (isinstance(key, str) and isinstance(params, dict)):
            return None
        return cls(key, tuple(sorted(params.items())))


@dataclass
class Outcome:
    """What grading found in one phase ("setup", "call" or "teardown") of a test.

    Attributes:
        status: passed, failed (a wrong answer), error (the test or setup broke) or timeout.
        reason: the staff's reason, in the report's language ("" when passed).
        notices: what a student may see of a hidden test (rendered by `grader.disclosure`).
        mistake: the catalogue entry named, if any.
        seed: the test's random seed, when it drew its inputs from `rng`.
        arrays: {"expected", "got"} of a failed comparison of one shape, for the HTML report.
        curve: the training history train returned ({"loss", "train_acc", "val_acc"}).
        finding: the structural analysis as a code, for staff reports: {"kind", "params"}, and
            "callees", the failing graded functions the test's function calls.
    """

    status: Status = "passed"
    reason: str = ""
    notices: tuple[Notice, ...] = ()
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
