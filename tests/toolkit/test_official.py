"""An official grade is complete: without the hidden suite that hidden.json lists, it is refused
(exit 3, one sentence), never a score with points pending."""

import json
import shutil

from click.testing import CliRunner

from grader.cli import course_command, grade_command
from grader.config import load_course
from grader.release import release

from .conftest import fixture_course


def student_copy(tmp_path):
    """The fixture course as a student has it: released, with the instructor's tests/ removed."""
    root = fixture_course(tmp_path / "course")
    release(root, load_course(root / "course.yml"))
    shutil.copy(root / "solutions" / "vec.py", tmp_path / "vec.py")
    shutil.rmtree(root / "tests")
    shutil.rmtree(root / "solutions")
    return root


def test_an_official_run_without_the_hidden_suite_is_refused(tmp_path, monkeypatch):
    root = student_copy(tmp_path)
    arguments = ["vec", "--submission", str(tmp_path / "vec.py"), "--course", str(root)]
    for official in (["--official"], []):  # --official, and CI=true without --advisory
        monkeypatch.setenv("CI", "true")
        refused = CliRunner().invoke(grade_command, [*arguments, *official])
        assert refused.exit_code == 3, refused.output
        assert "vec: an official grade needs the hidden suite" in refused.output
        assert "pending" not in refused.output
    advisory = CliRunner().invoke(grade_command, [*arguments, "--advisory"], env={"COLUMNS": "200"})
    assert advisory.exit_code == 0, advisory.output
    assert "points pending" in advisory.output
    # pending hidden tests are one row per function, not one identical row per test
    hidden = json.loads((root / "assignments" / "vec" / "tests" / "hidden.json").read_text())["tests"]
    functions = {test["function"] for test in hidden}
    assert not any(test["name"] in advisory.output for test in hidden)
    for function in functions:
        count = sum(test["function"] == function for test in hidden)
        assert f"{function}: {count} test(s) (hidden)" in advisory.output


def test_an_official_run_with_the_hidden_suite_grades(tmp_path):
    root = fixture_course(tmp_path / "course")
    release(root, load_course(root / "course.yml"))
    solution = root / "solutions" / "vec.py"
    graded = CliRunner().invoke(
        grade_command, ["vec", "--submission", str(solution), "--course", str(root), "--official"]
    )
    assert graded.exit_code == 0, graded.output
    assert "pending" not in graded.output


def no_bubblewrap_root_with_a_private_python(monkeypatch):
    """A root CI machine without bubblewrap whose Python other users cannot read (pyenv under /root)."""
    from grader.sandbox import policy

    monkeypatch.setattr(policy, "bubblewrap_works", lambda: False)
    monkeypatch.setattr(policy, "bubblewrap_problem", lambda: "bubblewrap is not installed")
    monkeypatch.setattr(policy, "_is_root", lambda: True)
    monkeypatch.setattr(policy, "reachable_by_others", lambda path: False)


def test_refused_isolation_names_bubblewrap_and_only_grade_offers_advisory(tmp_path, monkeypatch):
    """issue 18: the message said "install Python system-wide", never "install bubblewrap", and
    suggested --advisory to `course grade-all`, which has no such option."""
    no_bubblewrap_root_with_a_private_python(monkeypatch)
    root = fixture_course(tmp_path / "course")
    solution = root / "solutions" / "vec.py"
    graded = CliRunner().invoke(
        grade_command, ["vec", "--submission", str(solution), "--course", str(root), "--official"]
    )
    assert graded.exit_code == 3, graded.output
    assert "install bubblewrap" in graded.output and "--advisory" in graded.output
    (tmp_path / "class" / "ann").mkdir(parents=True)
    shutil.copy(solution, tmp_path / "class" / "ann" / "vec.py")
    everyone = CliRunner().invoke(
        course_command,
        ["grade-all", str(tmp_path / "class"), "--course", str(root), "--out", str(tmp_path / "out")],
    )
    assert everyone.exit_code == 3, everyone.output
    assert "install bubblewrap" in everyone.output and "--advisory" not in everyone.output
