"""Assignment 5: a small convolutional network, trained on 8x8 digits.

    conv (same padding, stride 1) - relu - 2x2 max pool - affine - relu - affine - softmax

Every layer has a forward function that returns what its backward function
needs. The convolution and pooling layers are given: they compute what you
wrote in assignments 1 to 3, but vectorised, so that training takes seconds
rather than minutes (as CS231n gives fast_layers.py beside the layers.py
students write). You write the rest.

Shapes: X (N, C, H, W); scores (N, classes); y (N,) integer labels.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _conv_forward(x, w, b, pad):
    """Given: a fast conv_forward (assignment 1) with stride 1.

    Assignment 1 loops over the output positions and calls conv_single_step,
    sum(window * w[f]) + b[f], once per window and filter; one einsum here does
    that sum for every window and filter at once.

    Args:
        x: input, shape (N, C, H, W), float64.
        w: filters, shape (F, C, HH, WW).
        b: biases, shape (F,).
        pad: zeros added on each side of H and W.

    Returns:
        out: shape (N, F, H', W') with H' = H + 2*pad - HH + 1.
        cache: (padded x, w, pad), what _conv_backward needs.
    """
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(padded, w.shape[2:], axis=(2, 3))  # (N, C, H', W', HH, WW), a view
    out = np.einsum("nchwij,fcij->nfhw", windows, w, optimize=True)
    return out + b.reshape(1, -1, 1, 1), (padded, w, pad)


def _conv_backward(dout, cache):
    """Given: a fast convolution backward pass (conv_backward_im2col, assignment 2), stride 1.

    dw correlates every window with dout; dx sends dout back through the
    filters, one filter offset (i, j) at a time, and overlapping windows add up.

    Args:
        dout: upstream gradient, shape (N, F, H', W').
        cache: (padded x, w, pad) from _conv_forward.

    Returns:
        dx: shape (N, C, H, W).
        dw: shape (F, C, HH, WW).
        db: shape (F,).
    """
    padded, w, pad = cache
    windows = sliding_window_view(padded, w.shape[2:], axis=(2, 3))
    dw = np.einsum("nchwij,nfhw->fcij", windows, dout, optimize=True)
    dpadded = np.zeros_like(padded)
    out_h, out_w = dout.shape[2:]
    for i in range(w.shape[2]):
        for j in range(w.shape[3]):
            dpadded[:, :, i : i + out_h, j : j + out_w] += np.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    height, width = padded.shape[2] - 2 * pad, padded.shape[3] - 2 * pad
    return dpadded[:, :, pad : pad + height, pad : pad + width], dw, dout.sum(axis=(0, 2, 3))


def _pool_forward(x):
    """Given: a fast max_pool_forward(x, size=2, stride=2) (assignment 3), for even H and W.

    The same outputs and switches as assignment 3 (flat indices h*W + w, the
    first maximum in row-major window order), with the 2x2 windows made by a
    reshape instead of a loop.

    Args:
        x: input, shape (N, C, H, W), H and W even.

    Returns:
        out: shape (N, C, H/2, W/2).
        cache: (switches, x.shape), what _pool_backward needs; switches has out's shape.
    """
    n, channels, height, width = x.shape
    # blocks[n, c, i, j] holds the window under output (i, j), read in row-major order
    blocks = x.reshape(n, channels, height // 2, 2, width // 2, 2).transpose(0, 1, 2, 4, 3, 5)
    blocks = blocks.reshape(n, channels, height // 2, width // 2, 4)
    choice = blocks.argmax(axis=-1)
    out = np.take_along_axis(blocks, choice[..., None], axis=-1)[..., 0]
    row, column = np.divmod(choice, 2)
    rows = 2 * np.arange(height // 2).reshape(-1, 1) + row
    switches = rows * width + 2 * np.arange(width // 2) + column
    return out, (switches, x.shape)


def _pool_backward(dout, cache):
    """Given: a fast max_pool_backward (assignment 3) for 2x2 windows with stride 2.

    Routes each gradient to its switch, as assignment 3 does, with one
    put_along_axis instead of a loop (2x2 windows with stride 2 never overlap,
    so nothing needs adding up).

    Args:
        dout: upstream gradient, shape (N, C, H/2, W/2).
        cache: (switches, x_shape) from _pool_forward.

    Returns:
        dx, shape x_shape.
    """
    switches, (n, channels, height, width) = cache
    dx = np.zeros((n, channels, height * width))
    np.put_along_axis(dx, switches.reshape(n, channels, -1), dout.reshape(n, channels, -1), axis=-1)
    return dx.reshape(n, channels, height, width)


def relu_forward(x):
    """ReLU, elementwise max(0, x).

    Args:
        x: any shape.

    Returns:
        out, same shape as x.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def relu_backward(dout, x):
    """Gradient of ReLU: dout where the forward input was positive, else 0.

    Args:
        dout: upstream gradient, same shape as x.
        x: the forward input.

    Returns:
        dx, same shape as x.
    """
    # YOUR CODE HERE
    raise NotImplementedError


def affine_forward(x, w, b):
    """Fully connected layer; x is flattened to (N, D) in C order first.

    Args:
        x: input, shape (N, d1, ..., dk) with D = d1*...*dk.
        w: weights, shape (D, M).
        b: biases, shape (M,).

    Returns:
        out, shape (N, M).
    """
    # YOUR CODE HERE
    raise NotImplementedError


def affine_backward(dout, x, w, b):
    """Gradients of affine_forward.

    Args:
        dout: upstream gradient, shape (N, M).
        x: forward input, shape (N, d1, ..., dk).
        w: weights, shape (D, M).
        b: biases, shape (M,).

    Returns:
        dx: shape of x.
        dw: shape (D, M).
        db: shape (M,).
    """
    # YOUR CODE HERE
    raise NotImplementedError


def softmax_loss(scores, y):
    """Softmax cross-entropy loss, averaged over the batch.

    Args:
        scores: class scores, shape (N, classes).
        y: labels, shape (N,), integers in [0, classes).

    Returns:
        loss: a float, the mean of -log p[n, y[n]].
        dscores: shape (N, classes), the gradient of loss.
    """
    # YOUR CODE HERE
    raise NotImplementedError


class ConvNet:
    """conv - relu - 2x2 max pool - affine - relu - affine - softmax.

    Attributes:
        params: dict of arrays, W1 (F, C, fs, fs), b1 (F,),
            W2 (F*H/2*W/2, hidden), b2 (hidden,), W3 (hidden, classes), b3 (classes,).
        reg: L2 strength; the loss adds 0.5 * reg * sum(W**2) over W1, W2, W3.
    """

    def __init__(
        self,
        input_dim=(1, 8, 8),
        num_filters=8,
        filter_size=3,
        hidden_dim=64,
        num_classes=10,
        weight_scale=1e-2,
        reg=0.0,
        seed=0,
    ):
        """Draw weights from N(0, weight_scale^2) with `seed`; biases are zero.

        Args:
            input_dim: (C, H, W) of one input, H and W even.
            num_filters: F, filters of the convolution.
            filter_size: fs, odd, so that same padding is (fs - 1) // 2.
            hidden_dim: units of the hidden affine layer.
            num_classes: number of scores.
            weight_scale: standard deviation of the initial weights.
            reg: L2 regularisation strength.
            seed: seed of np.random.default_rng for the weights.
        """
        self.reg = reg
        # YOUR CODE HERE
        raise NotImplementedError

    def loss(self, X, y=None):
        """Scores, or the loss and its gradients.

        Args:
            X: inputs, shape (N, C, H, W).
            y: labels, shape (N,), or None.

        Returns:
            scores (N, classes) when y is None; otherwise (loss, grads) with
            loss a float and grads a dict keyed like params.
        """
        # YOUR CODE HERE
        raise NotImplementedError


def _accuracy(model, X, y, batch_size=500):
    """Given: the fraction of X whose highest score is the label y."""
    predictions = [model.loss(X[i : i + batch_size]).argmax(axis=1) for i in range(0, len(X), batch_size)]
    return float(np.mean(np.concatenate(predictions) == y))


def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    """Minibatch stochastic gradient descent, reshuffled every epoch.

    Args:
        model: a ConvNet (anything with params and loss(X, y)).
        X: training inputs, shape (N, C, H, W); y: labels, shape (N,).
        X_val: validation inputs; y_val: their labels.
        epochs: passes over the training set.
        batch_size: examples per step.
        lr: learning rate.
        seed: seed of np.random.default_rng for the shuffles.

    Returns:
        history: {"loss": [...], "train_acc": [...], "val_acc": [...]}, one
        float per epoch (loss is the mean minibatch loss of the epoch).
    """
    # YOUR CODE HERE
    raise NotImplementedError
