"""Evaluation set for issue 11: realistic student mistakes that are not catalogue entries.

Written apart from the diagnosis code (grader/compare.py, grader/plugin.py and the catalogue
tests/<id>/mistakes.py were not read), to measure how well the grader names, localises and
charges mistakes it was not told about.

A student submission for a case is the reference module ``solutions/<module>`` executed, then
``textwrap.dedent(case["code"])`` executed in the same namespace: the case's definitions replace
the reference's, and every other function calls them through the module's globals. A method
mistake is written as ``class ConvNet(ConvNet): ...`` overriding one method.

Each case is a dict:

- ``id``: unique, kebab-case, starting with the assignment.
- ``assignment``: conv, im2col, pool, params or cnn.
- ``description``: the mistake, in one line.
- ``broken``: the graded functions whose own code is wrong (the only ones a fair grader charges).
- ``fair_lost``: ``(lo, hi)``, the points a fair grader takes off the assignment total. ``hi`` is
  at most the broken functions' points; the points of the current suites' tests that the mistake
  fails, counting only tests of the broken functions, lie in the range (the arithmetic is in the
  comment above each case). Where no current test reaches the mistake, issue 11's coverage work
  must add one, so ``lo`` is still above zero.
- ``explanation`` / ``explanation_zh``: a correct explanation contains, case-insensitively, at
  least one word of each inner list (English; Chinese with the lecture notes' terms).
- ``code``: the student's complete function(s), with the mistake.

Points per function, from the ``@pytest.mark.points`` markers of tests/<id>/test_*.py (a
parametrized test's points are shared by its cases):

- conv (45): conv_output_size 5, padded_output_size 4, zero_pad 3, conv_single_step 4, conv_forward 29
- im2col (42): im2col 17, col2im 8, conv_forward_im2col 10, conv_backward_im2col 7
- pool (38): pool_output_size 4, max_pool_forward 14, max_pool_backward 8, avg_pool_forward 8,
  avg_pool_backward 4
- params (39): conv_params 16, fc_params 5, unshared_conv_params 4, summarize 14
- cnn (39): relu_forward 1, relu_backward 3, affine_forward 3, affine_backward 4, softmax_loss 6,
  ConvNet 12, train 10
"""

from __future__ import annotations

from typing import Any

CONV_CASES: list[dict[str, Any]] = [
    # conv_output_size (5): the value is wrong only where the stride does not divide (the public
    # 10-3 stride 4 gives 2.75; 1 of the 18 lecture values, 7-3 stride 3), but every answer is a
    # float where the int is expected, and the comparison rejects 8.0 for 8: the public (1),
    # lecture (3) and n-f+1 (1) tests all fail. 5 of 5.
    {
        "id": "conv-output-size-true-division",
        "assignment": "conv",
        "description": (
            "conv_output_size uses / instead of //: a float such as 2.75 when the stride does not divide"
        ),
        "broken": ["conv_output_size"],
        "fair_lost": (3.0, 5.0),
        "explanation": [
            ["float", "division", "integer", "//", "fraction", "non-integer", "not an int"],
        ],
        "explanation_zh": [["浮点", "除法", "整除", "整数", "小数"]],
        "code": """
def conv_output_size(n, f, pad=0, stride=1):
    if stride < 1:
        raise ValueError("stride must be at least 1")
    if pad < 0:
        raise ValueError("pad must be at least 0")
    if n + 2 * pad < f:
        raise ValueError("the filter does not fit")
    return (n + 2 * pad - f) / stride + 1
""",
    },
    # conv_output_size (5): no current conv_output_size test checks errors; conv_forward's
    # test_bad_geometry_raises (2) gets a ZeroDivisionError from it but is conv_forward's.
    # A fair grader tests the ValueError of conv_output_size itself: 0.5 to 2.
    {
        "id": "conv-output-size-no-validation",
        "assignment": "conv",
        "description": (
            "conv_output_size never raises ValueError: stride 0 divides by zero, a filter too big gives"
            " 0 or less"
        ),
        "broken": ["conv_output_size"],
        "fair_lost": (0.5, 2.0),
        "explanation": [
            ["valueerror", "raise", "zerodivision", "division by zero", "exception", "validat"],
        ],
        "explanation_zh": [["valueerror", "异常", "报错", "除以零", "检查", "抛出"]],
        "code": """
def conv_output_size(n, f, pad=0, stride=1):
    return (n + 2 * pad - f) // stride + 1
""",
    },
    # padded_output_size (4): only the public test's "same" with an even filter (f=4) differs (1);
    # the lecture values use odd filters or f = stride = 2. 1 of 4.
    {
        "id": "conv-padded-same-floor-pad",
        "assignment": "conv",
        "description": (
            'padded_output_size computes "same" with pad (f-1)//2 and the floor formula: '
            "wrong for even filters"
        ),
        "broken": ["padded_output_size"],
        "fair_lost": (0.5, 3.0),
        "explanation": [["same"], ["even", "ceil", "pad", "filter size"]],
        "explanation_zh": [
            ["same", "Same卷积", "输出大小和输入大小一样"],
            ["偶数", "向上取整", "填充", "ceil"],
        ],
        "code": """
def padded_output_size(n, f, stride, padding):
    if stride < 1:
        raise ValueError("stride must be at least 1")
    if padding == "same":
        pad = (f - 1) // 2
        return (n + 2 * pad - f) // stride + 1
    if padding == "valid":
        if f > n:
            raise ValueError("the filter does not fit")
        return (n - f) // stride + 1
    raise ValueError("padding must be 'same' or 'valid'")
""",
    },
    # zero_pad (3): the public border test (1) and the 6x6 -> 8x8 test (2) both fail. 3 of 3.
    {
        "id": "conv-zero-pad-top-left-only",
        "assignment": "conv",
        "description": (
            "zero_pad copies x to [:H, :W] of the zeros: all padding ends up at the bottom and right"
        ),
        "broken": ["zero_pad"],
        "fair_lost": (2.0, 3.0),
        "explanation": [
            ["one side", "one-sided", "shift", "bottom", "offset", "top-left", "top left", "corner"],
        ],
        "explanation_zh": [["一侧", "单侧", "平移", "偏移", "右下", "左上"]],
        "code": """
def zero_pad(x, pad):
    if pad < 0:
        raise ValueError("pad must be at least 0")
    N, C, H, W = x.shape
    padded = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype)
    padded[:, :, :H, :W] = x
    return padded
""",
    },
    # conv_single_step (4): public 5.5 (1), the second lecture window with bias 1 (2) and the
    # three-channel window with bias 0.5 (1) fail; only bias 0 passes, inside a failing test. 4 of 4.
    {
        "id": "conv-single-step-bias-inside-sum",
        "assignment": "conv",
        "description": "conv_single_step adds b inside the sum: the bias counts once per weight",
        "broken": ["conv_single_step"],
        "fair_lost": (3.0, 4.0),
        "explanation": [["bias"], ["every", "each", "inside", "times", "per element", "window area"]],
        "explanation_zh": [["偏置", "偏差"], ["每个", "多次", "求和", "里面", "逐元素"]],
        "code": """
def conv_single_step(a_slice, w, b):
    return float(np.sum(a_slice * w + b))
""",
    },
    # conv_forward (29): the test_cs231n_demo (3), multichannel stack (2) and random shapes (4)
    # use C > 1; every lecture image is grey (C = 1). 9 of 29.
    {
        "id": "conv-forward-channel-overwrite",
        "assignment": "conv",
        "description": "conv_forward loops over channels with = instead of +=: only the last channel counts",
        "broken": ["conv_forward"],
        "fair_lost": (7.0, 12.0),
        "explanation": [["channel"], ["last", "sum", "overwrit", "only one", "accumulat", "added", "add up"]],
        "explanation_zh": [["通道"], ["最后", "求和", "覆盖", "只有一个", "累加", "相加"]],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, C_w, HH, WW = w.shape
    if C != C_w:
        raise ValueError("channels of x and w differ")
    out_h = conv_output_size(H, HH, pad=pad, stride=stride)
    out_w = conv_output_size(W, WW, pad=pad, stride=stride)
    x_pad = zero_pad(x, pad)
    out = np.zeros((N, F, out_h, out_w))
    for n in range(N):
        for f in range(F):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    for c in range(C):
                        window = x_pad[n, c, top : top + HH, left : left + WW]
                        out[n, f, i, j] = np.sum(window * w[f, c]) + b[f]
    return out
""",
    },
    # conv_forward (29): stride 2 fails test_stride_two_example (3), test_cs231n_demo (3) and
    # test_conv_forward_random_shapes (4); the zeros of the public shape test hide it. 10 of 29.
    {
        "id": "conv-forward-width-stride-forgotten",
        "assignment": "conv",
        "description": "conv_forward multiplies the row by the stride but not the column: left = j",
        "broken": ["conv_forward"],
        "fair_lost": (7.0, 13.0),
        "explanation": [["stride"], ["width", "column", "horizontal", "w axis", "last axis", "one axis"]],
        "explanation_zh": [["步长", "步幅"], ["宽", "列", "水平", "横向"]],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, C_w, HH, WW = w.shape
    if C != C_w:
        raise ValueError("channels of x and w differ")
    out_h = conv_output_size(H, HH, pad=pad, stride=stride)
    out_w = conv_output_size(W, WW, pad=pad, stride=stride)
    x_pad = zero_pad(x, pad)
    out = np.zeros((N, F, out_h, out_w))
    for n in range(N):
        for f in range(F):
            for i in range(out_h):
                for j in range(out_w):
                    top = i * stride
                    left = j
                    window = x_pad[n, :, top : top + HH, left : left + WW]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
    # conv_forward (29): every lecture example is integer-valued and passes; the random-valued
    # test_multichannel_filters_stack (2) and test_conv_forward_random_shapes (4) fail. 6 of 29.
    {
        "id": "conv-forward-int-output",
        "assignment": "conv",
        "description": (
            "conv_forward allocates out with dtype=int: values are truncated (only non-integer inputs "
            "show it)"
        ),
        "broken": ["conv_forward"],
        "fair_lost": (4.0, 9.0),
        "explanation": [["integer", "int64", "dtype", "truncat", "rounded"]],
        "explanation_zh": [["整数", "dtype", "截断", "取整", "类型"]],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, C_w, HH, WW = w.shape
    if C != C_w:
        raise ValueError("channels of x and w differ")
    out_h = conv_output_size(H, HH, pad=pad, stride=stride)
    out_w = conv_output_size(W, WW, pad=pad, stride=stride)
    x_pad = zero_pad(x, pad)
    out = np.zeros((N, F, out_h, out_w), dtype=int)
    for n in range(N):
        for f in range(F):
            for i in range(out_h):
                for j in range(out_w):
                    window = x_pad[n, :, i * stride : i * stride + HH, j * stride : j * stride + WW]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
    # conv_forward (29): out + b broadcasts b over the last axis (W'). With F = 1 it is right;
    # test_cs231n_demo (3, F=2, raises), test_multichannel_filters_stack (2, raises at F=2) and
    # test_conv_forward_random_shapes (4) fail. 9 of 29.
    {
        "id": "conv-forward-bias-broadcast-last-axis",
        "assignment": "conv",
        "description": "conv_forward adds b as out + b: b (F,) lines up with the width axis, or raises",
        "broken": ["conv_forward"],
        "fair_lost": (7.0, 12.0),
        "explanation": [["bias", "broadcast"], ["axis", "width", "filter", "channel", "reshape"]],
        "explanation_zh": [["偏置", "偏差", "广播"], ["轴", "宽", "卷积核", "过滤器", "通道"]],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, C_w, HH, WW = w.shape
    if C != C_w:
        raise ValueError("channels of x and w differ")
    out_h = conv_output_size(H, HH, pad=pad, stride=stride)
    out_w = conv_output_size(W, WW, pad=pad, stride=stride)
    x_pad = zero_pad(x, pad)
    out = np.zeros((N, F, out_h, out_w))
    for n in range(N):
        for f in range(F):
            for i in range(out_h):
                for j in range(out_w):
                    window = x_pad[n, :, i * stride : i * stride + HH, j * stride : j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f])
    out = out + b
    return out
""",
    },
    # conv_forward (29): sizes computed from the already padded image, so pad counts twice; with
    # pad > 0 the last windows are cut short and the product raises. Fails the public shape test
    # (1), test_cs231n_demo (3) and test_conv_forward_random_shapes (4). 8 of 29.
    {
        "id": "conv-forward-padding-counted-twice",
        "assignment": "conv",
        "description": (
            "conv_forward passes the padded size and pad again to conv_output_size; raises when pad > 0"
        ),
        "broken": ["conv_forward"],
        "fair_lost": (6.0, 11.0),
        "explanation": [
            ["pad"],
            ["twice", "double", "2*pad", "4*pad", "again", "too large", "too big", "larger"],
        ],
        "explanation_zh": [["填充"], ["两次", "重复", "再次", "过大", "太大"]],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, C_w, HH, WW = w.shape
    if C != C_w:
        raise ValueError("channels of x and w differ")
    x_pad = zero_pad(x, pad)
    H_pad, W_pad = x_pad.shape[2], x_pad.shape[3]
    out_h = conv_output_size(H_pad, HH, pad=pad, stride=stride)
    out_w = conv_output_size(W_pad, WW, pad=pad, stride=stride)
    out = np.zeros((N, F, out_h, out_w))
    for n in range(N):
        for f in range(F):
            for i in range(out_h):
                for j in range(out_w):
                    window = x_pad[n, :, i * stride : i * stride + HH, j * stride : j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out
""",
    },
]

IM2COL_CASES: list[dict[str, Any]] = [
    # im2col (17): columns ordered (oh, ow, n) instead of (n, oh, ow); identical for N = 1.
    # Only test_im2col_random_shapes (4) has N > 1. 4 of 17.
    {
        "id": "im2col-columns-batch-last",
        "assignment": "im2col",
        "description": (
            "im2col loops over the images innermost: column (oh*W' + ow)*N + n (only N > 1 shows it)"
        ),
        "broken": ["im2col"],
        "fair_lost": (3.0, 7.0),
        "explanation": [
            ["column", "order", "layout", "permut"],
            ["batch", "image", "example", "n>1", "n > 1"],
        ],
        "explanation_zh": [["列", "顺序", "排列"], ["批", "图像", "样本"]],
        "code": """
def im2col(x, fh, fw, stride=1, pad=0):
    N, C, H, W = x.shape
    out_h = _output_size(H, fh, pad, stride)
    out_w = _output_size(W, fw, pad, stride)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.zeros((C * fh * fw, N * out_h * out_w))
    col = 0
    for i in range(out_h):
        for j in range(out_w):
            for n in range(N):
                window = x_pad[n, :, i * stride : i * stride + fh, j * stride : j * stride + fw]
                cols[:, col] = window.ravel()
                col += 1
    return cols
""",
    },
    # im2col (17): windows[:, :, ::stride] strides the rows only; then cut to out_w. Stride > 1
    # appears in test_im2col_random_shapes (4) and the AlexNet shapes (zeros, so it passes). 4 of 17.
    {
        "id": "im2col-stride-rows-only",
        "assignment": "im2col",
        "description": "im2col slices windows[:, :, ::stride], believing it strides both spatial axes",
        "broken": ["im2col"],
        "fair_lost": (3.0, 8.0),
        "explanation": [["stride"], ["width", "column", "horizontal", "one axis", "last axis", "w axis"]],
        "explanation_zh": [["步长", "步幅"], ["宽", "列", "水平", "一个轴", "横向"]],
        "code": """
from numpy.lib.stride_tricks import sliding_window_view

def im2col(x, fh, fw, stride=1, pad=0):
    N, C, H, W = x.shape
    out_h = _output_size(H, fh, pad, stride)
    out_w = _output_size(W, fw, pad, stride)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(x_pad, (fh, fw), axis=(2, 3))
    windows = windows[:, :, ::stride][:, :, :out_h, :out_w]
    cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * fh * fw, N * out_h * out_w)
    return cols
""",
    },
    # col2im (8): x_pad[:, :, pad:-pad, pad:-pad] is empty when pad = 0. The public overlap test
    # (2), the counts (2) and the adjoint test (4, pad 0 or 1) fail. 8 of 8.
    {
        "id": "im2col-col2im-negative-crop",
        "assignment": "im2col",
        "description": "col2im crops with [pad:-pad]: an empty array when pad = 0",
        "broken": ["col2im"],
        "fair_lost": (6.0, 8.0),
        "explanation": [["empty", "pad=0", "pad = 0", "pad 0", "-pad", "no padding", "crop", "size 0"]],
        "explanation_zh": [["空", "pad=0", "裁剪", "填充为 0", "填充为0", "没有填充"]],
        "code": """
def col2im(cols, x_shape, fh, fw, stride=1, pad=0):
    N, C, H, W = x_shape
    out_h = _output_size(H, fh, pad, stride)
    out_w = _output_size(W, fw, pad, stride)
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    col = 0
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                patch = cols[:, col].reshape(C, fh, fw)
                x_pad[n, :, i * stride : i * stride + fh, j * stride : j * stride + fw] += patch
                col += 1
    return x_pad[:, :, pad:-pad, pad:-pad]
""",
    },
    # col2im (8): averages overlapping windows (as when rebuilding an image from patches) instead
    # of adding them. The public overlap test (2), the counts (2) and the adjoint (4) fail. 8 of 8.
    {
        "id": "im2col-col2im-averages-overlaps",
        "assignment": "im2col",
        "description": (
            "col2im divides every pixel by the number of windows covering it: overlaps are averaged, "
            "not added"
        ),
        "broken": ["col2im"],
        "fair_lost": (6.0, 8.0),
        "explanation": [["overlap", "count", "window"], ["average", "mean", "divid", "add up", "sum"]],
        "explanation_zh": [["重叠", "次数", "窗口"], ["平均", "除以", "相加", "累加", "求和"]],
        "code": """
def col2im(cols, x_shape, fh, fw, stride=1, pad=0):
    N, C, H, W = x_shape
    out_h = _output_size(H, fh, pad, stride)
    out_w = _output_size(W, fw, pad, stride)
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    count = np.zeros_like(x_pad)
    col = 0
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                rows = slice(i * stride, i * stride + fh)
                columns = slice(j * stride, j * stride + fw)
                x_pad[n, :, rows, columns] += cols[:, col].reshape(C, fh, fw)
                count[n, :, rows, columns] += 1
                col += 1
    x_pad = x_pad / np.maximum(count, 1)
    return x_pad[:, :, pad : pad + H, pad : pad + W]
""",
    },
    # conv_forward_im2col (10): (F, N*H'*W') reshaped straight to (N, F, H', W'); right when N = 1
    # or F = 1. Only test_fully_connected_layer_as_convolution (3, N = 2, F = 5) fails. 3 of 10.
    {
        "id": "im2col-forward-reshape-without-transpose",
        "assignment": "im2col",
        "description": (
            "conv_forward_im2col reshapes (F, N*H'*W') to (N, F, H', W') without a transpose (only N > "
            "1 shows it)"
        ),
        "broken": ["conv_forward_im2col"],
        "fair_lost": (2.0, 6.0),
        "explanation": [
            ["reshape", "transpose", "order", "layout", "axes", "swapped"],
            ["batch", "filter", "image", "example", "n > 1", "n>1"],
        ],
        "explanation_zh": [
            ["reshape", "转置", "顺序", "轴", "交换", "排列"],
            ["批", "卷积核", "过滤器", "图像", "样本"],
        ],
        "code": """
def conv_forward_im2col(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, C_w, fh, fw = w.shape
    if C != C_w:
        raise ValueError("channels of x and w differ")
    out_h = (H + 2 * pad - fh) // stride + 1
    out_w = (W + 2 * pad - fw) // stride + 1
    cols = im2col(x, fh, fw, stride=stride, pad=pad)
    out = w.reshape(F, -1) @ cols + b.reshape(-1, 1)
    out = out.reshape(N, F, out_h, out_w)
    return out, (x, w, b, stride, pad, cols)
""",
    },
    # conv_forward_im2col (10): out_h computed without the stride, width left to -1; every
    # conv_forward_im2col test uses stride 1. Stride > 1 raises (the AlexNet shape test, 3, is
    # marked im2col and is not this function's). 0 today; a fair suite tests stride > 1: 1 to 6.
    {
        "id": "im2col-forward-height-ignores-stride",
        "assignment": "im2col",
        "description": (
            "conv_forward_im2col computes H' = H + 2*pad - fh + 1 (no stride) and reshapes with -1; "
            "raises for stride > 1"
        ),
        "broken": ["conv_forward_im2col"],
        "fair_lost": (1.0, 6.0),
        "explanation": [["stride"], ["height", "output size", "reshape", "shape", "h'", "rows"]],
        "explanation_zh": [["步长", "步幅"], ["高", "输出尺寸", "输出大小", "形状", "reshape", "行"]],
        "code": """
def conv_forward_im2col(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, C_w, fh, fw = w.shape
    if C != C_w:
        raise ValueError("channels of x and w differ")
    cols = im2col(x, fh, fw, stride=stride, pad=pad)
    out = w.reshape(F, -1) @ cols + b.reshape(-1, 1)
    out_h = H + 2 * pad - fh + 1
    out = out.reshape(F, N, out_h, -1).transpose(1, 0, 2, 3)
    return out, (x, w, b, stride, pad, cols)
""",
    },
    # conv_backward_im2col (7): dw and db divided by N. Public db (1, N = 2), both numerical
    # gradients (4, N = 2) and the two-copies test (2) fail. 7 of 7.
    {
        "id": "im2col-backward-mean-over-batch",
        "assignment": "im2col",
        "description": (
            "conv_backward_im2col averages dw and db over the batch (divides by N) instead of summing"
        ),
        "broken": ["conv_backward_im2col"],
        "fair_lost": (5.0, 7.0),
        "explanation": [
            ["batch", "image", "example", "by n"],
            ["mean", "average", "divid", "sum", "scale", "factor"],
        ],
        "explanation_zh": [["批", "样本", "图像"], ["平均", "除以", "求和", "相加", "倍"]],
        "code": """
def conv_backward_im2col(dout, cache):
    x, w, b, stride, pad, cols = cache
    N = x.shape[0]
    F = w.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, -1)
    dw = (dout_rows @ cols.T).reshape(w.shape) / N
    db = dout_rows.sum(axis=1) / N
    dcols = w.reshape(F, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, w.shape[2], w.shape[3], stride=stride, pad=pad)
    return dx, dw, db
""",
    },
    # conv_backward_im2col (7): col2im called without pad; every backward test uses pad = 1, where
    # the column count no longer matches and col2im raises. 7 of 7.
    {
        "id": "im2col-backward-col2im-without-pad",
        "assignment": "im2col",
        "description": (
            "conv_backward_im2col calls col2im without pad=pad: raises whenever the forward pass padded"
        ),
        "broken": ["conv_backward_im2col"],
        "fair_lost": (5.0, 7.0),
        "explanation": [["pad"], ["col2im", "dx", "forgot", "missing", "not passed", "argument"]],
        "explanation_zh": [["填充", "pad"], ["col2im", "dx", "忘", "缺少", "没有传", "参数"]],
        "code": """
def conv_backward_im2col(dout, cache):
    x, w, b, stride, pad, cols = cache
    F, C, fh, fw = w.shape
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, -1)
    dw = (dout_rows @ cols.T).reshape(w.shape)
    db = dout_rows.sum(axis=1)
    dcols = w.reshape(F, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, fh, fw, stride=stride)
    return dx, dw, db
""",
    },
    # conv_backward_im2col (7): dw computed as cols @ dout_rows.T, (C*fh*fw, F), and reshaped to
    # (F, C, fh, fw) without a transpose. The public test (zeros) and the two-copies test (linear)
    # still pass; both numerical gradients (4) fail. 4 of 7.
    {
        "id": "im2col-backward-dw-transposed-reshape",
        "assignment": "im2col",
        "description": (
            "conv_backward_im2col reshapes the (C*fh*fw, F) product to w.shape without transposing it first"
        ),
        "broken": ["conv_backward_im2col"],
        "fair_lost": (3.0, 7.0),
        "explanation": [["dw", "weight"], ["transpos", "reshape", "order", "layout", "scrambl", "permut"]],
        "explanation_zh": [["dw", "权重"], ["转置", "reshape", "顺序", "排列", "打乱"]],
        "code": """
def conv_backward_im2col(dout, cache):
    x, w, b, stride, pad, cols = cache
    F = w.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, -1)
    dw = (cols @ dout_rows.T).reshape(w.shape)
    db = dout_rows.sum(axis=1)
    dcols = w.reshape(F, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, w.shape[2], w.shape[3], stride=stride, pad=pad)
    return dx, dw, db
""",
    },
]

POOL_CASES: list[dict[str, Any]] = [
    # pool_output_size (4): the 001 shortcut n/s. Public (8, 3, 1) (1), 1 of 7 lecture values,
    # (5, 3, 1) (2/7), and the bad-geometry test (1, a window larger than n no longer raises).
    # 2.29 of 4.
    {
        "id": "pool-output-size-n-over-stride",
        "assignment": "pool",
        "description": (
            "pool_output_size returns n // stride (the notes' shortcut when the stride equals the "
            "window), and no longer checks that the window fits"
        ),
        "broken": ["pool_output_size"],
        "fair_lost": (1.5, 4.0),
        "explanation": [["window", "overlap", "n - f", "n-f", "ignores f", "filter size", "stride equals"]],
        "explanation_zh": [["窗口", "重叠", "n - f", "n-f"]],
        "code": """
def pool_output_size(n, f, stride):
    if stride < 1 or f < 1:
        raise ValueError("window and stride must be at least 1")
    return n // stride
""",
    },
    # max_pool_forward (14): switches hold the position inside the window (argmax of the window).
    # The public 2x2 example is one window at the corner, so it passes. The 4x4 example (3),
    # random shapes (4) and the constant image (2) fail. 9 of 14.
    {
        "id": "pool-max-switches-window-local",
        "assignment": "pool",
        "description": (
            "max_pool_forward stores argmax inside the window (0..size*size-1), not the index h*W + w "
            "in the plane"
        ),
        "broken": ["max_pool_forward"],
        "fair_lost": (7.0, 11.0),
        "explanation": [
            ["switch", "index", "argmax"],
            ["window", "plane", "flat", "local", "h*w", "position"],
        ],
        "explanation_zh": [["开关", "索引", "switch", "argmax"], ["窗口", "平面", "扁平", "局部", "位置"]],
        "code": """
def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    out_h = pool_output_size(H, size, stride)
    out_w = pool_output_size(W, size, stride)
    out = np.zeros((N, C, out_h, out_w))
    switches = np.zeros((N, C, out_h, out_w), dtype=np.int64)
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size]
            flat = window.reshape(N, C, -1)
            out[:, :, i, j] = flat.max(axis=2)
            switches[:, :, i, j] = flat.argmax(axis=2)
    return out, switches
""",
    },
    # max_pool_forward (14): a running maximum with >= keeps the last of equal values. Random
    # inputs have no ties; only test_switches_take_the_first_maximum (2) fails. 2 of 14.
    {
        "id": "pool-max-ties-last-maximum",
        "assignment": "pool",
        "description": (
            "max_pool_forward updates the maximum with >=: ties go to the last maximum in the window"
        ),
        "broken": ["max_pool_forward"],
        "fair_lost": (1.5, 4.0),
        "explanation": [
            ["tie", "equal values", "equal maxima", "first maximum", "last maximum", "duplicate"]
        ],
        "explanation_zh": [["相等", "并列", "第一个最大", "最后一个最大", "重复"]],
        "code": """
def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    out_h = pool_output_size(H, size, stride)
    out_w = pool_output_size(W, size, stride)
    out = np.zeros((N, C, out_h, out_w))
    switches = np.zeros((N, C, out_h, out_w), dtype=np.int64)
    for n in range(N):
        for c in range(C):
            for i in range(out_h):
                for j in range(out_w):
                    best, where = -np.inf, 0
                    for di in range(size):
                        for dj in range(size):
                            h, w = i * stride + di, j * stride + dj
                            if x[n, c, h, w] >= best:
                                best, where = x[n, c, h, w], h * W + w
                    out[n, c, i, j] = best
                    switches[n, c, i, j] = where
    return out, switches
""",
    },
    # max_pool_forward (14): switch = h*H + w, the height as the row length: right on square
    # inputs. Only test_max_pool_random_shapes (4, 7x6 inputs) fails. 4 of 14.
    {
        "id": "pool-max-switches-row-length-height",
        "assignment": "pool",
        "description": (
            "max_pool_forward computes the switch as h*H + w (height for the row length): wrong on non-"
            "square inputs"
        ),
        "broken": ["max_pool_forward"],
        "fair_lost": (3.0, 7.0),
        "explanation": [["switch", "index"], ["height", "width", "row length", "square", "h*w", "h * w"]],
        "explanation_zh": [["开关", "索引", "switch"], ["高", "宽", "行长", "正方形", "非方形"]],
        "code": """
def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    out_h = pool_output_size(H, size, stride)
    out_w = pool_output_size(W, size, stride)
    out = np.zeros((N, C, out_h, out_w))
    switches = np.zeros((N, C, out_h, out_w), dtype=np.int64)
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size]
            flat = window.reshape(N, C, -1)
            k = flat.argmax(axis=2)
            di, dj = k // size, k % size
            out[:, :, i, j] = flat.max(axis=2)
            switches[:, :, i, j] = (i * stride + di) * H + (j * stride + dj)
    return out, switches
""",
    },
    # max_pool_forward (14): switches in a float array (np.zeros default). The dtype check of
    # test_switches_take_the_first_maximum (2) fails; the values are right and the other switch
    # comparisons accept integral floats. 2 of 14; up to 5 if a fair grader checks the dtype of
    # every switch array it compares.
    {
        "id": "pool-max-switches-float",
        "assignment": "pool",
        "description": "max_pool_forward fills switches from np.zeros(...) without dtype: float64 indices",
        "broken": ["max_pool_forward"],
        "fair_lost": (1.5, 5.0),
        "explanation": [["dtype", "float", "integer", "int64"]],
        "explanation_zh": [["dtype", "浮点", "整数", "类型"]],
        "code": """
def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    out_h = pool_output_size(H, size, stride)
    out_w = pool_output_size(W, size, stride)
    out = np.zeros((N, C, out_h, out_w))
    switches = np.zeros((N, C, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size]
            flat = window.reshape(N, C, -1)
            k = flat.argmax(axis=2)
            out[:, :, i, j] = flat.max(axis=2)
            switches[:, :, i, j] = (i * stride + k // size) * W + (j * stride + k % size)
    return out, switches
""",
    },
    # max_pool_backward (8): dx allocated with the switches' integer dtype, so every gradient is
    # truncated. Public 0.5 -> 0 (1), the 5x5 routing (3) and both numerical gradients (4). 8 of 8.
    {
        "id": "pool-max-backward-integer-dx",
        "assignment": "pool",
        "description": (
            "max_pool_backward allocates dx with dtype=switches.dtype: gradients truncated to integers"
        ),
        "broken": ["max_pool_backward"],
        "fair_lost": (6.0, 8.0),
        "explanation": [["integer", "dtype", "truncat", "int64", "rounded"]],
        "explanation_zh": [["整数", "dtype", "截断", "取整", "类型"]],
        "code": """
def max_pool_backward(dout, switches, x_shape):
    N, C, H, W = x_shape
    dx = np.zeros(x_shape, dtype=switches.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    s = switches[n, c, i, j]
                    dx[n, c, s // W, s % W] += dout[n, c, i, j]
    return dx
""",
    },
    # max_pool_backward (8): switches used as indices into the whole flattened x, without the
    # (n, c) plane offset: everything lands in plane (0, 0). Right for N = C = 1; only the
    # numerical gradients on (2, 2, 6, 6) (4) fail. 4 of 8.
    {
        "id": "pool-max-backward-plane-offset-forgotten",
        "assignment": "pool",
        "description": (
            "max_pool_backward adds dout at switches in the flattened x, forgetting each (n, c) plane's"
            " offset"
        ),
        "broken": ["max_pool_backward"],
        "fair_lost": (3.0, 6.0),
        "explanation": [
            ["plane", "channel", "batch", "offset", "first image"],
            ["switch", "index", "flat", "offset"],
        ],
        "explanation_zh": [
            ["平面", "通道", "批", "偏移", "第一"],
            ["开关", "索引", "扁平", "偏移", "switch"],
        ],
        "code": """
def max_pool_backward(dout, switches, x_shape):
    dx = np.zeros(int(np.prod(x_shape)))
    np.add.at(dx, switches.ravel(), dout.ravel())
    return dx.reshape(x_shape)
""",
    },
    # avg_pool_forward (8): stride defaults to 1. Every test that uses the default has a single
    # 2x2 window, where the stride does not matter. 0 today; a default-argument test: 1 to 3.
    {
        "id": "pool-avg-default-stride-one",
        "assignment": "pool",
        "description": "avg_pool_forward(x, size=2, stride=1): the default stride is 1 instead of 2",
        "broken": ["avg_pool_forward"],
        "fair_lost": (1.0, 3.0),
        "explanation": [["default"], ["stride"]],
        "explanation_zh": [["默认"], ["步长", "步幅"]],
        "code": """
def avg_pool_forward(x, size=2, stride=1):
    N, C, H, W = x.shape
    out_h = (H - size) // stride + 1
    out_w = (W - size) // stride + 1
    out = np.zeros((N, C, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size]
            out[:, :, i, j] = window.mean(axis=(2, 3))
    return out
""",
    },
    # avg_pool_forward (8): window.mean() without axis averages the whole batch and all channels.
    # Right for N = C = 1; only test_avg_pool_random_shapes (2, shape (2, 2, 6, 7)) fails. 2 of 8.
    {
        "id": "pool-avg-mean-without-axis",
        "assignment": "pool",
        "description": (
            "avg_pool_forward takes window.mean() with no axis: one mean over all images and channels"
        ),
        "broken": ["avg_pool_forward"],
        "fair_lost": (1.5, 5.0),
        "explanation": [["axis", "axes", "mean"], ["channel", "batch", "image", "across"]],
        "explanation_zh": [["轴", "平均", "均值"], ["通道", "批", "图像", "所有", "全部"]],
        "code": """
def avg_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    out_h = (H - size) // stride + 1
    out_w = (W - size) // stride + 1
    out = np.zeros((N, C, out_h, out_w))
    for n in range(N):
        for c in range(C):
            for i in range(out_h):
                for j in range(out_w):
                    window = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size]
                    out[n, c, i, j] = window.mean()
    return out
""",
    },
    # avg_pool_backward (4): dout[:, :, i, j] (N, C) added to a (N, C, size, size) block broadcasts
    # along the last axes: wrong channels at size 2, raises at size 3. The public N = C = 1 test
    # passes; both numerical gradients (3) fail. 3 of 4.
    {
        "id": "pool-avg-backward-broadcast",
        "assignment": "pool",
        "description": (
            "avg_pool_backward adds dout[:, :, i, j] to a window without [..., None, None]: broadcasts "
            "wrongly or raises"
        ),
        "broken": ["avg_pool_backward"],
        "fair_lost": (2.0, 4.0),
        "explanation": [["broadcast", "axis", "axes", "newaxis", "channel"]],
        "explanation_zh": [["广播", "轴", "通道", "newaxis"]],
        "code": """
def avg_pool_backward(dout, x_shape, size=2, stride=2):
    dx = np.zeros(x_shape)
    out_h, out_w = dout.shape[2], dout.shape[3]
    for i in range(out_h):
        for j in range(out_w):
            rows = slice(i * stride, i * stride + size)
            columns = slice(j * stride, j * stride + size)
            dx[:, :, rows, columns] += dout[:, :, i, j] / (size * size)
    return dx
""",
    },
]

PARAMS_CASES: list[dict[str, Any]] = [
    # conv_params (16): F*f*f*C + bias, one bias for the whole layer (missing parentheses). Every
    # count with bias=True fails: public (1), 280 (2), 76/760 (2), 34,944 (3), 3,010 (2, after
    # the passing 3,000), 102,764,544 (2). The bias=False tests (2 + 2) pass. 12 of 16.
    {
        "id": "params-conv-one-bias-per-layer",
        "assignment": "params",
        "description": (
            "conv_params returns n_filters * f * f * c_in + bias: one bias for the layer, not one per filter"
        ),
        "broken": ["conv_params"],
        "fair_lost": (9.0, 14.0),
        "explanation": [
            ["bias"],
            ["per filter", "each filter", "one bias", "parenthes", "once", "n_filters"],
        ],
        "explanation_zh": [["偏置", "偏差"], ["每个", "卷积核", "过滤器", "括号", "一个"]],
        "code": """
def conv_params(f, c_in, n_filters, bias=True):
    return n_filters * f * f * c_in + int(bias)
""",
    },
    # conv_params (16): the input channels forgotten (a 2-D filter). Right only for c_in = 1
    # (004's eight 5x5 filters, 2, and C = 1 of the 27C^2 test, 0.5). 13.5 of 16.
    {
        "id": "params-conv-channels-forgotten",
        "assignment": "params",
        "description": "conv_params returns n_filters * (f*f + bias): the filter's depth c_in is forgotten",
        "broken": ["conv_params"],
        "fair_lost": (11.0, 16.0),
        "explanation": [["channel", "depth", "c_in"]],
        "explanation_zh": [["通道", "深度", "c_in"]],
        "code": """
def conv_params(f, c_in, n_filters, bias=True):
    return n_filters * (f * f + int(bias))
""",
    },
    # fc_params (5): n_in * (n_out + bias), one bias per input. Public 48 (1) and 004's 2,097,160
    # (2) fail; the bias-free 3,000,000 (2) passes. The FC-as-conv test (2) is conv_params'. 3 of 5.
    {
        "id": "params-fc-bias-per-input",
        "assignment": "params",
        "description": (
            "fc_params returns n_in * (n_out + bias): a bias per input unit instead of per output unit"
        ),
        "broken": ["fc_params"],
        "fair_lost": (2.0, 5.0),
        "explanation": [["bias"], ["output", "input", "unit", "neuron", "n_out", "n_in"]],
        "explanation_zh": [["偏置", "偏差"], ["输出", "输入", "神经元", "单元"]],
        "code": """
def fc_params(n_in, n_out, bias=True):
    return n_in * (n_out + int(bias))
""",
    },
    # unshared_conv_params (4): weights per position, but one bias per filter (tied biases).
    # Public (1) and AlexNet's 105,705,600 (3) fail. 4 of 4.
    {
        "id": "params-unshared-bias-per-filter",
        "assignment": "params",
        "description": (
            "unshared_conv_params counts out_h*out_w*F*f*f*C weights but only F biases (one per filter)"
        ),
        "broken": ["unshared_conv_params"],
        "fair_lost": (3.0, 4.0),
        "explanation": [["bias"], ["position", "neuron", "per filter", "share", "output"]],
        "explanation_zh": [["偏置", "偏差"], ["位置", "神经元", "共享", "输出", "每个"]],
        "code": """
def unshared_conv_params(out_h, out_w, f, c_in, n_filters, bias=True):
    return out_h * out_w * n_filters * f * f * c_in + n_filters * int(bias)
""",
    },
    # summarize (14): conv layers counted with unshared_conv_params (the output size times the
    # filters). Every conv row fails: public (2), 100x100 (2), LeNet (4), 39x39 chain (3),
    # CS231n (2); the unknown-type test (1) passes. 13 of 14.
    {
        "id": "params-summarize-conv-uses-output-size",
        "assignment": "params",
        "description": "summarize counts a conv layer's parameters per output position (no weight sharing)",
        "broken": ["summarize"],
        "fair_lost": (10.0, 14.0),
        "explanation": [["shar", "output size", "position", "unshared", "locally connected", "out_h"]],
        "explanation_zh": [["共享", "输出尺寸", "输出大小", "位置", "局部连接"]],
        "code": """
def summarize(input_shape, layers):
    shape = tuple(input_shape)
    rows = []
    for layer in layers:
        kind = layer["type"]
        params = 0
        if kind == "conv":
            channels, height, width = shape
            size, pad, stride = layer["size"], layer.get("pad", 0), layer.get("stride", 1)
            out_h = _conv_size(height, size, pad, stride)
            out_w = _conv_size(width, size, pad, stride)
            params = unshared_conv_params(out_h, out_w, size, channels, layer["filters"])
            shape = (layer["filters"], out_h, out_w)
        elif kind == "pool":
            channels, height, width = shape
            size = layer["size"]
            stride = layer.get("stride", size)
            shape = (channels, _conv_size(height, size, 0, stride), _conv_size(width, size, 0, stride))
        elif kind == "flatten":
            shape = (math.prod(shape),)
        elif kind == "fc":
            params = fc_params(math.prod(shape), layer["units"])
            shape = (layer["units"],)
        else:
            raise ValueError(f"unknown layer type {kind!r}")
        rows.append({"type": kind, "output_shape": shape, "params": params})
    return rows
""",
    },
    # summarize (14): an fc layer takes shape[0] as its inputs, right only after a flatten. No
    # current test puts fc straight after a (C, H, W) layer (issue 11). 0 today: 1 to 4.
    {
        "id": "params-summarize-fc-after-conv-uses-channels",
        "assignment": "params",
        "description": (
            "summarize gives an fc layer shape[0] inputs: straight after a (C, H, W) layer it counts only C"
        ),
        "broken": ["summarize"],
        "fair_lost": (1.0, 4.0),
        "explanation": [
            ["flatten", "c*h*w", "c x h x w", "channels", "shape[0]", "product"],
            ["fc", "fully connected", "input"],
        ],
        "explanation_zh": [["展平", "扁平", "通道", "乘积", "c*h*w"], ["全连接", "fc", "输入"]],
        "code": """
def summarize(input_shape, layers):
    shape = tuple(input_shape)
    rows = []
    for layer in layers:
        kind = layer["type"]
        params = 0
        if kind == "conv":
            channels, height, width = shape
            size, pad, stride = layer["size"], layer.get("pad", 0), layer.get("stride", 1)
            params = conv_params(size, channels, layer["filters"])
            out_h = _conv_size(height, size, pad, stride)
            out_w = _conv_size(width, size, pad, stride)
            shape = (layer["filters"], out_h, out_w)
        elif kind == "pool":
            channels, height, width = shape
            size = layer["size"]
            stride = layer.get("stride", size)
            shape = (channels, _conv_size(height, size, 0, stride), _conv_size(width, size, 0, stride))
        elif kind == "flatten":
            shape = (math.prod(shape),)
        elif kind == "fc":
            params = fc_params(shape[0], layer["units"])
            shape = (layer["units"],)
        else:
            raise ValueError(f"unknown layer type {kind!r}")
        rows.append({"type": kind, "output_shape": shape, "params": params})
    return rows
""",
    },
    # summarize (14): a pool layer without "stride" gets stride 1 instead of its size. Every
    # current test gives the stride. 0 today; a default-argument test: 1 to 4.
    {
        "id": "params-summarize-pool-default-stride-one",
        "assignment": "params",
        "description": (
            'summarize uses layer.get("stride", 1) for pooling: a pool layer without a stride overlaps'
        ),
        "broken": ["summarize"],
        "fair_lost": (1.0, 4.0),
        "explanation": [["default"], ["stride"]],
        "explanation_zh": [["默认"], ["步长", "步幅"]],
        "code": """
def summarize(input_shape, layers):
    shape = tuple(input_shape)
    rows = []
    for layer in layers:
        kind = layer["type"]
        params = 0
        if kind == "conv":
            channels, height, width = shape
            size, pad, stride = layer["size"], layer.get("pad", 0), layer.get("stride", 1)
            params = conv_params(size, channels, layer["filters"])
            out_h = _conv_size(height, size, pad, stride)
            out_w = _conv_size(width, size, pad, stride)
            shape = (layer["filters"], out_h, out_w)
        elif kind == "pool":
            channels, height, width = shape
            size = layer["size"]
            stride = layer.get("stride", 1)
            shape = (channels, _conv_size(height, size, 0, stride), _conv_size(width, size, 0, stride))
        elif kind == "flatten":
            shape = (math.prod(shape),)
        elif kind == "fc":
            params = fc_params(math.prod(shape), layer["units"])
            shape = (layer["units"],)
        else:
            raise ValueError(f"unknown layer type {kind!r}")
        rows.append({"type": kind, "output_shape": shape, "params": params})
    return rows
""",
    },
    # summarize (14): pooling sizes rounded up (Caffe's ceil mode); every current pool layer's
    # stride divides (28, 10, 224 with 2x2). 0 today; a stride that does not divide: 1 to 4.
    {
        "id": "params-summarize-pool-ceil-mode",
        "assignment": "params",
        "description": (
            "summarize rounds pooling output sizes up (ceil mode): wrong when the stride does not divide"
        ),
        "broken": ["summarize"],
        "fair_lost": (1.0, 4.0),
        "explanation": [["ceil", "round", "floor"], ["pool", "stride", "divide"]],
        "explanation_zh": [
            ["向上取整", "向下取整", "取整", "ceil", "floor"],
            ["池化", "步长", "步幅", "整除"],
        ],
        "code": """
def summarize(input_shape, layers):
    shape = tuple(input_shape)
    rows = []
    for layer in layers:
        kind = layer["type"]
        params = 0
        if kind == "conv":
            channels, height, width = shape
            size, pad, stride = layer["size"], layer.get("pad", 0), layer.get("stride", 1)
            params = conv_params(size, channels, layer["filters"])
            out_h = _conv_size(height, size, pad, stride)
            out_w = _conv_size(width, size, pad, stride)
            shape = (layer["filters"], out_h, out_w)
        elif kind == "pool":
            channels, height, width = shape
            size = layer["size"]
            stride = layer.get("stride", size)
            out_h = math.ceil((height - size) / stride) + 1
            out_w = math.ceil((width - size) / stride) + 1
            shape = (channels, out_h, out_w)
        elif kind == "flatten":
            shape = (math.prod(shape),)
        elif kind == "fc":
            params = fc_params(math.prod(shape), layer["units"])
            shape = (layer["units"],)
        else:
            raise ValueError(f"unknown layer type {kind!r}")
        rows.append({"type": kind, "output_shape": shape, "params": params})
    return rows
""",
    },
    # summarize (14): flatten stores an int, not a 1-tuple; a following fc calls math.prod(int)
    # and raises TypeError. Public (2), LeNet (4) and the 39x39 chain (3, whose flatten row reads
    # 1960 for (1960,)) fail. 9 of 14.
    {
        "id": "params-summarize-flatten-int-shape",
        "assignment": "params",
        "description": (
            "summarize's flatten sets shape = math.prod(shape), an int: the row shows 1960, and a later"
            " fc raises"
        ),
        "broken": ["summarize"],
        "fair_lost": (7.0, 11.0),
        "explanation": [["flatten"], ["tuple", "integer", "shape", "typeerror", "iterable"]],
        "explanation_zh": [["展平", "flatten"], ["元组", "整数", "形状", "typeerror", "tuple"]],
        "code": """
def summarize(input_shape, layers):
    shape = tuple(input_shape)
    rows = []
    for layer in layers:
        kind = layer["type"]
        params = 0
        if kind == "conv":
            channels, height, width = shape
            size, pad, stride = layer["size"], layer.get("pad", 0), layer.get("stride", 1)
            params = conv_params(size, channels, layer["filters"])
            out_h = _conv_size(height, size, pad, stride)
            out_w = _conv_size(width, size, pad, stride)
            shape = (layer["filters"], out_h, out_w)
        elif kind == "pool":
            channels, height, width = shape
            size = layer["size"]
            stride = layer.get("stride", size)
            shape = (channels, _conv_size(height, size, 0, stride), _conv_size(width, size, 0, stride))
        elif kind == "flatten":
            shape = math.prod(shape)
        elif kind == "fc":
            params = fc_params(math.prod(shape), layer["units"])
            shape = (layer["units"],)
        else:
            raise ValueError(f"unknown layer type {kind!r}")
        rows.append({"type": kind, "output_shape": shape, "params": params})
    return rows
""",
    },
]

_CONVNET_LOSS_HEAD = """
class ConvNet(ConvNet):
    def loss(self, X, y=None):
        p = self.params
        pad = (p["W1"].shape[2] - 1) // 2
        conv, conv_cache = _conv_forward(X, p["W1"], p["b1"], pad)
        relu1 = relu_forward(conv)
        pooled, pool_cache = _pool_forward(relu1)
        hidden = affine_forward(pooled, p["W2"], p["b2"])
        relu2 = relu_forward(hidden)
        scores = affine_forward(relu2, p["W3"], p["b3"])
        if y is None:
            return scores
        loss, dscores = softmax_loss(scores, y)
"""

_TRAIN_HEAD = """
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    history = {"loss": [], "train_acc": [], "val_acc": []}
"""

_TRAIN_TAIL = """
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(_accuracy(model, X, y))
        history["val_acc"].append(_accuracy(model, X_val, y_val))
    return history
"""

CNN_CASES: list[dict[str, Any]] = [
    # relu_forward (1): x[x < 0] = 0 modifies the caller's array; the returned values are right,
    # and the grader's copy hides it. 0 today; a fair grader checks the input is unchanged: 0.5 to 1.
    {
        "id": "cnn-relu-forward-in-place",
        "assignment": "cnn",
        "description": "relu_forward sets x[x < 0] = 0 and returns x: the input array is modified",
        "broken": ["relu_forward"],
        "fair_lost": (0.5, 1.0),
        "explanation": [["in place", "in-place", "modif", "overwrit", "mutat", "changed"]],
        "explanation_zh": [["原地", "修改", "覆盖", "改变"]],
        "code": """
def relu_forward(x):
    x[x < 0] = 0
    return x
""",
    },
    # relu_backward (3): dx[x < 0] = 0 lets the gradient through where x == 0. No test has an
    # input exactly 0 (public [-2, 5], hidden random normals). 0 today; an x = 0 test: 0.5 to 2.
    {
        "id": "cnn-relu-backward-passes-at-zero",
        "assignment": "cnn",
        "description": "relu_backward zeroes dout only where x < 0: the gradient passes at x == 0",
        "broken": ["relu_backward"],
        "fair_lost": (0.5, 2.0),
        "explanation": [["zero", "x == 0", "x = 0", ">= 0", "> 0", "< 0", "boundary"]],
        "explanation_zh": [["零", "0 处", "等于 0", "等于0", ">= 0", "> 0", "边界"]],
        "code": """
def relu_backward(dout, x):
    dx = dout.copy()
    dx[x < 0] = 0
    return dx
""",
    },
    # affine_forward (3): x.reshape(D, -1).T mixes the examples when N > 1; the public test has
    # N = 1. test_affine_flattens_in_c_order (2, N = 5) fails. 2 of 3.
    {
        "id": "cnn-affine-forward-transposed-reshape",
        "assignment": "cnn",
        "description": "affine_forward flattens with x.reshape(D, -1).T: rows mix examples when N > 1",
        "broken": ["affine_forward"],
        "fair_lost": (1.5, 3.0),
        "explanation": [
            ["reshape", "transpos", "flatten", "order", "layout"],
            ["batch", "example", "n > 1", "n>1", "rows", "mix"],
        ],
        "explanation_zh": [["reshape", "转置", "展平", "顺序", "排列"], ["批", "样本", "行", "混"]],
        "code": """
def affine_forward(x, w, b):
    D = w.shape[0]
    x_flat = x.reshape(D, -1).T
    return x_flat @ w + b
""",
    },
    # affine_backward (4): dw and db divided by N again (softmax_loss already averaged). Public db
    # (1, 1 instead of 2) and the numerical gradient (3, dw first) fail. 4 of 4.
    {
        "id": "cnn-affine-backward-averages-again",
        "assignment": "cnn",
        "description": (
            "affine_backward divides dw and db by N, although dout is already the gradient of a mean"
        ),
        "broken": ["affine_backward"],
        "fair_lost": (3.0, 4.0),
        "explanation": [
            ["mean", "average", "divid", "scale", "factor", "sum"],
            ["batch", "examples", "dw", "db"],
        ],
        "explanation_zh": [["平均", "除以", "缩放", "倍", "求和"], ["批", "样本", "dw", "db"]],
        "code": """
def affine_backward(dout, x, w, b):
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = x_flat.T @ dout / N
    db = dout.sum(axis=0) / N
    return dx, dw, db
""",
    },
    # softmax_loss (6): the loss summed over the batch, dscores not divided by N. The public test
    # has N = 1; the value-and-gradient test (3) and the stable-and-averaged test (2) fail. 5 of 6.
    {
        "id": "cnn-softmax-sum-not-mean",
        "assignment": "cnn",
        "description": "softmax_loss sums the loss over the batch and does not divide dscores by N",
        "broken": ["softmax_loss"],
        "fair_lost": (4.0, 6.0),
        "explanation": [["mean", "average", "sum", "divid"], ["batch", "example", "by n", "n > 1", "n>1"]],
        "explanation_zh": [["平均", "均值", "求和", "除以"], ["批", "样本"]],
        "code": """
def softmax_loss(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = scores.shape[0]
    loss = -log_probs[np.arange(n), y].sum()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores
""",
    },
    # softmax_loss (6): dscores[:, y] -= 1 subtracts 1 in every row at every label. Right for N = 1
    # and when all labels are equal (the repeated-batch test, 2); the value-and-gradient test (3)
    # fails on its gradient. 3 of 6.
    {
        "id": "cnn-softmax-gradient-column-indexing",
        "assignment": "cnn",
        "description": "softmax_loss writes dscores[:, y] -= 1 instead of dscores[np.arange(N), y]",
        "broken": ["softmax_loss"],
        "fair_lost": (2.0, 5.0),
        "explanation": [["dscores", "gradient"], ["label", "index", "row", "column", "every", "arange"]],
        "explanation_zh": [["dscores", "梯度"], ["标签", "索引", "行", "列", "每"]],
        "code": """
def softmax_loss(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    n = scores.shape[0]
    loss = -np.mean(np.log(probs[np.arange(n), y]))
    dscores = probs.copy()
    dscores[:, y] -= 1
    return float(loss), dscores / n
""",
    },
    # softmax_loss (6): scores -= max modifies the caller's scores; the results are right and the
    # grader's copy hides it. 0 today; a check that inputs are unchanged: 0.5 to 2.
    {
        "id": "cnn-softmax-shifts-scores-in-place",
        "assignment": "cnn",
        "description": (
            "softmax_loss subtracts the row maximum with scores -= ...: the caller's scores change"
        ),
        "broken": ["softmax_loss"],
        "fair_lost": (0.5, 2.0),
        "explanation": [["in place", "in-place", "modif", "overwrit", "mutat", "changed"]],
        "explanation_zh": [["原地", "修改", "覆盖", "改变"]],
        "code": """
def softmax_loss(scores, y):
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= np.sum(probs, axis=1, keepdims=True)
    n = scores.shape[0]
    loss = -np.mean(np.log(probs[np.arange(n), y]))
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
""",
    },
    # ConvNet (12): weights drawn with a hard-coded 0.01, whatever weight_scale says. The default
    # is 1e-2 and the initial-loss test (weight_scale 1e-3) is near ln 10 either way. train's
    # 50-digit overfit (3, weight_scale 0.2) fails because of it, but it is train's test.
    # 0 of ConvNet's today; a weight-scale test: 1 to 4.
    {
        "id": "cnn-convnet-weight-scale-ignored",
        "assignment": "cnn",
        "description": "ConvNet.__init__ multiplies the random weights by 0.01 instead of weight_scale",
        "broken": ["ConvNet"],
        "fair_lost": (1.0, 4.0),
        "explanation": [["weight_scale", "weight scale", "scale", "standard deviation", "std"]],
        "explanation_zh": [["weight_scale", "尺度", "标准差", "缩放", "初始"]],
        "code": """
class ConvNet(ConvNet):
    def __init__(self, input_dim=(1, 8, 8), num_filters=8, filter_size=3, hidden_dim=64,
                 num_classes=10, weight_scale=1e-2, reg=0.0, seed=0):
        self.reg = reg
        C, H, W = input_dim
        rng = np.random.default_rng(seed)
        self.params = {}
        self.params["W1"] = 0.01 * rng.standard_normal((num_filters, C, filter_size, filter_size))
        self.params["b1"] = np.zeros(num_filters)
        self.params["W2"] = 0.01 * rng.standard_normal((num_filters * (H // 2) * (W // 2), hidden_dim))
        self.params["b2"] = np.zeros(hidden_dim)
        self.params["W3"] = 0.01 * rng.standard_normal((hidden_dim, num_classes))
        self.params["b3"] = np.zeros(num_classes)
""",
    },
    # ConvNet (12): L2 over every parameter, biases included, in the loss and the gradients
    # (consistent, so the gradient check passes). The regularisation test (2) fails. 2 of 12.
    {
        "id": "cnn-convnet-regularises-biases",
        "assignment": "cnn",
        "description": "ConvNet.loss adds 0.5 * reg * sum(p**2) over all params, biases included",
        "broken": ["ConvNet"],
        "fair_lost": (1.5, 5.0),
        "explanation": [["bias", "b1", "b2", "b3"], ["regulari", "l2", "penalty", "weight decay"]],
        "explanation_zh": [["偏置", "偏差", "b1"], ["正则", "l2", "reg", "惩罚"]],
        "code": _CONVNET_LOSS_HEAD
        + """
        loss += 0.5 * self.reg * sum(float(np.sum(v ** 2)) for v in p.values())
        grads = {}
        drelu2, grads["W3"], grads["b3"] = affine_backward(dscores, relu2, p["W3"], p["b3"])
        dhidden = relu_backward(drelu2, hidden)
        dpooled, grads["W2"], grads["b2"] = affine_backward(dhidden, pooled, p["W2"], p["b2"])
        dconv = relu_backward(_pool_backward(dpooled, pool_cache), conv)
        _, grads["W1"], grads["b1"] = _conv_backward(dconv, conv_cache)
        for k in grads:
            grads[k] = grads[k] + self.reg * p[k]
        return loss, grads
""",
    },
    # ConvNet (12): the backward pass skips the ReLU after the convolution, so W1 and b1 get
    # gradient where the convolution was negative. The gradient check (5) fails. 5 of 12.
    {
        "id": "cnn-convnet-backward-skips-first-relu",
        "assignment": "cnn",
        "description": (
            "ConvNet.loss goes from the pooling gradient straight to the convolution, skipping relu_backward"
        ),
        "broken": ["ConvNet"],
        "fair_lost": (4.0, 8.0),
        "explanation": [["relu"], ["conv", "w1", "b1", "first", "skip", "missing", "forgot"]],
        "explanation_zh": [["relu", "激活函数", "激活"], ["卷积", "w1", "b1", "第一", "跳过", "缺少", "忘"]],
        "code": _CONVNET_LOSS_HEAD
        + """
        weights = ("W1", "W2", "W3")
        loss += 0.5 * self.reg * sum(float(np.sum(p[k] ** 2)) for k in weights)
        grads = {}
        drelu2, grads["W3"], grads["b3"] = affine_backward(dscores, relu2, p["W3"], p["b3"])
        dhidden = relu_backward(drelu2, hidden)
        dpooled, grads["W2"], grads["b2"] = affine_backward(dhidden, pooled, p["W2"], p["b2"])
        dconv = _pool_backward(dpooled, pool_cache)
        _, grads["W1"], grads["b1"] = _conv_backward(dconv, conv_cache)
        for k in weights:
            grads[k] = grads[k] + self.reg * p[k]
        return loss, grads
""",
    },
    # train (10): minibatches in the same fixed order every epoch (no shuffle at all). The digits
    # still train; no current test sees it (issue 11). 0 today; a shuffling test: 1 to 4.
    {
        "id": "cnn-train-never-shuffles",
        "assignment": "cnn",
        "description": "train walks the data in its stored order every epoch: no shuffling",
        "broken": ["train"],
        "fair_lost": (1.0, 4.0),
        "explanation": [["shuffl", "permut", "order", "random"]],
        "explanation_zh": [["打乱", "洗牌", "顺序", "随机", "重排"]],
        "code": _TRAIN_HEAD
        + """
    for epoch in range(epochs):
        losses = []
        for start in range(0, len(X), batch_size):
            loss, grads = model.loss(X[start : start + batch_size], y[start : start + batch_size])
            for name, grad in grads.items():
                model.params[name] -= lr * grad
            losses.append(loss)
"""
        + _TRAIN_TAIL,
    },
    # train (10): a new default_rng(seed) inside the epoch loop, so every epoch has the same
    # permutation. No current test sees it. 0 today; a reshuffle test: 1 to 4.
    {
        "id": "cnn-train-same-shuffle-every-epoch",
        "assignment": "cnn",
        "description": (
            "train creates default_rng(seed) inside the epoch loop: the same permutation every epoch"
        ),
        "broken": ["train"],
        "fair_lost": (1.0, 4.0),
        "explanation": [
            ["shuffl", "permut", "order", "seed", "rng"],
            ["epoch", "same", "every", "each", "again"],
        ],
        "explanation_zh": [
            ["打乱", "洗牌", "顺序", "种子", "随机"],
            ["每个 epoch", "每轮", "相同", "同一", "epoch"],
        ],
        "code": _TRAIN_HEAD
        + """
    for epoch in range(epochs):
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = model.loss(X[batch], y[batch])
            for name, grad in grads.items():
                model.params[name] -= lr * grad
            losses.append(loss)
"""
        + _TRAIN_TAIL,
    },
    # train (10): the step is lr * (lr * grad), an effective rate of lr**2: the 50-digit overfit
    # (3) and the digits run (6, below 90 %, so no half credit) fail; the history test passes.
    # 9 of 10.
    {
        "id": "cnn-train-learning-rate-twice",
        "assignment": "cnn",
        "description": (
            "train multiplies the gradient by lr twice (step = lr * grad, then params -= lr * step)"
        ),
        "broken": ["train"],
        "fair_lost": (6.0, 10.0),
        "explanation": [
            ["learning rate", "lr", "step"],
            ["twice", "square", "lr**2", "lr²", "too small", "slow"],
        ],
        "explanation_zh": [["学习率", "lr", "步长"], ["两次", "平方", "太小", "过小", "慢"]],
        "code": _TRAIN_HEAD
        + """
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = model.loss(X[batch], y[batch])
            for name in model.params:
                step = lr * grads[name]
                model.params[name] -= lr * step
            losses.append(loss)
"""
        + _TRAIN_TAIL,
    },
]

CASES: list[dict[str, Any]] = CONV_CASES + IM2COL_CASES + POOL_CASES + PARAMS_CASES + CNN_CASES
"""Every case, conv first; see the module docstring for the fields."""
