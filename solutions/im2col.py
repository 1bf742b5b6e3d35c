"""Assignment 2: convolution as one matrix product (im2col) and its backward pass.

im2col stretches every receptive field of x into a column, so that a whole
convolution layer is one matrix product (CS231n: for AlexNet's first layer the
columns form a 363 x 3025 matrix and the filters a 96 x 363 one):

    cols   (C*fh*fw, N*H'*W')   row c*fh*fw + i*fw + j, column (n*H' + oh)*W' + ow
    w_row  (F, C*fh*fw)         w.reshape(F, -1)
    out    = w_row @ cols       (F, N*H'*W'), reshaped to (N, F, H', W')

col2im is the adjoint of im2col: it sends every column entry back to the pixel
it came from, and entries of overlapping windows add up.
"""

import numpy as np


### BEGIN SOLUTION
### HINT: a helper for the output size along one axis (assignment 1's conv_output_size).
def _output_size(n, f, pad, stride):
    """The reference's helper, never released (assignment 1, which grades this very function,
    still takes late work when this assignment is released): the output size along one axis.

    Args:
        n: input size.
        f: filter size.
        pad: zeros added on each side.
        stride: step between windows.

    Returns:
        floor((n + 2*pad - f) / stride) + 1.

    Raises:
        ValueError: if stride < 1, pad < 0, or the window does not fit.
    """
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if pad < 0 or n + 2 * pad < f:
        raise ValueError(f"a window of size {f} does not fit in {n} with pad {pad}")
    return (n + 2 * pad - f) // stride + 1


### END SOLUTION


def im2col(x, fh, fw, stride=1, pad=0):
    """Stretch every (C, fh, fw) receptive field of x into one column.

    Args:
        x: input, shape (N, C, H, W).
        fh: filter height.
        fw: filter width.
        stride: step between windows, >= 1.
        pad: zeros added on each side of H and W.

    Returns:
        cols, shape (C*fh*fw, N*H'*W'); cols[c*fh*fw + i*fw + j, (n*H' + oh)*W' + ow]
        = padded x[n, c, oh*stride + i, ow*stride + j].

    Raises:
        ValueError: if stride < 1 or the window does not fit.
    """
    ### BEGIN SOLUTION
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.zeros((channels * fh * fw, n * out_h * out_w), dtype=x.dtype)
    for image in range(n):
        for oh in range(out_h):
            for ow in range(out_w):
                top, left = oh * stride, ow * stride
                field = padded[image, :, top : top + fh, left : left + fw]  # (C, fh, fw)
                # flattened in C order, entry (c, i, j) lands on row c*fh*fw + i*fw + j
                cols[:, (image * out_h + oh) * out_w + ow] = field.reshape(-1)
    return cols
    ### END SOLUTION


def col2im(cols, x_shape, fh, fw, stride=1, pad=0):
    """Send columns back to the image they came from; overlaps add up.

    The adjoint of im2col: for any x and cols of matching shapes,
    sum(im2col(x) * cols) == sum(x * col2im(cols, x.shape)).

    Args:
        cols: shape (C*fh*fw, N*H'*W'), laid out as im2col returns.
        x_shape: (N, C, H, W) of the image.
        fh: filter height.
        fw: filter width.
        stride: step between windows, >= 1.
        pad: the padding im2col used; it is cut off again.

    Returns:
        dx, shape x_shape.

    Raises:
        ValueError: if stride < 1 or the window does not fit.
    """
    ### BEGIN SOLUTION
    n, channels, height, width = x_shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.zeros((n, channels, height + 2 * pad, width + 2 * pad), dtype=cols.dtype)
    for image in range(n):
        for oh in range(out_h):
            for ow in range(out_w):
                top, left = oh * stride, ow * stride
                field = cols[:, (image * out_h + oh) * out_w + ow].reshape(channels, fh, fw)
                # += not =: a pixel in several receptive fields gets the sum of their entries
                padded[image, :, top : top + fh, left : left + fw] += field
    return padded[:, :, pad : pad + height, pad : pad + width]
    ### END SOLUTION


def conv_forward_im2col(x, w, b, stride=1, pad=0):
    """Convolution layer forward pass as one matrix product.

    Args:
        x: input, shape (N, C, H, W), float64.
        w: filters, shape (F, C, fh, fw).
        b: biases, shape (F,).
        stride: step between windows, >= 1.
        pad: zeros added on each side of H and W.

    Returns:
        out: shape (N, F, H', W').
        cache: (x, w, b, stride, pad, cols), what the backward pass needs.

    Raises:
        ValueError: if stride < 1, the channels differ, or nothing fits.
    """
    ### BEGIN SOLUTION
    n = x.shape[0]
    n_filters, channels, fh, fw = w.shape
    if x.shape[1] != channels:
        raise ValueError(f"x has {x.shape[1]} channels but the filters have {channels}")
    cols = im2col(x, fh, fw, stride=stride, pad=pad)
    out = w.reshape(n_filters, -1) @ cols  # (F, N*H'*W')
    out += b.reshape(-1, 1)
    out_h = (x.shape[2] + 2 * pad - fh) // stride + 1
    # a transposed view: (N, F, H', W') without another copy
    return out.reshape(n_filters, n, out_h, -1).transpose(1, 0, 2, 3), (x, w, b, stride, pad, cols)
    ### END SOLUTION


def conv_backward_im2col(dout, cache):
    """Convolution layer backward pass.

    Args:
        dout: upstream gradient, shape (N, F, H', W').
        cache: (x, w, b, stride, pad, cols), as conv_forward_im2col returns it; the tests
            pass the reference's, so read it in this layout.

    Returns:
        dx: shape (N, C, H, W).
        dw: shape (F, C, fh, fw), summed over the batch and every position.
        db: shape (F,).
    """
    ### BEGIN SOLUTION
    x, w, _, stride, pad, cols = cache
    n_filters = w.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(n_filters, -1)  # (F, N*H'*W')
    dw = (dout_rows @ cols.T).reshape(w.shape)
    db = dout_rows.sum(axis=1)
    dcols = w.reshape(n_filters, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, w.shape[2], w.shape[3], stride=stride, pad=pad)
    return dx, dw, db
    ### END SOLUTION
