"""The submission's child, started before pytest itself: it confines itself and imports the
submission while pytest starts, loads its plugins and collects the suites (issue 22: the child's
start is most of a small task's time, and pytest's own start is the rest).

`grader.grading.grade` opens the submission as the plugin would (`grader.plugin.open_for`: the same
path, settings, isolation and reference-based limits), starts its child, and hands both to the run
through `StartedEarly`, a pytest plugin: the run's fixtures find the submission open, with its
limits where `grader.limits` keeps them, so the first call only reads the child's hello.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import limits
from grader.config import Assignment, Course
from grader.errors import GraderError
from grader.plugin import OPEN_SUBMISSIONS, protected_paths
from grader.sandbox import SandboxedSubmission
from grader.submission import open_submission


class StartedEarly:
    """A pytest plugin that puts an open submission, whose child is already starting, where the
    run's `submission` fixture looks for it, with its reference-based limits."""

    def __init__(
        self, key: tuple[str, str], handle: SandboxedSubmission, found: limits.ReferenceLimits | None
    ) -> None:
        self.key, self.handle, self.found = key, handle, found
        self.handed = False

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash.setdefault(OPEN_SUBMISSIONS, {})[self.key] = self.handle
        config.stash.setdefault(limits.LIMITS, {})[self.key[0]] = self.found
        self.handed = True

    def close_unless_handed(self) -> None:
        """Close the child where pytest never took it (it stopped before configuring the run)."""
        if not self.handed:
            self.handle.close()


def start_early(
    root: Path,
    course: Course,
    assignment: Assignment,
    submission: Path,
    official: bool,
    fixed_limits: bool,
    in_process: bool = False,
) -> StartedEarly | None:
    """Open `submission` in the sandbox and start its child now; None for a run in this process,
    or where it cannot be opened here (the run's fixture then opens it and says why).

    Args:
        root: the course folder.
        course: its course.yml.
        assignment: the assignment graded.
        submission: the path given to the run (`--submission`).
        official: the score is recorded (the isolation level must be strong).
        fixed_limits: apply course.yml's fixed limits (`course release` measuring the reference).
        in_process: the run imports the submission here (trusted code): no child.

    Returns:
        The plugin to give pytest, or None.
    """
    if in_process:
        return None
    try:
        handle = open_submission(
            submission,
            assignment.module_name,
            settings=course.grading,
            official=official,
            protected=protected_paths(root),
        )
    except GraderError:
        return None
    if not isinstance(handle, SandboxedSubmission):
        handle.close()
        return None
    found = limits.reference_limits(root, assignment.id, course.grading, fixed_limits)
    if found is not None:
        handle.limit_time(found, found.budget())
    handle.start_early()
    return StartedEarly((assignment.id, str(submission)), handle, found)
