"""Attack: answer norm with NaN, infinity, a huge integer and booleans.

Comparisons that use the student's value as the tolerance's scale, or treat NaN as equal, could
pass these. norm answers NaN, then +inf; scale answers an integer too large for a float.
Expected when the grader holds: every one fails (score exactly 3, add only), and the reason of
each is a failed comparison, never a crash of the grader.
"""

import posixpath
import sys


def _unhook():
    """Switch off the child's audit hook from pure Python (it is defence in depth, not a boundary):
    empty its tables of events and make its path check see /dev/null, which it allows."""
    confine = sys.modules.get("confine")
    if confine is None:
        return
    confine._BLOCKED_EVENTS.clear()
    confine._WRITE_EVENTS.clear()
    real = posixpath.realpath

    def realpath(path, *args, **kwargs):
        if sys._getframe(1).f_code.co_name == "inside":
            return "/dev/null"
        return real(path, *args, **kwargs)

    posixpath.realpath = realpath


_unhook()


def add(x, y):
    """Elementwise sum of two arrays of the same shape."""
    return x + y


def scale(x, k=2.0):
    """x times the number k."""
    return x * k


_answers = [float("nan"), float("inf")]


def scale(x, k=2.0):  # noqa: F811 (replaces the honest scale)
    """An integer with 4,000 digits."""
    return 10**3999


def norm(x):
    """NaN, then infinity."""
    return _answers.pop(0) if _answers else float("-inf")
