"""pytest plugin: the `submission` fixture, the grading markers and `--submission`.

A grading suite lives in tests/<assignment>/ and receives `submission`, an
object whose attributes are the graded functions and classes: the reference
solution by default, or the work at `--submission PATH`.

The run's state is one `grader.session.GradingSession` in the config's stash: the one `grade`
built, or one made from the command line when pytest runs a suite itself. The feedback on a
failed phase is decided in that phase by `grader.feedback`'s ordered steps (a containment rerun
happens in the call phase); `pytest_runtest_makereport` only applies the decision.
"""

from __future__ import annotations

import importlib.util
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from grader import compare, feedback, limits
from grader.containment import run_ranks
from grader.errors import GraderError
from grader.feedback.containment import dependencies_of
from grader.feedback.draft import graded_function
from grader.outcome import record
from grader.sandbox import SandboxedSubmission
from grader.session import assignment_of, session_of
from grader.submission import Submission, reference_path

MARKERS = {
    "points(n)": "points a test is worth (default 1)",
    "hidden": "a hidden test: never released to students",
    "function(name)": "the graded function or class a test checks",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader")
    group.addoption(
        "--submission",
        metavar="PATH",
        help="grade this work (a .py file, a folder or an .ipynb) instead of the reference",
    )
    group.addoption(
        "--in-process",
        action="store_true",
        help="import the submission into the test process (trusted code only; no isolation)",
    )
    group.addoption("--seed", type=int, help="seed every test's rng with this instead of its name")
    group.addoption("--lang", choices=("en", "zh-CN"), help="the feedback's language (default: course.yml's)")
    group.addoption(
        "--official",
        action="store_true",
        help="the score is recorded: refuse to grade without strong isolation",
    )
    group.addoption(
        "--fixed-limits",
        action="store_true",
        help="apply course.yml's fixed time limits, not those from the reference's recorded times",
    )


def pytest_configure(config: pytest.Config) -> None:
    for marker, description in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {description}")


def open_for(config: pytest.Config, assignment_id: str) -> Submission:
    """The run's one open submission of an assignment (one child process per assignment).

    Raises:
        GraderError: no course here, an unknown assignment, or a submission that cannot be opened.
    """
    session = session_of(config)
    known = len(session.opened)
    opened = session.open(assignment_id)
    if len(session.opened) > known:  # newly opened: the assignment's limits from the reference's times
        grading, fixed = session.course.grading, session.options.fixed_limits
        limits.apply(config, session.root, assignment_id, grading, opened, fixed)
    return opened


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> None:
    """Start the child of the first grading suite's submission as soon as pytest finds that suite,
    so that the child confines itself and imports the submission while pytest collects (the child
    of any other assignment in the run starts on first use, as a restarted one does)."""
    config = parent.config
    suite = file_path.name.startswith("test_") and file_path.suffix == ".py"
    if not suite or config.option.collectonly:
        return
    try:
        session = session_of(config)
        if session.opened or session.options.in_process:
            return
        opened = open_for(config, assignment_of(file_path))
    except GraderError:  # not a grading suite, or a course problem the `submission` fixture reports
        return
    if isinstance(opened, SandboxedSubmission):
        opened.start_early()


@pytest.fixture(scope="module")
def submission(request: pytest.FixtureRequest) -> Submission:
    """The work under test, for the assignment whose folder holds the test module."""
    try:
        return open_for(request.config, assignment_of(Path(str(request.path))))
    except GraderError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def reference(request: pytest.FixtureRequest) -> ModuleType:
    """The instructor's reference solution of the test's assignment, imported into this process.

    Hidden tests compute expected values with it (trusted instructor code), so that no test takes
    the student's word for anything. Students never have solutions/, so public tests cannot use it.
    """
    if request.node.get_closest_marker("hidden") is None:
        pytest.fail(
            "staff: the reference fixture is for hidden tests only (students have no solutions/).",
            pytrace=False,
        )
    try:
        session = session_of(request.config)
        assignment = session.course.assignment(assignment_of(Path(str(request.path))))
    except GraderError as error:
        pytest.fail(str(error), pytrace=False)
    path = reference_path(session.root, assignment)
    if not path.is_file():
        pytest.fail(
            f"staff: no reference solution at {path}; the hidden tests of '{assignment.id}' compute "
            "expected values with it, so copy solutions/ beside tests/ wherever they run.",
            pytrace=False,
        )
    spec = importlib.util.spec_from_file_location(f"_reference_{assignment.module_name}", path)
    if spec is None or spec.loader is None:  # never for a .py file; keeps mypy informed
        pytest.fail(f"staff: {path} cannot be imported as Python.", pytrace=False)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_unconfigure(config: pytest.Config) -> None:
    from grader.session import SESSION

    if SESSION in config.stash:
        config.stash[SESSION].close()


def seed_for(nodeid: str) -> int:
    """A stable seed per test, so a failure can be reproduced from its name alone."""
    return zlib.crc32(nodeid.encode("utf-8"))


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """A NumPy generator seeded from the test's id (or --seed); the seed is reported on failure."""
    fixed = session_of(request.config).options.seed
    seed = fixed if fixed is not None else seed_for(request.node.nodeid)
    request.node.user_properties.append(("seed", seed))
    return np.random.default_rng(seed)


class Credit:
    """Partial credit: a test calls `credit.award(fraction)` before it may fail.

    The fraction goes into the test's user properties at once, so that the report of the call
    (made when the test fails, before any teardown) carries it.
    """

    def __init__(self, node: pytest.Item) -> None:
        self.node = node

    def award(self, fraction: float) -> None:
        """Keep `fraction` (0..1) of the test's points even if it fails later."""
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"a fraction of the points must be in [0, 1], got {fraction}")
        properties = [(key, value) for key, value in self.node.user_properties if key != "partial"]
        self.node.user_properties[:] = [*properties, ("partial", fraction)]


@pytest.fixture
def credit(request: pytest.FixtureRequest) -> Credit:
    """Partial credit for the running test."""
    return Credit(request.node)  # type: ignore[arg-type]


@pytest.hookimpl(hookwrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    """Run the tests of the functions a test relies on first (zero_pad before conv_forward,
    ConvNet before train), so that when a test fails, the grader already knows whether those
    pass. A wrapper, so that every other plugin (the result collector) sees the suites' own
    order, which reports keep."""
    yield
    session = session_of(config)

    def key(item: pytest.Item) -> str:
        return f"{assignment_of(Path(str(item.path)))}/{graded_function(item) or ''}"

    needs: dict[str, set[str]] = {}
    for item in items:
        assignment = assignment_of(Path(str(item.path)))
        needs.setdefault(key(item), set()).update(
            f"{assignment}/{name}" for name in dependencies_of(item, session)
        )
    ranks = run_ranks(needs)
    items[:] = sorted(items, key=lambda item: ranks.get(key(item), 0))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Every comparison of the test, reruns included, uses the course's tolerances."""
    grading = session_of(item.config).course.grading
    with compare.tolerances(grading.rtol, grading.atol):
        yield


def _decided(item: pytest.Item, when: str, result: Any) -> None:
    """Keep the feedback's decision on the phase that just ran (`grader.feedback.decide`)."""
    decision = feedback.decide(item, session_of(item.config), when, result.exception)
    item.stash.setdefault(feedback.DECISIONS, {})[when] = decision


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """Each test records its own calls, and its calls get its own time limits. A public test never
    runs in a process (or folder) a hidden test has used: its reason is shown whole, and the
    student's code could otherwise keep a hidden test's inputs in a global or a file and say them
    there."""
    session = session_of(item.config)
    limits.start_test(item.config, item.nodeid)
    public = item.get_closest_marker("hidden") is None
    for key, handle in session.opened.items():
        handle.forget_calls()
        if public and key in session.hidden_used and isinstance(handle, SandboxedSubmission):
            handle.restart()
            session.hidden_used.discard(key)
    _decided(item, "setup", (yield))


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """The feedback on the call, decided here: a containment rerun runs in the call phase, after
    every other plugin's view of the call (the outermost wrapper)."""
    _decided(item, "call", (yield))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    session = session_of(item.config)
    if item.get_closest_marker("hidden") is not None:
        session.hidden_used.update(session.opened.keys())
    _decided(item, "teardown", (yield))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Apply the phase's decision to its report and record the phase's outcome."""
    result: Any = yield
    report = result.get_result()
    session = session_of(item.config)
    decision = item.stash.get(feedback.DECISIONS, {}).pop(report.when, None)
    if decision is None:  # decided nowhere else (a phase another plugin ran): decide now
        error = call.excinfo.value if call.excinfo is not None else None
        decision = feedback.decide(item, session, report.when, error)
    record(item, report.when, feedback.apply(item, report, decision, session))
