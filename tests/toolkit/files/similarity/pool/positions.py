import numpy as np


def pool_output_size(n, f, stride):
    if min(f, stride) < 1:
        raise ValueError("window and stride must be >= 1")
    span = n - f
    if span < 0:
        raise ValueError("the window is larger than the input")
    return span // stride + 1


def max_pool_forward(x, size=2, stride=2):
    batch, channels, height, width = x.shape
    rows = pool_output_size(height, size, stride)
    cols = pool_output_size(width, size, stride)
    result = np.empty((batch, channels, rows, cols), dtype=x.dtype)
    where = np.empty((batch, channels, rows, cols), dtype=np.int64)
    # one output position at a time, all images and channels at once
    for r in range(rows):
        for c in range(cols):
            top, left = r * stride, c * stride
            patch = x[:, :, top:top + size, left:left + size].reshape(batch, channels, -1)
            idx = patch.argmax(axis=2)
            result[:, :, r, c] = np.take_along_axis(patch, idx[:, :, None], axis=2)[:, :, 0]
            where[:, :, r, c] = (top + idx // size) * width + left + idx % size
    return result, where


def max_pool_backward(dout, switches, x_shape):
    batch, channels, height, width = x_shape
    grad = np.zeros((batch, channels, height * width), dtype=float)
    b_idx = np.arange(batch)[:, None, None, None]
    c_idx = np.arange(channels)[None, :, None, None]
    b_idx, c_idx = np.broadcast_arrays(b_idx, c_idx, switches)[:2]
    np.add.at(grad, (b_idx, c_idx, switches), dout)
    return grad.reshape(x_shape)


def avg_pool_forward(x, size=2, stride=2):
    batch, channels, height, width = x.shape
    rows = pool_output_size(height, size, stride)
    cols = pool_output_size(width, size, stride)
    total = np.zeros((batch, channels, rows, cols))
    for dr in range(size):
        for dc in range(size):
            total += x[:, :, dr:dr + rows * stride:stride, dc:dc + cols * stride:stride]
    return total / size ** 2


def avg_pool_backward(dout, x_shape, size=2, stride=2):
    grad = np.zeros(x_shape)
    rows, cols = dout.shape[2:]
    for r in range(rows):
        for c in range(cols):
            top, left = r * stride, c * stride
            grad[:, :, top:top + size, left:left + size] += dout[:, :, r:r + 1, c:c + 1] / size ** 2
    return grad
