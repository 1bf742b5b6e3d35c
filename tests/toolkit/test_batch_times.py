"""grade-all's submission times and roster: penalties from trusted times only, bad rows stay local.

params is due 2026-11-02T23:59+08:00 with 15 minutes of grace, 10 % of its 48 points per
started day and at most 50 % (course.yml): the deadline is 2026-11-03T00:14+08:00, and each
started day late takes off 4.8 points.
"""

import json
import os
import re
from datetime import datetime

import pytest

from grader.batch import grade_class
from grader.config import load_course
from grader.errors import GraderError

from .conftest import ROOT
from .helpers import make_class, rows, scripted_job

UNKNOWN = "params: time unknown, no penalty"


def grade(tmp_path, submissions, times=None, roster=None, **options):
    """Grade a scripted class; times and roster are the CSV texts (None: not given)."""
    folder = make_class(tmp_path / "class", submissions)
    for name, text in (("times.csv", times), ("roster.csv", roster)):
        if text is not None:
            (tmp_path / name).write_text(text, encoding="utf-8")
    course = load_course(ROOT / "course.yml")
    summary = grade_class(
        ROOT,
        course,
        folder,
        tmp_path / "out",
        ["params"],
        workers=1,
        job=scripted_job,
        times_path=tmp_path / "times.csv" if times is not None else None,
        roster_path=tmp_path / "roster.csv" if roster is not None else None,
        **options,
    )
    return rows(tmp_path / "out"), summary


# student: (submitted_at in the LMS export, expected cell, expected notes)
TIMES = {
    "early": ("2026-11-01T10:00:00+08:00", "30.0", ""),
    "in_grace": ("2026-11-03T00:10:00+08:00", "30.0", ""),
    "one_day": (
        "2026-11-03T00:15:00+08:00",
        "25.2",
        "params: late: raw 30.00, -10% of the maximum 48 = -4.80, final 25.20 "
        "(submitted 2026-11-03T00:15:00+08:00 (times.csv))",
    ),
    "utc_z": (
        "2026-11-03T16:20:00Z",
        "20.4",
        "params: late: raw 30.00, -20% of the maximum 48 = -9.60, final 20.40 "
        "(submitted 2026-11-03T16:20:00+00:00 (times.csv))",
    ),
    "capped": (
        "2026-12-30T00:00:00+08:00",
        "6.0",
        "params: late: raw 30.00, -50% of the maximum 48 = -24.00, final 6.00 "
        "(submitted 2026-12-30T00:00:00+08:00 (times.csv))",
    ),
    "no_zone": (
        "2026-11-03 10:00",
        "",
        "params: raw 30.00, penalty not decided: times.csv: submitted_at '2026-11-03 10:00' has no time "
        "zone; add one, as in 2026-09-21T23:59:00+08:00",
    ),
    "garbled": (
        "yesterday",
        "",
        "params: raw 30.00, penalty not decided: times.csv: submitted_at 'yesterday' cannot be read; "
        "write it as 2026-09-21T23:59:00+08:00",
    ),
    "blank": ("", "30.0", UNKNOWN),
}


def test_penalties_come_from_the_lms_times_and_a_bad_time_is_that_students_error(tmp_path):
    submissions = {student: "SCORE 30" for student in [*TIMES, "absent_from_times"]}
    times = "student,submitted_at\n" + "".join(f"{s},{t}\n" for s, (t, _, _) in TIMES.items())
    found, summary = grade(tmp_path, submissions, times)
    expected = {s: (cell, notes) for s, (_, cell, notes) in TIMES.items()}
    expected["absent_from_times"] = ("30.0", UNKNOWN)
    assert {s: (r["params"], r["notes"]) for s, r in found.items()} == expected
    assert summary["time_unknown"] == ["absent_from_times/params", "blank/params"]
    assert summary["problems"] == [f"{s}/{TIMES[s][2]}" for s in ("garbled", "no_zone")]


def test_student_written_times_are_never_trusted(tmp_path):
    """submission.json (even a broken one) and file times say late; without --times nobody is charged."""
    folder = make_class(tmp_path / "class", {"a": "SCORE 30", "b": "SCORE 20", "c": "SCORE 10"})
    (folder / "a" / "submission.json").write_text('{"submitted_at": "2026-11-20T00:00:00+08:00"}')
    (folder / "b" / "submission.json").write_text("{not json")
    late = datetime.fromisoformat("2026-11-20T00:00:00+08:00").timestamp()
    os.utime(folder / "c" / "params.py", (late, late))
    course = load_course(ROOT / "course.yml")
    summary = grade_class(ROOT, course, folder, tmp_path / "out", ["params"], workers=1, job=scripted_job)
    assert {s: (r["params"], r["notes"]) for s, r in rows(tmp_path / "out").items()} == {
        "a": ("30.0", UNKNOWN),
        "b": ("20.0", UNKNOWN),
        "c": ("10.0", UNKNOWN),
    }
    assert summary["time_unknown"] == ["a/params", "b/params", "c/params"] and summary["warnings"] == []


def test_penalise_file_times_uses_the_file_time_with_a_warning(tmp_path):
    folder = make_class(tmp_path / "class", {"late": "SCORE 30", "early": "SCORE 30"})
    for student, moment in (("late", "2026-11-04T12:00:00+08:00"), ("early", "2026-11-01T12:00:00+08:00")):
        stamp = datetime.fromisoformat(moment).timestamp()
        os.utime(folder / student / "params.py", (stamp, stamp))
    course = load_course(ROOT / "course.yml")
    out = tmp_path / "out"
    summary = grade_class(
        ROOT, course, folder, out, ["params"], workers=1, job=scripted_job, penalise_file_times=True
    )
    found = rows(out)
    assert found["late"]["params"] == "20.4"  # 1 day 11 h 46 min after the deadline: 2 started days
    assert (
        found["late"]["notes"] == "params: late: raw 30.00, -20% of the maximum 48 = -9.60, final 20.40 "
        "(file time 2026-11-04T04:00:00+00:00)"
    )
    assert found["early"]["params"] == "30.0"
    assert found["early"]["notes"] == "params: on time by the file time 2026-11-01T04:00:00+00:00"
    assert summary["warnings"] == [
        "early/params: no trusted time, so the file time 2026-11-01T04:00:00+00:00 was used",
        "late/params: no trusted time, so the file time 2026-11-04T04:00:00+00:00 was used",
    ]


# roster row (after the header), expected cell and notes of student "x" who submitted SCORE 30,
# one day late by the LMS
ROSTER_ROWS = {
    "no extension": (
        "x,",
        "25.2",
        "params: late: raw 30.00, -10% of the maximum 48 = -4.80, final 25.20 "
        "(submitted 2026-11-03T12:00:00+08:00 (times.csv))",
    ),
    "extension covers it": ("x,24", "30.0", ""),
    "fractional hours": (
        "x,11.5",
        "25.2",
        "params: late: raw 30.00, -10% of the maximum 48 = -4.80, final 25.20 "
        "(submitted 2026-11-03T12:00:00+08:00 (times.csv))",
    ),
    "not a number": (
        "x,two days",
        "",
        "params: raw 30.00, penalty not decided: roster.csv row 2: extension_hours 'two days' is not a "
        "number of hours",
    ),
    "negative": (
        "x,-3",
        "",
        "params: raw 30.00, penalty not decided: roster.csv row 2: extension_hours '-3' must be a number of "
        "hours >= 0",
    ),
    "infinite": (
        "x,inf",
        "",
        "params: raw 30.00, penalty not decided: roster.csv row 2: extension_hours 'inf' must be a number of "
        "hours >= 0",
    ),
}


@pytest.mark.parametrize("case", ROSTER_ROWS, ids=list(ROSTER_ROWS))
def test_a_bad_roster_row_harms_only_its_own_student(tmp_path, case):
    row, cell, notes = ROSTER_ROWS[case]
    times = "student,submitted_at\nx,2026-11-03T12:00:00+08:00\ny,2026-11-03T12:00:00+08:00\n"
    roster = f"student,extension_hours\n{row}\ny,\n"
    found, _ = grade(tmp_path, {"x": "SCORE 30", "y": "SCORE 30"}, times, roster)
    assert (found["x"]["params"], found["x"]["notes"]) == (cell, notes)
    assert found["y"]["params"] == "25.2"


def test_excel_roster_with_bom_unlisted_and_absent_students(tmp_path):
    roster = "\ufeffstudent,extension_hours,name\nann,,Ann\nabsent,,Abe\n../evil,,Eve\n"
    found, summary = grade(tmp_path, {"ann": "SCORE 30", "stranger": "SCORE 20"}, roster=roster)
    assert set(found) == {"ann", "stranger", "absent", "../evil"}
    assert found["stranger"]["notes"] == f"not on the roster; {UNKNOWN}"
    assert found["stranger"]["params"] == "20.0"
    assert found["absent"] == {
        "student": "absent",
        "params": "0.0",
        "total": "0.0",
        "notes": "params: nothing submitted",
    }
    assert found["../evil"]["notes"] == (
        "params: nothing submitted; roster.csv row 4: '../evil' cannot name a student's folder"
    )
    assert summary["roster"] == {"not_on_roster": ["stranger"], "nothing_submitted": ["../evil", "absent"]}
    assert summary["problems"] == ["../evil: roster.csv row 4: '../evil' cannot name a student's folder"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "roster",
            b"name,email\nann,a@x\n",
            "the roster needs a 'student' column (its columns: 'name', 'email')",
        ),
        # a legacy code page is read (test_lms.py); a picture is not text
        ("roster", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "the roster is not text; save it as CSV UTF-8"),
        ("times", b"student,time\nann,2026\n", "the times file needs a 'submitted_at' column"),
        ("times", None, "times.csv: no such file; check the path given for the times file."),
    ],
)
def test_an_unusable_roster_or_times_file_stops_the_run_before_anything_is_written(
    tmp_path, name, content, message
):
    folder = make_class(tmp_path / "class", {"ann": "SCORE 30"})
    path = tmp_path / f"{name}.csv"
    if content is not None:
        path.write_bytes(content)
    course = load_course(ROOT / "course.yml")
    with pytest.raises(GraderError, match=re.escape(message)):
        grade_class(
            ROOT, course, folder, tmp_path / "out", ["params"], job=scripted_job, **{f"{name}_path": path}
        )
    assert not (tmp_path / "out").exists()


def test_feedback_shows_raw_penalty_and_final_score_equal_to_the_gradebook(course_copy, tmp_path):
    """A real grading run: the reference, two started days late by the LMS."""
    folder = tmp_path / "class"
    (folder / "late").mkdir(parents=True)
    (folder / "late" / "params.py").write_text((ROOT / "solutions" / "params.py").read_text())
    (tmp_path / "times.csv").write_text("student,submitted_at\nlate,2026-11-04T12:00:00+08:00\n")
    out = tmp_path / "out"
    course = load_course(course_copy / "course.yml")
    grade_class(course_copy, course, folder, out, ["params"], workers=1, times_path=tmp_path / "times.csv")
    cell = rows(out)["late"]["params"]
    assert cell == "38.4"  # 48 - 2 * 4.8
    record = json.loads((out / "feedback" / "late" / "params.json").read_text())
    assert record["score"] == 48.0
    assert record["final"] == {
        "raw_score": 48.0,
        "max_score": 48.0,
        "penalty_pct": 20.0,
        "penalty_points": 9.6,
        "final_score": 38.4,
        "time": "late",
        "days_late": 2,
        "detail": "submitted 2026-11-04T12:00:00+08:00 (times.csv)",
    }
    html = (out / "feedback" / "late" / "params.html").read_text()
    shown = {
        key: re.search(f'id="{key}">([^<]*)<', html).group(1)
        for key in ("raw-score", "penalty", "final-score")
    }
    assert shown == {"raw-score": "48.00", "penalty": "-9.60", "final-score": "38.40"}
    assert float(shown["final-score"]) == float(cell) == record["final"]["final_score"]
    assert "2 started day(s) late" in html
