"""Attacks on this course's grading suites: hostile submissions, graded in the sandbox.

Each hostile submission is the reference solution with one definition replaced (or one line
patched; either edit fails loudly when its target is not found). The expected score comes from
course.yml and the points markers: the total minus the points of the tests the attack must lose.
"""

import ast
import functools
import shutil
import textwrap
from pathlib import Path

import pytest

from grader.config import load_course
from grader.grading import grade
from grader.release import collect_points

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ("conv", "im2col", "pool", "params", "cnn")


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course as official grading sees it: course.yml, solutions/, the suites, the released
    manifests, and the course's pytest settings (warnings are errors)."""
    folder = tmp_path_factory.mktemp("course")
    for name in ("course.yml", "pyproject.toml"):
        shutil.copyfile(ROOT / name, folder / name)
    for name in ("solutions", "assignments"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    for assignment in ASSIGNMENTS:
        shutil.copytree(
            ROOT / "tests" / assignment,
            folder / "tests" / assignment,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    return folder


def reference_source(module: str) -> str:
    return (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8")


def _definitions(body: list[ast.stmt], prefix: str = ""):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            yield f"{prefix}{node.name}", node
            if isinstance(node, ast.ClassDef):
                yield from _definitions(node.body, f"{prefix}{node.name}.")


def replace_definition(source: str, name: str, code: str) -> str:
    """`source` with the definition of `name` ("train", "ConvNet.loss") replaced by `code`, which is
    indented to the definition's level and may hold several definitions."""
    found = [node for qualified, node in _definitions(ast.parse(source).body) if qualified == name]
    assert len(found) == 1, f"{name} is defined {len(found)} times in the reference, expected once"
    node = found[0]
    lines = source.splitlines(keepends=True)
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    replacement = textwrap.indent(textwrap.dedent(code).strip("\n") + "\n", " " * node.col_offset)
    result = "".join(lines[:first]) + replacement + "".join(lines[node.end_lineno :])
    ast.parse(result)
    return result


def patch(source: str, old: str, new: str) -> str:
    """`source` with the one occurrence of `old` replaced by `new`."""
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times in the source, expected once"
    return source.replace(old, new)


def write_submission(folder: Path, module: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{module}.py"
    path.write_text(source, encoding="utf-8")
    return path


@functools.cache
def collected(course: Path, assignment: str) -> tuple[tuple[str, str | None, float], ...]:
    """(name, function, points) of every test of an assignment, read from the markers by
    collecting its suites; a parametrized test's cases keep their own share."""
    files = sorted((course / "tests" / assignment).glob("test_*.py"))
    return tuple((t["name"].split("[")[0], t["function"], t["points"]) for t in collect_points(files, course))


def points_by_test(course: Path, assignment: str) -> dict[str, float]:
    """Points of every test by name, a parametrized test's cases together."""
    points: dict[str, float] = {}
    for name, _, share in collected(course, assignment):
        points[name] = points.get(name, 0.0) + share
    return points


def names_of_tests_for(course: Path, assignment: str, functions: set[str]) -> set[str]:
    """Names of the tests whose @pytest.mark.function is one of `functions`."""
    return {name for name, function, _ in collected(course, assignment) if function in functions}


class Deselect:
    """A pytest plugin for `grade(plugins=...)`: leaves out the tests of these names (every case
    of a parametrized one), as `only_functions` leaves out whole functions."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        left_out = [item for item in items if item.name.split("[")[0] in self.names]
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


def grade_and_check(course: Path, assignment: str, submission: Path, lost: set[str]):
    """Grade `submission` and assert the exact score: the tests in `lost` score 0, every other test
    passes, and every test of the suites was recorded (nothing pending or missing after a crash).

    Returns:
        the report and its results by test name.
    """
    points = points_by_test(course, assignment)
    total = load_course(course / "course.yml").assignment(assignment).points
    assert sum(points.values()) == pytest.approx(total), "course.yml and the points markers disagree"
    assert lost <= set(points), f"no such tests: {sorted(lost - set(points))}"
    report = grade(course, load_course(course / "course.yml").assignment(assignment), submission)
    by_name: dict[str, list] = {}
    for result in report.tests:
        by_name.setdefault(result.name.split("[")[0], []).append(result)
    assert set(by_name) == set(points), "tests missing from the report"
    assert all(t.status in ("passed", "failed", "timeout") for t in report.tests), [
        (t.name, t.status, t.output) for t in report.tests if t.status not in ("passed", "failed", "timeout")
    ]
    losing = {name for name, results in by_name.items() if any(t.score < t.max_score for t in results)}
    assert losing == lost, {name: [t.output for t in by_name[name]] for name in losing ^ lost}
    assert all(t.score == 0 for name in lost for t in by_name[name])
    assert report.score == pytest.approx(total - sum(points[name] for name in lost))
    return report, by_name


@pytest.fixture(autouse=True)
def not_in_ci(monkeypatch):
    """CI=true makes `grade` official: each test decides that itself, whatever CI's environment."""
    monkeypatch.delenv("CI", raising=False)
