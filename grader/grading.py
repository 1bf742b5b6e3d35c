"""Grade one submission of one assignment: run its suites through pytest, collect a Report.

pytest runs in this process; the student's code runs only in the sandbox child
that the `submission` fixture starts. The run always ends with a complete
report, whatever the submission does.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader import i18n, plugin
from grader.config import Assignment, Course, load_course
from grader.early import StartedEarly, start_early
from grader.errors import CourseBroken, HiddenSuiteMissing, SandboxBroken
from grader.i18n import Sentence
from grader.layout import CourseLayout
from grader.limits import describe
from grader.locate import Located, locate, released_definitions
from grader.runner import run_pytest
from grader.sandbox import choose
from grader.scoring import Report, ResultCollector, TestResult, load_manifest, pending_results
from grader.session import GradingSession, Options, opened_submissions, protected_paths
from grader.submission import refuse_links
from grader.timings import load_timings


def suite_folder(root: Path, assignment: Assignment) -> Path:
    """The instructor's suites (tests/<id>/) when present, else the released public tests."""
    return CourseLayout(root).suite_folder(assignment.id)


def manifest_path(root: Path, assignment: Assignment) -> Path:
    """Where the released manifest of hidden tests (ids and points only) lives."""
    return CourseLayout(root).manifest(assignment.id)


def default_submission(root: Path, assignment: Assignment) -> Path:
    """The student's working folder: assignments/<id>/, where the work is found by the rule of
    `grader.locate` (the module or the notebook, whichever differs from the released stub)."""
    return CourseLayout(root).released(assignment.id)


def find_work(root: Path, assignment: Assignment, place: Path, scratch: Path) -> Located:
    """The work to grade at `place` (a folder, a file or a zip), by the rule of `grader.locate`,
    compared with the course's released stub.

    Args:
        root: the course folder (its released stub is the comparison).
        assignment: the assignment graded.
        place: the student's folder, a file, or a zip.
        scratch: a private folder that outlives the grading (zip members go there).

    Returns:
        what `grader.locate.locate` returns.
    """
    return locate(place, assignment, released_definitions(root, assignment), scratch)


GRADING_INI = Path(__file__).with_name("grading.ini")


class _SessionWatcher:
    """Reads the isolation level and loading notes of the run's submission before it closes,
    and the suites that could not be collected."""

    def __init__(self) -> None:
        self.isolation = "not started"
        self.notes: list[Sentence] = []
        self.broken: Sentence | None = None  # why the submission could not be loaded
        self.not_started: Sentence | None = None
        self.broken_suites: list[str] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            lines = str(report.longrepr).strip().splitlines()
            self.broken_suites.append(f"{report.nodeid}: {lines[-1] if lines else 'cannot be collected'}")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for handle in opened_submissions(session.config):
            self.isolation = handle.isolation
            self.notes = list(handle.notes)
            self.broken = handle.broken
            self.not_started = self.not_started or handle.not_started


class _OnlyFunctions:
    """Deselects every test whose @pytest.mark.function is not in `names`."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        kept = [i for i in items if (m := i.get_closest_marker("function")) and m.args[0] in self.names]
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def _refuse_incomplete(assignment: Assignment, missing: int, language: str) -> None:
    """An official grade needs every hidden test that hidden.json lists.

    Raises:
        HiddenSuiteMissing: always (exit 3).
    """
    raise HiddenSuiteMissing(i18n.text(language, "official.hidden_missing", id=assignment.id, count=missing))


def _loading_failure(broken: Sentence | None, language: str) -> list[str]:
    """The note saying why the submission could not be loaded: it is about the student's code
    (never a test's inputs), so the student copy of a report keeps it when hidden tests hide
    their own failures."""
    if broken is None:
        return []
    return [i18n.text(language, "located.not_imported", reason=broken)]


def _fixed_limits_note(root: Path, assignment: Assignment, course: Course, language: str) -> list[str]:
    """Where the instructor's suites run without the reference's recorded times, the note that the
    fixed limits applied (a student's checkout has neither: nothing to say there)."""
    layout = CourseLayout(root)
    if not layout.suites(assignment.id).is_dir() or load_timings(layout.timings(assignment.id)):
        return []
    return [i18n.text(language, "limits.fixed", id=assignment.id, **describe(course.grading))]


def _run_started_early(
    files: list[Path], root: Path, options: list[str], plugins: list[object], early: StartedEarly | None
) -> None:
    """Run the suites with the child started early; it is closed here if pytest stopped before
    taking it."""
    try:
        run_pytest(files, root, options, [*plugins, *([early] if early else [])])
    finally:
        if early is not None:
            early.close_unless_handed()


def grade(
    root: Path,
    assignment: Assignment,
    submission: Path,
    in_process: bool = False,
    only_functions: set[str] | None = None,
    official: bool = False,
    language: str | None = None,
    plugins: tuple[object, ...] = (),
    notes: tuple[str, ...] = (),
    fixed_limits: bool = False,
    course: Course | None = None,
) -> Report:
    """Run every suite of `assignment` on `submission` and return the report.

    Args:
        root: the course folder (holds course.yml).
        assignment: the assignment to grade.
        submission: a .py file, a folder or an .ipynb.
        in_process: import the submission here instead of a child (trusted code only).
        only_functions: run only the tests of these graded functions (a fast check).
        official: the score is recorded: refuse to grade without strong isolation.
        language: the feedback's language ("en", "zh-CN"), instead of course.yml's.
        plugins: more pytest plugin objects for the run (`course release` reads the call logs).
        notes: notes put first in the report (which file was graded, and why).
        fixed_limits: apply course.yml's fixed time limits, not those from the reference's recorded
            times (`course release` measuring the reference).
        course: course.yml as the caller has read it (read here when not given).

    Returns:
        the Report: one TestResult per test, hidden tests absent here listed as pending.

    Raises:
        SubmissionError: the submission is, or holds, a symbolic link.
        IsolationRefused: an official run where strong isolation is not available.
        CourseBroken: a suite of the course cannot be collected.
        HiddenSuiteMissing: an official run without the hidden tests that hidden.json lists.
        SandboxBroken: the sandbox could not start a child (not the student's doing): not graded.
    """
    started = time.perf_counter()
    course = course or load_course(CourseLayout(root).course_file)
    refuse_links(submission)
    isolation = None
    if not in_process:  # chosen once, before running anything, rather than failing every test
        isolation = choose(course.grading.isolation, [*protected_paths(root), submission], official)
    folder = suite_folder(root, assignment)
    files = sorted(folder.glob("test_*.py"), key=lambda path: ("hidden" in path.name, path.name))
    language = language or course.course.language
    manifest = load_manifest(manifest_path(root, assignment))
    if official and manifest and not any("hidden" in path.name for path in files):
        _refuse_incomplete(assignment, len(manifest), language)
    collector, watcher = ResultCollector(), _SessionWatcher()
    options = Options(submission, in_process, official, language, fixed_limits=fixed_limits)
    session = GradingSession(root, course, options, isolation)
    running: list[object] = [plugin, session, watcher, collector, *plugins]
    if only_functions is not None:
        running.insert(0, _OnlyFunctions(only_functions))
    arguments = [
        f"-c={GRADING_INI}",
        "--strict-markers",
        # no other installed pytest plugin: none is needed to grade, and pytest marks every module of
        # an auto-loaded plugin's distribution for assertion rewriting, which cannot be cached where
        # bytecode is not written (85 modules of hypothesis and platformdirs on every run)
        "--disable-plugin-autoload",
        # its clean-up runs the garbage collector five times over the whole heap: 0.4 s a run in a
        # warm grade-all worker; the grader reports what a test raises, not what is left to collect
        "-p",
        "no:unraisableexception",
        # pytest plugins a grading suite has no use for, not imported (40 ms a run): unittest's
        # TestCase cannot take the submission fixture, nor does grading debug, run doctests or
        # write pytest's own JUnit (reports.py writes the grader's)
        *("-p", "no:unittest", "-p", "no:debugging", "-p", "no:doctest"),
        *("-p", "no:junitxml", "-p", "no:pastebin"),
        # a failure's traceback as Python formats it: pytest's own style parses the source of every
        # frame of every failed test, and the grader reads the exception, never pytest's text
        "--tb=native",
        "-q",
    ]
    if files:
        # the child confines itself and imports the submission while pytest starts and collects
        early = start_early(session, assignment)
        _run_started_early(files, root, arguments, running, early)
    if watcher.broken_suites:
        raise CourseBroken(
            f"{assignment.id}: a suite cannot be collected ({watcher.broken_suites[0]}); fix the course."
        )
    if watcher.not_started:
        raise SandboxBroken(
            f"{assignment.id}: {watcher.not_started}; the submission was not graded (a problem of this "
            "machine, not of the student's work): fix the sandbox and grade again."
        )
    tests: list[TestResult] = [collector.results[n] for n in collector.items if n in collector.results]
    limits_note = [] if fixed_limits or in_process else _fixed_limits_note(root, assignment, course, language)
    present = {test.name for test in tests}
    if only_functions is None:
        pending = pending_results(manifest, present, language)
        if official and pending:
            _refuse_incomplete(assignment, len(pending), language)
        tests += pending
    return Report(
        assignment=assignment.id,
        submission=str(submission),
        isolation="none (in-process)" if in_process else watcher.isolation,
        tests=tests,
        duration_s=time.perf_counter() - started,
        notes=[
            *notes,
            *_loading_failure(watcher.broken, language),
            *(note.text(language) for note in watcher.notes),
            *limits_note,
        ],
        loading_failure=watcher.broken,
        language=language,
    )
