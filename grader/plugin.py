"""pytest plugin: the `submission` fixture, the grading markers and `--submission`.

A grading suite lives in tests/<assignment>/ and receives `submission`, an
object whose attributes are the graded functions and classes: the reference
solution by default, or the work at `--submission PATH`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader import compare, i18n
from grader.catalogue import load_catalogue
from grader.config import Course, find_course_root, load_course
from grader.errors import GraderError
from grader.sandbox import StudentException, SubmissionFailure, SubmissionTimeout
from grader.submission import Submission, open_submission, reference_path

OPEN_SUBMISSIONS = pytest.StashKey[dict[tuple[str, str], Submission]]()
MAX_REASON_LINES = 8

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
    group.addoption(
        "--official",
        action="store_true",
        help="the score is recorded: refuse to grade without strong isolation",
    )


def pytest_configure(config: pytest.Config) -> None:
    for marker, description in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {description}")


def _course(config: pytest.Config) -> Course:
    cached = getattr(config, "_grader_course", None)
    if cached is None:
        root = find_course_root(config.rootpath)
        cached = load_course(root / "course.yml")
        config._grader_course = cached  # type: ignore[attr-defined]
        config._grader_root = root  # type: ignore[attr-defined]
        compare.set_default_tolerances(cached.grading.rtol, cached.grading.atol)
    return cached


def assignment_of(path: Path) -> str:
    """The assignment a suite file belongs to: tests/<id>/test_x.py or assignments/<id>/tests/test_x.py."""
    folder = path.parent
    return folder.parent.name if folder.name == "tests" else folder.name


def protected_paths(root: Path) -> list[Path]:
    """What a child must never reach: the course file, its suites, catalogue and solutions."""
    return [root / "course.yml", root / "tests", root / "solutions"]


def open_for(config: pytest.Config, assignment_id: str) -> Submission:
    """The run's one open submission of an assignment (one child process per assignment)."""
    course = _course(config)
    assignment = course.assignment(assignment_id)
    chosen = config.getoption("--submission")
    root: Path = config._grader_root  # type: ignore[attr-defined]
    path = Path(chosen) if chosen else reference_path(root, assignment)
    opened = config.stash.setdefault(OPEN_SUBMISSIONS, {})
    key = (assignment.id, str(path))
    if key not in opened:
        opened[key] = open_submission(
            path,
            assignment.module_name,
            settings=course.grading,
            in_process=config.getoption("--in-process"),
            official=config.getoption("--official"),
            protected=protected_paths(root),
        )
    return opened[key]


@pytest.fixture(scope="module")
def submission(request: pytest.FixtureRequest) -> Submission:
    """The work under test, for the assignment whose folder holds the test module."""
    try:
        return open_for(request.config, assignment_of(Path(str(request.path))))
    except GraderError as error:
        pytest.fail(str(error), pytrace=False)


def pytest_unconfigure(config: pytest.Config) -> None:
    for handle in config.stash.get(OPEN_SUBMISSIONS, {}).values():
        handle.close()


def seed_for(nodeid: str) -> int:
    """A stable seed per test, so a failure can be reproduced from its name alone."""
    return zlib.crc32(nodeid.encode("utf-8"))


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """A NumPy generator seeded from the test's id (or --seed); the seed is reported on failure."""
    fixed = request.config.getoption("--seed")
    seed = fixed if fixed is not None else seed_for(request.node.nodeid)
    request.node.user_properties.append(("seed", seed))
    return np.random.default_rng(seed)


class Credit:
    """Partial credit: a test calls `credit.award(fraction)` before it may fail."""

    def __init__(self) -> None:
        self.fraction: float | None = None

    def award(self, fraction: float) -> None:
        """Keep `fraction` (0..1) of the test's points even if it fails later."""
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"a fraction of the points must be in [0, 1], got {fraction}")
        self.fraction = fraction


@pytest.fixture
def credit(request: pytest.FixtureRequest) -> Iterator[Credit]:
    """Partial credit for the running test."""
    award = Credit()
    yield award
    if award.fraction is not None:
        request.node.user_properties.append(("partial", award.fraction))


def pytest_runtest_setup(item: pytest.Item) -> None:
    for handle in item.config.stash.get(OPEN_SUBMISSIONS, {}).values():
        if hasattr(handle, "forget_calls"):
            handle.forget_calls()


def diagnosis(item: pytest.Item) -> dict[str, Any] | None:
    """The known mistake the student's outputs match, where the reference and catalogue are present."""
    marker = item.get_closest_marker("function")
    root = getattr(item.config, "_grader_root", None)
    if marker is None or root is None:
        return None
    assignment_id = assignment_of(Path(str(item.path)))
    try:  # a broken catalogue costs the diagnosis only; `course check` names the entry
        catalogue = load_catalogue(root / "tests" / assignment_id / "mistakes.py")
        assignment = _course(item.config).assignment(assignment_id)
    except GraderError:
        return None
    reference = root / "solutions" / assignment.module
    if not catalogue or not reference.is_file():
        return None
    function = marker.args[0]
    for handle in item.config.stash.get(OPEN_SUBMISSIONS, {}).values():
        if not hasattr(handle, "recorded_calls"):
            continue
        for name in [function, *handle.recorded_methods(function)]:
            found = compare.diagnose(reference, catalogue, name, handle.recorded_calls(name))
            if found:
                return found
    return None


def training_curve(item: pytest.Item) -> dict[str, list[float]] | None:
    """The last history a test of `train` received, for the report's training curve."""
    marker = item.get_closest_marker("function")
    if marker is None or marker.args[0] != "train":
        return None
    for handle in item.config.stash.get(OPEN_SUBMISSIONS, {}).values():
        calls = handle.recorded_calls("train") if hasattr(handle, "recorded_calls") else []
        if calls and isinstance(calls[-1][2], dict):
            history = calls[-1][2]
            curve = {key: _numbers(history.get(key)) for key in ("loss", "train_acc", "val_acc")}
            return {key: values for key, values in curve.items() if values is not None}
    return None


def _numbers(values: Any) -> list[float] | None:
    """A list of finite-or-not real numbers (1-element arrays included), or None for anything else."""
    if not isinstance(values, (list, tuple)) or len(values) > 10_000:
        return None
    numbers = []
    for value in values:
        array = np.asarray(value) if isinstance(value, np.ndarray) else None
        if array is not None and array.size == 1 and array.dtype.kind in "biuf":
            value = array.item()
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None
        numbers.append(float(value))
    return numbers


def failure_reason(error: BaseException) -> tuple[str, str]:
    """The status and a short reason for an exception raised by a test."""
    if isinstance(error, SubmissionTimeout):
        return "timeout", str(error)
    if isinstance(error, (compare.Mismatch, SubmissionFailure, StudentException)):
        return "failed", str(error)
    if isinstance(error, AssertionError):
        text = str(error).split("\nassert ")[0].strip()
        return "failed", text or "assertion failed"
    if isinstance(error, pytest.fail.Exception):
        return "failed", str(error)
    return "error", f"{type(error).__name__}: {error}"


def _shorten(text: str) -> str:
    lines = text.strip().splitlines()
    if len(lines) > MAX_REASON_LINES:
        lines = [*lines[:MAX_REASON_LINES], "..."]
    return "\n".join(line[:300] for line in lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome: Any = yield
    report = outcome.get_result()
    try:
        _annotate(item, call, report)
    except Exception as error:  # the grader's own plumbing must never lose a test (INTERNALERROR)
        report.grader_status = "error" if report.failed else "passed"
        report.grader_reason = (
            "" if report.passed else f"the grader could not describe this failure ({error!r})"[:300]
        )


def _annotate(item: pytest.Item, call: pytest.CallInfo[Any], report: Any) -> None:
    """Give a test report its grading status, reason, arrays, curve and diagnosed mistake."""
    if report.when == "call":
        report.grader_curve = training_curve(item)
    if call.excinfo is None or report.skipped:
        return
    error = call.excinfo.value
    if isinstance(error, compare.Mismatch) and error.got is not None:
        report.grader_arrays = {"expected": error.expected, "got": error.got}
    status, reason = failure_reason(call.excinfo.value)
    if report.when != "call" and status == "failed":
        status = "error"
    # the seed goes on the reason's first line after it is shortened, so no cut can take it away
    lines = _shorten(reason).splitlines() or [""]
    seed = dict(item.user_properties).get("seed")
    if seed is not None:
        lines[0] += f" (seed {seed})"
        report.grader_seed = seed
        report.sections.append(("seed", f"rerun with --seed {seed} to reproduce"))
    reason = "\n".join(lines)
    try:
        mistake = diagnosis(item) if report.when == "call" and status == "failed" else None
    except Exception:  # a diagnosis that fails leaves the plain reason
        mistake = None
    if mistake:
        report.grader_mistake = mistake["name"]
        language = _course(item.config).course.language
        sentence = i18n.text(
            language, "known_mistake", name=mistake["name"], hint=i18n.hint(mistake, language)
        )
        reason = f"{sentence}\n{reason}"
    report.grader_status = status
    report.grader_reason = reason
