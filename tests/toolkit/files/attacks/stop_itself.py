"""Attack: the child stops itself with SIGSTOP (tgkill to its own thread, which seccomp allows).

A stopped process neither answers nor exits, and SIGTERM would stay pending. Expected when the
sandbox holds: each call times out after the call limit, the child is killed (SIGKILL reaches a
stopped process) and restarted, norm scores nothing (exactly 6 points), grading ends in normal
time and no process is left behind.
"""

import ctypes
import os
import posixpath
import signal
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


def norm(x):
    """Stops this very thread's process."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall(234, os.getpid(), libc.syscall(186), int(signal.SIGSTOP))  # tgkill, gettid
    return float(np.sqrt(np.sum(x * x)))
