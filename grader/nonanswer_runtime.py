"""Appended to a copy of a reference solution by `grader.nonanswers`: its graded functions and
classes become non-answers of one kind, results that no test should give points to.

The generated module is graded like a student's, in the sandbox, so this file may use only the
standard library and NumPy. `grader.nonanswers` writes `_NA_KIND` and `_NA_TARGETS` before it.

Each non-answer asks the reference only for the structure of its result (on copies of the
arguments, so nothing is changed in place), then answers with that structure filled in:

- "nan", "inf", "zeros", "ones": every number NaN, +infinity, 0 or 1 (integers too);
- "echo": each array is an input of the same shape (or the first input array, resized), each
  number the first number given;
- "unrelated": numbers the reference computes on other inputs (every float array argument
  replaced by random values of its scale), every array zeros: a constant loss with zero
  gradients.

A non-answer never raises; where the reference raises, it returns the kind's number. A class
keeps the reference's constructor, then has its attributes filled in the same way (random values
of the same scale for "unrelated"); its public methods are non-answers. While a non-answer
asks the reference, the reference's own calls of other targets are answered by the reference.
"""

from __future__ import annotations

import copy as _na_copy
import types as _na_types
from collections.abc import Callable
from typing import Any

import numpy as _na_np

_NA_NUMBERS = {"nan": float("nan"), "inf": float("inf"), "zeros": 0.0, "ones": 1.0}
_NA_ACTIVE = [0]  # > 0 while a non-answer is asking the reference


def _na_fill(value: Any, number: float) -> Any:
    """`value`'s structure with every number replaced by `number`."""
    if isinstance(value, (list, tuple)):
        return type(value)(_na_fill(item, number) for item in value)
    if isinstance(value, dict):
        return {key: _na_fill(item, number) for key, item in value.items()}
    if isinstance(value, _na_np.ndarray) and value.dtype.kind in "biufc":
        finite_int = value.dtype.kind in "biu" and _na_np.isfinite(number)
        return _na_np.full(value.shape, number, dtype=value.dtype if finite_int else None)
    if isinstance(value, (bool, _na_np.bool_)):
        return bool(number)
    if isinstance(value, (int, _na_np.integer)):
        return int(number) if _na_np.isfinite(number) else number
    if isinstance(value, (float, _na_np.floating)):
        return number
    return value


def _na_inputs(args: Any, kwargs: dict[str, Any]) -> list[Any]:
    """The arrays and numbers among the arguments, in order (inside tuples and lists too)."""
    found: list[Any] = []
    for value in [*args, *kwargs.values()]:
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, _na_np.ndarray) or (
                isinstance(item, (int, float, _na_np.number)) and not isinstance(item, bool)
            ):
                found.append(item)
    return found


def _na_echo(value: Any, inputs: list[Any]) -> Any:
    """`value`'s structure filled with the inputs: arrays of the same shape, or numbers."""
    if isinstance(value, (list, tuple)):
        return type(value)(_na_echo(item, inputs) for item in value)
    if isinstance(value, dict):
        return {key: _na_echo(item, inputs) for key, item in value.items()}
    arrays = [item for item in inputs if isinstance(item, _na_np.ndarray) and item.size]
    if isinstance(value, _na_np.ndarray):
        same = [item for item in arrays if item.shape == value.shape]
        if same:
            return same[0].copy()
        return _na_np.resize(arrays[0], value.shape) if arrays else _na_np.zeros(value.shape)
    if isinstance(value, (bool, _na_np.bool_, str)) or value is None:
        return value
    numbers = [item for item in inputs if not isinstance(item, _na_np.ndarray)]
    if isinstance(value, (int, float, _na_np.number)):
        return numbers[0] if numbers else 0
    return value


def _na_perturbed(value: Any, generator: Any) -> Any:
    """Every float array (also inside lists, tuples and dicts) replaced by random values of its scale."""
    if isinstance(value, (list, tuple)):
        return type(value)(_na_perturbed(item, generator) for item in value)
    if isinstance(value, dict):
        return {key: _na_perturbed(item, generator) for key, item in value.items()}
    if isinstance(value, _na_np.ndarray) and value.dtype.kind == "f" and value.size:
        scale = float(_na_np.std(value)) or float(_na_np.max(_na_np.abs(value))) or 1.0
        scale = float(f"{scale:.0e}") if _na_np.isfinite(scale) else 1.0  # the order only: seed-free
        return generator.standard_normal(value.shape) * scale
    return value


def _na_unrelated(value: Any, perturbed: bool) -> Any:
    """Floats as computed on other inputs (0 when no input could change), arrays zeros, integers 0."""
    if isinstance(value, (list, tuple)):
        return type(value)(_na_unrelated(item, perturbed) for item in value)
    if isinstance(value, dict):
        return {key: _na_unrelated(item, perturbed) for key, item in value.items()}
    if isinstance(value, (float, _na_np.floating)) and not isinstance(value, _na_np.ndarray):
        return float(value) if perturbed else 0.0
    return _na_fill(value, 0.0)


def _na_answer(original: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], kind: str) -> Any:
    """The non-answer of `kind` to one call of `original`."""
    fallback = _NA_NUMBERS.get(kind, 0.0)
    try:
        result = original(*_na_copy.deepcopy(args), **_na_copy.deepcopy(kwargs))
    except Exception:
        return fallback
    if kind == "echo":
        return _na_echo(result, _na_inputs(args, kwargs))
    if kind == "unrelated":
        generator = _na_np.random.default_rng(12345)
        other_args = _na_perturbed(_na_copy.deepcopy(args), generator)
        other_kwargs = _na_perturbed(_na_copy.deepcopy(kwargs), generator)
        try:
            other = original(*other_args, **other_kwargs)
        except Exception:
            return _na_unrelated(result, False)
        changed = any(
            isinstance(item, _na_np.ndarray) and item.dtype.kind == "f" for item in _na_inputs(args, kwargs)
        )
        return _na_unrelated(other, changed)
    return _na_fill(result, fallback)


def _na_function(original: Callable[..., Any], kind: str) -> Callable[..., Any]:
    def non_answer(*args: Any, **kwargs: Any) -> Any:
        if _NA_ACTIVE[0]:
            return original(*args, **kwargs)
        _NA_ACTIVE[0] += 1
        try:
            return _na_answer(original, args, kwargs, kind)
        finally:
            _NA_ACTIVE[0] -= 1

    non_answer.__name__ = getattr(original, "__name__", "non_answer")
    return non_answer


def _na_state(value: Any, kind: str, generator: Any) -> Any:
    """An attribute of a new instance, filled in as `kind` fills results."""
    if kind == "unrelated":
        return _na_perturbed(value, generator)
    if kind == "echo":
        return _na_fill(value, 0.0)
    return _na_fill(value, _NA_NUMBERS[kind])


def _na_class(cls: type, kind: str) -> type:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]
        generator = _na_np.random.default_rng(54321)
        for key, value in list(vars(self).items()):
            setattr(self, key, _na_state(value, kind, generator))

    namespace: dict[str, Any] = {"__init__": __init__}
    for name, member in vars(cls).items():
        if isinstance(member, _na_types.FunctionType) and not name.startswith("_"):
            namespace[name] = _na_function(member, kind)
    return type(cls.__name__, (cls,), namespace)


def _na_install(namespace: dict[str, Any]) -> None:
    """Replace every target of the namespace by its non-answer."""
    kind = namespace["_NA_KIND"]
    for name in namespace["_NA_TARGETS"]:
        original = namespace.get(name)
        if isinstance(original, type):
            namespace[name] = _na_class(original, kind)
        elif callable(original):
            namespace[name] = _na_function(original, kind)


if "_NA_TARGETS" in globals():
    _na_install(globals())
