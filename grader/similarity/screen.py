"""What is said of a submission besides its pairs: code run from text, and files too large to compare.

Code that builds code at run time (`exec`, `eval`, `compile`, `marshal`, `pickle`, code and
function objects, `__import__` and the builtins reached by name, `code`'s interpreters,
`timeit` of a string, `ctypes`, `subprocess`, the decoders of packed text such as `b64decode`,
a string literal over 2,000 characters) can hold a whole copy in a
compressed string that no fingerprint sees: any such use is listed as obfuscation, with the
student named, for a person to read. Nothing is decoded, imported or run here: the tokens are
only read. A file whose code (comments and dead statements removed) is longer than
`MAX_TOKENS` is listed as not compared, so memory stays bounded whatever a student submits.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

MAX_CODE_CHARACTERS = 4_000_000  # the code read at all (a notebook: its code cells joined)
MAX_RAW_TOKENS = 200_000  # tokens before the syntax tree removes dead code (bounds its memory)
MAX_TOKENS = 50_000  # tokens compared, after comments and dead code are removed

RUNS_TEXT = frozenset(
    {"exec", "eval", "compile", "__import__", "breakpoint"}
)  # the builtins, not `re.compile`
REACHES_CODE = frozenset(
    {
        "marshal",
        "pickle",
        "dill",
        "runpy",
        "importlib",
        "builtins",
        "__builtins__",
        "CodeType",
        "FunctionType",
        "LambdaType",
        "__code__",
        "__globals__",
        "__subclasses__",
        "InteractiveInterpreter",
        "InteractiveConsole",
        "runsource",
        "runcode",
        "timeit",
        "ctypes",
        "subprocess",
        "allow_pickle",
        "shelve",
        "copyreg",
        # decoders of packed text: a copy written to a file at import and imported needs no exec
        "b64decode",
        "b32decode",
        "b85decode",
        "a85decode",
        "decodebytes",
        "unhexlify",
        "decompress",
    }
)  # anywhere, attribute or name
# A program's own text and names reached at run time: a copy kept in comments (dropped before
# comparing) and read back through __file__, or exec fetched as getattr(print.__self__, "ex" + "ec")
READS_ITSELF = frozenset(
    {"__file__", "__spec__", "__loader__", "getsource", "linecache", "__self__", "globals", "vars"}
)
ATTRIBUTES = frozenset({"modules", "__dict__"})  # only as attributes: sys.modules, x.__dict__
LONG_LITERAL = 2_000  # characters: a string this long in a submission is data, or packed code
MAX_TEXT = 8_000  # characters of string literals in one file, however many pieces they are cut in
MAX_NUMBERS = 1_000  # number literals in one file: data, or a copy packed as byte values
NAMED = RUNS_TEXT | REACHES_CODE | READS_ITSELF | ATTRIBUTES
STATEMENT_START = "\n"  # the "token before" the first token of a statement
QUOTED = re.compile(r"^[rRbBuU]{0,2}(?:'''|\"\"\"|'|\")(\w+)(?:'''|\"\"\"|'|\")$")

OBFUSCATION, NOT_COMPARED = "obfuscation", "not compared"


@dataclass(frozen=True)
class Finding:
    """Something the report says of one submission.

    Attributes:
        kind: OBFUSCATION (still compared) or NOT_COMPARED (left out of every pair).
        detail: one sentence: what was found and where.
    """

    kind: str
    detail: str


def too_long(source: str) -> Finding | None:
    """A finding when `source` has more characters than are read at all, else None."""
    if len(source) <= MAX_CODE_CHARACTERS:
        return None
    return not_compared(f"{len(source):,} characters of code, over the {MAX_CODE_CHARACTERS:,} compared")


def not_compared(reason: str) -> Finding:
    """The finding of a submission left out: `reason`, and what a person should do."""
    return Finding(NOT_COMPARED, f"not compared: {reason}; read it yourself")


def too_many_tokens(count: int, limit: int, stage: str) -> Finding:
    """The finding of a file whose code is over `limit` tokens (`stage`: before or after dead code)."""
    return not_compared(f"more than {limit:,} tokens of code {stage} ({count:,} counted)")


def obfuscation(tokens: Iterable[tuple[tokenize.TokenInfo, str]]) -> Finding | None:
    """A finding naming each use of code built at run time, with its first line; None if there is none.

    Besides the names above: a module imported that is neither Python's, nor installed, nor
    anything but a file the submission writes at run time; many number literals, or much text
    cut in short strings (a copy packed as data).

    Args:
        tokens: (token, the text of the token before it; `STATEMENT_START` at a statement's
            start) for every token of the file.
    """
    lines: dict[str, int] = {}
    numbers = text = 0
    imports = _Imports()
    for token, previous in tokens:
        name = _used_name(token, previous) or imports.unknown(token, previous)
        if name is not None and name not in lines:
            lines[name] = token.start[0]
        numbers += token.type == tokenize.NUMBER
        text += len(token.string) if token.type == tokenize.STRING else 0
        for over, limit, what in (
            (numbers, MAX_NUMBERS, "number literals"),
            (text, MAX_TEXT, "characters of text"),
        ):
            label = f"over {limit:,} {what}"
            if over > limit and label not in lines:
                lines[label] = token.start[0]
    if not lines:
        return None
    uses = ", ".join(
        f"{name} (line {line})" for name, line in sorted(lines.items(), key=lambda item: item[1])
    )
    return Finding(OBFUSCATION, f"runs code built at run time, which no fingerprint sees: {uses}")


class _Imports:
    """Follows import statements token by token: which modules they name."""

    def __init__(self) -> None:
        self.clause = ""  # "import" or "from" inside an import statement, else ""
        self.expecting = False  # the next name is a module's

    def unknown(self, token: tokenize.TokenInfo, previous: str) -> str | None:
        """ "import of NAME" when `token` names a module no one could import but from a file
        written at run time (neither Python's nor installed), else None."""
        if previous == STATEMENT_START:
            self.clause, self.expecting = "", False
        if token.string in ("import", "from") and token.type == tokenize.NAME:
            starts = previous in (STATEMENT_START, ";", "")
            if starts:
                self.clause, self.expecting = token.string, True
            elif token.string == "import" and self.clause == "from":
                self.expecting = False
            return None
        if self.clause == "import" and previous == ",":
            self.expecting = True
        if not self.expecting or token.type != tokenize.NAME:
            self.expecting = False  # a relative import ("from .mine import x"): not checked
            return None
        self.expecting = False
        return None if _importable(token.string) else f"import of {token.string}"


def _importable(module: str) -> bool:
    """Whether a top-level module is Python's own or installed here (found, never imported)."""
    if module in sys.stdlib_module_names or module in sys.builtin_module_names:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _used_name(token: tokenize.TokenInfo, previous: str) -> str | None:
    if token.type == tokenize.NAME:
        if token.string in REACHES_CODE or token.string in READS_ITSELF:
            return token.string
        if (token.string in RUNS_TEXT and previous != ".") or (
            token.string in ATTRIBUTES and previous == "."
        ):
            return token.string
        return None
    if token.type == tokenize.STRING:  # getattr(builtins, "exec"), sys.modules["marshal"]
        if len(token.string) > LONG_LITERAL:
            return f"a string of {len(token.string):,} characters"
        quoted = QUOTED.match(token.string)
        if quoted and quoted.group(1) in NAMED:
            return quoted.group(1)
    return None
