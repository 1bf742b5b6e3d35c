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

`load_catalogue` checks each entry and returns the catalogue as a tuple of frozen `Mistake`s, so
that no caller can change an entry another run reads.
"""

from __future__ import annotations

import ast
import importlib.util
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from grader.caches import Memo
from grader.errors import CatalogueError

REQUIRED = ("name", "function", "hint", "code")


@dataclass(frozen=True)
class Mistake(Mapping[str, str]):
    """One entry of the catalogue, immutable. It also reads as the mapping it was written as
    (`mistake["name"]`), for suites and tools that index MISTAKES' entries.

    Attributes:
        name: the mistake's name ("flipped kernel").
        function: the function ("conv_forward") or method ("ConvNet.loss") it is a version of.
        hint: what to check, in English.
        code: the wrong definition (never released; "" where only the name is known: at home).
        name_zh: the name in Chinese ("" where there is none).
        hint_zh: the hint in Chinese ("" where there is none).
    """

    name: str
    function: str
    hint: str
    code: str = ""
    name_zh: str = ""
    hint_zh: str = ""

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> Mistake:
        """The typed form of a checked entry (keys beyond the fields are not kept)."""
        known = {item.name for item in fields(cls)}
        return cls(**{key: str(value) for key, value in entry.items() if key in known})

    def said_name(self, language: str) -> str:
        """The name in `language`, the English one where there is no translation."""
        return self.name_zh if language == "zh-CN" and self.name_zh else self.name

    def said_hint(self, language: str) -> str:
        """The hint in `language`, the English one where there is no translation."""
        return self.hint_zh if language == "zh-CN" and self.hint_zh else self.hint

    def __getitem__(self, key: str) -> str:
        if key not in self._keys():
            raise KeyError(key)
        return str(getattr(self, key))

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def _keys(self) -> tuple[str, ...]:
        """The fields the entry has: the required ones, and the optional ones that are not empty."""
        return tuple(item.name for item in fields(self) if item.name in REQUIRED or getattr(self, item.name))


def variant_source(reference_source: str, mistake: Mapping[str, Any]) -> str:
    """The source of the module with one known mistake: the reference, then the wrong definition.

    Args:
        reference_source: the reference solution's source.
        mistake: a catalogue entry (its "code" is dedented).

    Returns:
        reference_source + two newlines + the dedented code.
    """
    return reference_source.rstrip("\n") + "\n\n" + textwrap.dedent(mistake["code"]).strip("\n") + "\n"


def load_catalogue(path: Path) -> tuple[Mistake, ...]:
    """MISTAKES from a course's mistakes.py, checked; () when there is none (read once per version).

    Raises:
        CatalogueError: when the file cannot be run or an entry is malformed, naming the file and entry.
    """
    if not path.is_file():
        return ()
    status = path.stat()
    return CATALOGUES.get((path, status.st_mtime_ns, status.st_size), lambda: _catalogue(path))


CATALOGUES: Memo[tuple[Path, int, int], tuple[Mistake, ...]] = Memo(
    __name__, "a mistakes.py's (path, mtime, size) -> its checked entries"
)


def _catalogue(path: Path) -> tuple[Mistake, ...]:
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
    return tuple(Mistake.of(mistake) for mistake in mistakes)


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
