"""Hidden tests with canary values (issue 19): inputs and expected values no student copy may show.

Copied into a fixture course's tests/stats/ by tests/toolkit/test_student_copies.py.
"""

import numpy as np
import pytest

from grader.compare import assert_close

pytestmark = pytest.mark.hidden

VALUES = np.array([2846.3917, 1957.6284, 3735.1549, 2268.8371])


@pytest.mark.points(1)
@pytest.mark.function("mean")
def test_mean_canary(submission):
    assert_close(submission.mean(VALUES), float(np.mean(VALUES)))


@pytest.mark.points(1)
@pytest.mark.function("variance")
def test_variance_canary(submission):
    assert_close(submission.variance(VALUES), float(np.var(VALUES)))
