"""Convolution with nested loops, as in the CS231n notes."""

import math

import numpy as np


def conv_output_size(n, f, pad=0, stride=1):
    if stride < 1:
        raise ValueError("stride must be at least 1")
    if pad < 0:
        raise ValueError("pad must not be negative")
    if f > n + 2 * pad:
        raise ValueError("filter does not fit")
    return (n + 2 * pad - f) // stride + 1


def padded_output_size(n, f, stride, padding):
    if stride < 1:
        raise ValueError("stride must be at least 1")
    if padding == "same":
        return math.ceil(n / stride)
    elif padding == "valid":
        if f > n:
            raise ValueError("filter does not fit")
        return math.ceil((n - f + 1) / stride)
    else:
        raise ValueError("unknown padding " + str(padding))


def zero_pad(x, pad):
    if pad < 0:
        raise ValueError("pad must not be negative")
    N, C, H, W = x.shape
    out = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=x.dtype)
    out[:, :, pad:pad + H, pad:pad + W] = x
    return out


def conv_single_step(a_slice, w, b):
    s = 0.0
    for idx in np.ndindex(a_slice.shape):
        s += a_slice[idx] * w[idx]
    return float(s + b)


def conv_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, C2, HH, WW = w.shape
    if C != C2:
        raise ValueError("channel mismatch")
    H_out = conv_output_size(H, HH, pad, stride)
    W_out = conv_output_size(W, WW, pad, stride)
    xp = zero_pad(x, pad)
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs = i * stride
                    ws = j * stride
                    out[n, f, i, j] = conv_single_step(xp[n, :, hs:hs + HH, ws:ws + WW], w[f], b[f])
    return out
