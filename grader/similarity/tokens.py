"""A submission's code as a normalised token stream that renaming and reformatting do not change.

Python's own `tokenize` reads the source; names become `V` (keywords, builtins and attribute
names after a dot stay), numbers `N`, strings `S`; comments, blank lines and layout vanish; the
end of a statement is `;` and blocks are `{` `}`. Before that, the syntax tree marks what carries
no algorithm and is skipped (`dead`: docstrings, checks, unreachable code, stores and counters
nothing reads). Every token keeps its character span in the source, so a match can be
highlighted where the student wrote it. `screen` first counts the tokens as they stream by, so a
file too large to compare costs no syntax tree, and lists code built at run time.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import io
import keyword
import math
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grader.similarity.dead import idle_statements
from grader.similarity.screen import (
    MAX_RAW_TOKENS,
    MAX_TOKENS,
    STATEMENT_START,
    Finding,
    obfuscation,
    too_long,
    too_many_tokens,
)

KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(dir(builtins))
CLOSING = frozenset(")]}")
SKIPPED = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER, tokenize.ERRORTOKEN}
)
FSTRING_START = getattr(tokenize, "FSTRING_START", -1)  # Python 3.12+ splits f-strings into tokens
FSTRING_END = getattr(tokenize, "FSTRING_END", -2)


@dataclass(frozen=True)
class Tokens:
    """A normalised token stream.

    Attributes:
        kinds: the normalised text of each token ("V", "N", "S", "def", "(", ";", ...), length T.
        spans: character offsets [start, end) of each token in the source, shape (T, 2), int64.
    """

    kinds: list[str]
    spans: np.ndarray


def read_code(path: Path) -> str:
    """The code of a submission: a .py file's text, or a notebook's code cells one after another.

    Notebook cells are joined with a `# In[n]` comment line (skipped by the tokenizer) so the report
    shows where each cell begins; IPython magics and shell lines (`%`, `!`) become comments.

    Raises:
        SubmissionError: if a notebook cannot be read.
    """
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8", errors="replace")
    from grader.submission import notebook_code_cells

    cells = []
    for number, cell in enumerate(notebook_code_cells(path), start=1):
        lines = [f"# {line}" if line.lstrip()[:1] in ("%", "!") else line for line in cell.splitlines()]
        cells.append(f"# In[{number}]\n" + "\n".join(lines))
    return "\n\n".join(cells) + "\n"


def screen(source: str) -> tuple[Tokens | None, list[Finding]]:
    """The normalised tokens of `source` and what the report says of it.

    Tokens are counted as they stream by before anything is built: a file over `MAX_RAW_TOKENS`
    (comments excluded) or, once dead code is removed, over `MAX_TOKENS` is not compared.

    Returns:
        the tokens (None when not compared) and the findings (obfuscation, not compared).
    """
    long = too_long(source)
    if long is not None:
        return None, [long]
    counted = _Counted(_raw_tokens(source, _line_starts(source)), MAX_RAW_TOKENS)
    findings = [found] if (found := obfuscation(counted)) else []
    if counted.count > MAX_RAW_TOKENS:
        return None, [
            *findings,
            too_many_tokens(counted.count, MAX_RAW_TOKENS, "before dead code is removed"),
        ]
    tokens = normalise(source)
    if len(tokens.kinds) > MAX_TOKENS:
        return None, [*findings, too_many_tokens(len(tokens.kinds), MAX_TOKENS, "once dead code is removed")]
    return tokens, findings


class _Counted:
    """(token, the text of the token before it) for the code tokens of a stream, counted, stopping
    once over `limit`."""

    def __init__(self, tokens: Iterator[tuple[tokenize.TokenInfo, int, int]], limit: int) -> None:
        self.tokens, self.limit, self.count = tokens, limit, 0

    def __iter__(self) -> Iterator[tuple[tokenize.TokenInfo, str]]:
        previous = ""
        for token, _, _ in self.tokens:
            if token.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                previous = STATEMENT_START  # the next token starts a statement
                continue
            if token.type in SKIPPED:
                continue
            self.count += 1
            if self.count > self.limit:
                return
            yield token, previous
            previous = token.string


def normalise(source: str) -> Tokens:
    """Tokenize and normalise `source`; code that does not parse is still tokenized as far as it can be."""
    line_starts = _line_starts(source)
    skipped = _skipped_spans(source, line_starts)
    stream = _Stream()
    hidden_blocks = 0  # INDENTs dropped inside skipped statements, whose DEDENTs are dropped too
    for token, start, end in _raw_tokens(source, line_starts):
        if token.type == tokenize.INDENT and _inside(skipped, start, strict=True):
            hidden_blocks += 1
        elif token.type == tokenize.DEDENT and hidden_blocks:
            hidden_blocks -= 1
        elif token.type in (tokenize.INDENT, tokenize.DEDENT) or not _inside(skipped, start):
            stream.add(token, start, end)
    return Tokens(stream.kinds, np.array(stream.spans, dtype=np.int64).reshape(-1, 2))


class _Stream:
    """The normalised tokens so far; merges statement ends and drops layout-only tokens.

    Layout-only: trailing commas, and parentheses that group rather than call (`return (a, b)`,
    `(x + y) * z` keeps its meaning in the order of the tokens that remain).
    """

    def __init__(self) -> None:
        self.kinds: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self.previous: tokenize.TokenInfo | None = None
        self.grouping: list[bool] = []  # for each open bracket: a grouping parenthesis?

    def add(self, token: tokenize.TokenInfo, start: int, end: int) -> None:
        kind = _kind(token, self.previous.string if self.previous else "")
        if kind is None:
            return
        drop = False
        if token.type == tokenize.OP and kind in ("(", "[", "{"):
            drop = kind == "(" and not self._call_or_subscript()
            self.grouping.append(drop)
        elif token.type == tokenize.OP and kind in CLOSING:
            drop = self.grouping.pop() if self.grouping else False
            if self.kinds and self.kinds[-1] == ",":  # a trailing comma is layout
                self.kinds.pop()
                self.spans.pop()
        elif kind == ";" and (not self.kinds or self.kinds[-1] in (";", "{", "}")):
            drop = True
        self.previous = token
        if not drop:
            self.kinds.append(kind)
            self.spans.append((start, end))

    def _call_or_subscript(self) -> bool:
        before = self.previous
        if before is None:
            return False
        if before.type == tokenize.NAME:
            return not keyword.iskeyword(before.string)
        return before.string in (")", "]") or before.type == tokenize.STRING


def _kind(token: tokenize.TokenInfo, previous: str) -> str | None:
    if token.type in SKIPPED:
        return None
    if token.type == tokenize.NAME:
        return token.string if token.string in KEPT_NAMES or previous == "." else "V"
    if token.type == tokenize.NUMBER:
        return "N"
    if token.type in (tokenize.STRING, FSTRING_START):
        return "S"
    if token.type == tokenize.NEWLINE or token.string == ";":
        return ";"
    if token.type == tokenize.INDENT:
        return "{"
    if token.type == tokenize.DEDENT:
        return "}"
    return token.string if token.type == tokenize.OP else None


def _raw_tokens(source: str, line_starts: list[int]) -> Iterator[tuple[tokenize.TokenInfo, int, int]]:
    """(token, start offset, end offset) for every token.

    After a tokenizer error (bad indentation, an unclosed bracket), tokenizing resumes on the next
    line with indentation removed, so the rest of a broken file still counts.
    """
    lines = source.splitlines(keepends=True)
    first, indents = 0, [0] * len(lines)
    depth = 0  # inside an f-string (3.12+), whose parts are one string token here
    while first < len(lines):
        reader = io.StringIO(
            "".join(line[indents[n] :] for n, line in enumerate(lines) if n >= first)
        ).readline
        try:
            for token in tokenize.generate_tokens(reader):
                if token.type == FSTRING_START:
                    depth += 1
                    if depth > 1:
                        continue
                elif token.type == FSTRING_END:
                    depth -= 1
                    continue
                elif depth:
                    continue
                (start_row, start_column), (end_row, end_column) = token.start, token.end
                start_row, end_row = first + start_row, first + end_row
                start = _offset(line_starts, start_row, start_column + _shift(indents, start_row), source)
                end = _offset(line_starts, end_row, end_column + _shift(indents, end_row), source)
                yield token, start, end
            return
        except (tokenize.TokenError, SyntaxError) as error:
            row = error.args[1][0] if isinstance(error, tokenize.TokenError) else (error.lineno or 1)
            first += max(int(row), 1)
            indents = [len(line) - len(line.lstrip(" \t")) for line in lines]
            depth = 0


def _shift(indents: list[int], row: int) -> int:
    return indents[row - 1] if 0 < row <= len(indents) else 0


def _line_starts(source: str) -> list[int]:
    starts = [0, 0]  # rows count from 1
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _offset(line_starts: list[int], row: int, column: int, source: str) -> int:
    if row >= len(line_starts):
        return len(source)
    return min(line_starts[row] + column, len(source))


def _inside(spans: list[tuple[int, int]], offset: int, strict: bool = False) -> bool:
    """Whether `offset` falls in one of the sorted, disjoint `spans` (after its start, if strict)."""
    index = bisect.bisect_right(spans, (offset, math.inf)) - 1
    if index < 0:
        return False
    start, end = spans[index]
    return (start < offset if strict else start <= offset) and offset < end


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _skipped_spans(source: str, line_starts: list[int]) -> list[tuple[int, int]]:
    """Character spans of statements that carry no algorithm (empty when the source does not parse)."""
    try:
        tree = ast.parse(source)
        idle = idle_statements(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # nesting too deep for the tree
        return []
    lines = source.splitlines(keepends=True)

    def char_offset(row: int, byte_column: int) -> int:
        text = lines[row - 1] if row - 1 < len(lines) else ""
        column = len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))
        return _offset(line_starts, row, column, source)

    spans = []
    for node in idle:
        end_row = node.end_lineno or node.lineno
        end_column = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        spans.append((char_offset(node.lineno, node.col_offset), char_offset(end_row, end_column)))
    return _merged(spans)
