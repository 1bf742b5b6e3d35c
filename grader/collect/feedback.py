"""Post each student's feedback back to them, as a comment on the commit that was graded.

The feedback is grade-all's `feedback/<student>/<id>.json`, the student's copy (no hidden
inputs or expected values); the commit and repository come from collect.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import reports
from grader.collect.github import GitHub
from grader.errors import GraderError
from grader.layout import GradesLayout


@dataclass(frozen=True)
class Comment:
    """One comment to post: where, and its markdown body."""

    student: str
    assignment: str
    repository: str
    commit: str
    body: str


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise GraderError(f"{path}: the {what} cannot be read ({error}).") from None
    if not isinstance(data, dict):
        raise GraderError(f"{path}: not a {what}.")
    return data


def comments(grades: Path, collected: Path) -> list[Comment]:
    """The comments to post: one per collected student whose feedback file exists.

    Args:
        grades: grade-all's output folder (holds feedback/).
        collected: collect.json of the same run.

    Raises:
        GraderError: if collect.json cannot be read.
    """
    summary = _read_json(collected, "collect summary (collect.json)")
    found = []
    for assignment_id, students in sorted(summary.get("students", {}).items()):
        for student, row in sorted(students.items()):
            feedback = GradesLayout(grades).feedback(student, assignment_id)
            if not row.get("commit") or not row.get("repository") or not feedback.is_file():
                continue
            body = reports.to_comment(_read_json(feedback, "feedback record"), row["commit"])
            found.append(Comment(student, assignment_id, row["repository"], row["commit"], body))
    return found


def post(found: list[Comment], github: GitHub) -> tuple[list[str], list[str]]:
    """Post every comment; one that fails does not stop the others.

    Returns:
        (posted, problems): a line per comment posted (student/assignment: link), and per failure.
    """
    posted, problems = [], []
    for comment in found:
        where = f"{comment.student}/{comment.assignment}"
        if "/" not in comment.repository:
            problems.append(f"{where}: {comment.repository} was not collected with --github; nothing posted")
            continue
        try:
            link = github.comment_on_commit(comment.repository, comment.commit, comment.body)
        except GraderError as error:
            problems.append(f"{where}: {error}")
            continue
        posted.append(f"{where}: {link or comment.repository}")
    return posted, problems
