"""Attack: characters that XML 1.0 forbids (NUL, form feed, ESC...) in an exception message.

The JUnit report carries each failing test's reason as an attribute and as text. A reason with
control characters written as they are makes the file invalid XML: CI systems that read it
(GitHub test reporters, GitLab, Jenkins) then drop the whole report, every other test included.
Expected when the reports hold: the JUnit file parses, norm's tests fail, the score is exactly 6.
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
    """Raises with control characters in its message."""
    raise ValueError("bad \x00 \x01 \x08 \x0b \x0c \x1b \ufffe value")
