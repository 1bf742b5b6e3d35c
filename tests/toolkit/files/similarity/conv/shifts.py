import math

import numpy as np


def conv_output_size(n, f, pad=0, stride=1):
    if stride < 1:
        raise ValueError(f"stride {stride} < 1")
    if pad < 0:
        raise ValueError(f"pad {pad} < 0")
    room = n + 2 * pad - f
    if room < 0:
        raise ValueError(f"filter {f} larger than padded input {n + 2 * pad}")
    return room // stride + 1


def padded_output_size(n, f, stride, padding):
    if stride < 1:
        raise ValueError(f"stride {stride} < 1")
    if padding not in ("same", "valid"):
        raise ValueError(f"padding {padding!r} is neither 'same' nor 'valid'")
    if padding == "same":
        return int(math.ceil(n / stride))
    if n < f:
        raise ValueError(f"filter {f} larger than input {n}")
    return int(math.ceil((n - f + 1) / stride))


def zero_pad(x, pad):
    if pad < 0:
        raise ValueError(f"pad {pad} < 0")
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), "constant")


def conv_single_step(a_slice, w, b):
    return float((a_slice * w).sum() + b)


def conv_forward(x, w, b, stride=1, pad=0):
    """Shift and add: one matrix product per filter offset (di, dj)."""
    n_img, n_ch, h, wd = x.shape
    n_f, n_ch_w, kh, kw = w.shape
    if n_ch != n_ch_w:
        raise ValueError(f"{n_ch} input channels, {n_ch_w} filter channels")
    oh = conv_output_size(h, kh, pad=pad, stride=stride)
    ow = conv_output_size(wd, kw, pad=pad, stride=stride)
    xp = zero_pad(x, pad)
    acc = np.zeros((n_img, n_f, oh, ow))
    for di in range(kh):
        for dj in range(kw):
            shifted = xp[:, :, di:di + stride * oh:stride, dj:dj + stride * ow:stride]
            acc += np.einsum("nchw,fc->nfhw", shifted, w[:, :, di, dj])
    acc += b[None, :, None, None]
    return acc
