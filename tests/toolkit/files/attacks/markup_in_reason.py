"""Attack: rich markup in an exception message, to crash or restyle the terminal table.

The score table is drawn with rich. If a test's reason (the first line of the student's
exception message) reaches rich as markup, "[/]" (a closing tag with nothing to close) raises
MarkupError while printing, so the table and every report written after it are lost; other tags
could restyle or hide text. Expected when the reports hold: norm's tests fail with the message
shown literally ("[/]" and the rest), the score is exactly 6, and every report is written.
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
    """Raises with markup in its message."""
    raise ValueError("[/][bold green]looks fine[/bold green] [link=https://example.com]see[/link]")
