"""Hidden tests of assignment 5 (cnn): layer gradients, the network's loss, and training.

The layers follow shared/seeds/003 (CS231n §4: CONV-RELU-POOL-FC patterns) and
000 §1.6 (one layer: convolution, bias, ReLU); the sanity checks (initial loss
near ln 10, overfitting a small set) are the CS231n habits for training nets.
"""

import math

import numpy as np
import pytest

from grader.compare import assert_close
from grader.testing import digits_split, numerical_gradient, numerical_gradient_scalar, relative_error

pytestmark = pytest.mark.hidden


def assert_gradient(name, got, expected, limit=1e-7):
    error = relative_error(got, expected)
    assert error < limit, f"{name}: relative error {error:.2e} against the numerical gradient"


@pytest.mark.points(2)
@pytest.mark.function("relu_backward")
def test_relu_forward_and_backward(submission, rng):
    """ReLU keeps positives; its gradient passes dout where the input x was positive,
    whatever the sign of dout."""
    x = rng.standard_normal((3, 4, 5))
    dout = rng.standard_normal(x.shape)
    assert_close(submission.relu_forward(x), np.where(x > 0, x, 0.0), what="relu_forward")
    assert_close(submission.relu_backward(dout, x), np.where(x > 0, dout, 0.0), what="relu_backward")


@pytest.mark.points(2)
@pytest.mark.function("affine_forward")
def test_affine_flattens_in_c_order(submission, rng):
    """A (N, 2, 3, 4) input is flattened to (N, 24) in C order before the product."""
    x = rng.standard_normal((5, 2, 3, 4))
    w = rng.standard_normal((24, 6))
    b = rng.standard_normal(6)
    expected = np.array(
        [[sum(x[n].ravel()[d] * w[d, m] for d in range(24)) + b[m] for m in range(6)] for n in range(5)]
    )
    assert_close(submission.affine_forward(x, w, b), expected)


@pytest.mark.points(3)
@pytest.mark.function("affine_backward")
def test_affine_backward_numerical_gradient(submission, rng):
    """dx (shape of x), dw and db against central differences; relative error below 1e-7."""
    x = rng.standard_normal((4, 2, 3))
    w = rng.standard_normal((6, 5))
    b = rng.standard_normal(5)
    dout = rng.standard_normal((4, 5))
    dx, dw, db = submission.affine_backward(dout, x, w, b)
    assert_gradient(
        "dx", dx, numerical_gradient(lambda v: submission.affine_forward(v, w, b), x.copy(), dout, 1e-3)
    )
    assert_gradient(
        "dw", dw, numerical_gradient(lambda v: submission.affine_forward(x, v, b), w.copy(), dout, 1e-3)
    )
    assert_gradient(
        "db", db, numerical_gradient(lambda v: submission.affine_forward(x, w, v), b.copy(), dout, 1e-3)
    )


@pytest.mark.points(3)
@pytest.mark.function("softmax_loss")
def test_softmax_loss_value_and_gradient(submission, rng):
    """The mean of -log softmax at the label, and its gradient against central differences."""
    scores = rng.standard_normal((6, 4))
    y = rng.integers(0, 4, size=6)
    loss, dscores = submission.softmax_loss(scores, y)
    log_sum = np.log(np.sum(np.exp(scores), axis=1))
    assert_close(loss, float(np.mean(log_sum - scores[np.arange(6), y])), what="loss")
    expected = numerical_gradient_scalar(lambda s: submission.softmax_loss(s, y)[0], scores.copy())
    assert_gradient("dscores", dscores, expected)


@pytest.mark.points(2)
@pytest.mark.function("softmax_loss")
def test_softmax_loss_is_stable_and_averaged(submission):
    """Scores of 1000 and more must not overflow; the loss is a mean, so a batch repeated
    twice has the same loss and half the gradient per row."""
    scores = np.array([[1000.0, 1001.0, 1002.0]])
    loss, dscores = submission.softmax_loss(scores, np.array([2]))
    expected_loss = math.log(1 + math.exp(-1) + math.exp(-2))
    assert_close(loss, expected_loss, what="loss at scores ~1000")
    assert np.all(np.isfinite(dscores)), "dscores has inf or nan: subtract the row maximum first"
    loss_twice, dscores_twice = submission.softmax_loss(np.concatenate([scores, scores]), np.array([2, 2]))
    assert_close(loss_twice, expected_loss, what="loss of the batch repeated twice")
    assert_close(dscores_twice[0], dscores[0] / 2, what="dscores of the batch repeated twice")


@pytest.mark.points(2)
@pytest.mark.function("ConvNet")
def test_convnet_parameter_shapes(submission):
    """W1 (F, C, fs, fs), b1 (F,), W2 (F*H/2*W/2, hidden), b2, W3 (hidden, classes), b3."""
    model = submission.ConvNet(input_dim=(3, 6, 6), num_filters=4, filter_size=5, hidden_dim=7, num_classes=5)
    shapes = {name: tuple(value.shape) for name, value in model.params.items()}
    expected = {"W1": (4, 3, 5, 5), "b1": (4,), "W2": (36, 7), "b2": (7,), "W3": (7, 5), "b3": (5,)}
    assert_close(shapes, expected, what="parameter shapes")


@pytest.mark.points(2)
@pytest.mark.function("ConvNet")
def test_initial_loss_is_near_log_ten(submission, rng):
    """With small weights every class is equally likely: the loss starts near ln(10) = 2.303."""
    model = submission.ConvNet(weight_scale=1e-3, seed=3)
    X = rng.standard_normal((20, 1, 8, 8))
    y = rng.integers(0, 10, size=20)
    loss, _ = model.loss(X, y)
    assert abs(loss - math.log(10)) < 0.02, f"initial loss {loss:.4f}, expected about ln(10) = 2.3026"
    scores = model.loss(X)
    assert np.asarray(scores).shape == (20, 10), f"scores have shape {np.shape(scores)}, expected (20, 10)"


def small_model(submission, rng, reg):
    model = submission.ConvNet(
        input_dim=(2, 4, 4), num_filters=3, filter_size=3, hidden_dim=5, num_classes=4, reg=reg
    )
    shapes = {"W1": (3, 2, 3, 3), "b1": (3,), "W2": (12, 5), "b2": (5,), "W3": (5, 4), "b3": (4,)}
    model.params = {name: rng.standard_normal(shape) * 0.5 for name, shape in shapes.items()}
    return model


@pytest.mark.points(5)
@pytest.mark.function("ConvNet")
def test_convnet_gradient_check(submission, rng):
    """Every gradient of ConvNet.loss, with L2 regularisation, against central differences."""
    model = small_model(submission, rng, reg=0.3)
    X = rng.standard_normal((3, 2, 4, 4))
    y = rng.integers(0, 4, size=3)
    _, grads = model.loss(X, y)
    params = model.params
    for name in ("W1", "b1", "W2", "b2", "W3", "b3"):

        def loss_at(value, name=name):
            model.params = params | {name: value}
            return model.loss(X, y)[0]

        expected = numerical_gradient_scalar(loss_at, params[name].copy(), step=1e-6)
        model.params = params
        assert_gradient(f"grads[{name!r}]", grads[name], expected, limit=1e-6)


@pytest.mark.points(2)
@pytest.mark.function("ConvNet")
def test_regularisation_adds_half_reg_sum_of_squares(submission, rng):
    """The loss adds 0.5 * reg * sum(W**2) over W1, W2 and W3 (not the biases)."""
    X = rng.standard_normal((2, 2, 4, 4))
    y = np.array([0, 3])
    plain = small_model(submission, np.random.default_rng(7), reg=0.0)
    regular = small_model(submission, np.random.default_rng(7), reg=0.7)
    weights = sum(float(np.sum(regular.params[k] ** 2)) for k in ("W1", "W2", "W3"))
    difference = regular.loss(X, y)[0] - plain.loss(X, y)[0]
    assert_close(difference, 0.5 * 0.7 * weights, what="loss(reg=0.7) - loss(reg=0)")


@pytest.mark.points(3)
@pytest.mark.function("train")
def test_overfits_fifty_examples(submission):
    """A net that can learn fits 50 digits perfectly: training accuracy 100 % after 40 epochs."""
    X_train, y_train, X_val, y_val = digits_split()
    model = submission.ConvNet(weight_scale=0.2, seed=1)
    history = submission.train(
        model, X_train[:50], y_train[:50], X_val[:50], y_val[:50], epochs=40, batch_size=10, lr=0.2, seed=1
    )
    assert history["train_acc"][-1] == 1.0, (
        f"training accuracy {history['train_acc'][-1]:.2f} on 50 examples, expected 1.00"
    )


@pytest.mark.points(6)
@pytest.mark.function("train")
def test_trains_to_95_percent_on_digits(submission, credit):
    """On scikit-learn's 8x8 digits: 20 epochs at lr 0.1 then 5 at lr 0.01, batch 16, reach at
    least 95 % validation accuracy (90 % earns half the points)."""
    X_train, y_train, X_val, y_val = digits_split()
    model = submission.ConvNet(num_filters=16, hidden_dim=64, weight_scale=0.1, seed=0)
    submission.train(model, X_train, y_train, X_val, y_val, epochs=20, batch_size=16, lr=0.1, seed=0)
    history = submission.train(
        model, X_train, y_train, X_val, y_val, epochs=5, batch_size=16, lr=0.01, seed=1
    )
    accuracy = history["val_acc"][-1]
    if accuracy >= 0.90:
        credit.award(0.5)
    assert accuracy >= 0.95, f"validation accuracy {accuracy:.3f}, expected at least 0.95"
