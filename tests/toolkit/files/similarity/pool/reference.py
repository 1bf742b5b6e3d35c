# Frozen: solutions/pool.py as it was before issue 20 (a vectorised max_pool_forward), the pool
# corpus's seventh style; see corpus.originals.
"""Assignment 3: max and average pooling, forward and backward.

Pooling works on each (n, c) plane alone and has no parameters: a size x size
window moves by the stride over the plane, as a filter does in a convolution, and
each window gives one number, its maximum or its mean.

    x        (N, C, H, W)
    windows  (N, C, H', W', size, size)   pool_windows
    out      (N, C, H', W')  with H' = floor((H - size) / stride) + 1

Max pooling remembers its "switches": for every output, the flat index
h*W + w of the chosen input in its plane (the first maximum in row-major
window order, as np.argmax picks). The backward pass routes each gradient to
its switch only, so it needs no x.
"""

import numpy as np


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


def pool_windows(x, size, stride):
    """Every pooling window of x: the window moves by the stride over each (n, c) plane.

    Args:
        x: input, shape (N, C, H, W).
        size: window height and width.
        stride: step between windows, >= 1.

    Returns:
        windows, shape (N, C, H', W', size, size), with windows[n, c, i, j] =
        x[n, c, i*stride : i*stride + size, j*stride : j*stride + size]
        (a copy, or a view of x without a copy).

    Raises:
        ValueError: if the window does not fit or stride < 1.
    """
    ### BEGIN SOLUTION
    ### HINT: copy the window under each output (i, j), or slice numpy's sliding_window_view.
    out_h = pool_output_size(x.shape[2], size, stride)
    out_w = pool_output_size(x.shape[3], size, stride)
    windows = np.empty((x.shape[0], x.shape[1], out_h, out_w, size, size), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            windows[:, :, i, j] = x[:, :, top : top + size, left : left + size]
    return windows
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
    windows = pool_windows(x, size, stride)
    n, channels, out_h, out_w = windows.shape[:4]
    # each window as one row of size*size values in row-major order: argmax picks the first maximum
    flat = windows.reshape(n, channels, out_h, out_w, size * size)
    out = flat.max(axis=-1)
    # the switch: the maximum's row and column in the window, moved to where the window sits
    row_in_window, column_in_window = np.divmod(flat.argmax(axis=-1), size)
    rows = np.arange(out_h).reshape(-1, 1) * stride + row_in_window
    columns = np.arange(out_w) * stride + column_in_window
    return out, (rows * x.shape[3] + columns).astype(np.int64)
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
    n, channels, _, width = x_shape
    out_h, out_w = dout.shape[2:]
    dx = np.zeros(x_shape)
    for image in range(n):
        for channel in range(channels):
            for i in range(out_h):
                for j in range(out_w):
                    # only the maximum passed forward, so only it receives the gradient
                    row, column = divmod(int(switches[image, channel, i, j]), width)
                    dx[image, channel, row, column] += dout[image, channel, i, j]  # overlaps add up
    return dx
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
    return pool_windows(x, size, stride).mean(axis=(-2, -1))
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
    dx = np.zeros(x_shape)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            # every input of the window counted 1/(size*size) in the mean
            share = dout[:, :, i, j] / (size * size)
            dx[:, :, top : top + size, left : left + size] += share[:, :, None, None]
    return dx
    ### END SOLUTION
