"""Three small vector functions: the fixture course's only assignment."""

import numpy as np


def add(x, y):
    """Elementwise sum of two arrays of the same shape."""
    ### BEGIN SOLUTION
    return x + y
    ### END SOLUTION


def scale(x, k=2.0):
    """x times the number k."""
    ### BEGIN SOLUTION
    return x * k
    ### END SOLUTION


def norm(x):
    """The Euclidean norm of an array, as a float."""
    ### BEGIN SOLUTION
    return float(np.sqrt(np.sum(x * x)))
    ### END SOLUTION
