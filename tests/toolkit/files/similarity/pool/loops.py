"""Pooling, written the long way with explicit loops (CS231n style)."""

import numpy as np


def pool_output_size(n, f, stride):
    if stride < 1 or f < 1:
        raise ValueError("stride and f must be positive")
    if f > n:
        raise ValueError("window larger than input")
    return (n - f) // stride + 1


def max_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    H_out = pool_output_size(H, size, stride)
    W_out = pool_output_size(W, size, stride)
    out = np.zeros((N, C, H_out, W_out))
    switches = np.zeros((N, C, H_out, W_out), dtype=np.int64)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    h0 = i * stride
                    w0 = j * stride
                    window = x[n, c, h0:h0 + size, w0:w0 + size]
                    k = np.argmax(window)
                    di, dj = k // size, k % size
                    out[n, c, i, j] = window[di, dj]
                    switches[n, c, i, j] = (h0 + di) * W + (w0 + dj)
    return out, switches


def max_pool_backward(dout, switches, x_shape):
    N, C, H, W = x_shape
    dx = np.zeros(x_shape)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    s = switches[n, c, i, j]
                    dx[n, c, s // W, s % W] += dout[n, c, i, j]
    return dx


def avg_pool_forward(x, size=2, stride=2):
    N, C, H, W = x.shape
    H_out = pool_output_size(H, size, stride)
    W_out = pool_output_size(W, size, stride)
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            h0, w0 = i * stride, j * stride
            out[:, :, i, j] = x[:, :, h0:h0 + size, w0:w0 + size].mean(axis=(2, 3))
    return out


def avg_pool_backward(dout, x_shape, size=2, stride=2):
    dx = np.zeros(x_shape)
    N, C, H_out, W_out = dout.shape
    for i in range(H_out):
        for j in range(W_out):
            h0, w0 = i * stride, j * stride
            dx[:, :, h0:h0 + size, w0:w0 + size] += dout[:, :, i, j][:, :, None, None] / (size * size)
    return dx
