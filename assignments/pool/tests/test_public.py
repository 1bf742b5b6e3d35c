"""Public tests of assignment 3 (pool): small examples worked by hand."""

import numpy as np
import pytest

from grader.compare import assert_close


@pytest.mark.points(1)
@pytest.mark.function("pool_output_size")
def test_pool_output_size(submission):
    """8 wide, window 2, stride 2: 4 outputs; window 3, stride 1: 6 outputs."""
    assert_close(submission.pool_output_size(8, 2, 2), 4)
    assert_close(submission.pool_output_size(8, 3, 1), 6)


@pytest.mark.points(1)
@pytest.mark.function("pool_windows")
def test_pool_windows_by_hand(submission):
    """The plane [[0, 1, 2], [3, 4, 5], [6, 7, 8]] has four 2x2 windows at stride 1; the one
    right of the first starts a column later: [[1, 2], [4, 5]]."""
    windows = submission.pool_windows(np.arange(9.0).reshape(1, 1, 3, 3), 2, 1)
    expected = [[[[0, 1], [3, 4]], [[1, 2], [4, 5]]], [[[3, 4], [6, 7]], [[4, 5], [7, 8]]]]
    assert_close(windows, np.array(expected, dtype=np.float64).reshape(1, 1, 2, 2, 2, 2))


@pytest.mark.points(2)
@pytest.mark.function("max_pool_forward")
def test_max_pool_by_hand(submission):
    """[[4, 8, 1], [0, 7, 2], [5, 5, 5]] pooled 2x2 with stride 2: one window fits (the last row and
    column are left over), and gives 8, chosen at row 0, column 1: switch 0*3 + 1 = 1."""
    out, switches = submission.max_pool_forward(
        np.array([[[[4.0, 8.0, 1.0], [0.0, 7.0, 2.0], [5.0, 5.0, 5.0]]]])
    )
    assert_close(out, np.array([[[[8.0]]]]))
    assert_close(switches, np.array([[[[1]]]]), what="switches")


@pytest.mark.points(1)
@pytest.mark.function("max_pool_backward")
def test_max_pool_backward_by_hand(submission):
    """The gradient 0.5 of the window above goes to position 1 only."""
    dx = submission.max_pool_backward(np.array([[[[0.5]]]]), np.array([[[[1]]]]), (1, 1, 2, 2))
    assert_close(dx, np.array([[[[0.0, 0.5], [0.0, 0.0]]]]))


@pytest.mark.points(1)
@pytest.mark.function("avg_pool_forward")
def test_avg_pool_by_hand(submission):
    """[[4, 8, 1], [0, 7, 2], [5, 5, 5]]: the one 2x2 window that fits, [[4, 8], [0, 7]], averages to
    19/4 = 4.75."""
    out = submission.avg_pool_forward(np.array([[[[4.0, 8.0, 1.0], [0.0, 7.0, 2.0], [5.0, 5.0, 5.0]]]]))
    assert_close(out, np.array([[[[4.75]]]]))


@pytest.mark.points(1)
@pytest.mark.function("avg_pool_backward")
def test_avg_pool_backward_by_hand(submission):
    """A gradient of 2 on a 2x2 window gives 2/4 = 0.5 to each of its four inputs."""
    dx = submission.avg_pool_backward(np.array([[[[2.0]]]]), (1, 1, 2, 2))
    assert_close(dx, np.full((1, 1, 2, 2), 0.5))
