"""Hidden tests of the fixture course's stats: 1 + 2 points, the variance over three cases."""

import numpy as np
import pytest

from grader.compare import assert_close

pytestmark = pytest.mark.hidden


@pytest.mark.points(1)
@pytest.mark.function("mean")
def test_mean_of_a_grid(submission, rng):
    x = rng.standard_normal((3, 4))
    assert_close(submission.mean(x), float(np.mean(x)))


@pytest.mark.points(2)
@pytest.mark.function("variance")
@pytest.mark.parametrize(
    ("values", "expected"), [([2.0, 6.0], 4.0), ([0.0, 0.0, 3.0], 2.0), ([1.0, 3.0, 5.0, 7.0], 5.0)]
)
def test_variance_worked(submission, values, expected):
    """Worked by hand: mean 4, distances 2 and 2; mean 1, (1 + 1 + 4) / 3; mean 4, (9 + 1 + 1 + 9) / 4.
    (No case's variance is 1: a function answering 1 whatever its input would earn that case.)"""
    assert_close(submission.variance(np.array(values)), expected)
