"""Fast layers: vectorised versions of the course's im2col and max pooling, for the benchmarks only.

The reference solutions (solutions/im2col.py, solutions/pool.py) are written to be read: a loop
copies one receptive field into one column, a loop takes the maximum of one window. The
functions here compute the same results without a Python loop over output positions, as CS231n
keeps fast_layers.py beside the layers.py students write. They are never released and never
graded; bench/conv.py and bench/pool.py time them against the plain reference, and check that
both agree.

    im2col_fast, col2im_fast                     solutions/im2col.py's im2col and col2im
    conv_forward_fast, conv_backward_fast        conv_forward_im2col and conv_backward_im2col
    max_pool_forward_fast                        max_pool_forward as a running maximum
    max_pool_forward_argmax                      max_pool_forward as one argmax over all windows
    max_pool_backward_fast                       max_pool_backward as one bincount
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Cache = tuple[np.ndarray, np.ndarray, np.ndarray, int, int, np.ndarray]


def _output_size(n: int, f: int, pad: int, stride: int) -> int:
    """floor((n + 2*pad - f) / stride) + 1; ValueError if stride < 1 or the window does not fit."""
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if pad < 0 or n + 2 * pad < f:
        raise ValueError(f"a window of size {f} does not fit in {n} with pad {pad}")
    return (n + 2 * pad - f) // stride + 1


def im2col_fast(x: np.ndarray, fh: int, fw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """im2col as a stride trick: a view of every window, then one copy in the columns' order.

    Args:
        x: input, shape (N, C, H, W).
        fh: filter height.
        fw: filter width.
        stride: step between windows, >= 1.
        pad: zeros added on each side of H and W.

    Returns:
        cols, shape (C*fh*fw, N*H'*W'), exactly as solutions/im2col.py's im2col.

    Raises:
        ValueError: if stride < 1 or the window does not fit.
    """
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    # windows[n, c, oh, ow, i, j]: a view, no copy yet
    windows = sliding_window_view(padded, (fh, fw), axis=(2, 3))
    windows = windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    # one copy, in the order the rows and columns need: (c, i, j) x (n, oh, ow)
    cols = np.empty((channels, fh, fw, n, out_h, out_w), dtype=x.dtype)
    cols[...] = windows.transpose(1, 4, 5, 0, 2, 3)
    return cols.reshape(channels * fh * fw, n * out_h * out_w)


def col2im_fast(
    cols: np.ndarray, x_shape: tuple[int, int, int, int], fh: int, fw: int, stride: int = 1, pad: int = 0
) -> np.ndarray:
    """col2im as one strided add per filter offset (fh*fw of them), never a loop over pixels.

    Args:
        cols: shape (C*fh*fw, N*H'*W'), laid out as im2col returns.
        x_shape: (N, C, H, W) of the image.
        fh: filter height.
        fw: filter width.
        stride: step between windows, >= 1.
        pad: the padding im2col used; it is cut off again.

    Returns:
        dx, shape x_shape; overlapping contributions add up.

    Raises:
        ValueError: if stride < 1 or the window does not fit.
    """
    n, channels, height, width = x_shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    blocks = cols.reshape(channels, fh, fw, n, out_h, out_w)
    # accumulate in (C, N, H, W) order, the order of the columns, so every add reads them in sequence
    padded = np.zeros((channels, n, height + 2 * pad, width + 2 * pad), dtype=cols.dtype)
    for i in range(fh):
        for j in range(fw):
            window = padded[:, :, i : i + stride * out_h : stride, j : j + stride * out_w : stride]
            np.add(window, blocks[:, i, j], out=window)
    inside = padded[:, :, pad : pad + height, pad : pad + width]
    return np.ascontiguousarray(inside.transpose(1, 0, 2, 3))


def conv_forward_fast(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0
) -> tuple[np.ndarray, Cache]:
    """conv_forward_im2col with im2col_fast: out (N, F, H', W') and cache (x, w, b, stride, pad, cols)."""
    n_filters, _, fh, fw = w.shape
    cols = im2col_fast(x, fh, fw, stride=stride, pad=pad)
    out = w.reshape(n_filters, -1) @ cols + b.reshape(-1, 1)  # (F, N*H'*W')
    out_h = (x.shape[2] + 2 * pad - fh) // stride + 1
    return out.reshape(n_filters, x.shape[0], out_h, -1).transpose(1, 0, 2, 3), (x, w, b, stride, pad, cols)


def conv_backward_fast(dout: np.ndarray, cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """conv_backward_im2col with col2im_fast: (dx, dw, db) from dout (N, F, H', W') and the cache."""
    x, w, _, stride, pad, cols = cache
    n_filters = w.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(n_filters, -1)  # (F, N*H'*W')
    dw = (dout_rows @ cols.T).reshape(w.shape)
    dcols = w.reshape(n_filters, -1).T @ dout_rows
    dx = col2im_fast(dcols, x.shape, w.shape[2], w.shape[3], stride=stride, pad=pad)
    return dx, dw, dout_rows.sum(axis=1)


def max_pool_forward_argmax(x: np.ndarray, size: int = 2, stride: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """max_pool_forward as one argmax over every window (a strided view of x).

    Args:
        x: input, shape (N, C, H, W).
        size: window height and width.
        stride: step between windows, >= 1.

    Returns:
        (out, switches) exactly as solutions/pool.py's max_pool_forward: np.argmax over the
        window flattened in row-major order keeps the first maximum.

    Raises:
        ValueError: if stride < 1 or the window does not fit.
    """
    out_h = _output_size(x.shape[2], size, 0, stride)
    out_w = _output_size(x.shape[3], size, 0, stride)
    windows = sliding_window_view(x, (size, size), axis=(2, 3))
    windows = windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    flat = windows.reshape(x.shape[0], x.shape[1], out_h, out_w, size * size)
    out = flat.max(axis=-1)
    # the switch: the maximum's row and column in the window, moved to where the window sits
    row_in_window, column_in_window = np.divmod(flat.argmax(axis=-1), size)
    rows = np.arange(out_h).reshape(-1, 1) * stride + row_in_window
    columns = np.arange(out_w) * stride + column_in_window
    return out, (rows * x.shape[3] + columns).astype(np.int64)


def max_pool_forward_fast(x: np.ndarray, size: int = 2, stride: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """max_pool_forward as a running maximum over the window's offsets, each a strided view of x.

    Args:
        x: input, shape (N, C, H, W).
        size: window height and width.
        stride: step between windows, >= 1.

    Returns:
        (out, switches) exactly as solutions/pool.py's max_pool_forward: a strict > keeps the
        first maximum in row-major window order, as np.argmax does.

    Raises:
        ValueError: if stride < 1 or the window does not fit.
    """
    width = x.shape[3]
    out_h = _output_size(x.shape[2], size, 0, stride)
    out_w = _output_size(width, size, 0, stride)
    out = x[:, :, : out_h * stride : stride, : out_w * stride : stride].copy()
    choice = np.zeros(out.shape, dtype=np.uint16)  # position in the window; small ints are fast
    for offset in range(1, size * size):
        i, j = divmod(offset, size)
        candidate = x[:, :, i : i + out_h * stride : stride, j : j + out_w * stride : stride]
        larger = candidate > out
        choice += larger * (np.uint16(offset) - choice)  # offset where larger, unchanged elsewhere
        np.maximum(out, candidate, out=out)
    corners = (np.arange(out_h).reshape(-1, 1) * width + np.arange(out_w)) * stride
    position_offset = np.array([i * width + j for i in range(size) for j in range(size)], dtype=np.int64)
    return out, corners + position_offset[choice]


def max_pool_backward_fast(
    dout: np.ndarray, switches: np.ndarray, x_shape: tuple[int, int, int, int]
) -> np.ndarray:
    """max_pool_backward as one bincount over the switches offset by their (n, c) plane.

    Args:
        dout: upstream gradient, shape (N, C, H', W').
        switches: flat indices h*W + w from max_pool_forward, shape (N, C, H', W').
        x_shape: (N, C, H, W) of the forward input.

    Returns:
        dx, shape x_shape; inputs chosen by several windows get the sum.
    """
    n, channels, height, width = x_shape
    plane = height * width
    offsets = np.arange(n * channels).reshape(n, channels, 1, 1) * plane
    flat_index = (switches + offsets).ravel()
    dx = np.bincount(flat_index, weights=dout.ravel(), minlength=n * channels * plane)
    return dx.reshape(x_shape)
