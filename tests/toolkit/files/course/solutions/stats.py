"""Two small statistics of an array: the fixture course's second assignment."""

import numpy as np


def mean(x):
    """The mean of every value of an array, as a float.

    Args:
        x: an array of any shape, float64.

    Returns:
        the mean, a float.
    """
    ### BEGIN SOLUTION
    return float(np.sum(x) / x.size)
    ### END SOLUTION


def variance(x):
    """The population variance of every value of an array (divided by the count, not count - 1).

    Args:
        x: an array of any shape, float64.

    Returns:
        the variance, a float.
    """
    ### BEGIN SOLUTION
    ### HINT: the mean of the squared distances to the mean.
    centred = x - mean(x)
    return float(np.sum(centred * centred) / x.size)
    ### END SOLUTION
