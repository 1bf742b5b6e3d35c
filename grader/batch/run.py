"""`course grade-all`: a whole class, in parallel, into a gradebook with late penalties.

Every submission goes through the same isolated engine as `grade`; a local process pool runs
them by default, a Dask cluster when given a scheduler. Results are cached by content, course
version and late penalty, so a run that stops resumes where it stopped and an unchanged
submission is never graded twice. One student never harms another: whatever goes wrong with
one submission ends as that student's row, and the gradebook is always written.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from grader.batch.cluster import run_shipped
from grader.batch.gradebook import ClassResults, write_outputs
from grader.batch.identity import build_index, normalise_id
from grader.batch.intake import read_class
from grader.batch.lateness import decide_penalty
from grader.batch.pool import Finished, JobFunction, failure, run_local
from grader.batch.roster import Times, read_profiles, read_roster, read_times
from grader.batch.scores import FinalScore, LatePenalty
from grader.batch.selfcheck import checked_job
from grader.batch.staff import STAFF_KEY, staff_report
from grader.batch.students import Students, assign, find_all_jobs
from grader.batch.submissions import Job, content_hash
from grader.config import Assignment, Course
from grader.errors import GraderError, SandboxBroken
from grader.layout import CourseLayout, GradesLayout
from grader.locate import released_definitions
from grader.provenance import grader_digest

Progress = Callable[[int, int, int], None]  # (done, failed, total)


def course_version(root: Path) -> str:
    """A hash of the course's files (`CourseLayout.course_files`: course.yml, the suites and
    catalogues, the reference's recorded times, the solutions, the released manifests): a change
    regrades everything."""
    layout = CourseLayout(root)
    digest = hashlib.sha256()
    for path in layout.course_files():
        digest.update(layout.relative(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def grade_job(
    root: str, assignment_id: str, submission: str, penalty: LatePenalty, shown_as: str | None = None
) -> dict[str, Any]:
    """Grade one submission (in a worker process): the report as a dict, never an exception.

    Args:
        root: the course folder.
        assignment_id: the assignment to grade.
        submission: the submission's path.
        penalty: its late penalty, shown in the HTML feedback (key "html") with the final score.
        shown_as: the submission's name in the report (default: its path); a Dask worker grades
            a copy, and reports the client's path.

    Returns:
        the JSON report with "html" added, or {"error": reason} when it could not be graded.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from grader import reports
    from grader.config import load_course
    from grader.disclosure import student_copy

    try:
        course = load_course(CourseLayout(Path(root)).course_file)  # once per submission
        assignment = course.assignment(assignment_id)
        # the feedback a student receives is the student copy (no hidden inputs or expected values)
        graded = _grade_with_retries(root, course, assignment, Path(submission))
        graded.submission = shown_as or graded.submission
        report = student_copy(graded)
        data = report.to_dict()
        data[STAFF_KEY] = staff_report(graded)  # kept in the cache, written to staff/, never to feedback/
        data["html"] = reports.to_html(report, final=FinalScore(report.score, assignment.points, penalty))
    except KeyboardInterrupt:
        raise
    except SandboxBroken as error:  # not the student's doing: not graded, never 0
        return {**failure(str(error)), "not_started": True}
    except BaseException as error:  # a toolkit failure on one submission must not stop the class
        return failure(f"grading stopped: {type(error).__name__}: {error}")
    return data


START_ATTEMPTS = 3  # a sandbox that did not start (a loaded machine) is tried again, in a fresh one


def _grade_with_retries(root: str, course: Course, assignment: Assignment, submission: Path) -> Any:
    """Grade officially; a sandbox that did not start is tried again up to START_ATTEMPTS times.

    The child confirms its confinement before any code of the student's runs, so a failure to start
    is never the student's doing and trying again cannot run their code twice to their advantage.

    Raises:
        SandboxBroken: the sandbox failed on every attempt.
    """
    from grader.grading import grade

    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            return grade(
                root=Path(root), assignment=assignment, submission=submission, official=True, course=course
            )
        except SandboxBroken:
            if attempt == START_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


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
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by an interrupted run

    def add(self, key: str, result: dict[str, Any]) -> None:
        self.entries[key] = result
        # the staff reports in it hold hidden tests' reasons: the instructor's eyes only
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": key, "result": result}, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class Options:
    """How the submissions are graded (see grade_class)."""

    penalise_file_times: bool = False
    workers: int | None = None
    scheduler: str | None = None
    dask_local: int = 0
    job: JobFunction = grade_job
    isolation: str = "auto"  # course.yml's grading.isolation, checked on a scheduler's workers
    level: str = ""  # the isolation level chosen here ("" with a scheduler: its workers choose)


def _prepare_out(out: Path) -> None:
    """The output folder, made private to the instructor (0700) before anything is written in it:
    at the unprivileged-uid level a student's child runs as another user, and OUT holds the
    class's grades, feedback and similarity pages (everyone's code)."""
    from grader.sandbox.policy import interpreter_paths

    if out.exists() and not out.is_dir():
        raise GraderError(f"{out}: a file is in the way of the output folder; choose another --out.")
    inside = [path for path in interpreter_paths() if path.is_relative_to(out.resolve())]
    if inside:  # made private, it would hide the Python the children run with
        raise GraderError(
            f"{out}: the output folder holds {inside[0]}, which grading runs; choose another --out."
        )
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(out, 0o700)
    except OSError as error:
        raise GraderError(f"{out}: the output folder cannot be made private ({error.strerror}).") from None


def _write_html(out: Path, job: Job, html: str) -> None:
    path = GradesLayout(out).feedback(job.student, job.assignment, ".html")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def grading_conditions(root: Path, assignment: Assignment, options: Options) -> str:
    """A hash of everything beyond the submission that decides its result: the course (course.yml,
    suites, solutions), the grader's own source, the isolation level, the effective limits, the
    language and the released stub. A change to any of them grades again."""
    from grader.config import load_course

    layout = CourseLayout(root)
    course = load_course(layout.course_file)
    released = layout.released(assignment.id)
    stubs = [layout.released_module(assignment), released / f"{assignment.id}.ipynb"]
    parts = [
        course_version(root),
        grader_digest(),
        options.level or f"workers of {options.scheduler or 'a local Dask cluster'} ({options.isolation})",
        course.grading.model_dump_json(),
        course.course.language,
        *(hashlib.sha256(stub.read_bytes()).hexdigest() if stub.is_file() else "-" for stub in stubs),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _not_cached(
    root: Path, found: ClassResults, cache: ResultCache, options: Options
) -> list[tuple[Job, str]]:
    """The gradable jobs (with their cache keys) that the cache does not answer; the rest go into
    `found.results`, and so does a submission that cannot be read."""
    conditions = {a.id: grading_conditions(root, a, options) for a in found.assignments}
    todo: list[tuple[Job, str]] = []
    for job in found.jobs:
        if job.path is None or not job.gradable:
            continue
        try:
            digest = content_hash(job.path)
        except OSError as error:
            found.results[job.key] = failure(f"{job.path.name} cannot be read ({error.strerror})")
            continue
        key = f"{job.student}/{job.assignment}/{digest}/{conditions[job.assignment]}"
        key += f"/{hash_of(found.penalties[job.key])}"
        if key in cache.entries:
            found.results[job.key] = cache.entries[key]
        else:
            todo.append((job, key))
    return todo


def _grade(
    root: Path, out: Path, found: ClassResults, options: Options, work: Path, progress: Progress | None
) -> None:
    """Grade every gradable job not in the cache; results go into `found.results`."""
    cache = ResultCache(GradesLayout(out).cache)
    todo = _not_cached(root, found, cache, options)
    # the real grader checks, on each worker, that its sandbox gives the reference full marks
    function = functools.partial(checked_job, options.job) if options.job is grade_job else options.job
    if options.scheduler or options.dask_local:  # workers may share no file with us: ship data
        shipments = [(job.assignment, Path(str(job.path)), found.penalties[job.key]) for job, _ in todo]
        finished = run_shipped(
            function, root, shipments, options.scheduler, options.dask_local, options.isolation
        )
    else:
        calls = [(str(root), job.assignment, str(job.path), found.penalties[job.key]) for job, _ in todo]
        (work / "markers").mkdir()
        finished = run_local(function, calls, options.workers or os.cpu_count() or 1, work / "markers")
    try:
        _collect(out, found, todo, finished, cache, progress)
    finally:
        finished.close()  # a stopped run stops its workers too


def _collect(
    out: Path,
    found: ClassResults,
    todo: list[tuple[Job, str]],
    finished: Finished,
    cache: ResultCache,
    progress: Progress | None,
) -> None:
    """Take the results as they finish: cache and record them; a broken sandbox stops the run.

    Raises:
        SandboxBroken: a worker's sandbox does not give the reference full marks.
    """
    done = failed = 0
    if progress:
        progress(done, failed, len(todo))
    for index, result in finished:
        if result.get("sandbox_broken"):
            raise SandboxBroken(
                f"a worker's sandbox does not grade the reference right ({result['sandbox_broken']}); "
                "the run stopped and nothing it could not trust was graded or cached: fix the sandbox "
                "and run again."
            )
        job, key = todo[index]
        html = result.pop("html", None)
        if isinstance(html, str):
            _write_html(out, job, html)
        if "error" not in result:
            cache.add(key, result)  # a failure is tried again next run
        found.results[job.key] = result
        done += 1
        failed += int("error" in result or result.get("score", 0) < result.get("max_score", 0))
        if progress:
            progress(done, failed, len(todo))


def hash_of(penalty: LatePenalty) -> str:
    """A short hash of a late penalty: a new penalty renders new feedback."""
    return hashlib.sha256(repr(astuple(penalty)).encode()).hexdigest()[:8]


def grade_class(
    root: Path,
    course: Course,
    source: Path,
    out: Path,
    assignment_ids: list[str] | None = None,
    *,
    progress: Progress | None = None,
    roster_path: Path | None = None,
    times_path: Path | None = None,
    penalise_file_times: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int = 0,
    job: JobFunction = grade_job,
) -> dict[str, Any]:
    """Grade a class and write gradebook.csv, feedback/, summary.json and histogram.png into `out`.

    Args:
        root: the course folder.
        course: its course.yml.
        source: the class folder (one folder per student), a zip of it, or an LMS's download
            (Canvas, Moodle, Gradescope, Blackboard; see grader/batch/lms.py).
        out: the output folder (made if needed; its cache.jsonl resumes an earlier run).
        assignment_ids: the assignments to grade (default: all).
        progress: called with (done, failed, total) as submissions finish.
        roster_path: the roster CSV (student, optional extension_hours).
        times_path: the LMS's submission times (student, submitted_at, optional assignment).
        penalise_file_times: without a trusted time, penalise by the file's time.
        workers: local worker processes (default: the number of cores).
        scheduler: the address of a Dask scheduler to send the work to.
        dask_local: start a local Dask cluster of this many workers.
        job: the job function (module level, with grade_job's arguments); tests inject one.

    Returns:
        the summary (also written as summary.json); `files` names what was written.

    Raises:
        GraderError: for a mistake that concerns the whole run (a path, the roster or times
            file as a whole, a class folder without student folders); nothing is written then.
            With a scheduler: it cannot be reached or has no worker.
        IsolationRefused: grade-all is official, and strong isolation is not available here (or,
            with a scheduler, on one of its workers).
        SandboxBroken: a worker's sandbox does not give the reference full marks (checked before
            its first submission and after repeated children that died before the student's code
            ran); the run stops and caches nothing of that worker.
    """
    from grader.sandbox import choose
    from grader.session import protected_paths

    level = ""
    if not scheduler:  # the workers of a scheduler run the student code, and are checked instead
        level = choose(course.grading.isolation, [*protected_paths(root), source], official=True).level
    options = Options(
        penalise_file_times, workers, scheduler, dask_local, job, course.grading.isolation, level
    )
    assignments = (
        [course.assignment(i) for i in assignment_ids] if assignment_ids else list(course.assignments)
    )
    language = course.course.language
    roster = read_roster(roster_path, language) if roster_path else None
    profiles = read_profiles(roster_path, language) if roster_path else {}
    index = build_index(profiles) if roster_path else None
    times = read_times(times_path, language) if times_path else None
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        given = read_class(source, work, language)
        students = assign(given.entries, index)
        stubs = {a.id: released_definitions(root, a) for a in assignments}
        jobs = find_all_jobs(students, sorted(roster or {}), assignments, stubs=stubs, scratch=work)
        times = with_export_times(times, students, given.platform)
        by_id = {a.id: a for a in assignments}
        penalties = {
            j.key: decide_penalty(
                course, by_id[j.assignment], j, (roster or {}).get(j.student), times, penalise_file_times
            )
            for j in jobs
            if j.gradable
        }
        found = ClassResults(
            assignments, jobs, {}, penalties, stopped=students.problems, language=course.course.language
        )
        found.times_file = times_path.name if times_path else None
        found.sections = {s: p["section"] for s, p in profiles.items() if p.get("section")}
        found.class_folder = source.resolve() if source.is_dir() else None
        if roster is not None:
            found.not_on_roster = students.not_on_roster
            found.roster_problems = {s: e.problem for s, e in roster.items() if e.problem}
        _prepare_out(out)
        _grade(root, out, found, options, work, progress)
    return write_outputs(out, found)


def with_export_times(times: Times | None, students: Students, platform: str | None) -> Times | None:
    """The --times file's times, and those the LMS export carries (Gradescope's metadata): both
    are trusted; two different times for one submission leave its penalty to the instructor."""
    carried = students.times()
    if not carried:
        return times
    entries = {key: list(values) for key, values in (times.entries if times else {}).items()}
    for student, moment in carried.items():
        entries.setdefault((normalise_id(student), ""), []).append(moment)
    name = f"{times.name} and {platform}'s export" if times else f"{platform}'s export"
    return Times(name, entries)
