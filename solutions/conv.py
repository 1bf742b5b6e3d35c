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
    ### BEGIN SOLUTION
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    if n + 2 * pad < f:
        raise ValueError(f"a filter of size {f} does not fit in {n} + 2*{pad}")
    return (n + 2 * pad - f) // stride + 1
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if padding == "same":
        return math.ceil(n / stride)
    if padding == "valid":
        if f > n:
            raise ValueError(f"a filter of size {f} does not fit in {n} without padding")
        return math.ceil((n - f + 1) / stride)
    raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    ### END SOLUTION


def conv_single_step(a_slice, w, b):
    """Apply one filter to one window: sum(a_slice * w) + b.

    Args:
        a_slice: a window of the input, shape (C, HH, WW).
        w: one filter, same shape as a_slice.
        b: the filter's bias, a number.

    Returns:
        a Python float.
    """
    ### BEGIN SOLUTION
    return float(np.sum(a_slice * w) + b)
    ### END SOLUTION


def conv_forward(x, w, b, stride=1, pad=0):
    """Cross-correlate a batch of images with F filters (no kernel flip).

    The lecture's steps, one output at a time: pad the images with zeros, place
    filter f on the window under output (i, j), multiply and sum (conv_single_step,
    which adds the bias), then move the window by the stride. Slow on purpose: the
    fast version is one matrix product, conv_forward_im2col in assignment 2 (im2col).

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
    ### BEGIN SOLUTION
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
                    top, left = i * stride, j * stride  # the window moves by the stride
                    window = padded[n, :, top : top + hh, left : left + ww]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
    ### END SOLUTION
