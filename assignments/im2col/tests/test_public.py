"""Public tests of assignment 2 (im2col): shapes and small examples worked by hand."""

import numpy as np
import pytest

from grader.compare import assert_close, assert_shape


@pytest.mark.points(1)
@pytest.mark.function("im2col")
def test_im2col_shape(submission):
    """Two images, 3 channels, 5x5, 2x2 windows, stride 1: (3*2*2, 2*4*4) = (12, 32). Every pixel of
    channel c of image n is 10*n + c, so rows 4c to 4c+3 (channel c's four window offsets) hold c,
    plus 10 in the columns of the second image (the last 16)."""
    x = 10.0 * np.arange(2).reshape(2, 1, 1, 1) + np.arange(3.0).reshape(1, 3, 1, 1) + np.zeros((2, 3, 5, 5))
    cols = submission.im2col(x, 2, 2)
    assert_shape(cols, (12, 32))
    assert_close(cols, np.repeat(np.arange(3.0), 4)[:, None] + np.repeat([0.0, 10.0], 16)[None, :])


@pytest.mark.points(2)
@pytest.mark.function("im2col")
def test_im2col_by_hand(submission):
    """A 1x3 row [5, 6, 7] with 1x2 windows gives the columns [5, 6] and [6, 7]."""
    cols = submission.im2col(np.array([[[[5.0, 6.0, 7.0]]]]), 1, 2)
    assert_close(cols, np.array([[5.0, 6.0], [6.0, 7.0]]))


@pytest.mark.points(1)
@pytest.mark.function("im2col")
def test_im2col_stride_by_hand(submission):
    """A 1x5 row [1, 2, 3, 4, 5] with 1x2 windows at stride 2 has two windows, starting at 0 and
    2: the columns [1, 2] and [3, 4] (windows moved by 1 instead would give [1, 2] and [2, 3])."""
    cols = submission.im2col(np.array([[[[1.0, 2.0, 3.0, 4.0, 5.0]]]]), 1, 2, stride=2)
    assert_close(cols, np.array([[1.0, 3.0], [2.0, 4.0]]))


@pytest.mark.points(1)
@pytest.mark.function("im2col")
def test_im2col_padding(submission):
    """A single pixel 3.0 padded by 1 has one 3x3 window: eight zeros around a 3 in the middle."""
    cols = submission.im2col(np.array([[[[3.0]]]]), 3, 3, pad=1)
    expected = np.zeros((9, 1))
    expected[4, 0] = 3.0
    assert_close(cols, expected)


@pytest.mark.points(2)
@pytest.mark.function("col2im")
def test_col2im_adds_overlaps(submission):
    """Windows 1x2 over [a, b, c] share b, so columns [1, 1] and [1, 1] give [1, 2, 1]."""
    back = submission.col2im(np.ones((2, 2)), (1, 1, 1, 3), 1, 2)
    assert_close(back, np.array([[[[1.0, 2.0, 1.0]]]]))


@pytest.mark.points(1)
@pytest.mark.function("conv_forward_im2col")
def test_forward_by_hand(submission):
    """[[1,2],[3,4]] with the 1x1 filter 2 and bias -1 gives [[1,3],[5,7]]."""
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    out, _ = submission.conv_forward_im2col(x, np.array([[[[2.0]]]]), np.array([-1.0]))
    assert_close(out, np.array([[[[1.0, 3.0], [5.0, 7.0]]]]))


@pytest.mark.points(1)
@pytest.mark.function("conv_backward_im2col")
def test_backward_by_hand(submission):
    """Two 1x2 images [1, 2] and [3, 4], the 1x1 filter 2, bias -1: the cache, written out as
    conv_forward_im2col documents it, is (x, w, b, stride, pad, cols) with cols = [[1, 2, 3, 4]].
    With dout [0.5, -1] and [2, 1]: dx = 2 * dout, dw = 0.5 - 2 + 6 + 4 = 8.5, db = 2.5."""
    x = np.array([[[[1.0, 2.0]]], [[[3.0, 4.0]]]])
    w, b = np.array([[[[2.0]]]]), np.array([-1.0])
    written_out = (x, w, b, 1, 0, np.array([[1.0, 2.0, 3.0, 4.0]]))
    dout = np.array([[[[0.5, -1.0]]], [[[2.0, 1.0]]]])
    dx, dw, db = submission.conv_backward_im2col(dout, written_out)
    assert_close(dx, 2 * dout, what="dx")
    assert_close(dw, np.array([[[[8.5]]]]), what="dw")
    assert_close(db, np.array([2.5]), what="db")
