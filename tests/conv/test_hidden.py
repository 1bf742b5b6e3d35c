"""Hidden tests of assignment 1 (conv): the lecture's worked examples.

Sources are the lecture notes in shared/seeds/: 000 (convolution, padding,
stride, 3-D convolution), 001 (pooling slides), 002 (article), 003 (CS231n).
"""

import numpy as np
import pytest

from grader.compare import assert_close, assert_shape, expect_raises, message

pytestmark = pytest.mark.hidden

# 000 §1.2: the 6x6 grey image and the 3x3 vertical-edge filter
EDGE_IMAGE = np.array(
    [
        [3, 0, 1, 2, 7, 4],
        [1, 5, 8, 9, 3, 1],
        [2, 7, 2, 5, 1, 3],
        [0, 1, 3, 1, 7, 8],
        [4, 2, 1, 6, 2, 8],
        [2, 4, 5, 2, 3, 9],
    ],
    dtype=np.float64,
)
VERTICAL_EDGE = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=np.float64)

# 000 §1.4: the 7x7 image convolved with stride 2. The figure was lost; this is the
# image of the original slide with its last column read as 7, 3, 8, 7, 6, 3, 4 (the
# slide as usually reproduced gives 88 and 117 where the notes quote 83 and 127;
# these three cells are the smallest change that reproduces all nine quoted numbers).
STRIDE_IMAGE = np.array(
    [
        [2, 3, 7, 4, 6, 2, 7],
        [6, 6, 9, 8, 7, 4, 3],
        [3, 4, 8, 3, 8, 9, 8],
        [7, 8, 3, 6, 6, 3, 7],
        [4, 2, 1, 8, 3, 4, 6],
        [3, 2, 4, 1, 9, 8, 3],
        [0, 1, 3, 9, 2, 1, 4],
    ],
    dtype=np.float64,
)
STRIDE_FILTER = np.array([[3, 4, 4], [1, 0, 2], [-1, 0, 3]], dtype=np.float64)


def batch(image):
    """One grey image (H, W) as a batch (1, 1, H, W)."""
    return image.reshape(1, 1, *image.shape)


def slow_conv(x, w, b, stride, pad):
    """An independent loop implementation, written for clarity, not speed."""
    n, c, h, width = x.shape
    f, _, hh, ww = w.shape
    padded = np.zeros((n, c, h + 2 * pad, width + 2 * pad))
    padded[:, :, pad : pad + h, pad : pad + width] = x
    out_h = (h + 2 * pad - hh) // stride + 1
    out_w = (width + 2 * pad - ww) // stride + 1
    out = np.zeros((n, f, out_h, out_w))
    for i in range(n):
        for k in range(f):
            for r in range(out_h):
                for s in range(out_w):
                    window = padded[i, :, r * stride : r * stride + hh, s * stride : s * stride + ww]
                    out[i, k, r, s] = np.sum(window * w[k]) + b[k]
    return out


@pytest.mark.points(3)
@pytest.mark.function("conv_forward")
def test_vertical_edge_example(submission):
    """000 §1.2 边缘检测示例: the 6x6 image gives -5 -4 0 8 / -10 -2 2 3 / ... / -16."""
    expected = np.array(
        [[-5, -4, 0, 8], [-10, -2, 2, 3], [0, -2, -4, -7], [-3, -2, -3, -16]], dtype=np.float64
    )
    out = submission.conv_forward(batch(EDGE_IMAGE), batch(VERTICAL_EDGE), np.zeros(1))
    assert_close(out, batch(expected))


@pytest.mark.points(2)
@pytest.mark.function("conv_forward")
def test_bright_dark_edge_example(submission):
    """000 §1.2: left half 10, right half 0; every output row reads 0 30 30 0."""
    image = np.array([[10, 10, 10, 0, 0, 0]] * 6, dtype=np.float64)
    out = submission.conv_forward(batch(image), batch(VERTICAL_EDGE), np.zeros(1))
    assert_close(out, batch(np.array([[0, 30, 30, 0]] * 4, dtype=np.float64)))


@pytest.mark.points(3)
@pytest.mark.function("conv_forward")
def test_stride_two_example(submission):
    """000 §1.4 卷积步长: 7x7 with a 3x3 filter, stride 2: 91 100 83 / 69 91 127 / 44 72 74."""
    expected = np.array([[91, 100, 83], [69, 91, 127], [44, 72, 74]], dtype=np.float64)
    out = submission.conv_forward(batch(STRIDE_IMAGE), batch(STRIDE_FILTER), np.zeros(1), stride=2)
    assert_close(out, batch(expected))


@pytest.mark.points(2)
@pytest.mark.function("conv_forward")
def test_binary_image_example(submission):
    """002 (單通道圖片): the 5x5 binary image and 3x3 kernel give 4 first, 9 values in all."""
    image = np.array(
        [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]],
        dtype=np.float64,
    )
    kernel = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=np.float64)
    out = submission.conv_forward(batch(image), batch(kernel), np.zeros(1))
    assert_shape(out, (1, 1, 3, 3))
    assert_close(out, batch(np.array([[4, 3, 4], [2, 4, 3], [2, 3, 4]], dtype=np.float64)))


@pytest.mark.points(2)
@pytest.mark.function("conv_forward")
def test_edge_shift_example(submission):
    """001 垂直边缘检测: filter [[1,-1],[1,-1]] on a 7x6 edge gives a column of 2s;
    a one-pixel shift of the image leaves 0 where that column was."""
    image = np.array([[1, 1, 1, 0, 0, 0]] * 7, dtype=np.float64)
    kernel = np.array([[1, -1], [1, -1]], dtype=np.float64)
    expected = np.zeros((6, 5))
    expected[:, 2] = 2
    out = submission.conv_forward(batch(image), batch(kernel), np.zeros(1))
    assert_close(out, batch(expected))
    shifted = np.array([[1, 1, 1, 1, 0, 0]] * 7, dtype=np.float64)
    out_shifted = submission.conv_forward(batch(shifted), batch(kernel), np.zeros(1))
    assert_close(
        out_shifted[0, 0, :, 2], np.zeros(6), what=message("column 2 after the shift", "平移后的第 2 列")
    )


@pytest.mark.points(2)
@pytest.mark.function("conv_forward")
def test_convolution_as_sparse_neuron_example(submission):
    """000 §1.8: filter 1 on the 6x6 image gives 3 at the top left, then -1 one step right."""
    image = np.array(
        [
            [1, 0, 0, 0, 0, 1],
            [0, 1, 0, 0, 1, 0],
            [0, 0, 1, 1, 0, 0],
            [1, 0, 0, 0, 1, 0],
            [0, 1, 0, 0, 1, 0],
            [0, 0, 1, 0, 1, 0],
        ],
        dtype=np.float64,
    )
    filter_1 = np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=np.float64)
    out = submission.conv_forward(batch(image), batch(filter_1), np.zeros(1))
    assert_shape(out, (1, 1, 4, 4))  # before reading into it: a wrong shape fails, not crashes
    assert_close(out[0, 0, 0, :2], np.array([3.0, -1.0]), what=message("first two outputs", "前两个输出"))


@pytest.mark.points(3)
@pytest.mark.function("conv_forward")
def test_cs231n_demo(submission, rng):
    """003 §4.1 5) 卷积层演示: 5x5x3 input, K=2 filters, F=3, S=2, P=1, so (5-3+2)/2+1 = 3.

    The demo's numbers were an animation; the input is drawn from the printed
    seed (small integers, as in the demo) and checked against a loop implementation.
    """
    x = rng.integers(0, 3, size=(1, 3, 5, 5)).astype(np.float64)
    w = rng.integers(-1, 2, size=(2, 3, 3, 3)).astype(np.float64)
    b = np.array([1.0, 0.0])
    out = submission.conv_forward(x, w, b, stride=2, pad=1)
    assert_close(out, slow_conv(x, w, b, stride=2, pad=1))


@pytest.mark.points(2)
@pytest.mark.function("conv_forward")
def test_multichannel_filters_stack(submission, rng):
    """000 §1.5-1.6: 6x6x3 with 3x3x3 filters: one filter gives 4x4x1, two 4x4x2, ten 4x4x10,
    and each filter's bias is added to all 16 of its outputs."""
    x = rng.standard_normal((1, 3, 6, 6))
    for filters in (1, 2, 10):
        w = rng.standard_normal((filters, 3, 3, 3))
        b = rng.standard_normal(filters)
        out = submission.conv_forward(x, w, b)
        assert_close(out, slow_conv(x, w, b, 1, 0), what=message("{n} filters", "{n} 个过滤器", n=filters))


@pytest.mark.points(4)
@pytest.mark.function("conv_forward")
def test_conv_forward_random_shapes(submission, rng):
    """Random batches, channels, filters, strides and padding against a loop implementation."""
    for _ in range(6):
        n, c, f = rng.integers(1, 4, size=3)
        h, width = rng.integers(4, 9, size=2)
        size, stride, pad = int(rng.integers(1, 4)), int(rng.integers(1, 3)), int(rng.integers(0, 3))
        x = rng.standard_normal((n, c, h, width))
        w = rng.standard_normal((f, c, size, size))
        b = rng.standard_normal(f)
        expected = slow_conv(x, w, b, stride, pad)
        out = submission.conv_forward(x, w, b, stride=stride, pad=pad)
        assert_close(
            out,
            expected,
            what=message(
                "stride={s}, pad={p}, filter {k}x{k}",
                "步长 {s}，零填充 {p}，{k}x{k} 卷积核",
                s=stride,
                p=pad,
                k=size,
            ),
        )


@pytest.mark.points(3)
@pytest.mark.function("conv_output_size")
@pytest.mark.parametrize(
    ("n", "f", "pad", "stride", "expected", "source"),
    [
        (6, 3, 0, 1, 4, message("000 §1.2: 6x6 with 3x3 gives 4x4", "000 §1.2：6x6 用 3x3 卷积核得到 4x4")),
        (6, 3, 1, 1, 6, message("000 §1.3: padding 1 keeps 6x6", "000 §1.3：零填充 1 圈，仍是 6x6")),
        (
            7,
            3,
            0,
            2,
            3,
            message("000 §1.4: 7x7, 3x3, stride 2 gives 3x3", "000 §1.4：7x7，3x3，步长 2，得到 3x3"),
        ),
        (
            39,
            3,
            0,
            1,
            37,
            message("000 §1.7: 39x39x3 with 10 filters 3x3", "000 §1.7：39x39x3，10 个 3x3 过滤器"),
        ),
        (
            37,
            5,
            0,
            2,
            17,
            message("000 §1.7: then 20 filters 5x5, stride 2", "000 §1.7：接着 20 个 5x5 过滤器，步长 2"),
        ),
        (
            17,
            5,
            0,
            2,
            7,
            message(
                "000 §1.7: then 40 filters 5x5, stride 2: 7x7x40",
                "000 §1.7：再 40 个 5x5 过滤器，步长 2：7x7x40",
            ),
        ),
        (
            4,
            3,
            1,
            1,
            4,
            message(
                "002: 4x4 zero-padded once, 3x3 filter, stays 4x4",
                "002：4x4 零填充 1 圈，3x3 卷积核，仍是 4x4",
            ),
        ),
        (
            32,
            5,
            0,
            1,
            28,
            message("002 LeNet: 32x32 with 5x5 gives 28x28", "002 LeNet：32x32 用 5x5 卷积核得到 28x28"),
        ),
        (
            100,
            10,
            0,
            1,
            91,
            message("002: 100x100 with 10x10 filters gives 91x91", "002：100x100 用 10x10 过滤器得到 91x91"),
        ),
        (227, 11, 0, 4, 55, "003 AlexNet: (227-11)/4+1 = 55"),
        (7, 3, 0, 1, 5, message("003: 7x7, 3x3, stride 1 gives 5x5", "003：7x7，3x3，步长 1，得到 5x5")),
        (
            7,
            3,
            0,
            3,
            2,
            message(
                "003: stride 3 does not fit 7x7; the floor convention gives 2",
                "003：步长 3 在 7x7 上走不整齐，向下取整得 2",
            ),
        ),
        (7, 3, 1, 1, 7, message("003: one ring of zeros keeps 7x7", "003：零填充 1 圈，仍是 7x7")),
        (
            32,
            5,
            2,
            1,
            32,
            message("003: 32x32, 5x5, pad 2 keeps 32x32", "003：32x32，5x5，零填充 2，仍是 32x32"),
        ),
        (5, 3, 1, 2, 3, "003 demo: (5-3+2)/2+1 = 3"),
        (12, 7, 0, 1, 6, message("003 FC as conv: (12-7)/1+1 = 6", "003 把全连接层看成卷积：(12-7)/1+1 = 6")),
        (
            384,
            224,
            0,
            32,
            6,
            message("003 FC as conv: (384-224)/32+1 = 6", "003 把全连接层看成卷积：(384-224)/32+1 = 6"),
        ),
        (
            224,
            3,
            1,
            1,
            224,
            message(
                "003: 64 filters 3x3, pad 1, keep 224x224", "003：64 个 3x3 过滤器，零填充 1，保持 224x224"
            ),
        ),
        (
            4,
            3,
            0,
            1,
            2,
            message(
                "002: input (4, 4) and filter (3, 3) give output (2, 2)",
                "002：输入 (4, 4)、卷积核 (3, 3)，输出 (2, 2)",
            ),
        ),
        (
            32,
            3,
            0,
            1,
            30,
            message(
                "003 §5.1: stacked 3x3 layers take 32 to 30 (32-30-28)",
                "003 §5.1：叠加的 3x3 卷积层把 32 变成 30（32-30-28）",
            ),
        ),
        (
            30,
            3,
            0,
            1,
            28,
            message(
                "003 §5.1: ... and the second 3x3 layer 30 to 28 (32-30-28)",
                "003 §5.1：第二个 3x3 卷积层再把 30 变成 28（32-30-28）",
            ),
        ),
    ],
)
def test_conv_output_size_lecture_values(submission, n, f, pad, stride, expected, source):
    """Every output size the notes compute, with its source. Where padding keeps the size, the
    same layer without padding is checked too: giving n back is not an answer."""
    got = submission.conv_output_size(n, f, pad=pad, stride=stride)
    assert_close(got, expected, what=source)
    if expected == n:
        unpadded = submission.conv_output_size(n, f, pad=0, stride=stride)
        assert_close(
            unpadded,
            (n - f) // stride + 1,
            what=message("{source}, without padding", "{source}（不填充）", source=source),
        )


@pytest.mark.points(1)
@pytest.mark.function("conv_output_size")
def test_valid_size_is_n_minus_f_plus_one(submission):
    """002 (padding): the notes print "(n+f-1)" for an unpadded stride-1 output; the size is
    n-f+1 (6x6 with 3x3 gives 4, not 8), as the same article writes two lines earlier."""
    for n, f in [(6, 3), (28, 5), (9, 9)]:
        assert_close(submission.conv_output_size(n, f), n - f + 1, what=f"n={n}, f={f}")


@pytest.mark.points(2)
@pytest.mark.function("padded_output_size")
@pytest.mark.parametrize(
    ("n", "f", "stride", "padding", "expected", "source"),
    [
        (
            28,
            2,
            2,
            "same",
            14,
            message(
                "002: [None,28,28,32] through 2x2, stride 2, SAME gives 14",
                "002：[None,28,28,32] 经过 2x2、步长 2 的 SAME，得到 14",
            ),
        ),
        (
            32,
            5,
            1,
            "valid",
            28,
            message("002: 32x32 with 5x5, stride 1, gives 28x28", "002：32x32 用 5x5、步长 1，得到 28x28"),
        ),
        (
            7,
            3,
            2,
            "valid",
            3,
            message("002 TF formula: ceil((7-3+1)/2) = 3", "002 TF 公式：ceil((7-3+1)/2) = 3"),
        ),
        (7, 3, 2, "same", 4, message("002 TF formula: ceil(7/2) = 4", "002 TF 公式：ceil(7/2) = 4")),
        (
            6,
            3,
            1,
            "same",
            6,
            message("000 §1.3: Same convolution keeps the size", "000 §1.3：Same 卷积保持尺寸不变"),
        ),
        (
            6,
            3,
            1,
            "valid",
            4,
            message("000 §1.3: Valid convolution, no padding", "000 §1.3：Valid 卷积，不做填充"),
        ),
    ],
)
def test_padded_output_size_lecture_values(submission, n, f, stride, padding, expected, source):
    """002 TF2.0实现卷积神经网络: SAME is ceil(n/s), VALID is ceil((n-f+1)/s). Where "same" keeps
    the size, "valid" is checked too: giving n back is not an answer."""
    assert_close(submission.padded_output_size(n, f, stride, padding), expected, what=source)
    if expected == n:
        valid = submission.padded_output_size(n, f, stride, "valid")
        assert_close(
            valid,
            -(-(n - f + 1) // stride),
            what=message('{source}, with "valid"', '{source}（"valid"）', source=source),
        )


@pytest.mark.points(1)
@pytest.mark.function("padded_output_size")
def test_padded_output_size_rejects_unknown_mode(submission):
    """A padding mode other than "same" or "valid" is a ValueError; on the same 8-wide input with a
    3-wide filter, "same" gives 8 and "valid" 6."""
    with expect_raises(ValueError, 'padded_output_size(8, 3, 1, "full")'):
        submission.padded_output_size(8, 3, 1, "full")
    assert_close(submission.padded_output_size(8, 3, 1, "same"), 8, what='"same"')
    assert_close(submission.padded_output_size(8, 3, 1, "valid"), 6, what='"valid"')


@pytest.mark.points(2)
@pytest.mark.function("zero_pad")
def test_zero_pad_six_to_eight(submission, rng):
    """000 §1.3: one ring of zeros turns the 6x6 image into 8x8; only H and W grow."""
    x = rng.standard_normal((2, 3, 6, 6))
    padded = submission.zero_pad(x, 1)
    expected = np.zeros((2, 3, 8, 8))
    expected[:, :, 1:7, 1:7] = x
    assert_close(padded, expected)


@pytest.mark.points(2)
@pytest.mark.function("conv_single_step")
def test_single_step_first_two_outputs(submission):
    """000 §1.2: the top-left window gives -5; the next one is
    0x1+5x1+7x1+1x0+8x0+2x0+2x(-1)+9x(-1)+5x(-1) = -4; a bias of 1 adds 1."""
    assert_close(submission.conv_single_step(EDGE_IMAGE[None, :3, :3], VERTICAL_EDGE[None], 0.0), -5.0)
    assert_close(submission.conv_single_step(EDGE_IMAGE[None, :3, 1:4], VERTICAL_EDGE[None], 1.0), -3.0)


@pytest.mark.points(1)
@pytest.mark.function("conv_single_step")
def test_single_step_three_channels(submission, rng):
    """000 §1.5: a 3x3x3 filter multiplies 27 numbers, red then green then blue, and adds them."""
    window = rng.standard_normal((3, 3, 3))
    weights = rng.standard_normal((3, 3, 3))
    expected = sum(window[c, i, j] * weights[c, i, j] for c in range(3) for i in range(3) for j in range(3))
    assert_close(submission.conv_single_step(window, weights, 0.5), expected + 0.5)


@pytest.mark.points(2)
@pytest.mark.function("conv_forward")
def test_bad_geometry_raises(submission, rng):
    """A stride below 1 or a filter larger than the padded input is a ValueError; the same input
    and filters with stride 1, or with enough padding, work."""
    x = rng.standard_normal((1, 1, 4, 4))
    small, large, b = rng.standard_normal((1, 1, 3, 3)), rng.standard_normal((1, 1, 7, 7)), np.zeros(1)
    with expect_raises(ValueError, message("conv_forward with stride=0", "步长为 0 的 conv_forward")):
        submission.conv_forward(x, small, b, stride=0)
    with expect_raises(
        ValueError,
        message(
            "conv_forward of a 7x7 filter on 4x4, pad=1", "4x4 输入、零填充 1、7x7 卷积核的 conv_forward"
        ),
    ):
        submission.conv_forward(x, large, b, pad=1)
    assert_close(submission.conv_forward(x, small, b), slow_conv(x, small, b, 1, 0), what="stride=1")
    assert_close(submission.conv_forward(x, large, b, pad=2), slow_conv(x, large, b, 1, 2), what="7x7, pad=2")


def window_positions(n, f, pad, stride):
    """How many places a window of size f takes on n + 2*pad cells, moving by the stride (counted,
    not computed with the formula under test)."""
    return len(range(0, n + 2 * pad - f + 1, stride))


@pytest.mark.points(1)
@pytest.mark.function("conv_output_size")
def test_conv_output_size_rejects_bad_geometry(submission):
    """Stride 0, or a filter wider than the padded input, is a ValueError; the same filter fits
    once padded (3 + 2 = 5), and stride 1 works."""
    with expect_raises(ValueError, "conv_output_size(7, 3, stride=0)"):
        submission.conv_output_size(7, 3, stride=0)
    with expect_raises(ValueError, "conv_output_size(3, 5)"):
        submission.conv_output_size(3, 5)
    assert_close(submission.conv_output_size(3, 5, pad=1), 1, what="n=3, f=5, pad=1")
    assert_close(submission.conv_output_size(7, 3, stride=1), 5, what="n=7, f=3, stride=1")


@pytest.mark.points(1)
@pytest.mark.function("conv_output_size")
def test_conv_output_size_floors_strides_that_do_not_fit(submission):
    """When the stride does not divide n + 2*pad - f, the last partial step is dropped (floor, not
    round or ceil), and the result is an int: counted window positions for n = 8..11."""
    for n in (8, 9, 10, 11):
        for f, pad, stride in [(2, 0, 3), (3, 1, 2), (3, 0, 4), (4, 1, 3)]:
            expected = window_positions(n, f, pad, stride)
            got = submission.conv_output_size(n, f, pad=pad, stride=stride)
            assert_close(got, expected, what=f"n={n}, f={f}, pad={pad}, stride={stride}")


@pytest.mark.points(1)
@pytest.mark.function("conv_output_size")
def test_conv_output_size_defaults(submission):
    """pad defaults to 0 and stride to 1, each on its own: 9 with a 4-wide filter gives 6; with
    pad=1 only, 8; with stride=2 only, floor(5/2) + 1 = 3."""
    assert_close(submission.conv_output_size(9, 4), 6, what="n=9, f=4")
    assert_close(submission.conv_output_size(9, 4, pad=1), 8, what="n=9, f=4, pad=1")
    assert_close(submission.conv_output_size(9, 4, stride=2), 3, what="n=9, f=4, stride=2")


@pytest.mark.points(1)
@pytest.mark.function("padded_output_size")
def test_padded_output_size_even_filters_and_uneven_strides(submission):
    """ "same" is ceil(n / stride) for any filter, even ones included (padding f-1 split unevenly),
    and "valid" ceil((n - f + 1) / stride): positions counted for strides that do not divide n."""
    for n, f, stride in [(9, 4, 2), (10, 2, 3), (11, 4, 3), (13, 6, 4)]:
        same = len(range(0, n, stride))
        valid = len(range(0, n - f + 1, stride))
        got_same = submission.padded_output_size(n, f, stride, "same")
        assert_close(got_same, same, what=f'"same", n={n}, f={f}, stride={stride}')
        got_valid = submission.padded_output_size(n, f, stride, "valid")
        assert_close(got_valid, valid, what=f'"valid", n={n}, f={f}, stride={stride}')


@pytest.mark.points(1)
@pytest.mark.function("zero_pad")
def test_zero_pad_rectangular_by_two(submission, rng):
    """Two rings of zeros around a batch of 3x5 images: (2, 3, 7, 9), the images in the middle;
    pad 0 leaves the batch as it is."""
    x = rng.standard_normal((2, 3, 3, 5))
    expected = np.zeros((2, 3, 7, 9))
    expected[:, :, 2:5, 2:7] = x
    assert_close(submission.zero_pad(x, 2), expected, what="pad=2")
    assert_close(submission.zero_pad(x, 0), x, what="pad=0")


@pytest.mark.points(2)
@pytest.mark.function("conv_forward")
def test_conv_forward_rectangular_filters_and_uneven_strides(submission, rng):
    """Two 5x7 images, 2 channels, three 2x3 filters (height and width differ), strides that do not
    divide the input: stride 2, pad 1 gives 3x4, stride 3 gives 2x2, stride 2 gives 2x3."""
    x = rng.standard_normal((2, 2, 5, 7))
    w = rng.standard_normal((3, 2, 2, 3))
    b = rng.standard_normal(3)
    for stride, pad in [(2, 1), (3, 0), (2, 0)]:
        expected = slow_conv(x, w, b, stride, pad)
        out = submission.conv_forward(x, w, b, stride=stride, pad=pad)
        assert_close(
            out,
            expected,
            what=message(
                "stride={s}, pad={p}, 2x3 filters", "步长 {s}，零填充 {p}，2x3 卷积核", s=stride, p=pad
            ),
        )
