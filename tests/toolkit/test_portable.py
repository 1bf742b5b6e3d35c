"""The portable channel (the child's standard input and output, no inherited descriptors), run on
Linux at the `process` level as a Windows or macOS laptop runs it: a full grade, advisory."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from grader.catalogue import load_catalogue, variant_source
from grader.cli import grade_command
from grader.config import load_course
from grader.grading import grade
from grader.sandbox import client, policy

from .conftest import fixture_course


@pytest.fixture
def process_course(tmp_path):
    """The fixture course with `isolation: process`: what a laptop without namespaces gets."""
    root = fixture_course(tmp_path / "course")
    text = (root / "course.yml").read_text(encoding="utf-8")
    assert "isolation: auto" in text
    (root / "course.yml").write_text(text.replace("isolation: auto", "isolation: process"), encoding="utf-8")
    return root


@pytest.fixture
def started(monkeypatch):
    """The keyword arguments of every child process the sandbox starts."""
    calls = []
    real = subprocess.Popen

    def spy(command, **options):
        if any(str(part).endswith("child.py") for part in command):  # not the grader's own tools (rm)
            calls.append(options)
        return real(command, **options)

    monkeypatch.setattr(client.subprocess, "Popen", spy)
    return calls


def test_a_full_grade_through_stdin_and_stdout(process_course, tmp_path, started):
    """The reference scores 5 of 5; the sample variance loses exactly variance's 3 points and is named."""
    course = load_course(process_course / "course.yml")
    reference = process_course / "solutions" / "stats.py"
    report = grade(process_course, course.assignment("stats"), reference)
    assert report.score == pytest.approx(5.0), [(t.name, t.output) for t in report.tests]
    assert report.isolation.startswith("child process (advisory: ")

    wrong = tmp_path / "stats.py"
    (mistake,) = load_catalogue(process_course / "tests" / "stats" / "mistakes.py")
    wrong.write_text(variant_source(reference.read_text(encoding="utf-8"), mistake), encoding="utf-8")
    report = grade(process_course, course.assignment("stats"), wrong)
    assert report.score == pytest.approx(2.0)
    failed = [t for t in report.tests if t.status != "passed"]
    assert {t.function for t in failed} == {"variance"} and len(failed) == 4
    assert {t.mistake for t in failed} == {"sample variance"}

    assert started, "no child was started"
    for options in started:
        assert options["stdin"] == subprocess.PIPE and options["stdout"] == subprocess.PIPE
        assert not options.get("pass_fds"), "the channel needs no inherited descriptor"


def test_the_table_says_advisory_without_namespaces(tmp_path, monkeypatch):
    """On a machine with neither bubblewrap nor root (macOS, Windows, a locked-down Linux), `grade`
    grades and its table says the run is advisory."""
    monkeypatch.setattr(policy, "bubblewrap_works", lambda: False)
    monkeypatch.setattr(policy, "_is_root", lambda: False)
    monkeypatch.delenv("CI", raising=False)
    root = fixture_course(tmp_path / "course")
    arguments = ["stats", "--submission", str(root / "solutions" / "stats.py"), "--course", str(root)]
    result = CliRunner().invoke(grade_command, arguments)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # the table wraps at the terminal's width
    assert "total 5.00 / 5.00 (100 %)" in text
    assert "isolation: child process (advisory: student code would run as your own user" in text


def test_the_grade_command_imports_without_posix_modules():
    """Windows has no fcntl, resource, pwd or grp: `grade` must import without them."""
    code = (
        "import sys\n"
        "for name in ('fcntl', 'resource', 'pwd', 'grp', 'termios'):\n"
        "    sys.modules[name] = None\n"
        "import grader.cli\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr[-1000:]
