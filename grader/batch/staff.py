"""The staff record of one graded submission: OUT/staff/<student>/<assignment>.json.

grade-all's feedback folder holds what a student may see. The staff record beside it holds the
full report (hidden tests' reasons, seeds, the structural findings as typed codes with their
parameters, the named mistakes, the failing callees), the late penalty, the student's section and
where their submission lies. It is readable by the instructor only (a 0700 folder, 0600 files):
`course insight` reads it, so that it never grades again and never reads a student's copy.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from grader.layout import GradesLayout
from grader.scoring import Report

STAFF_KEY = "staff"  # the key of a job's result (and of the cache) that holds the staff report


def staff_report(report: Report) -> dict[str, Any]:
    """The full report as JSON, each test with its finding code and its student-safe explanation.

    Args:
        report: the report as graded (not the student copy).

    Returns:
        report.to_dict(), with "finding" ({"kind", "params", "callees"} or None) and
        "notices" (what a student copy of a hidden test is rendered from) added to every test.
    """
    data = report.to_dict()
    for record, test in zip(data["tests"], report.tests, strict=True):
        record["finding"] = test.finding
        record["notices"] = [notice.to_list() for notice in test.notices]
    return data


def _private_folder(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def write_staff_record(out: Path, student: str, assignment_id: str, record: dict[str, Any]) -> Path:
    """Write one staff record, readable by its owner only.

    Args:
        out: grade-all's output folder.
        student: the student's id (a folder name, as in feedback/).
        assignment_id: the assignment.
        record: the record (see `staff_record`).

    Returns:
        the path written.
    """
    grades = GradesLayout(out)
    path = grades.staff(student, assignment_id)
    _private_folder(grades.staff_folder)
    _private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file keeps its mode through O_TRUNC
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(record, handle, ensure_ascii=False)
    return path


def staff_record(
    student: str,
    assignment_id: str,
    report: dict[str, Any],
    final: dict[str, Any] | None,
    section: str | None,
    source: str | None,
) -> dict[str, Any]:
    """The staff record of one (student, assignment).

    Args:
        student: the student's id.
        assignment_id: the assignment.
        report: the staff report (`staff_report`).
        final: the raw score, late penalty and final score (FinalScore.to_dict()), if decided.
        section: the student's section from the roster, if it has one.
        source: the submission's path, when it lies in the class folder (not in a temporary one).

    Returns:
        the JSON record.
    """
    return {
        "student": student,
        "assignment": assignment_id,
        "section": section,
        "submission_path": source,
        "final": final,
        "report": report,
    }
