"""The `grade` and `course` commands: the only modules that print or exit.

Exit codes (every command):
    0  graded (or checked) successfully
    1  the score is below --fail-under, or `course check` found a problem
    2  a mistake in the command or the course (GraderError): one line on stderr
    3  an official run refused: the isolation it needs is not available here (IsolationRefused)
    4  the course itself is broken: a suite cannot be collected (CourseBroken)

Modules: `common` (errors, exit codes, shared options), `grade` (the student's command),
`course` (validate, release, check, export, new), `batch` (grade-all).
"""

from __future__ import annotations

from grader.cli import batch  # noqa: F401  (registers `course grade-all`)
from grader.cli.common import EXIT_BELOW_THRESHOLD, EXIT_OK, EXIT_USAGE, is_official
from grader.cli.course import course_command
from grader.cli.grade import grade_command

__all__ = [
    "EXIT_BELOW_THRESHOLD",
    "EXIT_OK",
    "EXIT_USAGE",
    "course_command",
    "course_main",
    "grade_command",
    "grade_main",
    "is_official",
]


def grade_main() -> None:
    """Entry point of the `grade` console script."""
    grade_command()


def course_main() -> None:
    """Entry point of the `course` console script."""
    course_command()
