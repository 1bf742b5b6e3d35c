"""Counts fitted as formulas of a call's arguments, and values flattened in another order (issue 21).

Each student's count is a slip of a parameter count worked by hand: the bias counted once per
weight, the input channels forgotten, bias=False ignored. Their answers are what the slip returns
on the calls a test makes; the expected answers are the right formula's.
"""

import numpy as np
import pytest

from grader.analysis import SENTENCES, explain
from grader.analysis.formulas import Observation, explain_counts


def right(f, c_in, n_filters, bias=True):
    return n_filters * (f * f * c_in + int(bias))


SLIPS = {
    "formula_factor_missing": lambda f, c_in, n_filters, bias=True: n_filters * (f * f + int(bias)),
    "formula_factor_extra": lambda f, c_in, n_filters, bias=True: n_filters * c_in * (f * f + int(bias)),
    "formula_term_missing": lambda f, c_in, n_filters, bias=True: n_filters * f * f * c_in,
    "formula_flag_ignored": lambda f, c_in, n_filters, bias=True: n_filters * (f * f * c_in + 1),
}
DESCRIPTIONS = {
    "c_in": "input channels.",
    "n_filters": "number of filters.",
    "bias": "whether each filter has a bias.",
}


def observations(slip, calls):
    return [
        Observation(dict(f=f, c_in=c, n_filters=n, bias=b), slip(f, c, n, bias=b), right(f, c, n, bias=b))
        for f, c, n, b in calls
    ]


@pytest.mark.parametrize(
    ("kind", "calls", "named"),
    [
        ("formula_factor_missing", [(5, 3, 1, True), (5, 3, 10, True)], "c_in"),
        ("formula_factor_extra", [(5, 3, 1, True), (5, 3, 10, True)], "c_in"),
        ("formula_term_missing", [(5, 3, 1, True), (5, 3, 10, True)], "n_filters"),
        ("formula_flag_ignored", [(2, 5, 4, True), (2, 5, 4, False)], "bias"),
    ],
)
def test_a_count_off_by_a_factor_or_a_term_names_the_argument(kind, calls, named):
    slip = SLIPS[kind]
    english = explain_counts(observations(slip, calls), "en", DESCRIPTIONS)
    chinese = explain_counts(observations(slip, calls), "zh-CN", DESCRIPTIONS)
    assert english is not None and english.kind == kind and f"`{named}`" in english.sentence
    assert chinese is not None and chinese.kind == kind and f"`{named}`" in chinese.sentence
    assert english.sentence != chinese.sentence


def test_one_bias_per_weight_instead_of_per_filter():
    """n_filters * (f*f*c_in + f*f*c_in): the bias term is the weights' term again."""
    slip = lambda f, c_in, n_filters, bias=True: n_filters * (f * f * c_in + f * f * c_in)  # noqa: E731
    found = explain_counts(observations(slip, [(5, 3, 1, True), (5, 3, 10, True)]), "en", DESCRIPTIONS)
    assert found is not None and found.kind == "formula_term_copied"
    assert "the term `c_in*f*f*n_filters` where `n_filters` belongs" in found.sentence
    assert "one bias per weight" in found.sentence
    assert "`c_in*f*f*n_filters + c_in*f*f*n_filters`" in found.sentence  # one pair of formulas fits
    assert "`c_in*f*f*n_filters + n_filters`" in found.sentence


def test_a_bias_per_input_instead_of_per_output_is_a_factor_in_place_of_another():
    """fc_params as n_in * (n_out + 1) instead of n_out * (n_in + 1)."""
    calls = [(6, 7), (3072, 10)]
    found = explain_counts(
        [Observation(dict(n_in=i, n_out=o, bias=True), i * (o + 1), o * (i + 1)) for i, o in calls], "zh-CN"
    )
    assert found is not None and found.kind == "formula_factor_replaced"
    assert "`n_in`" in found.sentence and "`n_out`" in found.sentence and "输入" in found.sentence


def test_a_flag_off_in_every_call_is_named_when_its_term_is_too_many():
    """One call with bias=False: the term n_filters, counted anyway, is the flag ignored."""
    slip = SLIPS["formula_flag_ignored"]
    found = explain_counts(observations(slip, [(5, 3, 8, False)]), "en")
    assert found is not None and found.kind == "formula_flag_ignored" and "`bias`" in found.sentence


def test_height_and_width_of_one_size_are_named_together():
    """out_h = out_w = 55: out_h*out_w, not out_h*out_h, is the factor a tied bias misses."""
    arguments = dict(out_h=55, out_w=55, f=11, c_in=3, n_filters=96, bias=True)
    got, expected = 55 * 55 * 96 * 363 + 96, 55 * 55 * 96 * 364
    found = explain_counts([Observation(arguments, got, expected)], "en")
    assert found is not None and found.kind == "formula_factor_missing" and "`out_h*out_w`" in found.sentence


@pytest.mark.parametrize(
    ("slip", "calls"),
    [
        # f*f = n_filters = 4: the missing bias factor may be either; no name is sure
        (
            lambda f, c_in, n_filters, bias=True: n_filters * f * f * c_in + int(bias),
            [(2, 5, 4, True), (2, 5, 4, False)],
        ),
        # f = n_filters = 10: c_in*f*f or c_in*f*n_filters per bias
        (lambda f, c_in, n_filters, bias=True: n_filters * (f * f * c_in) * 2, [(10, 3, 10, True)]),
        # bias always true: a flag ignored cannot be told from a right count
        (SLIPS["formula_flag_ignored"], [(5, 3, 1, True), (5, 3, 10, True)]),
    ],
)
def test_numbers_that_fit_several_stories_get_no_sentence(slip, calls):
    assert explain_counts(observations(slip, calls), "en") is None


def test_right_counts_and_fractions_get_no_sentence():
    assert explain_counts(observations(right, [(3, 3, 10, True)]), "en") is None
    unknown = [Observation(dict(f=3, c_in=3, n_filters=10, bias=True), 270, None)]
    assert explain_counts(unknown, "en") is None


def test_every_formula_sentence_exists_in_both_languages():
    kinds = [kind for kind in SENTENCES if kind.startswith("formula_") or kind == "factors_reordered"]
    assert len(kinds) >= 8
    for kind in kinds:
        assert set(SENTENCES[kind]) == {"en", "zh-CN"}
        assert SENTENCES[kind]["en"] != SENTENCES[kind]["zh-CN"]


def im2col_rows(x, size):
    """An im2col's rows for every window of a (C, H, W) image, in the order the student chose."""
    channels, height, width = x.shape
    columns = []
    for i in range(height - size + 1):
        for j in range(width - size + 1):
            columns.append(x[:, i : i + size, j : j + size])
    return np.stack(columns, axis=-1)  # (C, size, size, windows)


def test_im2col_rows_ordered_kernel_first_name_the_factors_that_moved():
    """Rows flattened (kh, kw, c) where (c, kh, kw) is expected, with 2 channels and a 3x3 window."""
    x = np.random.default_rng(4).normal(size=(2, 6, 5))
    windows = im2col_rows(x, 3)
    expected = windows.reshape(18, -1)
    got = windows.transpose(1, 2, 0, 3).reshape(18, -1)
    found = explain(got, expected, factors={"channels of x": 2, "HH": 3, "WW": 3})
    assert found is not None and found.kind == "factors_reordered"
    assert "(HH=3, WW=3, channels of x=2) where (channels of x=2, HH=3, WW=3)" in found.sentence
    chinese = explain(got, expected, "zh-CN", factors={"x 的通道数": 2, "HH": 3, "WW": 3})
    assert chinese is not None and chinese.kind == "factors_reordered" and "x 的通道数=2" in chinese.sentence


def test_factors_of_one_size_named_twice_are_given_by_size():
    """stride=2 next to 2 channels: which is the factor of size 2 is not sure."""
    x = np.random.default_rng(5).normal(size=(2, 6, 5))
    windows = im2col_rows(x, 3)
    got = windows.transpose(1, 2, 0, 3).reshape(18, -1)
    found = explain(got, windows.reshape(18, -1), factors={"channels of x": 2, "stride": 2, "HH": 3, "WW": 3})
    assert found is not None and found.kind == "factors_reordered"
    assert "stride" not in found.sentence and "size 2" in found.sentence


def gradient_with_biases_regularised(rng):
    """A network's bias gradient with reg * b1 added, as when every parameter is regularised."""
    b1, right_gradient = rng.normal(size=6), rng.normal(size=6)
    return b1, right_gradient + 0.3 * b1, right_gradient


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_term_in_one_of_the_call_s_arrays_is_named(language):
    b1, got, expected = gradient_with_biases_regularised(np.random.default_rng(2))
    arrays = {"X": np.ones((2, 3)), "self.params['b1']": b1, "self.params['b2']": np.ones(6)}
    found = explain(got, expected, language, inputs=arrays)
    assert found is not None and found.kind == "input_term" and "self.params['b1']" in found.sentence
    assert "0.3" not in found.sentence and "3/10" not in found.sentence  # reg may be a hidden input


def test_a_weight_gradient_without_its_regularisation_is_named():
    rng = np.random.default_rng(3)
    weights, gradient = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    found = explain(gradient, gradient + 0.1 * weights, inputs={"self.params['W2']": weights})
    assert found is not None and found.kind == "input_term" and "W2" in found.sentence


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_labels_of_shape_n_1_against_n_values_broadcast_to_every_pair(language):
    """probs - y with y of shape (N, 1): an (N, N) array whose diagonal is the right (N,) answer."""
    rng = np.random.default_rng(6)
    probs, labels = rng.random(5), rng.integers(0, 2, size=(5, 1)).astype(float)
    found = explain(probs - labels, probs - labels[:, 0], language)
    assert found is not None and found.kind == "outer_broadcast" and "(5, 5)" in found.sentence


def test_a_factor_every_term_lacks_is_named():
    """unshared_conv_params without n_filters: out_h*out_w*(f*f*c_in + 1), 96 times too small."""
    arguments = dict(out_h=55, out_w=55, f=11, c_in=3, n_filters=96, bias=True)
    found = explain_counts([Observation(arguments, 55 * 55 * 364, 55 * 55 * 96 * 364)], "zh-CN")
    assert found is not None and found.kind == "formula_factor_missing" and "`n_filters`" in found.sentence
    assert "过滤器个数" in found.sentence


def test_a_hidden_test_s_arguments_are_never_shown_but_keep_other_names_unsure():
    """In a hidden test HH and WW are values the student may not see ("#HH"): the factors of size 3
    are given by size, and the 2 channels, the only name of size 2, by name."""
    x = np.random.default_rng(7).normal(size=(2, 6, 5))
    windows = im2col_rows(x, 3)
    got = windows.transpose(1, 2, 0, 3).reshape(18, -1)
    found = explain(
        got, windows.reshape(18, -1), factors={"channels of x": 2, "#HH": 3, "#WW": 3, "columns": 3}
    )
    assert found is not None and found.kind == "factors_reordered"
    assert "HH" not in found.sentence and "columns" not in found.sentence
    assert "(size 3, size 3, channels of x=2) where (channels of x=2, size 3, size 3)" in found.sentence


def test_one_call_of_small_numbers_is_not_fitted():
    """padded_output_size(10, 4, 3, "same") answering 10 for 4: 10 is stride*stride + 1 and 4 is
    stride + 1, by chance; one call of small numbers bears no formula out."""
    found = explain_counts([Observation(dict(n=10, f=4, stride=3), 10, 4)], "en")
    assert found is None


def test_a_layer_with_one_bias_names_the_smaller_term():
    """fc_params as n_in * n_out + 1: one bias for the layer instead of one per output unit."""
    calls = [(6, 7), (3072, 10)]
    found = explain_counts(
        [Observation(dict(n_in=i, n_out=o), i * o + 1, o * (i + 1)) for i, o in calls],
        "en",
        {"n_out": "output units."},
    )
    assert found is not None and "no factor `n_out`" in found.sentence
    assert "The difference is in the smaller term, `n_out`: the biases, one per output" in found.sentence
    chinese = explain_counts(
        [Observation(dict(n_in=i, n_out=o), i * o + 1, o * (i + 1)) for i, o in calls], "zh-CN"
    )
    assert "较小的那一项 `n_out`：也就是偏置" in chinese.sentence


def test_the_larger_term_gets_no_bias_story():
    """conv_params without c_in in the weights: the edit is in the larger term, not the biases."""
    found = explain_counts(
        observations(SLIPS["formula_factor_missing"], [(5, 3, 1, True), (5, 3, 10, True)]), "en"
    )
    assert found is not None and "smaller term" not in found.sentence
