"""The submission's child, started before pytest itself: it confines itself and imports the
submission while pytest starts, loads its plugins and collects the suites (issue 22: the child's
start is most of a small task's time, and pytest's own start is the rest).

`grader.grading.grade` opens the submission through the run's session (`GradingSession.open`: the
path, settings, isolation and reference-based limits), starts its child, and hands both to the run
through `StartedEarly`, a pytest plugin: the run's fixtures find the submission open, with its
limits where `grader.limits` keeps them, so the first call only reads the child's hello.
"""

from __future__ import annotations

import pytest

from grader import limits
from grader.config import Assignment
from grader.errors import GraderError
from grader.sandbox import SandboxedSubmission
from grader.session import GradingSession


class StartedEarly:
    """A pytest plugin that puts an open submission, whose child is already starting, where the
    run's `submission` fixture looks for it, with its reference-based limits."""

    def __init__(
        self, handle: SandboxedSubmission, found: limits.ReferenceLimits | None, assignment_id: str
    ) -> None:
        self.handle, self.found, self.assignment_id = handle, found, assignment_id
        self.handed = False

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash.setdefault(limits.LIMITS, {})[self.assignment_id] = self.found
        self.handed = True

    def close_unless_handed(self) -> None:
        """Close the child where pytest never took it (it stopped before configuring the run)."""
        if not self.handed:
            self.handle.close()


def start_early(session: GradingSession, assignment: Assignment) -> StartedEarly | None:
    """Open the session's submission of `assignment` in the sandbox and start its child now; None
    for a run in this process, or where it cannot be opened here (the run's fixture then opens it
    and says why).

    Args:
        session: the run's session (course, options, the isolation chosen once).
        assignment: the assignment graded.

    Returns:
        The plugin to give pytest, or None.
    """
    if session.options.in_process:
        return None
    try:
        handle = session.open(assignment.id)
    except GraderError:
        return None
    if not isinstance(handle, SandboxedSubmission):
        return None
    grading, fixed = session.course.grading, session.options.fixed_limits
    found = limits.reference_limits(session.root, assignment.id, grading, fixed)
    if found is not None:
        handle.limit_time(found, found.budget())
    handle.start_early()
    return StartedEarly(handle, found, assignment.id)
