"""Assignment 5: a small convolutional network, trained on 8x8 digits.

    conv (same padding, stride 1) - relu - 2x2 max pool - affine - relu - affine - softmax

Every layer has a forward function that returns what its backward function
needs. The convolution and pooling helpers are given (you wrote them in
assignments 1 to 3); you write the rest.

Shapes: X (N, C, H, W); scores (N, classes); y (N,) integer labels.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _conv_forward(x, w, b, pad):
    """Given (assignment 1): stride-1 convolution. Returns out (N, F, H', W') and a cache."""
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(padded, w.shape[2:], axis=(2, 3))
    out = np.einsum("nchwij,fcij->nfhw", windows, w, optimize=True)
    return out + b.reshape(1, -1, 1, 1), (padded, w, pad)


def _conv_backward(dout, cache):
    """Given (assignment 2): the gradients (dx, dw, db) of _conv_forward."""
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
    """Given (assignment 3): 2x2 max pooling, stride 2, on even H and W. Returns out and a cache."""
    n, channels, height, width = x.shape
    blocks = x.reshape(n, channels, height // 2, 2, width // 2, 2).transpose(0, 1, 2, 4, 3, 5)
    blocks = blocks.reshape(n, channels, height // 2, width // 2, 4)
    choice = blocks.argmax(axis=-1)[..., None]
    return np.take_along_axis(blocks, choice, axis=-1)[..., 0], (x.shape, choice)


def _pool_backward(dout, cache):
    """Given (assignment 3): the gradient of _pool_forward; each goes to its window's maximum."""
    (n, channels, height, width), choice = cache
    dblocks = np.zeros((*dout.shape, 4))
    np.put_along_axis(dblocks, choice, dout[..., None], axis=-1)
    dblocks = dblocks.reshape(n, channels, height // 2, width // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    return dblocks.reshape(n, channels, height, width)


def relu_forward(x):
    """ReLU, elementwise max(0, x).

    Args:
        x: any shape.

    Returns:
        out, same shape as x.
    """
    ### BEGIN SOLUTION
    return np.maximum(x, 0)
    ### END SOLUTION


def relu_backward(dout, x):
    """Gradient of ReLU: dout where the forward input was positive, else 0.

    Args:
        dout: upstream gradient, same shape as x.
        x: the forward input.

    Returns:
        dx, same shape as x.
    """
    ### BEGIN SOLUTION
    return dout * (x > 0)
    ### END SOLUTION


def affine_forward(x, w, b):
    """Fully connected layer; x is flattened to (N, D) in C order first.

    Args:
        x: input, shape (N, d1, ..., dk) with D = d1*...*dk.
        w: weights, shape (D, M).
        b: biases, shape (M,).

    Returns:
        out, shape (N, M).
    """
    ### BEGIN SOLUTION
    return x.reshape(x.shape[0], -1) @ w + b
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    return dx, dw, dout.sum(axis=0)
    ### END SOLUTION


def softmax_loss(scores, y):
    """Softmax cross-entropy loss, averaged over the batch.

    Args:
        scores: class scores, shape (N, classes).
        y: labels, shape (N,), integers in [0, classes).

    Returns:
        loss: a float, the mean of -log p[n, y[n]].
        dscores: shape (N, classes), the gradient of loss.
    """
    ### BEGIN SOLUTION
    shifted = scores - scores.max(axis=1, keepdims=True)  # exp never overflows
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = scores.shape[0]
    loss = -log_probs[np.arange(n), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
    ### END SOLUTION


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
        ### BEGIN SOLUTION
        channels, height, width = input_dim
        rng = np.random.default_rng(seed)
        pooled = num_filters * (height // 2) * (width // 2)
        self.params = {
            "W1": weight_scale * rng.standard_normal((num_filters, channels, filter_size, filter_size)),
            "b1": np.zeros(num_filters),
            "W2": weight_scale * rng.standard_normal((pooled, hidden_dim)),
            "b2": np.zeros(hidden_dim),
            "W3": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
            "b3": np.zeros(num_classes),
        }
        ### END SOLUTION

    def loss(self, X, y=None):
        """Scores, or the loss and its gradients.

        Args:
            X: inputs, shape (N, C, H, W).
            y: labels, shape (N,), or None.

        Returns:
            scores (N, classes) when y is None; otherwise (loss, grads) with
            loss a float and grads a dict keyed like params.
        """
        ### BEGIN SOLUTION
        p = self.params
        pad = (p["W1"].shape[2] - 1) // 2
        conv, conv_cache = _conv_forward(X, p["W1"], p["b1"], pad)
        relu1 = relu_forward(conv)
        pooled, pool_cache = _pool_forward(relu1)
        hidden = affine_forward(pooled, p["W2"], p["b2"])
        relu2 = relu_forward(hidden)
        scores = affine_forward(relu2, p["W3"], p["b3"])
        if y is None:
            return scores

        loss, dscores = softmax_loss(scores, y)
        weights = ("W1", "W2", "W3")
        loss += 0.5 * self.reg * sum(float(np.sum(p[k] ** 2)) for k in weights)
        grads = {}
        drelu2, grads["W3"], grads["b3"] = affine_backward(dscores, relu2, p["W3"], p["b3"])
        dhidden = relu_backward(drelu2, hidden)
        dpooled, grads["W2"], grads["b2"] = affine_backward(dhidden, pooled, p["W2"], p["b2"])
        dconv = relu_backward(_pool_backward(dpooled, pool_cache), conv)
        _, grads["W1"], grads["b1"] = _conv_backward(dconv, conv_cache)
        for k in weights:
            grads[k] = grads[k] + self.reg * p[k]
        return loss, grads
        ### END SOLUTION


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
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = model.loss(X[batch], y[batch])
            for name, grad in grads.items():
                model.params[name] -= lr * grad
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(_accuracy(model, X, y))
        history["val_acc"].append(_accuracy(model, X_val, y_val))
    return history
    ### END SOLUTION
