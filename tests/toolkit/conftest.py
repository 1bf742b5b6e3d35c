"""Fixtures for the toolkit's own tests: a throwaway copy of the course with short time limits."""

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from grader.sandbox import policy

from .helpers import SharedGrades

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "files" / "course"  # two tiny assignments: vec, stats
# CI=true makes `grade` official (DESIGN.md): the tests choose official or advisory themselves, so
# the variable is taken out of every test's environment; IN_CI keeps what it said, so that a test
# that cannot run its real check fails under CI instead of skipping.
IN_CI = os.environ.get("CI", "").lower() == "true"
collect_ignore = ["files"]  # inputs of the toolkit's tests (a fixture course), not tests to run
# hypothesis keeps no example database: nothing is written into the checkout
settings.register_profile("toolkit", database=None)
settings.load_profile("toolkit")


def _private_tempdir() -> None:
    """Under pytest-xdist, each worker grades in a temporary folder of its own (TMPDIR too, for the
    processes it starts), so that a test that looks for the grader folders or processes it left
    behind (test_redteam's Watch) never sees another worker's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    folder = Path(tempfile.gettempdir()) / f"grader-tests-{worker}"
    folder.mkdir(exist_ok=True)
    os.chmod(folder, 0o1777)  # like /tmp: the uid level's children may pass through it
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)


_private_tempdir()


def level_available(level: str) -> str | None:
    """Why the isolation `level` ("bubblewrap" or "uid") cannot run here, or None."""
    if level == "bubblewrap":
        return None if policy.bubblewrap_works() else "bubblewrap does not work here"
    if sys.platform != "linux" or os.geteuid() != 0:
        return "the unprivileged-uid level needs root: the suite does not run as root here"
    blocked = [path for path in policy.interpreter_paths() if not policy.reachable_by_others(path)]
    return f"{blocked[0]} is not readable by other users" if blocked else None


def require_level(level: str) -> None:
    """Skip a security test that cannot run at `level` here, saying why; under CI=true fail
    instead, unless it is the uid level on a machine where the suite does not run as root.

    Raises:
        pytest.skip.Exception or pytest.fail.Exception: the level does not work here.
    """
    reason = level_available(level)
    if reason is None:
        return
    not_root = sys.platform != "linux" or os.geteuid() != 0
    if IN_CI and not (level == "uid" and not_root):
        pytest.fail(f"CI=true: {reason}, so this security test cannot run; install what it needs")
    pytest.skip(reason)


def fixture_course(folder: Path) -> Path:
    """A copy of the fixture course (vec: 10 points, stats: 5) at `folder`, which must not exist."""
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def write_course(folder: Path, time_limit: float = 2.0, startup_limit: float = 8.0) -> Path:
    """Copy course.yml (with short limits), solutions/ and tests/<assignment>/ into `folder`."""
    text = (ROOT / "course.yml").read_text(encoding="utf-8")
    for setting in ("time_limit_s: 30", "startup_limit_s: 20"):
        assert text.count(f"  {setting}") == 1, f"course.yml no longer says {setting!r}; update write_course"
    text = text.replace("  time_limit_s: 30", f"  time_limit_s: {time_limit}")
    text = text.replace("  startup_limit_s: 20", f"  startup_limit_s: {startup_limit}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "solutions", folder / "solutions")
    for suite in (ROOT / "tests").iterdir():
        if suite.is_dir() and suite.name not in ("toolkit", "course") and not suite.name.startswith("__"):
            shutil.copytree(
                suite, folder / "tests" / suite.name, ignore=shutil.ignore_patterns("__pycache__")
            )
    return folder


def checkout_state() -> str | None:
    """git's view of the checkout (changed and untracked files), or None without git."""
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return status.stdout if status.returncode == 0 else None


@pytest.fixture(scope="session", autouse=True)
def checkout_untouched():
    """No test writes into the checkout: git sees the same changes after the tests as before."""
    before = checkout_state()
    yield
    after = checkout_state()
    if before is not None and after is not None:
        assert after == before, f"the tests changed the checkout:\n{after}"


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course folder with a 2 s call limit, shared by the tests that only read it."""
    return write_course(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="session")
def released_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture course (vec, stats) released once per test run, as `course release` leaves it.
    Read only: a test that changes it works on a copy (`shutil.copytree`)."""
    from grader.config import load_course
    from grader.release import release

    root = fixture_course(tmp_path_factory.mktemp("released") / "course")
    release(root, load_course(root / "course.yml"))
    return root


@pytest.fixture(scope="session")
def shared_grades(tmp_path_factory: pytest.TempPathFactory) -> SharedGrades:
    """Reports graded once per test run, shared by every pytest-xdist worker (their temporary
    folders are in this run's own)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-grades"
    folder.mkdir(exist_ok=True)
    return SharedGrades(folder)


def reference_with(function: str, body: str, prelude: str = "") -> str:
    """The reference conv.py with the body of `function` replaced by hostile code.

    The reference's other functions call an honest copy of `function` instead (conv_forward is
    built from conv_single_step), so only the tests of `function` itself can lose points.
    """
    source = (ROOT / "solutions" / "conv.py").read_text(encoding="utf-8")
    definition = next(
        node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef) and node.name == function
    )
    honest = ast.get_source_segment(source, definition).replace(
        f"def {function}(", f"def _honest_{function}("
    )
    start = source.index(f"def {function}(")
    begin = source.index("### BEGIN SOLUTION", start)
    end = source.index("### END SOLUTION", begin) + len("### END SOLUTION")
    indented = "\n".join("    " + line if line else line for line in body.strip("\n").splitlines())
    hostile = prelude + source[:begin] + indented.strip() + "\n" + source[end:]
    hostile = re.sub(rf"(?<!def ){function}\(", f"_honest_{function}(", hostile)
    return hostile + "\n\n" + honest + "\n"


@pytest.fixture(autouse=True)
def not_in_ci(monkeypatch):
    """Each test decides whether its run is official (`--official`, `monkeypatch.setenv("CI", ...)`)."""
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def root_and_bubblewrap() -> None:
    """For a test of official grading on this machine: it needs root (skipped otherwise, saying
    so) and bubblewrap (under CI=true, a test that cannot have it fails instead of skipping)."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("needs root on Linux: the suite does not run as root here")
    require_level("bubblewrap")
