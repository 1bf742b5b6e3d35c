"""Public tests of the fixture course's stats: small numbers worked by hand."""

import numpy as np
import pytest

from grader.compare import assert_close


@pytest.mark.points(1)
@pytest.mark.function("mean")
def test_mean_small(submission):
    """(1 + 2 + 6) / 3 = 3."""
    assert_close(submission.mean(np.array([1.0, 2.0, 6.0])), 3.0)


@pytest.mark.points(1)
@pytest.mark.function("variance")
def test_variance_small(submission):
    """Around the mean 3: (4 + 1 + 9) / 3 = 14 / 3."""
    assert_close(submission.variance(np.array([1.0, 2.0, 6.0])), 14 / 3)
