"""Red team 3: the hidden inputs travel in the NAME of a function on the exception's path.

The student copy shows where the student's own exception was raised ("line 1 in NAME: ...").
norm raises a builtin ValueError with no message, from a function it compiles on the spot under a
name that spells its argument (a "<cell N>" file name, which the child keeps as the student's).
"""

import numpy as np


def add(x, y):
    return x + y


def scale(x, k=2.0):
    return x * k


def norm(x):
    spelled = "_".join(f"{float(v):.4f}".replace("-", "m").replace(".", "p") for v in np.ravel(x)[:6])
    namespace = {}
    exec(compile(f"def LEAK_{spelled}():\n    raise ValueError()\n", "<cell 99>", "exec"), namespace)
    namespace[f"LEAK_{spelled}"]()
