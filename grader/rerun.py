"""Rerun a failed test with the graded functions it relies on answered by the reference.

When a test fails and functions it relies on fail their own tests (`grader.containment`), the
plugin reruns it with those answered by the sandboxed reference child. If it then passes, the
test's own function is right and keeps its points. Either way, the first call the reference
answered differently from the student's function is named: "conv_output_size returned 3.5 for
conv_output_size(8, 3, pad=0, stride=2), where 3 is right" (issue 11, localisation).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Protocol

import numpy as np
import pytest

from grader import i18n
from grader.analysis import answers
from grader.diagnosis import same
from grader.sandbox import SandboxedSubmission, StudentException, SubmissionFailure
from grader.standins import StandInGuard

MAX_RECORDED = 32  # call-outs kept for localising, per rerun
MAX_RECORDED_BYTES = 2**20  # and only those whose arrays are this small: the student's code sends them
MAX_TRIED = 4  # of them replayed on the student's own function, per culprit
SHORT = 60  # characters of a value shown in a sentence


class CalleeAnswerer(Protocol):
    """What answers a substituted callee's calls in a rerun: officially the reference's replay
    child (`grader.diagnosis.Replayer`)."""

    def answer(
        self, function: str, args: list[Any], kwargs: dict[str, Any], state: dict[str, Any] | None = None
    ) -> tuple[str, Any]:
        """("ok", value) or ("raised", exception type) of a call of `function` (of a method on an
        instance holding `state`: then the value is [value, new state])."""
        ...

    def reference_module(self) -> ModuleType | None:
        """The reference imported here, for the stand-ins to know the test's own calls, or None."""
        ...


def rerun(
    item: pytest.Item,
    handle: SandboxedSubmission,
    replayer: CalleeAnswerer,
    culprits: list[str],
    language: str,
) -> tuple[bool, str]:
    """Rerun `item` with `culprits` answered by `replayer` (the reference, officially).

    Returns:
        (whether it passes, a sentence naming the first call a culprit got wrong, or "").
    """
    asked: list[tuple[str, list[Any], dict[str, Any], tuple[str, Any]]] = []
    guard = StandInGuard(replayer.reference_module(), culprits)

    def answer(name: str, args: list[Any], kwargs: dict[str, Any], state: dict[str, Any] | None) -> Any:
        if not substituted(name, state, culprits):
            return "raised", "PermissionError"  # the student's code forged a call-out
        if not (guard.allows(name, args, kwargs) if state is None else guard.allows_method(name, state)):
            return "raised", "PermissionError"  # not a call the test's own inputs lead to
        if state is not None:
            return guard.mark(name, state, replayer.answer(name, args, kwargs, state))
        result = replayer.answer(name, args, kwargs, state)
        if len(asked) < MAX_RECORDED and _small([args, kwargs, result]):
            asked.append((name, args, kwargs, result))
        return result

    passes = run_again(item, handle, culprits, answer, guard.before_call)
    return passes, first_wrong_call(handle, asked, language)


def _small(value: Any) -> bool:
    """Whether a (decoded) value is small enough to keep: its arrays hold at most
    MAX_RECORDED_BYTES in all, nested at most 4 deep in at most 256 containers' items."""
    budget, stack = MAX_RECORDED_BYTES, [(value, 0)]
    seen = 0
    while stack:
        item, depth = stack.pop()
        if isinstance(item, np.ndarray):
            budget -= item.nbytes
        elif isinstance(item, (list, tuple, dict)):
            children = list(item.values() if isinstance(item, dict) else item)
            seen += len(children)
            if depth >= 4 or seen > 256:
                return False
            stack.extend((child, depth + 1) for child in children)
        if budget < 0:
            return False
    return True


def substituted(name: str, state: dict[str, Any] | None, culprits: list[str]) -> bool:
    """Whether a call-out asks what the rerun substituted, and nothing else: a culprit function
    (no state), or `__init__` or a public method of a culprit class (with the instance's state).

    The student's code can reach the child's call-out machinery (it runs in the same process) and
    ask for any name, the function under test included: the grader answers only these.
    """
    owner, dot, method = name.partition(".")
    if owner not in culprits:
        return False
    if not dot:
        return state is None
    return state is not None and (
        method == "__init__" or (method.isidentifier() and not method.startswith("_"))
    )


def first_wrong_call(
    handle: SandboxedSubmission,
    asked: list[tuple[str, list[Any], dict[str, Any], tuple[str, Any]]],
    language: str,
) -> str:
    """The first recorded call-out on which the student's own function differs from the reference."""
    tried: dict[str, int] = {}
    for name, args, kwargs, expected in asked:
        if tried.get(name, 0) >= MAX_TRIED:
            continue
        tried[name] = tried.get(name, 0) + 1
        got = _student_outcome(handle, name, args, kwargs)
        if got is None or same(got, expected):
            continue
        call = f"{name}({', '.join([*map(short, args), *(f'{k}={short(v)}' for k, v in kwargs.items())])})"
        return _sentence(language, name, call, got, expected)
    return ""


def _student_outcome(
    handle: SandboxedSubmission, name: str, args: list[Any], kwargs: dict[str, Any]
) -> tuple[str, Any] | None:
    try:  # looking the function up asks the child too: a spent budget raises there already
        return "ok", getattr(handle, name)(*args, **kwargs)
    except StudentException as error:
        return "raised", type(error).__name__
    except SubmissionFailure:
        return None  # a timeout or a crash says nothing about this call


def _sentence(language: str, name: str, call: str, got: tuple[str, Any], expected: tuple[str, Any]) -> str:
    if got[0] == "raised":
        key, values = "callee_raised", {"error": got[1], "expected": short(expected[1])}
    elif expected[0] == "raised":
        key, values = "callee_should_raise", {"error": expected[1], "got": short(got[1])}
    else:
        return _returned(language, name, call, got[1], expected[1])
    return i18n.text(language, key, callee=name, call=call, **values)


def _returned(language: str, name: str, call: str, got: Any, expected: Any) -> str:
    """A wrong answer, described by how it differs (a type, the structural finding); never by two
    shapes that read the same ("array(1, 3, 7, 7)", "where array(1, 3, 7, 7) is right")."""
    shown, right = short(got), short(expected)
    how = answers.difference(got, expected, language)
    if how is None:
        return i18n.text(language, "callee_returned", callee=name, call=call, got=shown, expected=right)
    if shown == right or shown.startswith("array("):
        return i18n.text(language, "callee_differs", callee=name, call=call, how=how)
    return i18n.text(
        language, "callee_returned_how", callee=name, call=call, got=shown, expected=right, how=how
    )


def short(value: Any) -> str:
    """A value as a sentence can show it: numbers and small arrays whole, others by their shape."""
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return np.array2string(value, precision=4, separator=", ").replace("\n", "")
        return f"array{value.shape}"
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
        return text if any(mark in text for mark in ".ein") else f"{text}.0"  # 2.0 is not 2
    text = repr(value)
    return text if len(text) <= SHORT else text[: SHORT - 3] + "..."


def run_again(
    item: pytest.Item, handle: SandboxedSubmission, culprits: list[str], answer: Any, before: Any = None
) -> bool:
    """Run `item` again, with its first run's seeded inputs and `culprits` answered by `answer`
    (officially by the reference child, at home from the released answers): whether it passes."""
    seed = dict(item.user_properties).get("seed")
    funcargs = getattr(item, "funcargs", {})
    if "rng" in funcargs and seed is not None:
        funcargs["rng"] = np.random.default_rng(int(str(seed)))  # the same inputs as the first run
    try:
        with handle.substituted(culprits, answer, before):
            item.runtest()
    except Exception:
        return False
    return True
