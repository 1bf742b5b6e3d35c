"""Helpers for grading suites: numerical gradients and their relative error.

They run in the grading process and only call the submission's functions, so
they work the same on the reference and on an isolated student submission.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


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
