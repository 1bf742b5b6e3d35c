"""Attack: replace the child's description of exceptions with one of several megabytes.

The child describes a student's exception as a type name, a message (cut to 500 characters) and
a few lines of where it happened. The submission runs inside the child and can replace that
describer: here the type name is 1 MB long, the message 3 MB,
and "where" 30,000 lines. Expected when the grader holds: the reasons stay a few short lines
shown literally, every report is written, the grading process stays small, norm fails and the
score is exactly 6.
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


def _describe(error, source_path):
    return {
        "type": "T" * 2**20,
        "message": "M" * 3 * 2**20,
        "where": ["where " + "w" * 90] * 30_000,
    }


_runner = sys.modules.get("__main__")
if _runner is not None and hasattr(_runner, "describe_error"):
    _runner.describe_error = _describe


def norm(x):
    """Raises; the description is the attack."""
    raise ValueError("short")
