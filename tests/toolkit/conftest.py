"""Fixtures for the toolkit's own tests: a throwaway copy of the course with short time limits."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def write_course(folder: Path, time_limit: float = 2.0, startup_limit: float = 8.0) -> Path:
    """Copy course.yml (with short limits), solutions/ and tests/<assignment>/ into `folder`."""
    text = (ROOT / "course.yml").read_text(encoding="utf-8")
    text = text.replace("time_limit_s: 30", f"time_limit_s: {time_limit}")
    text = text.replace("startup_limit_s: 20", f"startup_limit_s: {startup_limit}")
    (folder / "course.yml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "solutions", folder / "solutions")
    for suite in (ROOT / "tests").iterdir():
        if suite.is_dir() and suite.name not in ("toolkit", "course") and not suite.name.startswith("__"):
            shutil.copytree(
                suite, folder / "tests" / suite.name, ignore=shutil.ignore_patterns("__pycache__")
            )
    return folder


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course folder with a 2 s call limit, shared by the tests that only read it."""
    return write_course(tmp_path_factory.mktemp("course"))


def reference_with(function: str, body: str, prelude: str = "") -> str:
    """The reference conv.py with the body of `function` replaced by hostile code."""
    source = (ROOT / "solutions" / "conv.py").read_text(encoding="utf-8")
    start = source.index(f"def {function}(")
    begin = source.index("### BEGIN SOLUTION", start)
    end = source.index("### END SOLUTION", begin) + len("### END SOLUTION")
    indented = "\n".join("    " + line if line else line for line in body.strip("\n").splitlines())
    return prelude + source[:begin] + indented.strip() + "\n" + source[end:]
