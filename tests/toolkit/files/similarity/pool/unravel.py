"""Assignment 3: max and average pooling, forward and backward.

My version uses sliding_window_view and np.unravel_index.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def pool_output_size(n, f, stride):
    """Size of a pooling output along one axis.

    Args:
        n: input size.
        f: window size.
        stride: step between windows, >= 1.

    Returns:
        floor((n - f) / stride) + 1.

    Raises:
        ValueError: if stride < 1, f < 1, or the window does not fit.
    """
    ok = stride >= 1 and f >= 1 and f <= n
    if not ok:
        raise ValueError("invalid pooling geometry")
    return int(np.floor((n - f) / stride)) + 1


def max_pool_forward(x, size=2, stride=2):
    """Max pooling that records where each maximum came from.

    Args:
        x: input, shape (N, C, H, W).
        size: window height and width.
        stride: step between windows.

    Returns:
        out: shape (N, C, H', W'), the maximum of each window.
        switches: shape (N, C, H', W'), int64, the flat index h*W + w in its
            (n, c) plane of each chosen input (the first maximum in the window).

    Raises:
        ValueError: if the window does not fit or stride < 1.
    """
    height, width = x.shape[2], x.shape[3]
    oh = pool_output_size(height, size, stride)
    ow = pool_output_size(width, size, stride)
    wins = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :oh, :ow]
    wins = wins.reshape(*wins.shape[:4], -1)
    best = np.argmax(wins, axis=4)
    out = np.max(wins, axis=4)
    r, s = np.unravel_index(best, (size, size))
    rows = r + stride * np.arange(oh).reshape(oh, 1)
    cols = s + stride * np.arange(ow).reshape(1, ow)
    switches = np.ravel_multi_index((rows, cols), (height, width)).astype(np.int64)
    return out, switches


def max_pool_backward(dout, switches, x_shape):
    """Route each upstream gradient to the input its maximum came from.

    Args:
        dout: upstream gradient, shape (N, C, H', W').
        switches: flat indices from max_pool_forward, shape (N, C, H', W').
        x_shape: (N, C, H, W) of the forward input.

    Returns:
        dx, shape x_shape; inputs chosen by several windows get the sum.
    """
    N, C = x_shape[0], x_shape[1]
    dx = np.zeros((N, C, x_shape[2] * x_shape[3]))
    for b in range(N):
        for ch in range(C):
            np.add.at(dx[b, ch], switches[b, ch].ravel(), dout[b, ch].ravel())
    return dx.reshape(x_shape)


def avg_pool_forward(x, size=2, stride=2):
    """Average pooling.

    Args:
        x: input, shape (N, C, H, W).
        size: window height and width.
        stride: step between windows.

    Returns:
        out, shape (N, C, H', W'), the mean of each window.

    Raises:
        ValueError: if the window does not fit or stride < 1.
    """
    oh = pool_output_size(x.shape[2], size, stride)
    ow = pool_output_size(x.shape[3], size, stride)
    wins = sliding_window_view(x, (size, size), axis=(2, 3))
    return wins[:, :, ::stride, ::stride][:, :, :oh, :ow].sum(axis=(-1, -2)) / (size * size)


def avg_pool_backward(dout, x_shape, size=2, stride=2):
    """Spread each upstream gradient evenly over its window.

    Args:
        dout: upstream gradient, shape (N, C, H', W').
        x_shape: (N, C, H, W) of the forward input.
        size: window height and width.
        stride: step between windows.

    Returns:
        dx, shape x_shape; overlapping windows add up.
    """
    dx = np.zeros(x_shape)
    oh, ow = dout.shape[-2:]
    for a in range(oh):
        for c in range(ow):
            block = dx[:, :, a * stride:a * stride + size, c * stride:c * stride + size]
            block += np.expand_dims(dout[:, :, a, c], (2, 3)) / size / size
    return dx
