"""What the feedback steps pass along: one phase's failure, and what has been said of it so far."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader.analysis import Finding
from grader.catalogue import Mistake
from grader.outcome import Notice, Status
from grader.session import GradingSession, assignment_of


def graded_function(item: pytest.Item) -> str | None:
    """The graded function or class a test checks (its `function` marker), if it names one."""
    marker = item.get_closest_marker("function")
    return str(marker.args[0]) if marker and marker.args else None


@dataclass(frozen=True)
class Draft:
    """A failed phase of a test, as the feedback steps see it; each step returns a new draft.

    Attributes:
        item: the test.
        session: the run's `GradingSession`.
        when: the phase ("setup", "call" or "teardown").
        error: what the phase raised.
        language: the feedback's language.
        status: failed, error or timeout; passed once containment keeps the points.
        reason: the reason so far, in `language`.
        label: the call a failed comparison is about ("" when none is known).
        found: the structural analysis' finding, if any.
        notices: what a student may see of a hidden test.
        culprits: the failing graded functions the test relies on.
        contained: the test passes with those answered by the reference: its points are kept.
        mistake: the catalogue entry named, if any.
        arrays: {"expected", "got"} of a failed comparison of one shape.
    """

    item: pytest.Item
    session: GradingSession
    when: str
    error: BaseException
    language: str
    status: Status = "failed"
    reason: str = ""
    label: str = ""
    found: Finding | None = None
    notices: tuple[Notice, ...] = ()
    culprits: tuple[str, ...] = ()
    contained: bool = False
    mistake: Mistake | None = None
    arrays: dict[str, Any] | None = None

    @property
    def function(self) -> str | None:
        """The test's graded function or class."""
        return graded_function(self.item)

    @property
    def hidden(self) -> bool:
        """Whether the test is hidden (a student sees only its notices)."""
        return self.item.get_closest_marker("hidden") is not None

    @property
    def assignment(self) -> str:
        """The assignment whose suite holds the test."""
        return assignment_of(Path(str(self.item.path)))

    @property
    def finding(self) -> str:
        """The call and the finding, as the reason's first line says them ("" when neither)."""
        said = None
        if self.found is not None:
            said = f"{self.found.sentence} ({self.found.where})" if self.found.where else self.found.sentence
        return " ".join(filter(None, [self.label, said]))
