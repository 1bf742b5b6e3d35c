"""The structural analysis of single numbers and of NumPy's shape errors (issue 11, part 2).

Each case is a slip a student makes, worked by hand: a loss summed over a batch of 6 is 6 times
the mean; "same" padding rounded down gives one less; a bias of shape (F,) added to (N, F, H, W).
The NumPy messages are NumPy's own, raised here.
"""

import numpy as np
import pytest

from grader.analysis import explain, explain_exception


def numpy_error(action) -> str:
    with pytest.raises(ValueError, match="shape") as caught:
        action()
    return str(caught.value)


@pytest.mark.parametrize(
    ("got", "expected", "kind"),
    [
        (7.6818009, 7.6818009 / 6, "number_scale"),  # a sum over 6 examples where the mean is due
        (0.5, 1.0, "number_scale"),  # divided by 2 twice
        (3, 4, "number_one_less"),  # ceil(10 / 3) = 4 computed with floor
        (4, 3, "number_one_more"),
        (-2.5, 2.5, "number_sign"),
        (2.0, 2.75, "number_truncated"),  # (10 - 3) // 4 + 1 where (10 - 3) / 4 + 1 was asked
    ],
)
def test_simple_patterns_between_two_numbers_are_named(got, expected, kind):
    found = explain(np.asarray(got), np.asarray(expected))
    assert found is not None and found.kind == kind
    chinese = explain(np.asarray(got), np.asarray(expected), "zh-CN")
    assert chinese is not None and chinese.kind == kind and chinese.sentence != found.sentence


@pytest.mark.parametrize(("got", "expected"), [(81, 84), (7.518, 7.1098), (1.2, 1.45), (0.0, 5.0)])
def test_numbers_without_a_simple_pattern_get_no_sentence(got, expected):
    """One number carries little evidence: no pattern, no guess."""
    assert explain(np.asarray(got), np.asarray(expected)) is None


def test_the_factor_of_a_scaled_number_is_given():
    found = explain(np.asarray(6 * 1.2803001), np.asarray(1.2803001))
    assert found is not None and "times 6" in found.sentence


def test_a_bias_lined_up_with_the_last_axis_is_explained():
    """(2,) + (1, 2, 3, 3): NumPy matches 2 against the width 3; reshaping to (2, 1, 1) adds it per filter."""
    text = numpy_error(lambda: np.zeros((1, 2, 3, 3)) + np.zeros(2))
    found = explain_exception(f"{text} [raised by conv_forward]", "en")
    assert found is not None and found.kind == "broadcast_from_the_right"
    assert "(2, 1, 1)" in found.sentence and "axis 1" in found.sentence
    assert np.broadcast_shapes((1, 2, 3, 3), (2, 1, 1)) == (1, 2, 3, 3)  # the advice works


def test_a_window_cut_short_at_the_edge_is_explained():
    """A 3x3 filter times a window of (3, 3, 2): one axis differs, by a column cut at the edge."""
    text = numpy_error(lambda: np.zeros((3, 3, 2)) * np.zeros((3, 3, 3)))
    found = explain_exception(text, "en")
    assert found is not None and found.kind == "broadcast_one_axis" and "axis 2" in found.sentence


def test_a_reshape_to_the_wrong_size_gives_the_ratio():
    """1296 values into (3, 3, 2, 2, 4, 4) = 576: a ratio of 9/4, (6/4) squared."""
    text = numpy_error(lambda: np.zeros(1296).reshape(3, 3, 2, 2, 4, 4))
    found = explain_exception(text, "zh-CN")
    assert (
        found is not None
        and found.kind == "reshape_size"
        and "9/4" in found.sentence
        and "576" in found.sentence
    )


@pytest.mark.parametrize(
    "text",
    [
        "division by zero",
        "operands could not be broadcast together with shapes (2,3) (4,5)",  # two axes differ
        "cannot reshape array of size 10 into shape (2,newaxis)",
        "operands could not be broadcast together with shapes (3,) (1,3,3)",  # lines up already
    ],
)
def test_other_errors_get_no_sentence(text):
    assert explain_exception(text, "en") is None


def test_an_empty_crop_is_explained():
    """x[:, :, p:-p, p:-p] with p = 0 is empty: (2, 3, 0, 0) where (2, 3, 6, 7) is expected."""
    padded = np.ones((2, 3, 6, 7))
    pad = 0
    got = padded[:, :, pad:-pad, pad:-pad]
    found = explain(got, padded)
    assert found is not None and found.kind == "empty_axes" and "row (axis 2)" in found.where
    assert "空" in explain(got, padded, "zh-CN").sentence
