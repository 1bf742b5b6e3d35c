"""Third evaluation set for issue 21: realistic student mistakes, held apart from the analysers.

Written without reading the diagnosis code (grader/), the catalogues (tests/<id>/mistakes.py) or the
earlier sets beyond the first 60 lines of bench/diagnosis_cases_2.py (for the format), to measure how
well the report a student receives names, localises and charges mistakes nobody told the analysis
about. It aims at kinds the issue says the analysis does not reach (counts off by a term or a factor,
flattened matrices in another axis order, contributions lost where windows overlap, a loss term on
the wrong parameters, labels broadcast against the wrong axis, windows not moved by the stride,
padding on the wrong axes, a loop one window short, integer division in the wrong place, a float
where an int is needed) and at others students make (a wrong axis in a sum, inputs changed in place,
a cache with the wrong contents, regularisation in the loss but not in the gradient, softmax without
the max shift, dividing by N twice, a slice ``pad:-pad`` that is empty when pad is 0...).

The format is the second set's: a case is a dict with ``id``, ``assignment``, ``description``,
``broken`` (the functions holding the mistake: a function that is right given right callees is not
listed), ``fair_lost`` (a teacher's judgement of the points the mistake should cost, on today's
points, written before the case was graded), ``explanation`` and ``explanation_zh`` (word groups: a
correct explanation holds a word of each group) and ``code`` (definitions executed on top of the
reference module). ``python bench/diagnosis.py --cases 3`` grades it.

Points per function today, from the ``@pytest.mark.points`` markers of tests/<id>/test_*.py:

- conv (52): conv_output_size 8, padded_output_size 5, zero_pad 4, conv_single_step 4, conv_forward 31
- im2col (48): im2col 17, col2im 10, conv_forward_im2col 13, conv_backward_im2col 8
- pool (52): pool_output_size 6, pool_windows 5, max_pool_forward 17, max_pool_backward 10,
  avg_pool_forward 9, avg_pool_backward 5
- params (48): conv_params 16, fc_params 7, unshared_conv_params 4, summarize 21
- cnn (47): relu_forward 2, relu_backward 3, affine_forward 3, affine_backward 4, softmax_loss 6,
  ConvNet 17, train 12

How it was written and measured. Each case was graded once before the set was committed, only to
check that it loses points (the points lost per function, never the report's text); the fair ranges
were written before that and not changed after (one case that lost nothing, a ConvNet drawing its
weights from the legacy global generator, was replaced). The set was committed (37ec45c) before it
was measured on main at commit b9c80b6 before any change (``python bench/diagnosis.py --cases 3
--workers 1``, then with ``--zh``), 53 cases:

- word groups as first committed (v1, 37ec45c): lost points 53/53, contained 51/53 (the ConvNet
  W2 and weight-draw mistakes also cost train's integration tests), fair 46/53 (86.8 %), correctly
  explained 41/53 (77.4 %) in English and 37/53 (69.8 %) in Chinese, misleading names 0, English
  reasons in the zh-CN report 0;
- the v1 groups let argument names (stride, pad, bias), labels (grads, switches) and single letters
  (W, N, y: the match is case-blind and by substring) satisfy a group on their own, so a report that
  only quotes the call could count as an explanation. They were made stricter (v2, 97e1d8b) without
  reading any report, from that rule alone, and committed before being measured: in English,
  correctly explained conv 8/10, im2col 8/10, pool 5/8, params 1/10 cnn 9/15: 31/53 (58.5 %)
  against 41/53 with the v1 groups; lost, contained, fair and misleading names unchanged. The v2
  groups were not measured in Chinese for lack of time.

Since then the teaching-first im2col (the reference the cases are appended to) no longer imports
``sliding_window_view``: the four im2col cases that call it raised NameError and measured nothing
of their mistakes. Each now imports it itself, as the first and second sets' cases do; nothing
else of the set changed.
"""

from __future__ import annotations

from typing import Any

CONV_CASES: list[dict[str, Any]] = [
    {
        "id": "conv-output-size-floor-split",
        "assignment": "conv",
        "description": (
            "conv_output_size floors each term apart, (n + 2*pad) // stride - f // stride + 1, "
            "instead of flooring the difference: wrong whenever stride > 1 does not divide evenly"
        ),
        "broken": ["conv_output_size"],
        "fair_lost": (2.0, 6.0),
        "explanation": [
            ["floor", "integer division", "round", "//"],
        ],
        "explanation_zh": [
            ["向下取整", "整除", "取整", "//", "floor"],
        ],
        "code": """
def conv_output_size(n, f, pad=0, stride=1):
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    if n + 2 * pad < f:
        raise ValueError(f"a filter of size {f} does not fit")
    return (n + 2 * pad) // stride - f // stride + 1
""",
    },
    {
        "id": "conv-padded-same-from-half-filter",
        "assignment": "conv",
        "description": (
            'padded_output_size computes "same" as conv_output_size with pad (f - 1) // 2, which keeps '
            "n only for odd filters at stride 1; the lecture's definition is ceil(n / stride)"
        ),
        "broken": ["padded_output_size"],
        "fair_lost": (2.0, 4.0),
        "explanation": [
            ["same"],
            ["ceil", "round up", "n / stride", "(f - 1) // 2", "half the filter", "even"],
        ],
        "explanation_zh": [
            ["same"],
            ["向上取整", "ceil", "n / stride", "(f - 1) // 2", "偶数"],
        ],
        "code": """
def padded_output_size(n, f, stride, padding):
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if padding == "same":
        return conv_output_size(n, f, pad=(f - 1) // 2, stride=stride)
    if padding == "valid":
        if f > n:
            raise ValueError(f"a filter of size {f} does not fit in {n}")
        return math.ceil((n - f + 1) / stride)
    raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")
""",
    },
    {
        "id": "conv-zero-pad-every-axis",
        "assignment": "conv",
        "description": "zero_pad calls np.pad(x, pad), which pads the batch and channel axes too",
        "broken": ["zero_pad"],
        "fair_lost": (2.0, 4.0),
        "explanation": [
            ["pad", "padding"],
            [
                "batch",
                "channel",
                "N and C",
                "all four",
                "every axis",
                "all axes",
                "first two axes",
                "axes 0 and 1",
            ],
        ],
        "explanation_zh": [
            ["填充", "pad"],
            ["批量", "通道", "N 和 C", "所有轴", "四个轴", "前两个轴", "所有维"],
        ],
        "code": """
def zero_pad(x, pad):
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    return np.pad(x, pad)
""",
    },
    {
        "id": "conv-zero-pad-negative-slice",
        "assignment": "conv",
        "description": (
            "zero_pad writes x into padded[:, :, pad:-pad, pad:-pad]: right for pad >= 1, but with "
            "pad = 0 the slice 0:-0 is empty and the assignment raises"
        ),
        "broken": ["zero_pad"],
        "fair_lost": (1.0, 4.0),
        "explanation": [
            ["pad:-pad", "-pad", "0:-0", "empty"],
        ],
        "explanation_zh": [
            ["pad:-pad", "-pad", "0:-0", "空"],
        ],
        "code": """
def zero_pad(x, pad):
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    n, c, h, w = x.shape
    padded = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
    padded[:, :, pad:-pad, pad:-pad] = x
    return padded
""",
    },
    {
        "id": "conv-single-step-bias-every-product",
        "assignment": "conv",
        "description": (
            "conv_single_step adds the bias inside the sum, np.sum(a_slice * w + b): the bias is "
            "counted once per weight (C*HH*WW times) instead of once"
        ),
        "broken": ["conv_single_step"],
        "fair_lost": (2.0, 4.0),
        "explanation": [
            ["bias"],
            [
                "once",
                "per weight",
                "each weight",
                "every weight",
                "inside the sum",
                "per product",
                "each product",
                "number of weights",
                "C*HH*WW",
                "window size",
            ],
        ],
        "explanation_zh": [
            ["偏置", "bias"],
            ["一次", "每个权重", "每个乘积", "求和里", "窗口大小", "C*HH*WW"],
        ],
        "code": """
def conv_single_step(a_slice, w, b):
    return float(np.sum(a_slice * w + b))
""",
    },
    {
        "id": "conv-forward-window-ignores-stride",
        "assignment": "conv",
        "description": (
            "conv_forward slices the window at padded[n, :, i : i + hh, j : j + ww]: the output has "
            "the right shape but the window never moves by the stride"
        ),
        "broken": ["conv_forward"],
        "fair_lost": (6.0, 16.0),
        "explanation": [
            ["stride"],
            ["not moved", "move", "i * stride", "i*stride"],
        ],
        "explanation_zh": [
            ["步长", "stride"],
            ["移动", "i * stride", "i*stride"],
        ],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, channels, height, width = x.shape
    n_filters, filter_channels, hh, ww = w.shape
    if channels != filter_channels:
        raise ValueError("channels differ")
    out_h = conv_output_size(height, hh, pad=pad, stride=stride)
    out_w = conv_output_size(width, ww, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    window = padded[n, :, i : i + hh, j : j + ww]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
    {
        "id": "conv-forward-positions-one-short",
        "assignment": "conv",
        "description": (
            "conv_forward loops over window positions with range(0, H + 2*pad - HH, stride), without "
            "the + 1: the last row and column of windows are never computed and stay 0"
        ),
        "broken": ["conv_forward"],
        "fair_lost": (10.0, 25.0),
        "explanation": [
            ["last", "one short", "one window short", "off by one", "missing"],
            ["row", "column", "window", "position"],
        ],
        "explanation_zh": [
            ["最后", "少一", "差一", "缺"],
            ["行", "列", "窗口", "位置"],
        ],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, channels, height, width = x.shape
    n_filters, filter_channels, hh, ww = w.shape
    if channels != filter_channels:
        raise ValueError("channels differ")
    out_h = conv_output_size(height, hh, pad=pad, stride=stride)
    out_w = conv_output_size(width, ww, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for top in range(0, height + 2 * pad - hh, stride):
                for left in range(0, width + 2 * pad - ww, stride):
                    window = padded[n, :, top : top + hh, left : left + ww]
                    out[n, f, top // stride, left // stride] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
    {
        "id": "conv-forward-bias-of-image",
        "assignment": "conv",
        "description": (
            "conv_forward passes b[n], the bias indexed by the image, instead of b[f], the filter's: "
            "right with one image and one filter, wrong (or an IndexError) otherwise"
        ),
        "broken": ["conv_forward"],
        "fair_lost": (8.0, 22.0),
        "explanation": [
            ["bias", "b["],
            ["b[f]", "b[n]", "per filter", "each filter", "filter's", "image's", "by the image"],
        ],
        "explanation_zh": [
            ["偏置", "bias", "b["],
            ["b[f]", "b[n]", "每个滤波器", "每个卷积核", "按图像"],
        ],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, channels, height, width = x.shape
    n_filters, filter_channels, hh, ww = w.shape
    if channels != filter_channels:
        raise ValueError("channels differ")
    out_h = conv_output_size(height, hh, pad=pad, stride=stride)
    out_w = conv_output_size(width, ww, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    window = padded[n, :, top : top + hh, left : left + ww]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[n])
    return out
""",
    },
    {
        "id": "conv-forward-width-from-height",
        "assignment": "conv",
        "description": (
            "conv_forward computes out_w from the height (conv_output_size(height, ww, ...)): right on "
            "square inputs, wrong shape or a ValueError on rectangular ones"
        ),
        "broken": ["conv_forward"],
        "fair_lost": (3.0, 12.0),
        "explanation": [
            ["width", "height"],
            ["rectangular", "square", "out_w"],
        ],
        "explanation_zh": [
            ["宽", "高"],
            ["矩形", "正方", "out_w", "非方"],
        ],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, channels, height, width = x.shape
    n_filters, filter_channels, hh, ww = w.shape
    if channels != filter_channels:
        raise ValueError("channels differ")
    out_h = conv_output_size(height, hh, pad=pad, stride=stride)
    out_w = conv_output_size(height, ww, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    window = padded[n, :, top : top + hh, left : left + ww]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
    {
        "id": "conv-forward-padding-counted-twice",
        "assignment": "conv",
        "description": (
            "conv_forward measures the padded image and then passes pad to conv_output_size again: "
            "with pad > 0 there are 2*pad windows too many, the last ones run off the image and "
            "conv_single_step raises on their shorter slices"
        ),
        "broken": ["conv_forward"],
        "fair_lost": (5.0, 16.0),
        "explanation": [
            ["pad", "padding"],
            ["twice", "double", "already padded", "too many", "counted again", "4*pad", "4 * pad"],
        ],
        "explanation_zh": [
            ["填充", "pad"],
            ["两次", "重复", "已经", "太多", "4*pad"],
        ],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, channels, height, width = x.shape
    n_filters, filter_channels, hh, ww = w.shape
    if channels != filter_channels:
        raise ValueError("channels differ")
    padded = zero_pad(x, pad)
    out_h = conv_output_size(padded.shape[2], hh, pad=pad, stride=stride)
    out_w = conv_output_size(padded.shape[3], ww, pad=pad, stride=stride)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    window = padded[n, :, top : top + hh, left : left + ww]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
]

IM2COL_CASES: list[dict[str, Any]] = [
    {
        "id": "im2col-rows-channel-last",
        "assignment": "im2col",
        "description": (
            "im2col orders the rows (i, j, c), channel fastest, instead of (c, i, j): the right "
            "numbers in every column, in another order whenever C > 1"
        ),
        "broken": ["im2col"],
        "fair_lost": (5.0, 14.0),
        "explanation": [
            ["row"],
            ["order", "permut", "(c, ", "channel fastest", "channel last", "(kh, kw, c)", "(i, j, c)"],
        ],
        "explanation_zh": [
            ["行"],
            ["顺序", "排列", "(c, ", "(i, j, c)", "(kh, kw, c)"],
        ],
        "code": """
from numpy.lib.stride_tricks import sliding_window_view
def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(padded, (fh, fw), axis=(2, 3))
    windows = windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    # rows (i, j, c), columns (n, oh, ow)
    cols = windows.transpose(4, 5, 1, 0, 2, 3)
    return cols.reshape(fh * fw * channels, n * out_h * out_w)
""",
    },
    {
        "id": "im2col-columns-position-major",
        "assignment": "im2col",
        "description": (
            "im2col orders the columns (oh, ow, n), the image fastest, instead of (n, oh, ow): right "
            "for one image, the columns of a batch interleaved"
        ),
        "broken": ["im2col"],
        "fair_lost": (3.0, 12.0),
        "explanation": [
            ["column"],
            ["order", "permut", "(n, ", "interleav", "(oh, ow, n)"],
        ],
        "explanation_zh": [
            ["列"],
            ["顺序", "排列", "(n, ", "交错", "(oh, ow, n)"],
        ],
        "code": """
from numpy.lib.stride_tricks import sliding_window_view
def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(padded, (fh, fw), axis=(2, 3))
    windows = windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    cols = windows.transpose(1, 4, 5, 2, 3, 0)
    return cols.reshape(channels * fh * fw, out_h * out_w * n)
""",
    },
    {
        "id": "im2col-first-windows-not-strided",
        "assignment": "im2col",
        "description": (
            "im2col keeps the first out_h x out_w windows of sliding_window_view, [:, :, :out_h, :out_w], "
            "without stepping by the stride: the right shape, the windows of stride 1"
        ),
        "broken": ["im2col"],
        "fair_lost": (4.0, 12.0),
        "explanation": [
            ["stride"],
            ["not moved", "move", "step", "i * stride", "i*stride"],
        ],
        "explanation_zh": [
            ["步长", "stride"],
            ["移动", "i * stride", "没有按"],
        ],
        "code": """
from numpy.lib.stride_tricks import sliding_window_view
def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(padded, (fh, fw), axis=(2, 3))[:, :, :out_h, :out_w]
    cols = windows.transpose(1, 4, 5, 0, 2, 3)
    return cols.reshape(channels * fh * fw, n * out_h * out_w)
""",
    },
    {
        "id": "im2col-padding-bottom-right-only",
        "assignment": "im2col",
        "description": (
            "im2col pads 2*pad zeros after the image only, ((0, 2*pad), (0, 2*pad)): the right shape, "
            "every window shifted by pad"
        ),
        "broken": ["im2col"],
        "fair_lost": (3.0, 10.0),
        "explanation": [
            ["pad", "padding"],
            ["one side", "both sides", "each side", "bottom", "shift", "before and after", "after the image"],
        ],
        "explanation_zh": [
            ["填充", "pad"],
            ["一侧", "两侧", "每侧", "一边", "两边", "偏移", "平移"],
        ],
        "code": """
from numpy.lib.stride_tricks import sliding_window_view
def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (0, 2 * pad), (0, 2 * pad)))
    windows = sliding_window_view(padded, (fh, fw), axis=(2, 3))
    windows = windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    cols = windows.transpose(1, 4, 5, 0, 2, 3)
    return cols.reshape(channels * fh * fw, n * out_h * out_w)
""",
    },
    {
        "id": "im2col-col2im-assigns-overlaps",
        "assignment": "im2col",
        "description": (
            "col2im writes each filter offset's block with = instead of adding it: where windows "
            "overlap, the last write wins and the other contributions are lost"
        ),
        "broken": ["col2im"],
        "fair_lost": (4.0, 10.0),
        "explanation": [
            ["assign", "+=", "accumulat", "overwrit", "instead of adding", "must be added", "not added"],
            ["overlap", "contribution"],
        ],
        "explanation_zh": [
            ["赋值", "+=", "累加", "覆盖", "没有相加", "而不是相加", "应当相加", "必须相加"],
            ["重叠", "贡献"],
        ],
        "code": """
def col2im(cols, x_shape, fh, fw, stride=1, pad=0):
    n, channels, height, width = x_shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    blocks = cols.reshape(channels, fh, fw, n, out_h, out_w)
    padded = np.zeros((channels, n, height + 2 * pad, width + 2 * pad))
    for i in range(fh):
        for j in range(fw):
            padded[:, :, i : i + stride * out_h : stride, j : j + stride * out_w : stride] = blocks[:, i, j]
    return padded[:, :, pad : pad + height, pad : pad + width].transpose(1, 0, 2, 3)
""",
    },
    {
        "id": "im2col-col2im-fancy-index-add",
        "assignment": "im2col",
        "description": (
            "col2im adds with NumPy fancy indexing, padded[:, :, rows, columns] += values: repeated "
            "indices are written once, not summed (np.add.at sums them), so overlaps count once"
        ),
        "broken": ["col2im"],
        "fair_lost": (4.0, 10.0),
        "explanation": [
            [
                "assign",
                "+=",
                "accumulat",
                "overwrit",
                "instead of adding",
                "must be added",
                "not added",
                "add.at",
                "fancy",
                "repeated ind",
                "duplicate",
            ],
            ["overlap", "contribution", "repeated", "duplicate"],
        ],
        "explanation_zh": [
            [
                "赋值",
                "+=",
                "累加",
                "覆盖",
                "没有相加",
                "而不是相加",
                "应当相加",
                "必须相加",
                "add.at",
                "重复",
            ],
            ["重叠", "贡献", "重复"],
        ],
        "code": """
def col2im(cols, x_shape, fh, fw, stride=1, pad=0):
    n, channels, height, width = x_shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    values = cols.reshape(channels, fh, fw, n, out_h, out_w).transpose(3, 0, 1, 2, 4, 5)
    # rows[i, j, oh, ow] = oh * stride + i, columns[i, j, oh, ow] = ow * stride + j
    rows = np.arange(fh)[:, None, None, None] + stride * np.arange(out_h)[None, None, :, None]
    columns = np.arange(fw)[None, :, None, None] + stride * np.arange(out_w)[None, None, None, :]
    rows, columns = np.broadcast_arrays(rows, columns)
    padded = np.zeros((n, channels, height + 2 * pad, width + 2 * pad))
    padded[:, :, rows, columns] += values
    return padded[:, :, pad : pad + height, pad : pad + width]
""",
    },
    {
        "id": "im2col-forward-reshape-without-transpose",
        "assignment": "im2col",
        "description": (
            "conv_forward_im2col reshapes the (F, N*H'*W') product straight to (N, F, H', W') "
            "without moving the filter axis: right when N = 1 or F = 1, scrambled otherwise"
        ),
        "broken": ["conv_forward_im2col"],
        "fair_lost": (3.0, 10.0),
        "explanation": [
            ["order", "permut", "transpose", "filter axis", "(F, N", "(N, F"],
        ],
        "explanation_zh": [
            ["顺序", "排列", "转置", "transpose", "(F, N", "(N, F"],
        ],
        "code": """
def conv_forward_im2col(x, w, b, stride=1, pad=0):
    n = x.shape[0]
    n_filters, channels, fh, fw = w.shape
    if x.shape[1] != channels:
        raise ValueError("channels differ")
    cols = im2col(x, fh, fw, stride=stride, pad=pad)
    out = w.reshape(n_filters, -1) @ cols + b.reshape(-1, 1)
    out_h = (x.shape[2] + 2 * pad - fh) // stride + 1
    out_w = (x.shape[3] + 2 * pad - fw) // stride + 1
    return out.reshape(n, n_filters, out_h, out_w), (x, w, b, stride, pad, cols)
""",
    },
    {
        "id": "im2col-forward-cache-stride-pad-swapped",
        "assignment": "im2col",
        "description": (
            "conv_forward_im2col returns the cache as (x, w, b, pad, stride, cols), stride and pad "
            "swapped from the documented layout: its own backward pass then reads them swapped"
        ),
        "broken": ["conv_forward_im2col"],
        "fair_lost": (0.5, 4.0),
        "explanation": [
            ["cache"],
            ["swap", "order", "stride and pad", "pad and stride", "exchanged"],
        ],
        "explanation_zh": [
            ["cache", "缓存"],
            ["交换", "顺序", "颠倒", "互换"],
        ],
        "code": """
def conv_forward_im2col(x, w, b, stride=1, pad=0):
    n = x.shape[0]
    n_filters, channels, fh, fw = w.shape
    if x.shape[1] != channels:
        raise ValueError("channels differ")
    cols = im2col(x, fh, fw, stride=stride, pad=pad)
    out = w.reshape(n_filters, -1) @ cols + b.reshape(-1, 1)
    out_h = (x.shape[2] + 2 * pad - fh) // stride + 1
    return out.reshape(n_filters, n, out_h, -1).transpose(1, 0, 2, 3), (x, w, b, pad, stride, cols)
""",
    },
    {
        "id": "im2col-backward-averages-over-batch",
        "assignment": "im2col",
        "description": (
            "conv_backward_im2col divides dw and db by the batch size N: the upstream gradient is "
            "already of a mean loss, so the batch is divided twice; dx is right"
        ),
        "broken": ["conv_backward_im2col"],
        "fair_lost": (2.0, 6.0),
        "explanation": [
            ["dw", "db"],
            ["batch", "divid", "average", "mean", "factor", "1/", "half"],
        ],
        "explanation_zh": [
            ["dw", "db"],
            ["批量", "除", "平均", "倍", "1/", "一半"],
        ],
        "code": """
def conv_backward_im2col(dout, cache):
    x, w, _, stride, pad, cols = cache
    n_filters = w.shape[0]
    batch = x.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(n_filters, -1)
    dw = (dout_rows @ cols.T).reshape(w.shape) / batch
    db = dout_rows.sum(axis=1) / batch
    dcols = w.reshape(n_filters, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, w.shape[2], w.shape[3], stride=stride, pad=pad)
    return dx, dw, db
""",
    },
    {
        "id": "im2col-backward-reshape-for-transpose",
        "assignment": "im2col",
        "description": (
            "conv_backward_im2col takes w.reshape(-1, F) for the transposed filter matrix: the right "
            "shape (C*fh*fw, F), the weights in the wrong places, so dx is wrong when F > 1"
        ),
        "broken": ["conv_backward_im2col"],
        "fair_lost": (1.5, 6.0),
        "explanation": [
            ["dx"],
            ["transpose", ".T", "order", "permut", "scrambl"],
        ],
        "explanation_zh": [
            ["dx"],
            ["转置", ".T", "顺序", "排列"],
        ],
        "code": """
def conv_backward_im2col(dout, cache):
    x, w, _, stride, pad, cols = cache
    n_filters = w.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(n_filters, -1)
    dw = (dout_rows @ cols.T).reshape(w.shape)
    db = dout_rows.sum(axis=1)
    dcols = w.reshape(-1, n_filters) @ dout_rows
    dx = col2im(dcols, x.shape, w.shape[2], w.shape[3], stride=stride, pad=pad)
    return dx, dw, db
""",
    },
]

POOL_CASES: list[dict[str, Any]] = [
    {
        "id": "pool-output-size-numpy-floor",
        "assignment": "pool",
        "description": (
            "pool_output_size returns np.floor((n - f) / stride) + 1, the right value as a float64: "
            "a float where an int is needed (np.empty and range refuse it)"
        ),
        "broken": ["pool_output_size"],
        "fair_lost": (1.0, 6.0),
        "explanation": [
            ["float"],
            ["int", "integer", "//", "type"],
        ],
        "explanation_zh": [
            ["浮点", "float"],
            ["整数", "int", "//", "类型"],
        ],
        "code": """
def pool_output_size(n, f, stride):
    if stride < 1 or f < 1:
        raise ValueError("window and stride must be >= 1")
    if f > n:
        raise ValueError(f"a window of size {f} does not fit in {n}")
    return np.floor((n - f) / stride) + 1
""",
    },
    {
        "id": "pool-windows-reshape-tiles",
        "assignment": "pool",
        "description": (
            "pool_windows cuts the plane into tiles with reshape (H // size, size, W // size, size), "
            "which is right only when the stride equals the size and divides the plane: overlapping "
            "windows (stride < size) and left-over rows come out wrong or raise"
        ),
        "broken": ["pool_windows"],
        "fair_lost": (2.0, 5.0),
        "explanation": [
            ["overlap", "stride smaller", "stride < size", "tile", "stride equals", "stride = size"],
            ["window"],
        ],
        "explanation_zh": [
            ["重叠", "步长小于", "步长等于"],
            ["窗口"],
        ],
        "code": """
def pool_windows(x, size, stride):
    n, c, height, width = x.shape
    out_h = pool_output_size(height, size, stride)
    out_w = pool_output_size(width, size, stride)
    tiles = x[:, :, : out_h * size, : out_w * size].reshape(n, c, out_h, size, out_w, size)
    return tiles.transpose(0, 1, 2, 4, 3, 5)
""",
    },
    {
        "id": "pool-max-switch-row-length-out-w",
        "assignment": "pool",
        "description": (
            "max_pool_forward flattens the switch as row * W' + column, with the output's width W' "
            "instead of the input's W: the maxima are right, the switches wrong"
        ),
        "broken": ["max_pool_forward"],
        "fair_lost": (3.0, 10.0),
        "explanation": [
            ["switch"],
            ["width", "row length", "out_w", "W'", "h*W", "h * W"],
        ],
        "explanation_zh": [
            ["switch", "开关", "索引"],
            ["宽", "行长", "out_w", "W'", "h*W"],
        ],
        "code": """
def max_pool_forward(x, size=2, stride=2):
    windows = pool_windows(x, size, stride)
    n, channels, out_h, out_w = windows.shape[:4]
    flat = windows.reshape(n, channels, out_h, out_w, size * size)
    out = flat.max(axis=-1)
    row_in_window, column_in_window = np.divmod(flat.argmax(axis=-1), size)
    rows = np.arange(out_h).reshape(-1, 1) * stride + row_in_window
    columns = np.arange(out_w) * stride + column_in_window
    return out, (rows * out_w + columns).astype(np.int64)
""",
    },
    {
        "id": "pool-max-last-maximum",
        "assignment": "pool",
        "description": (
            "max_pool_forward scans each window with >= instead of >: on ties the switch is the last "
            "maximum, not the first one the docstring asks for"
        ),
        "broken": ["max_pool_forward"],
        "fair_lost": (1.0, 5.0),
        "explanation": [
            ["last", "tie", ">=", "equal"],
            ["maximum", "max"],
        ],
        "explanation_zh": [
            ["最后", "并列", "相等", ">="],
            ["最大"],
        ],
        "code": """
def max_pool_forward(x, size=2, stride=2):
    n, channels, height, width = x.shape
    out_h = pool_output_size(height, size, stride)
    out_w = pool_output_size(width, size, stride)
    out = np.zeros((n, channels, out_h, out_w))
    switches = np.zeros((n, channels, out_h, out_w), dtype=np.int64)
    for a in range(n):
        for c in range(channels):
            for i in range(out_h):
                for j in range(out_w):
                    best, where = -np.inf, 0
                    for r in range(i * stride, i * stride + size):
                        for s in range(j * stride, j * stride + size):
                            if x[a, c, r, s] >= best:
                                best, where = x[a, c, r, s], r * width + s
                    out[a, c, i, j] = best
                    switches[a, c, i, j] = where
    return out, switches
""",
    },
    {
        "id": "pool-max-backward-assigns",
        "assignment": "pool",
        "description": (
            "max_pool_backward sets dx at the switch with = instead of +=: an input chosen by two "
            "overlapping windows keeps only the last gradient"
        ),
        "broken": ["max_pool_backward"],
        "fair_lost": (2.0, 8.0),
        "explanation": [
            ["assign", "+=", "accumulat", "overwrit", "instead of adding", "must be added", "not added"],
            ["overlap", "contribution", "several", "more than one", "chosen twice"],
        ],
        "explanation_zh": [
            ["赋值", "+=", "累加", "覆盖", "没有相加", "而不是相加", "应当相加", "必须相加"],
            ["重叠", "贡献", "多个"],
        ],
        "code": """
def max_pool_backward(dout, switches, x_shape):
    n, channels, _, width = x_shape
    out_h, out_w = dout.shape[2:]
    dx = np.zeros(x_shape)
    for image in range(n):
        for channel in range(channels):
            for i in range(out_h):
                for j in range(out_w):
                    row, column = divmod(int(switches[image, channel, i, j]), width)
                    dx[image, channel, row, column] = dout[image, channel, i, j]
    return dx
""",
    },
    {
        "id": "pool-max-backward-divmod-height",
        "assignment": "pool",
        "description": (
            "max_pool_backward unflattens the switch with divmod(switch, H), the height, instead of "
            "the width W: right on square planes, the gradient in the wrong place otherwise"
        ),
        "broken": ["max_pool_backward"],
        "fair_lost": (2.0, 8.0),
        "explanation": [
            ["width", "height"],
            ["divmod", "square", "rectangular", "row length", "unflatten"],
        ],
        "explanation_zh": [
            ["宽", "高"],
            ["divmod", "正方", "矩形", "行长"],
        ],
        "code": """
def max_pool_backward(dout, switches, x_shape):
    n, channels, height, _ = x_shape
    out_h, out_w = dout.shape[2:]
    dx = np.zeros(x_shape)
    for image in range(n):
        for channel in range(channels):
            for i in range(out_h):
                for j in range(out_w):
                    row, column = divmod(int(switches[image, channel, i, j]), height)
                    dx[image, channel, row, column] += dout[image, channel, i, j]
    return dx
""",
    },
    {
        "id": "pool-avg-mean-over-positions",
        "assignment": "pool",
        "description": (
            "avg_pool_forward takes the mean over axes (2, 3), the window positions, instead of "
            "(-2, -1), the window's own pixels: shape (N, C, size, size) instead of (N, C, H', W')"
        ),
        "broken": ["avg_pool_forward"],
        "fair_lost": (4.0, 9.0),
        "explanation": [
            ["axis", "axes"],
            ["mean", "average", "(-2, -1)", "window"],
        ],
        "explanation_zh": [
            ["轴", "axis"],
            ["平均", "均值", "(-2, -1)", "窗口"],
        ],
        "code": """
def avg_pool_forward(x, size=2, stride=2):
    return pool_windows(x, size, stride).mean(axis=(2, 3))
""",
    },
    {
        "id": "pool-avg-backward-divides-by-stride",
        "assignment": "pool",
        "description": (
            "avg_pool_backward shares each gradient by stride * stride instead of size * size: right "
            "with the default size = stride, wrong whenever they differ"
        ),
        "broken": ["avg_pool_backward"],
        "fair_lost": (1.5, 4.0),
        "explanation": [
            [
                "size * size",
                "size*size",
                "window size",
                "window area",
                "stride * stride",
                "stride*stride",
                "size²",
                "stride²",
                "pixels in the window",
                "number of inputs",
            ],
        ],
        "explanation_zh": [
            [
                "size * size",
                "size*size",
                "窗口大小",
                "窗口面积",
                "stride * stride",
                "stride*stride",
                "窗口内",
                "元素个数",
            ],
        ],
        "code": """
def avg_pool_backward(dout, x_shape, size=2, stride=2):
    out_h, out_w = dout.shape[2:]
    dx = np.zeros(x_shape)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            share = dout[:, :, i, j] / (stride * stride)
            dx[:, :, top : top + size, left : left + size] += share[:, :, None, None]
    return dx
""",
    },
]

PARAMS_CASES: list[dict[str, Any]] = [
    {
        "id": "params-conv-bias-per-weight",
        "assignment": "params",
        "description": (
            "conv_params counts a bias per weight, F * f*f*C * (1 + bias), instead of one per filter"
        ),
        "broken": ["conv_params"],
        "fair_lost": (8.0, 16.0),
        "explanation": [
            ["bias"],
            ["per filter", "each filter", "per weight", "each weight", "one bias", "every weight"],
        ],
        "explanation_zh": [
            ["偏置", "bias"],
            ["每个滤波器", "每个卷积核", "每个权重", "一个偏置"],
        ],
        "code": """
def conv_params(f, c_in, n_filters, bias=True):
    return n_filters * f * f * c_in * (1 + int(bias))
""",
    },
    {
        "id": "params-conv-bias-flag-ignored",
        "assignment": "params",
        "description": "conv_params always adds the biases, F * (f*f*C + 1), whatever bias says",
        "broken": ["conv_params"],
        "fair_lost": (1.0, 5.0),
        "explanation": [
            ["bias"],
            ["flag", "ignored", "ignore", "not used", "without bias", "always"],
        ],
        "explanation_zh": [
            ["偏置", "bias"],
            ["忽略", "没有用", "未使用", "总是", "不带偏置"],
        ],
        "code": """
def conv_params(f, c_in, n_filters, bias=True):
    return n_filters * (f * f * c_in + 1)
""",
    },
    {
        "id": "params-conv-filters-forgotten",
        "assignment": "params",
        "description": (
            "conv_params counts one filter, f*f*C + bias, and forgets to multiply by the number of filters F"
        ),
        "broken": ["conv_params"],
        "fair_lost": (10.0, 16.0),
        "explanation": [
            ["n_filters", "number of filters", "filters"],
            ["no ", "missing", "forgot", "without", "factor", "multipl"],
        ],
        "explanation_zh": [
            ["n_filters", "滤波器个数", "滤波器数", "卷积核个数", "卷积核数", "滤波器", "卷积核"],
            ["没有", "缺", "忘", "乘", "因子"],
        ],
        "code": """
def conv_params(f, c_in, n_filters, bias=True):
    return f * f * c_in + int(bias)
""",
    },
    {
        "id": "params-fc-one-bias-for-the-layer",
        "assignment": "params",
        "description": (
            "fc_params counts one bias for the whole layer, n_in * n_out + bias, instead of one per "
            "output unit"
        ),
        "broken": ["fc_params"],
        "fair_lost": (4.0, 7.0),
        "explanation": [
            ["bias"],
            ["per output", "each output", "per unit", "each unit", "n_out", "one bias"],
        ],
        "explanation_zh": [
            ["偏置", "bias"],
            ["每个输出", "每个单元", "每个神经元", "n_out", "一个偏置"],
        ],
        "code": """
def fc_params(n_in, n_out, bias=True):
    return n_in * n_out + int(bias)
""",
    },
    {
        "id": "params-unshared-biases-shared",
        "assignment": "params",
        "description": (
            "unshared_conv_params gives every position its own weights but shares the biases: "
            "H'*W'*F*f*f*C + F instead of H'*W'*F*(f*f*C + 1)"
        ),
        "broken": ["unshared_conv_params"],
        "fair_lost": (2.0, 4.0),
        "explanation": [
            ["bias"],
            ["position", "per output", "each output", "shared", "neuron", "location"],
        ],
        "explanation_zh": [
            ["偏置", "bias"],
            ["位置", "每个输出", "共享", "神经元"],
        ],
        "code": """
def unshared_conv_params(out_h, out_w, f, c_in, n_filters, bias=True):
    return out_h * out_w * n_filters * f * f * c_in + n_filters * int(bias)
""",
    },
    {
        "id": "params-summarize-pool-stride-one",
        "assignment": "params",
        "description": (
            "summarize defaults a pooling layer's stride to 1 (copied from the convolution) instead "
            "of the window size: pools without a stride keep almost their size"
        ),
        "broken": ["summarize"],
        "fair_lost": (2.0, 10.0),
        "explanation": [
            ["pool"],
            [
                "default stride",
                "stride defaults",
                "defaults to",
                "stride = size",
                "stride=size",
                "stride of 1",
                "stride 1",
            ],
        ],
        "explanation_zh": [
            ["池化", "pool"],
            ["默认步长", "步长默认", "stride = size", "stride=size", "步长为 1", "步长 1"],
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
            out_h, out_w = _conv_size(height, size, pad, stride), _conv_size(width, size, pad, stride)
            shape = (layer["filters"], out_h, out_w)
        elif kind == "pool":
            channels, height, width = shape
            size, stride = layer["size"], layer.get("stride", 1)
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
    {
        "id": "params-summarize-fc-counts-first-axis",
        "assignment": "params",
        "description": (
            "summarize counts a fully connected layer's inputs as shape[0]: right after a flatten, "
            "only the channels when fc follows a (C, H, W) volume directly"
        ),
        "broken": ["summarize"],
        "fair_lost": (2.0, 8.0),
        "explanation": [
            ["fc", "fully connected"],
            [
                "C*H*W",
                "C * H * W",
                "prod",
                "flatten first",
                "flattens",
                "only the channels",
                "channels only",
                "shape[0]",
                "first axis",
            ],
        ],
        "explanation_zh": [
            ["全连接", "fc"],
            ["C*H*W", "C * H * W", "prod", "先展平", "只用了通道", "shape[0]", "第一个轴"],
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
            out_h, out_w = _conv_size(height, size, pad, stride), _conv_size(width, size, pad, stride)
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
    {
        "id": "params-summarize-channels-last",
        "assignment": "params",
        "description": (
            "summarize writes feature maps channels last, (H, W, C), as Keras prints them, and reads "
            "them back that way: the shapes are in the wrong order"
        ),
        "broken": ["summarize"],
        "fair_lost": (6.0, 18.0),
        "explanation": [
            ["channel", "(C, H, W)", "C, H, W"],
            ["order", "last", "first", "permut", "(H, W, C)", "H, W, C"],
        ],
        "explanation_zh": [
            ["通道", "(C, H, W)", "C, H, W"],
            ["顺序", "最后", "最前", "排列", "(H, W, C)"],
        ],
        "code": """
def summarize(input_shape, layers):
    channels, height, width = input_shape
    shape = (height, width, channels)
    rows = []
    for layer in layers:
        kind = layer["type"]
        params = 0
        if kind == "conv":
            height, width, channels = shape
            size, pad, stride = layer["size"], layer.get("pad", 0), layer.get("stride", 1)
            params = conv_params(size, channels, layer["filters"])
            out_h, out_w = _conv_size(height, size, pad, stride), _conv_size(width, size, pad, stride)
            shape = (out_h, out_w, layer["filters"])
        elif kind == "pool":
            height, width, channels = shape
            size = layer["size"]
            stride = layer.get("stride", size)
            shape = (_conv_size(height, size, 0, stride), _conv_size(width, size, 0, stride), channels)
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
    {
        "id": "params-summarize-running-total",
        "assignment": "params",
        "description": (
            "summarize reports each layer's params as the running total of the network so far, "
            "not the layer's own count"
        ),
        "broken": ["summarize"],
        "fair_lost": (5.0, 16.0),
        "explanation": [
            ["params", "parameter"],
            ["total", "cumulative", "running", "previous layers", "so far", "accumulat"],
        ],
        "explanation_zh": [
            ["参数"],
            ["总数", "总和", "累计", "累加", "之前", "前面各层"],
        ],
        "code": """
def summarize(input_shape, layers):
    shape = tuple(input_shape)
    rows = []
    total = 0
    for layer in layers:
        kind = layer["type"]
        if kind == "conv":
            channels, height, width = shape
            size, pad, stride = layer["size"], layer.get("pad", 0), layer.get("stride", 1)
            total += conv_params(size, channels, layer["filters"])
            out_h, out_w = _conv_size(height, size, pad, stride), _conv_size(width, size, pad, stride)
            shape = (layer["filters"], out_h, out_w)
        elif kind == "pool":
            channels, height, width = shape
            size = layer["size"]
            stride = layer.get("stride", size)
            shape = (channels, _conv_size(height, size, 0, stride), _conv_size(width, size, 0, stride))
        elif kind == "flatten":
            shape = (math.prod(shape),)
        elif kind == "fc":
            total += fc_params(math.prod(shape), layer["units"])
            shape = (layer["units"],)
        else:
            raise ValueError(f"unknown layer type {kind!r}")
        rows.append({"type": kind, "output_shape": shape, "params": total})
    return rows
""",
    },
    {
        "id": "params-summarize-true-division",
        "assignment": "params",
        "description": (
            "summarize computes convolution output sizes itself with /, (H + 2p - f) / s + 1: "
            "floats in the shapes, and fractions where the stride does not divide"
        ),
        "broken": ["summarize"],
        "fair_lost": (3.0, 14.0),
        "explanation": [
            ["float"],
            ["int", "integer", "//", "floor", "type"],
        ],
        "explanation_zh": [
            ["浮点", "float"],
            ["整数", "int", "//", "向下取整", "整除", "类型"],
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
            shape = (
                layer["filters"],
                (height + 2 * pad - size) / stride + 1,
                (width + 2 * pad - size) / stride + 1,
            )
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
]

# The student's ConvNet, written out as the stub asks (the class whole); the ConvNet cases change
# a line or two of it (_convnet below), as a student's file differs from the reference.
CONVNET = """
class ConvNet:
    def __init__(
        self,
        input_dim=(1, 8, 8),
        num_filters=8,
        filter_size=3,
        hidden_dim=64,
        num_classes=10,
        weight_scale=1e-2,
        reg=0.0,
        seed=0,
    ):
        self.reg = reg
        channels, height, width = input_dim
        rng = np.random.default_rng(seed)
        pooled = num_filters * (height // 2) * (width // 2)
        self.params = {
            "W1": weight_scale * rng.standard_normal((num_filters, channels, filter_size, filter_size)),
            "b1": np.zeros(num_filters),
            "W2": weight_scale * rng.standard_normal((pooled, hidden_dim)),
            "b2": np.zeros(hidden_dim),
            "W3": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
            "b3": np.zeros(num_classes),
        }

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
        weights = ("W1", "W2", "W3")
        loss += 0.5 * self.reg * sum(float(np.sum(p[k] ** 2)) for k in weights)
        grads = {}
        drelu2, grads["W3"], grads["b3"] = affine_backward(dscores, relu2, p["W3"], p["b3"])
        dhidden = relu_backward(drelu2, hidden)
        dpooled, grads["W2"], grads["b2"] = affine_backward(dhidden, pooled, p["W2"], p["b2"])
        dconv = relu_backward(_pool_backward(dpooled, pool_cache), conv)
        _, grads["W1"], grads["b1"] = _conv_backward(dconv, conv_cache)
        for k in weights:
            grads[k] = grads[k] + self.reg * p[k]
        return loss, grads
"""


def _convnet(*changes: tuple[str, str]) -> str:
    """The ConvNet above with each (old, new) line group replaced; every old text must be there."""
    code = CONVNET
    for old, new in changes:
        if old not in code:
            raise ValueError(f"not in the ConvNet template: {old!r}")
        code = code.replace(old, new)
    return code


CNN_CASES: list[dict[str, Any]] = [
    {
        "id": "cnn-relu-backward-in-place",
        "assignment": "cnn",
        "description": (
            "relu_backward zeroes dout in place, dout[x <= 0] = 0, and returns it: the values are "
            "right but the caller's upstream gradient is changed"
        ),
        "broken": ["relu_backward"],
        "fair_lost": (1.0, 3.0),
        "explanation": [
            ["in place", "in-place", "copy", "modif"],
        ],
        "explanation_zh": [
            ["原地", "副本", "修改", "拷贝", "复制"],
        ],
        "code": """
def relu_backward(dout, x):
    dout[x <= 0] = 0
    return dout
""",
    },
    {
        "id": "cnn-affine-forward-reshape-transposed",
        "assignment": "cnn",
        "description": (
            "affine_forward flattens with x.reshape(D, N).T instead of x.reshape(N, D): the right "
            "shape, the examples' numbers mixed whenever N > 1"
        ),
        "broken": ["affine_forward"],
        "fair_lost": (2.0, 3.0),
        "explanation": [
            ["order", "transpos", "mix", "scrambl", "permut"],
        ],
        "explanation_zh": [
            ["顺序", "转置", "混", "排列"],
        ],
        "code": """
def affine_forward(x, w, b):
    return x.reshape(w.shape[0], x.shape[0]).T @ w + b
""",
    },
    {
        "id": "cnn-affine-backward-db-wrong-axis",
        "assignment": "cnn",
        "description": "affine_backward sums db over axis 1 (the outputs) instead of axis 0 (the batch)",
        "broken": ["affine_backward"],
        "fair_lost": (1.0, 2.0),
        "explanation": [
            ["db"],
            ["axis", "batch", "over the examples"],
        ],
        "explanation_zh": [
            ["db"],
            ["轴", "批量", "axis=0", "样本"],
        ],
        "code": """
def affine_backward(dout, x, w, b):
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout.sum(axis=1)
""",
    },
    {
        "id": "cnn-affine-backward-dx-flat",
        "assignment": "cnn",
        "description": ("affine_backward returns dx as (N, D), flat, instead of reshaping it to x's shape"),
        "broken": ["affine_backward"],
        "fair_lost": (1.0, 2.0),
        "explanation": [
            ["dx"],
            ["reshape", "flat", "shape of x", "x's shape", "x.shape"],
        ],
        "explanation_zh": [
            ["dx"],
            ["reshape", "展平", "x 的形状", "x.shape"],
        ],
        "code": """
def affine_backward(dout, x, w, b):
    dx = dout @ w.T
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout.sum(axis=0)
""",
    },
    {
        "id": "cnn-softmax-no-max-shift",
        "assignment": "cnn",
        "description": (
            "softmax_loss exponentiates the raw scores without subtracting the row maximum: right on "
            "small scores, inf and nan (overflow) on scores near 1000"
        ),
        "broken": ["softmax_loss"],
        "fair_lost": (1.0, 3.0),
        "explanation": [
            ["overflow", "inf", "nan", "stabil"],
            ["max", "subtract", "shift"],
        ],
        "explanation_zh": [
            ["溢出", "inf", "nan", "稳定"],
            ["最大值", "max", "减去"],
        ],
        "code": """
def softmax_loss(scores, y):
    exp = np.exp(scores)
    probs = exp / exp.sum(axis=1, keepdims=True)
    n = scores.shape[0]
    loss = -np.log(probs[np.arange(n), y]).mean()
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
""",
    },
    {
        "id": "cnn-softmax-gradient-divided-twice",
        "assignment": "cnn",
        "description": (
            "softmax_loss divides dscores by N, then again on return: the gradient is N times too "
            "small; the loss is right"
        ),
        "broken": ["softmax_loss"],
        "fair_lost": (2.0, 5.0),
        "explanation": [
            ["dscores", "gradient"],
            ["twice", "batch", "divid", "factor", "times", "small", "1/n", "/ n"],
        ],
        "explanation_zh": [
            ["dscores", "梯度"],
            ["两次", "批量", "除", "倍", "小"],
        ],
        "code": """
def softmax_loss(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n = scores.shape[0]
    loss = -np.log(probs[np.arange(n), y]).mean()
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    dscores /= n
    return float(loss), dscores / n
""",
    },
    {
        "id": "cnn-softmax-labels-as-columns",
        "assignment": "cnn",
        "description": (
            "softmax_loss picks the labels' probabilities with probs[:, y], an N x N block (every "
            "example at every label), instead of probs[np.arange(N), y]; the gradient does the same"
        ),
        "broken": ["softmax_loss"],
        "fair_lost": (3.0, 6.0),
        "explanation": [
            ["label"],
            ["arange", "each example", "every example", "broadcast", "N x N", "wrong axis", "column"],
        ],
        "explanation_zh": [
            ["标签"],
            ["arange", "每个样本", "广播", "N x N", "列"],
        ],
        "code": """
def softmax_loss(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n = scores.shape[0]
    loss = -np.log(probs[:, y]).mean()
    dscores = probs.copy()
    dscores[:, y] -= 1
    return float(loss), dscores / n
""",
    },
    {
        "id": "cnn-convnet-reg-on-biases",
        "assignment": "cnn",
        "description": (
            "ConvNet.loss regularises every parameter, the biases too, in the loss and the gradient "
            "(consistent, but the docstring's L2 term is over W1, W2 and W3 only)"
        ),
        "broken": ["ConvNet"],
        "fair_lost": (1.0, 5.0),
        "explanation": [
            ["regulari", "reg", "L2"],
            ["bias", "b1", "b2", "b3"],
        ],
        "explanation_zh": [
            ["正则", "reg", "L2"],
            ["偏置", "bias", "b1", "b2", "b3"],
        ],
        "code": _convnet(
            (
                "sum(float(np.sum(p[k] ** 2)) for k in weights)",
                "sum(float(np.sum(value ** 2)) for value in p.values())",
            ),
            ("        for k in weights:\n", "        for k in grads:\n"),
        ),
    },
    {
        "id": "cnn-convnet-reg-missing-from-gradient",
        "assignment": "cnn",
        "description": (
            "ConvNet.loss adds 0.5 * reg * sum(W**2) to the loss but forgets reg * W in the gradients"
        ),
        "broken": ["ConvNet"],
        "fair_lost": (2.0, 8.0),
        "explanation": [
            ["reg", "regulari", "L2"],
            ["gradient", "grads"],
            ["missing", "forgot", "not in", "without", "reg * w", "reg*w", "absent", "only in the loss"],
        ],
        "explanation_zh": [
            ["正则", "reg", "L2"],
            ["梯度", "grads"],
            ["缺", "忘", "没有", "reg * W", "只在 loss"],
        ],
        "code": _convnet(
            ("        for k in weights:\n            grads[k] = grads[k] + self.reg * p[k]\n", ""),
        ),
    },
    {
        "id": "cnn-convnet-w2-forgets-pooling",
        "assignment": "cnn",
        "description": (
            "ConvNet.__init__ sizes W2 as F*H*W rows, forgetting that the 2x2 pooling halves H and W: "
            "four times too many rows, and the forward pass cannot multiply"
        ),
        "broken": ["ConvNet"],
        "fair_lost": (8.0, 17.0),
        "explanation": [
            ["W2"],
            ["pool", "H/2", "half", "four times", "4 times", "(H/2)"],
        ],
        "explanation_zh": [
            ["W2"],
            ["池化", "H/2", "一半", "四倍", "4 倍"],
        ],
        "code": _convnet(
            ("pooled = num_filters * (height // 2) * (width // 2)", "pooled = num_filters * height * width"),
        ),
    },
    {
        "id": "cnn-convnet-w3-gradient-before-relu",
        "assignment": "cnn",
        "description": (
            "ConvNet.loss passes the hidden layer before its ReLU (hidden) to the last affine_backward "
            "instead of the input that layer saw (relu2): dW3 takes the negative pre-activations"
        ),
        "broken": ["ConvNet"],
        "fair_lost": (3.0, 10.0),
        "explanation": [
            ["W3"],
            ["relu", "activation", "before", "pre-activation"],
        ],
        "explanation_zh": [
            ["W3"],
            ["relu", "ReLU", "激活", "之前", "激活前"],
        ],
        "code": _convnet(
            (
                'affine_backward(dscores, relu2, p["W3"], p["b3"])',
                'affine_backward(dscores, hidden, p["W3"], p["b3"])',
            ),
        ),
    },
    {
        "id": "cnn-convnet-uniform-weights",
        "assignment": "cnn",
        "description": (
            "ConvNet.__init__ draws the weights with rng.random (uniform on [0, 1)) instead of "
            "rng.standard_normal: all positive, mean weight_scale / 2, standard deviation 0.29 x "
            "weight_scale"
        ),
        "broken": ["ConvNet"],
        "fair_lost": (1.0, 6.0),
        "explanation": [
            ["normal", "uniform", "standard deviation", "std", "standard_normal"],
        ],
        "explanation_zh": [
            ["正态", "均匀", "标准差", "std", "standard_normal"],
        ],
        "code": _convnet(
            (
                "rng.standard_normal((num_filters, channels, filter_size, filter_size))",
                "rng.random((num_filters, channels, filter_size, filter_size))",
            ),
            ("rng.standard_normal((pooled, hidden_dim))", "rng.random((pooled, hidden_dim))"),
            ("rng.standard_normal((hidden_dim, num_classes))", "rng.random((hidden_dim, num_classes))"),
        ),
    },
    {
        "id": "cnn-train-shuffles-once",
        "assignment": "cnn",
        "description": (
            "train draws the permutation once, before the epoch loop: every epoch visits the "
            "examples in the same shuffled order"
        ),
        "broken": ["train"],
        "fair_lost": (0.5, 3.0),
        "explanation": [
            ["shuffle", "permutation", "order"],
            ["every epoch", "each epoch", "once", "same order", "reshuffl"],
        ],
        "explanation_zh": [
            ["打乱", "洗牌", "排列", "顺序", "permutation"],
            ["每个 epoch", "每个epoch", "每一个 epoch", "一次", "相同", "同样"],
        ],
        "code": """
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    order = rng.permutation(len(X))
    for _ in range(epochs):
        losses = []
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = model.loss(X[batch], y[batch])
            for name, grad in grads.items():
                model.params[name] -= lr * grad
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(_accuracy(model, X, y))
        history["val_acc"].append(_accuracy(model, X_val, y_val))
    return history
""",
    },
    {
        "id": "cnn-train-step-divided-by-batch",
        "assignment": "cnn",
        "description": (
            "train steps by lr * grad / batch_size: the loss is already a batch mean, so the batch "
            "is divided twice and the steps are batch_size times too small"
        ),
        "broken": ["train"],
        "fair_lost": (3.0, 10.0),
        "explanation": [
            ["batch_size", "batch size", "learning rate", "lr"],
            ["divid", "twice", "too small", "factor"],
        ],
        "explanation_zh": [
            ["batch_size", "批量大小", "学习率", "lr"],
            ["除", "两次", "太小", "倍"],
        ],
        "code": """
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = model.loss(X[batch], y[batch])
            for name, grad in grads.items():
                model.params[name] -= lr * grad / batch_size
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(_accuracy(model, X, y))
        history["val_acc"].append(_accuracy(model, X_val, y_val))
    return history
""",
    },
    {
        "id": "cnn-train-weights-only",
        "assignment": "cnn",
        "description": (
            "train updates W1, W2 and W3 only: the biases keep their initial zeros (the gradient "
            "loop runs over the weight names, not over grads)"
        ),
        "broken": ["train"],
        "fair_lost": (2.0, 8.0),
        "explanation": [
            ["bias", "b1", "b2", "b3"],
            ["update", "never", "unchanged", "stay", "not trained", "not updated"],
        ],
        "explanation_zh": [
            ["偏置", "bias", "b1", "b2", "b3"],
            ["更新", "不变", "没有训练", "仍为 0", "保持"],
        ],
        "code": """
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = model.loss(X[batch], y[batch])
            for name in ("W1", "W2", "W3"):
                model.params[name] -= lr * grads[name]
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(_accuracy(model, X, y))
        history["val_acc"].append(_accuracy(model, X_val, y_val))
    return history
""",
    },
]

CASES: list[dict[str, Any]] = CONV_CASES + IM2COL_CASES + POOL_CASES + PARAMS_CASES + CNN_CASES
