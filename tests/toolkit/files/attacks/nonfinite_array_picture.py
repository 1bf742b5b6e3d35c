"""Attack: a wrong array full of infinities and NaNs, to break the HTML report's picture.

When an array test fails and the shapes agree, the HTML report draws expected, got and their
difference with matplotlib, scaled by the minimum and maximum of the arrays. An array holding
inf, -inf and NaN gives infinite or NaN colour limits. Expected when the report holds: add's
test fails (the array is wrong), scale and norm are right (score exactly 7), and the HTML report
is written, with or without a picture.
"""

import numpy as np


def add(x, y):
    """Wrong: non-finite values in place of the sum."""
    out = x + y
    out.flat[0] = np.inf
    out.flat[1] = -np.inf
    out.flat[2] = np.nan
    return out


def scale(x, k=2.0):
    """x times the number k."""
    return x * k


def norm(x):
    """The Euclidean norm of an array, as a float."""
    return float(np.sqrt(np.sum(x * x)))
