import numpy as np
from numpy.lib.stride_tricks import as_strided


def pool_output_size(n, f, stride):
    """Size of a pooling output along one axis."""
    if f < 1:
        raise ValueError(f"bad window size {f}")
    if stride < 1:
        raise ValueError(f"bad stride {stride}")
    if n < f:
        raise ValueError(f"window {f} does not fit in {n}")
    return 1 + (n - f) // stride


def _view(x, size, stride):
    # a (N, C, Ho, Wo, size, size) view of the windows, no copy
    n, c, h, w = x.shape
    ho = pool_output_size(h, size, stride)
    wo = pool_output_size(w, size, stride)
    sn, sc, sh, sw = x.strides
    return as_strided(x, shape=(n, c, ho, wo, size, size),
                      strides=(sn, sc, sh * stride, sw * stride, sh, sw), writeable=False)


def max_pool_forward(x, size=2, stride=2):
    view = _view(x, size, stride)
    n, c, ho, wo = view.shape[:4]
    flat = view.reshape(n, c, ho, wo, size * size)
    pick = flat.argmax(axis=-1)
    out = np.take_along_axis(flat, pick[..., None], axis=-1)[..., 0]
    row = np.arange(ho)[:, None] * stride + pick // size
    col = np.arange(wo)[None, :] * stride + pick % size
    return out, (row * x.shape[3] + col).astype(np.int64)


def max_pool_backward(dout, switches, x_shape):
    n, c, h, w = x_shape
    grad = np.zeros((n * c, h * w))
    planes = np.repeat(np.arange(n * c), switches[0, 0].size)
    np.add.at(grad, (planes, switches.reshape(-1)), dout.reshape(-1))
    return grad.reshape(x_shape)


def avg_pool_forward(x, size=2, stride=2):
    return _view(x, size, stride).mean(axis=(4, 5))


def avg_pool_backward(dout, x_shape, size=2, stride=2):
    grad = np.zeros(x_shape)
    ho, wo = dout.shape[2], dout.shape[3]
    part = dout / size ** 2
    for di in range(size):
        for dj in range(size):
            grad[:, :, di:di + stride * (ho - 1) + 1:stride, dj:dj + stride * (wo - 1) + 1:stride] += part
    return grad
