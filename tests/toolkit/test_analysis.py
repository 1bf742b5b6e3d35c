"""Structural analysis: each kind of finding on a realistic mistake, computed independently here.

The expected arrays come from small loop implementations written in this file (a convolution,
pooling, ReLU, softmax); the student's arrays come from the same code with one deliberate slip.
"""

import math
import re
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.analysis import LANGUAGES, PLACES, SENTENCES, Finding, explain

GENERIC = {"values_differ", "shape_differs"}


# Independent computations -------------------------------------------------------------------


def conv(x, w, b, stride=1, pad=(0, 0, 0, 0), mode="constant", out_size=None, start=0):
    """Cross-correlation with explicit padding (top, bottom, left, right), by loops."""
    top, bottom, left, right = pad
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), mode=mode)
    n, _, h, wd = xp.shape
    f, _, hh, ww = w.shape
    ho, wo = out_size or ((h - hh) // stride + 1, (wd - ww) // stride + 1)
    out = np.zeros((n, f, ho, wo))
    for i in range(n):
        for k in range(f):
            for r in range(ho):
                for c in range(wo):
                    rs, cs = r * stride + start, c * stride + start
                    out[i, k, r, c] = np.sum(xp[i, :, rs : rs + hh, cs : cs + ww] * w[k]) + b[k]
    return out


def max_pool(x, size=2, stride=2, rounding=math.floor):
    """Max pooling; rounding=math.ceil keeps a partial last window."""
    h, w = x.shape[-2:]
    ho = rounding((h - size) / stride) + 1
    wo = rounding((w - size) / stride) + 1
    out = np.zeros((*x.shape[:-2], ho, wo))
    for r in range(ho):
        for c in range(wo):
            window = x[..., r * stride : r * stride + size, c * stride : c * stride + size]
            out[..., r, c] = window.max(axis=(-2, -1))
    return out


def max_pool_backward(dout, x, size=2, stride=2, last=False):
    """Route each gradient to the first maximum of its window (or, wrongly, the last)."""
    dx = np.zeros_like(x)
    n, ch, ho, wo = dout.shape
    for i, k, r, c in np.ndindex(n, ch, ho, wo):
        window = x[i, k, r * stride : r * stride + size, c * stride : c * stride + size].ravel()
        pick = len(window) - 1 - int(np.argmax(window[::-1])) if last else int(np.argmax(window))
        dx[i, k, r * stride + pick // size, c * stride + pick % size] += dout[i, k, r, c]
    return dx


def window_ties(x, size=2, stride=2):
    """Bool mask of x's shape: True inside windows whose maximum occurs more than once."""
    mask = np.zeros(x.shape, dtype=bool)
    ho, wo = (x.shape[2] - size) // stride + 1, (x.shape[3] - size) // stride + 1
    for i, k, r, c in np.ndindex(x.shape[0], x.shape[1], ho, wo):
        rows, cols = slice(r * stride, r * stride + size), slice(c * stride, c * stride + size)
        window = x[i, k, rows, cols]
        if (window == window.max()).sum() > 1:
            mask[i, k, rows, cols] = True
    return mask


@pytest.fixture
def data():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 6, 7))
    w = rng.standard_normal((4, 3, 3, 3))
    b = np.array([0.5, -1.0, 2.0, 0.25])
    return x, w, b


def check(got, expected, kind, *where_parts, **options):
    found = explain(got, expected, **options)
    assert found is not None and found.kind == kind, found
    for part in where_parts:
        assert part in found.where, (part, found.where)
    return found


# Agreement ----------------------------------------------------------------------------------


def test_agreeing_arrays_give_none(data):
    x, w, b = data
    out = conv(x, w, b, pad=(1, 1, 1, 1))
    assert explain(out + 1e-12, out) is None
    assert explain(np.arange(6), np.arange(6.0)) is None, "an int result may hold float values"
    assert explain(np.zeros((0, 3)), np.zeros((0, 3))) is None
    assert explain(np.float64(2.5), np.float64(2.5)) is None


def test_tolerances_are_parameters():
    expected = np.linspace(1, 2, 10)
    assert explain(expected * (1 + 1e-4), expected) is not None
    assert explain(expected * (1 + 1e-4), expected, rtol=1e-3) is None


# Shapes -------------------------------------------------------------------------------------


def test_output_in_nhwc_is_transposed(data):
    x, w, b = data
    out = conv(x, w, b)
    check(out.transpose(0, 2, 3, 1), out, "transposed", "axis order (0, 2, 3, 1)")
    square = conv(x[:, :, :, :6], w, b)  # rows and columns swapped in a square output
    check(square.transpose(0, 1, 3, 2), square, "transposed", "(0, 1, 3, 2)")


def test_reshape_instead_of_transpose_is_a_layout(data):
    x, w, b = data
    out = conv(x, w, b)
    nhwc = out.transpose(0, 2, 3, 1)
    found = check(nhwc.reshape(out.shape), out, "layout", "(0, 2, 3, 1)")
    assert "reshape" in found.sentence
    check(out.reshape(-1, order="F").reshape(out.shape), out, "layout", "Fortran")
    flat = check(nhwc.reshape(2, -1), out, "layout", "then reshaped")
    assert flat.where.startswith("axes in the order")


def test_flattened_output_is_reshaped(data):
    x, w, b = data
    out = conv(x, w, b)
    found = check(out.reshape(2, -1), out, "reshaped", "everywhere")
    assert "(2, 80)" in found.sentence and "(2, 4, 4, 5)" in found.sentence


def test_missing_and_extra_axes(data):
    x, w, b = data
    one = conv(x[:1], w, b)
    check(one[0], one, "axis_missing", "image (axis 0)")
    check(one[:, :, np.newaxis], one, "axis_extra", "axis 2")
    found = check(np.stack([one, one, one]), one, "axis_extra", "axis 0")
    assert "of size 3" in found.sentence, "copies along a new axis, not a missing mean"
    out = conv(x, w, b)
    check(out[0], out, "first_only", "image (axis 0)")
    check(out.sum(axis=0), out, "axis_summed", "image (axis 0)")
    check(out.mean(axis=1, keepdims=True), out, "axis_averaged", "channel (axis 1)")


def test_channels_never_summed_is_named():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((4, 3, 3, 3))
    # One output per filter and input channel: the sum over channels is missing.
    per_channel = np.stack([conv(x[:, c : c + 1], w[:, c : c + 1], np.zeros(4)) for c in range(3)], axis=2)
    expected = conv(x, w, np.zeros(4))
    check(per_channel, expected, "axis_not_summed", "axis 2")


def test_per_sample_losses_instead_of_their_mean():
    scores = np.random.default_rng(5).standard_normal((6, 4))
    y = np.array([0, 1, 2, 3, 0, 1])
    shifted = scores - scores.max(axis=1, keepdims=True)
    losses = -(shifted[np.arange(6), y] - np.log(np.exp(shifted).sum(axis=1)))
    check(losses, np.array(losses.mean()), "axis_not_averaged", "axis 0")


def test_padding_missing_or_twice(data):
    x, w, b = data
    expected = conv(x, w, b, pad=(1, 1, 1, 1))
    found = check(conv(x, w, b), expected, "padding_missing", "row (axis 2) and column (axis 3)")
    assert "1 smaller on each side along row (axis 2) and column (axis 3)" in found.sentence
    found = check(conv(x, w, b, pad=(2, 2, 2, 2)), expected, "padding_extra", "row (axis 2)")
    assert "zero padding added twice" in found.sentence


def test_zero_pad_on_every_axis(data):
    x, _, _ = data
    expected = np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)))
    found = check(np.pad(x, 2), expected, "padding_extra", "image (axis 0) and channel (axis 1)")
    assert "2 extra on each side" in found.sentence


def test_stride_ignored_gives_the_stride_1_output(data):
    x, w, b = data
    expected = conv(x, w, b, stride=2)
    found = check(conv(x, w, b), expected, "stride_missing", "row (axis 2) and column (axis 3)")
    assert "one entry in 2" in found.sentence
    pooled = max_pool(x, size=2, stride=2)
    check(max_pool(x, size=2, stride=1), pooled, "stride_missing")


def test_padding_on_one_side_changes_the_size(data):
    x, w, b = data
    expected = conv(x, w, b, pad=(1, 1, 1, 1))
    got = conv(x, w, b, pad=(0, 1, 1, 1))  # no top row of zeros
    check(got, expected, "cropped", "row (axis 2): 1 at the start, 0 at the end")
    got = conv(x, w, b, pad=(1, 1, 2, 1))  # an extra column of zeros on the left
    check(got, expected, "extended", "column (axis 3): 1 at the start, 0 at the end")


def test_ceil_instead_of_floor():
    x = np.random.default_rng(7).standard_normal((2, 3, 7, 7))
    expected = max_pool(x, 2, 2)
    found = check(max_pool(x, 2, 2, rounding=math.ceil), expected, "floor_ceil_extra", "row (axis 2)")
    assert "column (axis 3)" in found.where
    check(expected, max_pool(x, 2, 2, rounding=math.ceil), "floor_ceil_missing", "column (axis 3)")


def test_shapes_alone(data):
    rng = np.random.default_rng(8)
    found = check(rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 5, 6)), "off_by_one")
    assert found.where == "row (axis 2) and column (axis 3)"
    found = check(rng.standard_normal((2, 3, 4, 4)), rng.standard_normal((2, 3, 6, 6)), "size_by_padding")
    assert "padding" in found.sentence and "stride" in found.sentence, "a guess names both suspects"
    check(rng.standard_normal((2, 3)), rng.standard_normal((4, 5, 6)), "shape_differs", "2 axes instead of 3")
    check(np.zeros((0, 3)), np.zeros((3, 3)), "empty_axes", "row (axis 0)")  # x[0:-0] slices nothing


# Values of one shape ------------------------------------------------------------------------


def test_missing_bias_is_an_offset_per_filter(data):
    x, w, b = data
    expected = conv(x, w, b)
    found = check(conv(x, w, np.zeros(4)), expected, "channel_offset", "everywhere")
    assert "per channel (axis 1)" in found.sentence
    b[1] = 0.0
    check(conv(x, w, np.zeros(4)), conv(x, w, b), "channel_offset", "channel (axis 1) index 0, 2\u20133")
    check(conv(x, w, np.roll(b, 1)), conv(x, w, b), "channel_offset")  # the wrong filter's bias


def test_shared_bias_added_twice_is_a_constant_offset(data):
    x, w, _ = data
    b = np.full(4, 0.75)
    check(conv(x, w, b) + b[0], conv(x, w, b), "offset", "everywhere")


def test_scale_factors_are_named():
    x = np.random.default_rng(9).standard_normal((2, 3, 6, 6))
    windows = x.reshape(2, 3, 3, 2, 3, 2)
    found = check(windows.sum(axis=(3, 5)), windows.mean(axis=(3, 5)), "scale", "everywhere")
    assert "times 4:" in found.sentence, "the window area"
    losses = np.abs(x[0, 0])
    found = check(losses / 6 / 6, losses / 6, "scale")
    assert "times 1/6" in found.sentence, "divided by N twice"


def test_per_channel_scale():
    x = np.random.default_rng(10).standard_normal((2, 3, 4, 4))
    check(x * np.array([1.0, 2.0, 0.5])[:, None, None], x, "channel_scale", "channel (axis 1) index 1\u20132")


def test_gradient_with_the_wrong_sign():
    dout = np.random.default_rng(12).standard_normal((3, 5))
    check(-dout, dout, "sign", "everywhere")


def test_result_never_written_is_all_zero(data):
    x, w, b = data
    expected = conv(x, w, b)
    check(np.zeros_like(expected), expected, "all_zero", "everywhere")


def test_nan_from_an_unstable_softmax():
    scores = np.array([[1000.0, 1.0, 2.0], [1.0, 2.0, 3.0], [3.0, 1000.0, 0.0]])
    shifted = scores - scores.max(axis=1, keepdims=True)
    expected = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    check(naive, expected, "nonfinite", "row (axis 0) index 0, 2")


def test_integer_output_array_truncates():
    x = np.random.default_rng(13).uniform(-5, 5, (2, 2, 4, 4))
    expected = x.reshape(2, 2, 2, 2, 2, 2).mean(axis=(3, 5))
    got = np.zeros(expected.shape, dtype=np.int64)
    got[...] = expected  # assignment into an integer array cuts towards zero
    check(got, expected, "truncated")
    found = check(np.ceil(expected).astype(np.int64), expected, "integer_dtype")
    assert "int64" in found.sentence


def test_ties_broken_the_other_way():
    x = np.random.default_rng(14).integers(0, 3, (2, 2, 4, 4)).astype(float)
    dout = np.random.default_rng(15).standard_normal((2, 2, 2, 2))
    expected = max_pool_backward(dout, x)
    got = max_pool_backward(dout, x, last=True)
    ties = window_ties(x)
    assert (got != expected).any() and not ties.all()
    found = check(got, expected, "ties", ties_mask=ties)
    assert "of 64 values" in found.where
    assert explain(got, expected).kind == "reordered", "without the mask: the same values elsewhere"


def test_relu_gradient_at_zero():
    x = np.array([[-1.0, 0.0, 2.0], [0.0, 3.0, -2.0]])
    dout = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    found = check(dout * (x >= 0), dout * (x > 0), "at_zero")
    assert found.where == "2 of 6 values; column (axis 1) index 0\u20131; at index (0, 1), (1, 0)"
    found = explain(dout * (x >= 0), dout * (x > 0), "zh-CN")
    assert found.where == "6 个值中的 2 个；列（第 1 轴）下标 0\u20131；位置 (0, 1), (1, 0)"
    assert "`ReLU`" in found.sentence


# Places -------------------------------------------------------------------------------------


def test_output_written_backwards_is_flipped():
    x = np.random.default_rng(16).standard_normal((2, 3, 10, 6))
    out = max_pool(x)
    found = check(out[:, :, ::-1, :], out, "flipped", "row (axis 2) index 0\u20131, 3\u20134")
    assert "reversed along row (axis 2)" in found.sentence
    check(out[:, :, ::-1, ::-1], out, "rotated", "the last two axes")
    square = max_pool(x[:, :, :6])
    check(np.rot90(square, 1, axes=(2, 3)), square, "rotated")


def test_edge_padding_changes_only_the_border(data):
    x, w, b = data
    expected = conv(x, w, b, pad=(1, 1, 1, 1))
    got = conv(x, w, b, pad=(1, 1, 1, 1), mode="edge")
    found = check(got, expected, "border", "row (axis 2): the first 1", "column (axis 3): the last 1")
    assert found.where.count(";") == 3, "all four sides"


def test_last_input_column_ignored_changes_the_last_output_columns(data):
    x, w, b = data
    clipped = x.copy()
    clipped[..., -1] = 0.0
    found = check(conv(clipped, w, b, pad=(1, 1, 1, 1)), conv(x, w, b, pad=(1, 1, 1, 1)), "border")
    assert found.where == "column (axis 3): the last 2"


def test_padding_on_one_side_at_the_same_size_is_a_shift(data):
    x, w, b = data
    expected = conv(x, w, b, pad=(1, 1, 1, 1))
    got = conv(x, w, b, pad=(2, 0, 2, 0))
    check(got, expected, "shift", "row (axis 2): 1 towards higher indices", "column (axis 3): 1 towards")
    # Windows start one step late (an extra row and column of zeros keeps the last one inside).
    got = conv(x, w, b, pad=(1, 2, 1, 2), start=1, out_size=expected.shape[2:])
    check(got, expected, "shift", "row (axis 2): 1 towards lower indices", "column (axis 3): 1 towards lower")


def test_im2col_columns_in_another_order_are_reordered():
    x = np.random.default_rng(17).standard_normal((2, 2, 4, 4))
    fh = fw = 2
    cols = np.stack(
        [
            x[n, :, i : i + fh, j : j + fw].ravel()  # row c*fh*fw + i*fw + j
            for n in range(2)
            for i in range(3)
            for j in range(3)
        ],
        axis=1,
    )
    wrong = cols.reshape(-1, 2, 3, 3).transpose(0, 2, 3, 1).reshape(cols.shape)  # (oh, ow, n)
    found = check(wrong, cols, "factors_reordered", "of 144 values")
    assert "(size 9, size 2) where (size 2, size 9) is expected" in found.sentence  # n and oh*ow swapped


# Never misleading ---------------------------------------------------------------------------


def test_unrelated_arrays_get_a_generic_finding():
    rng = np.random.default_rng(2024)
    shapes = [(5,), (3, 4), (2, 3, 4), (2, 3, 5, 5), (1, 1, 3, 3), (4, 1), (2, 2, 2, 2)]
    for shape in shapes:
        for _ in range(5):
            expected = rng.standard_normal(shape)
            for got in (rng.standard_normal(shape), rng.integers(-3, 4, shape)):
                found = explain(got, expected)
                assert found is not None and found.kind in GENERIC, (shape, found)


def test_convolution_with_a_flipped_kernel_is_not_named(data):
    x, w, b = data
    found = explain(conv(x, w[:, :, ::-1, ::-1], b), conv(x, w, b))
    assert found is not None and found.kind == "values_differ"


@settings(max_examples=60, deadline=None)
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=6),
    seed=st.integers(0, 2**32 - 1),
)
def test_independent_random_arrays_are_never_named(shape, seed):
    rng = np.random.default_rng(seed)
    if int(np.prod(shape)) < 2:
        return
    found = explain(rng.standard_normal(shape), rng.standard_normal(shape))
    assert found is not None and found.kind in GENERIC, found


_ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
_ANY_SHAPE = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)


@settings(max_examples=100, deadline=None)
@given(
    pair=_ANY_SHAPE.flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=_ANY_FLOAT),
            st.one_of(
                hnp.arrays(np.float64, shape, elements=_ANY_FLOAT),
                hnp.arrays(st.sampled_from([np.int64, np.uint8, np.bool_, np.float32]), _ANY_SHAPE),
            ),
        )
    ),
    language=st.sampled_from(LANGUAGES),
)
def test_any_arrays_give_a_sentence_and_never_raise(pair, language):
    for got, expected in (pair, pair[::-1]):
        found = explain(got, expected, language)
        single = np.asarray(got).size == 1 == np.asarray(expected).size
        assert found is None or (isinstance(found, Finding) and found.sentence and (found.where or single))


def test_where_never_shows_a_value(data):
    x, w, b = data
    expected = conv(x, w, b, pad=(1, 1, 1, 1)) + 10.0
    rng = np.random.default_rng(1)
    for got in (expected + 0.37, expected * 1.37, rng.standard_normal(expected.shape), expected[::-1]):
        found = explain(got, expected)
        assert found is not None and not re.search(r"\d\.\d", found.where + found.sentence), found


# Messages -----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_CODE = re.compile(r"`[^`]*`")
_LATIN = re.compile(r"[A-Za-z]")


def test_every_message_exists_in_both_languages_with_the_same_placeholders():
    for table in (SENTENCES, PLACES):
        for key, entry in table.items():
            assert set(entry) == set(LANGUAGES), key
            english, chinese = (set(_PLACEHOLDER.findall(entry[lang])) for lang in LANGUAGES)
            assert english == chinese, key


def chinese_is_chinese(text):
    return not _LATIN.search(_CODE.sub("", _PLACEHOLDER.sub("", text)))


def test_chinese_messages_have_no_english_words():
    for table in (SENTENCES, PLACES):
        for key, entry in table.items():
            assert chinese_is_chinese(entry["zh-CN"]), (key, entry["zh-CN"])
            assert re.search(r"[\u4e00-\u9fff]", entry["zh-CN"]) or not _LATIN.search(entry["en"]), key


def test_chinese_findings_use_the_lecture_terms(data):
    x, w, b = data
    expected = conv(x, w, b, pad=(1, 1, 1, 1))
    cases = {
        "padding_missing": (conv(x, w, b), "零填充"),
        "channel_offset": (conv(x, w, np.zeros(4), pad=(1, 1, 1, 1)), "偏置"),
        "shift": (conv(x, w, b, pad=(2, 0, 2, 0)), "零填充"),
        "border": (conv(x, w, b, pad=(1, 1, 1, 1), mode="edge"), "边界"),
        "flipped": (expected[:, :, ::-1], "卷积核"),
        "transposed": (expected.transpose(0, 2, 3, 1), "转置"),
        "scale": (expected * 4, "步长"),
    }
    for kind, (got, term) in cases.items():
        found = explain(got, expected, "zh-CN")
        assert found is not None and found.kind == kind, found
        assert term in found.sentence
        assert chinese_is_chinese(found.sentence) and chinese_is_chinese(found.where), found
    found = explain(expected[:, :, 1:5][:, :, ::-1], expected[:, :, 1:5], "zh-CN")
    assert found.where == "所有位置"
    found = explain(expected[:, 1:3] * 2, expected[:, 1:3], "zh-CN")
    assert "通道" not in found.where and found.sentence.startswith("每个值都是期望值的 2 倍")
    found = explain(conv(x, w, b * 0, pad=(1, 1, 1, 1)), expected, "zh-CN")
    assert found.sentence.startswith("每个通道（第 1 轴）上的值都差了一个常数")


# Input checks and speed ---------------------------------------------------------------------


def test_bad_input_is_one_sentence():
    with pytest.raises(ValueError, match="language must be one of en, zh-CN, not 'fr'"):
        explain(np.zeros(2), np.ones(2), "fr")
    with pytest.raises(ValueError, match="ties_mask has shape"):
        explain(np.zeros(2), np.ones(2), ties_mask=np.zeros(3, dtype=bool))
    with pytest.raises(ValueError, match="must be an array of numbers"):
        explain(np.array(["a", "b"]), np.ones(2))


def test_a_million_elements_take_well_under_a_second_each():
    rng = np.random.default_rng(0)
    expected = rng.standard_normal((10, 10, 100, 100))
    pairs = [
        rng.standard_normal(expected.shape),  # nothing fits: every check runs
        rng.permutation(expected.ravel()).reshape(expected.shape),  # every layout is tried
        expected + np.arange(10.0)[None, :, None, None],
    ]
    for got in pairs:
        start = time.process_time()  # this process's CPU time: other jobs on the machine add nothing
        explain(got, expected)
        assert time.process_time() - start < 3.0, "generous"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_simple_ratio_is_named_on_two_or_three_numbers(language):
    """[1, 1.5] against [2, 3] is exactly half (issue 21): named, in both languages; a ratio that
    is not simple, or not the same for every value, is not."""
    found = explain(np.array([1.0, 1.5]), np.array([2.0, 3.0]), language)
    assert found is not None and found.kind == "scale" and "1/2" in found.sentence
    assert explain(np.array([6.0, 9.0, 3.0]), np.array([2.0, 3.0, 1.0]), language).kind == "scale"
    assert explain(np.array([1.0, 1.7]), np.array([2.0, 3.0]), language).kind == "values_differ"
    assert explain(np.array([0.0, 1.5]), np.array([0.0, 3.0]), language).kind == "values_differ"


def _conv_full(rng: np.random.Generator) -> np.ndarray:
    """Every 3x3 window of a 9x9 image cross-correlated with one filter, stride 1: (1, 1, 7, 7)."""
    from numpy.lib.stride_tricks import sliding_window_view

    x, w = rng.standard_normal((1, 1, 9, 9)), rng.standard_normal((3, 3))
    return np.einsum("nchwij,ij->nchw", sliding_window_view(x, (3, 3), axis=(2, 3)), w)


@pytest.mark.parametrize("language", LANGUAGES)
def test_windows_not_moved_by_the_stride_are_named(language):
    """conv_forward at stride 2 whose windows start at i instead of 2 * i (issue 21)."""
    full = _conv_full(np.random.default_rng(3))
    expected = full[..., ::2, ::2]  # (1, 1, 4, 4)
    got = full[..., :4, :4]
    found = explain(got, expected, language)
    assert found is not None and found.kind == "stride_ignored"
    assert "2*i" in found.sentence


@pytest.mark.parametrize(("axes", "named"), [((-1,), "column"), ((-2, -1), "row (axis 2) and column")])
def test_a_loop_one_window_short_is_named(axes, named):
    """The last output column (or row and column) never computed: zeros there, the rest right."""
    expected = np.random.default_rng(4).standard_normal((2, 3, 4, 4)) + 5.0
    got = expected.copy()
    for axis in axes:
        index = [slice(None)] * 4
        index[axis] = -1
        got[tuple(index)] = 0.0
    found = explain(got, expected)
    assert found is not None and found.kind == "short_loop" and named in found.sentence
    assert "one window short" in found.sentence


def test_a_border_that_is_not_zeros_is_still_the_border():
    expected = np.random.default_rng(5).standard_normal((2, 3, 5, 5))
    got = expected.copy()
    got[..., -1] += 1.0
    assert explain(got, expected).kind == "border"


@pytest.mark.parametrize(("size", "window", "stride"), [(7, 3, 2), (5, 3, 1), (9, 3, 2)])
def test_contributions_lost_where_windows_overlap_are_named(size, window, stride):
    """col2im with `=` where `+=` is needed: only the overlaps of windows differ (issue 21)."""
    rng = np.random.default_rng(size)
    count = (size - window) // stride + 1
    patches = rng.standard_normal((count, count, window, window))
    expected, got = np.zeros((1, 2, size, size)), np.zeros((1, 2, size, size))
    for row in range(count):
        for column in range(count):
            place = (
                ...,
                slice(row * stride, row * stride + window),
                slice(column * stride, column * stride + window),
            )
            expected[place] += patches[row, column]
            got[place] = patches[row, column]
    found = explain(got, expected)
    assert found is not None and found.kind == "overlaps_lost"
    assert "`+=`" in found.sentence and "`+=`" in explain(got, expected, "zh-CN").sentence
