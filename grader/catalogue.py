"""The mistake catalogue: tests/<id>/mistakes.py, the course's known wrong versions of its functions.

Each entry of MISTAKES is a dict:

    {"name": "flipped kernel", "name_zh": "卷积核被翻转", "function": "conv_forward",
     "hint": "...", "hint_zh": "...",
     "code": '''
    def conv_forward(x, w, b, stride=1, pad=0):
        ...a complete wrong version, written as a student would...
    '''}

The variant module is the reference module's source followed by the entry's code, run in
one namespace: the wrong definition replaces the reference's, and every other function
that calls it (through the module's globals) calls the wrong one. A mistake in a method
("ConvNet.loss") is a subclass of the same name, `class ConvNet(ConvNet):`, that overrides
the method. The entries are the instructor's code and are never released: a variant runs in
the grading process to diagnose a failed test, or is graded like a submission by `course check`.
"""

from __future__ import annotations

import ast
import importlib.util
import textwrap
from pathlib import Path
from typing import Any

from grader.caches import Memo
from grader.errors import CatalogueError

REQUIRED = ("name", "function", "hint", "code")


def variant_source(reference_source: str, mistake: dict[str, Any]) -> str:
    """The source of the module with one known mistake: the reference, then the wrong definition.

    Args:
        reference_source: the reference solution's source.
        mistake: a catalogue entry (its "code" is dedented).

    Returns:
        reference_source + two newlines + the dedented code.
    """
    return reference_source.rstrip("\n") + "\n\n" + textwrap.dedent(mistake["code"]).strip("\n") + "\n"


def load_catalogue(path: Path) -> list[dict[str, Any]]:
    """MISTAKES from a course's mistakes.py, checked; [] when there is none (read once per version).

    Raises:
        CatalogueError: when the file cannot be run or an entry is malformed, naming the file and entry.
    """
    if not path.is_file():
        return []
    status = path.stat()
    return list(CATALOGUES.get((path, status.st_mtime_ns, status.st_size), lambda: _catalogue(path)))


CATALOGUES: Memo[tuple[Path, int, int], tuple[dict[str, Any], ...]] = Memo(
    __name__, "a mistakes.py's (path, mtime, size) -> its checked entries"
)


def _catalogue(path: Path) -> tuple[dict[str, Any], ...]:
    spec = importlib.util.spec_from_file_location(f"mistakes_{path.parent.name}", path)
    if spec is None or spec.loader is None:
        raise CatalogueError(f"{path}: cannot be loaded as a Python module.")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise CatalogueError(f"{path}: raised {type(error).__name__} ({error}); fix the file.") from None
    mistakes = getattr(module, "MISTAKES", None)
    if not isinstance(mistakes, list):
        raise CatalogueError(f"{path}: defines no list MISTAKES; add one (it may be empty).")
    names: set[str] = set()
    for number, mistake in enumerate(mistakes):
        check_entry(mistake, f"{path}: entry {number}")
        if mistake["name"] in names:
            raise CatalogueError(f"{path}: the name {mistake['name']!r} is used twice; rename one.")
        names.add(mistake["name"])
    return tuple(mistakes)


def check_entry(mistake: Any, where: str) -> None:
    """Check one catalogue entry.

    Args:
        mistake: the entry.
        where: how to name it in a message ("tests/conv/mistakes.py: entry 2").

    Raises:
        CatalogueError: for a missing or empty key, code that does not parse, or code that does not
            define the entry's function.
    """
    if not isinstance(mistake, dict):
        raise CatalogueError(f"{where} is a {type(mistake).__name__}, not a dict; write it as {{...}}.")
    where = f"{where} ({mistake.get('name', 'unnamed')!r})"
    for key in REQUIRED:
        if not isinstance(mistake.get(key), str) or not mistake[key].strip():
            raise CatalogueError(f"{where} has no {key!r}; add it as a non-empty string.")
    code = textwrap.dedent(mistake["code"])
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise CatalogueError(
            f"{where}: its code is not valid Python (line {error.lineno}: {error.msg})."
        ) from None
    top, _, method = mistake["function"].partition(".")
    definition = next(
        (
            node
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == top
        ),
        None,
    )
    if definition is None:
        raise CatalogueError(f"{where}: its code does not define {top}; define it at the top level.")
    if method and not (
        isinstance(definition, ast.ClassDef)
        and any(isinstance(node, ast.FunctionDef) and node.name == method for node in definition.body)
    ):
        raise CatalogueError(
            f"{where}: its code does not override {mistake['function']}; "
            f"write `class {top}({top}):` with a method {method}."
        )
