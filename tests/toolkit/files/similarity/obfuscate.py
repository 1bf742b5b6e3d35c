"""Disguised copies of a solution, as a student who copies would make them.

Each transform takes source text and a seeded random generator and returns new source that still
runs: `rename` (locals, helpers and import aliases; the graded API is kept), `reformat` (another
layout: ast.unparse, two-space indents, blank lines), `reorder` (top-level functions shuffled),
`recomment` (comments and docstrings replaced), `insert` (statements added: some dead, some live
checks), and `transplant` (one function taken from another file: a partial copy).
"""

from __future__ import annotations

import ast
import io
import keyword
import random
import re
import tokenize

WORDS = [
    "alpha",
    "beta",
    "res",
    "acc",
    "tmp",
    "val",
    "buf",
    "arr",
    "grid",
    "tile",
    "node",
    "item",
    "part",
    "data",
    "vec",
    "mat",
    "cell",
    "span",
    "step",
    "edge",
]
COMMENTS = [
    "# loop over the output",
    "# compute the result here",
    "# TODO check the shapes",
    "# this part was tricky",
    "# numpy does the heavy lifting",
    "# handle each window",
    "# the gradient flows back",
    "# see lecture 3",
    "# store for later",
    "# done",
]


def api_names(source: str) -> set[str]:
    """Public function and class names (the graded API) and every parameter name."""
    tree = ast.parse(source)
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names = {n for n in names if not n.startswith("_")}
    names |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args + n.kwonlyargs}
    return names


def renameable(source: str) -> set[str]:
    """Names a copier can change without breaking the graded API."""
    tree = ast.parse(source)
    api = api_names(source)
    found = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    found |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name not in api}
    found |= {
        a.asname
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
        if a.asname
    }
    return found - api - set(keyword.kwlist) - {"_"}


def rename(source: str, rng: random.Random) -> str:
    """Rename every local, helper and import alias consistently (keyword arguments are kept)."""
    names = sorted(renameable(source))
    fresh = (
        rng.sample(WORDS, len(names)) if len(names) <= len(WORDS) else [f"v{i}" for i in range(len(names))]
    )
    mapping = {old: f"{new}{rng.randint(0, 9)}" for old, new in zip(names, fresh, strict=True)}
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    out, depth = [], 0
    for position, token in enumerate(tokens):
        if token.type == tokenize.OP:
            depth += token.string in ("(", "[", "{")
            depth -= token.string in (")", "]", "}")
        following = tokens[position + 1].string if position + 1 < len(tokens) else ""
        previous = tokens[position - 1].string if position else ""
        keyword_argument = depth > 0 and following == "="
        if (
            token.type == tokenize.NAME
            and token.string in mapping
            and previous != "."
            and not keyword_argument
        ):
            token = token._replace(string=mapping[token.string])
        out.append(token)
    return tokenize.untokenize(out)


def reformat(source: str, rng: random.Random) -> str:
    """Another layout: canonical unparse, two-space indentation, blank lines here and there."""
    lines = []
    for line in ast.unparse(ast.parse(source)).splitlines():
        stripped = line.lstrip(" ")
        indent = (len(line) - len(stripped)) // 4
        lines.append("  " * indent + stripped)
        if rng.random() < 0.15:
            lines.append("")
    return "\n".join(lines) + "\n"


def blocks(source: str) -> tuple[list[str], list[str]]:
    """The module split into its head (before the first def) and one text block per top-level def."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    starts = [(n.decorator_list[0].lineno if n.decorator_list else n.lineno) - 1 for n in tree.body
              if isinstance(n, (ast.FunctionDef, ast.ClassDef))]  # fmt: skip
    if not starts:
        return lines, []
    head = lines[: starts[0]]
    blocks = ["".join(lines[a:b]) for a, b in zip(starts, starts[1:] + [len(lines)], strict=True)]
    return head, blocks


def reorder(source: str, rng: random.Random) -> str:
    """Shuffle the top-level functions (Python resolves names at call time, so it still runs)."""
    head, parts = blocks(source)
    rng.shuffle(parts)
    return "".join(head) + "".join(part if part.endswith("\n\n") else part + "\n\n" for part in parts)


def recomment(source: str, rng: random.Random) -> str:
    """Drop every comment, rewrite docstrings, and add new comments before some statements."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type != tokenize.COMMENT]
    text = tokenize.untokenize(tokens)
    text = re.sub(r'"""(.|\n)*?"""', lambda _: f'"""{rng.choice(COMMENTS)[2:].capitalize()}."""', text)
    out = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if (
            stripped
            and not stripped.startswith(("def ", "@", ")", "]", "else", "elif", "except"))
            and rng.random() < 0.2
        ):
            out.append(line[: len(line) - len(stripped)] + rng.choice(COMMENTS))
        out.append(line.rstrip())
    return "\n".join(out) + "\n"


def _statement_lines(source: str) -> list[tuple[int, int, str]]:
    """(line index, indentation, first parameter or "") before which a statement may be inserted."""
    tree = ast.parse(source)
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            parameter = function.args.args[0].arg if function.args.args else ""
            body = function.body[1:] if ast.get_docstring(function) else function.body
            found += [(s.lineno - 1, s.col_offset, parameter) for s in body]
    return found


def insert(source: str, rng: random.Random, count: int = 6) -> str:
    """Insert statements: dead stores, prints, asserts and harmless checks, between existing ones."""
    lines = source.splitlines()
    spots = _statement_lines(source)
    for line, indent, parameter in sorted(rng.sample(spots, min(count, len(spots))), reverse=True):
        pad = " " * indent
        name = parameter or "None"
        options = [
            f"{pad}unused_{rng.randint(0, 99)} = 0",
            f"{pad}debug = False",
            f"{pad}print('checkpoint', {rng.randint(1, 9)})",
            f"{pad}assert {name} is not None",
            f"{pad}if {name} is None:\n{pad}    raise ValueError('missing input')",
            f"{pad}counter = 0\n{pad}counter += 1",
        ]
        lines.insert(line, rng.choice(options))
    return "\n".join(lines) + "\n"


def transplant(source: str, donor: str, function: str) -> str:
    """`source` with `function` replaced by the donor's version (a partial copy)."""
    head, parts = blocks(source)
    _, donor_parts = blocks(donor)
    given = next(b for b in donor_parts if b.startswith(f"def {function}("))
    swapped = [given if b.startswith(f"def {function}(") else b for b in parts]
    return "".join(head) + "".join(b if b.endswith("\n\n") else b + "\n\n" for b in swapped)


TRANSFORMS = {"renamed": rename, "reformatted": reformat, "reordered": reorder, "recommented": recomment,
              "inserted": insert}  # fmt: skip


def disguise(source: str, seed: int) -> str:
    """All transforms at once, in the order a copier might apply them."""
    rng = random.Random(seed)
    for transform in (rename, insert, reorder, reformat, recomment):
        source = transform(source, rng)
    return source
