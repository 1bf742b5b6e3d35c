"""Errors a user can fix: each message is one sentence saying what, where and what to do."""

from __future__ import annotations


class GraderError(Exception):
    """A mistake in the user's input (course.yml, a path, a name); never a bug of the toolkit."""


class ConfigError(GraderError):
    """course.yml is missing, malformed or has a wrong field."""


class UnknownAssignmentError(GraderError):
    """An assignment id that course.yml does not list."""


class SubmissionError(GraderError):
    """A submission that cannot be found or read (missing file, malformed notebook)."""


class ReleaseError(GraderError):
    """A solution file that cannot be turned into a stub (unbalanced markers)."""


class IsolationRefused(GraderError):
    """An official run on a machine that cannot isolate student code strongly enough (exit 3)."""

    exit_code = 3


class HiddenSuiteMissing(GraderError):
    """An official run where the hidden tests that hidden.json lists are absent (exit 3): an
    official grade is complete, never a score with points pending."""

    exit_code = 3


class CourseBroken(GraderError):
    """The course itself is broken: a suite cannot be collected (exit 4, a staff problem)."""

    exit_code = 4


class SandboxBroken(GraderError):
    """The sandbox could not start a child, or does not give the reference full marks: nothing is
    graded (exit 4, a staff problem, never a score)."""

    exit_code = 4


class CatalogueError(GraderError):
    """A mistake catalogue (tests/<id>/mistakes.py) with a malformed entry."""
