"""Attack (a folder submission): files that Python or pytest would run if they were on the wrong path.

Beside vec.py the folder holds conftest.py, pytest.ini, sitecustomize.py, usercustomize.py,
protocol.py, confine.py, numpy/ and grader/ packages. Each, if run by the grading process (root
here, never the child's uid), writes a marker file /tmp/redteam-shadow-<name>. Expected when the
grader holds: no marker exists after grading, the course's pytest settings are unchanged, and
the score is exactly 6 (norm answers -1).
"""

import numpy as np


def add(x, y):
    """Elementwise sum of two arrays of the same shape."""
    return x + y


def scale(x, k=2.0):
    """x times the number k."""
    return x * k


def norm(x):
    """Always -1."""
    return -1.0 + 0.0 * float(np.size(x))
