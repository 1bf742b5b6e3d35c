"""`course export`: grade-all's gradebook as Canvas, Moodle and nbgrader import it, for a class of
three (one late, one with a grade not decided), and one sentence for a roster that lacks a column."""

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import course_command

from .conftest import FIXTURE, fixture_course

GRADEBOOK = """student,vec,stats,total,notes
ann,10.0,5.0,15.0,
bob,6.0,4.0,10.0,vec: late -10% (submitted 2026-01-13T10:00:00+00:00)
cyd,,0.0,,"vec: raw 8.00, penalty not decided: extension_hours 'x'; stats: nothing submitted"
"""
ROSTER = """student,extension_hours,name,lms_id,sis_id,section,email
ann,,"Lee, Ann",101,S-1,A,ann@example.edu
bob,24,Bob Ma,102,S-2,B,bob@example.edu
cyd,x,"Cho, Cyd",103,,A,cyd@example.edu
"""


def feedback(out: Path, student: str, assignment: str, final: dict) -> None:
    folder = out / "feedback" / student
    folder.mkdir(parents=True, exist_ok=True)
    record = {"assignment": assignment, "score": final["raw_score"], "final": final}
    (folder / f"{assignment}.json").write_text(json.dumps(record), encoding="utf-8")


@pytest.fixture
def graded(tmp_path) -> Path:
    """A grade-all output folder for three students, as grade-all writes it."""
    out = tmp_path / "grades"
    out.mkdir()
    (out / "gradebook.csv").write_text(GRADEBOOK, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8-sig")  # as Excel saves "CSV UTF-8"
    on_time = {"penalty_pct": 0.0, "penalty_points": 0.0, "time": "on_time"}
    feedback(out, "ann", "vec", {"raw_score": 10.0, "final_score": 10.0, **on_time})
    feedback(out, "ann", "stats", {"raw_score": 5.0, "final_score": 5.0, **on_time})
    late = {"raw_score": 7.0, "penalty_pct": 10.0, "penalty_points": 1.0, "final_score": 6.0, "time": "late"}
    feedback(out, "bob", "vec", late)
    feedback(out, "bob", "stats", {"raw_score": 4.0, "final_score": 4.0, **on_time})
    undecided = {"raw_score": 8.0, "penalty_pct": None, "penalty_points": None, "final_score": None}
    feedback(out, "cyd", "vec", {**undecided, "time": "error"})
    return out


def export(graded: Path, format_name: str, *extra: str):
    target = graded / f"{format_name}.csv"
    arguments = ["export", str(graded / "gradebook.csv"), "--format", format_name, "--out", str(target)]
    result = CliRunner().invoke(course_command, [*arguments, "--course", str(FIXTURE), *extra])
    return result, read_csv(target) if target.is_file() else None


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_canvas(graded):
    result, rows = export(graded, "canvas", "--roster", str(graded.parent / "roster.csv"))
    assert result.exit_code == 0, result.output
    assert rows == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "vec", "stats"],
        ["    Points Possible", "", "", "", "", "10", "5"],
        ["Lee, Ann", "101", "S-1", "ann", "A", "10.0", "5.0"],
        ["Bob Ma", "102", "S-2", "bob", "B", "6.0", "4.0"],
        ["Cho, Cyd", "103", "", "cyd", "A", "", "0.0"],  # blank: Canvas keeps what it has
    ]
    assert "wrote" in result.output and "(3 students, canvas)" in result.output


def test_moodle(graded):
    result, rows = export(graded, "moodle", "--roster", str(graded.parent / "roster.csv"))
    assert result.exit_code == 0, result.output
    assert rows == [
        ["Email address", "ID number", "vec", "stats"],
        ["ann@example.edu", "S-1", "10.0", "5.0"],
        ["bob@example.edu", "S-2", "6.0", "4.0"],
        ["cyd@example.edu", "", "", "0.0"],
    ]


def test_nbgrader(graded):
    """nbgrader's own column order; raw score, penalty in points and final score from feedback."""
    result, rows = export(graded, "nbgrader", "--roster", str(graded.parent / "roster.csv"))
    assert result.exit_code == 0, result.output
    vec_due, stats_due = "2026-01-12 23:59:00+00:00", "2026-01-19 23:59:00+00:00"
    assert rows == [
        [
            "assignment",
            "duedate",
            "timestamp",
            "student_id",
            "last_name",
            "first_name",
            "email",
            "raw_score",
            "late_submission_penalty",
            "score",
            "max_score",
        ],  # fmt: skip
        ["vec", vec_due, "", "ann", "Lee", "Ann", "ann@example.edu", "10", "0", "10.0", "10"],
        ["vec", vec_due, "", "bob", "Bob Ma", "", "bob@example.edu", "7", "1", "6.0", "10"],
        ["vec", vec_due, "", "cyd", "Cho", "Cyd", "cyd@example.edu", "8", "", "", "10"],
        ["stats", stats_due, "", "ann", "Lee", "Ann", "ann@example.edu", "5", "0", "5.0", "5"],
        ["stats", stats_due, "", "bob", "Bob Ma", "", "bob@example.edu", "4", "0", "4.0", "5"],
        ["stats", stats_due, "", "cyd", "Cho", "Cyd", "cyd@example.edu", "0.0", "0", "0.0", "5"],
    ]


def test_nbgrader_needs_no_roster(graded):
    result, rows = export(graded, "nbgrader")
    assert result.exit_code == 0, result.output
    assert rows[1][3:7] == ["ann", "", "", ""]


@pytest.mark.parametrize(
    ("format_name", "roster", "message"),
    [
        ("canvas", None, "error: a canvas export needs a roster with a 'lms_id' column; pass --roster FILE."),
        (
            "moodle",
            "student,name\nann,Ann\n",
            "error: {roster}: the roster has no 'email' column, which the moodle export needs "
            "(Moodle matches students by their email address); add it.",
        ),
        (
            "canvas",
            "student,lms_id\nann,101\nbob,\n",
            "error: {roster}: student 'bob' (and 1 more) has no lms_id; the canvas export needs one for "
            "every student in the gradebook.",
        ),
    ],
)
def test_a_missing_column_is_one_sentence(graded, format_name, roster, message):
    extra = []
    path = graded.parent / "short-roster.csv"
    if roster is not None:
        path.write_text(roster, encoding="utf-8")
        extra = ["--roster", str(path)]
    result, rows = export(graded, format_name, *extra)
    assert result.exit_code == 2 and rows is None
    assert result.stderr == message.format(roster=path) + "\n"


def test_two_rows_of_one_canvas_id_are_refused_naming_both(graded):
    """A gradebook written before identities were normalised: 'ann' and 'Ann' are one student."""
    gradebook = graded / "gradebook.csv"
    gradebook.write_text(gradebook.read_text(encoding="utf-8") + "Ann,1,1,2,\n", encoding="utf-8")
    roster = graded.parent / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8-sig") + "Ann,,,104,,,\n", encoding="utf-8")
    result, rows = export(graded, "canvas", "--roster", str(roster))
    assert result.exit_code == 2 and rows is None
    assert "'ann' and 'Ann' are one student for canvas" in result.stderr


def test_a_gradebook_of_another_course_is_refused(graded):
    (graded / "gradebook.csv").write_text("student,conv,total,notes\nann,45,45,\n", encoding="utf-8")
    result, _ = export(graded, "nbgrader")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "column 'conv' is not an assignment of course.yml; export a gradebook of this course.\n"
    )


@pytest.mark.slow
def test_a_real_grade_all_exports_to_canvas(tmp_path):
    """grade-all on the fixture course, then the export: the reference scores 5, the stub 0."""
    course = fixture_course(tmp_path / "course")
    reference = (course / "solutions" / "stats.py").read_text(encoding="utf-8")
    for student, text in (("ann", reference), ("bob", "def mean(x):\n    return 0.0\n")):
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "stats.py").write_text(text, encoding="utf-8")
    (tmp_path / "roster.csv").write_text("student,lms_id\nann,1\nbob,2\n", encoding="utf-8")
    out = tmp_path / "grades"
    arguments = ["grade-all", str(tmp_path / "class"), "--assignment", "stats", "--out", str(out)]
    result = CliRunner().invoke(course_command, [*arguments, "--workers", "1", "--course", str(course)])
    assert result.exit_code == 0, result.output
    roster = ["--roster", str(tmp_path / "roster.csv")]
    exported = CliRunner().invoke(
        course_command,
        ["export", str(out / "gradebook.csv"), "--format", "canvas", *roster, "--course", str(course)],
    )
    assert exported.exit_code == 0, exported.output
    rows = read_csv(out / "canvas.csv")
    assert rows[0][-1] == "stats" and rows[1][-1] == "5"
    assert [row[1:4] + row[-1:] for row in rows[2:]] == [["1", "", "ann", "5.0"], ["2", "", "bob", "0.0"]]


def test_canvas_columns_carry_the_canvas_assignment_id(graded, tmp_path):
    """Canvas fills an existing assignment only when the header ends with its id in parentheses;
    an assignment without `lms_id` in course.yml is named in a note (Canvas would add a column)."""
    root = fixture_course(tmp_path / "course")
    text = (root / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(
        text.replace("    module: vec.py\n", '    module: vec.py\n    lms_id: "4242"\n'), encoding="utf-8"
    )
    result = CliRunner().invoke(
        course_command,
        [
            "export",
            str(graded / "gradebook.csv"),
            "--format",
            "canvas",
            "--roster",
            str(graded.parent / "roster.csv"),
            "--course",
            str(root),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader((graded / "canvas.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0][5:] == ["Vectors (4242)", "stats"]
    assert "stats has no lms_id in course.yml" in result.output
