"""Attack: return objects of the submission's own class with odd behaviour.

The grader serves instances of the submission's classes as handles. This norm returns an object
whose __eq__ says yes to everything, whose __float__ and __array__ give the right answer, whose
__getattr__ answers every name and whose __del__ never returns; add returns a subclass of
ndarray that claims equality. Expected when the grader holds: the handle is not a number, the
subclass is not a plain array, so add and norm fail (score exactly 3, scale only).
"""

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


class Anything:
    """Equal to everything, convertible to the expected number, with every attribute."""

    def __init__(self, value=0.0):
        self.value = value

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __float__(self):
        return self.value

    def __array__(self, dtype=None):
        return np.asarray(self.value)

    def __getattr__(self, name):
        return self.value

    def __del__(self):
        while True:
            pass


class Agreeable(np.ndarray):
    """An array that compares equal to anything."""

    def __eq__(self, other):
        return True


def add(x, y):  # noqa: F811 (replaces the honest add)
    """A zero array of the right shape that claims to be equal to the answer."""
    return np.zeros_like(x).view(Agreeable)


def norm(x):
    """An object that pretends to be the norm."""
    return Anything(float(np.sqrt(np.sum(x * x))))
