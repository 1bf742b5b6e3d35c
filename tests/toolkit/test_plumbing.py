"""The grader's own plumbing never costs an honest student points (issue 9, guarantee 5).

The fixture course's own pytest settings are strict (`filterwarnings = error`, `addopts = -x`);
they must not apply to grading sessions.
"""

from __future__ import annotations

import io
import shutil
import sys
import types
from pathlib import Path

import nbformat
import numpy as np
import pytest
from rich.console import Console

from grader import reports
from grader.config import load_course
from grader.feedback.curve import numbers as _numbers
from grader.grading import grade

FIXTURE = Path(__file__).parent / "files" / "course"


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    return root


def graded(root: Path, submission: Path):
    return grade(root, load_course(root / "course.yml").assignment("vec"), submission)


def test_a_notebook_saved_without_cell_ids_grades_normally(course, tmp_path):
    """nbformat 4.4 (an older Jupyter) has no cell ids; reading it warns, and the course's
    `filterwarnings = error` must not turn that into a zero."""
    notebook = nbformat.v4.new_notebook()
    notebook.nbformat_minor = 4
    notebook.cells = [nbformat.v4.new_code_cell((FIXTURE / "solutions" / "vec.py").read_text())]
    data = nbformat.writes(notebook)
    path = tmp_path / "vec.ipynb"
    path.write_text(data.replace('"id": ', '"_id": '), encoding="utf-8")
    assert '"id"' not in path.read_text(encoding="utf-8")
    report = graded(course, path)
    assert report.score == pytest.approx(10.0), [(t.name, t.output) for t in report.tests]


def test_a_warning_in_the_grading_process_is_not_an_error(course, tmp_path):
    """norm returns NaN; comparing it warns nowhere fatal: the tests fail on the value, and the
    course's `-x` does not stop the run before the other tests."""
    source = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
    marker = "    return float(np.sqrt(np.sum(x * x)))\n"
    assert marker in source
    path = tmp_path / "vec.py"
    path.write_text(source.replace(marker, "    return float('nan')\n"), encoding="utf-8")
    report = graded(course, path)
    assert report.score == pytest.approx(6.0)
    assert len(report.tests) == 4


def test_submission_text_is_escaped_in_the_table_and_the_html(course, tmp_path):
    """An exception message full of rich markup and HTML is shown as text, not interpreted."""
    hostile = "[/bold][link=file:///etc/passwd]click[/link] <script>alert(1)</script> [red]"
    source = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
    marker = "    return float(np.sqrt(np.sum(x * x)))\n"
    path = tmp_path / "vec.py"
    path.write_text(source.replace(marker, f"    raise ValueError({hostile!r})\n"), encoding="utf-8")
    report = graded(course, path)
    console = Console(file=io.StringIO(), width=400, record=True)
    reports.print_report(report, console)
    text = console.export_text()
    assert "[/bold][link=file:///etc/passwd]click[/link]" in text
    html = reports.to_html(report)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2.5], [1.0, 2.5]),
        ([np.array([0.5]), np.float64(0.25)], [0.5, 0.25]),
        ([np.array([1.0, 2.0])], None),
        (["0.5"], None),
        ([None], None),
        ([[1.0]], None),
        ([True], None),
        ("loss", None),
        (None, None),
        ({"a": 1}, None),
        ([float("nan"), float("inf")], [float("nan"), float("inf")]),
    ],
)
def test_a_training_history_of_any_value_never_breaks_the_curve(values, expected):
    """The report's training curve takes numbers (1-element arrays too) and ignores the rest."""
    got = _numbers(values)
    if expected is None:
        assert got is None
    else:
        np.testing.assert_array_equal(got, expected)


def test_each_course_grades_with_its_own_tolerances_in_one_process(tmp_path):
    """course.yml's rtol reaches every comparison of that course only: an add that is 1 % off
    passes where rtol is 0.1 and fails where it is the default, whichever is graded first."""
    from .conftest import fixture_course

    loose = fixture_course(tmp_path / "loose")
    text = (loose / "course.yml").read_text(encoding="utf-8")
    (loose / "course.yml").write_text(text.replace("grading:\n", "grading:\n  rtol: 0.1\n"), encoding="utf-8")
    tight = fixture_course(tmp_path / "tight")
    source = (tight / "solutions" / "vec.py").read_text(encoding="utf-8")
    submission = tmp_path / "student" / "vec.py"
    submission.parent.mkdir()
    submission.write_text(source.replace("return x + y", "return (x + y) * 1.01"), encoding="utf-8")
    scores = [graded(root, submission).score for root in (loose, tight, loose)]
    assert scores == [10, 7, 10]


def test_a_second_release_of_a_suite_runs_its_own_tests_in_one_process(tmp_path):
    """Two copies of a course, the second with one more public test at the same path: grading
    both in one process runs each copy's own tests (pytest's importlib mode would reuse the first
    module of that name, or any module of that name imported before)."""
    from .conftest import fixture_course

    first, second = fixture_course(tmp_path / "first"), fixture_course(tmp_path / "second")
    public = second / "tests" / "stats" / "test_public.py"
    extra = '\n\n@pytest.mark.points(1)\n@pytest.mark.function("mean")\ndef test_mean_again(submission):\n'
    public.write_text(
        public.read_text(encoding="utf-8") + extra + "    assert_close(submission.mean(np.ones(2)), 1.0)\n"
    )
    stale = types.ModuleType("tests.stats.test_public")  # a suite of that name imported earlier
    sys.modules.setdefault("tests.stats.test_public", stale)
    names = []
    for root in (first, second):
        course = load_course(root / "course.yml")
        report = grade(root, course.assignment("stats"), root / "solutions" / "stats.py")
        names.append({t.name for t in report.tests})
    assert "test_mean_again" not in names[0] and "test_mean_again" in names[1]


PARTS_TEST = """

@pytest.mark.points(3)
@pytest.mark.function("add")
def test_add_three_ways(submission, credit):
    from grader.testing import each_part

    with each_part(credit) as part:
        for shape in ((2,), (2, 3), (2, 3, 4)):
            x = np.arange(float(np.prod(shape))).reshape(shape)
            with part(str(shape)):
                assert_close(submission.add(x, x), 2 * x)
"""


def test_each_part_keeps_the_share_of_the_points_its_right_parts_earn(tmp_path):
    """An add that is wrong on 3-D arrays only passes 2 of the test's 3 parts: 2 of its 3 points.
    (Partial credit is recorded when it is awarded: the failed call's report carries it.)"""
    from .conftest import fixture_course

    root = fixture_course(tmp_path / "course")
    hidden = root / "tests" / "vec" / "test_hidden.py"
    hidden.write_text(hidden.read_text(encoding="utf-8") + PARTS_TEST, encoding="utf-8")
    text = (root / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("points: 10", "points: 13"), encoding="utf-8")
    submission = tmp_path / "student" / "vec.py"
    submission.parent.mkdir()
    source = (root / "solutions" / "vec.py").read_text(encoding="utf-8")
    submission.write_text(source.replace("return x + y", "return x + y + (x.ndim == 3)"), encoding="utf-8")
    report = grade(root, load_course(root / "course.yml").assignment("vec"), submission)
    (three_ways,) = [t for t in report.tests if t.name == "test_add_three_ways"]
    assert three_ways.status == "failed" and three_ways.score == pytest.approx(2.0)


def test_a_notebook_error_quotes_the_line_of_its_cell(course, tmp_path):
    """An exception raised in a notebook's code names the line and quotes it, as for a module
    (it read "line 33 in norm: " with nothing after the colon)."""
    source = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
    marker = "    return float(np.sqrt(np.sum(x * x)))\n"
    assert source.count(marker) == 1
    broken = source.replace(marker, "    return float(np.sqrt(np.sum(x * x_undefined)))\n")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(broken)])
    path = tmp_path / "vec.ipynb"
    nbformat.write(notebook, path)
    report = graded(course, path)
    failed = [t.output for t in report.tests if t.status != "passed"]
    assert failed and all("np.sqrt(np.sum(x * x_undefined))" in output for output in failed), failed
