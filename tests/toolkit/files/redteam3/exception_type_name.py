"""Red team 3: the hidden inputs travel in the NAME of the exception's type.

The student copy may name "the exception's type" (issue 19, item 1): this norm makes a new
exception class per call whose name spells its argument, so the type alone carries the input.
"""

import numpy as np


def add(x, y):
    return x + y


def scale(x, k=2.0):
    return x * k


def norm(x):
    spelled = "_".join(f"{float(v):.4f}".replace("-", "m").replace(".", "p") for v in np.ravel(x)[:6])
    raise type(f"LEAK_{spelled}", (ArithmeticError,), {})("no message at all")
