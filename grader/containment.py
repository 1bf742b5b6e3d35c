"""Which graded functions a test relies on, so that one mistake costs its own points, once.

A test of `train` builds its model with the student's `ConvNet`; a test of `conv_backward_im2col`
takes its cache from the student's `conv_forward_im2col`; `conv_forward` calls `zero_pad`. When
such a test fails and one of those functions fails its own tests, the plugin reruns the test with
them answered by the reference (`SandboxedSubmission.substituted`), and the caller keeps its
points if it then passes. For that, the tests of the functions a test relies on run first.

Both graphs are read from syntax trees, never by running anything: the reference's call graph
(`grader.diagnosis.callees`) and the names a suite's test reads from its `submission` fixture,
directly or through the suite's own helpers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

SUBMISSION = "submission"


def _closure(direct: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every name reached from each key by following `direct` (the key itself excluded)."""
    reached: dict[str, set[str]] = {}
    for start in direct:
        seen: set[str] = set()
        stack = list(direct[start])
        while stack:
            name = stack.pop()
            if name not in seen and name != start:
                seen.add(name)
                stack.extend(direct.get(name, ()))
        reached[start] = seen
    return reached


def suite_uses(suite_source: str) -> dict[str, set[str]]:
    """For each top-level function or class of a suite, the names it reads as `submission.<name>`,
    directly or through the suite's helpers it refers to by name.

    `def test_x(submission): model = submission.ConvNet(); trained(submission, model)` with a
    helper `trained` that calls `submission.train` gives {"test_x": {"ConvNet", "train"}}.
    """
    tree = ast.parse(suite_source)
    defined = {
        node.name: node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    reads: dict[str, set[str]] = {}
    helpers: dict[str, set[str]] = {}
    for name, node in defined.items():
        reads[name] = {
            child.attr
            for child in ast.walk(node)
            if isinstance(child, ast.Attribute)
            and isinstance(child.value, ast.Name)
            and child.value.id == SUBMISSION
        }
        helpers[name] = {
            child.id for child in ast.walk(node) if isinstance(child, ast.Name) and child.id in defined
        } - {name}
    reached = _closure(helpers)
    return {name: reads[name].union(*(reads[h] for h in reached[name])) for name in defined}


def dependencies(function: str, uses: Iterable[str], callees: dict[str, set[str]]) -> set[str]:
    """The graded functions a test of `function` relies on: what it reads from the submission and
    what those call in the reference, `function` itself excluded.

    Args:
        function: the test's graded function ("train").
        uses: the names the test reads from `submission` ({"ConvNet", "train"}).
        callees: the reference's call graph, transitive ({"ConvNet": {"affine_forward", ...}}).
    """
    names = {function, *uses}
    return names.union(*(callees.get(name, set()) for name in names)) - {function}


def run_ranks(needs: dict[str, set[str]]) -> dict[str, int]:
    """A rank per function, lower first, such that what a function needs runs before it
    (`needs`: function -> the functions its tests rely on). Cycles are broken arbitrarily."""
    ranks: dict[str, int] = {}

    def rank(name: str, path: frozenset[str]) -> int:
        if name not in ranks:
            below = [rank(other, path | {name}) for other in needs.get(name, ()) if other not in path]
            ranks[name] = 1 + max(below, default=-1)
        return ranks[name]

    for name in needs:
        rank(name, frozenset())
    return ranks
