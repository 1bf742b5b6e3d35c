"""`grade` starts the submission's child before pytest itself (issue 22): the child confines
itself and imports the submission while pytest starts and collects, and the run uses that child,
with the assignment's reference-based limits."""

import pytest

from grader.config import load_course
from grader.grading import grade
from grader.limits import LIMITS, ReferenceLimits
from grader.session import opened_submissions

from .conftest import fixture_course


class Watch:
    """What the run holds when pytest configures it, and after collection."""

    def __init__(self) -> None:
        self.children_at_configure: list[int] = []
        self.opened_after_collection = 0
        self.limits_shared = False

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        for handle in opened_submissions(config):
            channel = handle._connection.channel
            if channel.child is not None:
                self.children_at_configure.append(channel.generation)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        config = session.config
        opened = list(opened_submissions(config))
        self.opened_after_collection = len(opened)
        found = config.stash.get(LIMITS, {}).get("vec")
        channel = opened[0]._connection.channel
        self.limits_shared = isinstance(found, ReferenceLimits) and channel.keeper.limits is found


def test_grade_starts_the_child_before_pytest_and_the_run_uses_it(tmp_path):
    root = fixture_course(tmp_path / "course")
    course = load_course(root / "course.yml")
    watch = Watch()
    report = grade(root, course.assignment("vec"), root / "solutions" / "vec.py", plugins=(watch,))
    assert watch.children_at_configure == [1]  # started before pytest configured the run
    assert watch.opened_after_collection == 1  # collection opened no other
    assert watch.limits_shared  # per-test limits reach the child's channel
    assert report.score == report.max_score


def test_without_a_submission_the_run_says_why(tmp_path):
    """A folder without vec.py: nothing to start early; the run's fixture reports it as before."""
    root = fixture_course(tmp_path / "course")
    course = load_course(root / "course.yml")
    empty = tmp_path / "work"
    empty.mkdir()
    report = grade(root, course.assignment("vec"), empty)
    assert report.score == 0
    assert report.tests and all(t.status != "passed" for t in report.tests)


def test_a_child_started_early_and_first_asked_late_is_not_called_slow(tmp_path):
    """The child's start-up frames wait in the reader thread, one at a time; a child started early
    (while pytest collects, or after a timeout) and first asked after its start-up limit has passed
    imported in time all the same: the frames' arrival decides, not when the grader reads them.
    (Before: the second frame, not yet handed over, read as 'importing your code took longer'.)"""
    import time

    from grader.submission import open_submission

    root = fixture_course(tmp_path / "course")
    settings = load_course(root / "course.yml").grading.model_copy(update={"startup_limit_s": 3.0})
    handle = open_submission(root / "solutions" / "vec.py", "vec", settings=settings, protected=[])
    try:
        handle.start_early()
        time.sleep(6)  # twice the start-up limit: the child has long sent both frames
        assert handle.add(2, 3) == 5
        assert handle.broken is None
    finally:
        handle.close()
