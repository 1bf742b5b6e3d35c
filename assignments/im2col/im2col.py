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


# HINT: a helper for the output size along one axis (assignment 1's conv_output_size).
# YOUR CODE HERE


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
    # YOUR CODE HERE
    raise NotImplementedError


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
    # YOUR CODE HERE
    raise NotImplementedError


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
    # YOUR CODE HERE
    raise NotImplementedError


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
    # YOUR CODE HERE
    raise NotImplementedError
