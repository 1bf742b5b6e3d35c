"""Read grade-all's staff records (OUT/staff/<student>/<id>.json) into plain records.

Nothing is graded again: the records are what grade-all kept (from its cache on a rerun). The
course folder, when given, adds what the records do not carry: each test's docstring (the
lecture example it cites) and the names the mistake catalogue gives per function.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.catalogue import load_catalogue
from grader.errors import GraderError
from grader.layout import CourseLayout, GradesLayout

UNEXPLAINED = (None, "values_differ", "shape_differs")  # kinds that say where, not why


@dataclass(frozen=True)
class TestRecord:
    """One test of one submission, as insight needs it."""

    __test__ = False  # not a pytest test class

    name: str
    function: str
    score: float
    max_score: float
    status: str
    hidden: bool
    mistake: str | None
    kind: str | None
    params: tuple[tuple[str, str], ...]

    @property
    def passed(self) -> bool:
        """Whether the test passed."""
        return self.status == "passed"

    @property
    def lost(self) -> float:
        """The points this test cost."""
        return self.max_score - self.score


@dataclass
class Submission:
    """One student's graded submission of one assignment."""

    student: str
    assignment: str
    section: str | None
    raw: float
    max_score: float
    final: dict[str, Any] | None
    tests: list[TestRecord]
    path: str | None = None


@dataclass
class Course:
    """What insight reads from the course folder: test docstrings and catalogue names."""

    docstrings: dict[tuple[str, str], str] = field(default_factory=dict)  # (assignment, test) -> doc
    catalogue: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (assignment, fn) -> names
    modules: dict[str, str] = field(default_factory=dict)  # assignment -> module file name


def _test(record: dict[str, Any]) -> TestRecord:
    finding = record.get("finding") or {}
    params = finding.get("params") or {}
    return TestRecord(
        name=str(record["name"]),
        function=str(record.get("function") or "?"),
        score=float(record.get("score") or 0.0),
        max_score=float(record.get("max_score") or 0.0),
        status=str(record.get("status")),
        hidden=bool(record.get("hidden")),
        mistake=record.get("mistake"),
        kind=finding.get("kind"),
        params=tuple(sorted((str(k), str(v)) for k, v in params.items())),
    )


def parse_record(data: dict[str, Any]) -> Submission:
    """A staff record (grader.batch.staff.staff_record) as a Submission.

    Raises:
        KeyError, TypeError, ValueError: for a record of another form.
    """
    report = data["report"]
    tests = [_test(t) for t in report.get("tests", []) if t.get("status") != "pending"]
    return Submission(
        student=str(data["student"]),
        assignment=str(data["assignment"]),
        section=data.get("section"),
        raw=float(report.get("score") or 0.0),
        max_score=float(report.get("max_score") or 0.0),
        final=data.get("final"),
        tests=tests,
        path=data.get("submission_path"),
    )


def load_submissions(grades: Path) -> list[Submission]:
    """Every staff record under GRADES/staff, sorted by student then assignment.

    Args:
        grades: grade-all's output folder.

    Returns:
        the submissions.

    Raises:
        GraderError: when the folder holds no staff record, or a record cannot be read.
    """
    folder = GradesLayout(grades).staff_folder
    paths = sorted(folder.glob("*/*.json")) if folder.is_dir() else []
    if not paths:
        raise GraderError(
            f"{grades}: no staff records (staff/<student>/<id>.json); run `course grade-all` "
            "with this folder as --out first."
        )
    found = []
    for path in paths:
        try:
            found.append(parse_record(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise GraderError(f"{path}: not a staff record grade-all wrote ({error}); grade again.") from None
    return found


def _docstrings(folder: Path) -> dict[str, str]:
    docs: dict[str, str] = {}
    for path in sorted(folder.glob("test_*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                doc = ast.get_docstring(node)
                if doc:
                    docs[node.name] = " ".join(doc.split())
    return docs


def load_course_facts(root: Path | None, assignments: list[str], modules: dict[str, str]) -> Course:
    """Test docstrings and catalogue names of the course at `root` (empty without a course).

    Args:
        root: the course folder, or None.
        assignments: the assignment ids to read.
        modules: assignment id -> module file name (course.yml).

    Returns:
        the facts.
    """
    facts = Course(modules=dict(modules))
    if root is None:
        return facts
    layout = CourseLayout(root)
    for assignment in assignments:
        folder = layout.suites(assignment)
        for name, doc in _docstrings(folder).items():
            facts.docstrings[(assignment, name)] = doc
        try:
            entries = load_catalogue(layout.catalogue(assignment))
        except GraderError:
            entries = ()
        for entry in entries:
            facts.catalogue.setdefault((assignment, str(entry["function"])), []).append(str(entry["name"]))
    return facts


def docstring_of(facts: Course, assignment: str, test: str) -> str:
    """The docstring of a test (a parametrized case's name without its [case])."""
    return facts.docstrings.get((assignment, test.split("[", 1)[0]), "")
