"""`course check`: everything an instructor verifies before publishing, one line per problem.

Each check returns a list of problems (empty when it holds). Every problem says what is
wrong and what to do.
"""

from __future__ import annotations

import ast
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from grader.answers.build import check_answers
from grader.catalogue import Mistake, load_catalogue, variant_source
from grader.config import Assignment, Course
from grader.errors import CatalogueError
from grader.grading import default_submission, grade
from grader.handout_leaks import check_given_helpers
from grader.layout import TIMINGS_FILE, CourseLayout
from grader.lint import english_only
from grader.nonanswers import check_nonanswers
from grader.release import collect_points, find_regions, outdated, solution_lines
from grader.timings import stale as timings_stale

Check = Callable[[Path, Course, Assignment], list[str]]


def check_points(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """course.yml's points equal the points of the suites."""
    total = sum(t["points"] for t in collect_points(CourseLayout(root).suite_files(assignment.id), root))
    if abs(total - assignment.points) > 1e-3:  # per-case points are rounded to 6 decimals
        given = f"course.yml gives {assignment.points:g} points, the suites {total:g}"
        return [f"{assignment.id}: {given}; make them agree."]
    return []


def check_reference(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """The reference scores full marks on public and hidden tests (the suites as they are now: a
    released manifest that lists tests no longer there is check_up_to_date's concern)."""
    report = grade(root, assignment, CourseLayout(root).solution(assignment))
    return [
        f"{assignment.id}: the reference fails {t.name}: {t.output.splitlines()[0] if t.output else t.status}"
        for t in report.tests
        if t.score < t.max_score and t.status != "pending"
    ]


def check_stub(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """The released stub imports and scores zero."""
    stub = default_submission(root, assignment) / assignment.module
    if not stub.is_file():
        return (
            []
            if not _released(root, assignment)
            else [f"{stub.relative_to(root)} is missing; run `course release`."]
        )
    report = grade(root, assignment, stub)
    problems = [
        f"{assignment.id}: the stub does not import: {t.output}"
        for t in report.tests[:1]
        if report.loading_failure is not None
    ]
    problems += [
        f"{assignment.id}: the stub earns points on {t.name}; put that code in a solution region."
        for t in report.tests
        if t.score > 0
    ]
    return problems


def _released(root: Path, assignment: Assignment) -> bool:
    return CourseLayout(root).released(assignment.id).is_dir()


def check_up_to_date(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """assignments/<id>/ equals a fresh release, and the reference's times are recorded for the
    reference and suites as they are."""
    if not _released(root, assignment):
        return [f"{assignment.id} is not released yet; run `course release`, then `course check` again."]
    stale = outdated(root, course, [assignment])
    problems = [f"{path} is out of date with solutions/; run `course release`." for path in stale]
    if timings_stale(root, assignment):
        problems.append(
            f"tests/{assignment.id}/{TIMINGS_FILE} (the reference's times) is missing or out of date with "
            "solutions/ and tests/; run `course release` (until then grading applies the fixed time limits)."
        )
    return problems


def _released_texts(root: Path, assignment: Assignment) -> Iterator[tuple[Path, str]]:
    for path in sorted(CourseLayout(root).released(assignment.id).rglob("*")):
        if path.is_file():
            yield path.relative_to(root), path.read_text(encoding="utf-8", errors="replace")


def _lines(path: Path) -> set[str]:
    """The stripped lines of a file that say something of their own (not an import, a decorator,
    a definition, a comment, or a line too short to be a secret)."""
    skipped = ("import ", "from ", "@pytest", '"""', "#", "def ", "assert_close(")
    stripped = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {text for text in stripped if len(text) > 20 and not text.startswith(skipped)}


def _hidden_lines(layout: CourseLayout, assignment_id: str) -> set[str]:
    """The hidden suite's own lines: a line a public suite also has (a shared failure message) is
    released with that suite, and is no secret."""
    hidden = layout.hidden_suite(assignment_id)
    if not hidden.is_file():
        return set()
    public = [path for path in layout.suite_files(assignment_id) if path != hidden]
    return _lines(hidden).difference(*(_lines(path) for path in public))


def check_no_leaks(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """No line of a solution region, no hidden test and no hidden expected value was released."""
    layout = CourseLayout(root)
    solution_path = layout.solution(assignment)
    secrets = solution_lines(solution_path.read_text(encoding="utf-8"), solution_path)
    hidden_lines = _hidden_lines(layout, assignment.id)
    problems = []
    for relative, text in _released_texts(root, assignment):
        if relative.name == "hidden.json":
            continue
        if relative.name == "test_hidden.py":
            problems.append(f"{relative}: a hidden test was released; delete it and run `course release`.")
            continue
        lines = {line.strip() for line in text.replace("\\n", "\n").splitlines()}
        for secret in sorted(secrets & lines)[:1]:
            problems.append(
                f"{relative}: contains the solution line {secret!r}; wrap it in a solution region."
            )
        for secret in sorted(hidden_lines & lines)[:1]:
            problems.append(f"{relative}: contains the hidden test line {secret!r}; remove it.")
    return problems


INSTRUCTOR_WORDS = ("reference solution", "never released", "source of truth", "solution region")


def check_student_text(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """The released stub and notebook speak to students: no text written for the instructor (a
    docstring such as "the reference solution ... never released") outside solution regions."""
    problems = []
    for relative, text in _released_texts(root, assignment):
        if relative.suffix not in (".py", ".ipynb") or relative.parent.name == "tests":
            continue
        found = [words for words in INSTRUCTOR_WORDS if words in text.lower()]
        if found:
            problems.append(
                f"{relative}: says {found[0]!r}, written for the instructor; rewrite that text in "
                f"solutions/{assignment.module} for students, or move it into a solution region."
            )
    return problems


def _definitions(source: str, path: Path) -> Iterator[tuple[str, bool, str]]:
    """(name, whether students write part of it, docstring) of every top-level function and class
    that the stub shows (one inside a solution region is the reference's alone, never released)."""
    regions = find_regions(source, path)
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
            if any(region.begin < first and last < region.end for region in regions):
                continue
            written = any(first <= region.begin <= last for region in regions)
            yield node.name, written, ast.get_docstring(node) or ""


def check_helpers(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """Every function students write is graded; every other one is documented as given."""
    layout = CourseLayout(root)
    path = layout.solution(assignment)
    graded = {test["function"] for test in collect_points(layout.suite_files(assignment.id), root)}
    problems = []
    for name, written, docstring in _definitions(path.read_text(encoding="utf-8"), path):
        if name in graded:
            continue
        if written:
            problems.append(
                f"{assignment.id}: students write {name} but no test grades it; give it tests and "
                "points, or move it out of its solution region and document it as given."
            )
        elif not docstring.startswith("Given"):
            problems.append(
                f"{assignment.id}: {name} is neither graded nor documented as given; "
                "start its docstring with 'Given'."
            )
    return problems


def load_mistakes(root: Path, assignment: Assignment) -> tuple[Mistake, ...]:
    """The course's catalogue of known mistakes, tests/<id>/mistakes.py (MISTAKES).

    Raises:
        CatalogueError: for a malformed entry, naming the file and the entry.
    """
    return load_catalogue(CourseLayout(root).catalogue(assignment.id))


def check_mistakes(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """Every known mistake loses points on the tests of its own function, and only there (one
    mistake costs its own points, once), and is diagnosed by name."""
    reference = CourseLayout(root).solution(assignment).read_text(encoding="utf-8")
    try:
        mistakes = load_mistakes(root, assignment)
    except CatalogueError as error:
        return [str(error)]
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        for mistake in mistakes:
            path = Path(folder) / assignment.module
            path.write_text(variant_source(reference, mistake), encoding="utf-8")
            graded_name = mistake["function"].split(".")[0]  # tests name the class of a method
            report = grade(root, assignment, path)
            failed = [t for t in report.tests if t.score < t.max_score]
            others = sorted({t.name for t in failed if t.function != graded_name})
            if not any(t.function == graded_name for t in failed):
                problems.append(
                    f"{assignment.id}: the mistake {mistake['name']!r} loses no points; add a test of "
                    f"{graded_name} that catches it."
                )
            elif not any(t.mistake == mistake["name"] for t in report.tests):
                problems.append(
                    f"{assignment.id}: the mistake {mistake['name']!r} loses points but is never diagnosed "
                    "by name; make a failing test call the function with inputs where the mistake shows."
                )
            if others:
                problems.append(
                    f"{assignment.id}: the mistake {mistake['name']!r} in {graded_name} also fails "
                    f"{', '.join(others[:3])}, tests of other functions; give those tests the reference's "
                    f"inputs, or read {graded_name} through `submission` so that a rerun can replace it."
                )
    return problems


def check_chinese(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """In a zh-CN course, every failure text of the suites and every catalogue name and hint has
    its Chinese (grader.lint)."""
    if course.course.language != "zh-CN":
        return []
    layout = CourseLayout(root)
    suites = layout.suite_files(assignment.id)
    problems = [f"{problem}." for suite in suites for problem in english_only(suite)]
    for mistake in load_catalogue(layout.catalogue(assignment.id)):
        missing = [key for key in ("name_zh", "hint_zh") if not mistake.get(key)]
        if missing:
            problems.append(f"{assignment.id}: the mistake {mistake['name']!r} has no {missing[0]}; add it.")
    return problems


CHECKS: list[tuple[str, Check]] = [
    ("course.yml points equal the suites'", check_points),
    ("the reference scores full marks", check_reference),
    ("assignments/ is up to date", check_up_to_date),
    ("the stub imports and scores zero", check_stub),
    ("nothing hidden was released", check_no_leaks),
    ("released text speaks to students", check_student_text),
    ("helpers are given or graded", check_helpers),
    ("every known mistake loses points", check_mistakes),
    ("Chinese feedback is Chinese", check_chinese),
    ("no test gives a non-answer points", check_nonanswers),
    ("no given helper does an open assignment's work", check_given_helpers),
    ("the answers released for home runs hold no hidden call", check_answers),
]


def run_checks(root: Path, course: Course) -> Iterator[tuple[str, str, list[str]]]:
    """(assignment id, check description, problems) for every check of every assignment."""
    for assignment in course.assignments:
        for description, check in CHECKS:
            yield assignment.id, description, check(root, course, assignment)
