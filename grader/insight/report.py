"""insight.json: how the class did, what it misunderstood and whether the suite is fair.

A pipeline of small steps over the staff records of each assignment: overview (scores, functions,
late work, sections), misconceptions (ranked, with candidates for the catalogue), item analysis,
failure signatures. The instructor's form names students; `privacy.anonymise` makes the form to
share.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from grader.insight.items import item_analysis, matrices, test_order
from grader.insight.load import Course, Submission
from grader.insight.misconceptions import describe, group_misconceptions
from grader.insight.overview import overview
from grader.insight.signatures import signatures
from grader.insight.sources import function_source

SCHEMA_VERSION = 1
MAX_GROUPS = 40  # misconceptions listed per assignment (the costliest)
SIDE_BY_SIDE = 4  # students' functions shown for a candidate entry


def _side_by_side(group: dict[str, Any], paths: dict[str, str | None], module: str) -> list[dict[str, Any]]:
    return [
        {"student": student, "source": function_source(paths.get(student), group["function"], module)}
        for student in group["members"][:SIDE_BY_SIDE]
    ]


def assignment_report(
    assignment: str, submissions: list[Submission], facts: Course, language: str
) -> dict[str, Any]:
    """The report of one assignment.

    Args:
        assignment: its id.
        submissions: its graded submissions (one per student).
        facts: docstrings and catalogue names from the course folder.
        language: the language of the labels ("en" or "zh-CN").

    Returns:
        {"assignment", "overview", "misconceptions", "items", "signatures"}.
    """
    groups = [describe(g, facts, language) for g in group_misconceptions(submissions)[:MAX_GROUPS]]
    paths = {s.student: s.path for s in submissions}
    module = facts.modules.get(assignment, "")
    for group in groups:
        if group["candidate"]:
            group["code_side_by_side"] = _side_by_side(group, paths, module)
    names = [test.name for test in test_order(submissions)]
    _, failed = matrices(submissions, names)
    return {
        "assignment": assignment,
        "overview": overview(submissions),
        "misconceptions": groups,
        "items": item_analysis(submissions),
        "signatures": signatures(failed, names),
    }


def build(submissions: list[Submission], facts: Course, language: str, order: list[str]) -> dict[str, Any]:
    """insight.json, the instructor's form (student ids included).

    Args:
        submissions: every staff record read.
        facts: what the course folder adds (docstrings, catalogue names).
        language: "en" or "zh-CN".
        order: assignment ids in the course's order (others follow, sorted).

    Returns:
        {"schema_version", "language", "anonymous": False, "students", "assignments": [...]}.
    """
    by_assignment: dict[str, list[Submission]] = defaultdict(list)
    for submission in submissions:
        by_assignment[submission.assignment].append(submission)
    ids = [i for i in order if i in by_assignment] + sorted(set(by_assignment) - set(order))
    return {
        "schema_version": SCHEMA_VERSION,
        "language": language,
        "anonymous": False,
        "students": len({s.student for s in submissions}),
        "assignments": [assignment_report(i, by_assignment[i], facts, language) for i in ids],
    }
