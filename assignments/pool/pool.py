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
    # YOUR CODE HERE
    raise NotImplementedError


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
    # HINT: copy the window under each output (i, j), or slice numpy's sliding_window_view.
    # YOUR CODE HERE
    raise NotImplementedError


def max_pool_forward(x, size=2, stride=2):
    """Max pooling that records where each maximum came from.

    Args:
        x: input, shape (N, C, H, W).
        size: window height and width.
        stride: step between windows.

    Returns:
        out: shape (N, C, H', W'), the maximum of each window.
        switches: shape (N, C, H', W'), int64, the flat index h*W + w in its
            (n, c) plane of each chosen input (the first maximum in row-major
            window order, as np.argmax picks it).

    Raises:
        ValueError: if the window does not fit or stride < 1.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def max_pool_backward(dout, switches, x_shape):
    """Route each upstream gradient to the input its maximum came from.

    Args:
        dout: upstream gradient, shape (N, C, H', W').
        switches: flat indices from max_pool_forward, shape (N, C, H', W').
        x_shape: (N, C, H, W) of the forward input.

    Returns:
        dx, shape x_shape; inputs chosen by several windows get the sum.
    """
    # YOUR CODE HERE
    raise NotImplementedError


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
    # YOUR CODE HERE
    raise NotImplementedError


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
    # YOUR CODE HERE
    raise NotImplementedError
