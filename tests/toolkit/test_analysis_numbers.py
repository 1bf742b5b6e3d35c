"""One number against another (issue 21 item 3): a number the call was given explains the
difference, and ratios of short decimals are no story."""

import numpy as np
import pytest

from grader.analysis import explain


@pytest.fixture
def window():
    rng = np.random.default_rng(7)
    return rng.standard_normal((3, 2, 2)), rng.standard_normal((3, 2, 2)), 0.37


def test_a_mean_plus_a_bias_is_the_sum_scaled_beside_the_bias(window):
    a, w, b = window
    found = explain(np.mean(a * w) + b, np.sum(a * w) + b, inputs={"b": np.asarray(b)})
    assert found.kind == "number_scale_beside_input"
    assert "Without b, your number is the expected one times 1/12" in found.sentence
    zh = explain(np.mean(a * w) + b, np.sum(a * w) + b, "zh-CN", inputs={"b": np.asarray(b)})
    assert "去掉 b 之后" in zh.sentence and "1/12" in zh.sentence


def test_a_bias_added_to_every_product_is_a_multiple_of_the_bias(window):
    a, w, b = window
    found = explain(np.sum(a * w + b), np.sum(a * w) + b, inputs={"b": np.asarray(b)})
    assert found.kind == "number_input_multiple" and "plus 11 times b" in found.sentence


def test_a_mean_plus_a_bias_without_the_bias_known_is_no_ratio():
    """[[1, 2], [3, 4]] * [[0, 1], [1, 0]] = 5 with bias 0.5: the mean plus the bias is 1.75
    against 5.5, "times 7/22", which names no mistake."""
    assert explain(np.asarray(1.75), np.asarray(5.5)) is None


def test_simple_ratios_are_still_named():
    assert explain(np.asarray(1.5), np.asarray(6.0)).sentence.startswith(
        "Your number is the expected one times 1/4"
    )
    assert "4/9" in explain(np.asarray(4.0), np.asarray(9.0)).sentence


def test_a_whole_bias_given_as_a_float_is_counted_too():
    """[[1, 2], [3, 4]] * [[0, 1], [1, 0]] = 5 with bias 2.0 added to each of the 4 products: 13
    against 7 (a ratio of 13/7 said nothing)."""
    found = explain(np.asarray(13.0), np.asarray(7.0), inputs={"`b`": np.asarray(2.0)})
    assert found.kind == "number_input_multiple" and "plus 3 times `b`" in found.sentence


def test_a_negative_ratio_is_named_only_when_simple():
    assert explain(np.asarray(5.0), np.asarray(-3.0)) is None
    assert "-2" in explain(np.asarray(6.0), np.asarray(-3.0)).sentence


def test_a_loss_regularising_the_biases_names_the_term():
    """A network's loss with 0.5 * reg * sum(b**2) added for b1..b3: the difference is that term,
    read from the object's own arrays and its reg."""
    rng = np.random.default_rng(0)
    shapes = {"W1": (3, 2, 3, 3), "b1": (3,), "W2": (12, 5), "b2": (5,), "W3": (5, 4), "b3": (4,)}
    params = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
    inputs = {"X": rng.standard_normal((3, 2, 6, 4)), "self.reg": np.asarray(0.1)}
    inputs |= {f"self.params[{name!r}]": value for name, value in params.items()}
    right = 2.3 + 0.05 * sum(float(np.sum(params[k] ** 2)) for k in ("W1", "W2", "W3"))
    wrong = right + 0.05 * sum(float(np.sum(params[k] ** 2)) for k in ("b1", "b2", "b3"))
    found = explain(np.asarray(wrong), np.asarray(right), inputs=inputs)
    assert found.kind == "number_squares_extra"
    assert "1/2 x self.reg x the sum of squares of self.params['b1'], self.params['b2']" in found.sentence
    missing = explain(
        np.asarray(right - 0.05 * float(np.sum(params["W2"] ** 2))), np.asarray(right), "zh-CN", inputs=inputs
    )
    assert missing.kind == "number_squares_missing" and "正则化" in missing.sentence


def routed(dout, targets, shape, add):
    """A max-pool backward by hand: each dout value goes to its target cell of a plane."""
    dx = np.zeros(shape)
    for value, (row, column) in zip(dout.reshape(-1), targets, strict=True):
        dx[row, column] = dx[row, column] + value if add else value
    return dx


def test_a_gradient_assigned_where_windows_share_a_maximum_names_the_contributions():
    """3x3 windows at stride 2 over a 5x5 plane: the centre row and column are shared, and two
    windows chose the same maximum, so its gradient is the sum of two dout values."""
    dout = np.random.default_rng(4).standard_normal((2, 2))
    targets = [(0, 1), (2, 2), (2, 2), (4, 3)]
    right = routed(dout, targets, (5, 5), add=True)
    wrong = routed(dout, targets, (5, 5), add=False)
    found = explain(wrong[None, None], right[None, None], inputs={"dout": dout[None, None]})
    assert found.kind == "input_contributions"
    assert "each is one value of dout" in found.sentence and "`+=`" in found.sentence
    zh = explain(wrong[None, None], right[None, None], "zh-CN", inputs={"dout": dout[None, None]})
    assert "累加" in zh.sentence


def test_values_that_are_no_inputs_get_no_contribution_story():
    dout = np.random.default_rng(4).standard_normal((2, 2))
    right = routed(dout, [(0, 1), (2, 2), (2, 2), (4, 3)], (5, 5), add=True)
    wrong = right.copy()
    wrong[2, 2] = 0.123456
    found = explain(wrong[None, None], right[None, None], inputs={"dout": dout[None, None]})
    assert found is None or found.kind != "input_contributions"


def test_whole_planes_or_matrix_rows_are_no_overlaps():
    """A bias taken from the wrong filter changes whole planes; a weight gradient whole rows of a
    matrix: neither is "contributions lost where windows overlap"."""
    rng = np.random.default_rng(5)
    expected = rng.standard_normal((2, 4, 4, 4))
    got = expected.copy()
    got[0, 1:] += 1.0
    assert explain(got, expected).kind != "overlaps_lost"
    matrix = rng.standard_normal((5, 4))
    rows = matrix.copy()
    rows[[1, 2, 3]] = rng.standard_normal((3, 4))
    assert explain(rows, matrix).kind != "overlaps_lost"


def test_an_index_one_past_the_end_is_read_in_numpys_error():
    from grader.analysis import explain_exception

    text = "index 5 is out of bounds for axis 2 with size 5"
    found = explain_exception(text, "en")
    assert found.kind == "index_one_past" and "one past the end" in found.sentence
    assert "行长" in explain_exception(text, "zh-CN").sentence
    assert explain_exception("index 9 is out of bounds for axis 0 with size 5", "en") is None


@pytest.mark.parametrize(
    ("part", "axis", "index", "named"),
    [
        (lambda a, w: np.sum(a[0] * w[0]), 0, 0, "channel (axis 0)"),
        (lambda a, w: np.sum(a[:, -1] * w[:, -1]), 1, 1, "row (axis 1)"),
        (lambda a, w: np.sum(a[:, :, 0] * w[:, :, 0]), 2, 0, "column (axis 2)"),
    ],
    ids=["first channel", "last row", "first column"],
)
def test_a_sum_over_one_index_of_one_axis_names_the_axis(window, part, axis, index, named):
    """A window times its filter summed over one channel (or row, or column) only, plus the bias."""
    a, w, b = window
    inputs = {"a_slice": a, "w": w, "`b`": np.asarray(b)}
    found = explain(np.asarray(part(a, w) + b), np.asarray(np.sum(a * w) + b), inputs=inputs)
    assert found.kind == "number_partial_sum"
    assert f"the sum of `a_slice*w` over index {index} of its {named} only" in found.sentence
    zh = explain(np.asarray(part(a, w) + b), np.asarray(np.sum(a * w) + b), "zh-CN", inputs=inputs)
    assert zh.kind == "number_partial_sum" and f"下标 {index} 上的和" in zh.sentence


def test_a_partial_sum_needs_the_expected_number_to_be_the_whole_sum(window):
    """When the expected number is not the sum of the call's arrays, a part of it says nothing."""
    a, w, b = window
    inputs = {"a_slice": a, "w": w, "`b`": np.asarray(b)}
    found = explain(np.asarray(np.sum(a[0] * w[0]) + b), np.asarray(np.sum(a * w) + 2 * b + 1), inputs=inputs)
    assert found is None or found.kind != "number_partial_sum"


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_flat_indices_with_the_output_width_as_row_length_are_named(language):
    """Switches of 2x2 pooling on a 4x6 plane: the chosen inputs (row, column) flattened as
    row * 3 (the output's width) + column instead of row * 6 (the input's)."""
    rows = np.array([[0, 1, 2], [2, 3, 3]])
    columns = np.array([[1, 2, 5], [0, 3, 4]])
    expected, got = rows * 6 + columns, rows * 3 + columns
    sizes = {"rows of x": 4, "columns of x": 6, "size": 2}
    found = explain(got[None, None], expected[None, None], language, factors=sizes)
    assert found.kind == "row_length"
    assert (
        "row * 3 + column where row * 6 + column" if language == "en" else "行 × 3 + 列"
    ) in found.sentence


def test_indices_that_fit_no_single_row_length_are_not_named():
    expected = np.array([[1, 7, 13, 20]])
    got = np.array([[1, 4, 9, 11]])  # 7 -> 4 (length 3), 13 -> 9 (length 4): no one length
    found = explain(got, expected, factors={"columns of x": 6})
    assert found is None or found.kind != "row_length"


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_width_computed_from_the_height_is_named(language):
    """A 4x5 output plane answered 4x4 (the values present right): the columns number as the rows."""
    expected = np.random.default_rng(3).standard_normal((2, 2, 4, 5))
    found = explain(expected[..., :4], expected, language)
    assert found.kind == "size_from_other_axis"
    assert (
        "the height where the width belongs" if language == "en" else "该用宽度的地方用了高度"
    ) in found.sentence


def test_a_square_plane_one_column_short_is_not_a_width_from_the_height():
    expected = np.random.default_rng(3).standard_normal((2, 2, 5, 5))
    assert explain(expected[..., :4], expected).kind != "size_from_other_axis"
