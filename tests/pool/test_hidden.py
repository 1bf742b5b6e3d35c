"""Hidden tests of assignment 3 (pool): the lecture's pooling examples, switches, gradients.

Sources: shared/seeds/000 §1.9 (池化层), 001 (pooling slides), 002 (池化),
003 §4.2 (CS231n pooling layer and switches).
"""

import numpy as np
import pytest

from grader.compare import assert_close, assert_shape, expect, expect_raises, message
from grader.testing import assert_gradient, numerical_gradient

pytestmark = pytest.mark.hidden

# 000 §1.9: the 4x4 input of the max-pooling figure (lost; this is the input whose four
# regions give the quoted maxima 9, 2, 6, 3) and of the average-pooling figure, which
# differs in one cell so that the regions average 3.75, 1.25, 4 and 2.
MAX_INPUT = np.array([[1, 3, 2, 1], [2, 9, 1, 1], [1, 3, 2, 3], [5, 6, 1, 2]], dtype=np.float64)
AVG_INPUT = np.array([[1, 3, 2, 1], [2, 9, 1, 1], [1, 4, 2, 3], [5, 6, 1, 2]], dtype=np.float64)
# 000 §1.9: the 5x5 input pooled with f=3, s=1 (quoted maxima 9 9 5 / 9 9 5 / 8 6 9)
FIVE_BY_FIVE = np.array(
    [[1, 3, 2, 1, 3], [2, 9, 1, 1, 5], [1, 3, 2, 3, 2], [8, 3, 5, 1, 0], [5, 6, 1, 2, 9]],
    dtype=np.float64,
)


def plane(values):
    return values.reshape(1, 1, *values.shape)


def slow_max_pool(x, size, stride):
    """Loop implementation returning (out, switches) with np.argmax's first maximum."""
    n, c, h, w = x.shape
    out_h, out_w = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.zeros((n, c, out_h, out_w))
    switches = np.zeros((n, c, out_h, out_w), dtype=np.int64)
    for i in range(n):
        for k in range(c):
            for r in range(out_h):
                for s in range(out_w):
                    window = x[i, k, r * stride : r * stride + size, s * stride : s * stride + size]
                    di, dj = divmod(int(np.argmax(window)), size)
                    out[i, k, r, s] = window[di, dj]
                    switches[i, k, r, s] = (r * stride + di) * w + (s * stride + dj)
    return out, switches


def slow_avg_pool(x, size, stride):
    n, c, h, w = x.shape
    out = np.zeros((n, c, (h - size) // stride + 1, (w - size) // stride + 1))
    for r in range(out.shape[2]):
        for s in range(out.shape[3]):
            out[:, :, r, s] = x[:, :, r * stride : r * stride + size, s * stride : s * stride + size].mean(
                axis=(2, 3)
            )
    return out


@pytest.mark.points(2)
@pytest.mark.function("pool_windows")
def test_windows_of_the_four_by_four_example(submission):
    """000 §1.9: 2x2 windows moved by 2 split the 4x4 input into the figure's four coloured
    regions: top left [[1, 3], [2, 9]], top right [[2, 1], [1, 1]], bottom left [[1, 3], [5, 6]],
    bottom right [[2, 3], [1, 2]]."""
    regions = [[[[1, 3], [2, 9]], [[2, 1], [1, 1]]], [[[1, 3], [5, 6]], [[2, 3], [1, 2]]]]
    windows = submission.pool_windows(plane(MAX_INPUT), 2, 2)
    assert_close(windows, np.array(regions, dtype=np.float64).reshape(1, 1, 2, 2, 2, 2))


@pytest.mark.points(2)
@pytest.mark.function("pool_windows")
def test_windows_random_shapes(submission, rng):
    """000 §1.9's 5x5 input with f=3, s=1 (windows overlap), then random planes and strides,
    some that leave the last rows or columns out, against slices of the input."""
    cases = [(plane(FIVE_BY_FIVE), 3, 1)]
    cases += [(rng.standard_normal((2, 3, 7, 6)), size, stride) for size, stride in [(2, 2), (3, 2), (2, 3)]]
    for x, size, stride in cases:
        windows = submission.pool_windows(x, size, stride)
        out_h, out_w = (x.shape[2] - size) // stride + 1, (x.shape[3] - size) // stride + 1
        expected = np.zeros((*x.shape[:2], out_h, out_w, size, size))
        for r in range(out_h):
            for s in range(out_w):
                expected[:, :, r, s] = x[:, :, r * stride : r * stride + size, s * stride : s * stride + size]
        assert_close(
            windows,
            expected,
            what=message("windows, size {f}, stride {s}", "窗口，大小 {f}，步长 {s}", f=size, s=stride),
        )


@pytest.mark.points(3)
@pytest.mark.function("max_pool_forward")
def test_max_pool_four_by_four_example(submission):
    """000 §1.9 and 002 (池化): 2x2 max pooling, stride 2, gives 9, 2, 6, 3; the maxima sit at
    flat indices 5 (row 1, col 1), 2, 13 and 11 of the 4x4 plane."""
    out, switches = submission.max_pool_forward(plane(MAX_INPUT), size=2, stride=2)
    assert_close(out, plane(np.array([[9.0, 2.0], [6.0, 3.0]])))
    assert_close(switches, plane(np.array([[5, 2], [13, 11]])), what="switches")


@pytest.mark.points(3)
@pytest.mark.function("max_pool_forward")
def test_max_pool_five_by_five_example(submission):
    """000 §1.9: f=3, s=1 on 5x5 gives 9 9 5 / 9 9 5 / 8 6 9; a 5x5x2 input gives 3x3x2,
    each channel pooled alone."""
    expected = np.array([[9, 9, 5], [9, 9, 5], [8, 6, 9]], dtype=np.float64)
    out, _ = submission.max_pool_forward(plane(FIVE_BY_FIVE), size=3, stride=1)
    assert_close(out, plane(expected))
    two_channels = np.stack([FIVE_BY_FIVE, -FIVE_BY_FIVE])[None]
    out_two, _ = submission.max_pool_forward(two_channels, size=3, stride=1)
    assert_shape(out_two, (1, 2, 3, 3))
    assert_close(out_two[0, 0], expected, what=message("channel 0", "第 0 个通道"))


@pytest.mark.points(2)
@pytest.mark.function("avg_pool_forward")
def test_average_pool_example(submission):
    """000 §1.9: average pooling, 2x2, stride 2: 3.75, 1.25, 4 and 2."""
    out = submission.avg_pool_forward(plane(AVG_INPUT), size=2, stride=2)
    assert_close(out, plane(np.array([[3.75, 1.25], [4.0, 2.0]])))


@pytest.mark.points(1)
@pytest.mark.function("max_pool_forward")
def test_max_of_one_window(submission):
    """001 二维最大池化: max(1, 1, 5, 6) = 6, the bottom-right input (switch 3)."""
    window = plane(np.array([[1.0, 1.0], [5.0, 6.0]]))
    out, switches = submission.max_pool_forward(window, size=2, stride=2)
    assert_close(out, plane(np.array([[6.0]])), what=message("max", "最大值"))
    assert_close(switches, plane(np.array([[3]])), what="switches")


@pytest.mark.points(1)
@pytest.mark.function("avg_pool_forward")
def test_mean_of_one_window(submission):
    """001 平均池化: mean(1, 1, 5, 6) = 3.25."""
    window = plane(np.array([[1.0, 1.0], [5.0, 6.0]]))
    out = submission.avg_pool_forward(window, size=2, stride=2)
    assert_close(out, plane(np.array([[3.25]])), what=message("mean", "平均值"))


@pytest.mark.points(2)
@pytest.mark.function("pool_output_size")
@pytest.mark.parametrize(
    ("n", "f", "stride", "expected", "source"),
    [
        (
            4,
            2,
            2,
            2,
            message(
                "000 §1.9: 4x4 with 2x2, stride 2, gives 2x2", "000 §1.9：4x4 用 2x2、步长 2 池化，得到 2x2"
            ),
        ),
        (5, 3, 1, 3, message("000 §1.9: 5x5 with f=3, s=1 gives 3x3", "000 §1.9：5x5，f=3，s=1，得到 3x3")),
        (28, 2, 2, 14, message("002 LeNet: 28x28x6 pooled to 14x14x6", "002 LeNet：28x28x6 池化成 14x14x6")),
        (10, 2, 2, 5, message("002 LeNet: 10x10x16 pooled to 5x5x16", "002 LeNet：10x10x16 池化成 5x5x16")),
        (
            100,
            2,
            2,
            50,
            message("002: 100x100 pooled without overlap to 50x50", "002：100x100 不重叠池化成 50x50"),
        ),
        (
            224,
            2,
            2,
            112,
            message("003 §4.2: 224x224x64 pooled to 112x112x64", "003 §4.2：224x224x64 池化成 112x112x64"),
        ),
        (
            7,
            3,
            2,
            3,
            message("003 §4.2: overlapping pooling F=3, S=2 on 7x7", "003 §4.2：7x7 上的重叠池化，F=3，S=2"),
        ),
        (
            32,
            2,
            2,
            16,
            message(
                "003 §3: CIFAR-10's pooling layer takes [32x32x12] to [16x16x12]",
                "003 §3：CIFAR-10 的池化层把 [32x32x12] 变成 [16x16x12]",
            ),
        ),
        (
            7,
            7,
            7,
            1,
            message(
                "000 §1.9: global average pooling takes 7x7x1000 to 1x1x1000",
                "000 §1.9：全局平均池化把 7x7x1000 变成 1x1x1000",
            ),
        ),
    ],
)
def test_pool_output_size_lecture_values(submission, n, f, stride, expected, source):
    """001 小结: m = (n - k + 2p)/s + 1 with p = 0, and n/s when the stride equals the window. Where
    the window covers the whole plane (one output), the plane one stride larger is checked too:
    answering 1 whatever the input is not an answer."""
    assert_close(submission.pool_output_size(n, f, stride), expected, what=source)
    if expected == 1:
        larger = submission.pool_output_size(n + stride, f, stride)
        assert_close(
            larger, 2, what=message("{source}, one stride larger", "{source}（大一个步长）", source=source)
        )


@pytest.mark.points(4)
@pytest.mark.function("max_pool_forward")
def test_max_pool_random_shapes(submission, rng):
    """Outputs and switches against a loop implementation, overlapping windows included."""
    for size, stride in [(2, 2), (3, 2), (2, 1), (3, 3)]:
        x = rng.standard_normal((2, 3, 7, 6))
        out, switches = submission.max_pool_forward(x, size=size, stride=stride)
        expected_out, expected_switches = slow_max_pool(x, size, stride)
        assert_close(
            out,
            expected_out,
            what=message("out, size {f}, stride {s}", "out，大小 {f}，步长 {s}", f=size, s=stride),
        )
        assert_close(
            switches,
            expected_switches,
            what=message("switches, size {f}, stride {s}", "switches，大小 {f}，步长 {s}", f=size, s=stride),
        )


@pytest.mark.points(2)
@pytest.mark.function("max_pool_forward")
def test_switches_take_the_first_maximum(submission):
    """Ties go to the first maximum in row-major window order, as np.argmax; switches are ints."""
    _, switches = submission.max_pool_forward(np.ones((1, 1, 4, 4)), size=2, stride=2)
    expect(
        np.asarray(switches).dtype.kind in "iu",
        "switches have dtype {dtype}, expected integers",
        "switches 的数据类型是 {dtype}，应为整数",
        dtype=np.asarray(switches).dtype,
    )
    assert_close(
        switches,
        plane(np.array([[0, 2], [8, 10]])),
        what=message("switches of a constant image", "常数图像的 switches"),
    )


@pytest.mark.points(3)
@pytest.mark.function("max_pool_backward")
def test_max_pool_backward_needs_no_x(submission, rng):
    """003 §4.2 (switches): the backward pass routes each gradient by its switch alone;
    in the 5x5, f=3, s=1 example the 9 at (1, 1) is chosen by four windows and gets their sum.
    The switches are computed here, so this test does not depend on max_pool_forward."""
    _, switches = slow_max_pool(plane(FIVE_BY_FIVE), size=3, stride=1)
    dout = rng.standard_normal((1, 1, 3, 3))
    dx = submission.max_pool_backward(dout, switches, (1, 1, 5, 5))
    expected = np.zeros(25)
    for r in range(3):
        for s in range(3):
            expected[switches[0, 0, r, s]] += dout[0, 0, r, s]
    assert_close(dx, expected.reshape(1, 1, 5, 5))
    assert_close(
        dx[0, 0, 1, 1],
        dout[0, 0, :2, :2].sum(),
        what=message("gradient of the 9 at (1, 1)", "(1, 1) 处的 9 得到的梯度"),
    )


@pytest.mark.points(4)
@pytest.mark.function("max_pool_backward")
@pytest.mark.parametrize(("size", "stride"), [(2, 2), (3, 2)])
def test_max_pool_backward_numerical_gradient(submission, rng, size, stride):
    """dx against central differences of max pooling computed here (distinct inputs, so no ties),
    from switches computed here too; relative error below 1e-7."""
    x = rng.permutation(2 * 2 * 6 * 6).reshape(2, 2, 6, 6).astype(np.float64) / 7.0
    out, switches = slow_max_pool(x, size, stride)
    dout = rng.standard_normal(out.shape)
    dx = submission.max_pool_backward(dout, switches, x.shape)

    def forward(value):
        return slow_max_pool(value, size, stride)[0]

    expected = numerical_gradient(forward, x.copy(), dout, step=1e-3)
    assert_gradient(dx, expected, what="dx")


@pytest.mark.points(2)
@pytest.mark.function("avg_pool_forward")
def test_avg_pool_random_shapes(submission, rng):
    """Averages against a loop implementation, overlapping windows included."""
    for size, stride in [(2, 2), (3, 1)]:
        x = rng.standard_normal((2, 2, 6, 7))
        assert_close(submission.avg_pool_forward(x, size=size, stride=stride), slow_avg_pool(x, size, stride))


@pytest.mark.points(3)
@pytest.mark.function("avg_pool_backward")
@pytest.mark.parametrize(("size", "stride"), [(2, 2), (3, 1)])
def test_avg_pool_backward_numerical_gradient(submission, rng, size, stride):
    """Each gradient is spread over its window and divided by its area; overlaps add up (against
    central differences of average pooling computed here)."""
    x = rng.standard_normal((1, 2, 5, 5))
    dout = rng.standard_normal(slow_avg_pool(x, size, stride).shape)
    dx = submission.avg_pool_backward(dout, x.shape, size=size, stride=stride)

    def forward(value):
        return slow_avg_pool(value, size, stride)

    expected = numerical_gradient(forward, x.copy(), dout, step=1e-3)
    assert_gradient(dx, expected, what="dx")


@pytest.mark.points(1)
@pytest.mark.function("pool_output_size")
def test_bad_geometry_raises(submission):
    """A window larger than the input, or stride 0, is a ValueError; a window that just fits, and
    stride 1, work."""
    with expect_raises(ValueError, "pool_output_size(3, 4, 1)"):
        submission.pool_output_size(3, 4, 1)
    with expect_raises(ValueError, "pool_output_size(8, 2, 0)"):
        submission.pool_output_size(8, 2, 0)
    assert_close(
        submission.pool_output_size(3, 3, 1),
        1,
        what=message("a 3-wide window on 3", "3 宽的输入上 3 宽的窗口"),
    )
    assert_close(
        submission.pool_output_size(8, 2, 1),
        7,
        what=message("a 2-wide window on 8, stride 1", "8 宽的输入上 2 宽的窗口，步长 1"),
    )


@pytest.mark.points(1)
@pytest.mark.function("max_pool_forward")
def test_max_pool_bad_geometry_raises(submission, rng):
    """Stride 0 is a ValueError; the same input with stride 1 is pooled."""
    x = rng.standard_normal((1, 2, 4, 4))
    with expect_raises(ValueError, "max_pool_forward(x, size=2, stride=0)"):
        submission.max_pool_forward(x, size=2, stride=0)
    out, switches = submission.max_pool_forward(x, size=2, stride=1)
    assert_close((out, switches), slow_max_pool(x, 2, 1), what=message("size 2, stride 1", "大小 2，步长 1"))


@pytest.mark.points(1)
@pytest.mark.function("pool_output_size")
def test_alexnet_halves_224_five_times(submission):
    """003 §4.4: AlexNet's five 2x2 pooling layers halve 224 each time: 224/2/2/2/2/2 = 7."""
    for n, expected in [(224, 112), (112, 56), (56, 28), (28, 14), (14, 7)]:
        assert_close(
            submission.pool_output_size(n, 2, 2),
            expected,
            what=message("{n} pooled 2x2, stride 2", "{n} 经过 2x2、步长 2 的池化", n=n),
        )


@pytest.mark.points(1)
@pytest.mark.function("pool_output_size")
def test_pool_output_size_floors_strides_that_do_not_fit(submission):
    """When the stride does not divide n - f, the last partial window is dropped (floor, not round
    or ceil), and the result is an int: counted window positions for n = 5..9."""
    for n in range(5, 10):
        for f, stride in [(2, 2), (3, 2), (2, 3), (3, 4)]:
            expected = len(range(0, n - f + 1, stride))
            got = submission.pool_output_size(n, f, stride)
            assert_close(got, expected, what=f"n={n}, f={f}, stride={stride}")


# two images, 3 channels, 7x6: the default 2x2 windows at stride 2 leave the last row out, and
# size=3 alone keeps the default stride 2 (003 §4.2's overlapping pooling, F=3, S=2)
DEFAULTS_SHAPE = (2, 3, 7, 6)
DEFAULTS = message("defaults", "默认参数")
SIZE_ONLY = message("size=3 only", "只给 size=3")


@pytest.mark.points(1)
@pytest.mark.function("max_pool_forward")
def test_max_pool_defaults(submission, rng):
    """max_pool_forward(x) pools 2x2 windows at stride 2; max_pool_forward(x, size=3) keeps stride
    2 (overlapping pooling, F=3, S=2): outputs and switches against a loop implementation."""
    x = rng.standard_normal(DEFAULTS_SHAPE)
    for size, call in [(2, {}), (3, {"size": 3})]:
        out, switches = submission.max_pool_forward(x, **call)
        expected_out, expected_switches = slow_max_pool(x, size, 2)
        what = DEFAULTS if size == 2 else SIZE_ONLY
        assert_close(out, expected_out, what=message("out, {what}", "out，{what}", what=what))
        assert_close(
            switches, expected_switches, what=message("switches, {what}", "switches，{what}", what=what)
        )


@pytest.mark.points(2)
@pytest.mark.function("avg_pool_forward")
def test_avg_pool_defaults(submission, rng):
    """avg_pool_forward(x) averages 2x2 windows at stride 2; with size=3 alone the stride stays 2."""
    x = rng.standard_normal(DEFAULTS_SHAPE)
    assert_close(submission.avg_pool_forward(x), slow_avg_pool(x, 2, 2), what=DEFAULTS)
    assert_close(submission.avg_pool_forward(x, size=3), slow_avg_pool(x, 3, 2), what=SIZE_ONLY)


@pytest.mark.points(1)
@pytest.mark.function("avg_pool_backward")
def test_avg_pool_backward_defaults(submission, rng):
    """avg_pool_backward(dout, x_shape) spreads over 2x2 windows at stride 2 (the last row, in no
    window, gets 0); with size=3 alone the stride stays 2 and overlaps add up (against central
    differences of average pooling computed here)."""
    x = rng.standard_normal(DEFAULTS_SHAPE)
    for size, call in [(2, {}), (3, {"size": 3})]:
        dout = rng.standard_normal(slow_avg_pool(x, size, 2).shape)
        dx = submission.avg_pool_backward(dout, x.shape, **call)
        expected = numerical_gradient(lambda v, size=size: slow_avg_pool(v, size, 2), x.copy(), dout, 1e-3)
        assert_gradient(dx, expected, what=message("dx with size {f}", "size={f} 时的 dx", f=size))


@pytest.mark.points(2)
@pytest.mark.function("max_pool_backward")
def test_max_pool_backward_rectangular_planes(submission, rng):
    """On 5x7 planes (H != W) a switch h*W + w is read with W = 7: each gradient goes back to its
    switch, for 2x2 windows at stride 2 (the last row and column in no window) and overlapping 3x3
    ones at stride 2. The switches are computed here."""
    x = rng.permutation(2 * 2 * 5 * 7).reshape(2, 2, 5, 7).astype(np.float64)
    for size in (2, 3):
        _, switches = slow_max_pool(x, size, 2)
        dout = rng.standard_normal(switches.shape)
        expected = np.zeros(x.shape)
        for index in np.ndindex(switches.shape):
            row, column = divmod(int(switches[index]), 7)
            expected[index[0], index[1], row, column] += dout[index]
        dx = submission.max_pool_backward(dout, switches, x.shape)
        assert_close(dx, expected, what=message("dx, size {f}, stride 2", "dx，大小 {f}，步长 2", f=size))


@pytest.mark.points(1)
@pytest.mark.function("avg_pool_forward")
def test_global_average_pooling(submission, rng):
    """000 §1.9: average pooling over the whole 7x7 plane takes 7x7x1000 to 1x1x1000, one mean per
    channel (two images here)."""
    x = rng.standard_normal((2, 1000, 7, 7))
    out = submission.avg_pool_forward(x, size=7, stride=7)
    assert_close(out, x.mean(axis=(2, 3)).reshape(2, 1000, 1, 1))
