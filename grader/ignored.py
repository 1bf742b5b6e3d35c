"""An argument the student's answer ignores, found by asking the reference with it changed.

In official runs the sandboxed reference child answers, within a budget of its own
(`ReplayBudget`), what the right code gives with one argument at its default, 1 or 0, or halved
or doubled. When that is the student's answer on the failed call and on the test's other calls
alike, and one argument alone does it, the argument is named ("is `stride` ignored?").
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from grader.analysis import Finding
from grader.analysis.formulas import made
from grader.diagnosis import same
from grader.sandbox import SubmissionFailure
from grader.sandbox.recording import Call
from grader.signatures import Signature, bound

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
        if self.left <= 0 or size > MAX_REPLAYED_SIZE or state is not None:  # no object's methods:
            # a network's loss is slow, and the replay child's time belongs to the reruns
            return "spent", None
        self.left -= 1
        return self.answer(function, args, kwargs, state)


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
    if not found:
        within = ignored_within(function, checked[0], declared, replay, language)
        return within or ignored_entry(function, checked, declared, replay, language)
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


def _integer(value: Any) -> bool:
    return isinstance(value, (bool, int, np.integer, np.bool_)) and abs(int(value)) < 2**31


MAX_ENTRY_KEYS = 16  # keys of a list of records tried, per argument


def ignored_entry(
    function: str, checked: Sequence[Call], declared: Signature, replay: Replay, language: str
) -> Finding | None:
    """An entry of the records an argument holds (a list of dicts, such as layers' "pad"), which
    the student's answer ignores: with that entry at 0 (else 1) in every record, the reference
    answers what the student answered, on the failed call (`checked[0]`) and the test's others.
    Named only when one entry alone does it."""
    arguments = bound(checked[0], declared)
    if arguments is None:
        return None
    tries = [(name, key, value) for value in (0, 1) for name, key in _entry_keys(arguments)]
    found = []
    for name, key, value in tries[:MAX_TRIES]:
        agreed = [_entry_agrees(function, call, declared, name, key, value, replay) for call in checked]
        if agreed[0] is True and False not in agreed:
            found.append((name, key, value))
    if len({(name, key) for name, key, _ in found}) != 1:
        return None
    name, key, value = found[0]
    return made("argument_ignored", language, "", name=f"`{name}[i][{key!r}]`", value=repr(value))


def _entry_keys(arguments: dict[str, Any]) -> list[tuple[str, str]]:
    """(argument, key) for each argument that is a list of dicts, and each string key whose values
    there are whole numbers (not flags), at most MAX_ENTRY_KEYS per argument."""
    pairs = []
    for name, value in arguments.items():
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            continue
        keys = dict.fromkeys(
            k for record in value for k, v in record.items() if isinstance(k, str) and _whole_entry(v)
        )
        pairs += [(name, key) for key in list(keys)[:MAX_ENTRY_KEYS]]
    return pairs


def _whole_entry(value: Any) -> bool:
    return _integer(value) and not isinstance(value, (bool, np.bool_))


def _entry_agrees(
    function: str, call: Call, declared: Signature, name: str, key: str, value: int, replay: Replay
) -> bool | None:
    """Whether the reference, with `key` at `value` in every record of argument `name` holding it,
    answers what the student answered on `call`; None when that changes nothing there."""
    arguments = bound(call, declared)
    records = arguments.get(name) if arguments is not None else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return None
    changed = [{**r, key: value} if key in r and _whole_entry(r[key]) else r for r in records]
    if all(_same(new.get(key), old.get(key)) for new, old in zip(changed, records, strict=True)):
        return None
    decoded = call.decoded()
    state = decoded[3] if len(decoded) == 4 else None
    try:
        kind, answer = replay(function, [], {**arguments, name: changed}, state)  # type: ignore[dict-item]
    except SubmissionFailure:
        return False
    return kind == "ok" and same(("ok", answer[0] if state is not None else answer), ("ok", decoded[2]))


MAX_PAIRS = 10**6  # slices of the student's answer times the reference's, compared


def ignored_within(
    function: str, call: Call, declared: Signature, replay: Replay, language: str
) -> Finding | None:
    """An argument that sets the answer's size but not its values: with it at its neutral value the
    reference answers a larger array, of which the student's is a part (its leading block, or some
    of its columns or rows): windows counted by the stride but not moved by it. Named only when
    one argument alone does it."""
    arguments = bound(call, declared)
    got = call.decoded()[2]
    if arguments is None or not isinstance(got, np.ndarray) or got.dtype.kind not in "biuf" or got.size < 2:
        return None
    if np.ptp(got) == 0:
        return None  # a constant array is a part of many
    found = []
    for name, change in _changes(arguments, declared, False)[:MAX_TRIES]:
        try:
            kind, answer = replay(function, [], {**arguments, name: ast.literal_eval(change)}, None)
        except SubmissionFailure:
            continue
        if kind == "ok" and isinstance(answer, np.ndarray) and _part_of(got, answer):
            found.append((name, change))
    if len(found) != 1:
        return None
    name, change = found[0]
    return made("argument_ignored_within", language, "", name=f"`{name}`", value=change)


def _part_of(got: np.ndarray, larger: np.ndarray) -> bool:
    """Whether `got` is a part of a larger array of as many axes: its leading block, or (two axes)
    some of its columns or rows, each whole."""
    if larger.ndim != got.ndim or larger.size <= got.size or larger.dtype.kind not in "biuf":
        return False
    if all(g <= n for g, n in zip(got.shape, larger.shape, strict=True)):
        block = larger[tuple(slice(0, g) for g in got.shape)]
        if np.allclose(block, got, equal_nan=True):
            return True
    if got.ndim != 2:
        return False
    return _slices_of(got, larger) or _slices_of(got.T, larger.T)


def _slices_of(got: np.ndarray, larger: np.ndarray) -> bool:
    """Whether each column of `got` is a column of `larger` (one height)."""
    if got.shape[0] != larger.shape[0] or got.shape[1] * larger.shape[1] > MAX_PAIRS:
        return False
    return all(np.isclose(larger, column[:, None], equal_nan=True).all(axis=0).any() for column in got.T)
