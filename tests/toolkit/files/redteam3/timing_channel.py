"""Red team 3: the hidden inputs travel in each hidden test's duration.

norm sleeps STEP seconds per unit of |x[0]| and answers -1: the duration_s of a hidden test in
the student copy (grade-all's feedback JSON, Gradescope's results) reads back x[0].
"""

import time

import numpy as np

STEP = 0.3


def add(x, y):
    return x + y


def scale(x, k=2.0):
    return x * k


def norm(x):
    time.sleep(STEP * min(abs(float(np.ravel(x)[0])), 5.0))
    return -1.0
