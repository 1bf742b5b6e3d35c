"""What a rerun's stand-ins may answer: the test's own calls, and nothing else (issue 19).

During a containment rerun (`grader.rerun`) the failing graded functions a test relies on are
answered by the reference. A stand-in that answered any arguments would be an oracle: the
student's caller could ask it about other inputs and carry the answers out. So:

- a substituted function answers a call-out only when its arguments match, within the course's
  tolerance, a call the reference's own caller makes for the arguments the test passed. Those
  calls are recorded here, for each call the test makes, by running the reference (trusted
  instructor code, as hidden tests' `reference` fixture does) with the culprits wrapped;
- a substituted class answers methods only of objects the test itself created (the grader marks
  each with a token when the test's own constructor call runs), and at most `MAX_METHOD_CALLS`.

Anything else is refused: the student's call raises, as a wrong call would, and gets no answer.
"""

from __future__ import annotations

import copy
import importlib.util
import inspect
import secrets
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from grader import compare

TOKEN = "_grader_object"  # the attribute marking an object the test created
MAX_METHOD_CALLS = 5_000  # method call-outs a class stand-in answers per rerun
MAX_EXPECTED = 10_000  # culprit calls recorded per call of the test


def load_reference(path: Path) -> ModuleType:
    """The reference solution, imported afresh into the grading process (trusted code).

    Raises:
        ImportError: the file cannot be imported as a module.
    """
    spec = importlib.util.spec_from_file_location(f"_standin_reference_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PLAIN = (type(None), bool, int, float, str, np.ndarray, np.generic)


def plain(value: Any, depth: int = 0) -> bool:
    """Whether a test's argument is plain data the reference can run on here (no handle of an
    object in the student's child), nested at most 8 deep."""
    if isinstance(value, PLAIN):
        return True
    if depth >= 8 or not isinstance(value, (list, tuple, dict)):
        return False
    items = value.values() if isinstance(value, dict) else value
    return all(plain(item, depth + 1) for item in items)


def _bound(function: Any, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """The arguments as the function's parameters receive them (defaults filled), or None."""
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    return dict(bound.arguments)


def _close(got: Any, expected: Any) -> bool:
    """Whether two arguments agree within the course's tolerance (numbers and arrays), or are equal."""
    if isinstance(expected, (bool, str, type(None))) or isinstance(got, (bool, str, type(None))):
        return type(got) is type(expected) and bool(got == expected)
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and got.keys() == expected.keys()
            and all(_close(got[key], expected[key]) for key in expected)
        )
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(got, (list, tuple))
            and len(got) == len(expected)
            and all(_close(g, e) for g, e in zip(got, expected, strict=True))
        )
    try:
        compare.assert_close(got, expected)
    except (AssertionError, TypeError, ValueError):
        return False
    return True


class StandInGuard:
    """Decides, call-out by call-out, whether a rerun's stand-in may answer.

    Args:
        reference: the reference module (see `load_reference`), or None (then no function
            stand-in answers anything).
        culprits: the substituted functions and classes.
    """

    def __init__(self, reference: ModuleType | None, culprits: list[str]) -> None:
        self.reference = reference
        self.culprits = culprits
        self.expected: list[tuple[str, dict[str, Any]]] = []
        self.constructing: str | None = None
        self.tokens: set[str] = set()
        self.method_calls = 0

    def before_call(
        self, label: str, args: list[Any], kwargs: dict[str, Any], state: dict[str, Any] | None = None
    ) -> None:
        """The test is about to call `label` with these arguments (a method: on an object holding
        the attributes `state`): record what the reference's caller asks the culprit functions for
        them, or, for a culprit class's constructor, allow the one object it makes."""
        self.constructing = label if label in self.culprits else None  # "X.__init__" only for a class
        self.expected = self._reference_calls(label, args, kwargs, state)

    def _target(self, label: str, state: dict[str, Any] | None) -> Any:
        """What the reference runs for the test's call `label`: its function of that name, or, for
        a method ("ConvNet.loss") of a class that does not stand in, that method of a reference
        object holding the test's object's attributes (plain data only); None when there is none."""
        module = self.reference
        owner, dot, method = label.partition(".")
        if module is None or not owner.isidentifier():
            return None
        found = getattr(module, owner, None)
        if not dot:  # looked up when called: a culprit the test calls itself is recorded too
            return (lambda *a, **k: getattr(module, owner)(*a, **k)) if inspect.isfunction(found) else None
        if (
            owner in self.culprits
            or not inspect.isclass(found)
            or not method.isidentifier()
            or method.startswith("_")
            or not inspect.isfunction(inspect.getattr_static(found, method, None))
            or not isinstance(state, dict)
            or not plain(state)
        ):
            return None
        try:
            instance = object.__new__(found)
            instance.__dict__.update({str(key): value for key, value in copy.deepcopy(state).items()})
        except (TypeError, AttributeError):  # a class with slots or a __new__ of its own
            return None
        return getattr(instance, method)

    def _reference_calls(
        self, label: str, args: list[Any], kwargs: dict[str, Any], state: dict[str, Any] | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        module = self.reference
        target = self._target(label, state)
        if module is None or target is None or not plain([args, kwargs]):
            return []
        recorded: list[tuple[str, dict[str, Any]]] = []
        originals = {
            name: getattr(module, name)
            for name in self.culprits
            if inspect.isfunction(getattr(module, name, None))
        }
        if not originals:  # only classes stand in: nothing to record, nothing to run
            return []

        def recorder(name: str, original: Any) -> Any:
            def recording(*call_args: Any, **call_kwargs: Any) -> Any:
                bound = _bound(original, list(call_args), call_kwargs)
                if bound is not None and len(recorded) < MAX_EXPECTED:
                    recorded.append((name, copy.deepcopy(bound)))
                return original(*call_args, **call_kwargs)

            return recording

        for name, original in originals.items():
            setattr(module, name, recorder(name, original))
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                target(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        except Exception:  # the test may expect the caller to raise; the calls made so far count
            pass
        finally:
            for name, original in originals.items():
                setattr(module, name, original)
        return recorded

    def allows(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> bool:
        """Whether a substituted function may answer this call-out: the reference's caller makes
        a call like it for the test's own arguments."""
        original = getattr(self.reference, name, None) if self.reference is not None else None
        bound = _bound(original, args, kwargs) if inspect.isfunction(original) else None
        if bound is None:
            return False
        return any(called == name and _close(bound, expected) for called, expected in self.expected)

    def allows_method(self, name: str, state: dict[str, Any]) -> bool:
        """Whether a substituted class may answer a method call-out on an object with `state`:
        the test's own constructor call (once), or an object the test created, within the cap."""
        owner, _, method = name.partition(".")
        if method == "__init__":
            allowed = self.constructing == owner
            self.constructing = None
            return allowed
        self.method_calls += 1
        return state.get(TOKEN) in self.tokens and self.method_calls <= MAX_METHOD_CALLS

    def mark(self, name: str, state: dict[str, Any], result: tuple[str, Any]) -> tuple[str, Any]:
        """The reference's answer to a method call-out, with the object's token kept in (or, for
        a constructor, given to) the new attributes it returns."""
        kind, value = result
        if kind != "ok" or not isinstance(value, (list, tuple)) or len(value) != 2:
            return result
        answer, new_state = value
        if not isinstance(new_state, dict):
            return result
        token = state.get(TOKEN) if not name.endswith(".__init__") else secrets.token_hex(16)
        if isinstance(token, str):
            self.tokens.add(token)
            new_state = {**new_state, TOKEN: token}
        return kind, [answer, new_state]
