"""No import cycle in grader/ (issue 20, item 6): dependencies point one way (STYLE.md).

The graph is read from the source with `ast`: an edge for every import a module makes, at module
level or inside a function, since a function-level import is a cycle put off until the call, not
removed. Imports under `if TYPE_CHECKING:` never run, so they are not edges.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

GRADER = Path(__file__).resolve().parents[2] / "grader"


def module_name(path: Path, package: Path) -> str:
    """`grader/cli/grade.py` -> `grader.cli.grade`; a package's `__init__.py` is the package."""
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of a module that can run (anywhere but under `if TYPE_CHECKING:`)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if _type_checking_only(node):
            stack.extend(node.orelse)  # type: ignore[attr-defined]
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _targets(node: ast.Import | ast.ImportFrom, package: str, known: set[str]) -> set[str]:
    """The package's modules one import statement loads by name."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in known}
    base = node.module or ""
    if node.level:  # relative: from the module's package, up level - 1 packages
        parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        base = ".".join([*parts, *([node.module] if node.module else [])])
    found = set()
    for alias in node.names:
        if f"{base}.{alias.name}" in known:  # `from grader import i18n`: the submodule
            found.add(f"{base}.{alias.name}")
        elif base in known:  # `from grader.config import Course`: the module
            found.add(base)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """module -> the modules of the same package it imports, for every .py file under `package`."""
    files = {module_name(path, package): path for path in sorted(package.rglob("*.py"))}
    graph = {}
    for name, path in files.items():
        home = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set().union(*(_targets(node, home, set(files)) for node in imports(tree)))
        graph[name] = targets - {name}
    return graph


def tangles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected sets of more than one module (Tarjan): each holds one cycle or more."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            members = set()
            while True:
                member = stack.pop()
                members.add(member)
                if member == node:
                    break
            if len(members) > 1:
                found.append(members)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """A shortest cycle `a -> b -> ... -> a` through the first module of each tangle: the imports to
    break first (a tangle of several cycles shows its next one once this one is broken)."""
    return [shortest_cycle(graph, members) for members in tangles(graph)]


def shortest_cycle(graph: dict[str, set[str]], members: set[str]) -> list[str]:
    """A shortest cycle through the first of `members`, a strongly connected set (breadth first)."""
    start = min(members)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & members):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a strongly connected set always has one


def test_grader_has_no_import_cycle():
    graph = import_graph(GRADER)
    found = [
        f"{' -> '.join(shortest_cycle(graph, members))}   (tangled: {', '.join(sorted(members))})"
        for members in tangles(graph)
    ]
    assert not found, "import cycles; break one import of each:\n" + "\n".join(found)


def test_the_graph_sees_the_cli_and_the_library_below_it():
    graph = import_graph(GRADER)
    assert "grader.cli.common" in graph["grader.cli.grade"]
    assert "grader.grading" in graph["grader.cli.grade"]  # a function-level import is an edge
    assert not any(name.startswith("grader.cli") for name in graph["grader.grading"])


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_a_cycle_through_a_function_level_import_is_named(tmp_path):
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg import b\n",
            "b.py": "def later():\n    from pkg.sub import c\n",
            "sub/__init__.py": "",
            "sub/c.py": "from ..a import name\n",
            "d.py": "import pkg.a\n",
        },
    )
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]]


def test_an_import_for_type_checkers_only_is_no_edge(tmp_path):
    package = _package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\n",
            "b.py": "from pkg.a import A\n",
        },
    )
    assert import_graph(package)["pkg.a"] == set()
    assert cycles(import_graph(package)) == []
