"""Release: solutions become stubs, notebooks, public tests, a manifest and a handout.

A pipeline of small steps, as in nbgrader: read the solution, find its marked
regions, render each region's placeholder, write the files. Nothing random:
running it twice yields the same bytes.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader

from grader import i18n
from grader.answers.build import answers_text
from grader.answers.build import stale as answers_stale
from grader.answers.table import FILE as ANSWERS
from grader.config import Assignment, Course
from grader.errors import ReleaseError
from grader.fingerprints import FILE as FINGERPRINTS
from grader.layout import CourseLayout
from grader.limits import describe as describe_limits
from grader.locate.code import STUB_FILE, stub_text
from grader.release_fingerprints import fingerprint_text
from grader.release_fingerprints import stale as fingerprints_stale

BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"
NBGRADER_SCHEMA = 3


@dataclass
class Region:
    """Lines begin..end (0-based, inclusive, the markers included) of a solution region."""

    begin: int
    end: int
    indent: str
    in_function: bool
    hints: list[str] = field(default_factory=list)


def points_text(points: float) -> str:
    """Points as a handout shows them: rounded to 2 decimals, without trailing zeros (4, 1.33)."""
    return f"{round(points, 2):g}"


def templates(root: Path) -> Environment:
    """The package's templates, overridden by any of the same name in <course>/templates/.

    Filters: `points` (rounded to 2 decimals), `local(zone)` (a time in the course's zone).
    """
    loader = ChoiceLoader([FileSystemLoader(str(root / "templates")), PackageLoader("grader")])
    environment = Environment(loader=loader, keep_trailing_newline=True, autoescape=False)
    environment.filters["points"] = points_text
    environment.filters["local"] = lambda moment, zone: moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %z")
    return environment


def function_lines(source: str) -> list[tuple[int, int]]:
    """(first, last) body lines, 0-based, of every function in the source."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            spans.append((node.body[0].lineno - 1, (node.end_lineno or node.lineno) - 1))
    return spans


def find_regions(source: str, path: Path) -> list[Region]:
    """The solution regions of a source file.

    Raises:
        ReleaseError: for a marker without its partner or a region inside another, with the line.
    """
    try:
        spans = function_lines(source)
    except SyntaxError as error:
        raise ReleaseError(
            f"{path}:{error.lineno}: the solution is not valid Python ({error.msg})."
        ) from None
    regions: list[Region] = []
    open_region: Region | None = None
    for number, line in enumerate(source.splitlines()):
        stripped = line.strip()
        if stripped == BEGIN:
            if open_region is not None:
                raise ReleaseError(
                    f"{path}:{number + 1}: {BEGIN} inside another region; close the first one."
                )
            indent = line[: len(line) - len(line.lstrip())]
            inside = any(first <= number <= last for first, last in spans)
            open_region = Region(number, -1, indent, inside)
        elif stripped == END:
            if open_region is None:
                raise ReleaseError(f"{path}:{number + 1}: {END} without {BEGIN}; remove it or open a region.")
            open_region.end = number
            regions.append(open_region)
            open_region = None
        elif stripped.startswith(HINT) and open_region is not None:
            open_region.hints.append(stripped[len(HINT) :].strip())
    if open_region is not None:
        raise ReleaseError(f"{path}:{open_region.begin + 1}: {BEGIN} is never closed; add {END}.")
    return regions


def make_stub(source: str, path: Path, environment: Environment) -> str:
    """The student's version of a solution file: every region replaced by its placeholder."""
    template = environment.get_template("stub_region.py.j2")
    lines = source.splitlines(keepends=True)
    pieces, position = [], 0
    for region in find_regions(source, path):
        pieces.append("".join(lines[position : region.begin]))
        pieces.append(
            template.render(indent=region.indent, in_function=region.in_function, hints=region.hints)
        )
        position = region.end + 1
    pieces.append("".join(lines[position:]))
    return "".join(pieces)


def solution_lines(source: str, path: Path) -> set[str]:
    """The meaningful lines inside solution regions: none of them may appear in released files."""
    lines = source.splitlines()
    found = set()
    for region in find_regions(source, path):
        for line in lines[region.begin + 1 : region.end]:
            text = line.strip()
            if len(text) > 12 and not text.startswith(("#", HINT)):
                found.add(text)
    return found


def _nbgrader(
    grade_id: str, *, solution: bool = False, grade: bool = False, points: float = 0.0
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": NBGRADER_SCHEMA,
        "solution": solution,
        "task": False,
    }
    if grade:
        metadata["points"] = points
    return {"nbgrader": metadata}


def _cell(kind: str, source: str, grade_id: str, **nbgrader: Any) -> Any:
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source.strip("\n"), metadata=_nbgrader(grade_id, **nbgrader))
    cell["id"] = re.sub(r"[^A-Za-z0-9_-]", "-", grade_id)[:64]  # deterministic, unlike nbformat's uuid
    return cell


def top_level_chunks(stub: str, solution: str, path: Path) -> list[tuple[str, str | None]]:
    """Split a stub into (source, name) chunks: name is set for a definition holding a region."""
    regions = find_regions(solution, path)
    region_names = set()
    tree = ast.parse(solution)
    for node in tree.body:
        if any(node.lineno - 1 <= r.begin <= (node.end_lineno or node.lineno) - 1 for r in regions):
            region_names.add(getattr(node, "name", ""))
    lines = stub.splitlines(keepends=True)
    nodes = ast.parse(stub).body
    chunks: list[tuple[str, str | None]] = []
    for index, node in enumerate(nodes):
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
        first = 0 if index == 0 else first
        last = nodes[index + 1].lineno - 1 if index + 1 < len(nodes) else len(lines)
        name = getattr(node, "name", None)
        text = "".join(lines[first:last])
        if name in region_names:
            chunks.append((text, name))
        elif chunks and chunks[-1][1] is None:
            chunks[-1] = (chunks[-1][0] + text, None)
        else:
            chunks.append((text, None))
    return chunks


def public_test_cells(
    public_source: str, points: dict[str, float]
) -> dict[str, list[tuple[str, str, float]]]:
    """Per graded function, its public tests as (name, notebook source, points)."""
    tree = ast.parse(public_source)
    lines = public_source.splitlines(keepends=True)
    cells: dict[str, list[tuple[str, str, float]]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
            continue
        function = next(
            (
                ast.literal_eval(d.args[0])
                for d in node.decorator_list
                if isinstance(d, ast.Call) and _is_marker(d, "function")
            ),
            None,
        )
        body = "".join(lines[node.lineno - 1 : node.end_lineno])
        call = f"{node.name}(submission)\n"
        cells.setdefault(str(function), []).append(
            (node.name, body + "\n\n" + call, points.get(node.name, 1.0))
        )
    return cells


def _is_marker(decorator: ast.Call, name: str) -> bool:
    return isinstance(decorator.func, ast.Attribute) and decorator.func.attr == name and bool(decorator.args)


def make_notebook(
    assignment: Assignment,
    stub: str,
    solution: str,
    public_source: str,
    handout: str,
    points: dict[str, float],
) -> str:
    """The student notebook: a solution cell per graded definition, its public tests after it."""
    path = Path(assignment.module)
    imports = "".join(
        line for line in public_source.splitlines(keepends=True) if line.startswith(("import ", "from "))
    )
    setup = imports + "import types\n\nsubmission = types.SimpleNamespace()  # refreshed before each test\n"
    cells = [_cell("markdown", handout, "handout"), _cell("code", setup, "test_setup")]
    tests = public_test_cells(public_source, points)
    for number, (text, name) in enumerate(top_level_chunks(stub, solution, path)):
        if name is None:
            cells.append(_cell("code", text, f"given_{number}"))
            continue
        cells.append(_cell("code", text, name, solution=True))
        for test_name, source, test_points in tests.get(name, []):
            refreshed = "submission = types.SimpleNamespace(**globals())\n" + source
            cells.append(_cell("code", refreshed, test_name, grade=True, points=test_points))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def collect_points(files: list[Path], root: Path) -> list[dict[str, Any]]:
    """Name, function, points and hidden flag of every test in `files`, collected (not run) by pytest,
    from fresh suite modules (`grader.runner`): a suite changed since the last collection in this
    process counts as it is now.

    Raises:
        ReleaseError: if the suites cannot be collected.
    """
    from grader.runner import run_pytest
    from grader.scoring import ResultCollector, marker_value

    collector = ResultCollector()
    code = run_pytest(files, root, ["--collect-only", "-q", "-o", "addopts="], [collector])
    if code != 0:
        raise ReleaseError(
            f"{files[0].parent}: the suites cannot be collected; run pytest on them to see why."
        )
    return [
        {
            "name": collector.names[nodeid],
            "function": marker_value(item, "function"),
            "points": round(collector.points[nodeid], 6),
            "hidden": item.get_closest_marker("hidden") is not None,
        }
        for nodeid, item in collector.items.items()
    ]


def points_table(tests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for test in tests:
        row = rows.setdefault(test["function"], {"function": test["function"], "public": 0.0, "hidden": 0.0})
        row["hidden" if test["hidden"] else "public"] += test["points"]
    return list(rows.values())


NO_PUBLIC_TESTS = '"""No public tests: every test of this assignment is hidden."""\n'


def public_suite(suites: Path) -> str:
    """The text of tests/<id>/test_public.py, or a module saying there is none (all tests hidden)."""
    path = suites / "test_public.py"
    return path.read_text(encoding="utf-8") if path.is_file() else NO_PUBLIC_TESTS


def release_files(
    root: Path, course: Course, assignment: Assignment, *, fingerprints: bool = True
) -> dict[Path, str]:
    """Every released file of one assignment, path relative to the course folder -> text.

    `fingerprints=False` leaves out tests/fingerprints.json, the slow one (it grades the public
    suite on every known mistake; `grader.release_fingerprints`)."""
    layout = CourseLayout(root)
    solution_path = layout.solution(assignment)
    if not solution_path.is_file():
        raise ReleaseError(f"{solution_path}: no reference solution for assignment '{assignment.id}'.")
    suites = layout.suites(assignment.id)
    if not suites.is_dir():
        raise ReleaseError(f"{suites}: assignment '{assignment.id}' has no suites; add its tests there.")
    environment = templates(root)
    solution = solution_path.read_text(encoding="utf-8")
    stub = make_stub(solution, solution_path, environment)
    tests = collect_points(layout.suite_files(assignment.id), root)
    rows = points_table(tests)
    name = "handout.zh-CN.md.j2" if course.course.language == "zh-CN" else "handout.md.j2"
    handout = environment.get_template(name).render(
        assignment=assignment,
        course=course,
        zone=course.course.zone,
        points=rows,
        public_total=sum(r["public"] for r in rows),
        hidden_total=sum(r["hidden"] for r in rows),
        time_limits=i18n.text(course.course.language, "limits.handout", **describe_limits(course.grading)),
    )
    public_source = public_suite(suites)
    public_points = {t["name"]: t["points"] for t in tests if not t["hidden"]}
    hidden = [{key: t[key] for key in ("name", "function", "points")} for t in tests if t["hidden"]]
    manifest = {"assignment": assignment.id, "tests": hidden}
    manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    folder = layout.released(assignment.id).relative_to(root)
    released_tests = layout.released_tests(assignment.id).relative_to(root)
    files = {
        folder / assignment.module: stub,
        folder / f"{assignment.id}.ipynb": make_notebook(
            assignment, stub, solution, public_source, handout, public_points
        ),
        released_tests / "test_public.py": public_source,
        layout.manifest(assignment.id).relative_to(root): manifest_text,
        released_tests / STUB_FILE: stub_text(assignment, stub, _graded_names(stub, solution, solution_path)),
        folder / "README.md": handout,
    }
    fingerprinted = fingerprint_text(root, course, assignment, public_source) if fingerprints else None
    if fingerprinted is not None:
        files[released_tests / FINGERPRINTS] = fingerprinted
    answers = answers_text(root, course, assignment, public_source) if fingerprints else None
    if answers is not None:  # the callees' answers a home run stands in with (grader.answers)
        files[released_tests / ANSWERS] = answers
    return files


def _graded_names(stub: str, solution: str, path: Path) -> list[str]:
    """The definitions that hold a solution region: those a student writes."""
    return [name for _, name in top_level_chunks(stub, solution, path) if name is not None]


def nbgrader_source_notebook(root: Path, course: Course, assignment: Assignment) -> str:
    """The instructor's notebook for nbgrader: solution cells hold the reference with its markers,
    which `nbgrader generate_assignment` turns into stubs."""
    layout = CourseLayout(root)
    solution = layout.solution(assignment).read_text(encoding="utf-8")
    public = public_suite(layout.suites(assignment.id))
    tests = collect_points(layout.suite_files(assignment.id), root)
    points = {t["name"]: t["points"] for t in tests if not t["hidden"]}
    return make_notebook(assignment, solution, solution, public, f"# {assignment.title}", points)


def write_nbgrader_source(root: Path, course: Course, target: Path) -> list[Path]:
    """nbgrader's layout: <target>/source/<id>/<id>.ipynb for every assignment."""
    written = []
    for assignment in course.assignments:
        path = target / "source" / assignment.id / f"{assignment.id}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nbgrader_source_notebook(root, course, assignment), encoding="utf-8")
        written.append(path)
    return written


def release(root: Path, course: Course) -> list[Path]:
    """Write assignments/ for every assignment; returns the files written."""
    written = []
    for assignment in course.assignments:
        folder = CourseLayout(root).released(assignment.id)
        shutil.rmtree(folder, ignore_errors=True)
        for relative, text in release_files(root, course, assignment).items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(relative)
    return written


def outdated(root: Path, course: Course, assignments: list[Assignment] | None = None) -> list[Path]:
    """Released files that differ from a fresh release (or are missing), of all or some assignments.

    The fingerprints file is judged by the digest of its inputs, which it records: recomputing it
    would grade the public suite on every known mistake."""
    stale = []
    for assignment in assignments or course.assignments:
        for relative, text in release_files(root, course, assignment, fingerprints=False).items():
            target = root / relative
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(relative)
        layout = CourseLayout(root)
        if fingerprints_stale(root, course, assignment, public_suite(layout.suites(assignment.id))):
            stale.append((layout.released_tests(assignment.id) / FINGERPRINTS).relative_to(root))
        if answers_stale(root, course, assignment, public_suite(layout.suites(assignment.id))):
            stale.append((layout.released_tests(assignment.id) / ANSWERS).relative_to(root))
    return stale
