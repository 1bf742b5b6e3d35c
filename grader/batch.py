"""`course grade-all`: a whole class, in parallel, into a gradebook with late penalties.

Submissions are found in DIR/<student>/<module> (one assignment) or DIR/<student>/<id>/...
(several), or in a zip export with that layout. Every submission goes through the same
isolated engine as `grade`; a local process pool runs them by default, a Dask cluster when
given a scheduler. Results are cached by content and course version, so a run that stops
resumes where it stopped and an unchanged submission is never graded twice.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import statistics
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from grader.config import Assignment, Course
from grader.errors import GraderError

SUBMISSION_META = "submission.json"  # optional: {"submitted_at": "2026-09-21T23:00:00+08:00"}


@dataclass
class Job:
    """One student's submission of one assignment."""

    student: str
    assignment: str
    path: Path | None  # None: nothing was submitted
    submitted_at: datetime | None = None
    time_from_mtime: bool = False
    extension: timedelta = field(default_factory=timedelta)


def course_version(root: Path) -> str:
    """A hash of course.yml, the suites and the solutions: a change regrades everything."""
    digest = hashlib.sha256()
    for path in sorted(
        [root / "course.yml", *(root / "tests").rglob("*.py"), *(root / "solutions").rglob("*.py")]
    ):
        if path.is_file() and "toolkit" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def content_hash(path: Path) -> str:
    """A hash of a submission's files (a file or a folder)."""
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def unpack(source: Path, work: Path) -> Path:
    """The class folder: `source` itself, or a zip export extracted (safely) into `work`."""
    if source.is_dir():
        return source
    if not zipfile.is_zipfile(source):
        raise GraderError(f"{source}: neither a folder nor a zip of submissions.")
    target = work / "class"
    with zipfile.ZipFile(source) as archive:
        for member in archive.namelist():
            resolved = (target / member).resolve()
            if not str(resolved).startswith(str(target.resolve())):
                raise GraderError(f"{source}: the entry {member!r} points outside the archive; re-export it.")
        archive.extractall(target)
    children = [p for p in target.iterdir() if p.is_dir()]
    return (
        children[0]
        if len(children) == 1 and not any(target.glob("*.py")) and _looks_like_root(children[0])
        else target
    )


def _looks_like_root(folder: Path) -> bool:
    return all(child.is_dir() for child in folder.iterdir())


def read_roster(path: Path | None) -> dict[str, dict[str, str]]:
    """student id -> row of the roster CSV (columns: student, optional extension_hours)."""
    if path is None:
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "student" not in rows[0]:
        raise GraderError(f"{path}: the roster needs a 'student' column.")
    return {row["student"].strip(): row for row in rows if row.get("student", "").strip()}


def _submission_time(folder: Path, path: Path) -> tuple[datetime | None, bool]:
    meta = folder / SUBMISSION_META
    if meta.is_file():
        try:
            return datetime.fromisoformat(json.loads(meta.read_text(encoding="utf-8"))["submitted_at"]), False
        except (ValueError, KeyError, TypeError):
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc), True


def find_jobs(
    class_folder: Path, course: Course, assignments: list[Assignment], roster: dict[str, dict[str, str]]
) -> list[Job]:
    """Every (student, assignment) pair: found submissions, and roster students with none."""
    students = sorted(
        {p.name for p in class_folder.iterdir() if p.is_dir() and not p.name.startswith(".")} | set(roster)
    )
    jobs = []
    for student in students:
        row = roster.get(student, {})
        extension = timedelta(hours=float(row.get("extension_hours") or 0))
        for assignment in assignments:
            folder = class_folder / student
            candidates = [
                folder / assignment.id / assignment.module,
                folder / assignment.id / f"{assignment.id}.ipynb",
            ]
            if len(assignments) == 1:
                candidates = [folder / assignment.module, folder / f"{assignment.id}.ipynb", *candidates]
            path = next((c for c in candidates if c.is_file()), None)
            job = Job(student, assignment.id, path, extension=extension)
            if path is not None:
                job.submitted_at, job.time_from_mtime = _submission_time(path.parent, path)
            jobs.append(job)
    return jobs


def late_penalty_pct(course: Course, assignment: Assignment, job: Job) -> float:
    """Percent of the maximum taken off: per started day after due + grace + extension, capped."""
    if job.submitted_at is None:
        return 0.0
    policy = course.late_policy
    deadline = assignment.due + timedelta(minutes=policy.grace_minutes) + job.extension
    late = job.submitted_at - deadline
    if late <= timedelta(0):
        return 0.0
    days = math.ceil(late / timedelta(days=1))
    return min(policy.max_penalty_pct, days * policy.penalty_per_day_pct)


def grade_job(root: str, assignment_id: str, submission: str) -> dict[str, Any]:
    """Grade one submission (in a worker process): the report as a dict, never an exception."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from grader.config import load_course
    from grader.grading import grade

    course = load_course(Path(root) / "course.yml")
    try:
        report = grade(Path(root), course.assignment(assignment_id), Path(submission))
    except Exception as error:  # a toolkit failure on one submission must not stop the class
        return {
            "error": f"{type(error).__name__}: {error}",
            "score": 0.0,
            "max_score": course.assignment(assignment_id).points,
        }
    data = report.to_dict()
    from grader import reports

    data["html"] = reports.to_html(report)
    return data


class ResultCache:
    """Finished results, one JSON line each, keyed by student, assignment, content and course version."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                    self.entries[entry["key"]] = entry["result"]
                except (ValueError, KeyError):
                    continue  # a line cut short by an interrupted run

    def add(self, key: str, result: dict[str, Any]) -> None:
        self.entries[key] = result
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": key, "result": result}, ensure_ascii=False) + "\n")


Progress = Callable[[int, int, int], None]  # (done, failed, total)


def _execute(
    calls: list[tuple[str, str, str]], workers: int, scheduler: str | None, dask_local: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Run grade_job on every call; yield (index, result) as they finish."""
    if scheduler or dask_local:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed

        cluster = None
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(
                n_workers=dask_local, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        try:
            futures = {client.submit(grade_job, *call, pure=False): index for index, call in enumerate(calls)}
            for future in dask_completed(futures):
                yield futures[future], future.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = {pool.submit(grade_job, *call): index for index, call in enumerate(calls)}
        for future in as_completed(pending):
            yield pending[future], future.result()


def grade_class(
    root: Path,
    course: Course,
    source: Path,
    out: Path,
    assignment_ids: list[str] | None = None,
    roster_path: Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Grade a class and write gradebook.csv, feedback/, summary.json and histogram.png into `out`.

    Returns:
        the summary (also written as summary.json).
    """
    assignments = (
        [course.assignment(i) for i in assignment_ids] if assignment_ids else list(course.assignments)
    )
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        class_folder = unpack(source, Path(work))
        jobs = find_jobs(class_folder, course, assignments, read_roster(roster_path))
        version = course_version(root)
        cache = ResultCache(out / "cache.jsonl")
        keys = [
            f"{j.student}/{j.assignment}/{content_hash(j.path)}/{version}" if j.path else "" for j in jobs
        ]
        todo = [i for i, job in enumerate(jobs) if job.path is not None and keys[i] not in cache.entries]
        calls = [(str(root), jobs[i].assignment, str(jobs[i].path)) for i in todo]
        done, failed, total = 0, 0, len(todo)
        if progress:
            progress(done, failed, total)
        for position, result in _execute(calls, workers or os.cpu_count() or 1, scheduler, dask_local):
            index = todo[position]
            _write_feedback(out, jobs[index], result)
            result.pop("html", None)
            cache.add(keys[index], result)
            done += 1
            failed += int("error" in result or result.get("score", 0) < result.get("max_score", 0))
            if progress:
                progress(done, failed, total)
        results = {
            (j.student, j.assignment): cache.entries.get(keys[i]) if j.path else None
            for i, j in enumerate(jobs)
        }
    return _write_outputs(out, course, assignments, jobs, results)


def _write_feedback(out: Path, job: Job, result: dict[str, Any]) -> None:
    folder = out / "feedback" / job.student
    folder.mkdir(parents=True, exist_ok=True)
    html = result.get("html")
    if html:
        (folder / f"{job.assignment}.html").write_text(html, encoding="utf-8")
    record = {k: v for k, v in result.items() if k != "html"}
    (folder / f"{job.assignment}.json").write_text(
        json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8"
    )


def _write_outputs(
    out: Path,
    course: Course,
    assignments: list[Assignment],
    jobs: list[Job],
    results: dict[tuple[str, str], Any],
) -> dict[str, Any]:
    students = sorted({j.student for j in jobs})
    by_key = {(j.student, j.assignment): j for j in jobs}
    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    failures: Counter[str] = Counter()
    for student in students:
        row: dict[str, Any] = {"student": student}
        notes, total = [], 0.0
        for assignment in assignments:
            job, result = by_key[(student, assignment.id)], results.get((student, assignment.id))
            if result is None:
                row[assignment.id] = 0.0
                notes.append(f"{assignment.id}: missing")
                continue
            penalty = late_penalty_pct(course, assignment, job)
            score = max(0.0, float(result.get("score", 0.0)) - assignment.points * penalty / 100)
            row[assignment.id] = round(score, 2)
            total += score
            if penalty:
                notes.append(f"{assignment.id}: late -{penalty:g}%")
            if "error" in result:
                notes.append(f"{assignment.id}: {result['error']}")
            if job.time_from_mtime:
                warnings.append(f"{student}/{assignment.id}: no submitted_at; used the file time")
            for test in result.get("tests", []):
                if test["status"] in ("failed", "error", "timeout"):
                    failures[f"{assignment.id}: {test['name']}"] += 1
        row["total"] = round(total, 2)
        row["notes"] = "; ".join(notes)
        rows.append(row)
    with (out / "gradebook.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["student", *(a.id for a in assignments), "total", "notes"]
        )
        writer.writeheader()
        writer.writerows(rows)
    totals = [row["total"] for row in rows]
    summary = {
        "students": len(rows),
        "mean": round(statistics.mean(totals), 2) if totals else 0.0,
        "median": round(statistics.median(totals), 2) if totals else 0.0,
        "most_failed_tests": failures.most_common(10),
        "warnings": warnings,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    _histogram(totals, out / "histogram.png")
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
