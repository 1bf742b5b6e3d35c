"""Public tests of assignment 4 (params): small counts worked by hand."""

import pytest

from grader.compare import assert_close


@pytest.mark.points(1)
@pytest.mark.function("conv_params")
def test_conv_params_small(submission):
    """4 filters of 2x2 over 5 channels: 4 x (2x2x5 + 1) = 84; without biases 80."""
    assert_close(submission.conv_params(2, 5, 4), 84)
    assert_close(submission.conv_params(2, 5, 4, bias=False), 80)


@pytest.mark.points(1)
@pytest.mark.function("fc_params")
def test_fc_params_small(submission):
    """6 inputs to 7 outputs: 7 x (6 + 1) = 49."""
    assert_close(submission.fc_params(6, 7), 49)


@pytest.mark.points(1)
@pytest.mark.function("unshared_conv_params")
def test_unshared_small(submission):
    """A 2x3 output of 4 filters 1x1 over 2 channels, each position with its own (2 + 1) weights."""
    assert_close(submission.unshared_conv_params(2, 3, 1, 2, 4), 2 * 3 * 4 * 3)


@pytest.mark.points(2)
@pytest.mark.function("summarize")
def test_summarize_small_network(submission):
    """1x6x6 -> 2 filters 3x3 (2 x 10 = 20) -> 2x4x4 -> pool 2 -> 2x2x2 -> flatten 8 -> fc 3 (27)."""
    layers = [
        {"type": "conv", "filters": 2, "size": 3, "stride": 1, "pad": 0},
        {"type": "pool", "size": 2, "stride": 2},
        {"type": "flatten"},
        {"type": "fc", "units": 3},
    ]
    expected = [
        {"type": "conv", "output_shape": (2, 4, 4), "params": 20},
        {"type": "pool", "output_shape": (2, 2, 2), "params": 0},
        {"type": "flatten", "output_shape": (8,), "params": 0},
        {"type": "fc", "output_shape": (3,), "params": 27},
    ]
    assert_close(submission.summarize((1, 6, 6), layers), expected)
