"""Compare a candidate's graded definitions with the released stub's, as code, never as bytes.

Saving a notebook changes its bytes (outputs, execution counts, an editor's metadata) and a
comment changes a module's; neither is work. Two definitions are the same when their syntax
trees are (`ast.dump`, which drops comments and layout). The released stub's graded definitions
travel as source text (`assignments/<id>/tests/stub.json`) and are parsed by the Python that
compares them: a dump differs between Python versions, a source does not.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from grader.config import Assignment
from grader.errors import SubmissionError
from grader.layout import CourseLayout

STUB_FILE = "stub.json"
MAX_PARSED_BYTES = 4 * 2**20  # larger files are not parsed here: they count as edited, nothing written


@dataclass(frozen=True)
class Progress:
    """How far a candidate is from the released stub."""

    edited: bool  # any graded definition differs, or the file cannot be read as code
    changed: int  # graded definitions that differ from the stub's
    readable: bool = True


def stub_path(root: Path, assignment: Assignment) -> Path:
    """Where the released stub's graded definitions are kept: beside the public tests."""
    return CourseLayout(root).released_tests(assignment.id) / STUB_FILE


def stub_text(assignment: Assignment, stub: str, graded: list[str]) -> str:
    """The JSON that `course release` writes: each graded definition's source in the stub.

    Args:
        assignment: the assignment released.
        stub: the released module's text.
        graded: the names of the definitions that hold a solution region.

    Returns:
        the file's text (sorted keys, stable between runs).
    """
    nodes = {getattr(n, "name", None): n for n in ast.parse(stub).body}
    sources = {name: ast.get_source_segment(stub, nodes[name]) or "" for name in graded if name in nodes}
    record = {"assignment": assignment.id, "module": assignment.module, "definitions": sources}
    return json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _dumps(tree: ast.Module) -> dict[str, str]:
    """Top-level functions and classes by name (the last definition wins, as it would on import)."""
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[node.name] = ast.dump(node)
    return found


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # a hostile nesting is just unreadable
        return None


def released_definitions(root: Path, assignment: Assignment) -> dict[str, str]:
    """The released stub's graded definitions as syntax-tree dumps, by name.

    From `stub.json` when the release wrote one; else from the released module itself (every
    top-level definition counts as graded); empty when neither is there (nothing is then a stub).
    """
    recorded = stub_path(root, assignment)
    if recorded.is_file():
        try:
            sources = json.loads(recorded.read_text(encoding="utf-8"))["definitions"]
            return {
                name: dump
                for text in sources.values()
                if (tree := _parse(text))
                for name, dump in _dumps(tree).items()
            }
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # a damaged file: fall back to the released module
    module = CourseLayout(root).released_module(assignment)
    if module.is_file() and module.stat().st_size <= MAX_PARSED_BYTES:
        tree = _parse(module.read_text(encoding="utf-8", errors="replace"))
        return _dumps(tree) if tree else {}
    return {}


def _compare(found: dict[str, str], stub: dict[str, str], readable: bool) -> Progress:
    """Edited: any graded definition changed or missing (or the file unreadable as code, or no
    stub known); `changed` counts the graded definitions written (all definitions, stub unknown)."""
    if not stub:
        return Progress(edited=True, changed=len(found), readable=readable)
    changed = sum(1 for name, dump in stub.items() if name in found and found[name] != dump)
    differs = any(found.get(name) != dump for name, dump in stub.items())
    return Progress(edited=differs or not readable, changed=changed, readable=readable)


def module_progress(path: Path, stub: dict[str, str]) -> Progress:
    """How far a .py file is from the stub (a file that does not parse is edited work)."""
    if path.stat().st_size > MAX_PARSED_BYTES:
        return Progress(edited=True, changed=0, readable=False)
    # utf-8-sig: Windows Notepad starts a file with a byte-order mark, which Python's import skips
    tree = _parse(path.read_text(encoding="utf-8-sig", errors="replace"))
    return _compare(_dumps(tree) if tree else {}, stub, tree is not None)


def notebook_progress(path: Path, stub: dict[str, str]) -> Progress:
    """How far a notebook's code cells are from the stub (graded test cells left out, IPython
    lines blanked as the grader's loader does; a cell that does not parse makes it edited)."""
    from grader.submission import notebook_code_cells

    try:
        cells = notebook_code_cells(path)
    except SubmissionError:
        return Progress(edited=True, changed=0, readable=False)
    found: dict[str, str] = {}
    readable = True
    for cell in cells:
        lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in cell.splitlines()]
        tree = _parse("\n".join(lines))
        readable = readable and tree is not None
        found.update(_dumps(tree) if tree else {})
    return _compare(found, stub, readable)
