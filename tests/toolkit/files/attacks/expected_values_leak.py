"""Attack, first of two submissions: learn the hidden tests' expected values from the report.

A student may see a hidden test's name, points, pass or fail and where a difference lies, but
never its inputs or expected values (DESIGN.md). This submission's norm answers -1 every time;
if the failure reasons of the hidden norm tests say "expected 5" and "expected 4.3684146", a
second submission (built by the test from the report: `replay_source`) answers those numbers in
call order, computing nothing. Expected when the reports hold: no reason of a hidden test holds
the expected value, so the second submission also scores exactly 6.
"""

import numpy as np


def add(x, y):
    """Elementwise sum of two arrays of the same shape."""
    return x + y


def scale(x, k=2.0):
    """x times the number k."""
    return x * k


def norm(x):
    """Always -1: only the report matters."""
    return -1.0 + 0.0 * float(np.size(x))
