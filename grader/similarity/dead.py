"""Statements that carry no algorithm, found on the syntax tree, so that inserting them hides nothing.

Skipped: docstrings and other bare expressions, `pass`, `print(...)`, `if False:` blocks,
statements after `return`/`raise`, `assert` statements (a check computes nothing), assignments to
local names nothing reads (with the calls that only fill them: `log.append(x)`), and counters: a
name, attribute or item only ever set to a number and moved by a number (`_k += 1`,
`self.calls = self.calls + 1`) whose value nothing reads but its own updates, asserts and guards
(`if <test>: raise ...`). A guard that reads such a value, or a dead local, is skipped with it:
a copier who reads back his padding in checks gains nothing.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field
from typing import TypeGuard

Reads = Counter[str]


def idle_statements(tree: ast.Module) -> list[ast.stmt]:
    """Statements to skip: no effect, unreachable, never-true blocks, checks, dead stores, counters.

    One walk of the tree: blocks are checked before their statements are visited (so what is
    skipped reads nothing), and each function keeps the names read in it and in its inner ones;
    reads inside guards are kept apart, as they decide nothing the code computes.
    """
    idle: list[ast.stmt] = []
    removed: set[int] = set()
    scopes: list[_Scope] = []
    receivers: set[int] = set()  # `v` of `v.method(...)` statements: an update of v, not a read
    pending: list[tuple[ast.AST, tuple[_Scope, ...], int | None, int | None]] = [(tree, (), None, None)]
    while pending:
        node, enclosing, owner, guard = pending.pop()
        if id(node) in removed:
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list):
                found = _idle_in_block(block)
                idle.extend(found)
                removed.update(map(id, found))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scopes.append(_Scope())
            enclosing, owner, guard = (*enclosing, scopes[-1]), None, None
        elif enclosing and guard is None and is_guard(node):
            guard = id(node)
            enclosing[-1].guards[guard] = (node, Counter())
        elif enclosing and isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            owner = id(node)
            enclosing[-1].add_store(node)
        elif enclosing and isinstance(node, (ast.Global, ast.Nonlocal)):
            enclosing[-1].declared.update(node.names)
        elif enclosing and (receiver := _method_receiver(node)) is not None:
            owner = id(node)
            enclosing[-1].add_update(node, receiver.id)  # type: ignore[arg-type]
            receivers.add(id(receiver))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in receivers:
            _note_read(node.id, enclosing, owner, guard)
        pending.extend((child, enclosing, owner, guard) for child in ast.iter_child_nodes(node))
    for scope in scopes:
        idle.extend(scope.dead_statements())
    gone = {id(statement) for statement in idle}
    idle.extend(statement for statement in dead_counters(tree) if id(statement) not in gone)
    return idle


def _note_read(name: str, enclosing: tuple[_Scope, ...], owner: int | None, guard: int | None) -> None:
    if guard is not None:
        enclosing[-1].guards[guard][1][name] += 1
        return
    for scope in enclosing:
        scope.reads[name] += 1
    if owner is not None:
        enclosing[-1].reads_in[owner][name] += 1


def is_guard(node: ast.AST) -> TypeGuard[ast.If]:
    """`if <test>: raise ...` (or `print`, `pass`, an assert) with no else: a check, computing nothing."""
    return (
        isinstance(node, ast.If)
        and not node.orelse
        and all(
            isinstance(statement, (ast.Raise, ast.Pass, ast.Assert)) or _no_effect(statement)
            for statement in node.body
        )
    )


@dataclass
class _Scope:
    """What one function reads and assigns (reads in its inner functions included)."""

    reads: Reads = field(default_factory=Counter)
    reads_in: dict[int, Reads] = field(default_factory=dict)  # assignment -> names it reads
    stores: list[tuple[ast.stmt, set[str]]] = field(default_factory=list)
    declared: set[str] = field(default_factory=set)  # global and nonlocal names: never dead
    guards: dict[int, tuple[ast.stmt, Reads]] = field(default_factory=dict)  # guard -> names it reads
    updates: list[tuple[ast.stmt, str]] = field(default_factory=list)  # `v.method(...)` statements

    def add_store(self, statement: ast.Assign | ast.AugAssign | ast.AnnAssign) -> None:
        self.reads_in[id(statement)] = Counter()
        self.stores.append((statement, _stored_names(statement)))

    def add_update(self, statement: ast.stmt, name: str) -> None:
        self.reads_in[id(statement)] = Counter()
        self.updates.append((statement, name))

    def dead_statements(self) -> list[ast.stmt]:
        """Assignments to local names nothing reads (repeated until none is left), with the method
        calls on them (`log.append(x)`: its effect is on `log` alone) and the guards that read them."""
        dead: list[ast.stmt] = []
        dead_names: set[str] = set()
        local = {name for _, names in self.stores for name in names}
        stores = self.stores + [(statement, {name}) for statement, name in self.updates if name in local]
        while True:
            own: Reads = Counter()  # reads of a name in its own stores (`log.append(len(log))`)
            for statement, names in stores:
                own.update({name: self.reads_in[id(statement)][name] for name in names})
            found = [
                statement
                for statement, names in stores
                if names and not any(self.reads[name] > own[name] or name in self.declared for name in names)
            ]
            if not found:
                break
            for statement in found:
                dead.append(statement)
                self.reads.subtract(self.reads_in[id(statement)])
            gone = set(map(id, found))
            dead_names.update(name for statement, names in stores if id(statement) in gone for name in names)
            stores = [(statement, names) for statement, names in stores if id(statement) not in gone]
        dead.extend(guard for guard, reads in self.guards.values() if dead_names & set(reads))
        return dead


FILLING = frozenset(
    {"append", "extend", "insert", "add", "update", "setdefault", "discard", "remove", "clear", "appendleft"}
)  # methods of the built-in containers that change their receiver only


def _method_receiver(node: ast.AST) -> ast.Name | None:
    """`v` of a statement `v.append(...)` (or another of FILLING), else None."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return None
    function = node.value.func
    if (
        isinstance(function, ast.Attribute)
        and function.attr in FILLING
        and isinstance(function.value, ast.Name)
    ):
        return function.value
    return None


def _idle_in_block(block: list[ast.stmt]) -> list[ast.stmt]:
    idle = []
    for position, statement in enumerate(block):
        if isinstance(statement, (ast.Pass, ast.Assert)) or _no_effect(statement):
            idle.append(statement)
        elif isinstance(statement, (ast.If, ast.While)) and _never_true(statement.test):
            if not (isinstance(statement, ast.If) and statement.orelse):
                idle.append(statement)
        elif isinstance(statement, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
            idle.extend(block[position + 1 :])
            break
    return idle


def _no_effect(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.Expr):
        return False
    value = statement.value
    if isinstance(value, (ast.Constant, ast.Name, ast.Attribute)):
        return True
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "print"


def _never_true(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and not test.value


def _stored_names(statement: ast.Assign | ast.AugAssign | ast.AnnAssign) -> set[str]:
    """The plain names a statement assigns; empty when it also stores into an attribute or item."""
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    names: set[str] = set()
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
                return set()
            if isinstance(node, ast.Name):
                names.add(node.id)
    return names


def _number(node: ast.expr | None) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float, complex, bool)


def _counter_key(statement: ast.AST) -> tuple[str, bool] | None:
    """(the target's text, whether it is an update) for `t = <number>`, `t += <number>`,
    `t = t <op> <number>`, `t = <number> <op> t`; None for anything else."""
    if isinstance(statement, ast.AugAssign) and _number(statement.value):
        return ast.unparse(statement.target), True
    if isinstance(statement, ast.AnnAssign) and _number(statement.value):
        return ast.unparse(statement.target), False
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return None
    target, value = ast.unparse(statement.targets[0]), statement.value
    if _number(value):
        return target, False
    if isinstance(value, ast.BinOp) and (
        (_number(value.right) and ast.unparse(value.left) == target)
        or (_number(value.left) and ast.unparse(value.right) == target)
    ):
        return target, True
    return None


def dead_counters(tree: ast.Module) -> list[ast.stmt]:
    """The statements of counters nothing reads but their own updates, asserts and guards (with
    those guards, and `global` lines that declare only such counters).

    A counter is found by its text (`_k`, `self.calls`, `state[0]`) over the whole module: any
    read of that text, or of the container of an item, elsewhere keeps it (and its statements).
    """
    statements: dict[str, list[ast.stmt]] = {}
    updated: set[str] = set()
    for node in ast.walk(tree):
        found = _counter_key(node)
        if found is not None and isinstance(node, ast.stmt):
            statements.setdefault(found[0], []).append(node)
            if found[1]:
                updated.add(found[0])
    if not updated:
        return []
    read = _read_texts(tree, updated)
    dead = {key for key in updated if key not in read}
    idle = [statement for key in dead for statement in statements[key]]
    idle.extend(
        node for node in ast.walk(tree) if isinstance(node, ast.stmt) and _reads_only_dead(node, dead)
    )
    return idle


def _reads_only_dead(node: ast.AST, dead: set[str]) -> bool:
    """A guard that reads a dead counter, or a `global` line that declares only dead counters."""
    if is_guard(node):
        return bool(dead & _texts(node.test))
    return isinstance(node, (ast.Global, ast.Nonlocal)) and set(node.names) <= dead


def _texts(node: ast.AST) -> set[str]:
    """The text of every name, attribute and item read in `node`."""
    return {
        ast.unparse(part)
        for part in ast.walk(node)
        if isinstance(part, (ast.Name, ast.Attribute, ast.Subscript)) and isinstance(part.ctx, ast.Load)
    }


def _read_texts(tree: ast.Module, keys: set[str]) -> set[str]:
    """The keys read somewhere other than in a counter statement, an assert or a guard."""
    roots = {key.split("[")[0]: key for key in keys if "[" in key}  # an item's container passed on
    read: set[str] = set()
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Assert, ast.Global, ast.Nonlocal)) or is_guard(node):
            continue
        if _counter_key(node) is not None:
            continue
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)) and isinstance(node.ctx, ast.Load):
            text = ast.unparse(node)
            if text in keys:
                read.add(text)
            elif text in roots:
                read.add(roots[text])
        pending.extend(ast.iter_child_nodes(node))
    return read
