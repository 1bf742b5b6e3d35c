"""The students' own functions, side by side, for a candidate catalogue entry.

Read from the submission files grade-all recorded (when they lie in a class folder that is still
there): a module, or a notebook's code cells. Shown as text only; never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.errors import GraderError
from grader.submission import notebook_code_cells

MAX_SOURCE = 4000  # characters of one function shown


def _file(path: Path, module: str) -> Path | None:
    """The submission's module, or its notebook, in a student's folder (or the file itself)."""
    if path.is_file():
        return path
    for candidate in (path / module, *sorted(path.rglob(module)), *sorted(path.rglob("*.ipynb"))):
        if candidate.is_file() and not candidate.is_symlink():
            return candidate
    return None


def _module_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        return "\n\n".join(notebook_code_cells(path))
    return path.read_text(encoding="utf-8")


def function_source(path: str | None, function: str, module: str = "") -> str | None:
    """The source of `function` (a def or a class) in the submission at `path`, or None.

    Args:
        path: the submission file, as the staff record gives it (None: not known).
        function: the graded function's name.
        module: the assignment's module file name, looked for when `path` is a folder.

    Returns:
        its source, at most MAX_SOURCE characters, or None when the file or function is not there.
    """
    if path is None:
        return None
    try:
        file = _file(Path(path), module)
        if file is None or file.is_symlink():
            return None
        text = _module_text(file)
        tree = ast.parse(text)
    except (OSError, ValueError, SyntaxError, UnicodeDecodeError, GraderError):
        return None
    found = None
    for node in tree.body:  # the last definition wins, as when the module runs
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == function:
            found = node
    return None if found is None else _without_docstring(text, found)[:MAX_SOURCE]


def _without_docstring(text: str, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> str:
    """The definition's source without its docstring (the handout's, the same for everyone)."""
    lines = text.splitlines()
    first = node.body[0]
    has_doc = ast.get_docstring(node) is not None and len(node.body) > 1
    if not has_doc or first.end_lineno is None or node.end_lineno is None:
        return ast.get_source_segment(text, node) or ""
    start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    head = lines[start - 1 : first.lineno - 1]
    return "\n".join([*head, *lines[first.end_lineno : node.end_lineno]])
