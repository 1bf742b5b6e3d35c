"""Public tests of assignment 5 (cnn): small examples worked by hand, and a short training run."""

import math

import numpy as np
import pytest

from grader.compare import assert_close, assert_shape, expect, message


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
    assert_shape(dx, (2, 3, 2), what="dx")
    assert_shape(dw, (6, 4), what="dw")
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
    """The default net on (1, 8, 8): W1 (8, 1, 3, 3), W2 (8*4*4, 64), W3 (64, 10), drawn at random
    (finite, not all equal); the biases b1, b2, b3 start at zero."""
    model = submission.ConvNet()
    assert_shape(model.params["W1"], (8, 1, 3, 3), what="W1 (F, C, fs, fs)")
    assert_shape(model.params["W2"], (128, 64), what="W2 (F*H/2*W/2, hidden)")
    assert_shape(model.params["W3"], (64, 10), what="W3 (hidden, classes)")
    for name in ("W1", "W2", "W3"):
        weights = model.params[name]
        expect(
            np.isfinite(weights).all() and np.ptp(weights) > 0,
            "{name} should hold finite weights drawn at random, not one value everywhere",
            "{name} 应是随机抽取的有限权重，而不是处处同一个值",
            name=name,
        )
    for name, size in (("b1", 8), ("b2", 64), ("b3", 10)):
        assert_close(model.params[name], np.zeros(size), what=name)


@pytest.mark.points(1)
@pytest.mark.function("train")
def test_train_steps_on_blank_images(submission):
    """Blank images and biases of -1 keep every ReLU off, so every score is b3 = 0 and only b3 has
    a gradient: 1/10 (each class equally likely) minus each label's share of the batch. Labels
    0..9, 0, 1 give classes 0 and 1 a share of 2/12 and the others 1/12, so one full batch at
    lr 0.5 moves b3 to 0.5 * (share - 1/10): 1/30 for classes 0 and 1, -1/120 for the others.
    Three epochs of three batches at lr 0 first give three history entries each (one per epoch,
    not per batch) and change nothing. There b3 is [1, 0, ..., 0]: an example labelled 0 loses
    ln(e + 9) - 1, any other ln(e + 9); two of the 12 labels are 0, so each epoch's loss, the mean
    of its minibatch losses, is ln(e + 9) - 1/6 whatever the shuffle (the last batch alone would
    give ln(e + 9) minus 0, 1/4 or 1/2)."""
    model = submission.ConvNet(seed=5)
    start = {
        "W1": np.full((8, 1, 3, 3), 0.1),
        "b1": np.full(8, -1.0),
        "W2": np.full((128, 64), 0.1),
        "b2": np.full(64, -1.0),
        "W3": np.full((64, 10), 0.1),
        "b3": np.zeros(10),
    }
    one_hot = np.eye(10)[0]
    model.params = {name: value.copy() for name, value in (start | {"b3": one_hot}).items()}
    X = np.zeros((12, 1, 8, 8))
    y = np.arange(12) % 10
    history = submission.train(model, X, y, X[:4], y[:4], epochs=3, batch_size=4, lr=0.0)
    expect(
        isinstance(history, dict),
        "train returned a {kind}, expected a dict",
        "train 返回的是 {kind}，应为 dict",
        kind=type(history).__name__,
    )
    for key in ("loss", "train_acc", "val_acc"):
        entries = history.get(key)
        expect(
            isinstance(entries, (list, tuple, np.ndarray)) and len(entries) == 3,
            "history[{key}] should hold one entry per epoch (3), got {got}",
            "history[{key}] 应当每个 epoch 一项（共 3 项），你的结果是 `{got}`",
            key=repr(key),
            got=f"{entries!r:.80}",
        )
    assert_close(
        model.params,
        start | {"b3": one_hot},
        what=message("params after three epochs at lr 0", "学习率 0 训练 3 个 epoch 后的 params"),
    )
    assert_close(
        [float(np.asarray(loss, dtype=np.float64).reshape(-1)[0]) for loss in history["loss"]],
        [math.log(math.e + 9) - 1 / 6] * 3,
        what=message(
            "history['loss'] at lr 0, each epoch's mean minibatch loss",
            "学习率 0 时的 history['loss']，每个 epoch 应为其小批量损失的平均",
        ),
    )
    model.params = {name: value.copy() for name, value in start.items()}
    submission.train(model, X, y, X[:4], y[:4], epochs=1, batch_size=12, lr=0.5)
    b3 = np.array([1 / 30] * 2 + [-1 / 120] * 8)
    assert_close(
        model.params,
        start | {"b3": b3},
        what=message("params after one step at lr 0.5", "学习率 0.5 走一步后的 params"),
    )
