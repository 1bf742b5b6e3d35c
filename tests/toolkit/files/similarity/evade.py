"""Copies made by a student who has read the similarity code, and files meant to break the report.

`packed` hides a whole copy in a compressed string run at import (it still runs and scores);
`counted` pads a copy with a counter updated after every statement and read back by checks, in
five flavours (a local, a global, an item of a module-level list, a guard that raises instead of
an assert, a list filled and checked); `nbgrader_list` writes a notebook whose cell metadata is a
list where nbgrader keeps a mapping; `dense` writes real code of a given size.
"""

from __future__ import annotations

import ast
import base64
import json
import zlib


def packed(source: str, how: str = "exec") -> str:
    """`source` compressed, base64-encoded, and run at import by `how`.

    how: "exec" (exec of the decompressed text), "compile" (eval of compile(...)), "getattr" (exec
    reached through builtins by a built-up name), "interpreter" (the `code` module's interpreter,
    given the module's globals), "marshal" (a code object, marshalled: the file
    carries the bytes of compile(source) and runs them with types.FunctionType).
    """
    blob = base64.b64encode(zlib.compress(source.encode())).decode()
    text = f"zlib.decompress(base64.b64decode({blob!r})).decode()"
    header = "import base64\nimport zlib\n"
    if how == "exec":
        return f"{header}exec({text})\n"
    if how == "compile":
        return f"{header}eval(compile({text}, 'conv', 'exec'))\n"
    if how == "getattr":
        return f"{header}import builtins\ngetattr(builtins, 'ex' + 'ec')({text})\n"
    if how == "interpreter":
        return (
            f"{header}import code\ncode.InteractiveInterpreter(globals()).runsource({text}, 'conv', 'exec')\n"
        )
    if how == "marshal":
        import marshal

        code = base64.b64encode(zlib.compress(marshal.dumps(compile(source, "conv", "exec")))).decode()
        return (
            f"{header}import marshal\nimport types\n"
            f"types.FunctionType(marshal.loads(zlib.decompress(base64.b64decode({code!r}))), globals())()\n"
        )
    raise ValueError(how)


class _Counter(ast.NodeTransformer):
    """Adds a counter update after every statement of every function, and a check before returns."""

    def __init__(self, flavour: str) -> None:
        self.flavour = flavour
        self.update = {
            "local": "_k += 1",
            "global": "_k += 1",
            "item": "_calls[0] += 1",
            "guard": "_k += 1",
            "log": "_log.append(len(_log))",
        }[flavour]
        self.check = {
            "local": "assert _k > 0",
            "global": "assert _k > 0",
            "item": "assert _calls[0] > 0, 'counted'",
            "guard": "if _k < 0:\n    raise RuntimeError('negative count')",
            "log": "assert len(_log) > 0",
        }[flavour]

    def padded(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for statement in body:
            self.visit(statement)
            if isinstance(statement, ast.Return):
                out.extend(ast.parse(self.check).body)
                out.append(statement)
                continue
            out.append(statement)
            out.extend(ast.parse(self.update).body)
        return out

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt) and self.inside:
                setattr(node, name, self.padded(block))
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.stmt):
                super().visit(child)
        return node

    inside = False

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:  # noqa: N802 (ast's naming)
        outer, self.inside = self.inside, True
        body = self.padded(node.body)
        start = {
            "local": "_k = 0",
            "guard": "_k = 0",
            "global": "global _k",
            "item": "_calls[0] = 0",
            "log": "_log = []",
        }
        node.body = [*ast.parse(start[self.flavour]).body, *body]
        self.inside = outer
        return node


def counted(source: str, flavour: str = "local") -> str:
    """`source` with a counter updated after every statement of its functions, read back by checks."""
    tree = ast.parse(source)
    padder = _Counter(flavour)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            padder.visit_FunctionDef(node)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    padder.visit_FunctionDef(item)
    prelude = {"global": "_k = 0\n", "item": "_calls = [0]\n"}.get(flavour, "")
    return prelude + ast.unparse(tree) + "\n"


def nbgrader_list(cells: list[str]) -> str:
    """A notebook (nbformat 4 JSON) whose first cell's nbgrader metadata is a list, not a mapping."""
    book = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "id": f"cell-{number}",
                "metadata": {"nbgrader": []} if number == 0 else {},
                "execution_count": None,
                "outputs": [],
                "source": text,
            }
            for number, text in enumerate(cells)
        ],
    }
    return json.dumps(book)


def dense(size: int) -> str:
    """Real, varied Python code of at least `size` characters: many small functions."""
    parts, number = [], 0
    while sum(map(len, parts)) < size:
        number += 1
        parts.append(
            f"def step_{number}(x, y):\n"
            f"    a = x * {number} + y\n    b = a - x / {number + 1}\n"
            f"    return [a + b * i for i in range({number % 7 + 1})]\n\n"
        )
    return "".join(parts)
