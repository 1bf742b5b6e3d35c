"""Output a person can read: hidden tests under ids, seeds never cut, points rounded, dates in the
course's zone, course text from course.yml (on the fixture course)."""

import json
import re

import pytest
from rich.console import Console

from grader import reports
from grader.config import load_course
from grader.grading import grade
from grader.release import points_text, release_files
from grader.scoring import Report, TestResult, readable

from .conftest import fixture_course


@pytest.fixture
def released(released_fixture):
    return released_fixture


def test_hidden_cases_are_listed_under_ids_not_values(released):
    manifest = json.loads((released / "assignments" / "stats" / "tests" / "hidden.json").read_text())
    assert [t["name"] for t in manifest["tests"]] == [
        "test_mean_of_a_grid",
        "test_variance_worked[case-1]",
        "test_variance_worked[case-2]",
        "test_variance_worked[case-3]",
    ]
    text = json.dumps(manifest)
    assert "values" not in text and "5.0" not in text, "no parameter value reaches a student"


def test_reports_use_the_same_ids_and_public_tests_keep_their_names(released):
    course = load_course(released / "course.yml")
    report = grade(released, course.assignment("stats"), released / "solutions" / "stats.py")
    names = [t.name for t in report.tests]
    assert names == [
        "test_mean_small",
        "test_variance_small",
        "test_mean_of_a_grid",
        "test_variance_worked[case-1]",
        "test_variance_worked[case-2]",
        "test_variance_worked[case-3]",
    ]
    gradescope = reports.to_gradescope([report])
    assert not any(re.search(r"\[values|\[\[", t["name"]) for t in gradescope["tests"])


def test_a_long_reason_wraps_and_keeps_its_seed():
    reason = "output: 12 of 12 values differ; largest error 7.08 at index (2, 3): " + "x" * 150
    test = TestResult("test_add", "add", 0.0, 3.0, "failed", True, output=f"{reason} (seed 3105225071)\n"
                      "expected:\n[[1. 2.]]", seed=3105225071)  # fmt: skip
    report = Report("vec", "vec.py", "bubblewrap", tests=[test])
    console = Console(width=80, record=True)
    reports.print_report(report, console)
    text = " ".join(re.sub("[│┃]", " ", console.export_text()).split())  # the wrapped lines, joined
    assert "(seed 3105225071)" in text and "…" not in text
    assert reports.reason_line(test).endswith("x (seed 3105225071)")
    assert "(seed 3105225071)" in reports.to_markdown([report])


def test_a_failure_with_many_lines_keeps_its_seed_in_the_json(released, tmp_path):
    """A wrong `add` fails with an excerpt of the arrays (more lines than are kept): the seed is on
    the first line and in the record."""
    course = load_course(released / "course.yml")
    wrong = tmp_path / "vec.py"
    source = (released / "solutions" / "vec.py").read_text(encoding="utf-8")
    assert source.count("return x + y\n") == 1
    wrong.write_text(source.replace("return x + y\n", "return x - y\n"), encoding="utf-8")
    report = grade(released, course.assignment("vec"), wrong)
    (failed,) = [t for t in report.tests if t.status == "failed"]
    assert failed.seed is not None and len(failed.output.splitlines()) > 3
    assert failed.output.splitlines()[0].endswith(f"(seed {failed.seed})")
    assert failed.to_dict()["seed"] == failed.seed


def test_handout_points_are_rounded_and_dates_are_in_the_course_zone(tmp_path):
    assert [points_text(p) for p in (4.00001, 2 / 3, 10.0, 0.125)] == ["4", "0.67", "10", "0.12"]
    root = fixture_course(tmp_path / "course")
    text = (root / "course.yml").read_text(encoding="utf-8")
    assert text.count('timezone: "+00:00"') == 1 and text.count('  name: "Fixture course"\n') == 1
    text = text.replace('timezone: "+00:00"', "timezone: Asia/Shanghai")
    text = text.replace(
        '  name: "Fixture course"\n', '  name: "Fixture course"\n  conventions: "vectors are 1-D."\n'
    )
    (root / "course.yml").write_text(text, encoding="utf-8")
    course = load_course(root / "course.yml")
    files = release_files(root, course, course.assignment("stats"))
    handout = next(text for path, text in files.items() if path.name == "README.md")
    assert "- **due 2026-01-20 07:59 +0800**" in handout
    assert "| `variance` | 1 | 2 | 3 |" in handout
    assert "then. Every random input comes from a seed printed with its failure." in handout
    assert "A function that runs over its limit twice is not called again; once, if it" in handout
    assert handout.endswith("\n\nConventions: vectors are 1-D.\n")
    assert "(N, C, H, W)" not in handout, "no text of another course"


def test_a_course_without_conventions_shows_none(released):
    course = load_course(released / "course.yml")
    handout = (released / "assignments" / "vec" / "README.md").read_text(encoding="utf-8")
    assert not course.course.conventions and "Conventions" not in handout
    assert "- **due 2026-01-12 23:59 +0000**" in handout


@pytest.mark.parametrize("label", ["000 §1.9", "零填充", "a\\b", "plain"])
def test_test_names_show_the_characters_pytest_escapes_in_ids(label):
    """pytest writes a non-ASCII parameter id as `\\xa7` (its ascii_escaped); reports show `§`."""
    escaped = label.encode("unicode_escape").decode("ascii")  # what pytest puts in the name
    assert readable(f"test_x[{escaped}]") == f"test_x[{label}]"
