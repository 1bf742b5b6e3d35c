"""Which recorded call a failed comparison is about, and what the test's calls say together.

A failed `assert_close` holds the student's value; the test's recorded calls of its function
hold the calls that returned it. `failed_call` finds that call, `call_label` names it (the
function and its arguments for a public test; only its position in the test for a hidden one,
whose inputs a student never sees), and `count_finding` fits a function's whole-number answers
across the test's calls as formulas of the arguments (`grader.analysis.formulas`), with the
parameter names read from the source's signature (`grader.signatures`); an argument the answer
ignores is found by replaying the reference (`grader.ignored`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader import i18n
from grader.analysis import Finding
from grader.analysis.answers import records, swapped
from grader.analysis.formulas import Observation, explain_counts
from grader.analysis.messages import place
from grader.analysis.terms import term_gloss
from grader.ignored import Replay, ignored_argument
from grader.sandbox import SubmissionFailure
from grader.sandbox.recording import Call
from grader.signatures import Signature, bound, signature


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
        named = numbered(bound(recorded[index], declared) or {}, declared, language)
        if found is None and replay is not None:
            found = _records(replay, function, recorded[index], language)
        factors = sizes(recorded[index], declared, language, hidden)
        ignored = ignored_argument(function, recorded, index, declared, replay, language) if replay else None
        return Located(label, found, factors, {**named, **state}, ignored)
    return Located()


def numbered(arguments: dict[str, Any], signature: Signature, language: str) -> dict[str, np.ndarray]:
    """A call's arrays by name, and its numbers (a bias b) as 0-d arrays named with what the
    docstring says of them ("`b` (b: the filter's bias, a number)"), for a difference that is a
    multiple of one of them."""
    found: dict[str, np.ndarray] = {}
    for name, value in arguments.items():
        if isinstance(value, np.ndarray):
            found[name] = value
        elif isinstance(value, (float, np.floating)):  # a value (a bias), not a size or a count
            gloss = term_gloss(name, language, signature.descriptions.get(name, ""))
            shown = f"`{name}`" + ((f" ({gloss})" if language == "en" else f"（{gloss}）") if gloss else "")
            found[shown] = np.asarray(value)
    return found


MAX_INPUTS = 64  # arrays of a call offered to the analysis
MAX_INPUT_SIZE = 10**6  # elements of one of them


def arrays(call: Call) -> dict[str, np.ndarray]:
    """The arrays of a method call's object: its attributes ("self.W") and the entries of its
    dict attributes ("self.params['b1']"), as the call found them; its numbers ("self.reg") as
    0-d arrays."""
    decoded = call.decoded()
    state = decoded[3] if len(decoded) == 4 else None
    found: dict[str, np.ndarray] = {}
    for attribute, value in (state or {}).items():
        entries = value.items() if isinstance(value, dict) else [(None, value)]
        for key, entry in list(entries)[:MAX_INPUTS]:
            if isinstance(entry, (float, np.floating)):  # a strength (self.reg), as a 0-d array
                entry = np.asarray(entry)
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


def _records(replay: Replay, function: str, call: Call, language: str) -> Finding | None:
    """A list or tuple answer compared whole with the reference's answer to the same call: a list of
    records (a summary table) with a running total or entries in another order, two items swapped
    (a cache's stride and pad; `grader.analysis.answers`)."""
    result = call.decoded()[2]
    if not isinstance(result, (list, tuple)) or not result:
        return None
    right = _right_answer(replay, function, call)
    try:
        return records(result, right, language) or swapped(result, right, language)
    except (TypeError, ValueError):  # answers of kinds no comparison foresaw: no finding, no crash
        return None


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
