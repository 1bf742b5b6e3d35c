# conv.py -- my solution, written with comprehensions
import numpy as np
from math import ceil


def conv_output_size(n, f, pad=0, stride=1):
    if stride >= 1 and pad >= 0 and n + 2 * pad >= f:
        return int((n + 2 * pad - f) / stride) + 1
    raise ValueError("no output for this geometry (stride >= 1, pad >= 0, f <= n + 2 pad)")


def padded_output_size(n, f, stride, padding):
    if stride < 1:
        raise ValueError("stride must be >= 1")
    if padding == "same":
        return ceil(n / stride)
    if padding == "valid" and f <= n:
        return ceil((n - f + 1) / stride)
    raise ValueError("padding must be 'same' or 'valid' (and f <= n for 'valid')")


def zero_pad(x, pad):
    if pad < 0:
        raise ValueError("pad must be >= 0")
    n, c, h, w = x.shape
    rows = np.zeros((n, c, pad, w), dtype=x.dtype)
    x = np.concatenate([rows, x, rows], axis=2)
    cols = np.zeros((n, c, h + 2 * pad, pad), dtype=x.dtype)
    return np.concatenate([cols, x, cols], axis=3)


def conv_single_step(a_slice, w, b):
    return float(sum(float(p) * float(q) for p, q in zip(a_slice.flat, w.flat)) + b)


def conv_forward(x, w, b, stride=1, pad=0):
    if x.shape[1] != w.shape[1]:
        raise ValueError("x and w disagree on the number of channels")
    fh, fw = w.shape[2], w.shape[3]
    oh = conv_output_size(x.shape[2], fh, pad=pad, stride=stride)
    ow = conv_output_size(x.shape[3], fw, pad=pad, stride=stride)
    xp = zero_pad(x, pad)
    return np.array([
        [
            [
                [np.sum(xp[i, :, r * stride:r * stride + fh, c * stride:c * stride + fw] * w[k]) + b[k]
                 for c in range(ow)]
                for r in range(oh)
            ]
            for k in range(w.shape[0])
        ]
        for i in range(x.shape[0])
    ], dtype=np.float64).reshape(x.shape[0], w.shape[0], oh, ow)
