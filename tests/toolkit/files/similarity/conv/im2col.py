"""Assignment 1: convolution by hand.

Convolution in this course is cross-correlation (no kernel flip) with zero
padding, on batches in NCHW layout:

    x  (N, C, H, W)    images
    w  (F, C, HH, WW)  filters
    b  (F,)            one bias per filter
    out (N, F, H', W') with H' = floor((H + 2*pad - HH) / stride) + 1

Call optional arguments by keyword: conv_forward(x, w, b, stride=2, pad=1).
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_output_size(n, f, pad=0, stride=1):
    """Size of a convolution's output along one axis (the floor convention).

    Args:
        n: input size (height or width).
        f: filter size along that axis.
        pad: zeros added on each side.
        stride: step between windows, >= 1.

    Returns:
        floor((n + 2*pad - f) / stride) + 1, an int >= 1.

    Raises:
        ValueError: if stride < 1, pad < 0, or the filter does not fit.
    """
    if stride < 1 or pad < 0 or n + 2 * pad - f < 0:
        raise ValueError("invalid convolution geometry")
    return math.floor((n + 2 * pad - f) / stride) + 1


def padded_output_size(n, f, stride, padding):
    """Output size under a framework's padding mode ("same" or "valid").

    Args:
        n: input size along one axis.
        f: filter size along that axis.
        stride: step between windows, >= 1.
        padding: "same" (pad so that out = ceil(n / stride)) or "valid"
            (no padding: out = ceil((n - f + 1) / stride)).

    Returns:
        the output size, an int >= 1.

    Raises:
        ValueError: for an unknown mode, stride < 1, or a filter larger than
            the input under "valid".
    """
    if stride < 1:
        raise ValueError("invalid stride")
    if padding == "valid" and n >= f:
        return (n - f) // stride + 1
    if padding == "same":
        return (n + stride - 1) // stride
    raise ValueError("invalid padding or geometry")


def zero_pad(x, pad):
    """Pad the height and width of a batch with zeros.

    Args:
        x: images, shape (N, C, H, W).
        pad: zeros added on each side of H and W, >= 0.

    Returns:
        shape (N, C, H + 2*pad, W + 2*pad), same dtype as x.

    Raises:
        ValueError: if pad < 0.
    """
    if pad < 0:
        raise ValueError("invalid pad")
    widths = ((0, 0), (0, 0), (pad, pad), (pad, pad))
    return np.pad(x, widths)


def conv_single_step(a_slice, w, b):
    """Apply one filter to one window: sum(a_slice * w) + b.

    Args:
        a_slice: a window of the input, shape (C, HH, WW).
        w: one filter, same shape as a_slice.
        b: the filter's bias, a number.

    Returns:
        a Python float.
    """
    return float(a_slice.ravel() @ w.ravel() + b)


def conv_forward(x, w, b, stride=1, pad=0):
    """Cross-correlate a batch of images with F filters (no kernel flip).

    Args:
        x: input, shape (N, C, H, W), float64.
        w: filters, shape (F, C, HH, WW).
        b: biases, shape (F,).
        stride: step between windows, >= 1.
        pad: zeros added on each side of H and W.

    Returns:
        out, shape (N, F, H', W') with H' = (H + 2*pad - HH) // stride + 1.

    Raises:
        ValueError: if stride < 1, the channels differ, or the geometry gives
            no output.
    """
    N, C, H, W = x.shape
    F, Cw, HH, WW = w.shape
    if Cw != C:
        raise ValueError("channels of x and w differ")
    Ho = conv_output_size(H, HH, pad=pad, stride=stride)
    Wo = conv_output_size(W, WW, pad=pad, stride=stride)
    cols = sliding_window_view(zero_pad(x, pad), (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    cols = cols[:, :, :Ho, :Wo]  # (N, C, Ho, Wo, HH, WW)
    cols = cols.transpose(0, 2, 3, 1, 4, 5).reshape(N * Ho * Wo, C * HH * WW)
    res = cols @ w.reshape(F, -1).T + b  # (N*Ho*Wo, F)
    return res.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)
