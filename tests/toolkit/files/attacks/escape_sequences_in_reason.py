"""Attack: terminal escape sequences in an exception message, to rewrite what the table shows.

The first line of a failing test's reason is printed in the score table. If escape sequences
(ESC, 0x1b) reach the terminal or the CI log as they are, a message can erase the line it is on,
write a forged total, and conceal everything printed after it (the real total). Expected when the
reports hold: the reason is shown without any escape character (removed or made visible), the
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


def norm(x):
    """Raises with a message that rewrites the terminal."""
    forged = "\x1b[2K\x1b[Gtotal 10.00 / 10.00 (100 %) \x1b[8m"
    raise ValueError(forged + "\x1b]8;;https://example.com/\x1b\\click\x1b]8;;\x1b\\")
