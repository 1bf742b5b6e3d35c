"""Second evaluation set for issue 11: 42 more realistic student mistakes, held apart.

Written without reading the diagnosis code (grader/), the catalogues (tests/<id>/mistakes.py) or the
first set's cases beyond its first two, to measure how well the grader names, localises and charges
mistakes it was not told about. The format is the first set's (bench/diagnosis_cases.py): a case is
a dict with ``id``, ``assignment``, ``description``, ``broken``, ``fair_lost``, ``explanation``,
``explanation_zh`` and ``code``, and its submission is the reference module with
``textwrap.dedent(case["code"])`` executed on top.

One difference: ``fair_lost`` is written on today's points (below), not on the points the first set
was written against, so ``python bench/diagnosis.py --cases 2`` does not rescale it. The ranges are a
teacher's judgement of what the mistake breaks (the arithmetic of what today's suites would take is
in the comment above each case, for reference only); where a suite charges more than the mistake
deserves (every test of a function checks one small output), or nothing at all (no test reaches it),
the range says so and the case stays as it is.

Points per function today, from the ``@pytest.mark.points`` markers of tests/<id>/test_*.py (a
parametrized test's points are shared by its cases):

- conv (52): conv_output_size 8, padded_output_size 5, zero_pad 4, conv_single_step 4, conv_forward 31
- im2col (48): im2col 17, col2im 10, conv_forward_im2col 13, conv_backward_im2col 8
- pool (52): pool_output_size 6, pool_windows 5, max_pool_forward 17, max_pool_backward 10,
  avg_pool_forward 9, avg_pool_backward 5
- params (48): conv_params 16, fc_params 7, unshared_conv_params 4, summarize 21
- cnn (47): relu_forward 2, relu_backward 3, affine_forward 3, affine_backward 4, softmax_loss 6,
  ConvNet 17, train 12
"""

from __future__ import annotations

from typing import Any

CONV_CASES: list[dict[str, Any]] = [
    # conv_output_size (8): wrong whenever pad > 0. Public (pad 2: 10 for 12) 1; lecture values
    # 6 of 21 cases have pad > 0: 3 * 6/21 = 0.86; rejects_bad_geometry (3, 5, pad=1 gives 0) 1;
    # floors (pad 1 half the time) 1; defaults (pad=1 gives 7) 1; n-f+1 passes. About 4.9 of 8.
    {
        "id": "conv-output-size-pad-one-side",
        "assignment": "conv",
        "description": (
            "conv_output_size adds the padding once, (n + pad - f) // stride + 1, not on both sides"
        ),
        "broken": ["conv_output_size"],
        "fair_lost": (3.0, 8.0),
        "explanation": [
            ["pad", "padding"],
            ["2*pad", "2 * pad", "2p", "twice", "both sides", "each side", "one side", "once"],
        ],
        "explanation_zh": [
            ["填充", "pad"],
            ["2*pad", "2 * pad", "2p", "两侧", "两边", "每侧", "每边", "一侧", "一边", "两倍", "两次"],
        ],
        "code": """
def conv_output_size(n, f, pad=0, stride=1):
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    if n + 2 * pad < f:
        raise ValueError(f"a filter of size {f} does not fit")
    return (n + pad - f) // stride + 1
""",
    },
    # padded_output_size (5): "same" returns n whatever the stride (right only for stride 1).
    # Public (10, 4, 3, same) 1; lecture 2 of 6 cases (28/2 and 7/2 "same"): 2 * 2/6 = 0.67;
    # unknown-mode test uses stride 1, passes; even filters and uneven strides 1. About 2.7 of 5.
    {
        "id": "conv-padded-same-ignores-stride",
        "assignment": "conv",
        "description": (
            'padded_output_size returns n for "same" whatever the stride (ceil(n / stride) forgotten)'
        ),
        "broken": ["padded_output_size"],
        "fair_lost": (1.5, 4.0),
        "explanation": [["same"], ["stride", "ceil", "divide"]],
        "explanation_zh": [["same"], ["步长", "步幅", "stride", "ceil", "向上取整", "除以"]],
        "code": """
def padded_output_size(n, f, stride, padding):
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if padding == "same":
        return n  # "same" keeps the size
    if padding == "valid":
        if f > n:
            raise ValueError(f"a filter of size {f} does not fit in {n}")
        return math.ceil((n - f + 1) / stride)
    raise ValueError(f"unknown padding {padding!r}")
""",
    },
    # zero_pad (4): np.pad(x, pad) pads all four axes, N and C included; pad 0 is right. Public
    # shape test 1; six_to_eight 2; rectangular (pad 2, then pad 0) 1. 4 of 4.
    {
        "id": "conv-zero-pad-all-axes",
        "assignment": "conv",
        "description": "zero_pad returns np.pad(x, pad): the batch and channel axes are padded too",
        "broken": ["zero_pad"],
        "fair_lost": (2.5, 4.0),
        "explanation": [["channel", "batch", "axis", "axes", "dimension", "n and c", "first two", "every"]],
        "explanation_zh": [["通道", "批", "轴", "维", "n 和 c", "前两", "所有"]],
        "code": """
def zero_pad(x, pad):
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    return np.pad(x, pad)
""",
    },
    # conv_single_step (4): the mean of the products instead of their sum: every test fails,
    # public (1.75 for 5.5) 1, first two outputs 2, three channels 1. 4 of 4.
    {
        "id": "conv-single-step-mean",
        "assignment": "conv",
        "description": (
            "conv_single_step returns np.mean(a_slice * w) + b: the products are averaged, not summed"
        ),
        "broken": ["conv_single_step"],
        "fair_lost": (3.0, 4.0),
        "explanation": [["mean", "average", "divid", "scale", "factor", "sum"]],
        "explanation_zh": [["平均", "均值", "除以", "倍", "比例", "求和", "缩放", "相加"]],
        "code": """
def conv_single_step(a_slice, w, b):
    return float(np.mean(a_slice * w) + b)
""",
    },
    # conv_single_step (4): written for the grey-image example, it multiplies channel 0 only. The
    # public and first-two tests are single-channel and pass; three channels (1) fails. 1 of 4,
    # though summing over the channels is the point of 000 §1.5.
    {
        "id": "conv-single-step-first-channel-only",
        "assignment": "conv",
        "description": (
            "conv_single_step sums a_slice[0] * w[0] only: the other channels of the window are ignored"
        ),
        "broken": ["conv_single_step"],
        "fair_lost": (1.0, 3.0),
        "explanation": [["channel", "depth", "3-d", "3d"]],
        "explanation_zh": [["通道", "深度", "三维", "3d", "3-d"]],
        "code": """
def conv_single_step(a_slice, w, b):
    return float(np.sum(a_slice[0] * w[0]) + b)
""",
    },
    # conv_forward (31): conv_single_step(window, w[f], 0.0), the bias forgotten. Tests with a
    # non-zero b fail: public small example 2, cs231n demo 3, multichannel 2, random shapes 4,
    # rectangular 2; the lecture examples use b = 0. 13 of 31.
    {
        "id": "conv-forward-bias-forgotten",
        "assignment": "conv",
        "description": "conv_forward passes 0 as the bias to conv_single_step: b is never added",
        "broken": ["conv_forward"],
        "fair_lost": (4.0, 13.0),
        "explanation": [["bias", "constant offset", "b[f]"]],
        "explanation_zh": [["偏置", "偏差", "bias", "b[f]"]],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, channels, height, width = x.shape
    n_filters, filter_channels, hh, ww = w.shape
    if channels != filter_channels:
        raise ValueError(f"x has {channels} channels but the filters have {filter_channels}")
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
                    out[n, f, i, j] = conv_single_step(window, w[f], 0.0)
    return out
""",
    },
    # conv_forward (31): conv_output_size(height, hh, stride=stride) without pad=pad, then pads:
    # the output misses its last rows and columns when pad > 0. Public shape (pad 1) 1, cs231n
    # (pad 1) 3, random shapes (pad 0..2) 4, bad geometry (7x7 on 4x4 with pad 2 raises) 2,
    # rectangular (one case pad 1) 2. 12 of 31.
    {
        "id": "conv-forward-output-size-without-pad",
        "assignment": "conv",
        "description": (
            "conv_forward calls conv_output_size without pad=pad: the output is too small when pad > 0"
        ),
        "broken": ["conv_forward"],
        "fair_lost": (4.0, 12.0),
        "explanation": [["pad", "padding"], ["size", "shape", "smaller", "rows", "columns", "missing"]],
        "explanation_zh": [["填充", "pad"], ["尺寸", "形状", "大小", "shape", "行", "列", "缺"]],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, channels, height, width = x.shape
    n_filters, filter_channels, hh, ww = w.shape
    if channels != filter_channels:
        raise ValueError(f"x has {channels} channels but the filters have {filter_channels}")
    out_h = conv_output_size(height, hh, stride=stride)
    out_w = conv_output_size(width, ww, stride=stride)
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
    # conv_forward (31): square filters assumed, the filter height used for the width too. Only
    # rectangular filters show it: public not-flipped (a 1x2 filter) 1, rectangular 2x3 filters 2.
    # 3 of 31.
    {
        "id": "conv-forward-square-filter-assumed",
        "assignment": "conv",
        "description": "conv_forward reads one filter size from w.shape[2] and uses it for the width too",
        "broken": ["conv_forward"],
        "fair_lost": (1.5, 6.0),
        "explanation": [
            ["rectangular", "square", "width", "non-square", "2x3", "1x2", "ww", "height and width"]
        ],
        "explanation_zh": [["矩形", "正方形", "宽", "非方", "2x3", "1x2", "ww"]],
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, channels, height, width = x.shape
    n_filters, filter_channels, size, _ = w.shape  # filters are square
    if channels != filter_channels:
        raise ValueError(f"x has {channels} channels but the filters have {filter_channels}")
    out_h = conv_output_size(height, size, pad=pad, stride=stride)
    out_w = conv_output_size(width, size, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    window = padded[n, :, top : top + size, left : left + size]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
]

IM2COL_CASES: list[dict[str, Any]] = [
    # im2col (17): rows in (i, j, c) order (channels last, the TF layout of note 002), not
    # (c, i, j). One channel hides it: public tests, nine pixels, two by two and bad geometry pass;
    # AlexNet (3 channels) 2, random shapes 4, rectangular (2 channels) 1. 7 of 17.
    {
        "id": "im2col-rows-channel-last",
        "assignment": "im2col",
        "description": "im2col orders each column's rows (i, j, c), channels innermost, instead of (c, i, j)",
        "broken": ["im2col"],
        "fair_lost": (3.0, 10.0),
        "explanation": [["row", "order", "layout", "transpos"], ["channel"]],
        "explanation_zh": [["行", "顺序", "排列", "布局", "转置"], ["通道"]],
        "code": """
from numpy.lib.stride_tricks import sliding_window_view

def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    windows = sliding_window_view(padded, (fh, fw), axis=(2, 3))
    windows = windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    return windows.transpose(4, 5, 1, 0, 2, 3).reshape(fh * fw * channels, n * out_h * out_w)
""",
    },
    # im2col (17): each window read column by column (row c*fh*fw + j*fh + i). Windows one row high
    # hide it (public by hand, padding's symmetric centre); nine pixels 3, two by two 2, AlexNet 2,
    # random 4, bad geometry 1, rectangular 1. 13 of 17.
    {
        "id": "im2col-window-read-column-major",
        "assignment": "im2col",
        "description": "im2col stretches each window column by column (j before i) instead of row by row",
        "broken": ["im2col"],
        "fair_lost": (5.0, 13.0),
        "explanation": [
            ["order", "transpos", "column-major", "column by column", "fortran", "swap", "layout"]
        ],
        "explanation_zh": [["顺序", "转置", "列优先", "逐列", "交换", "排列", "布局"]],
        "code": """
from numpy.lib.stride_tricks import sliding_window_view

def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    windows = sliding_window_view(padded, (fh, fw), axis=(2, 3))
    windows = windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    return windows.transpose(1, 5, 4, 0, 2, 3).reshape(channels * fh * fw, n * out_h * out_w)
""",
    },
    # col2im (10): window[...] = blocks[:, i, j]: later filter offsets overwrite earlier ones where
    # windows overlap. Public adds overlaps 2, adjoint (random geometries overlap) 4, counts 2,
    # rectangular (2x3 windows at stride 2) 2. 10 of 10.
    {
        "id": "im2col-col2im-overwrites-overlaps",
        "assignment": "im2col",
        "description": (
            "col2im assigns each column entry to its pixel (=) instead of adding: overlaps are lost"
        ),
        "broken": ["col2im"],
        "fair_lost": (5.0, 10.0),
        "explanation": [["overlap", "add", "sum", "accumulat", "overwrit"]],
        "explanation_zh": [["重叠", "相加", "累加", "求和", "覆盖", "加起来"]],
        "code": """
def col2im(cols, x_shape, fh, fw, stride=1, pad=0):
    n, channels, height, width = x_shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    blocks = cols.reshape(channels, fh, fw, n, out_h, out_w)
    padded = np.zeros((channels, n, height + 2 * pad, width + 2 * pad), dtype=cols.dtype)
    for i in range(fh):
        for j in range(fw):
            window = padded[:, :, i : i + stride * out_h : stride, j : j + stride * out_w : stride]
            window[...] = blocks[:, i, j]
    inside = padded[:, :, pad : pad + height, pad : pad + width]
    return np.ascontiguousarray(inside.transpose(1, 0, 2, 3))
""",
    },
    # col2im (10): the scatter slices i : i + out_h (stride 1), whatever the stride. Public and
    # counts (stride 1) pass; adjoint (strides 1..2) 4, rectangular (strides 2, 3) 2. 6 of 10.
    {
        "id": "im2col-col2im-ignores-stride",
        "assignment": "im2col",
        "description": (
            "col2im sends column entries back to padded[:, :, i : i + out_h, j : j + out_w]: no stride"
        ),
        "broken": ["col2im"],
        "fair_lost": (3.0, 8.0),
        "explanation": [["stride"]],
        "explanation_zh": [["步长", "步幅", "stride"]],
        "code": """
def col2im(cols, x_shape, fh, fw, stride=1, pad=0):
    n, channels, height, width = x_shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    blocks = cols.reshape(channels, fh, fw, n, out_h, out_w)
    padded = np.zeros((channels, n, height + 2 * pad, width + 2 * pad), dtype=cols.dtype)
    for i in range(fh):
        for j in range(fw):
            padded[:, :, i : i + out_h, j : j + out_w] += blocks[:, i, j]
    inside = padded[:, :, pad : pad + height, pad : pad + width]
    return np.ascontiguousarray(inside.transpose(1, 0, 2, 3))
""",
    },
    # conv_forward_im2col (13): W_row = w.reshape(-1, F).T, a reshape where w.reshape(F, -1) is
    # meant; one filter hides it. Public and vertical edge (F = 1) pass; AlexNet 1, FC as conv 3,
    # bigger image 3, rectangular filters 2. 9 of 13.
    {
        "id": "im2col-forward-weights-reshaped-transposed",
        "assignment": "im2col",
        "description": (
            "conv_forward_im2col builds W_row as w.reshape(-1, F).T: the filters' weights are mixed"
        ),
        "broken": ["conv_forward_im2col"],
        "fair_lost": (5.0, 13.0),
        "explanation": [
            ["weight", "filter", "w_row", "w.reshape"],
            ["reshape", "transpos", "order", "layout"],
        ],
        "explanation_zh": [
            ["权重", "卷积核", "过滤器", "滤波器", "w_row", "w.reshape"],
            ["reshape", "转置", "顺序", "排列", "布局"],
        ],
        "code": """
def conv_forward_im2col(x, w, b, stride=1, pad=0):
    n = x.shape[0]
    n_filters, channels, fh, fw = w.shape
    if x.shape[1] != channels:
        raise ValueError(f"x has {x.shape[1]} channels but the filters have {channels}")
    cols = im2col(x, fh, fw, stride=stride, pad=pad)
    out = w.reshape(-1, n_filters).T @ cols
    out += b.reshape(-1, 1)
    out_h = (x.shape[2] + 2 * pad - fh) // stride + 1
    return out.reshape(n_filters, n, out_h, -1).transpose(1, 0, 2, 3), (x, w, b, stride, pad, cols)
""",
    },
    # conv_forward_im2col (13): the output is right; the cache holds (x, w, b, pad, stride, cols),
    # pad and stride swapped against the documented layout. No conv_forward_im2col test reads the
    # cache (0 of 13); conv_backward_im2col's chained test on its own cache fails (1), which is not
    # the backward pass's fault. A fair grader checks the documented cache: 0.5 to 2.
    {
        "id": "im2col-forward-cache-stride-pad-swapped",
        "assignment": "im2col",
        "description": (
            "conv_forward_im2col returns the cache (x, w, b, pad, stride, cols): pad and stride swapped"
        ),
        "broken": ["conv_forward_im2col"],
        "fair_lost": (0.5, 2.0),
        "explanation": [["cache"], ["stride", "pad", "order", "layout", "swap"]],
        "explanation_zh": [["cache", "缓存"], ["步长", "填充", "stride", "pad", "顺序", "交换"]],
        "code": """
def conv_forward_im2col(x, w, b, stride=1, pad=0):
    n = x.shape[0]
    n_filters, channels, fh, fw = w.shape
    if x.shape[1] != channels:
        raise ValueError(f"x has {x.shape[1]} channels but the filters have {channels}")
    cols = im2col(x, fh, fw, stride=stride, pad=pad)
    out = w.reshape(n_filters, -1) @ cols
    out += b.reshape(-1, 1)
    out_h = (x.shape[2] + 2 * pad - fh) // stride + 1
    return out.reshape(n_filters, n, out_h, -1).transpose(1, 0, 2, 3), (x, w, b, pad, stride, cols)
""",
    },
    # conv_backward_im2col (8): db = dout_rows.sum(axis=0), one number per column instead of per
    # filter. dx and dw are right, but every test checks db: public 1, numerical 4, sums over the
    # batch 2, own cache 1: 8 of 8. A teacher takes db's share, about a third: 2 to 5.
    {
        "id": "im2col-backward-db-wrong-axis",
        "assignment": "im2col",
        "description": (
            "conv_backward_im2col sums dout_rows over axis 0: db has one entry per position, not per filter"
        ),
        "broken": ["conv_backward_im2col"],
        "fair_lost": (2.0, 5.0),
        "explanation": [["db"], ["axis", "sum", "shape", "filter"]],
        "explanation_zh": [["db"], ["轴", "求和", "形状", "shape", "卷积核", "过滤器", "滤波器"]],
        "code": """
def conv_backward_im2col(dout, cache):
    x, w, _, stride, pad, cols = cache
    n_filters = w.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(n_filters, -1)
    dw = (dout_rows @ cols.T).reshape(w.shape)
    db = dout_rows.sum(axis=0)
    dcols = w.reshape(n_filters, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, w.shape[2], w.shape[3], stride=stride, pad=pad)
    return dx, dw, db
""",
    },
    # conv_backward_im2col (8): dcols = w.reshape(-1, F) @ dout_rows, a reshape where the transpose
    # of W_row is meant; dw and db are right. Public (F = 1, one weight) passes; numerical 4,
    # own cache 1; sums over the batch checks dw and db only, passes. 5 of 8.
    {
        "id": "im2col-backward-dx-reshape-not-transpose",
        "assignment": "im2col",
        "description": (
            "conv_backward_im2col computes dcols with w.reshape(-1, F) instead of w.reshape(F, -1).T"
        ),
        "broken": ["conv_backward_im2col"],
        "fair_lost": (2.0, 5.0),
        "explanation": [["dx"], ["transpos", "reshape", "w.t", "layout", "order"]],
        "explanation_zh": [["dx"], ["转置", "reshape", "顺序", "排列", "布局"]],
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
    # pool_output_size (6): (n - f) // stride, the + 1 forgotten: every value is one short. Public
    # 1, lecture values 2, bad geometry (3, 3, 1 gives 0) 1, AlexNet 1, floors 1. 6 of 6.
    {
        "id": "pool-output-size-forgets-plus-one",
        "assignment": "pool",
        "description": "pool_output_size returns (n - f) // stride, without the + 1: one output short",
        "broken": ["pool_output_size"],
        "fair_lost": (4.0, 6.0),
        "explanation": [
            ["+1", "+ 1", "one less", "one short", "off by one", "off-by-one", "one too few", "by 1"]
        ],
        "explanation_zh": [["+1", "+ 1", "少 1", "少一", "差 1", "差一", "小 1", "多 1"]],
        "code": """
def pool_output_size(n, f, stride):
    if stride < 1 or f < 1:
        raise ValueError(f"window {f} and stride {stride} must both be >= 1")
    if f > n:
        raise ValueError(f"a window of size {f} does not fit in {n}")
    return (n - f) // stride
""",
    },
    # pool_output_size (6): ceil mode, math.ceil((n - f) / stride) + 1: a partial last window is
    # kept. Every lecture value divides exactly; only the floors test (n = 5..9) fails: 1 of 6.
    {
        "id": "pool-output-size-ceil",
        "assignment": "pool",
        "description": "pool_output_size rounds up (ceil mode): a partial window at the edge counts",
        "broken": ["pool_output_size"],
        "fair_lost": (1.0, 3.0),
        "explanation": [["floor", "ceil", "round", "partial"]],
        "explanation_zh": [["向下取整", "向上取整", "取整", "floor", "ceil", "不完整"]],
        "code": """
import math


def pool_output_size(n, f, stride):
    if stride < 1 or f < 1:
        raise ValueError(f"window {f} and stride {stride} must both be >= 1")
    if f > n:
        raise ValueError(f"a window of size {f} does not fit in {n}")
    return math.ceil((n - f) / stride) + 1
""",
    },
    # pool_windows (5): each window is stride x stride (slices to top + stride), which numpy
    # broadcasts into the size x size slot when stride is 1 and refuses otherwise; size = stride
    # hides it. Public (size 2, stride 1) 1; four-by-four (2, 2) passes; random (3, 1 first) 2.
    # 3 of 5.
    {
        "id": "pool-windows-size-from-stride",
        "assignment": "pool",
        "description": (
            "pool_windows slices x[..., top : top + stride, left : left + stride]: stride for the size"
        ),
        "broken": ["pool_windows"],
        "fair_lost": (2.0, 5.0),
        "explanation": [["size", "window"], ["stride"]],
        "explanation_zh": [["大小", "窗口", "size"], ["步长", "步幅", "stride"]],
        "code": """
def pool_windows(x, size, stride):
    out_h = pool_output_size(x.shape[2], size, stride)
    out_w = pool_output_size(x.shape[3], size, stride)
    windows = np.empty((x.shape[0], x.shape[1], out_h, out_w, size, size), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            windows[:, :, i, j] = x[:, :, top : top + stride, left : left + stride]
    return windows
""",
    },
    # max_pool_forward (17): the argmax in the window is split into (row, column) with divmod by
    # the stride, not the window size; out is right. size = stride hides it (public, 4x4, one
    # window, ties); the 5x5 example checks out only. Random (3, 2) and (2, 1) 4, bad geometry
    # (2, 1) 1, defaults (size 3, stride 2) 1. 6 of 17.
    {
        "id": "pool-max-switches-divmod-by-stride",
        "assignment": "pool",
        "description": (
            "max_pool_forward splits the window argmax with divmod(argmax, stride) instead of size"
        ),
        "broken": ["max_pool_forward"],
        "fair_lost": (3.0, 8.0),
        "explanation": [
            ["switch"],
            ["divmod", "divid", "window width", "window size", "row length", "size", "index"],
        ],
        "explanation_zh": [
            ["switches", "开关", "索引", "位置"],
            ["divmod", "除", "窗口大小", "窗口宽", "行长", "size"],
        ],
        "code": """
def max_pool_forward(x, size=2, stride=2):
    windows = pool_windows(x, size, stride)
    n, channels, out_h, out_w = windows.shape[:4]
    flat = windows.reshape(n, channels, out_h, out_w, size * size)
    out = flat.max(axis=-1)
    row_in_window, column_in_window = np.divmod(flat.argmax(axis=-1), stride)
    rows = np.arange(out_h).reshape(-1, 1) * stride + row_in_window
    columns = np.arange(out_w) * stride + column_in_window
    return out, (rows * x.shape[3] + columns).astype(np.int64)
""",
    },
    # max_pool_backward (10): dx[...] = dout[...]: an input chosen by several overlapping windows
    # keeps the last gradient, not the sum. Public passes; needs_no_x (the 9 chosen four times) 3;
    # numerical (3, 2) half of 4 = 2 if a maximum is shared, (2, 2) passes; rectangular (3x3 at
    # stride 2) 2. 5 to 7 of 10.
    {
        "id": "pool-max-backward-overwrites-shared-switch",
        "assignment": "pool",
        "description": (
            "max_pool_backward assigns dout to dx at the switch (=): overlapping windows do not add up"
        ),
        "broken": ["max_pool_backward"],
        "fair_lost": (3.0, 7.0),
        "explanation": [
            [
                "overlap",
                "add",
                "sum",
                "accumulat",
                "overwrit",
                "several windows",
                "more than one",
                "four windows",
            ]
        ],
        "explanation_zh": [["重叠", "相加", "累加", "求和", "覆盖", "多个窗口", "加起来"]],
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
    # avg_pool_forward (9): the window's sum divided by size, not size * size: every value is size
    # times too large. Public 1, example 3, one window 1, random 2, defaults 1, global 1. 9 of 9.
    {
        "id": "pool-avg-divides-by-size",
        "assignment": "pool",
        "description": "avg_pool_forward divides the window's sum by size instead of size * size",
        "broken": ["avg_pool_forward"],
        "fair_lost": (5.0, 9.0),
        "explanation": [
            ["size * size", "size*size", "area", "divid", "scale", "factor", "mean", "average", "times"]
        ],
        "explanation_zh": [["面积", "除以", "倍", "比例", "平均", "均值", "缩放"]],
        "code": """
def avg_pool_forward(x, size=2, stride=2):
    return pool_windows(x, size, stride).sum(axis=(-2, -1)) / size
""",
    },
    # avg_pool_backward (5): each input of a window gets the whole dout, not dout / (size*size).
    # Public 1, numerical 3, defaults 1. 5 of 5.
    {
        "id": "pool-avg-backward-no-division",
        "assignment": "pool",
        "description": (
            "avg_pool_backward adds dout to every input of its window without dividing by size * size"
        ),
        "broken": ["avg_pool_backward"],
        "fair_lost": (3.0, 5.0),
        "explanation": [
            ["divid", "area", "scale", "factor", "size * size", "size*size", "1/", "times", "mean"]
        ],
        "explanation_zh": [["除以", "面积", "倍", "比例", "缩放", "1/", "平均", "均值"]],
        "code": """
def avg_pool_backward(dout, x_shape, size=2, stride=2):
    out_h, out_w = dout.shape[2:]
    dx = np.zeros(x_shape)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            dx[:, :, top : top + size, left : left + size] += dout[:, :, i, j][:, :, None, None]
    return dx
""",
    },
]

PARAMS_CASES: list[dict[str, Any]] = [
    # conv_params (16): n_filters * c_in * (f*f + bias): a bias per input channel of each filter.
    # Right without biases. Public 1, 280 2, 76/760 2, AlexNet 3, 3,010 2, FC as conv 2; the
    # bias=False tests (27C^2 / 49C^2, 200 weights) pass. 12 of 16.
    {
        "id": "params-conv-bias-per-input-channel",
        "assignment": "params",
        "description": (
            "conv_params returns n_filters * c_in * (f*f + bias): one bias per channel of each filter"
        ),
        "broken": ["conv_params"],
        "fair_lost": (7.0, 13.0),
        "explanation": [["bias"], ["channel", "per filter", "c_in", "each filter", "one per", "depth"]],
        "explanation_zh": [
            ["偏置", "偏差", "bias"],
            ["通道", "每个过滤器", "每个卷积核", "每个滤波器", "c_in", "深度"],
        ],
        "code": """
def conv_params(f, c_in, n_filters, bias=True):
    return n_filters * c_in * (f * f + int(bias))
""",
    },
    # fc_params (7): the bias is counted even when bias=False. The tests with biases pass; three
    # million (bias=False) 2, one neuron (weights only first) 1. 3 of 7.
    {
        "id": "params-fc-bias-always-counted",
        "assignment": "params",
        "description": "fc_params returns n_out * (n_in + 1): bias=False is ignored",
        "broken": ["fc_params"],
        "fair_lost": (1.5, 4.0),
        "explanation": [["bias"], ["false", "flag", "argument", "ignor", "weights only"]],
        "explanation_zh": [["偏置", "偏差", "bias"], ["false", "参数", "忽略", "只算权重"]],
        "code": """
def fc_params(n_in, n_out, bias=True):
    return n_out * (n_in + 1)
""",
    },
    # unshared_conv_params (4): one neuron per output position, the depth (n_filters) forgotten.
    # Public 1, AlexNet 3. 4 of 4.
    {
        "id": "params-unshared-depth-forgotten",
        "assignment": "params",
        "description": (
            "unshared_conv_params returns out_h * out_w * (f*f*c_in + bias): n_filters is forgotten"
        ),
        "broken": ["unshared_conv_params"],
        "fair_lost": (2.5, 4.0),
        "explanation": [["n_filters", "filters", "depth", "output channel", "per position", "96"]],
        "explanation_zh": [["过滤器", "卷积核", "滤波器", "n_filters", "深度", "输出通道", "96"]],
        "code": """
def unshared_conv_params(out_h, out_w, f, c_in, n_filters, bias=True):
    return out_h * out_w * (f * f * c_in + int(bias))
""",
    },
    # summarize (21): a conv layer's output shape is computed without its pad (the parameters are
    # right). Layers with pad > 0: cs231n demo and 32x32 pad 2 (2), CIFAR-10 (pad 1) 2, rectangular
    # (pad 1) 1. 5 of 21.
    {
        "id": "params-summarize-conv-shape-ignores-pad",
        "assignment": "params",
        "description": "summarize computes a conv layer's output size with pad 0: layer['pad'] is never read",
        "broken": ["summarize"],
        "fair_lost": (2.0, 7.0),
        "explanation": [["pad", "padding"]],
        "explanation_zh": [["填充", "pad"]],
        "code": """
def summarize(input_shape, layers):
    shape = tuple(input_shape)
    rows = []
    for layer in layers:
        kind = layer["type"]
        params = 0
        if kind == "conv":
            channels, height, width = shape
            size, stride = layer["size"], layer.get("stride", 1)
            params = conv_params(size, channels, layer["filters"])
            shape = (
                layer["filters"],
                _conv_size(height, size, 0, stride),
                _conv_size(width, size, 0, stride),
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
    # summarize (21): every conv layer's filters get the depth of the network's input, not of the
    # layer before (the notes' own slip, "16個5*5*3"). Only a second conv layer on a different
    # depth shows it: LeNet 4, the 39x39x3 chain 3; three 3x3 layers of 3 filters on 3 channels
    # pass. 7 of 21.
    {
        "id": "params-summarize-conv-channels-from-input",
        "assignment": "params",
        "description": (
            "summarize counts every conv layer's filters with input_shape[0] channels, not the layer before's"
        ),
        "broken": ["summarize"],
        "fair_lost": (3.0, 9.0),
        "explanation": [["channel", "depth", "c_in", "previous layer", "layer before", "input_shape"]],
        "explanation_zh": [["通道", "深度", "上一层", "前一层", "c_in", "input_shape"]],
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
            params = conv_params(size, input_shape[0], layer["filters"])
            shape = (
                layer["filters"],
                _conv_size(height, size, pad, stride),
                _conv_size(width, size, pad, stride),
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
    # summarize (21): layer.pop("type") removes the key from the caller's layer dicts; the table is
    # right, but the same list summarized twice raises KeyError. No current test calls it twice on
    # one list in the student's process (0 of 21); a fair grader checks that the layers are left
    # as they were: 0.5 to 2.
    {
        "id": "params-summarize-pops-layer-type",
        "assignment": "params",
        "description": (
            "summarize reads each layer with layer.pop('type'): the caller's layer list is modified"
        ),
        "broken": ["summarize"],
        "fair_lost": (0.5, 2.0),
        "explanation": [["in place", "in-place", "modif", "mutat", "changed", "pop", "keyerror"]],
        "explanation_zh": [["原地", "修改", "改变", "pop", "keyerror"]],
        "code": """
def summarize(input_shape, layers):
    shape = tuple(input_shape)
    rows = []
    for layer in layers:
        kind = layer.pop("type")
        params = 0
        if kind == "conv":
            channels, height, width = shape
            size, pad, stride = layer["size"], layer.get("pad", 0), layer.get("stride", 1)
            params = conv_params(size, channels, layer["filters"])
            shape = (
                layer["filters"],
                _conv_size(height, size, pad, stride),
                _conv_size(width, size, pad, stride),
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
    # conv_params (16): f squared with math.pow: every count is right but a float (280.0). The
    # suites compare numbers with their kind, so all 16 points go; a teacher takes a little for
    # the documented int: 1 to 4.
    {
        "id": "params-conv-float-from-math-pow",
        "assignment": "params",
        "description": "conv_params computes f*f as math.pow(f, 2): the count is a float such as 280.0",
        "broken": ["conv_params"],
        "fair_lost": (1.0, 4.0),
        "explanation": [["float", "int", "integer", "dtype", "type"]],
        "explanation_zh": [["浮点", "整数", "int", "float", "类型"]],
        "code": """
def conv_params(f, c_in, n_filters, bias=True):
    return n_filters * (math.pow(f, 2) * c_in + int(bias))
""",
    },
]

CNN_CASES: list[dict[str, Any]] = [
    # relu_forward (2): np.max(x, 0), the maximum along axis 0, where np.maximum(x, 0) is meant.
    # Public (a scalar 3) 1, hidden (a (4, 5) array) 1. 2 of 2.
    {
        "id": "cnn-relu-forward-np-max",
        "assignment": "cnn",
        "description": "relu_forward returns np.max(x, 0): the maximum along axis 0, not the elementwise max",
        "broken": ["relu_forward"],
        "fair_lost": (1.5, 2.0),
        "explanation": [["np.max", "maximum", "elementwise", "element-wise", "scalar", "shape", "axis"]],
        "explanation_zh": [["np.max", "maximum", "逐元素", "标量", "形状", "shape", "轴"]],
        "code": """
def relu_forward(x):
    return np.max(x, 0)
""",
    },
    # relu_backward (3): the gradient is masked by its own sign (dout > 0), not by the forward
    # input. Public (dout all positive) 1, hidden 2. 3 of 3.
    {
        "id": "cnn-relu-backward-masks-by-dout",
        "assignment": "cnn",
        "description": "relu_backward returns dout * (dout > 0): masked by the gradient's sign, not by x > 0",
        "broken": ["relu_backward"],
        "fair_lost": (2.0, 3.0),
        "explanation": [["x > 0", "input", "forward", "sign", "dout > 0", "mask", "negative"]],
        "explanation_zh": [["x > 0", "输入", "前向", "dout > 0", "符号", "掩码", "负"]],
        "code": """
def relu_backward(dout, x):
    return dout * (dout > 0)
""",
    },
    # affine_forward (3): b.reshape(-1, 1) is added as a column: (N, M) + (M, 1) broadcasts to
    # (M, M) for N = 1 and raises otherwise. Public (N = 1) 1, hidden (N = 5) 2. 3 of 3.
    {
        "id": "cnn-affine-forward-bias-column",
        "assignment": "cnn",
        "description": (
            "affine_forward adds b.reshape(-1, 1): the bias broadcasts as a column, (M, M) or an error"
        ),
        "broken": ["affine_forward"],
        "fair_lost": (2.0, 3.0),
        "explanation": [["bias", "b.reshape"], ["broadcast", "shape", "column", "reshape", "axis"]],
        "explanation_zh": [
            ["偏置", "偏差", "bias", "b.reshape"],
            ["广播", "形状", "shape", "列", "reshape", "轴"],
        ],
        "code": """
def affine_forward(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b.reshape(-1, 1)
""",
    },
    # affine_backward (4): db = dout.sum(axis=1), one number per example. dx and dw are right, but
    # both tests check db: public 1, numerical 3: 4 of 4. A teacher takes db's share: 1 to 2.
    {
        "id": "cnn-affine-backward-db-wrong-axis",
        "assignment": "cnn",
        "description": (
            "affine_backward returns db = dout.sum(axis=1): summed over the outputs, not the batch"
        ),
        "broken": ["affine_backward"],
        "fair_lost": (1.0, 2.0),
        "explanation": [["db"], ["axis", "shape", "sum", "batch"]],
        "explanation_zh": [["db"], ["轴", "形状", "shape", "求和", "批"]],
        "code": """
def affine_backward(dout, x, w, b):
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout.sum(axis=1)
""",
    },
    # softmax_loss (6): exp of the raw scores, no shift by the row maximum: right for small scores,
    # inf / inf = nan at 1000. Public and value/gradient pass; stable and averaged 2. 2 of 6.
    {
        "id": "cnn-softmax-no-max-shift",
        "assignment": "cnn",
        "description": (
            "softmax_loss takes np.exp(scores) without subtracting the row maximum: overflow at 1000"
        ),
        "broken": ["softmax_loss"],
        "fair_lost": (1.0, 3.0),
        "explanation": [["overflow", "inf", "nan", "stab", "maximum", "max", "shift", "subtract"]],
        "explanation_zh": [["溢出", "inf", "nan", "稳定", "最大值", "减去"]],
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
    # softmax_loss (6): the probabilities are normalised over axis 0 (the batch) instead of over
    # the classes of each row. Public (N = 1: every probability is 1, loss 0) 1, value and
    # gradient 3, stable 2. 6 of 6.
    {
        "id": "cnn-softmax-normalises-over-batch-axis",
        "assignment": "cnn",
        "description": (
            "softmax_loss divides exp by its sum over axis 0 (the batch), not over each row's classes"
        ),
        "broken": ["softmax_loss"],
        "fair_lost": (3.0, 6.0),
        "explanation": [["axis", "row", "normali", "batch", "column", "sum to 1", "sums to one", "classes"]],
        "explanation_zh": [["轴", "行", "归一", "批", "列", "和为 1", "类别"]],
        "code": """
def softmax_loss(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs = exp / exp.sum(axis=0, keepdims=True)
    n = scores.shape[0]
    loss = -np.log(probs[np.arange(n), y]).mean()
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
""",
    },
    # ConvNet (17): W2 gets num_filters * H * W rows, the 2x2 pooling forgotten. Tests that build
    # the net with its own weights: public shapes 1, parameter shapes 2, initial loss 2, weight
    # scale 2, seed 1; tests that set params themselves pass. 8 of 17. (The two training tests
    # that build a ConvNet fail too; they are train's and should not be charged.)
    {
        "id": "cnn-convnet-w2-rows-ignore-pooling",
        "assignment": "cnn",
        "description": "ConvNet.__init__ gives W2 num_filters * H * W rows: the 2x2 pooling is forgotten",
        "broken": ["ConvNet"],
        "fair_lost": (3.0, 8.0),
        "explanation": [["w2"], ["pool", "half", "/2", "/ 2", "rows", "shape", "128"]],
        "explanation_zh": [["w2"], ["池化", "一半", "/2", "形状", "shape", "行", "128"]],
        "code": """
class ConvNet(ConvNet):
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
        flat = num_filters * height * width
        self.params = {
            "W1": weight_scale * rng.standard_normal((num_filters, channels, filter_size, filter_size)),
            "b1": np.zeros(num_filters),
            "W2": weight_scale * rng.standard_normal((flat, hidden_dim)),
            "b2": np.zeros(hidden_dim),
            "W3": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
            "b3": np.zeros(num_classes),
        }
""",
    },
    # ConvNet (17): loss pads the convolution by 1, right for the default 3x3 filters only. The
    # one test with 5x5 filters and its own weights (rectangular images) 2; parameter shapes with
    # filter_size 5 only builds the net, passes. 2 of 17.
    {
        "id": "cnn-convnet-pad-hard-coded-one",
        "assignment": "cnn",
        "description": (
            "ConvNet.loss pads the convolution by 1 whatever filter_size: 5x5 filters shrink the maps"
        ),
        "broken": ["ConvNet"],
        "fair_lost": (1.0, 4.0),
        "explanation": [["pad", "padding"], ["filter_size", "5x5", "filter size", "same", "(fs - 1) // 2"]],
        "explanation_zh": [["填充", "pad"], ["卷积核", "过滤器", "滤波器", "5x5", "filter_size", "same"]],
        "code": """
class ConvNet(ConvNet):
    def loss(self, X, y=None):
        p = self.params
        pad = 1  # same padding
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
""",
    },
    # ConvNet (17): the loss adds 0.5 * reg * sum(W**2) but the gradients lack reg * W. With
    # reg > 0: gradient check (reg 0.3) 5, rectangular images (reg 0.1) 2; the regularised loss
    # test looks at the loss only, passes. 7 of 17.
    {
        "id": "cnn-convnet-reg-gradient-forgotten",
        "assignment": "cnn",
        "description": "ConvNet.loss adds the L2 term to the loss but not reg * W to the weight gradients",
        "broken": ["ConvNet"],
        "fair_lost": (3.0, 7.0),
        "explanation": [["reg", "regulari", "l2"], ["gradient", "grads", "derivative"]],
        "explanation_zh": [["reg", "正则", "l2"], ["梯度", "grads", "导数"]],
        "code": """
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
        loss += 0.5 * self.reg * sum(float(np.sum(p[k] ** 2)) for k in ("W1", "W2", "W3"))
        grads = {}
        drelu2, grads["W3"], grads["b3"] = affine_backward(dscores, relu2, p["W3"], p["b3"])
        dhidden = relu_backward(drelu2, hidden)
        dpooled, grads["W2"], grads["b2"] = affine_backward(dhidden, pooled, p["W2"], p["b2"])
        dconv = relu_backward(_pool_backward(dpooled, pool_cache), conv)
        _, grads["W1"], grads["b1"] = _conv_backward(dconv, conv_cache)
        return loss, grads
""",
    },
    # train (12): X and y are shuffled with two different permutations, so images lose their
    # labels. The public test passes (blank images, one full batch); seeds still decide the
    # weights (passes). One epoch is a shuffled pass 2, reshuffles 1, defaults (32 examples, one
    # batch, mismatched labels) 1, overfit 2, digits 4. 10 of 12.
    {
        "id": "cnn-train-labels-shuffled-separately",
        "assignment": "cnn",
        "description": (
            "train shuffles X and y with two separate permutations: every image gets a random label"
        ),
        "broken": ["train"],
        "fair_lost": (6.0, 12.0),
        "explanation": [["label"], ["shuffl", "permut", "order", "pair", "match", "own label", "same"]],
        "explanation_zh": [["标签"], ["打乱", "顺序", "对应", "配", "自己的标签", "排列", "同一"]],
        "code": """
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(epochs):
        X_epoch = X[rng.permutation(len(X))]
        y_epoch = y[rng.permutation(len(y))]
        losses = []
        for start in range(0, len(X), batch_size):
            loss, grads = model.loss(X_epoch[start : start + batch_size], y_epoch[start : start + batch_size])
            for name, grad in grads.items():
                model.params[name] -= lr * grad
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(_accuracy(model, X, y))
        history["val_acc"].append(_accuracy(model, X_val, y_val))
    return history
""",
    },
    # train (12): params += lr * grad, gradient ascent. Public (one step at lr 0.5) 1, one epoch 2,
    # reshuffles 1, defaults 1, overfit 2, digits 4; seeds still decide the weights. 11 of 12.
    {
        "id": "cnn-train-gradient-ascent",
        "assignment": "cnn",
        "description": "train updates params += lr * grad: a step up the loss instead of down",
        "broken": ["train"],
        "fair_lost": (6.0, 12.0),
        "explanation": [
            ["sign", "ascent", "subtract", "+=", "minus", "direction", "opposite", "-lr", "- lr"]
        ],
        "explanation_zh": [["符号", "上升", "减去", "+=", "方向", "相反", "-lr"]],
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
                model.params[name] += lr * grad
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(_accuracy(model, X, y))
        history["val_acc"].append(_accuracy(model, X_val, y_val))
    return history
""",
    },
    # train (12): history["loss"] gets every minibatch's loss, not one mean per epoch; the weights
    # are right. The public test has one batch per epoch (passes); the hidden tests judge the
    # weights, never the history (0 of 12). A fair grader checks the documented history: 0.5 to 2.
    {
        "id": "cnn-train-loss-history-per-batch",
        "assignment": "cnn",
        "description": "train extends history['loss'] with every minibatch loss: not one entry per epoch",
        "broken": ["train"],
        "fair_lost": (0.5, 2.0),
        "explanation": [
            ["history", "loss"],
            ["epoch", "per batch", "minibatch", "entries", "length", "mean"],
        ],
        "explanation_zh": [
            ["history", "loss", "历史"],
            ["epoch", "每个批", "批量", "条目", "长度", "项", "平均"],
        ],
        "code": """
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = model.loss(X[batch], y[batch])
            for name, grad in grads.items():
                model.params[name] -= lr * grad
            history["loss"].append(float(loss))
        history["train_acc"].append(_accuracy(model, X, y))
        history["val_acc"].append(_accuracy(model, X_val, y_val))
    return history
""",
    },
]

CASES: list[dict[str, Any]] = CONV_CASES + IM2COL_CASES + POOL_CASES + PARAMS_CASES + CNN_CASES
