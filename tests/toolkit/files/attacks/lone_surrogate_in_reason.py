"""Attack: a lone surrogate (U+D800) in an exception message.

JSON carries "\\ud800" from the child without complaint, but the text cannot be encoded as UTF-8.
If a report writer encodes it as it is, writing the JSON report raises UnicodeEncodeError: the
run ends with a traceback, the JSON file is left empty and the Gradescope, JUnit and HTML reports
are never written. Expected when the reports hold: every report is written (the character
replaced), norm's tests fail, the score is exactly 6.
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


def norm(x):
    """Raises with a lone surrogate in its message."""
    raise ValueError("half a character: \ud800")
