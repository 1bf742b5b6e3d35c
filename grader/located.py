"""Which recorded call a failed comparison is about, and what the test's calls say together.

A failed `assert_close` holds the student's value; the test's recorded calls of its function
hold the calls that returned it. `failed_call` finds that call, `call_label` names it (the
function and its arguments for a public test; only its position in the test for a hidden one,
whose inputs a student never sees), and `count_finding` fits a function's whole-number answers
across the test's calls as formulas of the arguments (`grader.analysis.formulas`), with the
parameter names read from the source's signature (never run).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader import i18n
from grader.analysis import Finding
from grader.analysis.formulas import Observation, explain_counts, made
from grader.analysis.messages import place
from grader.diagnosis import same
from grader.sandbox import SubmissionFailure
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


def failed_call(calls: Sequence[Call], got: Any) -> int | None:
    """The index of the last call that returned `got` (the value a comparison found wrong)."""
    for index in range(len(calls) - 1, -1, -1):
        call = calls[index]
        if call.error is None and call.args is not None and _holds(call.decoded()[2], got):
            return index
    return None


def _holds(result: Any, got: Any, depth: int = 0) -> bool:
    """Whether `result` is `got`, or a tuple, list or dict holding it, up to 3 levels deep (a
    loss next to a dict of gradients)."""
    if _equal(result, got):
        return True
    if depth >= 3:
        return False
    if isinstance(result, (tuple, list)):
        return any(_holds(part, got, depth + 1) for part in result[:64])
    if isinstance(result, dict):
        return any(_holds(part, got, depth + 1) for part in list(result.values())[:64])
    return False


def _equal(first: Any, second: Any) -> bool:
    try:
        a, b = np.asarray(first), np.asarray(second)
        return a.dtype.kind in "biuf" and a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
    except (TypeError, ValueError):
        return False


def call_label(
    function: str, calls: Sequence[Call], index: int, hidden: bool, language: str, shown: Callable[[Any], str]
) -> str:
    """ "In conv_params(2, 5, 4, bias=False), call 2 of 2 of conv_params in this test:", or for a
    hidden test only the position ("In call 2 of 2 of conv_params in this test:")."""
    position = {"function": function, "number": index + 1, "count": len(calls)}
    if hidden:
        return i18n.text(language, "failed_call_hidden", **position)
    args, kwargs = calls[index].decoded()[:2]
    parts = [*map(shown, args), *(f"{k}={shown(v)}" for k, v in kwargs.items())]
    text = f"{function}({', '.join(parts)})"
    return i18n.text(language, "failed_call_public", call=text, **position)


def count_finding(
    calls: Sequence[Call],
    index: int,
    expected: Any,
    signature: Signature,
    language: str,
    reference: Callable[[Call], Any] | None = None,
) -> Finding | None:
    """The formula finding of a function's whole-number answers across the test's calls.

    Args:
        calls: the test's recorded calls of the function.
        index: the call the failed comparison is about; `expected` is its right answer.
        expected: the right answer of that call.
        signature: the function's parameters.
        language: "en" or "zh-CN".
        reference: the right answer of any other call, where a reference can be asked (None at
            home: only the failed call's answer is known then).

    Returns:
        a Finding, or None when the numbers are not whole or no single edit explains them.
    """
    observations = []
    for position, call in enumerate(calls):
        arguments = bound(call, signature) if call.error is None else None
        got = _whole(call.decoded()[2]) if arguments is not None else None
        if arguments is None or got is None:
            continue
        right = _whole(expected) if position == index else _whole(reference(call)) if reference else None
        whole = {k: v for k, v in arguments.items() if _integer(v)}
        observations.append(Observation({k: _plain(v) for k, v in whole.items()}, got, right))
    if not any(o.expected is not None and o.expected != o.got for o in observations):
        return None
    return explain_counts(observations, language, signature.descriptions)


def _integer(value: Any) -> bool:
    return isinstance(value, (bool, int, np.integer, np.bool_)) and abs(int(value)) < 2**31


def _plain(value: Any) -> int | bool:
    return bool(value) if isinstance(value, (bool, np.bool_)) else int(value)


def _whole(value: Any) -> int | None:
    """A whole number (an int, or a float that is whole), else None."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(-1)[0].item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    number = float(value)
    return int(number) if number.is_integer() and abs(number) < 2**62 else None


@dataclass(frozen=True)
class Located:
    """What the recorded calls say about a failed comparison.

    Attributes:
        label: names the call the comparison is about ("" when no recorded call returned it).
        finding: a formula finding for whole numbers, or None.
        factors: sizes the call's arguments give by name, for naming the factors of a flattened
            axis (`grader.analysis.explain`'s `factors`).
        inputs: the call's arrays by name, its arguments and the object's attributes
            (`grader.analysis.explain`'s `inputs`).
        ignored: an argument the student's answer ignores, found by asking the reference with
            that argument at its default (official runs only), or None.
    """

    label: str = ""
    finding: Finding | None = None
    factors: dict[str, int] | None = None
    inputs: dict[str, np.ndarray] | None = None
    ignored: Finding | None = None


def located(
    calls: dict[str, list[Call]],
    got: Any,
    expected: Any,
    source: str,
    hidden: bool,
    language: str,
    shown: Callable[[Any], str] = repr,
    replay: Replay | None = None,
) -> Located:
    """The call a failed comparison is about: its label, a formula finding for whole numbers,
    the sizes its arguments name and its arrays by name.

    Args:
        calls: the test's recorded calls, per function or method name.
        got: the student's value the comparison found wrong; expected: the right one.
        source: the module's source (the reference or the released stub), for signatures.
        hidden: whether the test is hidden (its calls are named by position only).
        language: "en" or "zh-CN".
        shown: how an argument is shown in a public call.
        replay: the reference's outcome on any arguments (a `ReplayBudget`), where a reference is
            at hand (official runs): it answers the test's other calls and tries arguments ignored.

    Returns:
        an empty `Located` when no recorded call returned `got`.
    """
    for function, recorded in calls.items():
        index = failed_call(recorded, got)
        if index is None:
            continue
        label = call_label(function, recorded, index, hidden, language, shown)
        state = arrays(recorded[index])
        declared = signature(source, function)
        if declared is None:
            return Located(label, inputs=state)
        found = None
        if _whole(got) is not None:
            ask = functools.partial(_right_answer, replay, function) if replay else None
            found = count_finding(recorded, index, expected, declared, language, ask)
        named = {
            k: v for k, v in (bound(recorded[index], declared) or {}).items() if isinstance(v, np.ndarray)
        }
        factors = sizes(recorded[index], declared, language, hidden)
        ignored = ignored_argument(function, recorded, index, declared, replay, language) if replay else None
        return Located(label, found, factors, {**named, **state}, ignored)
    return Located()


MAX_INPUTS = 64  # arrays of a call offered to the analysis
MAX_INPUT_SIZE = 10**6  # elements of one of them


def arrays(call: Call) -> dict[str, np.ndarray]:
    """The arrays of a method call's object: its attributes ("self.W") and the entries of its
    dict attributes ("self.params['b1']"), as the call found them."""
    decoded = call.decoded()
    state = decoded[3] if len(decoded) == 4 else None
    found: dict[str, np.ndarray] = {}
    for attribute, value in (state or {}).items():
        entries = value.items() if isinstance(value, dict) else [(None, value)]
        for key, entry in list(entries)[:MAX_INPUTS]:
            if isinstance(entry, np.ndarray) and entry.size <= MAX_INPUT_SIZE and len(found) < MAX_INPUTS:
                found[f"self.{attribute}" if key is None else f"self.{attribute}[{key!r}]"] = entry
    return found


def sizes(call: Call, signature: Signature, language: str, hidden: bool = False) -> dict[str, int]:
    """The sizes a call's arguments give by name: whole numbers above 1 ("HH": 3), and the axes
    of 4-axis arrays, by the NCHW names ("channels of x": 3). In a hidden test a whole-number
    argument is a value never shown: its name starts with "#", so that it only makes another
    name of its size unsure (`grader.analysis.factors`)."""
    arguments = bound(call, signature) or {}
    found: dict[str, int] = {}
    for name, value in arguments.items():
        if _integer(value) and not isinstance(value, (bool, np.bool_)) and int(value) > 1:
            found[f"#{name}" if hidden else name] = int(value)
        elif isinstance(value, np.ndarray) and value.ndim == 4:
            for axis, size in enumerate(value.shape):
                if size > 1:
                    found[place("factors.axis", language, axis=place(_NCHW[axis], language), name=name)] = (
                        size
                    )
    return found


_NCHW = ("name.sample", "name.channel", "name.row", "name.column")


Replay = Callable[[str, list[Any], dict[str, Any], dict[str, Any] | None], tuple[str, Any]]
MAX_REPLAYS = 128  # reference answers the analysis asks for in one run (the replay child is shared)
MAX_REPLAYED_SIZE = 50_000  # elements of a call's arrays, beyond which it is not replayed


class ReplayBudget:
    """The reference's answers for the analysis, at most MAX_REPLAYS in a run, on small calls only,
    so that the replay child's time stays with what scores depend on (reruns, named mistakes).

    Args:
        answer: the reference's ("ok", value) or ("raised", type) on arguments (and an object's
            state, answering [value, new state]): `Replayer.answer`.
        limit: answers in all.
    """

    def __init__(self, answer: Replay, limit: int = MAX_REPLAYS) -> None:
        self.answer, self.left = answer, limit

    def __call__(
        self, function: str, args: list[Any], kwargs: dict[str, Any], state: dict[str, Any] | None
    ) -> tuple[str, Any]:
        """The reference's outcome, or ("spent", None) once the budget is spent or the call is large."""
        size = sum(v.size for v in [*args, *kwargs.values()] if isinstance(v, np.ndarray))
        if self.left <= 0 or size > MAX_REPLAYED_SIZE:
            return "spent", None
        self.left -= 1
        return self.answer(function, args, kwargs, state)


def _right_answer(replay: Replay, function: str, call: Call) -> Any:
    """The reference's answer to a recorded call, or None."""
    decoded = call.decoded()
    state = decoded[3] if len(decoded) == 4 else None
    if decoded[0] is None or decoded[1] is None:
        return None
    try:
        kind, value = replay(function, list(decoded[0]), dict(decoded[1]), state)
    except SubmissionFailure:
        return None
    if kind != "ok":
        return None
    return value[0] if state is not None else value


# Findings an argument found ignored by replaying the reference replaces: a ratio or an offset
# fitted to the numbers, or none. A specific pattern (one more, a sign) stays: on one call of
# small numbers, an argument at 1 can give the same answer by chance (f = 1 and a ceil alike).
REPLACEABLE = frozenset({"values_differ", "number_scale", "scale", "offset", "offset_or_scale"})
MAX_TRIES = 8  # replays of the reference with one argument changed, per failure and tier
MAX_CHECKED = 3  # other calls of the test that must agree with a changed argument

# How an argument's given value is changed in the second tier (the first tries constants).
_CHANGES: dict[str, Callable[[Any], Any]] = {
    "halved": lambda given: given // 2 if int(given) % 2 == 0 else None,
    "doubled": lambda given: 2 * given,
}


def ignored_argument(
    function: str, calls: Sequence[Call], index: int, declared: Signature, replay: Replay, language: str
) -> Finding | None:
    """An argument whose neutral value (its default; else 1 or 0 for a whole number) makes the
    reference answer what the student answered, on the failed call and on the test's other calls
    of the function: the student's code ignores it (never read, overwritten, a constant in its
    place). When no argument does, the same for a whole number halved or doubled (counted once
    where twice is due). Named only when one argument alone does it.

    Args:
        function: the function or method ("ConvNet.loss") called.
        calls: the test's recorded calls of it.
        index: the failed call among them.
        declared: its signature.
        replay: the reference's ("ok", value) or ("raised", type) on given arguments (and an
            object's state, answering [value, new state] then).
        language: "en" or "zh-CN".
    """
    arguments = bound(calls[index], declared)
    if arguments is None:
        return None
    checked = [
        calls[index],
        *[c for i, c in enumerate(calls) if i != index and c.error is None][-MAX_CHECKED:],
    ]
    found: dict[str, str] = {}
    for scaled in (False, True):
        for name, change in _changes(arguments, declared, scaled)[:MAX_TRIES]:
            agreed = [_agrees(function, c, declared, name, change, replay) for c in checked]
            if name not in found and agreed[0] is True and False not in agreed:
                found[name] = change
        if found:
            break
    if len(found) != 1:
        return None
    name, change = next(iter(found.items()))
    if change in _CHANGES:
        return made(f"argument_{change}", language, "", name=f"`{name}`")
    return made("argument_ignored", language, "", name=f"`{name}`", value=change)


def _changes(arguments: dict[str, Any], declared: Signature, scaled: bool) -> list[tuple[str, str]]:
    """(argument, change) pairs to try: its default where the call gave another value, else 1 and
    0 for a whole number other than those (a constant is given as its repr); or, when `scaled`,
    each whole number of at least 1 halved and doubled."""
    tries: list[tuple[str, str]] = []
    for name, given in arguments.items():
        whole = _integer(given) and not isinstance(given, (bool, np.bool_))
        if scaled:
            tries += [(name, change) for change in _CHANGES] if whole and int(given) >= 1 else []
        elif name in declared.defaults:
            if not _same(given, declared.defaults[name]):
                tries.append((name, repr(declared.defaults[name])))
        elif whole:
            tries += [(name, repr(value)) for value in (1, 0) if int(given) != value]
    return tries


def _agrees(
    function: str, call: Call, declared: Signature, name: str, change: str, replay: Replay
) -> bool | None:
    """Whether the reference, with argument `name` changed, answers what the student answered on
    `call`; None when the change does not apply to it or leaves the argument alone."""
    arguments = bound(call, declared)
    if arguments is None or name not in arguments:
        return None
    value = _CHANGES[change](arguments[name]) if change in _CHANGES else ast.literal_eval(change)
    if value is None or _same(value, arguments[name]):
        return None
    decoded = call.decoded()
    state = decoded[3] if len(decoded) == 4 else None
    try:
        kind, answer = replay(function, [], {**arguments, name: value}, state)
    except SubmissionFailure:
        return False
    return kind == "ok" and same(("ok", answer[0] if state is not None else answer), ("ok", decoded[2]))


def _same(first: Any, second: Any) -> bool:
    try:
        return bool(first == second) and type(first) is type(second)
    except (TypeError, ValueError):
        return False
