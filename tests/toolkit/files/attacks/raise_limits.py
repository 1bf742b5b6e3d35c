"""Attack: raise the child's own limits (setrlimit and prlimit are allowed system calls).

The child's memory, file size, CPU time, open files and (under a uid) thread count are rlimits set
before the submission is imported, soft and hard alike. A process without CAP_SYS_RESOURCE cannot
raise a hard limit, and prlimit may only name the child itself. Expected when the sandbox holds:
every attempt fails, so norm scores nothing (exactly 6 points).
"""

import ctypes
import os
import posixpath
import resource
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


def _raised():
    names = ("RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_CPU", "RLIMIT_NOFILE", "RLIMIT_NPROC")
    for name in names:
        which = getattr(resource, name)
        soft, hard = resource.getrlimit(which)
        if hard == resource.RLIM_INFINITY:
            continue
        try:
            resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            return True
        except (ValueError, OSError):
            pass
    libc = ctypes.CDLL(None, use_errno=True)
    limit = (ctypes.c_ulong * 2)(2**40, 2**40)
    return libc.prlimit(os.getppid(), resource.RLIMIT_AS, limit, None) == 0  # the parent's


def norm(x):
    """The right norm only if a limit could be raised."""
    return float(np.sqrt(np.sum(x * x))) if _raised() else -1.0
