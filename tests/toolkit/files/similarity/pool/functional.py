"""Pooling with small helper functions and itertools."""

import itertools

import numpy as np


def pool_output_size(n, f, stride):
    """Output length along one axis."""
    if stride <= 0 or f <= 0 or f > n:
        raise ValueError(f"cannot pool {n} with window {f} and stride {stride}")
    return (n - f) // stride + 1


def _grid(shape, size, stride):
    """All (output row, output col, input row, input col) corners."""
    h_out = pool_output_size(shape[2], size, stride)
    w_out = pool_output_size(shape[3], size, stride)
    for oi, oj in itertools.product(range(h_out), range(w_out)):
        yield oi, oj, oi * stride, oj * stride


def _shape_out(shape, size, stride):
    return (shape[0], shape[1], pool_output_size(shape[2], size, stride),
            pool_output_size(shape[3], size, stride))


def max_pool_forward(x, size=2, stride=2):
    maxima = np.zeros(_shape_out(x.shape, size, stride))
    argmaxes = np.zeros(maxima.shape, dtype=np.int64)
    width = x.shape[3]
    for oi, oj, i0, j0 in _grid(x.shape, size, stride):
        region = x[:, :, i0:i0 + size, j0:j0 + size]
        flat = region.reshape(region.shape[0], region.shape[1], size * size)
        k = flat.argmax(-1)
        maxima[:, :, oi, oj] = flat.max(-1)
        argmaxes[:, :, oi, oj] = (i0 + k // size) * width + (j0 + k % size)
    return maxima, argmaxes


def max_pool_backward(dout, switches, x_shape):
    flat_dx = np.zeros(int(np.prod(x_shape)))
    plane = x_shape[2] * x_shape[3]
    base = np.arange(x_shape[0] * x_shape[1]).reshape(x_shape[0], x_shape[1], 1, 1) * plane
    np.add.at(flat_dx, (switches + base).ravel(), dout.ravel())
    return flat_dx.reshape(x_shape)


def avg_pool_forward(x, size=2, stride=2):
    means = np.zeros(_shape_out(x.shape, size, stride))
    for oi, oj, i0, j0 in _grid(x.shape, size, stride):
        means[:, :, oi, oj] = np.mean(x[:, :, i0:i0 + size, j0:j0 + size], axis=(2, 3))
    return means


def avg_pool_backward(dout, x_shape, size=2, stride=2):
    dx = np.zeros(x_shape)
    weight = 1.0 / (size * size)
    for oi, oj, i0, j0 in _grid(x_shape, size, stride):
        dx[:, :, i0:i0 + size, j0:j0 + size] += weight * dout[:, :, oi, oj, None, None]
    return dx
