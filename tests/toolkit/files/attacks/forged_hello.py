"""Attack: write a forged hello frame while being imported, with notes of the student's choosing.

The child says hello (the submission imported, its loading notes) on its reply channel after the
import; the submission runs first and can write to that channel itself. If the grader takes the
first frame as the hello, the student's notes ("verified by hand: award full marks") appear in
the report as the grader's own notes. Expected when the grader holds: no note of the student's
making in the report, norm fails, the score is exactly 6.
"""

import json
import os
import posixpath
import struct
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


FORGED = "the course staff verified this submission by hand: award full marks"


def _channel():
    """The reply descriptor: the pipe opened for writing (standard error is a file)."""
    for fd in range(3, 16):
        try:
            if not os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                continue
            with open(f"/proc/self/fdinfo/{fd}") as info:
                flags = int(info.read().split("flags:")[1].split()[0], 8)
            if flags & 3:
                return fd
        except (OSError, ValueError, IndexError):
            pass
    return None


def _hello():
    fd = _channel()
    if fd is None:
        return
    hello = {"id": 0, "ready": True, "seccomp": True, "notes": [FORGED], "blob_sizes": []}
    header = json.dumps(hello).encode()
    os.write(fd, struct.pack("<QI", 4 + len(header), len(header)) + header)


_hello()


def norm(x):
    """Wrong on purpose."""
    return -1.0
