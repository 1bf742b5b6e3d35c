"""Real nbgrader (from PyPI, in a virtual environment of its own) accepts the generated notebooks:
`nbgrader generate_assignment` strips the solutions, `nbgrader validate` passes the source
notebook and fails the released stub."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import course_command

from .conftest import IN_CI, ROOT, write_course

pytestmark = pytest.mark.slow  # installs nbgrader from PyPI


@pytest.fixture(scope="module")
def nbgrader_venv(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("nbgrader-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "nbgrader", "-e", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if install.returncode != 0:
        if IN_CI:
            pytest.fail(f"nbgrader could not be installed in CI: {install.stderr[-500:]}")
        pytest.skip("nbgrader could not be installed (no access to PyPI?)")
    return venv


def nbgrader(venv: Path, course: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    return subprocess.run(
        [str(venv / "bin" / "nbgrader"), *arguments],
        cwd=course,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_nbgrader_generates_and_validates_our_notebook(nbgrader_venv, tmp_path):
    """On a copy of the course: `course release` rewrites assignments/, never the checkout's."""
    copy = write_course(tmp_path / "copy")
    course = tmp_path / "nbgrader-course"
    result = CliRunner().invoke(
        course_command, ["release", "--course", str(copy), "--nbgrader-source", str(course)]
    )
    assert result.exit_code == 0, result.output
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = '.'\n", encoding="utf-8"
    )
    generated = nbgrader(nbgrader_venv, course, "generate_assignment", "params", "--force")
    assert generated.returncode == 0, generated.stdout[-2000:] + generated.stderr[-2000:]
    released = course / "release" / "params" / "params.ipynb"
    assert released.is_file()
    passed = nbgrader(nbgrader_venv, course, "validate", "source/params/params.ipynb")
    assert "Success! Your notebook passes all the tests." in passed.stdout, passed.stdout[-2000:]
    failed = nbgrader(nbgrader_venv, course, "validate", str(released))
    assert "NotImplementedError" in failed.stdout, failed.stdout[-2000:]
