"""pytest plugin: the `submission` fixture, the grading markers and `--submission`.

A grading suite lives in tests/<assignment>/ and receives `submission`, an
object whose attributes are the graded functions and classes: the reference
solution by default, or the work at `--submission PATH`.
"""

from __future__ import annotations

import importlib.util
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from grader import analysis, compare, disclosure, i18n, limits, reasons
from grader.answers.home import callees_at_home, rerun_at_home
from grader.catalogue import load_catalogue
from grader.config import Course, find_course_root, load_course
from grader.containment import dependencies, run_ranks, suite_uses
from grader.diagnosis import Replayer, callees, diagnose
from grader.errors import GraderError
from grader.ignored import REPLACEABLE, ReplayBudget
from grader.located import Located, located
from grader.outcome import Notice, Outcome, Status, record
from grader.rerun import rerun, short
from grader.sandbox import SandboxedSubmission, StudentException, SubmissionFailure, SubmissionTimeout
from grader.sandbox.recording import MAX_CALLS_PER_FUNCTION
from grader.signatures import MAX_SOURCE_BYTES
from grader.submission import Submission, open_submission, reference_path

OPEN_SUBMISSIONS = pytest.StashKey[dict[tuple[str, str], Submission]]()
REPLAYERS = pytest.StashKey[dict[str, Replayer]]()  # one replay child per assignment
CALL_GRAPHS = pytest.StashKey[dict[str, dict[str, set[str]]]]()  # the reference's, per assignment
FAILED_FUNCTIONS = pytest.StashKey[set[str]]()  # graded functions with a failed test so far
HIDDEN_USED = pytest.StashKey[set[tuple[str, str]]]()  # open submissions a hidden test has used
REPLAY_BUDGETS = pytest.StashKey[dict[str, ReplayBudget]]()  # the analysis' reference answers
SUITE_USES = pytest.StashKey[dict[str, dict[str, set[str]]]]()  # per suite file: test -> names used
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


def _course(config: pytest.Config) -> Course:
    cached = getattr(config, "_grader_course", None)
    if cached is None:
        root = find_course_root(config.rootpath)
        cached = load_course(root / "course.yml")
        config._grader_course = cached  # type: ignore[attr-defined]
        config._grader_root = root  # type: ignore[attr-defined]
    return cached


def assignment_of(path: Path) -> str:
    """The assignment a suite file belongs to: tests/<id>/test_x.py or assignments/<id>/tests/test_x.py."""
    folder = path.parent
    return folder.parent.name if folder.name == "tests" else folder.name


def protected_paths(root: Path) -> list[Path]:
    """What a child must never reach: the course file, its suites, catalogue and solutions."""
    return [root / "course.yml", root / "tests", root / "solutions", root / ".git"]


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
        limits.apply(config, root, assignment.id, course.grading, opened[key])
    return opened[key]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> None:
    """Start the child of the first grading suite's submission as soon as pytest finds that suite,
    so that the child confines itself and imports the submission while pytest collects (the child
    of any other assignment in the run starts on first use, as a restarted one does)."""
    config = parent.config
    suite = file_path.name.startswith("test_") and file_path.suffix == ".py"
    if not suite or config.stash.get(OPEN_SUBMISSIONS, {}):
        return
    if config.getoption("--in-process") or config.option.collectonly:
        return
    try:
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
        assignment = _course(request.config).assignment(assignment_of(Path(str(request.path))))
    except GraderError as error:
        pytest.fail(str(error), pytrace=False)
    path = reference_path(request.config._grader_root, assignment)  # type: ignore[attr-defined]
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
    for handle in config.stash.get(OPEN_SUBMISSIONS, {}).values():
        handle.close()
    for replayer in config.stash.get(REPLAYERS, {}).values():
        replayer.close()


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


def _function(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("function")
    return str(marker.args[0]) if marker and marker.args else None


def _callees(config: pytest.Config, assignment_id: str) -> dict[str, set[str]]:
    """The reference's call graph (empty where there is no reference: a student's checkout)."""
    graphs = config.stash.setdefault(CALL_GRAPHS, {})
    if assignment_id not in graphs:
        try:
            module = _course(config).assignment(assignment_id).module
            source = (config._grader_root / "solutions" / module).read_text(encoding="utf-8")  # type: ignore[attr-defined]
            graphs[assignment_id] = callees(source)
        except (GraderError, OSError, SyntaxError):  # a student's checkout: the released call graph
            root = getattr(config, "_grader_root", None)
            graphs[assignment_id] = callees_at_home(config, root, assignment_id) if root else {}
    return graphs[assignment_id]


def _uses(item: pytest.Item) -> set[str]:
    """The names the test reads from `submission`, directly or through its suite's helpers."""
    suites = item.config.stash.setdefault(SUITE_USES, {})
    path = str(item.path)
    if path not in suites:
        try:
            suites[path] = suite_uses(Path(path).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            suites[path] = {}
    return suites[path].get(getattr(item, "originalname", item.name), set())


def _dependencies(item: pytest.Item) -> set[str]:
    """The graded functions the test relies on besides its own (`grader.containment`)."""
    function = _function(item)
    if function is None:
        return set()
    graph = _callees(item.config, assignment_of(Path(str(item.path))))
    return dependencies(function, _uses(item), graph)


@pytest.hookimpl(hookwrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    """Run the tests of the functions a test relies on first (zero_pad before conv_forward,
    ConvNet before train), so that when a test fails, the grader already knows whether those
    pass. A wrapper, so that every other plugin (the result collector) sees the suites' own
    order, which reports keep."""
    yield

    def key(item: pytest.Item) -> str:
        return f"{assignment_of(Path(str(item.path)))}/{_function(item) or ''}"

    needs: dict[str, set[str]] = {}
    for item in items:
        assignment = assignment_of(Path(str(item.path)))
        needs.setdefault(key(item), set()).update(f"{assignment}/{name}" for name in _dependencies(item))
    ranks = run_ranks(needs)
    items[:] = sorted(items, key=lambda item: ranks.get(key(item), 0))


def _structure(item: pytest.Item, error: BaseException, language: str) -> tuple[str, analysis.Finding | None]:
    """The call a failed comparison is about (`grader.located`), and the structural analysis of
    the comparison (arrays, numbers, or whole numbers fitted as formulas of the test's calls) or
    of NumPy's shape error in the student's exception, or None."""
    if isinstance(error, StudentException):
        return "", analysis.explain_exception(str(error), language)
    if not isinstance(error, compare.Mismatch) or error.arrays is None:
        return "", None
    got, expected = error.arrays
    if got.dtype.kind not in "biuf" or expected.dtype.kind not in "biuf" or got.size > 10**6:
        return "", None
    found = _located(item, got, expected, language)
    finding = found.finding or analysis.explain(
        got, expected, language, factors=found.factors, inputs=found.inputs
    )
    if found.ignored is not None and (finding is None or finding.kind in REPLACEABLE):
        finding = found.ignored
    return found.label, finding


def _located(item: pytest.Item, got: Any, expected: Any, language: str) -> Located:
    """The call a failed comparison is about, and a formula finding (`grader.located`)."""
    function = _function(item)
    assignment_id = assignment_of(Path(str(item.path)))
    handle = _open_handle(item.config, assignment_id)
    if function is None or handle is None or handle.calls is None:
        return Located()
    calls = {name: handle.calls.of(name) for name in [function, *handle.recorded_methods(function)]}
    replayer = _replayer(item.config, assignment_id)
    budget = None
    if replayer is not None:  # official runs: the reference answers the analysis, within a budget
        budgets = item.config.stash.setdefault(REPLAY_BUDGETS, {})
        budget = budgets.setdefault(assignment_id, ReplayBudget(replayer.answer))
    hidden = item.get_closest_marker("hidden") is not None
    source = _module_source(item.config, assignment_id)
    return located(calls, got, expected, source, hidden, language, short, budget)


def _module_source(config: pytest.Config, assignment_id: str) -> str:
    """The reference's source, else the released stub's (signatures and docstrings only)."""
    root: Path | None = getattr(config, "_grader_root", None)
    try:
        module = _course(config).assignment(assignment_id).module
    except GraderError:
        return ""
    for path in (
        ((root / "solutions" / module), (root / "assignments" / assignment_id / module)) if root else ()
    ):
        if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES:
            return path.read_text(encoding="utf-8", errors="replace")
    return ""


def _said(found: analysis.Finding | None) -> str | None:
    """A finding's sentence, and where when it applies."""
    if found is None:
        return None
    return f"{found.sentence} ({found.where})" if found.where else found.sentence


def _code(found: analysis.Finding | None, culprits: list[str]) -> dict[str, Any]:
    """A finding as staff reports group it: its kind and parameters, never its sentence."""
    kind = found.kind if found else None
    return {"kind": kind, "params": dict(found.params) if found else {}, "callees": culprits}


def _position(item: pytest.Item, function: str | None) -> int | None:
    """Which call of `function` in the test failed: the last one made (the log keeps a few)."""
    handle = _open_handle(item.config, assignment_of(Path(str(item.path))))
    if function is None or handle is None or handle.calls is None:
        return None
    made = len(handle.calls.of(function))
    return made if 0 < made < MAX_CALLS_PER_FUNCTION else None


def _failure_notice(text: str, function: str) -> Notice:
    """A sandbox failure of a hidden test: an import that failed (before any hidden input
    existed, so its exception's type is named), or any other stop, by the function alone."""
    imported = re.match(r"your code could not be imported: (\w+)", text)
    if imported:
        return Notice.of("hidden_not_imported", error_type=imported[1])
    if text.startswith("importing your code"):
        return Notice.of("hidden_not_imported", error_type="TimeoutError")
    return Notice.of("hidden_failed", function=function)


def hidden_notices(
    item: pytest.Item, error: BaseException, finding: analysis.Finding | None, language: str
) -> list[Notice]:
    """What a student may read of a hidden test's failure: the function, which call, the
    finding's category, where results differ, the exception's type (`grader.disclosure`)."""
    function = _function(item) or "?"
    notices = disclosure.finding_notices(finding) if finding is not None else []
    if isinstance(error, StudentException):
        return [*notices, Notice.of("hidden_raised", function=function, error_type=type(error).__name__)]
    if isinstance(error, SubmissionTimeout):
        return [Notice.of("hidden_timeout", function=function)]
    if isinstance(error, SubmissionFailure):
        return [_failure_notice(str(error), function)]
    position = _position(item, _function(item))
    wrong = Notice.of("hidden_call", function=function, position=position) if position else None
    if isinstance(error, compare.Mismatch) and error.arrays is not None:
        where = analysis.region(*error.arrays, language)
        notices += [Notice.of("hidden_region", region=where)] if where else []
    return [wrong or Notice.of("hidden_wrong", function=function), *notices]


def _rerun_with_reference_callees(
    item: pytest.Item, function: str, language: str
) -> tuple[list[str], bool, str]:
    """Rerun a failed test with the failing functions it relies on answered by the reference child.

    Returns:
        (those functions, whether the test passes with them substituted, the first call one of
        them got wrong, or "").
    """
    config = item.config
    assignment_id = assignment_of(Path(str(item.path)))
    failed: set[str] = config.stash.get(FAILED_FUNCTIONS, set())
    culprits = sorted(_dependencies(item) & failed)
    replayer = _replayer(config, assignment_id)
    handle = _open_handle(config, assignment_id)
    if not culprits or handle is None or (replayer is None and config.getoption("--official")):
        return culprits, False, ""
    with limits.rerun_budget(config, assignment_id, item.nodeid, handle, _course(config).grading):
        if replayer is None:  # a home run: the released answers stand in (grader.answers.home)
            passes, wrong_call = rerun_at_home(item, handle, assignment_id, culprits, language)
        else:
            passes, wrong_call = rerun(item, handle, replayer, culprits, language)
    return culprits, passes, wrong_call


def _open_handle(config: pytest.Config, assignment_id: str) -> SandboxedSubmission | None:
    for (opened_id, _), handle in config.stash.get(OPEN_SUBMISSIONS, {}).items():
        if opened_id == assignment_id and isinstance(handle, SandboxedSubmission):
            return handle
    return None


def _replayer(config: pytest.Config, assignment_id: str) -> Replayer | None:
    """The assignment's replay child (the reference and the catalogue), made on first use."""
    replayers = config.stash.setdefault(REPLAYERS, {})
    if assignment_id not in replayers:
        root: Path | None = getattr(config, "_grader_root", None)
        handle = _open_handle(config, assignment_id)
        if root is None or handle is None:
            return None
        try:
            assignment = _course(config).assignment(assignment_id)
            catalogue = load_catalogue(root / "tests" / assignment_id / "mistakes.py")
        except GraderError:
            catalogue = []
        reference = root / "solutions" / assignment.module
        if not reference.is_file():
            return None
        replayers[assignment_id] = Replayer(
            reference, catalogue, _course(config).grading, handle.isolation_level
        )
    return replayers[assignment_id]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Each test records its own calls, and its calls get its own time limits. A public test never
    runs in a process (or folder) a hidden test has used: its reason is shown whole, and the
    student's code could otherwise keep a hidden test's inputs in a global or a file and say them
    there."""
    limits.start_test(item.config, item.nodeid)
    used: set[tuple[str, str]] = item.config.stash.setdefault(HIDDEN_USED, set())
    public = item.get_closest_marker("hidden") is None
    for key, handle in item.config.stash.get(OPEN_SUBMISSIONS, {}).items():
        handle.forget_calls()
        if public and key in used and isinstance(handle, SandboxedSubmission):
            handle.restart()
            used.discard(key)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    if item.get_closest_marker("hidden") is not None:
        opened = item.config.stash.get(OPEN_SUBMISSIONS, {})
        item.config.stash.setdefault(HIDDEN_USED, set()).update(opened.keys())


def diagnosis(item: pytest.Item) -> dict[str, Any] | None:
    """The known mistake the student's calls match, where the reference and catalogue are present.

    The calls are replayed in a sandboxed replay child (`grader.diagnosis`), never here. Without a
    reference (a student's checkout), they are compared with the shipped fingerprints instead.
    """
    function = _function(item)
    if function is None or getattr(item.config, "_grader_root", None) is None:
        return None
    assignment_id = assignment_of(Path(str(item.path)))
    replayer = _replayer(item.config, assignment_id)
    handle = _open_handle(item.config, assignment_id)
    if handle is not None and (replayer is None or not replayer.catalogue):  # no catalogue here
        # (a student's checkout, a Gradescope autograder): the released fingerprints name mistakes
        root: Path = item.config._grader_root  # type: ignore[attr-defined]
        from grader import fingerprints

        return fingerprints.name_at_home(fingerprints.path_for(root, assignment_id), function, handle)
    if replayer is None or handle is None:
        return None
    for name in [function, *handle.recorded_methods(function)]:
        found = diagnose(replayer, replayer.catalogue, name, handle.calls.of(name))
        if found:
            return found
    return None


def training_curve(item: pytest.Item) -> dict[str, list[float]] | None:
    """The last history a test of `train` received, for the report's training curve."""
    marker = item.get_closest_marker("function")
    if marker is None or marker.args[0] != "train":
        return None
    for handle in item.config.stash.get(OPEN_SUBMISSIONS, {}).values():
        calls = handle.calls.decoded("train") if handle.calls is not None else []
        if calls and isinstance(calls[-1][2], dict):
            curve: dict[str, list[float]] = {}
            for key in ("loss", "train_acc", "val_acc"):
                values = _numbers(calls[-1][2].get(key))
                if values is None:
                    return None  # the report draws no curve; the test's own result is unaffected
                curve[key] = values
            return curve if len({len(values) for values in curve.values()}) == 1 else None
    return None


def _numbers(values: Any) -> list[float] | None:
    """A history entry as plain floats (1-element arrays included), or None for anything else."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = list(values)
    if not isinstance(values, (list, tuple)) or len(values) > 100_000:
        return None
    numbers = []
    for value in values:
        if isinstance(value, (np.ndarray, np.generic)) and value.size == 1 and value.dtype.kind in "iuf":
            value = value.reshape(-1)[0].item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        numbers.append(float(value))
    return numbers


def failure_reason(error: BaseException, language: str = "en") -> tuple[Status, str]:
    """The status and a short reason, in `language`, for an exception raised by a test."""
    return reasons.failure_reason(error, language)


def _shorten(text: str) -> str:
    lines = text.strip().splitlines()
    if len(lines) > MAX_REASON_LINES:
        lines = [*lines[:MAX_REASON_LINES], "..."]
    return "\n".join(line[:300] for line in lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Every comparison of the test, reruns included, uses the course's tolerances."""
    grading = _course(item.config).grading
    with compare.tolerances(grading.rtol, grading.atol):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    result: Any = yield
    report = result.get_result()
    try:
        outcome = _annotate(item, call, report)
    except Exception as error:  # the grader's own plumbing must never lose a test (INTERNALERROR)
        language = _language(item)
        reason = "" if report.passed else i18n.text(language, "grader_failed", error=repr(error)[:200])
        outcome = Outcome("error" if report.failed else "passed", reason)
    record(item, report.when, outcome)


def _number(key: str, names: list[str]) -> str:
    """The catalogue key for one name or several ("fails its own tests", "fail their own tests")."""
    return key if len(names) == 1 else f"{key}_many"


def _language(item: pytest.Item) -> str:
    return str(item.config.getoption("--lang") or _course(item.config).course.language)


def _annotate(item: pytest.Item, call: pytest.CallInfo[Any], report: Any) -> Outcome:
    """The outcome of one phase of a test: status, reason, arrays, curve and diagnosed mistake.
    A failed test that passes with its failing callees answered by the reference passes."""
    outcome = Outcome(curve=training_curve(item) if report.when == "call" else None)
    if call.excinfo is None or report.skipped:
        return outcome
    error = call.excinfo.value
    if isinstance(error, compare.Mismatch) and error.got is not None:
        outcome.arrays = {"expected": error.expected, "got": error.got}
    language = _language(item)
    status, reason = failure_reason(error, language)
    if report.when != "call" and status == "failed":
        status = "error"
    function = _function(item)
    label, found = _structure(item, error, language)
    finding = " ".join(filter(None, [label, _said(found)]))
    reason = f"{finding}\n{reason}" if finding else reason
    hidden = item.get_closest_marker("hidden") is not None
    # what a student may see of a hidden test: notices, rendered from templates (grader.disclosure)
    notices = hidden_notices(item, error, found, language) if hidden else []
    culprits: list[str] = []
    if report.when == "call" and status in ("failed", "timeout") and function is not None:
        culprits, passes, wrong_call = _rerun_with_reference_callees(item, function, language)
        if passes:  # the caller's own code is right: its points are kept, the callee is named
            report.outcome, report.longrepr = "passed", None
            named = ", ".join(culprits)
            cause = i18n.text(language, _number("callee_cause", culprits), function=function, callees=named)
            reason = "\n".join(filter(None, [cause, wrong_call]))
            kept = (Notice.of(_number("callee_cause", culprits), function=function, callees=named),)
            return Outcome("passed", reason, notices=kept, curve=outcome.curve)
        if culprits:
            named = ", ".join(culprits)
            note = i18n.text(
                language, _number("callee_also_fails", culprits), function=function, callees=named
            )
            reason = "\n".join(filter(None, [reason, note, wrong_call]))
            notices.append(
                Notice.of(_number("callee_also_fails", culprits), function=function, callees=named)
            )
    if function is not None:
        item.config.stash.setdefault(FAILED_FUNCTIONS, set()).add(function)
    mistake = _named_mistake(item) if report.when == "call" and status == "failed" and not culprits else None
    if mistake:
        outcome.mistake = mistake["name"]
        hint = i18n.hint(mistake, language)
        name = i18n.mistake_name(mistake, language)
        sentence = i18n.text(language, "known_mistake", name=name, hint=hint)
        if found is not None and found.kind in analysis.GUESSES:  # the named mistake is the story:
            # no second guess at the numbers beside it (the call stays named)
            reason = reason.replace(finding, label, 1)
            notices = [n for n in notices if n.key not in ("finding", "hidden_category")]
        reason = f"{sentence}\n{reason}"
        notices.insert(0, Notice.of("known_mistake", name=name, hint=hint))
    outcome.notices = tuple(notices)
    outcome.finding = _code(found, culprits)
    outcome.status = status
    outcome.seed = dict(item.user_properties).get("seed")
    outcome.reason = _with_seed(report, reason, outcome.seed)
    return outcome


def _named_mistake(item: pytest.Item) -> dict[str, Any] | None:
    try:
        return diagnosis(item)
    except Exception:  # a diagnosis that fails leaves the plain reason
        return None


def _with_seed(report: Any, reason: str, seed: Any) -> str:
    """The reason, shortened, with the test's seed on its first line, so no cut can take it away."""
    lines = _shorten(reason).splitlines() or [""]
    if seed is not None:
        lines[0] += f" (seed {seed})"
        report.sections.append(("seed", f"rerun with --seed {seed} to reproduce"))
    return "\n".join(lines)
