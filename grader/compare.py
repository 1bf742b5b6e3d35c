"""Comparisons that explain themselves.

A mismatch is described in the order a student can act on it: the type,
then the shape and dtype, then the largest absolute and relative error and
where it occurs, and for small arrays an excerpt of expected against got.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any, NoReturn

import numpy as np

from grader import i18n, tolerance
from grader.i18n import message

DEFAULT_RTOL = tolerance.RTOL
DEFAULT_ATOL = tolerance.ATOL
_EXCERPT_LIMIT = 36  # arrays up to this many elements are shown whole
OUTPUT = message("output", "输出")


# The tolerances of the course being graded: set around each test by the plugin (`tolerances`),
# never as a module global, so two courses graded in one process never share them.
_TOLERANCES: contextvars.ContextVar[tuple[float, float]] = contextvars.ContextVar(
    "tolerances", default=(DEFAULT_RTOL, DEFAULT_ATOL)
)


@contextlib.contextmanager
def tolerances(rtol: float, atol: float) -> Iterator[None]:
    """Within the block, comparisons that name no tolerance use these (course.yml `grading:`)."""
    token = _TOLERANCES.set((rtol, atol))
    try:
        yield
    finally:
        _TOLERANCES.reset(token)


class Failure(AssertionError):
    """A test's finding about the student's work, in English and Chinese (`str()` is the English).

    Suites raise it through `fail`, `expect`, `expect_raises` and the comparisons below; the report
    shows `message` in the course's language.
    """

    def __init__(self, message: i18n.Text) -> None:
        super().__init__(str(message))
        self.message = message


class Mismatch(Failure):
    """A student's output differs from the expected one; the message says how.

    For arrays of the same shape, `got` and `expected` keep both (the HTML report draws them);
    `arrays` keeps any two arrays compared, whatever their shapes (the structural analysis reads them).
    """

    def __init__(
        self, message: i18n.Text, got: Any = None, expected: Any = None, arrays: tuple[Any, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.got = got
        self.expected = expected
        self.arrays = arrays if arrays is not None else ((got, expected) if got is not None else None)


def fail(en: str, zh: str, **values: Any) -> NoReturn:
    """Fail the running test with a sentence in both languages (str.format templates, same values).

    >>> fail("{what} should be symmetric", "{what} 应当是对称的", what="dx")
    """
    raise Failure(message(en, zh, **values))


def expect(condition: Any, en: str, zh: str, **values: Any) -> None:
    """Fail with the sentence (both languages) unless `condition` holds; use it instead of `assert`."""
    if not condition:
        fail(en, zh, **values)


@contextlib.contextmanager
def expect_raises(kind: type[BaseException], what: i18n.Text) -> Iterator[None]:
    """The block must raise `kind` (a subclass will do); any other exception goes through unchanged.

    Args:
        kind: the exception class expected, usually ValueError.
        what: the call, for the message ("conv_output_size(7, 3, stride=0)").
    """
    try:
        yield
    except kind:
        return
    fail(
        "{what} should raise {kind} but returned normally",
        "{what} 应当抛出 {kind}，却正常返回了",
        what=what,
        kind=kind.__name__,
    )


def _type_name(value: Any) -> i18n.Message:
    if isinstance(value, np.ndarray):
        return message("array of {dtype}", "{dtype} 数组", dtype=value.dtype)
    return message("{name}", "{name}", name=type(value).__name__)


def _shape_hint(got: tuple[int, ...], expected: tuple[int, ...]) -> i18n.Message:
    if len(got) != len(expected):
        return message(": {g} axes instead of {e}", "：有 {g} 个轴，应为 {e} 个", g=len(got), e=len(expected))
    if sorted(got) == sorted(expected):
        return message(": axes in the wrong order?", "：轴的顺序不对？")
    differences = [g - e for g, e in zip(got, expected, strict=False)]
    if all(d in (0, 2, -2) for d in differences) and any(differences):
        return message(": padding missing or added twice?", "：漏了零填充，还是填充了两次？")
    return message("", "")


def _excerpt(array: np.ndarray) -> str:
    return np.array2string(array, precision=4, suppress_small=True, max_line_width=100)


def describe_shape(got: tuple[int, ...], expected: tuple[int, ...]) -> i18n.Message:
    """A shape that differs from the one expected, with a guess at why (axes, padding)."""
    hint = _shape_hint(got, expected)
    return message(
        "shape {got} expected {expected}{hint}",
        "形状为 {got}，应为 {expected}{hint}",
        got=got,
        expected=expected,
        hint=hint,
    )


def describe_difference(
    got: np.ndarray, expected: np.ndarray, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL
) -> i18n.Message | None:
    """Explain how `got` differs from `expected`, or None when they agree.

    Args:
        got: the student's array, any shape.
        expected: the reference array.
        rtol: relative tolerance, as in numpy.isclose.
        atol: absolute tolerance.

    Returns:
        one or a few lines in both languages, or None when every element is close.
    """
    if got.shape != expected.shape:
        return describe_shape(got.shape, expected.shape)
    if got.dtype.kind not in "biuf":
        return message(
            "dtype {got} expected a numeric array like {expected}",
            "数据类型为 {got}，应为数值数组（如 {expected}）",
            got=got.dtype,
            expected=expected.dtype,
        )
    got_f, expected_f = got.astype(np.float64), expected.astype(np.float64)
    nan_mismatch = np.isnan(got_f) != np.isnan(expected_f)
    close = np.isclose(got_f, expected_f, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    error = np.where(nan_mismatch, np.inf, np.abs(got_f - expected_f))
    error = np.where(close, 0.0, error)
    where = np.unravel_index(int(np.argmax(error)), error.shape)
    scale = abs(expected_f[where])
    values = {
        "count": int((~close).sum()),
        "size": close.size,
        "error": f"{error[where]:.3g}",
        "relative": "" if scale <= atol else f" (relative {error[where] / scale:.3g})",
        "relative_zh": "" if scale <= atol else f"（相对误差 {error[where] / scale:.3g}）",
        "index": tuple(int(i) for i in where),
        "got": f"{got_f[where]:.6g}",
        "expected": f"{expected_f[where]:.6g}",
    }
    # where the expected value is 0, a relative error means nothing (it read "relative 2.53e+300")
    found = message(
        "{count} of {size} values differ; largest error {error}{relative} at index {index}: "
        "got {got}, expected {expected}",
        "{size} 个值中有 {count} 个不对；最大误差 {error}{relative_zh}，在索引 {index}："
        "你的结果 {got}，期望 {expected}",
        **values,
    )
    if expected.size > _EXCERPT_LIMIT:
        return found
    arrays = {"expected": _excerpt(expected_f), "got": _excerpt(got_f)}
    return message(
        "{found}\nexpected:\n{expected}\ngot:\n{got}",
        "{found}\n期望：\n{expected}\n你的结果：\n{got}",
        found=found,
        **arrays,
    )


def assert_shape(got: Any, expected: tuple[int, ...], *, what: i18n.Text = OUTPUT) -> None:
    """Assert that `got` is an array of shape `expected`, explaining a wrong shape (axes, padding).

    Raises:
        Mismatch: naming the shape found and the one expected.
    """
    if not isinstance(got, np.ndarray):
        raise Mismatch(
            message(
                "{what}: returned a {kind}, expected an array of shape {shape}",
                "{what}：返回的是 {kind}，应为形状 {shape} 的数组",
                what=what,
                kind=_type_name(got),
                shape=expected,
            )
        )
    if got.shape != tuple(expected):
        raise Mismatch(
            message(
                "{what}: {shape}",
                "{what}：{shape}",
                what=what,
                shape=describe_shape(got.shape, tuple(expected)),
            )
        )


def assert_close(
    got: Any,
    expected: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    what: i18n.Text = OUTPUT,
) -> None:
    """Assert that `got` equals `expected` up to tolerance, explaining any difference.

    Args:
        got: the student's value: an array, a number, or a tuple/list/dict of them.
        expected: the reference value, of the same structure.
        rtol: relative tolerance.
        atol: absolute tolerance.
        what: the name of the value in the message ("dx", or `message("first row", "第一行")`).

    Raises:
        Mismatch: with a message, in both languages, that names the first difference.
    """
    default_rtol, default_atol = _TOLERANCES.get()
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if isinstance(expected, (tuple, list)):
        _assert_sequence(got, expected, rtol, atol, what)
        return
    if isinstance(expected, dict):
        _assert_mapping(got, expected, rtol, atol, what)
        return
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            raise Mismatch(
                message(
                    "{what}: returned a {kind}, expected an array",
                    "{what}：返回的是 {kind}，应为数组",
                    what=what,
                    kind=_type_name(got),
                )
            )
        found = describe_difference(got, expected, rtol, atol)
        if found:
            same_shape = got.shape == expected.shape
            raise Mismatch(
                message("{what}: {found}", "{what}：{found}", what=what, found=found),
                got if same_shape else None,
                expected if same_shape else None,
                arrays=(got, expected),
            )
        return
    _assert_scalar(got, expected, rtol, atol, what)


def _item(what: i18n.Text, key: Any) -> i18n.Message:
    return message("{what}[{key}]", "{what}[{key}]", what=what, key=key)


def _assert_sequence(got: Any, expected: tuple | list, rtol: float, atol: float, what: i18n.Text) -> None:
    if type(got) is not type(expected):
        raise Mismatch(
            message(
                "{what}: returned a {kind}, expected a {expected} of {n}",
                "{what}：返回的是 {kind}，应为含 {n} 项的 {expected}",
                what=what,
                kind=_type_name(got),
                expected=type(expected).__name__,
                n=len(expected),
            )
        )
    if len(got) != len(expected):
        raise Mismatch(
            message(
                "{what}: {got} items returned, expected {n}",
                "{what}：返回了 {got} 项，应为 {n} 项",
                what=what,
                got=len(got),
                n=len(expected),
            )
        )
    for position, (item, reference) in enumerate(zip(got, expected, strict=False)):
        assert_close(item, reference, rtol=rtol, atol=atol, what=_item(what, position))


def _assert_mapping(got: Any, expected: dict, rtol: float, atol: float, what: i18n.Text) -> None:
    if not isinstance(got, dict):
        raise Mismatch(
            message(
                "{what}: returned a {kind}, expected a dict",
                "{what}：返回的是 {kind}，应为 dict",
                what=what,
                kind=_type_name(got),
            )
        )
    missing = sorted(set(expected) - set(got), key=str)
    if missing:
        raise Mismatch(
            message("{what}: key {key} is missing", "{what}：缺少键 {key}", what=what, key=repr(missing[0]))
        )
    extra = sorted(set(got) - set(expected), key=str)
    if extra:
        raise Mismatch(
            message("{what}: unexpected key {key}", "{what}：多了键 {key}", what=what, key=repr(extra[0]))
        )
    for key, reference in expected.items():
        assert_close(got[key], reference, rtol=rtol, atol=atol, what=_item(what, repr(key)))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _got_expected(
    what: i18n.Text, got: str, expected: str, numbers: tuple[Any, Any] | None = None
) -> Mismatch:
    """A mismatch of two single values; two numbers are kept (as 0-d arrays) for the analysis."""
    arrays = None if numbers is None else (np.asarray(numbers[0]), np.asarray(numbers[1]))
    return Mismatch(
        message(
            "{what}: got {got}, expected {expected}",
            "{what}：你的结果 {got}，期望 {expected}",
            what=what,
            got=got,
            expected=expected,
        ),
        arrays=arrays,
    )


def _assert_scalar(got: Any, expected: Any, rtol: float, atol: float, what: i18n.Text) -> None:
    if isinstance(expected, (bool, str)) or expected is None:
        if type(got) is not type(expected) or got != expected:
            raise _got_expected(what, repr(got), repr(expected))
        return
    if isinstance(expected, (int, np.integer)):
        if isinstance(got, (float, np.floating)):
            raise Mismatch(
                message(
                    "{what}: returned a float ({got}) where an int is needed: use // (integer division), "
                    "not /",
                    "{what}：返回的是浮点数 float（{got}），这里需要整数 int：请用整除 //，不要用 /",
                    what=what,
                    got=repr(float(got)),
                )
            )
        if not isinstance(got, (int, np.integer)) or isinstance(got, bool):
            raise Mismatch(
                message(
                    "{what}: returned a {kind} ({got}), expected an int",
                    "{what}：返回的是 {kind}（{got}），应为整数 int",
                    what=what,
                    kind=_type_name(got),
                    got=repr(got),
                )
            )
        if int(got) != int(expected):
            raise _got_expected(what, f"{int(got):,}", f"{int(expected):,}", (int(got), int(expected)))
        return
    if not _is_number(got):
        raise Mismatch(
            message(
                "{what}: returned a {kind}, expected a number",
                "{what}：返回的是 {kind}，应为一个数",
                what=what,
                kind=_type_name(got),
            )
        )
    if not np.isclose(float(got), float(expected), rtol=rtol, atol=atol, equal_nan=True):
        raise _got_expected(
            what, f"{float(got):.8g}", f"{float(expected):.8g}", (float(got), float(expected))
        )
