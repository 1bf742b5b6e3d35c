"""The outputs of grade-all: gradebook.csv, feedback/<student>/, summary.json, histogram.png.

Every (student, assignment) ends as a cell of the gradebook with a reason in its notes. A
cell is a number when the grade is decided: the final score, or 0 for nothing submitted or a
refused submission. It is empty when it is not decided (the submission could not be graded,
or bad data leave the penalty open): the instructor looks at those, listed in the summary,
rather than uploading a guess. A total is empty when one of its cells is.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import i18n
from grader.batch.scores import FinalScore, LatePenalty
from grader.batch.staff import STAFF_KEY, staff_record, write_staff_record
from grader.batch.submissions import Job
from grader.config import Assignment
from grader.layout import GradesLayout
from grader.locate import EXPECTED


@dataclass
class ClassResults:
    """What the run found and graded, keyed by (student, assignment)."""

    assignments: list[Assignment]
    jobs: list[Job]
    results: dict[tuple[str, str], dict[str, Any]]
    penalties: dict[tuple[str, str], LatePenalty]
    not_on_roster: list[str] = field(default_factory=list)
    roster_problems: dict[str, str] = field(default_factory=dict)  # student -> a bad roster row
    stopped: dict[str, str] = field(default_factory=dict)  # student -> why their row is not graded
    times_file: str | None = None  # the --times file's name, if one was given
    sections: dict[str, str] = field(default_factory=dict)  # student -> the roster's section
    class_folder: Path | None = None  # the class folder graded, when it is one (not a zip)
    language: str = "en"  # the course's: notes on where the work was found, and why it failed


@dataclass
class Cell:
    """One student's grade for one assignment, as the gradebook shows it."""

    value: float | None  # None: not decided
    note: str = ""
    problem: bool = False  # listed in the summary's problems
    final: FinalScore | None = None


def assess(
    job: Job,
    assignment: Assignment,
    result: dict[str, Any] | None,
    penalty: LatePenalty | None,
    language: str = "en",
) -> Cell:
    """The gradebook cell of one job, from its result and its late penalty; its note starts with
    the file graded (or what the folder holds) unless it is the module alone where the handout
    puts it (the feedback names it always), and says why every test failed when the code could
    not be loaded."""
    located = "; ".join(n.text(language) for n in job.notes if n.key != EXPECTED)  # feedback has it
    if job.refused:
        return Cell(0.0, job.refused, problem=True)
    if job.path is None or result is None or penalty is None:
        return Cell(0.0, located or "nothing submitted")
    if "error" in result:
        return Cell(None, _joined(located, f"not graded: {result['error']}"), problem=True)
    cell = _graded(assignment, result, penalty)
    why = loading_failure(result, language)
    return Cell(cell.value, _joined(located, cell.note, why), cell.problem, cell.final)


def _joined(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _graded(assignment: Assignment, result: dict[str, Any], penalty: LatePenalty) -> Cell:
    """The cell of a graded submission: its final score and its late penalty."""
    final = FinalScore(float(result.get("score", 0.0)), assignment.points, penalty)
    if final.final is None:
        return Cell(None, f"raw {final.raw:.2f}, penalty not decided: {penalty.detail}", True, final)
    if penalty.days:
        taken = f"-{penalty.pct:g}% of the maximum {assignment.points:g} = -{final.penalty_points:.2f}"
        note = f"late: raw {final.raw:.2f}, {taken}, final {final.final:.2f} ({penalty.detail})"
        return Cell(final.final, note, final=final)
    if penalty.status == "file_time":
        return Cell(final.final, f"on time by the {penalty.detail}", final=final)
    return Cell(final.final, "time unknown, no penalty" if penalty.status == "unknown" else "", final=final)


def loading_failure(result: dict[str, Any], language: str) -> str:
    """The report's note saying why the code could not be loaded (`grader.grading`), or ""."""
    prefix = i18n.text(language, "located.not_imported", reason="")
    return next((note for note in result.get("notes", []) if str(note).startswith(prefix)), "")


def write_feedback_json(
    out: Path, job: Job, result: dict[str, Any], cell: Cell, located: tuple[str, ...] = ()
) -> None:
    """feedback/<student>/<assignment>.json: the report, with the raw, penalty and final score,
    its notes starting with `located` (the file graded, and why)."""
    path = GradesLayout(out).feedback(job.student, job.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {k: v for k, v in result.items() if k not in ("html", STAFF_KEY)}
    if located:
        record["notes"] = [*located, *(n for n in record.get("notes", []) if n not in located)]
    if cell.final is not None:
        record["final"] = cell.final.to_dict()
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")


def _write_staff(out: Path, found: ClassResults, job: Job, result: dict[str, Any], cell: Cell) -> None:
    """staff/<student>/<assignment>.json, for `course insight` (a result cached before staff
    records existed has none: it is skipped until it is graded again)."""
    report = result.get(STAFF_KEY)
    if not isinstance(report, dict):
        return
    inside = (
        found.class_folder is not None
        and job.path is not None
        and job.path.resolve().is_relative_to(found.class_folder)
    )
    source = str(job.path.resolve()) if inside and job.path is not None else None
    final = cell.final.to_dict() if cell.final is not None else None
    record = staff_record(job.student, job.assignment, report, final, found.sections.get(job.student), source)
    write_staff_record(out, job.student, job.assignment, record)


@dataclass
class Tally:
    """What the summary lists, gathered while the rows are made."""

    problems: list[str] = field(default_factory=list)
    time_unknown: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    nothing_submitted: list[str] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    feedback_written: int = 0


def _cell(out: Path, found: ClassResults, job: Job, assignment: Assignment, tally: Tally) -> Cell:
    """Assess one job, note it in the tally and write its feedback record."""
    result, penalty = found.results.get(job.key), found.penalties.get(job.key)
    cell = assess(job, assignment, result, penalty, found.language)
    name = f"{job.student}/{job.assignment}"
    if cell.problem:
        tally.problems.append(f"{name}: {cell.note}")
    if penalty is not None and penalty.status == "unknown":
        tally.time_unknown.append(name)
    if penalty is not None and penalty.status == "file_time":
        tally.warnings.append(f"{name}: no trusted time, so the {penalty.detail} was used")
    if job.refused:  # the student learns why their submission scored 0
        write_feedback_json(
            out, job, {"assignment": job.assignment, "score": 0.0, "refused": job.refused}, cell
        )
        tally.feedback_written += 1
    if result is not None and "error" not in result:  # an error is the instructor's to look at first
        write_feedback_json(out, job, result, cell, tuple(n.text(found.language) for n in job.notes))
        _write_staff(out, found, job, result, cell)
        tally.feedback_written += 1
        tally.failures.update(
            f"{job.assignment}: {test['name']}"
            for test in result.get("tests", [])
            if test["status"] in ("failed", "error", "timeout")
        )
    return cell


def _row(out: Path, found: ClassResults, jobs: list[Job], tally: Tally) -> dict[str, Any]:
    """One student's gradebook row, from their jobs (one per assignment, in order)."""
    student = jobs[0].student
    if student in found.stopped:  # who this work belongs to is unclear: no guess, no grade
        tally.problems.append(f"{student}: {found.stopped[student]}")
        cells = {assignment.id: "" for assignment in found.assignments}
        return {"student": student, **cells, "total": "", "notes": found.stopped[student]}
    row: dict[str, Any] = {"student": student}
    notes = ["not on the roster"] if student in found.not_on_roster else []
    total: float | None = 0.0
    for job, assignment in zip(jobs, found.assignments, strict=True):
        cell = _cell(out, found, job, assignment, tally)
        row[assignment.id] = "" if cell.value is None else round(cell.value, 2)
        total = None if total is None or cell.value is None else total + cell.value
        if cell.note:
            notes.append(f"{assignment.id}: {cell.note}")
    if all(job.path is None for job in jobs):
        tally.nothing_submitted.append(student)
    problem = found.roster_problems.get(student)
    if problem and not any(job.gradable for job in jobs):  # else its cells already say so
        notes.append(problem)
        tally.problems.append(f"{student}: {problem}")
    row["total"] = "" if total is None else round(total, 2)
    row["notes"] = "; ".join(notes)
    return row


def write_outputs(out: Path, found: ClassResults) -> dict[str, Any]:
    """Write gradebook.csv, the feedback records, summary.json and histogram.png into `out`.

    Returns:
        the summary, with `files`: the names of the files written.
    """
    tally = Tally()
    by_student: dict[str, list[Job]] = {}
    for job in found.jobs:  # in student order, then assignment order
        by_student.setdefault(job.student, []).append(job)
    rows = [_row(out, found, jobs, tally) for _, jobs in sorted(by_student.items())]
    with (out / "gradebook.csv").open("w", encoding="utf-8", newline="") as handle:
        columns = ["student", *(a.id for a in found.assignments), "total", "notes"]
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    totals = [row["total"] for row in rows if row["total"] != ""]
    files = ["gradebook.csv", "summary.json"]
    if tally.feedback_written:
        files.append("feedback/")
    if GradesLayout(out).staff_folder.is_dir():
        files.append("staff/")
    if totals:
        _histogram(totals, out / "histogram.png")
        files.append("histogram.png")
    summary = {
        "students": len(rows),
        "decided": len(totals),
        "mean": round(statistics.mean(totals), 2) if totals else None,
        "median": round(statistics.median(totals), 2) if totals else None,
        "most_failed_tests": tally.failures.most_common(10),
        "problems": tally.problems,
        "roster": {"not_on_roster": found.not_on_roster, "nothing_submitted": tally.nothing_submitted},
        "time_unknown": tally.time_unknown,
        "times_file": found.times_file,
        "warnings": tally.warnings,
        "files": files,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return summary


def _histogram(totals: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3))
    axis.hist(totals, bins=20)
    axis.set_xlabel("total points")
    axis.set_ylabel("students")
    figure.savefig(path, dpi=80, bbox_inches="tight")
    plt.close(figure)
