"""The bubblewrap probe runs grading's own arguments (issue 19, item 3), and a child that dies
before the student's code runs is "not graded", never 0 (item 4).

Fake bubblewraps first on PATH stand for other machines: Ubuntu 22.04's 0.6.1 (no `--size`),
Docker's (no namespaces), and one that passes the probe but kills every grading child.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from grader.config import load_course
from grader.errors import IsolationRefused, SandboxBroken
from grader.grading import grade
from grader.sandbox import policy

from .conftest import fixture_course
from .helpers import fake_bwrap

needs_root = pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0 or shutil.which("bwrap") is None,
    reason="needs root and bubblewrap on Linux",
)


@pytest.fixture
def bwrap_of(tmp_path, monkeypatch):
    """Put a fake bwrap of a kind first on PATH."""

    def install(kind: str) -> None:
        folder = fake_bwrap(tmp_path / f"bin-{kind}", kind)
        monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")

    return install


@needs_root
def test_an_old_bubblewrap_is_no_bubblewrap(bwrap_of):
    bwrap_of("old")
    problem = policy.bubblewrap_problem()
    assert problem is not None and "0.6.1 is too old" in problem and "0.7.0 or later" in problem
    assert "Unknown option --size" in problem
    assert not policy.bubblewrap_works()
    assert policy.choose("auto", [], official=True) == policy.Isolation(policy.USER_ID)  # as root


@needs_root
def test_refused_namespaces_are_no_bubblewrap(bwrap_of):
    bwrap_of("no-namespaces")
    problem = policy.bubblewrap_problem()
    assert problem is not None and "cannot create its sandbox here" in problem
    assert "No permissions to create new namespace" in problem
    assert policy.choose("auto", [], official=True) == policy.Isolation(policy.USER_ID)


@needs_root
@pytest.mark.parametrize("kind", ["old", "no-namespaces"])
def test_without_root_an_official_run_exits_3_naming_the_version(bwrap_of, monkeypatch, kind):
    bwrap_of(kind)
    monkeypatch.setattr(policy, "_is_root", lambda: False)
    with pytest.raises(IsolationRefused, match=r"bubblewrap 0\.7\.0 or later") as refused:
        policy.choose("auto", [], official=True)
    assert refused.value.exit_code == 3
    with pytest.raises(IsolationRefused, match=r"asks for bubblewrap, but bubblewrap"):
        policy.choose("bubblewrap", [], official=True)


@needs_root
def test_the_reference_gets_full_marks_under_an_old_bubblewrap(bwrap_of, tmp_path):
    """Before: every child died on --size, and the reference got 0/10 "bubblewrap + rlimits"."""
    bwrap_of("old")
    root = fixture_course(tmp_path / "course")
    os.chmod(tmp_path, 0o700)
    assignment = load_course(root / "course.yml").assignment("vec")
    report = grade(root, assignment, root / "solutions" / "vec.py", official=True)
    assert report.score == pytest.approx(10.0) and report.max_score == pytest.approx(10.0)
    assert report.isolation.startswith("unprivileged uid")


@needs_root
def test_a_child_the_sandbox_kills_before_the_student_code_is_not_graded(bwrap_of, tmp_path):
    """Before: 0/10 with "importing your code ended the process", which blames the student."""
    bwrap_of("dies")
    root = fixture_course(tmp_path / "course")
    text = (root / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("isolation: auto", "isolation: bubblewrap"))
    os.chmod(tmp_path, 0o700)
    assert policy.bubblewrap_works()  # the probe's trivial program starts: only grading dies
    assignment = load_course(root / "course.yml").assignment("vec")
    with pytest.raises(SandboxBroken, match="not graded") as broken:
        grade(root, assignment, root / "solutions" / "vec.py", official=True)
    assert broken.value.exit_code == 4
    assert "Resource temporarily unavailable" in str(broken.value)
    assert "your code" not in str(broken.value)
