"""Late penalties in an official run, from trusted submission times only.

Trusted: the LMS export given with --times. Never trusted: submission.json (the student
writes it), git commit dates and file modification times (a clone or an unzip sets them).
Without a trusted time a submission is "time unknown" and gets no penalty, unless the
instructor passes --penalise-file-times. A time that cannot be read, or has no zone, and a
bad roster row leave that student's penalty undecided: no guess, no fallback.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from grader.batch.roster import RosterEntry, Times, parse_time
from grader.batch.scores import LatePenalty
from grader.batch.submissions import Job
from grader.config import Assignment, Course


def late_penalty_pct(
    course: Course, assignment: Assignment, submitted_at: datetime, extension: timedelta = timedelta()
) -> tuple[float, int]:
    """Percent of the maximum taken off, and started days late after due + grace + extension.

    Args:
        course: gives the late policy (grace minutes, percent per started day, cap).
        assignment: gives the due date.
        submitted_at: a time with a zone.
        extension: the student's extension from the roster.

    Returns:
        (percent, days): the percent is capped at the policy's max_penalty_pct.
    """
    policy = course.late_policy
    late = submitted_at - deadline(course, assignment, extension)
    if late <= timedelta(0):
        return 0.0, 0
    days = math.ceil(late / timedelta(days=1))
    return min(policy.max_penalty_pct, days * policy.penalty_per_day_pct), days


def late_window(course: Course) -> timedelta | None:
    """How late work may still come in: the lateness at which max_penalty_pct is reached.

    The penalty grows by penalty_per_day_pct per started day, so it reaches the cap on day
    ceil(max / per_day); work later than that whole day is not graded. None: the cap is never
    reached (no penalty per day), so there is no end.
    """
    policy = course.late_policy
    if policy.max_penalty_pct <= 0:
        return timedelta()
    if policy.penalty_per_day_pct <= 0:
        return None
    return timedelta(days=math.ceil(policy.max_penalty_pct / policy.penalty_per_day_pct))


def deadline(course: Course, assignment: Assignment, extension: timedelta = timedelta()) -> datetime:
    """The due date plus the grace minutes plus the student's extension: later work is late."""
    return assignment.due + timedelta(minutes=course.late_policy.grace_minutes) + extension


def cutoff(course: Course, assignment: Assignment, extension: timedelta = timedelta()) -> datetime | None:
    """The end of the late window: the graded commit is the last one seen before it (None: no end)."""
    window = late_window(course)
    return None if window is None else deadline(course, assignment, extension) + window


def _from_time(
    course: Course, assignment: Assignment, moment: datetime, extension: timedelta, source: str
) -> LatePenalty:
    pct, days = late_penalty_pct(course, assignment, moment, extension)
    status = "file_time" if source == "file time" else ("late" if days else "on_time")
    detail = (
        f"file time {moment.isoformat()}"
        if status == "file_time"
        else f"submitted {moment.isoformat()} ({source})"
    )
    return LatePenalty(status, pct, days, detail)


def decide_penalty(
    course: Course,
    assignment: Assignment,
    job: Job,
    entry: RosterEntry | None,
    times: Times | None,
    penalise_file_times: bool = False,
) -> LatePenalty:
    """The penalty of one gradable submission, decided from trusted data only.

    Args:
        course: the course (late policy).
        assignment: the assignment graded.
        job: the submission (its path gives the file time).
        entry: the student's roster row, if there is a roster and they are on it.
        times: the LMS export given with --times, if any.
        penalise_file_times: use the file's modification time when no trusted time exists.

    Returns:
        the penalty; its pct is None when bad data leave it undecided.
    """
    if entry is not None and entry.problem:
        return LatePenalty("error", None, detail=entry.problem)
    extension = entry.extension if entry else timedelta()
    if times is not None:
        given = sorted({text for text in times.lookup(job.student, assignment.id) if text})
        if len(given) > 1:
            detail = f"{times.name}: {len(given)} different submitted_at values; keep one"
            return LatePenalty("error", None, detail=detail)
        if given:
            try:
                moment = parse_time(given[0])
            except ValueError as error:
                return LatePenalty("error", None, detail=f"{times.name}: {error}")
            return _from_time(course, assignment, moment, extension, times.name)
    if penalise_file_times and job.path is not None:
        moment = datetime.fromtimestamp(job.path.stat().st_mtime, tz=timezone.utc)
        return _from_time(course, assignment, moment, extension, "file time")
    return LatePenalty("unknown", 0.0, detail="time unknown: no trusted submission time, so no penalty")
