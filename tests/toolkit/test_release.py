"""course release and course check: stubs, notebooks, manifests, determinism, and leak detection."""

import json
import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from grader.check import CHECKS, check_helpers, check_no_leaks, check_reference
from grader.cli import course_command
from grader.config import load_course
from grader.errors import ReleaseError
from grader.grading import grade
from grader.release import find_regions, make_notebook, make_stub, outdated, release, templates

from .conftest import ROOT, write_course

COURSE = load_course(ROOT / "course.yml")
SOLUTION = textwrap.dedent(
    '''
    import numpy as np

    LIMIT = 3


    def helper(x):
        """Kept as it is: not graded."""
        return x


    def square(x):
        """Square x.

        Args:
            x: an array.
        """
        ### BEGIN SOLUTION
        ### HINT: multiply x by itself.
        return x * x
        ### END SOLUTION


    ### BEGIN SOLUTION
    TABLE = [1, 2, 3]
    ### END SOLUTION
    '''
).lstrip()


@pytest.fixture(scope="module")
def released_course(tmp_path_factory):
    """A copy of the course with a fresh release in it."""
    root = write_course(tmp_path_factory.mktemp("released"), time_limit=30)
    release(root, load_course(root / "course.yml"))
    return root


def test_stub_keeps_signatures_docstrings_and_helpers():
    stub = make_stub(SOLUTION, Path("square.py"), templates(ROOT))
    assert 'def square(x):\n    """Square x.' in stub and "def helper(x):\n" in stub
    assert "    # HINT: multiply x by itself.\n    # YOUR CODE HERE\n    raise NotImplementedError\n" in stub
    assert "return x * x" not in stub and "TABLE" not in stub
    assert stub.endswith("\n# YOUR CODE HERE\n"), "a region outside a function gets a comment only"


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            SOLUTION.replace("    ### END SOLUTION\n", "", 1),
            "square.py:22: ### BEGIN SOLUTION inside another region",
        ),
        (SOLUTION.replace("### BEGIN SOLUTION\nTABLE", "TABLE"), "square.py:24: ### END SOLUTION without"),
        (
            SOLUTION.replace("TABLE = [1, 2, 3]\n### END SOLUTION\n", "TABLE = 1\n"),
            "square.py:23: ### BEGIN SOLUTION is never closed",
        ),
    ],
)
def test_unbalanced_markers_name_file_and_line(broken, message):
    with pytest.raises(ReleaseError, match=message):
        find_regions(broken, Path("square.py"))


def test_unbalanced_markers_stop_the_release_command(tmp_path):
    root = write_course(tmp_path)
    source = (root / "solutions" / "pool.py").read_text(encoding="utf-8")
    (root / "solutions" / "pool.py").write_text(
        source.replace("    ### END SOLUTION\n", "", 1), encoding="utf-8"
    )
    result = CliRunner().invoke(course_command, ["release", "--course", str(root)])
    assert result.exit_code == 2
    assert (
        result.stderr.startswith("error: ")
        and "pool.py:" in result.stderr
        and "Traceback" not in result.output
    )


def test_committed_assignments_are_up_to_date():
    """assignments/ in the repository equals a fresh release of solutions/ (run `course release`)."""
    assert outdated(ROOT, COURSE) == []


def test_release_is_byte_for_byte_deterministic(released_course):
    before = {p: p.read_bytes() for p in (released_course / "assignments").rglob("*") if p.is_file()}
    release(released_course, load_course(released_course / "course.yml"))
    after = {p: p.read_bytes() for p in (released_course / "assignments").rglob("*") if p.is_file()}
    assert before == after


def test_manifest_lists_hidden_tests_only():
    manifest = json.loads(
        (ROOT / "assignments" / "conv" / "tests" / "hidden.json").read_text(encoding="utf-8")
    )
    assert all(set(entry) == {"name", "function", "points"} for entry in manifest["tests"])
    names = {entry["name"] for entry in manifest["tests"]}
    assert "test_vertical_edge_example" in names and "test_forward_small_example" not in names
    assert not (ROOT / "assignments" / "conv" / "tests" / "test_hidden.py").exists()


def test_notebook_carries_valid_nbgrader_metadata():
    """nbformat v4 validation, and nbgrader's schema 3 rules: every cell has the six keys, grade ids
    are unique, graded cells have points and are locked, solution cells are not locked."""
    for assignment in COURSE.assignments:
        notebook = nbformat.read(
            ROOT / "assignments" / assignment.id / f"{assignment.id}.ipynb", as_version=4
        )
        nbformat.validate(notebook)
        ids = [cell.metadata.nbgrader.grade_id for cell in notebook.cells]
        assert len(ids) == len(set(ids)), f"{assignment.id}: duplicate grade_id"
        assert len({cell.id for cell in notebook.cells}) == len(notebook.cells)
        for cell in notebook.cells:
            metadata = cell.metadata.nbgrader
            assert {"grade", "grade_id", "locked", "schema_version", "solution", "task"} <= set(metadata)
            assert metadata.schema_version == 3
            if metadata.grade:
                assert metadata.locked and metadata.points > 0 and cell.cell_type == "code"
            if metadata.solution:
                assert not metadata.locked and "raise NotImplementedError" in cell.source


@pytest.mark.slow  # grades the whole course's conv or params
def test_notebook_with_solutions_filled_in_scores_full_marks(released_course, tmp_path):
    """A student who completes the notebook's solution cells gets every point, as with the .py file."""
    assignment = load_course(released_course / "course.yml").assignment("conv")
    solution = (ROOT / "solutions" / "conv.py").read_text(encoding="utf-8")
    public = (ROOT / "tests" / "conv" / "test_public.py").read_text(encoding="utf-8")
    completed = tmp_path / "conv.ipynb"
    completed.write_text(
        make_notebook(assignment, solution, solution, public, "# conv", {}), encoding="utf-8"
    )
    report = grade(released_course, assignment, completed)
    assert report.score == pytest.approx(53)
    stub_report = grade(released_course, assignment, released_course / "assignments" / "conv" / "conv.ipynb")
    assert stub_report.score == 0 and not any("could not be imported" in t.output for t in stub_report.tests)


def test_student_sees_hidden_tests_as_pending(released_course, tmp_path):
    """In a student's checkout (no tests/<id>/), hidden tests are listed as pending with their points."""
    student = tmp_path / "student"
    shutil.copytree(released_course / "assignments", student / "assignments")
    shutil.copy(released_course / "course.yml", student / "course.yml")
    shutil.copy(ROOT / "solutions" / "params.py", student / "assignments" / "params" / "params.py")
    report = grade(
        student, load_course(student / "course.yml").assignment("params"), student / "assignments" / "params"
    )
    pending = [t for t in report.tests if t.status == "pending"]
    assert pending and all(t.hidden for t in pending), [(t.name, t.max_score, t.status) for t in report.tests]
    assert report.max_score == pytest.approx(48)
    assert report.score == pytest.approx(sum(t.max_score for t in report.tests if not t.hidden))


def test_check_catches_a_leaked_solution_line_and_a_copied_hidden_test(released_course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(released_course, root)
    course = load_course(root / "course.yml")
    stub = root / "assignments" / "params" / "params.py"
    stub.write_text(stub.read_text() + "\n    return n_out * (n_in + int(bias))\n", encoding="utf-8")
    shutil.copy(root / "tests" / "params" / "test_hidden.py", root / "assignments" / "params" / "tests")
    problems = check_no_leaks(root, course, course.assignment("params"))
    assert any(
        "params.py: contains the solution line 'return n_out * (n_in + int(bias))'" in p for p in problems
    )
    assert any("test_hidden.py: a hidden test was released" in p for p in problems)


def test_check_catches_a_hidden_test_line_but_not_one_a_public_test_shares(released_course, tmp_path):
    """A line of the hidden suite in the stub is a leak; a failure message the public suite
    releases too (cnn's "train returned a {kind}, expected a dict") is not."""
    shared = '"train returned a {kind}, expected a dict",'
    hidden_only = (
        '"with weight_scale=1e-3 your initial weights give a loss of {loss}, '
        'expected about ln(10) = 2.3026: "'
    )
    suites = {
        name: (ROOT / "tests" / "cnn" / name).read_text(encoding="utf-8")
        for name in ("test_hidden.py", "test_public.py")
    }
    assert shared in suites["test_hidden.py"] and shared in suites["test_public.py"]
    assert hidden_only in suites["test_hidden.py"] and hidden_only not in suites["test_public.py"]
    root = tmp_path / "course"
    shutil.copytree(released_course, root)
    course = load_course(root / "course.yml")
    assert check_no_leaks(root, course, course.assignment("cnn")) == []
    stub = root / "assignments" / "cnn" / "cnn.py"
    stub.write_text(stub.read_text(encoding="utf-8") + f"\n{hidden_only}\n", encoding="utf-8")
    assert check_no_leaks(root, course, course.assignment("cnn")) == [
        f"assignments/cnn/cnn.py: contains the hidden test line {hidden_only!r}; remove it."
    ]


def test_check_catches_a_broken_reference(released_course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(released_course, root)
    source = root / "solutions" / "params.py"
    source.write_text(source.read_text().replace("return n_out * (n_in + int(bias))", "return n_out * n_in"))
    course = load_course(root / "course.yml")
    problems = check_reference(root, course, course.assignment("params"))
    assert problems and all(p.startswith("params: the reference fails test_") for p in problems)


def test_check_catches_an_ungraded_helper(released_course, tmp_path):
    """A helper students write that no test grades, and one neither graded nor documented as given."""
    root = tmp_path / "course"
    shutil.copytree(released_course, root)
    source = root / "solutions" / "params.py"
    text = source.read_text(encoding="utf-8")
    body = "    if stride < 1 or n + 2 * pad < f:\n"
    end = "    return (n + 2 * pad - f) // stride + 1\n"
    assert text.count(body) == text.count(end) == 1
    text = text.replace(body, "    ### BEGIN SOLUTION\n" + body).replace(end, end + "    ### END SOLUTION\n")
    source.write_text(text + '\n\ndef _spare(x):\n    """A helper."""\n    return x\n', encoding="utf-8")
    course = load_course(root / "course.yml")
    assert check_helpers(root, course, course.assignment("params")) == [
        "params: students write _conv_size but no test grades it; give it tests and points, "
        "or move it out of its solution region and document it as given.",
        "params: _spare is neither graded nor documented as given; start its docstring with 'Given'.",
    ]


@pytest.mark.slow  # grades every assignment and mistake
def test_course_check_passes_on_the_repository(shared_grades, monkeypatch):
    """Every check holds on the repository. Its gradings are shared with the tests that grade the
    same submissions (each catalogue mistake: test_answers_catalogue's official runs)."""
    monkeypatch.setattr("grader.check.grade", shared_grades.grade)
    result = CliRunner().invoke(course_command, ["check", "--course", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "✗" not in result.output and result.output.count("✓") == len(CHECKS) * len(COURSE.assignments)


@pytest.mark.slow  # grades the whole course's conv or params
def test_student_repository_grades_as_a_student_would(released_course, tmp_path):
    """params' template holds assignments/params/ alone, course.yml, the grader and a workflow; grade
    runs inside it."""
    import subprocess
    import sys

    arguments = ["release", "--course", str(released_course), "--student-repo", str(tmp_path / "templates")]
    result = CliRunner().invoke(course_command, [*arguments, "--assignment", "params"])
    assert result.exit_code == 0, result.output
    repo = tmp_path / "templates" / "params"
    assert [path.name for path in (repo / "assignments").iterdir()] == ["params"]
    workflow = (repo / ".github" / "workflows" / "grade.yml").read_text(encoding="utf-8")
    assert "grade --all --advisory --json grade-report.json --junit grade-report.xml" in workflow
    assert not (repo / "solutions").exists() and not (repo / "tests").exists()
    shutil.copy(ROOT / "solutions" / "params.py", repo / "assignments" / "params" / "params.py")
    completed = subprocess.run(
        [sys.executable, "-m", "grader", "--json", "report.json"],
        cwd=repo / "assignments" / "params",
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads((repo / "assignments" / "params" / "report.json").read_text(encoding="utf-8"))
    assert report["score"] == pytest.approx(5) and report["max_score"] == pytest.approx(48)
