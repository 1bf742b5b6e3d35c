"""`course collect`: fetch every student repository of an assignment and pick the commit to grade.

Each run checks every repository `<prefix>-<student>`, notes in the first-seen record the
branch's tip when it changed (with the time of the check), and then, for every student
ever seen, picks the graded commit: the default branch's tip as last seen before due +
grace + the student's extension + the late window. Its file goes into a class folder laid
out as grade-all expects (`class/<student>/<id>/<module>`), and the time it was first seen
into `times.csv`, which grade-all trusts (`--times`). Commit dates are never read.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from grader.batch.lateness import cutoff, deadline
from grader.batch.roster import RosterEntry, read_roster
from grader.collect.export import export_work
from grader.collect.git import (
    GitFailed,
    containing,
    count_new,
    fetch_commits,
    fetch_tip,
    keep,
)
from grader.collect.record import Record, Seen, stamp
from grader.collect.sources import Repository, Source
from grader.config import Assignment, Course
from grader.errors import GraderError
from grader.locate import released_definitions

Clock = Callable[[], datetime]


@dataclass
class Check:
    """What one fetch of a repository found, and when."""

    repository: Repository
    seen_at: datetime
    tip: str | None = None
    contained_in: set[str] = field(default_factory=set)  # the recorded tips the tip is reachable from
    new_commits: int = 0
    problem: str | None = None


@dataclass
class Collected:
    """The outcome of a run, gathered while it goes."""

    students: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # id -> student -> row
    times: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_commits: int = 0


def collection_end(course: Course, assignment: Assignment, roster: dict[str, RosterEntry]) -> datetime | None:
    """The last moment any student's commit can still count (the longest extension), or None."""
    longest = max((entry.extension for entry in roster.values()), default=timedelta())
    return cutoff(course, assignment, longest)


def open_assignments(course: Course, roster: dict[str, RosterEntry], now: datetime) -> list[Assignment]:
    """The assignments released and still within their late window (plus extensions) at `now`."""
    return [
        assignment
        for assignment in course.assignments
        if assignment.release <= now
        and ((end := collection_end(course, assignment, roster)) is None or now <= end)
    ]


def mirror_path(out: Path, repository_name: str) -> Path:
    """Our bare copy of a student repository (owner/name becomes owner--name)."""
    return out / "mirrors" / (repository_name.replace("/", "--").removesuffix(".git") + ".git")


def check(repository: Repository, out: Path, source: Source, clock: Clock, recorded: list[str]) -> Check:
    """Fetch one repository; the time is read after the fetch, so a commit seen was pushed before it.

    The recorded tips (`recorded`, oldest first) are kept in the mirror (fetched by sha if the
    mirror lost them), and the new tip is looked up among them: a branch forced back to a commit
    pushed earlier keeps that commit's time.
    """
    mirror = mirror_path(out, repository.name)
    try:
        tip = fetch_tip(mirror, repository.url, source.credentials)
        found = Check(repository, clock(), tip)
        if tip:
            missing = keep(mirror, recorded)
            if missing and tip not in recorded:  # a mirror lost (a cache evicted) since those tips
                fetch_commits(mirror, repository.url, missing, source.credentials)
                keep(mirror, missing)
            found.contained_in = containing(mirror, tip)
            found.new_commits = count_new(mirror, tip)
            keep(mirror, [tip])
    except GitFailed as error:
        return Check(repository, clock(), problem=f"{repository.name} cannot be fetched: {error}")
    return found


def ambiguity(graded: Seen, due: datetime) -> str | None:
    """Why a commit charged as late may have been on time: it was pushed between a check before
    the deadline (or before any check) and the check after it that saw it; None if it is clear."""
    if graded.seen <= due or (graded.after is not None and graded.after >= due):
        return None
    since = f"after the check at {stamp(graded.after)}" if graded.after else "before the first check"
    return (
        f"commit {graded.commit[:7]} was pushed {since} and first seen at {stamp(graded.seen)},"
        f" so it may have been on time (deadline {stamp(due)}); it is charged as late"
    )


def _pick(
    course: Course,
    assignment: Assignment,
    student: str,
    record: Record,
    roster: dict[str, RosterEntry] | None,
    out: Path,
    found: Collected,
    stubs: dict[str, dict[str, str]],
) -> None:
    """Decide one student's graded commit, export its work (`grader.locate`'s rule) and note its
    first-seen time."""
    entry = (roster or {}).get(student)
    name = f"{student}/{assignment.id}"
    if entry is not None and entry.problem:
        found.problems.append(f"{name}: {entry.problem}; picked with no extension, grade-all leaves it open")
    extension = entry.extension if entry is not None and not entry.problem else timedelta()
    end = cutoff(course, assignment, extension)
    repository = str((record.entry(assignment.id, student) or {}).get("repository", ""))
    row: dict[str, Any] = {"repository": repository, "cutoff": stamp(end) if end else None}
    found.students.setdefault(assignment.id, {})[student] = row
    graded = record.graded(assignment.id, student, end)
    if graded is None:
        row["note"] = "no commit seen before the cutoff"
        return
    mirror = mirror_path(out, repository)
    try:
        exported = export_work(
            mirror,
            graded.commit,
            assignment,
            stubs.get(assignment.id, {}),
            out / "class" / student / assignment.id,
        )
    except GitFailed as error:
        found.problems.append(f"{name}: commit {graded.commit[:7]} cannot be read ({error})")
        return
    row.update(commit=graded.commit, submitted_at=stamp(graded.seen), file=exported.path, note=exported.note)
    if exported.path is None:
        row["note"] = f"commit {graded.commit[:7]}: {exported.note}"
        return
    warning = ambiguity(graded, deadline(course, assignment, extension))
    if warning:
        found.warnings.append(f"{name}: {warning}")
    found.times.append(
        {
            "student": student,
            "assignment": assignment.id,
            "submitted_at": stamp(graded.seen),
            "commit": graded.commit,
        }
    )


def _check_all(
    assignment: Assignment, source: Source, prefix: str, out: Path, record: Record, clock: Clock, jobs: int
) -> Collected:
    """Fetch every repository of `assignment` (in parallel) and note what was seen in the record."""
    found = Collected()
    repositories = source.repositories(prefix)
    recorded = {
        r.student: record.tips(assignment.id, r.student) for r in repositories
    }  # read before the threads

    def one(repository: Repository) -> Check:
        return check(repository, out, source, clock, recorded[repository.student])

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for done in pool.map(one, repositories):
            student = done.repository.student
            if done.problem:
                found.problems.append(f"{student}/{assignment.id}: {done.problem}; its last tip stands")
                if record.entry(assignment.id, student) is None:  # never seen: say so, guess nothing
                    row = {"repository": done.repository.name, "note": done.problem}
                    found.students.setdefault(assignment.id, {})[student] = row
                continue
            record.observe(
                assignment.id, student, done.repository.name, done.tip, done.seen_at, done.contained_in
            )
            found.new_commits += done.new_commits
    return found


def collect(
    course: Course,
    source: Source,
    out: Path,
    *,
    record_path: Path | None = None,
    assignment_ids: list[str] | None = None,
    prefix: str | None = None,
    roster_path: Path | None = None,
    clock: Clock,
    jobs: int = 8,
    root: Path | None = None,
) -> dict[str, Any]:
    """Collect the class: fetch, record first-seen times, pick graded commits, write the outputs.

    Args:
        course: the course (due dates, late policy).
        source: where the repositories are (a GitHub organisation or a local folder).
        out: the output folder: class/ (for grade-all), times.csv, collect.json, mirrors/.
        record_path: the first-seen record (default out/first-seen.json); kept between runs.
        assignment_ids: the assignments to collect (default: those open at the clock's time).
        prefix: the repositories' prefix (default: the assignment id); one assignment only.
        roster_path: the roster CSV, for extensions.
        clock: the current time, with a zone (read after each fetch).
        jobs: repositories fetched at once.
        root: the course folder, whose released stubs tell work from an untouched stub (None:
            every definition written counts as work).

    Returns:
        the summary written as collect.json.

    Raises:
        GraderError: a mistake concerning the whole run (the record, the roster, the source,
            a prefix for several assignments, a clock earlier than the last collection).
    """
    ids = list(assignment_ids or [])
    if prefix and len(ids) != 1:
        raise GraderError("--prefix names the repositories of one assignment; give exactly one --assignment.")
    record = Record.load(record_path or out / "first-seen.json")
    started = clock()
    last = record.last_check()
    if last is not None and started < last:
        raise GraderError(
            f"{record.path}: the last collection was at {stamp(last)}, after now ({stamp(started)});"
            " check the clock."
        )
    roster = read_roster(roster_path) if roster_path else None
    chosen = [course.assignment(i) for i in ids] if ids else open_assignments(course, roster or {}, started)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "class", ignore_errors=True)
    (out / "class").mkdir()
    total = Collected()
    stubs = {a.id: released_definitions(root, a) for a in chosen} if root is not None else {}
    for assignment in chosen:
        found = _check_all(assignment, source, prefix or assignment.id, out, record, clock, jobs)
        record.save()
        for student in sorted(record.data["assignments"].get(assignment.id, {})):
            _pick(course, assignment, student, record, roster, out, found, stubs)
        total.students.update(found.students)
        total.times += found.times
        total.problems += found.problems
        total.warnings += found.warnings
        total.new_commits += found.new_commits
    return write_outputs(out, record, [a.id for a in chosen], total, clock())


def write_outputs(
    out: Path, record: Record, ids: list[str], found: Collected, finished: datetime
) -> dict[str, Any]:
    """Write times.csv, collect.json and assignments.txt (the ids collected, one a line)."""

    with (out / "times.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["student", "assignment", "submitted_at", "commit"])
        writer.writeheader()
        writer.writerows(found.times)
    summary = {
        "collected_at": stamp(finished),
        "assignments": ids,
        "record": str(record.path),
        "new_commits": found.new_commits,
        "students": found.students,
        "problems": found.problems,
        "warnings": found.warnings,
        "files": ["class/", "times.csv", "collect.json", "assignments.txt"],
    }
    (out / "collect.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "assignments.txt").write_text("".join(f"{i}\n" for i in ids), encoding="utf-8")
    return summary
