"""Public tests of assignment 5 (cnn): small examples worked by hand, and a short training run."""

import math

import numpy as np
import pytest

from grader.compare import assert_close


@pytest.mark.points(1)
@pytest.mark.function("relu_forward")
def test_relu_by_hand(submission):
    """[-2, 0, 3] becomes [0, 0, 3]."""
    assert_close(submission.relu_forward(np.array([-2.0, 0.0, 3.0])), np.array([0.0, 0.0, 3.0]))


@pytest.mark.points(1)
@pytest.mark.function("relu_backward")
def test_relu_backward_by_hand(submission):
    """Forward input [-2, 5]: the gradient [7, 7] passes only where the input was positive."""
    got = submission.relu_backward(np.array([7.0, 7.0]), np.array([-2.0, 5.0]))
    assert_close(got, np.array([0.0, 7.0]))


@pytest.mark.points(1)
@pytest.mark.function("affine_forward")
def test_affine_by_hand(submission):
    """x = [[1, 2]], w = [[1, 0, 1], [0, 1, 1]], b = [0, 0, 10]: out = [[1, 2, 13]]."""
    w = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    got = submission.affine_forward(np.array([[1.0, 2.0]]), w, np.array([0.0, 0.0, 10.0]))
    assert_close(got, np.array([[1.0, 2.0, 13.0]]))


@pytest.mark.points(1)
@pytest.mark.function("affine_backward")
def test_affine_backward_shapes(submission):
    """dx has the shape of x (2, 3, 2), dw of w (6, 4), db of b (4,)."""
    dx, dw, db = submission.affine_backward(np.ones((2, 4)), np.ones((2, 3, 2)), np.ones((6, 4)), np.ones(4))
    assert dx.shape == (2, 3, 2), f"dx has shape {dx.shape}, expected (2, 3, 2)"
    assert dw.shape == (6, 4), f"dw has shape {dw.shape}, expected (6, 4)"
    assert_close(db, np.full(4, 2.0), what="db")


@pytest.mark.points(1)
@pytest.mark.function("softmax_loss")
def test_softmax_uniform_scores(submission):
    """Four equal scores: every class has probability 1/4, the loss is ln 4 = 1.386, and the
    gradient is 1/4 everywhere but 1/4 - 1 at the label (one example, so no averaging)."""
    loss, dscores = submission.softmax_loss(np.zeros((1, 4)), np.array([1]))
    assert_close(loss, math.log(4), what="loss")
    assert_close(dscores, np.array([[0.25, -0.75, 0.25, 0.25]]), what="dscores")


@pytest.mark.points(1)
@pytest.mark.function("ConvNet")
def test_convnet_default_shapes(submission):
    """The default net on (1, 8, 8): W1 (8, 1, 3, 3), W2 (8*4*4, 64), W3 (64, 10)."""
    model = submission.ConvNet()
    assert model.params["W1"].shape == (8, 1, 3, 3), "W1 should be (F, C, fs, fs) = (8, 1, 3, 3)"
    assert model.params["W2"].shape == (128, 64), "W2 should be (F*H/2*W/2, hidden) = (128, 64)"
    assert model.params["W3"].shape == (64, 10), "W3 should be (hidden, classes) = (64, 10)"


@pytest.mark.points(1)
@pytest.mark.function("train")
def test_train_history(submission):
    """Three epochs on 12 blank images give three entries in each list of the history."""
    model = submission.ConvNet(seed=5)
    X = np.zeros((12, 1, 8, 8))
    y = np.arange(12) % 10
    history = submission.train(model, X, y, X[:4], y[:4], epochs=3, batch_size=4, lr=0.01)
    for key in ("loss", "train_acc", "val_acc"):
        assert len(history[key]) == 3, f"history[{key!r}] has {len(history[key])} entries, expected 3"
