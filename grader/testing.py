"""Helpers for grading suites: numerical gradients and their relative error.

They run in the grading process and only call the submission's functions, so
they work the same on the reference and on an isolated student submission.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from grader import i18n
from grader.compare import Failure, Mismatch, assert_shape, describe_shape, message
from grader.sandbox import SandboxedSubmission
from grader.sandbox.child import array_digests


def numerical_gradient(
    function: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    dout: np.ndarray,
    step: float = 1e-5,
) -> np.ndarray:
    """Central-difference gradient of sum(function(x) * dout) with respect to x.

    Args:
        function: maps an array shaped like x to an output shaped like dout.
        x: the point, any shape, float64; it is restored after each probe.
        dout: the upstream gradient, shape of function(x).
        step: the finite-difference step.

    Returns:
        the gradient, shape of x.
    """
    gradient = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + step
        plus = np.sum(function(x) * dout)
        x[index] = original - step
        minus = np.sum(function(x) * dout)
        x[index] = original
        gradient[index] = (plus - minus) / (2 * step)
    return gradient


def numerical_gradient_scalar(
    function: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-5
) -> np.ndarray:
    """Central-difference gradient of a scalar function of x (shape of x)."""
    return numerical_gradient(lambda value: np.asarray(function(value)), x, np.ones(()), step)


def relative_error(got: np.ndarray, expected: np.ndarray) -> float:
    """The largest elementwise |got - expected| / max(1e-8, |got| + |expected|)."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return float("inf")
    if got.size == 0:
        return 0.0
    scale = np.maximum(1e-8, np.abs(got) + np.abs(expected))
    return float(np.max(np.abs(got - expected) / scale))


def call_watching_inputs(submission: Any, function: str, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call `submission.<function>(*args, **kwargs)`; return its result and the array arguments it
    changed in place: "0" for the first positional one, "x" for a keyword, "1[0]" inside a tuple.

    A sandboxed submission works on copies of the arguments, so the caller's arrays never show
    the change: the child reports it (`Call.modified`). A trusted in-process one is compared here.
    """
    if isinstance(submission, SandboxedSubmission):
        result = getattr(submission, function)(*args, **kwargs)
        calls = submission.calls.of(function)
        return result, list(calls[-1].modified) if calls else []
    before = array_digests(list(args), kwargs)
    result = getattr(submission, function)(*args, **kwargs)
    after = array_digests(list(args), kwargs)
    return result, [label for label, digest in before.items() if after.get(label) != digest]


def assert_gradient(got: np.ndarray, expected: np.ndarray, *, what: i18n.Text, limit: float = 1e-7) -> None:
    """Assert that an analytic gradient matches a numerical one: relative error below `limit`.

    Args:
        got: the student's gradient, any shape.
        expected: the numerical gradient, same shape.
        what: its name in the message ("dx").
        limit: the largest relative error accepted (`relative_error`).

    Raises:
        Mismatch: naming the shape or the relative error, in both languages, with both arrays kept
            for the structural analysis.
    """
    if isinstance(got, np.ndarray) and got.shape != expected.shape:  # both kept for the analysis
        shape = describe_shape(got.shape, expected.shape)
        raise Mismatch(
            message("{what}: {shape}", "{what}：{shape}", what=what, shape=shape), arrays=(got, expected)
        )
    assert_shape(got, expected.shape, what=what)
    error = relative_error(got, expected)
    if not error < limit:
        raise Mismatch(
            message(
                "{what}: relative error {error} against the numerical gradient (the limit is {limit})",
                "{what}：与数值梯度的相对误差为 {error}（上限 {limit}）",
                what=what,
                error=f"{error:.2e}",
                limit=f"{limit:g}",
            ),
            got,
            expected,
        )


class Parts:
    """The results of one call checked each on its own (`each_part`)."""

    def __init__(self) -> None:
        self.count = 0
        self.failures: list[Failure] = []

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        """Check one part (`name`, "dw") in the block; its failure is kept, not raised yet."""
        self.count += 1
        try:
            yield
        except Failure as failure:
            self.failures.append(failure)


@contextlib.contextmanager
def each_part(credit: Any) -> Iterator[Parts]:
    """Check several results of one call (dx, dw and db) each on its own: when some are wrong, the
    test fails with the first wrong one's reason and keeps the share of its points the right ones
    earn (`credit`, the test's fixture), so a mistake in db alone does not cost dx's and dw's.

    >>> with each_part(credit) as part:
    ...     with part("dx"):
    ...         assert_close(dx, expected_dx, what="dx")
    """
    parts = Parts()
    yield parts
    if parts.failures:
        credit.award(1 - len(parts.failures) / max(parts.count, 1))
        raise parts.failures[0]


DIGITS_TRAIN_SIZE = 1440  # 45 full batches of 32, 90 of 16: no tiny last batch


@functools.cache
def digits_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 digits, pixels / 16, split once and for all.

    Returns:
        X_train (1440, 1, 8, 8) float64, y_train (1440,) int,
        X_val (357, 1, 8, 8) float64, y_val (357,) int; stratified, random_state 0.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    images = (data.images / 16.0)[:, None].astype(np.float64)
    X_train, X_val, y_train, y_val = train_test_split(
        images, data.target, train_size=DIGITS_TRAIN_SIZE, random_state=0, stratify=data.target
    )
    return X_train, y_train, X_val, y_val
