"""Assignment 3: max and average pooling, forward and backward.

Pooling works on each (n, c) plane alone and has no parameters:

    x    (N, C, H, W)
    out  (N, C, H', W')  with H' = floor((H - size) / stride) + 1

Max pooling remembers its "switches": for every output, the flat index
h*W + w of the chosen input in its plane (the first maximum in row-major
window order, as np.argmax picks). The backward pass routes each gradient to
its switch only, so it needs no x.
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
    ### BEGIN SOLUTION
    if stride < 1 or f < 1:
        raise ValueError(f"window {f} and stride {stride} must both be >= 1")
    if f > n:
        raise ValueError(f"a window of size {f} does not fit in {n}")
    return (n - f) // stride + 1
    ### END SOLUTION


def _windows(x, size, stride):
    """Every pooling window of x as a view, shape (N, C, H', W', size, size)."""
    ### BEGIN SOLUTION
    ### HINT: numpy.lib.stride_tricks.sliding_window_view gives every window without a copy.
    out_h = pool_output_size(x.shape[2], size, stride)
    out_w = pool_output_size(x.shape[3], size, stride)
    windows = sliding_window_view(x, (size, size), axis=(2, 3))
    return windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    width = x.shape[3]
    out_h = pool_output_size(x.shape[2], size, stride)
    out_w = pool_output_size(width, size, stride)
    # a running maximum over the size*size offsets of the window, each a strided view of x;
    # a strict > keeps the first maximum in row-major order, as np.argmax does
    out = x[:, :, : out_h * stride : stride, : out_w * stride : stride].copy()
    choice = np.zeros(out.shape, dtype=np.uint16)  # position in the window; small ints are fast
    for offset in range(1, size * size):
        i, j = divmod(offset, size)
        candidate = x[:, :, i : i + out_h * stride : stride, j : j + out_w * stride : stride]
        larger = candidate > out
        choice += larger * (np.uint16(offset) - choice)  # offset where larger, unchanged elsewhere
        np.maximum(out, candidate, out=out)
    # switch = flat index of the window's corner + the chosen position's offset in the plane
    corners = (np.arange(out_h).reshape(-1, 1) * width + np.arange(out_w)) * stride
    position_offset = np.array([i * width + j for i in range(size) for j in range(size)], dtype=np.int64)
    return out, corners + position_offset[choice]
    ### END SOLUTION


def max_pool_backward(dout, switches, x_shape):
    """Route each upstream gradient to the input its maximum came from.

    Args:
        dout: upstream gradient, shape (N, C, H', W').
        switches: flat indices from max_pool_forward, shape (N, C, H', W').
        x_shape: (N, C, H, W) of the forward input.

    Returns:
        dx, shape x_shape; inputs chosen by several windows get the sum.
    """
    ### BEGIN SOLUTION
    n, channels, height, width = x_shape
    plane = height * width
    # offset every switch by its plane, then add all gradients in one pass
    offsets = np.arange(n * channels).reshape(n, channels, 1, 1) * plane
    flat_index = (switches + offsets).ravel()
    dx = np.bincount(flat_index, weights=dout.ravel(), minlength=n * channels * plane)
    return dx.reshape(x_shape)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    return _windows(x, size, stride).mean(axis=(-2, -1))
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    out_h, out_w = dout.shape[2:]
    dx = np.zeros(x_shape, dtype=np.result_type(dout, np.float64))
    share = dout / (size * size)
    for i in range(size):
        for j in range(size):
            dx[:, :, i : i + stride * out_h : stride, j : j + stride * out_w : stride] += share
    return dx
    ### END SOLUTION
