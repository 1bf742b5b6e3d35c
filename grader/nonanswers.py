"""`course check`'s non-answers: results that no test may give points to.

For any course, each graded function and class of an assignment is replaced, all at once, by a
non-answer of one kind (NaN, infinity, zeros or ones of the right shape, its inputs echoed back,
a constant loss with zero gradients: `grader/nonanswer_runtime.py` says how each is made from
the reference's result), and the assignment's suites grade it in the sandbox like a student's
work. A test that gives such a submission points checks no value that depends on its inputs (a
shape, a type, a number that is the same for any input): it must check values too, or be worth 0
and serve as a hint.
"""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

from grader.config import Assignment, Course
from grader.grading import grade
from grader.layout import CourseLayout
from grader.release import collect_points

RUNTIME = Path(__file__).with_name("nonanswer_runtime.py")

KINDS: dict[str, str] = {
    "nan": "NaN of the right shapes",
    "inf": "infinities of the right shapes",
    "zeros": "zeros of the right shapes",
    "ones": "a constant (ones of the right shapes)",
    "echo": "its inputs echoed back",
    "unrelated": "a constant loss with zero gradients (numbers computed on other inputs, arrays zero)",
}


def graded_targets(root: Path, assignment: Assignment) -> list[str]:
    """The graded functions and classes (their tests' `function` markers) that the reference
    defines at its top level, in the reference's order."""
    layout = CourseLayout(root)
    graded = {test["function"] for test in collect_points(layout.suite_files(assignment.id), root)}
    source = layout.solution(assignment).read_text(encoding="utf-8")
    defined = [
        node.name
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in graded
    ]
    return defined


def non_answer_source(reference: str, targets: list[str], kind: str) -> str:
    """The reference with `targets` replaced by non-answers of `kind` (a key of KINDS).

    Args:
        reference: the reference solution's source.
        targets: names of its top-level functions and classes to replace.
        kind: which non-answer.

    Returns:
        the source of a module to grade as a student's.

    Raises:
        ValueError: for an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"no non-answer {kind!r}; known: {', '.join(KINDS)}")
    settings = f"_NA_KIND = {kind!r}\n_NA_TARGETS = {tuple(targets)!r}\n"
    runtime = RUNTIME.read_text(encoding="utf-8").replace("from __future__ import annotations\n", "")
    return f"{reference.rstrip()}\n\n\n# --- non-answers (grader.nonanswers) ---\n{settings}{runtime}"


def check_nonanswers(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """Every test gives 0 points to every non-answer (see KINDS): one problem per test and kind.

    Args:
        root: the course folder.
        course: the course (unused: the signature of every check).
        assignment: the assignment whose suites are checked.

    Returns:
        one sentence per test that gave a non-answer points, naming the test, the points and the
        non-answer.
    """
    targets = graded_targets(root, assignment)
    if not targets:
        return []
    reference = CourseLayout(root).solution(assignment).read_text(encoding="utf-8")
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, description in KINDS.items():
            path = Path(folder) / kind / assignment.module
            path.parent.mkdir()
            path.write_text(non_answer_source(reference, targets, kind), encoding="utf-8")
            report = grade(root, assignment, path, in_process=True, only_functions=set(targets))
            problems += [
                f"{assignment.id}: {test.name} gives {test.score:g} of {test.max_score:g} points to "
                f"{description}; make it check values that depend on its inputs, or make it worth 0 "
                "as a hint."
                for test in report.tests
                if test.score > 0
            ]
    return problems
