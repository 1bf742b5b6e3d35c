"""What the class misunderstood: misconceptions ranked by the points they cost.

Each student's failed tests are grouped per graded function: a catalogued mistake that names them
all is the group; else they go to their structural explanation, the set of (finding kind,
parameters) the analysis gave, never its sentence; failures the analysis could not explain go to
the signature of tests that fail together. A group of `CANDIDATE_SIZE` students or more that no
catalogue entry names is a candidate entry for the catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from grader.analysis.messages import SENTENCES, say
from grader.insight.load import UNEXPLAINED, Course, Submission, TestRecord, docstring_of

CANDIDATE_SIZE = 5
EXAMPLES = 3
SHAPE_PARAMS = ("got_shape", "expected_shape")  # the test's own sizes: not part of the misconception

Key = tuple[Any, ...]


@dataclass
class Group:
    """Students who share one misconception on one function of one assignment."""

    kind: str  # "catalogued", "finding" or "signature"
    assignment: str
    function: str
    code: tuple[Any, ...]  # the mistake's name, the findings, or the failing tests
    students: list[str] = field(default_factory=list)
    cost: float = 0.0
    tests: dict[str, int] = field(default_factory=dict)  # failing test -> students

    def add(self, student: str, failed: list[TestRecord]) -> None:
        """Count one student with these failed tests."""
        self.students.append(student)
        self.cost += sum(test.lost for test in failed)
        for test in failed:
            self.tests[test.name] = self.tests.get(test.name, 0) + 1


def _code(test: TestRecord) -> tuple[str, tuple[tuple[str, str], ...]]:
    params = tuple((k, v) for k, v in test.params if k not in SHAPE_PARAMS)
    return (str(test.kind), params)


def _keys(
    submission: Submission, function: str, failed: list[TestRecord]
) -> list[tuple[Key, list[TestRecord]]]:
    """The groups one student's failures of one function belong to, with the tests of each.

    A catalogue entry names the student's mistake when it names every failed test of the
    function: one test named among others not named is a call that did not tell the mistake
    apart (a doubled variance of two numbers is also their sample variance), so the failures go
    to their structural explanation instead.
    """
    if all(test.mistake for test in failed):
        named: dict[str, list[TestRecord]] = defaultdict(list)
        for test in failed:
            named[str(test.mistake)].append(test)
        return [
            (("catalogued", submission.assignment, function, (name,)), named[name]) for name in sorted(named)
        ]
    explained = sorted({_code(test) for test in failed if test.kind not in UNEXPLAINED})
    if explained:
        return [(("finding", submission.assignment, function, tuple(explained)), failed)]
    names = tuple(sorted(test.name for test in failed))
    return [(("signature", submission.assignment, function, names), failed)]


def group_misconceptions(submissions: list[Submission]) -> list[Group]:
    """Group every failure of every submission (see the module's docstring).

    Returns:
        the groups, the costliest first (then the largest, then by name).
    """
    groups: dict[Key, Group] = {}
    for submission in submissions:
        by_function: dict[str, list[TestRecord]] = defaultdict(list)
        for test in submission.tests:
            if not test.passed and test.lost > 0:
                by_function[test.function].append(test)
        for function, failed in by_function.items():
            for key, tests in _keys(submission, function, failed):
                if key not in groups:
                    groups[key] = Group(key[0], key[1], key[2], key[3])
                groups[key].add(submission.student, tests)
    return sorted(groups.values(), key=lambda g: (-round(g.cost, 6), -len(g.students), repr(g.code)))


def label(group: Group, language: str) -> str:
    """A readable name for the group: the mistake's name, the analysis's sentences, or the tests."""
    if group.kind == "catalogued":
        return str(group.code[0])
    if group.kind == "signature":
        return ", ".join(group.code)
    parts = []
    for kind, params in group.code:
        if kind in SENTENCES:
            try:
                parts.append(say(kind, language, **dict(params), got_shape="?", expected_shape="?"))
                continue
            except (KeyError, IndexError, ValueError):
                pass
        parts.append(kind)
    return " / ".join(parts)


def describe(group: Group, facts: Course, language: str) -> dict[str, Any]:
    """The JSON record of a group (student names included: the instructor's form).

    Returns:
        {"kind", "assignment", "function", "code", "label", "students" (count), "cost",
        "examples", "tests", "lecture", "catalogued", "catalogue_entries", "candidate", "members"}.
    """
    tests = sorted(group.tests.items(), key=lambda item: (-item[1], item[0]))
    lectures = []
    for name, _ in tests:
        doc = docstring_of(facts, group.assignment, name)
        if doc and doc not in lectures:
            lectures.append(doc)
    catalogued = group.kind == "catalogued"
    return {
        "kind": group.kind,
        "assignment": group.assignment,
        "function": group.function,
        "code": [list(part) if isinstance(part, tuple) else part for part in group.code],
        "label": label(group, language),
        "students": len(group.students),
        "cost": round(group.cost, 2),
        "examples": sorted(group.students)[:EXAMPLES],
        "members": sorted(group.students),
        "tests": [{"test": name, "students": count} for name, count in tests],
        "lecture": lectures[:2],
        "catalogued": catalogued,
        "catalogue_entries": facts.catalogue.get((group.assignment, group.function), []),
        "candidate": not catalogued and len(group.students) >= CANDIDATE_SIZE,
    }
