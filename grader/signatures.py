"""A function's parameters as its source declares them, read from the syntax tree (never run).

The names, literal defaults and the docstring's `Args:` descriptions let the analysis name an
argument ("c_in: input channels"), and bind a recorded call's arguments to those names.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from grader.sandbox.recording import Call

MAX_SOURCE_BYTES = 2**20  # a source file read for a signature


@dataclass(frozen=True)
class Signature:
    """A function's parameters as its source declares them.

    Attributes:
        names: the parameter names, in order (self excluded).
        defaults: the literal default values, by name.
        descriptions: each parameter's description from the docstring's Args section.
    """

    names: tuple[str, ...]
    defaults: dict[str, Any]
    descriptions: dict[str, str]


def signature(source: str, function: str) -> Signature | None:
    """The signature of top-level `function` ("f" or "Class.method") in `source`, or None."""
    if len(source) > MAX_SOURCE_BYTES:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    node = _find(tree.body, function.split("."))
    if node is None:
        return None
    arguments = [*node.args.posonlyargs, *node.args.args]
    names = [a.arg for a in arguments if a.arg not in ("self", "cls")] + [a.arg for a in node.args.kwonlyargs]
    defaults: dict[str, Any] = {}
    pairs = list(zip(arguments[len(arguments) - len(node.args.defaults) :], node.args.defaults, strict=True))
    pairs += [
        (a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True) if d is not None
    ]
    for argument, default in pairs:
        try:
            defaults[argument.arg] = ast.literal_eval(default)
        except ValueError:
            continue
    return Signature(tuple(names), defaults, _descriptions(ast.get_docstring(node) or "", names))


def _find(body: list[ast.stmt], path: list[str]) -> ast.FunctionDef | None:
    for node in body:
        if isinstance(node, ast.FunctionDef) and len(path) == 1 and node.name == path[0]:
            return node
        if isinstance(node, ast.ClassDef) and len(path) > 1 and node.name == path[0]:
            return _find(node.body, path[1:])
    return None


def _descriptions(docstring: str, names: Sequence[str]) -> dict[str, str]:
    """'name: text' lines of a Google-style Args section, first line of each."""
    found: dict[str, str] = {}
    for line in docstring.splitlines():
        name, colon, text = line.strip().partition(":")
        if colon and name in names and name not in found and text.strip():
            found[name] = text.strip()
    return found


def bound(call: Call, signature: Signature) -> dict[str, Any] | None:
    """The call's arguments by parameter name, defaults filled in; None when they do not bind."""
    args, kwargs = call.decoded()[:2]
    if args is None or kwargs is None or len(args) > len(signature.names):
        return None
    values = dict(signature.defaults)
    values.update(zip(signature.names, args, strict=False))
    values.update(kwargs)
    return values if set(values) <= set(signature.names) else None
