"""Hidden tests of the fixture course: 3 + 3 + 4 points."""

import numpy as np
import pytest

from grader.compare import assert_close

pytestmark = pytest.mark.hidden


@pytest.mark.points(3)
@pytest.mark.function("add")
def test_add(submission, rng):
    x, y = rng.standard_normal((2, 3, 4))
    assert_close(submission.add(x, y), x + y)


@pytest.mark.points(3)
@pytest.mark.function("scale")
def test_scale(submission, rng):
    x = rng.standard_normal(5)
    assert_close(submission.scale(x, k=3.0), 3.0 * x)
    assert_close(submission.scale(x), 2.0 * x)


@pytest.mark.points(2)
@pytest.mark.function("norm")
def test_norm_of_three_four(submission):
    """3-4-5: an independent number."""
    assert_close(submission.norm(np.array([3.0, 4.0])), 5.0)


@pytest.mark.points(2)
@pytest.mark.function("norm")
def test_norm_random(submission, rng):
    x = rng.standard_normal((4, 4))
    assert_close(submission.norm(x), float(np.linalg.norm(x)))
