"""Before a worker grades a class, it grades the reference: a broken sandbox is never a score.

Each worker process (a local pool's or a Dask worker) grades the reference solution of an
assignment before its first submission of that assignment, and again after repeated children
that died before the student's code ran. A reference without full marks stops the run: the
result says so under "sandbox_broken", and grade-all ends with exit 4, caching nothing of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.batch.pool import JobFunction

DEATHS_BEFORE_RECHECK = 3  # children in a row that died before the student's code ran
_checked: set[tuple[str, str]] = set()  # (course, assignment) whose reference this worker graded
_deaths: dict[tuple[str, str], int] = {}


def reference_problem(root: str, assignment_id: str) -> str | None:
    """Why this worker's sandbox does not grade the reference with full marks, or None.

    Args:
        root: the course folder (as this worker sees it).
        assignment_id: the assignment whose reference is graded.
    """
    from grader.config import load_course
    from grader.errors import GraderError
    from grader.grading import grade
    from grader.layout import CourseLayout
    from grader.submission import reference_path

    try:
        assignment = load_course(CourseLayout(Path(root)).course_file).assignment(assignment_id)
        report = grade(Path(root), assignment, reference_path(Path(root), assignment), official=True)
    except GraderError as error:
        return str(error)
    if report.score < report.max_score or not report.tests:
        failed = next((t for t in report.tests if t.score < t.max_score), None)
        why = f": {failed.name}: {str(failed.output)[:300]}" if failed else ""
        return f"the reference of '{assignment_id}' gets {report.score:g}/{report.max_score:g} here{why}"
    return None


def checked_job(function: JobFunction, root: str, assignment_id: str, *rest: Any) -> dict[str, Any]:
    """Run `function(root, assignment_id, *rest)` on a worker whose sandbox grades the reference.

    Returns:
        the job's result, or {"error": ..., "sandbox_broken": reason} when this worker's sandbox
        does not give the reference full marks (the run must stop).
    """
    key = (root, assignment_id)
    if key not in _checked:
        problem = reference_problem(root, assignment_id)
        if problem:
            return {"error": problem, "sandbox_broken": problem}
        _checked.add(key)
    result = function(root, assignment_id, *rest)
    if not result.get("not_started"):
        _deaths[key] = 0
        return result
    _deaths[key] = _deaths.get(key, 0) + 1
    if _deaths[key] >= DEATHS_BEFORE_RECHECK:
        _checked.discard(key)
        _deaths[key] = 0
        problem = reference_problem(root, assignment_id)
        if problem:
            return {**result, "sandbox_broken": problem}
        _checked.add(key)
    return result
