"""Red team 3: the structural analysis of one number reads the hidden answer back.

norm answers 1.0 whatever its argument. "Your number is the expected one times 1/5" is a
diagnosis the student copy keeps (issue 19 allows "a factor or ratio"); 1.0 / (1/5) is the
hidden expected value, which a second submission can then answer.
"""


def add(x, y):
    return x + y


def scale(x, k=2.0):
    return x * k


def norm(x):
    return 1.0
