"""Errors a user can fix: each message is one sentence saying what, where and what to do.

Each error carries a code: its class's `kind` ("config", "isolation_refused"), or the key of the
message catalogue when it was raised with an `i18n.Sentence` (its parameters kept, so that it
can be said in another language and its kind tested without reading its text).
"""

from __future__ import annotations

from typing import Any

from grader.i18n import Sentence


class GraderError(Exception):
    """A mistake in the user's input (course.yml, a path, a name); never a bug of the toolkit.

    Args:
        message: the sentence, or a catalogue `Sentence` (said in English by `str()`).
    """

    kind = "grader"

    def __init__(self, message: str | Sentence) -> None:
        super().__init__(str(message))
        self.sentence = message if isinstance(message, Sentence) else None

    @property
    def code(self) -> str:
        """The catalogue's key of the sentence, or the class's kind when it was raised with text."""
        return self.sentence.key if self.sentence else self.kind

    @property
    def params(self) -> dict[str, Any]:
        """The values the catalogue's sentence takes (empty when it was raised with text)."""
        return dict(self.sentence.params) if self.sentence else {}

    def text(self, language: str) -> str:
        """The sentence in `language` where the catalogue has it, else as it was raised."""
        return self.sentence.text(language) if self.sentence else str(self)


class ConfigError(GraderError):
    """course.yml is missing, malformed or has a wrong field."""

    kind = "config"


class UnknownAssignmentError(GraderError):
    """An assignment id that course.yml does not list."""

    kind = "unknown_assignment"


class SubmissionError(GraderError):
    """A submission that cannot be found or read (missing file, malformed notebook)."""

    kind = "submission"


class ReleaseError(GraderError):
    """A solution file that cannot be turned into a stub (unbalanced markers)."""

    kind = "release"


class IsolationRefused(GraderError):
    """An official run on a machine that cannot isolate student code strongly enough (exit 3)."""

    kind = "isolation_refused"
    exit_code = 3


class HiddenSuiteMissing(GraderError):
    """An official run where the hidden tests that hidden.json lists are absent (exit 3): an
    official grade is complete, never a score with points pending."""

    kind = "hidden_suite_missing"
    exit_code = 3


class CourseBroken(GraderError):
    """The course itself is broken: a suite cannot be collected (exit 4, a staff problem)."""

    kind = "course_broken"
    exit_code = 4


class SandboxBroken(GraderError):
    """The sandbox could not start a child, or does not give the reference full marks: nothing is
    graded (exit 4, a staff problem, never a score)."""

    kind = "sandbox_broken"
    exit_code = 4


class CatalogueError(GraderError):
    """A mistake catalogue (tests/<id>/mistakes.py) with a malformed entry."""

    kind = "catalogue"
