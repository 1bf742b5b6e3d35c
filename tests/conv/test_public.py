"""Public tests of assignment 1 (conv): small examples worked by hand.

Run them with `grade conv`. The hidden tests use the lecture's examples and
random shapes; passing these is a good sign, not a guarantee.
"""

import numpy as np
import pytest

from grader.compare import assert_close, assert_shape, expect


@pytest.mark.points(1)
@pytest.mark.function("conv_output_size")
def test_output_size_small_cases(submission):
    """10 wide, 3 wide filter: 8 positions; with pad 2: 12; with stride 4: floor(7/4)+1 = 2."""
    assert_close(submission.conv_output_size(10, 3), 8)
    assert_close(submission.conv_output_size(10, 3, pad=2), 12)
    assert_close(submission.conv_output_size(10, 3, stride=4), 2)


@pytest.mark.points(1)
@pytest.mark.function("padded_output_size")
def test_padded_output_size_small_cases(submission):
    """ "same" keeps ceil(10/3) = 4 positions; "valid" keeps ceil((10-4+1)/3) = 3."""
    assert_close(submission.padded_output_size(10, 4, 3, "same"), 4)
    assert_close(submission.padded_output_size(10, 4, 3, "valid"), 3)


@pytest.mark.points(1)
@pytest.mark.function("zero_pad")
def test_zero_pad_shape_and_border(submission):
    """Padding by 2 grows only H and W, by 4 each, and the border is zero."""
    x = np.ones((1, 2, 3, 5))
    padded = submission.zero_pad(x, 2)
    assert_shape(padded, (1, 2, 7, 9))
    expect(padded[:, :, :2].sum() == 0, "the top two rows must be zeros", "零填充后最上面两行必须全是 0")
    expect(
        padded[:, :, 2:5, 2:7].sum() == 30,
        "the original values belong in the middle",
        "原来的数值应当在中间，四周是填充的 0",
    )


@pytest.mark.points(1)
@pytest.mark.function("conv_single_step")
def test_single_step_by_hand(submission):
    """[[1,2],[3,4]] * [[0,1],[1,0]] sums to 2+3 = 5; plus the bias 0.5 gives 5.5."""
    window = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    weights = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    got = submission.conv_single_step(window, weights, 0.5)
    assert_close(got, 5.5)


@pytest.mark.points(2)
@pytest.mark.function("conv_forward")
def test_forward_small_example(submission):
    """A 3x3 image [[1,2,3],[4,5,6],[7,8,9]] and the 2x2 filter [[1,0],[0,-1]]:
    each output is top-left minus bottom-right, so every value is 1-5 = -4, plus bias 10."""
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    out = submission.conv_forward(x, w, np.array([10.0]))
    assert_close(out, np.full((1, 1, 2, 2), 6.0))


@pytest.mark.points(1)
@pytest.mark.function("conv_forward")
def test_forward_is_not_flipped(submission):
    """Cross-correlation: the filter [[0,1]] reads the pixel to the right, so [1, 2, 3] gives [2, 3]."""
    x = np.array([[[[1.0, 2.0, 3.0]]]])
    w = np.array([[[[0.0, 1.0]]]])
    assert_close(submission.conv_forward(x, w, np.zeros(1)), np.array([[[[2.0, 3.0]]]]))


@pytest.mark.points(1)
@pytest.mark.function("conv_forward")
def test_forward_moves_by_the_stride(submission):
    """The 7x7 image 1..49 (row by row) and a 2x2 filter that reads its window's top-left pixel,
    stride 3: the windows start at rows and columns 0 and 3 (floor(5/3) + 1 = 2 of them), so the
    output is [[1, 4], [22, 25]] (windows moved by 1 instead would read [[1, 2], [8, 9]])."""
    x = np.arange(1.0, 50.0).reshape(1, 1, 7, 7)
    w = np.array([[[[1.0, 0.0], [0.0, 0.0]]]])
    out = submission.conv_forward(x, w, np.zeros(1), stride=3)
    assert_close(out, np.array([[[[1.0, 4.0], [22.0, 25.0]]]]))


@pytest.mark.points(1)
@pytest.mark.function("conv_forward")
def test_forward_output_shape(submission):
    """Two images, 3 channels, 6x6, with 4 filters 3x3, stride 2, pad 1: (2, 4, 3, 3). With ones
    everywhere, each output counts the image pixels its window covers (3 channels times 2 or 3
    rows times 2 or 3 columns: the first row and column of windows hang over the padding) plus
    its filter's bias 0, 1, 2 or 3."""
    out = submission.conv_forward(
        np.ones((2, 3, 6, 6)), np.ones((4, 3, 3, 3)), np.arange(4.0), stride=2, pad=1
    )
    assert_shape(out, (2, 4, 3, 3))
    covered = 3.0 * np.outer([2, 3, 3], [2, 3, 3])
    assert_close(out, covered + np.arange(4.0).reshape(1, 4, 1, 1) + np.zeros((2, 4, 3, 3)))
