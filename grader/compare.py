"""Comparisons that explain themselves.

A mismatch is described in the order a student can act on it: the type,
then the shape and dtype, then the largest absolute and relative error and
where it occurs, and for small arrays an excerpt of expected against got.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-8
_EXCERPT_LIMIT = 36  # arrays up to this many elements are shown whole


def set_default_tolerances(rtol: float, atol: float) -> None:
    """Use the course's tolerances (course.yml `grading:`) for every later comparison."""
    global DEFAULT_RTOL, DEFAULT_ATOL
    DEFAULT_RTOL, DEFAULT_ATOL = rtol, atol


class Mismatch(AssertionError):
    """A student's output differs from the expected one; the message says how.

    For arrays of the same shape, `got` and `expected` keep both (the HTML report draws them);
    `arrays` keeps any two arrays compared, whatever their shapes (the structural analysis reads them).
    """

    def __init__(
        self, message: str, got: Any = None, expected: Any = None, arrays: tuple[Any, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.got = got
        self.expected = expected
        self.arrays = arrays if arrays is not None else ((got, expected) if got is not None else None)


def _type_name(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array of {value.dtype}"
    return type(value).__name__


def _shape_hint(got: tuple[int, ...], expected: tuple[int, ...]) -> str:
    if len(got) != len(expected):
        return f": {len(got)} axes instead of {len(expected)}"
    if sorted(got) == sorted(expected):
        return ": axes in the wrong order?"
    differences = [g - e for g, e in zip(got, expected, strict=False)]
    if all(d in (0, 2, -2) for d in differences) and any(differences):
        return ": padding missing or added twice?"
    return ""


def _excerpt(array: np.ndarray) -> str:
    return np.array2string(array, precision=4, suppress_small=True, max_line_width=100)


def describe_difference(
    got: np.ndarray, expected: np.ndarray, rtol: float = 1e-6, atol: float = 1e-8
) -> str | None:
    """Explain how `got` differs from `expected`, or None when they agree.

    Args:
        got: the student's array, any shape.
        expected: the reference array.
        rtol: relative tolerance, as in numpy.isclose.
        atol: absolute tolerance.

    Returns:
        one or a few lines, or None when every element is close.
    """
    if got.shape != expected.shape:
        hint = _shape_hint(got.shape, expected.shape)
        return f"shape {got.shape} expected {expected.shape}{hint}"
    if got.dtype.kind not in "biuf":
        return f"dtype {got.dtype} expected a numeric array like {expected.dtype}"
    got_f, expected_f = got.astype(np.float64), expected.astype(np.float64)
    nan_mismatch = np.isnan(got_f) != np.isnan(expected_f)
    close = np.isclose(got_f, expected_f, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    error = np.where(nan_mismatch, np.inf, np.abs(got_f - expected_f))
    error = np.where(close, 0.0, error)
    where = np.unravel_index(int(np.argmax(error)), error.shape)
    index = tuple(int(i) for i in where)
    relative = error[where] / max(abs(expected_f[where]), 1e-300)
    lines = [
        f"{int((~close).sum())} of {close.size} values differ; largest error {error[where]:.3g} "
        f"(relative {relative:.3g}) at index {index}: got {got_f[where]:.6g}, "
        f"expected {expected_f[where]:.6g}"
    ]
    if expected.size <= _EXCERPT_LIMIT:
        lines.append(f"expected:\n{_excerpt(expected_f)}\ngot:\n{_excerpt(got_f)}")
    return "\n".join(lines)


def assert_close(
    got: Any,
    expected: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    what: str = "output",
) -> None:
    """Assert that `got` equals `expected` up to tolerance, explaining any difference.

    Args:
        got: the student's value: an array, a number, or a tuple/list/dict of them.
        expected: the reference value, of the same structure.
        rtol: relative tolerance.
        atol: absolute tolerance.
        what: the name of the value in the message ("dx", "output").

    Raises:
        Mismatch: with a message that names the first difference.
    """
    rtol = DEFAULT_RTOL if rtol is None else rtol
    atol = DEFAULT_ATOL if atol is None else atol
    if isinstance(expected, (tuple, list)):
        _assert_sequence(got, expected, rtol, atol, what)
        return
    if isinstance(expected, dict):
        _assert_mapping(got, expected, rtol, atol, what)
        return
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            raise Mismatch(f"{what}: returned a {_type_name(got)}, expected an array")
        message = describe_difference(got, expected, rtol, atol)
        if message:
            same_shape = got.shape == expected.shape
            raise Mismatch(
                f"{what}: {message}",
                got if same_shape else None,
                expected if same_shape else None,
                arrays=(got, expected),
            )
        return
    _assert_scalar(got, expected, rtol, atol, what)


def _assert_sequence(got: Any, expected: tuple | list, rtol: float, atol: float, what: str) -> None:
    if type(got) is not type(expected):
        kind = type(expected).__name__
        raise Mismatch(f"{what}: returned a {_type_name(got)}, expected a {kind} of {len(expected)}")
    if len(got) != len(expected):
        raise Mismatch(f"{what}: {len(got)} items returned, expected {len(expected)}")
    for position, (item, reference) in enumerate(zip(got, expected, strict=False)):
        assert_close(item, reference, rtol=rtol, atol=atol, what=f"{what}[{position}]")


def _assert_mapping(got: Any, expected: dict, rtol: float, atol: float, what: str) -> None:
    if not isinstance(got, dict):
        raise Mismatch(f"{what}: returned a {_type_name(got)}, expected a dict")
    missing = sorted(set(expected) - set(got), key=str)
    if missing:
        raise Mismatch(f"{what}: key {missing[0]!r} is missing")
    extra = sorted(set(got) - set(expected), key=str)
    if extra:
        raise Mismatch(f"{what}: unexpected key {extra[0]!r}")
    for key, reference in expected.items():
        assert_close(got[key], reference, rtol=rtol, atol=atol, what=f"{what}[{key!r}]")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _assert_scalar(got: Any, expected: Any, rtol: float, atol: float, what: str) -> None:
    if isinstance(expected, (bool, str)) or expected is None:
        if type(got) is not type(expected) or got != expected:
            raise Mismatch(f"{what}: got {got!r}, expected {expected!r}")
        return
    if isinstance(expected, (int, np.integer)):
        if not isinstance(got, (int, np.integer)) or isinstance(got, bool):
            raise Mismatch(f"{what}: returned a {_type_name(got)} ({got!r}), expected an int")
        if int(got) != int(expected):
            raise Mismatch(f"{what}: got {int(got):,}, expected {int(expected):,}")
        return
    if not _is_number(got):
        raise Mismatch(f"{what}: returned a {_type_name(got)}, expected a number")
    if not np.isclose(float(got), float(expected), rtol=rtol, atol=atol, equal_nan=True):
        raise Mismatch(f"{what}: got {float(got):.8g}, expected {float(expected):.8g}")
