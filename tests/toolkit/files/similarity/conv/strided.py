import numpy as np
from numpy.lib.stride_tricks import as_strided


def conv_output_size(n, f, pad=0, stride=1):
    if stride < 1:
        raise ValueError("stride < 1")
    if pad < 0:
        raise ValueError("pad < 0")
    if f > n + 2 * pad:
        raise ValueError("filter does not fit")
    return 1 + (n + 2 * pad - f) // stride


def padded_output_size(n, f, stride, padding):
    if stride < 1:
        raise ValueError("stride < 1")
    if padding == "same":
        return (n - 1) // stride + 1
    if padding == "valid":
        if f > n:
            raise ValueError("filter does not fit")
        return (n - f) // stride + 1
    raise ValueError("padding must be same or valid")


def zero_pad(x, pad):
    if pad < 0:
        raise ValueError("pad < 0")
    padded = np.zeros(x.shape[:2] + (x.shape[2] + 2 * pad, x.shape[3] + 2 * pad), dtype=x.dtype)
    padded[..., pad:padded.shape[2] - pad, pad:padded.shape[3] - pad] = x
    return padded


def conv_single_step(a_slice, w, b):
    return float(np.vdot(a_slice, w) + b)


def conv_forward(x, w, b, stride=1, pad=0):
    if w.shape[1] != x.shape[1]:
        raise ValueError("channels differ")
    xp = np.ascontiguousarray(zero_pad(x, pad))
    n, c, h, wd = xp.shape
    f, _, kh, kw = w.shape
    oh = conv_output_size(x.shape[2], kh, pad=pad, stride=stride)
    ow = conv_output_size(x.shape[3], kw, pad=pad, stride=stride)
    s0, s1, s2, s3 = xp.strides
    windows = as_strided(xp, (n, c, oh, ow, kh, kw), (s0, s1, s2 * stride, s3 * stride, s2, s3))
    return np.einsum("ncpqij,fcij->nfpq", windows, w) + b.reshape(1, f, 1, 1)
