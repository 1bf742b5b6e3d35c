"""`course export`: grade-all's gradebook in the form an LMS imports.

- **Canvas** (Grades > Import): the columns of Canvas's own gradebook export, `Student`, `ID`,
  `SIS User ID`, `SIS Login ID`, `Section`, then one column per assignment, and a second row
  `Points Possible`. Canvas matches students by `ID` (its user id), so the roster needs `lms_id`.
  A blank cell (a grade not decided) leaves Canvas's grade as it is.
- **Moodle** (Grades > Import > CSV file): `Email address`, `ID number`, then one column per
  assignment; at import, "Identify user by" maps `Email address` to the email address, so the
  roster needs `email`.
- **nbgrader**: the columns of `nbgrader export` (grades.csv), one row per student and
  assignment, with the raw score, the late penalty in points and the final score taken from
  grade-all's feedback records.

The roster's optional columns are `name`, `lms_id`, `sis_id`, `section` and `email`.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.batch.identity import normalise_id
from grader.batch.roster import read_profiles
from grader.config import Assignment, Course
from grader.errors import GraderError
from grader.layout import GradesLayout

FORMATS = ("canvas", "moodle", "nbgrader")
NEEDED = {"canvas": "lms_id", "moodle": "email"}  # the roster column each LMS matches students by
WHY = {
    "canvas": "Canvas matches students by its user id (the 'ID' column of its gradebook export)",
    "moodle": "Moodle matches students by their email address",
}
NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                    "raw_score", "late_submission_penalty", "score", "max_score"]  # fmt: skip


@dataclass(frozen=True)
class Gradebook:
    """grade-all's gradebook.csv: its assignments (in column order) and one row per student."""

    path: Path
    assignments: list[Assignment]
    rows: list[dict[str, str]]

    def feedback(self, student: str, assignment_id: str) -> dict[str, Any]:
        """The `final` record of feedback/<student>/<id>.json (raw, penalty, final), or {}."""
        path = GradesLayout(self.path.parent).feedback(student, assignment_id)
        if not path.is_file():
            return {}
        return dict(json.loads(path.read_text(encoding="utf-8")).get("final") or {})


def read_gradebook(path: Path, course: Course) -> Gradebook:
    """Read gradebook.csv as grade-all wrote it (student, one column per assignment, total, notes).

    Raises:
        GraderError: if the file is missing or unreadable, or a column is not an assignment.
    """
    if not path.is_file():
        raise GraderError(f"{path}: no such file; give the gradebook.csv that grade-all wrote.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            rows = [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]
    except (UnicodeDecodeError, csv.Error):
        raise GraderError(
            f"{path}: not a readable CSV file; give the gradebook.csv that grade-all wrote."
        ) from None
    if columns[:1] != ["student"] or "total" not in columns:
        raise GraderError(
            f"{path}: not a grade-all gradebook (it needs 'student' first and a 'total' column)."
        )
    assignments = []
    for column in columns[1 : columns.index("total")]:
        try:
            assignments.append(course.assignment(column))
        except GraderError:
            raise GraderError(
                f"{path}: column {column!r} is not an assignment of course.yml; "
                "export a gradebook of this course."
            ) from None
    return Gradebook(path, assignments, rows)


def _profiles(roster: Path | None, format_name: str, students: list[str]) -> dict[str, dict[str, str]]:
    """The roster's optional columns per student, checked for the column this LMS needs."""
    needed = NEEDED.get(format_name)
    if roster is None:
        if needed:
            raise GraderError(
                f"a {format_name} export needs a roster with a {needed!r} column; pass --roster FILE."
            )
        return {}
    profiles = read_profiles(roster)
    if needed is None:
        return profiles
    if not any(needed in profile for profile in profiles.values()):
        raise GraderError(
            f"{roster}: the roster has no {needed!r} column, which the {format_name} export needs "
            f"({WHY[format_name]}); add it."
        )
    _one_row_each(roster, format_name, needed, students, profiles)
    lacking = [s for s in students if not profiles.get(s, {}).get(needed)]
    if lacking:
        more = f" (and {len(lacking) - 1} more)" if len(lacking) > 1 else ""
        raise GraderError(
            f"{roster}: student {lacking[0]!r}{more} has no {needed}; the {format_name} export "
            "needs one for every student in the gradebook."
        )
    return profiles


def _one_row_each(
    roster: Path, format_name: str, needed: str, students: list[str], profiles: dict[str, dict[str, str]]
) -> None:
    """Refuse two gradebook rows that are one student for this LMS (one id, after normalisation):
    the LMS would keep one of them, depending on their order.

    Raises:
        GraderError: naming both rows.
    """
    seen: dict[tuple[str, str], str] = {}
    for student in students:
        said = {"student": student, needed: profiles.get(student, {}).get(needed, "")}
        for column, value in said.items():
            key = (column, normalise_id(value))
            if key[1] and seen.setdefault(key, student) != student:
                raise GraderError(
                    f"{roster}: gradebook rows {seen[key]!r} and {student!r} are one student for "
                    f"{format_name} (the {column} {value!r}); grade again with one roster row for them."
                )


def _points(value: float) -> str:
    return f"{value:g}"


def canvas_header(assignment: Assignment) -> str:
    """Canvas's column name for an assignment: "Title (id)" matches the assignment whose Canvas id
    is course.yml's `lms_id`; without one, Canvas adds a new column, named by the assignment's id."""
    return f"{assignment.title} ({assignment.lms_id})" if assignment.lms_id else assignment.id


def missing_lms_ids(course: Course, format_name: str) -> list[str]:
    """The ids of assignments a Canvas import cannot match to its own (no `lms_id` in course.yml)."""
    return [a.id for a in course.assignments if format_name == "canvas" and not a.lms_id]


def canvas_rows(gradebook: Gradebook, profiles: dict[str, dict[str, str]]) -> list[list[str]]:
    """Canvas's gradebook import: header, Points Possible, one row per student."""
    ids = [a.id for a in gradebook.assignments]
    rows = [
        [
            "Student",
            "ID",
            "SIS User ID",
            "SIS Login ID",
            "Section",
            *map(canvas_header, gradebook.assignments),
        ]
    ]
    rows.append(["    Points Possible", "", "", "", "", *(_points(a.points) for a in gradebook.assignments)])
    for row in gradebook.rows:
        profile = profiles.get(row["student"], {})
        person = [profile.get("name", ""), profile.get("lms_id", ""), profile.get("sis_id", "")]
        rows.append([*person, row["student"], profile.get("section", ""), *(row.get(i, "") for i in ids)])
    return rows


def moodle_rows(gradebook: Gradebook, profiles: dict[str, dict[str, str]]) -> list[list[str]]:
    """Moodle's CSV grade import: Email address, ID number, one column per assignment."""
    ids = [a.id for a in gradebook.assignments]
    rows = [["Email address", "ID number", *ids]]
    for row in gradebook.rows:
        profile = profiles.get(row["student"], {})
        rows.append([profile.get("email", ""), profile.get("sis_id", ""), *(row.get(i, "") for i in ids)])
    return rows


def _names(name: str) -> tuple[str, str]:
    """(last_name, first_name): "Last, First" is split at the comma; any other name is the last name."""
    last, _, first = name.partition(",")
    return last.strip(), first.strip()


def nbgrader_rows(gradebook: Gradebook, profiles: dict[str, dict[str, str]]) -> list[list[str]]:
    """nbgrader's grades.csv: one row per assignment and student (assignments outer, as nbgrader)."""
    rows = [list(NBGRADER_COLUMNS)]
    for assignment in gradebook.assignments:
        for row in gradebook.rows:
            profile = profiles.get(row["student"], {})
            final = gradebook.feedback(row["student"], assignment.id)
            score = row.get(assignment.id, "")
            raw = final.get("raw_score", score)  # no feedback: nothing submitted or refused, 0
            penalty = final.get("penalty_points", 0.0) if final else 0.0
            last, first = _names(profile.get("name", ""))
            values = [assignment.id, str(assignment.due), "", row["student"], last, first,
                      profile.get("email", ""), raw, "" if penalty is None else penalty, score,
                      assignment.points]  # fmt: skip
            rows.append([v if isinstance(v, str) else _points(float(v)) for v in values])
    return rows


def export_gradebook(
    gradebook_path: Path, course: Course, format_name: str, out: Path, roster: Path | None = None
) -> int:
    """Write `out`, the gradebook in the format an LMS imports.

    Args:
        gradebook_path: grade-all's gradebook.csv (its feedback/ folder beside it).
        course: the course (assignment points and due dates).
        format_name: "canvas", "moodle" or "nbgrader".
        out: the CSV file to write.
        roster: the roster with the optional columns name, lms_id, sis_id, section, email.

    Returns:
        the number of students exported.

    Raises:
        GraderError: an unreadable gradebook or roster, or a roster without the column this LMS
            needs (one sentence naming it).
    """
    gradebook = read_gradebook(gradebook_path, course)
    profiles = _profiles(roster, format_name, [row["student"] for row in gradebook.rows])
    make = {"canvas": canvas_rows, "moodle": moodle_rows, "nbgrader": nbgrader_rows}[format_name]
    rows = make(gradebook, profiles)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    except OSError as error:
        raise GraderError(f"{out}: cannot be written ({error.strerror}); choose another --out.") from None
    return len(gradebook.rows)


BY = ("function", "test")


def breakdown_rows(gradebook: Gradebook, by: str) -> list[list[str]]:
    """Per-student columns of points, one per (assignment, function) or (assignment, test).

    Read from grade-all's staff records beside the gradebook (staff/<student>/<id>.json). A cell
    is empty when that student has no graded record of that assignment.

    Args:
        gradebook: the gradebook read (its students and assignments, in order).
        by: "function" or "test".

    Returns:
        the CSV rows: a header (student, then `<assignment>: <function or test>`), one row per
        student of the gradebook.

    Raises:
        GraderError: when the folder has no staff records (grade with grade-all first).
    """
    from grader.insight.load import load_submissions

    records = {(s.student, s.assignment): s for s in load_submissions(gradebook.path.parent)}
    columns: dict[str, list[str]] = {a.id: [] for a in gradebook.assignments}
    cells: dict[tuple[str, str], dict[str, float]] = {}
    for key, submission in records.items():
        points: dict[str, float] = {}
        for test in submission.tests:
            name = test.function if by == "function" else test.name
            points[name] = points.get(name, 0.0) + test.score
            if key[1] in columns and name not in columns[key[1]]:
                columns[key[1]].append(name)
        cells[key] = points
    header = ["student", *(f"{a}: {name}" for a, names in columns.items() for name in names)]
    rows = [header]
    for row in gradebook.rows:
        line = [row["student"]]
        for assignment, names in columns.items():
            earned = cells.get((row["student"], assignment))
            line.extend("" if earned is None else _points(earned.get(name, 0.0)) for name in names)
        rows.append(line)
    return rows


def export_breakdown(gradebook_path: Path, course: Course, by: str, out: Path) -> int:
    """Write `out`: the gradebook's students with their points per function or per test.

    Args:
        gradebook_path: grade-all's gradebook.csv (its staff/ folder beside it).
        course: the course.
        by: "function" or "test".
        out: the CSV file to write.

    Returns:
        the number of students exported.

    Raises:
        GraderError: an unreadable gradebook, no staff records, or an unwritable `out`.
    """
    gradebook = read_gradebook(gradebook_path, course)
    rows = breakdown_rows(gradebook, by)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    except OSError as error:
        raise GraderError(f"{out}: cannot be written ({error.strerror}); choose another --out.") from None
    return len(gradebook.rows)
