import numpy as np

# Pooling by gathering every window into one big array with fancy indexing.


def pool_output_size(n, f, stride):
    if not (stride >= 1 and f >= 1):
        raise ValueError("stride and window size must be at least 1")
    if n - f < 0:
        raise ValueError("window does not fit")
    return (n - f) // stride + 1


def gather_indices(H, W, size, stride):
    Ho = pool_output_size(H, size, stride)
    Wo = pool_output_size(W, size, stride)
    base = (np.arange(Ho) * stride)[:, None] * W + (np.arange(Wo) * stride)[None, :]
    offs = (np.arange(size)[:, None] * W + np.arange(size)[None, :]).ravel()
    return base[:, :, None] + offs[None, None, :], Ho, Wo


def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    idx, Ho, Wo = gather_indices(H, W, size, stride)
    planes = x.reshape(N, C, H * W)
    vals = planes[:, :, idx]
    choice = vals.argmax(axis=-1)
    switches = np.take_along_axis(np.broadcast_to(idx, vals.shape), choice[..., None], axis=-1)[..., 0]
    out = vals.max(axis=-1)
    return out, switches.astype(np.int64)


def max_pool_backward(dout, switches, x_shape):
    N, C, H, W = x_shape
    dx = np.zeros((N, C, H * W))
    for n in range(N):
        for c in range(C):
            dx[n, c] = np.bincount(switches[n, c].ravel(), weights=dout[n, c].ravel(), minlength=H * W)
    return dx.reshape(N, C, H, W)


def avg_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    idx, Ho, Wo = gather_indices(H, W, size, stride)
    return x.reshape(N, C, H * W)[:, :, idx].mean(axis=-1)


def avg_pool_backward(dout, x_shape, size=2, stride=2):
    N, C, H, W = x_shape
    idx, Ho, Wo = gather_indices(H, W, size, stride)
    dx = np.zeros((N * C, H * W))
    spread = np.repeat(dout.reshape(N * C, Ho * Wo, 1), size * size, axis=2) / (size * size)
    for plane in range(N * C):
        np.add.at(dx[plane], idx.reshape(-1), spread[plane].reshape(-1))
    return dx.reshape(x_shape)
