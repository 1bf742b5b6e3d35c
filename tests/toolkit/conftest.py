"""Fixtures for the toolkit's own tests: a throwaway copy of the course with short time limits."""

import ast
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

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
