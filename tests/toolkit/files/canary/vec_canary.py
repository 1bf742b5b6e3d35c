"""Hidden tests with canary values (issue 19): inputs and expected values no student copy may show.

Copied into a fixture course's tests/vec/ by tests/toolkit/test_student_copies.py.
"""

import numpy as np
import pytest

from grader.compare import assert_close

pytestmark = pytest.mark.hidden

X = np.array([7391.8264, -6602.7153, 5813.9042])
Y = np.array([4471.5386, 5582.2917, -3363.7528])
K = 48.12537


@pytest.mark.points(1)
@pytest.mark.function("add")
def test_add_canary(submission):
    assert_close(submission.add(X, Y), X + Y)


@pytest.mark.points(1)
@pytest.mark.function("scale")
@pytest.mark.parametrize("k", [K, 19.73215])
def test_scale_canary(submission, k):
    assert_close(submission.scale(X, k=k), k * X)


@pytest.mark.points(1)
@pytest.mark.function("norm")
def test_norm_canary(submission):
    assert_close(submission.norm(Y), float(np.sqrt(np.sum(Y * Y))))
