"""Hidden tests of assignment 2 (im2col): the lecture's matrices, adjointness, gradients.

Sources: shared/seeds/000 (§1.8 convolution as a sparse fully connected layer),
002 (the numbered 4x4 input of a 2x2 filter), 003 (CS231n: AlexNet's im2col
shapes, fully connected layers as convolutions).
"""

import numpy as np
import pytest

from grader.compare import assert_close, assert_shape, expect_raises, message
from grader.testing import assert_gradient, each_part, numerical_gradient

pytestmark = pytest.mark.hidden


def slow_im2col(x, fh, fw, stride, pad):
    """Loop implementation: column (n*H' + oh)*W' + ow holds one flattened window."""
    n, c, h, w = x.shape
    padded = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    padded[:, :, pad : pad + h, pad : pad + w] = x
    out_h, out_w = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    cols = np.zeros((c * fh * fw, n * out_h * out_w))
    for i in range(n):
        for r in range(out_h):
            for s in range(out_w):
                window = padded[i, :, r * stride : r * stride + fh, s * stride : s * stride + fw]
                cols[:, (i * out_h + r) * out_w + s] = window.ravel()
    return cols


def conv_by_columns(x, w, b, stride, pad):
    """Convolution as one product with the loop im2col above, (N, F, H', W'); no student code."""
    n, _, h, width = x.shape
    f, _, fh, fw = w.shape
    out_h, out_w = (h + 2 * pad - fh) // stride + 1, (width + 2 * pad - fw) // stride + 1
    out = w.reshape(f, -1) @ slow_im2col(x, fh, fw, stride, pad) + b[:, None]
    return out.reshape(f, n, out_h, out_w).transpose(1, 0, 2, 3)


def weight_gradient(x, dout, w_shape, stride, pad):
    """dw of the convolution, (F, C, fh, fw): dout's rows times the loop im2col's columns."""
    f, _, fh, fw = w_shape
    rows = dout.transpose(1, 0, 2, 3).reshape(f, -1)
    return (rows @ slow_im2col(x, fh, fw, stride, pad).T).reshape(w_shape)


def random_geometry(rng):
    n, c = (int(v) for v in rng.integers(1, 4, size=2))
    h, w = (int(v) for v in rng.integers(3, 8, size=2))
    fh, fw = int(rng.integers(1, min(h, 4) + 1)), int(rng.integers(1, min(w, 4) + 1))
    return (n, c, h, w), fh, fw, int(rng.integers(1, 3)), int(rng.integers(0, 2))


@pytest.mark.points(2)
@pytest.mark.function("im2col")
def test_alexnet_first_layer_columns(submission, rng):
    """003 §4.1 6) 用矩阵乘法实现卷积 (im2col): a 227x227x3 input, 11x11x3 windows, stride 4: X_col is
    363 x 3025; column 0 is the top-left window, column 55 the first one of the second row (4 pixels
    down) and column 3024 the bottom-right one, each stretched to 363 numbers."""
    x = rng.standard_normal((1, 3, 227, 227))
    cols = submission.im2col(x, 11, 11, stride=4)
    assert_shape(cols, (363, 3025), what="X_col")
    for column, (top, left) in [(0, (0, 0)), (55, (4, 0)), (3024, (216, 216))]:
        window = x[0, :, top : top + 11, left : left + 11].ravel()
        assert_close(cols[:, column], window, what=message("column {c}", "第 {c} 列", c=column))


@pytest.mark.points(1)
@pytest.mark.function("conv_forward_im2col")
def test_alexnet_first_layer_output(submission, rng):
    """003 §4.1 6): W_row is 96 x 363 and W_row @ X_col is 96 x 3025, reshaped to 55 x 55 x 96; the
    scores at the first and last position are each filter's dot product with that window, plus its
    bias."""
    x = rng.standard_normal((1, 3, 227, 227))
    w = rng.standard_normal((96, 3, 11, 11))
    b = rng.standard_normal(96)
    out, _ = submission.conv_forward_im2col(x, w, b, stride=4)
    assert_shape(out, (1, 96, 55, 55), what="out")
    for row, column in [(0, 0), (54, 54)]:
        window = x[0, :, 4 * row : 4 * row + 11, 4 * column : 4 * column + 11].ravel()
        assert_close(
            out[0, :, row, column], w.reshape(96, -1) @ window + b, what=f"out[0, :, {row}, {column}]"
        )


@pytest.mark.points(3)
@pytest.mark.function("im2col")
def test_neuron_connects_to_nine_pixels(submission):
    """000 §1.8: on the 6x6 image, the first 3x3 neuron sees pixels 1,2,3,7,8,9,13,14,15
    and the next one, one step right, sees 2,3,4,8,9,10,14,15,16 (pixels numbered 1..36)."""
    numbered = np.arange(1.0, 37.0).reshape(1, 1, 6, 6)
    cols = submission.im2col(numbered, 3, 3)
    assert_shape(cols, (9, 16))
    assert_close(cols[:, 0], np.array([1.0, 2, 3, 7, 8, 9, 13, 14, 15]), what=message("column 0", "第 0 列"))
    assert_close(cols[:, 1], np.array([2.0, 3, 4, 8, 9, 10, 14, 15, 16]), what=message("column 1", "第 1 列"))


@pytest.mark.points(2)
@pytest.mark.function("im2col")
def test_two_by_two_window_of_numbered_nodes(submission):
    """002 (卷積層): a 2x2 filter on nodes numbered 0..15 first combines w1*0+w2*1+w3*4+w4*5."""
    nodes = np.arange(16.0).reshape(1, 1, 4, 4)
    cols = submission.im2col(nodes, 2, 2)
    assert_close(cols[:, 0], np.array([0.0, 1.0, 4.0, 5.0]), what=message("column 0", "第 0 列"))


@pytest.mark.points(4)
@pytest.mark.function("im2col")
def test_im2col_random_shapes(submission, rng):
    """Row c*fh*fw + i*fw + j, column (n*H' + oh)*W' + ow, against a loop implementation."""
    for _ in range(6):
        shape, fh, fw, stride, pad = random_geometry(rng)
        x = rng.standard_normal(shape)
        got = submission.im2col(x, fh, fw, stride=stride, pad=pad)
        expected = slow_im2col(x, fh, fw, stride, pad)
        assert_close(
            got,
            expected,
            what=message(
                "x {shape}, filter {fh}x{fw}, stride {s}, pad {p}",
                "x {shape}，{fh}x{fw} 卷积核，步长 {s}，零填充 {p}",
                shape=shape,
                fh=fh,
                fw=fw,
                s=stride,
                p=pad,
            ),
        )


@pytest.mark.points(4)
@pytest.mark.function("col2im")
def test_col2im_is_the_adjoint_of_im2col(submission, rng):
    """sum(im2col(x) * cols) == sum(x * col2im(cols)) for any x and cols: overlaps add up."""
    for _ in range(6):
        shape, fh, fw, stride, pad = random_geometry(rng)
        x = rng.standard_normal(shape)
        cols = rng.standard_normal(slow_im2col(x, fh, fw, stride, pad).shape)
        back = submission.col2im(cols, shape, fh, fw, stride=stride, pad=pad)
        assert_shape(back, shape, what="col2im")
        left = np.sum(slow_im2col(x, fh, fw, stride, pad) * cols)
        assert_close(
            np.sum(x * back),
            left,
            what=message(
                "<x, col2im(cols)> for x {shape}, stride {s}",
                "x {shape}、步长 {s} 时的 <x, col2im(cols)>",
                shape=shape,
                s=stride,
            ),
        )


@pytest.mark.points(2)
@pytest.mark.function("col2im")
def test_col2im_counts_overlaps(submission):
    """col2im of all-ones columns counts the windows that cover each pixel (3x3, stride 1 on 4x4)."""
    counts = submission.col2im(np.ones((9, 4)), (1, 1, 4, 4), 3, 3)
    expected = np.array([[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]], dtype=np.float64)
    assert_close(counts, expected.reshape(1, 1, 4, 4))


@pytest.mark.points(3)
@pytest.mark.function("conv_forward_im2col")
def test_forward_reproduces_the_vertical_edge_example(submission):
    """000 §1.2 through one matrix product: -5 -4 0 8 / -10 -2 2 3 / 0 -2 -4 -7 / -3 -2 -3 -16."""
    image = np.array(
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
    edge = np.array([[1, 0, -1]] * 3, dtype=np.float64)
    out, _ = submission.conv_forward_im2col(image[None, None], edge[None, None], np.zeros(1))
    expected = np.array([[-5, -4, 0, 8], [-10, -2, 2, 3], [0, -2, -4, -7], [-3, -2, -3, -16]])
    assert_close(out, expected[None, None].astype(np.float64))


@pytest.mark.points(3)
@pytest.mark.function("conv_forward_im2col")
def test_fully_connected_layer_as_convolution(submission, rng):
    """003 §4.4: a fully connected layer on a 7x7x512 volume is a convolution with F=7, P=0, S=1
    giving 1x1xK. Same geometry with 8 channels and K=5 to keep the test small."""
    x = rng.standard_normal((2, 8, 7, 7))
    w = rng.standard_normal((5, 8, 7, 7))
    b = rng.standard_normal(5)
    out, _ = submission.conv_forward_im2col(x, w, b)
    fully_connected = x.reshape(2, -1) @ w.reshape(5, -1).T + b
    assert_close(out, fully_connected.reshape(2, 5, 1, 1))


@pytest.mark.points(3)
@pytest.mark.function("conv_forward_im2col")
def test_convolutional_classifier_slides_over_a_bigger_image(submission, rng):
    """003 §4.4: on 384x384 the converted network gives a 6x6 grid of scores, (12-7)/1+1 = 6,
    each equal to the fully connected layer on one 7x7 crop. Same at 4 channels and K=3."""
    x = rng.standard_normal((1, 4, 12, 12))
    w = rng.standard_normal((3, 4, 7, 7))
    b = rng.standard_normal(3)
    out, _ = submission.conv_forward_im2col(x, w, b)
    assert_shape(out, (1, 3, 6, 6), what=message("a 6x6 grid of 3 scores", "3 个分数的 6x6 网格"))
    for r, s in [(0, 0), (2, 5), (5, 5)]:
        crop = x[0, :, r : r + 7, s : s + 7].ravel()
        assert_close(out[0, :, r, s], w.reshape(3, -1) @ crop + b, what=f"out[0, :, {r}, {s}]")


def gradient_case(rng, stride, pad):
    """Two 6x5 images, 3 channels, four 3x2 filters: with stride 2 and pad 1 the height does not
    divide ((6 + 2 - 3) / 2 = 2.5), so the last padded row is in no window."""
    x = rng.standard_normal((2, 3, 6, 5))
    w = rng.standard_normal((4, 3, 3, 2))
    b = rng.standard_normal(4)
    return x, w, b, stride, pad


def reference_cache(reference, x, w, b, stride=1, pad=0):
    """The reference's forward pass: (out, cache), the cache laid out as the handout documents,
    (x, w, b, stride, pad, cols). The backward tests take it, so that a mistake in the student's
    forward pass costs only the forward pass's points."""
    return reference.conv_forward_im2col(x, w, b, stride=stride, pad=pad)


@pytest.mark.points(4)
@pytest.mark.function("conv_backward_im2col")
@pytest.mark.parametrize(("stride", "pad"), [(1, 1), (2, 1)])
def test_backward_matches_numerical_gradient(submission, reference, rng, credit, stride, pad):
    """dx, dw and db against central differences of a convolution computed here (loop im2col
    and one product); relative error below 1e-7. The cache is the reference forward pass's. Each
    gradient earns its third of the points.

    The layer is linear in each of x, w and b, so a step of 1e-3 is exact up to round-off."""
    x, w, b, stride, pad = gradient_case(rng, stride, pad)
    out, cache = reference_cache(reference, x, w, b, stride=stride, pad=pad)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = submission.conv_backward_im2col(dout, cache)

    def forward(**changed):
        args = {"x": x, "w": w, "b": b} | changed
        return conv_by_columns(args["x"], args["w"], args["b"], stride, pad)

    with each_part(credit) as part:
        for name, got, value in (("dx", dx, x), ("dw", dw, w), ("db", db, b)):
            key = name[1:]
            expected = numerical_gradient(
                lambda v, key=key: forward(**{key: v}), value.copy(), dout, step=1e-3
            )
            with part(name):
                assert_gradient(got, expected, what=name)


@pytest.mark.points(2)
@pytest.mark.function("conv_backward_im2col")
def test_weight_gradient_sums_over_the_batch(submission, reference, rng, credit):
    """003 §4.1 4) 参数共享 (parameter sharing): the gradients of every position and every image add up;
    two copies of one image give twice its dw. The caches are the reference forward pass's. dw and
    db earn half the points each."""
    x = rng.standard_normal((1, 2, 4, 4))
    w = rng.standard_normal((3, 2, 3, 3))
    b = np.zeros(3)
    out, cache = reference_cache(reference, x, w, b, pad=1)
    dout = rng.standard_normal(out.shape)
    _, dw_one, db_one = submission.conv_backward_im2col(dout, cache)
    _, cache_two = reference_cache(reference, np.concatenate([x, x]), w, b, pad=1)
    _, dw_two, db_two = submission.conv_backward_im2col(np.concatenate([dout, dout]), cache_two)
    expected_dw = weight_gradient(x, dout, w.shape, stride=1, pad=1)
    with each_part(credit) as part:
        with part("dw"):
            assert_close(dw_one, expected_dw, what=message("dw of one image", "一张图像的 dw"))
            assert_close(dw_two, 2 * expected_dw, what=message("dw of two copies", "同一图像两份时的 dw"))
        with part("db"):
            assert_close(db_one, dout.sum(axis=(0, 2, 3)), what=message("db of one image", "一张图像的 db"))
            assert_close(
                db_two, 2 * dout.sum(axis=(0, 2, 3)), what=message("db of two copies", "同一图像两份时的 db")
            )


@pytest.mark.points(1)
@pytest.mark.function("conv_backward_im2col")
def test_backward_on_your_own_forward_cache(submission, reference, rng):
    """The chain students run: conv_forward_im2col's own cache goes back into conv_backward_im2col,
    and gives the reference's gradients (stride 2, pad 1, on two 6x5 images)."""
    x, w, b, stride, pad = gradient_case(rng, 2, 1)
    out, cache = reference_cache(reference, x, w, b, stride, pad)
    dout = rng.standard_normal(out.shape)
    expected = reference.conv_backward_im2col(dout, cache)
    _, own_cache = submission.conv_forward_im2col(x, w, b, stride=stride, pad=pad)
    dx, dw, db = submission.conv_backward_im2col(dout, own_cache)
    for name, got, value in zip(("dx", "dw", "db"), (dx, dw, db), expected, strict=True):
        assert_close(got, value, what=name)


@pytest.mark.points(1)
@pytest.mark.function("im2col")
def test_bad_geometry_raises(submission, rng):
    """A window larger than the padded input, or stride 0, is a ValueError; the same image with a
    window that fits, or padded so that the large one fits, gives its columns."""
    x = rng.standard_normal((1, 1, 3, 3))
    with expect_raises(ValueError, message("im2col of a 5x5 window on 3x3", "3x3 输入上 5x5 窗口的 im2col")):
        submission.im2col(x, 5, 5)
    with expect_raises(ValueError, "im2col(x, 2, 2, stride=0)"):
        submission.im2col(x, 2, 2, stride=0)
    assert_close(
        submission.im2col(x, 2, 2),
        slow_im2col(x, 2, 2, 1, 0),
        what=message("2x2 windows, stride 1", "2x2 窗口，步长 1"),
    )
    assert_close(
        submission.im2col(x, 5, 5, pad=1),
        slow_im2col(x, 5, 5, 1, 1),
        what=message("5x5 window, pad 1", "5x5 窗口，零填充 1"),
    )


def slow_col2im(cols, x_shape, fh, fw, stride, pad):
    """Loop implementation: every column entry is added back to the pixel it came from."""
    n, c, h, w = x_shape
    padded = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    out_h, out_w = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    for i in range(n):
        for r in range(out_h):
            for s in range(out_w):
                window = cols[:, (i * out_h + r) * out_w + s].reshape(c, fh, fw)
                padded[i, :, r * stride : r * stride + fh, s * stride : s * stride + fw] += window
    return padded[:, :, pad : pad + h, pad : pad + w]


# two 5x7 images, 2 channels, 2x3 windows; strides that do not divide the padded input
UNEVEN_GEOMETRIES = [(2, 1), (3, 0), (2, 0)]


@pytest.mark.points(1)
@pytest.mark.function("im2col")
def test_im2col_batch_of_rectangular_windows(submission, rng):
    """Two 5x7 images, 2 channels, 2x3 windows, with strides that leave the last rows or columns
    out (stride 2 with pad 1 gives 3x4 windows per image, stride 3 gives 2x2, stride 2 gives 2x3):
    the columns of image 1 follow all of image 0's, against a loop implementation."""
    x = rng.standard_normal((2, 2, 5, 7))
    for stride, pad in UNEVEN_GEOMETRIES:
        got = submission.im2col(x, 2, 3, stride=stride, pad=pad)
        assert_close(
            got,
            slow_im2col(x, 2, 3, stride, pad),
            what=message("stride {s}, pad {p}", "步长 {s}，零填充 {p}", s=stride, p=pad),
        )


@pytest.mark.points(2)
@pytest.mark.function("col2im")
def test_col2im_batch_of_rectangular_windows(submission, rng):
    """The same geometries the other way: every column entry goes back to its pixel in its own
    image, overlaps add up, pixels in no window get 0 and the padding is cut off (against a loop
    implementation)."""
    shape = (2, 2, 5, 7)
    for stride, pad in UNEVEN_GEOMETRIES:
        cols = rng.standard_normal(slow_im2col(np.zeros(shape), 2, 3, stride, pad).shape)
        got = submission.col2im(cols, shape, 2, 3, stride=stride, pad=pad)
        assert_close(
            got,
            slow_col2im(cols, shape, 2, 3, stride, pad),
            what=message("stride {s}, pad {p}", "步长 {s}，零填充 {p}", s=stride, p=pad),
        )


@pytest.mark.points(2)
@pytest.mark.function("conv_forward_im2col")
def test_forward_batch_of_rectangular_filters(submission, reference, rng):
    """Two 5x7 images, 2 channels, three 2x3 filters with their biases, the same uneven strides:
    out is (N, F, H', W'), image by image and filter by filter (a product with the loop im2col),
    and the cache is laid out as the handout documents, (x, w, b, stride, pad, cols), which is
    what conv_backward_im2col reads."""
    x = rng.standard_normal((2, 2, 5, 7))
    w = rng.standard_normal((3, 2, 2, 3))
    b = rng.standard_normal(3)
    for stride, pad in UNEVEN_GEOMETRIES:
        out, cache = submission.conv_forward_im2col(x, w, b, stride=stride, pad=pad)
        where = message("stride {s}, pad {p}", "步长 {s}，零填充 {p}", s=stride, p=pad)
        assert_close(out, conv_by_columns(x, w, b, stride, pad), what=where)
        expected_cache = reference_cache(reference, x, w, b, stride=stride, pad=pad)[1]
        what = message(
            "cache (x, w, b, stride, pad, cols), {where}",
            "cache (x, w, b, stride, pad, cols)，{where}",
            where=where,
        )
        assert_close(cache, expected_cache, what=what)
