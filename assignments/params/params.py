"""Assignment 4: counting parameters and output shapes of a network.

A convolution layer with F filters of size f x f over C input channels has
F * (f*f*C + 1) parameters whatever the image size: weights are shared
across positions. A locally connected layer (no sharing) has one such set
per output position. Shapes are (C, H, W) for feature maps, (units,) after
flattening.
"""

import math


def conv_params(f, c_in, n_filters, bias=True):
    """Parameters of a convolution layer with square filters.

    Args:
        f: filter height and width.
        c_in: input channels.
        n_filters: number of filters F (the output channels).
        bias: whether each filter has a bias.

    Returns:
        n_filters * (f*f*c_in + bias), an int.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def fc_params(n_in, n_out, bias=True):
    """Parameters of a fully connected layer.

    Args:
        n_in: input units.
        n_out: output units.
        bias: whether each output unit has a bias.

    Returns:
        n_out * (n_in + bias), an int.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def unshared_conv_params(out_h, out_w, f, c_in, n_filters, bias=True):
    """Parameters of a locally connected layer (a convolution without sharing).

    Args:
        out_h: output height.
        out_w: output width.
        f: filter height and width.
        c_in: input channels.
        n_filters: output channels.
        bias: whether each output neuron has a bias.

    Returns:
        out_h * out_w * n_filters * (f*f*c_in + bias), an int.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def _conv_size(n, f, pad, stride):
    """Given (you wrote it as conv_output_size in assignment 1): the output size along one axis.

    Returns:
        floor((n + 2*pad - f) / stride) + 1; pooling is the case pad = 0.

    Raises:
        ValueError: if stride < 1 or the window does not fit.
    """
    if stride < 1 or n + 2 * pad < f:
        raise ValueError(f"a window of size {f} with stride {stride} does not fit in {n}")
    return (n + 2 * pad - f) // stride + 1


def summarize(input_shape, layers):
    """Output shape and parameter count of every layer of a network.

    Args:
        input_shape: (C, H, W) of the input.
        layers: a list of dicts, each one of
            {"type": "conv", "filters": F, "size": f, "stride": s, "pad": p},
            {"type": "pool", "size": f, "stride": s},
            {"type": "flatten"},
            {"type": "fc", "units": n} (flattens a (C, H, W) input first).
            Convolutions default to stride 1 and pad 0; pooling to stride = size.

    Returns:
        one dict per layer: {"type": str, "output_shape": tuple of ints,
        "params": int}; convolutions and fully connected layers have biases.

    Raises:
        ValueError: for an unknown layer type or a window that does not fit.
    """
    # YOUR CODE HERE
    raise NotImplementedError
