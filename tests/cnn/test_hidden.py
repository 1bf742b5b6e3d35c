"""Hidden tests of assignment 5 (cnn): layer gradients, the network's loss, and training.

The layers follow shared/seeds/003 (CS231n §4: CONV-RELU-POOL-FC patterns) and
000 §1.6 (one layer: convolution, bias, ReLU); the sanity checks (initial loss
near ln 10, overfitting a small set) are the CS231n habits for training nets.

No test takes the submission's word for anything: expected values come from an independent
computation or from the reference solution (the `reference` fixture, run here on data the grader
chose or on weights it has checked), never from another of the student's functions, and
training is judged by the weights it leaves, never by the history it returns.
"""

import itertools
import math

import numpy as np
import pytest

from grader.compare import assert_close, assert_shape, expect, fail, message
from grader.testing import (
    assert_gradient,
    call_watching_inputs,
    digits_split,
    each_part,
    numerical_gradient,
    numerical_gradient_scalar,
)

pytestmark = pytest.mark.hidden

SHOWN_VALIDATION = 157  # train sees X_val[:157] for its history; the other 200 stay in the grader
NOISE_IMAGES = 32  # 1440 digits + 32 noise images = 92 batches of 16


def affine(x, w, b):
    """An affine layer written here, independently of the submission (N, D) @ (D, M) + (M,)."""
    return x.reshape(x.shape[0], -1) @ w + b


def cross_entropy(scores, y):
    """The mean softmax cross-entropy, written here: log(sum(exp(s))) - s[label], averaged."""
    top = scores.max(axis=1, keepdims=True)
    log_sum = np.log(np.sum(np.exp(scores - top), axis=1)) + top[:, 0]
    return float(np.mean(log_sum - scores[np.arange(len(y)), y]))


def checked_arrays(value, shapes, what):
    """A dict of float arrays with exactly the keys and shapes of `shapes`, finite, as float64
    copies; anything else fails the test before reference code runs on it."""
    expect(
        isinstance(value, dict),
        "{what} is a {kind}, expected a dict of arrays",
        "{what} 是 {kind}，应为由数组组成的 dict",
        what=what,
        kind=type(value).__name__,
    )
    missing, extra = sorted(set(shapes) - set(value)), sorted(set(value) - set(shapes), key=str)
    if missing:
        fail("{what} has no {key}", "{what} 缺少键 {key}", what=what, key=repr(missing[0]))
    if extra:
        fail("{what} has an unexpected key {key}", "{what} 多了键 {key}", what=what, key=repr(extra[0]))
    checked = {}
    for name, shape in shapes.items():
        array, item = value[name], f"{what}[{name!r}]"
        kind = array.dtype if isinstance(array, np.ndarray) else type(array).__name__
        expect(
            isinstance(array, np.ndarray) and array.dtype.kind == "f",
            "{item} is a {kind}, expected a float array",
            "{item} 是 {kind}，应为浮点数组",
            item=item,
            kind=kind,
        )
        assert_shape(array, shape, what=item)
        expect(np.all(np.isfinite(array)), "{item} holds inf or nan", "{item} 中有 inf 或 nan", item=item)
        checked[name] = array.astype(np.float64)
    return checked


def drawn_weights_and_zero_biases(params, what):
    """W1, W2 and W3 hold values that differ from one another; b1, b2 and b3 are zero."""
    for name in ("W1", "W2", "W3"):
        expect(
            np.ptp(params[name]) > 0,
            "{what}[{name}] holds one value everywhere: draw the weights at random",
            "{what}[{name}] 处处是同一个值：权重应随机抽取",
            what=what,
            name=repr(name),
        )
    for name in ("b1", "b2", "b3"):
        expect(
            not params[name].any(),
            "{what}[{name}] should start at zero",
            "{what}[{name}] 应从 0 开始",
            what=what,
            name=repr(name),
        )


def loss_and_grads(result, what="ConvNet.loss(X, y)"):
    """The (loss, grads) pair a loss call returned, checked to be a number and a dict."""
    expect(
        isinstance(result, (tuple, list)) and len(result) == 2,
        "{what} returned a {kind}, expected a tuple (loss, grads)",
        "{what} 返回的是 {kind}，应为二元组 (loss, grads)",
        what=what,
        kind=type(result).__name__,
    )
    loss, grads = result
    expect(
        isinstance(loss, (int, float)) and not isinstance(loss, bool),
        "{what} returned a loss of type {kind}, expected a number",
        "{what} 返回的 loss 是 {kind} 类型，应为一个数",
        what=what,
        kind=type(loss).__name__,
    )
    return float(loss), grads


def reference_net(reference, config, params):
    """The reference ConvNet built with `config` and holding `params` (checked beforehand)."""
    net = reference.ConvNet(**config)
    net.params = params
    return net


def weights_of(reference, model, config):
    """The weights the student's model holds, read once and checked against the shapes of the
    reference ConvNet of the same configuration (float64 copies)."""
    shapes = {name: value.shape for name, value in reference.ConvNet(**config).params.items()}
    return checked_arrays(model.params, shapes, "model.params")


def accuracy(net, X, y):
    """The fraction of X whose highest score, computed by the reference forward pass, is y."""
    return float(np.mean(net.loss(X).argmax(axis=1) == y))


def leaving_inputs_alone(submission, function, names, *args):
    """submission.<function>(*args), which must not change its array arguments in place (its
    caller keeps using them: a cache, the scores of a batch); `names` name the arguments."""
    result, changed = call_watching_inputs(submission, function, *args)
    named = [names[int(label)] if label.isdigit() else label for label in changed]
    expect(
        not named,
        "{function} changed its argument {name} in place: the caller's array is modified too; work on "
        "a copy (np.maximum(x, 0), scores - scores.max(...)) instead of assigning into it",
        "{function} 原地修改了参数 {name}：调用者的数组也被改变了；请在副本上计算"
        "（`np.maximum(x, 0)`、`scores - scores.max(...)`），不要直接赋值修改它",
        function=function,
        name=named[0] if named else "",
    )
    return result


def with_zeros(rng, shape):
    """Normal numbers with about a fifth set to exactly 0 (not positive: ReLU passes nothing there)."""
    x = rng.standard_normal(shape)
    x[rng.random(shape) < 0.2] = 0.0
    return x


@pytest.mark.points(1)
@pytest.mark.function("relu_forward")
def test_relu_forward(submission, rng):
    """ReLU keeps positives and turns negatives and zeros into 0, on a (3, 4, 5) array, and leaves
    that array as it was."""
    x = with_zeros(rng, (3, 4, 5))
    expected = np.where(x > 0, x, 0.0)
    assert_close(leaving_inputs_alone(submission, "relu_forward", ["x"], x), expected)


@pytest.mark.points(2)
@pytest.mark.function("relu_backward")
def test_relu_backward(submission, rng):
    """The gradient passes dout where the input x was positive (not where it was 0), whatever the
    sign of dout."""
    x = with_zeros(rng, (3, 4, 5))
    dout = rng.standard_normal(x.shape)
    expected = np.where(x > 0, dout, 0.0)
    assert_close(leaving_inputs_alone(submission, "relu_backward", ["dout", "x"], dout, x), expected)


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
def test_affine_backward_numerical_gradient(submission, rng, credit):
    """dx (shape of x), dw and db against central differences; relative error below 1e-7. Each
    gradient earns its third of the points."""
    x = rng.standard_normal((4, 2, 3))
    w = rng.standard_normal((6, 5))
    b = rng.standard_normal(5)
    dout = rng.standard_normal((4, 5))
    dx, dw, db = submission.affine_backward(dout, x, w, b)
    with each_part(credit) as part:
        with part("dx"):
            assert_gradient(
                dx, numerical_gradient(lambda v: affine(v, w, b), x.copy(), dout, 1e-3), what="dx"
            )
        with part("dw"):
            assert_gradient(
                dw, numerical_gradient(lambda v: affine(x, v, b), w.copy(), dout, 1e-3), what="dw"
            )
        with part("db"):
            assert_gradient(
                db, numerical_gradient(lambda v: affine(x, w, v), b.copy(), dout, 1e-3), what="db"
            )


@pytest.mark.points(3)
@pytest.mark.function("softmax_loss")
def test_softmax_loss_value_and_gradient(submission, rng):
    """The mean of -log softmax at the label, and its gradient against central differences."""
    scores = rng.standard_normal((6, 4))
    y = rng.integers(0, 4, size=6)
    loss, dscores = submission.softmax_loss(scores, y)
    assert_close(loss, cross_entropy(scores, y), what="loss")
    expected = numerical_gradient_scalar(lambda s: cross_entropy(s, y), scores.copy())
    assert_gradient(dscores, expected, what="dscores")


@pytest.mark.points(2)
@pytest.mark.function("softmax_loss")
def test_softmax_loss_is_stable_and_averaged(submission):
    """Scores of 1000 and more must not overflow, and stay as they were (the caller's array); the
    loss is a mean, so a batch repeated twice has the same loss and half the gradient per row."""
    scores = np.array([[1000.0, 1001.0, 1002.0]])
    loss, dscores = leaving_inputs_alone(submission, "softmax_loss", ["scores", "y"], scores, np.array([2]))
    expected_loss = math.log(1 + math.exp(-1) + math.exp(-2))
    assert_close(loss, expected_loss, what=message("loss at scores ~1000", "分数约为 1000 时的 loss"))
    expect(
        np.all(np.isfinite(dscores)),
        "dscores has inf or nan: subtract the row maximum first",
        "dscores 中有 inf 或 nan：先减去每行的最大值",
    )
    probabilities = np.exp([-2.0, -1.0, 0.0]) / np.sum(np.exp([-2.0, -1.0, 0.0]))
    assert_close(
        dscores,
        (probabilities - [0.0, 0.0, 1.0])[None],
        what=message("dscores at scores ~1000", "分数约为 1000 时的 dscores"),
    )
    loss_twice, dscores_twice = submission.softmax_loss(np.concatenate([scores, scores]), np.array([2, 2]))
    assert_close(
        loss_twice,
        expected_loss,
        what=message("loss of the batch repeated twice", "同一批量重复两次时的 loss"),
    )
    assert_close(
        dscores_twice[0],
        dscores[0] / 2,
        what=message("dscores of the batch repeated twice", "同一批量重复两次时的 dscores"),
    )


@pytest.mark.points(2)
@pytest.mark.function("ConvNet")
def test_convnet_parameter_shapes(submission):
    """W1 (F, C, fs, fs), b1 (F,), W2 (F*H/2*W/2, hidden), b2, W3 (hidden, classes), b3; the
    weights drawn (not all equal), the biases zero: arrays of the right shapes alone are not a net."""
    model = submission.ConvNet(input_dim=(3, 6, 6), num_filters=4, filter_size=5, hidden_dim=7, num_classes=5)
    expected = {"W1": (4, 3, 5, 5), "b1": (4,), "W2": (36, 7), "b2": (7,), "W3": (7, 5), "b3": (5,)}
    params = checked_arrays(model.params, expected, "model.params")
    drawn_weights_and_zero_biases(params, "model.params")


@pytest.mark.points(2)
@pytest.mark.function("ConvNet")
def test_initial_loss_is_near_log_ten(submission, reference, rng):
    """With small weights every class is equally likely: the loss starts near ln(10) = 2.303.
    The loss and scores must be those of the reference network holding the same weights. The loss
    is compared by its distance from ln(10) (about 1e-7 here): answering ln(10) whatever the
    weights and images is not a loss."""
    config = {"weight_scale": 1e-3, "seed": 3}
    model = submission.ConvNet(**config)
    net = reference_net(reference, config, weights_of(reference, model, config))
    X = rng.standard_normal((20, 1, 8, 8))
    y = rng.integers(0, 10, size=20)
    expected_loss = net.loss(X, y)[0]
    expect(
        abs(expected_loss - math.log(10)) < 0.02,
        "with weight_scale=1e-3 your initial weights give a loss of {loss}, expected about ln(10) = 2.3026: "
        "are they scaled by weight_scale?",
        "weight_scale=1e-3 时你的初始权重给出的 loss 是 {loss}，应约为 ln(10) = 2.3026："
        "权重乘上 weight_scale 了吗？",
        loss=f"{expected_loss:.4f}",
    )
    loss, _ = loss_and_grads(model.loss(X, y))
    assert_close(loss, expected_loss, what="loss")
    assert_close(
        loss - math.log(10),
        expected_loss - math.log(10),
        rtol=1e-4,
        atol=1e-13,
        what=message("loss - ln(10)", "loss 与 ln(10) 之差"),
    )
    # the scores are of order 1e-7 here: compare them relatively, not against atol
    assert_close(model.loss(X), net.loss(X), atol=1e-15, what="scores")


SMALL = {"input_dim": (2, 4, 4), "num_filters": 3, "filter_size": 3, "hidden_dim": 5, "num_classes": 4}
SMALL_SHAPES = {"W1": (3, 2, 3, 3), "b1": (3,), "W2": (12, 5), "b2": (5,), "W3": (5, 4), "b3": (4,)}


def small_params(rng):
    return {name: rng.standard_normal(shape) * 0.5 for name, shape in SMALL_SHAPES.items()}


def small_model(submission, params, reg):
    """The student's small ConvNet, holding a copy of the grader's `params`."""
    model = submission.ConvNet(**SMALL, reg=reg)
    model.params = {name: value.copy() for name, value in params.items()}
    return model


@pytest.mark.points(5)
@pytest.mark.function("ConvNet")
def test_convnet_gradient_check(submission, reference, rng):
    """Every gradient ConvNet.loss returns, with L2 regularisation (reg 0.3), is the gradient of
    the loss it returns: central differences of your own loss, as the lecture's gradient check
    does. Without regularisation that loss is the reference network's at the same weights, so a
    loss that is consistent but wrong (all zeros) cannot pass. What regularisation adds to the
    loss is tested on its own below."""
    params = small_params(rng)
    X = rng.standard_normal((3, 2, 4, 4))
    y = rng.integers(0, 4, size=3)
    plain, _ = loss_and_grads(small_model(submission, params, reg=0.0).loss(X, y))
    net = reference_net(reference, SMALL | {"reg": 0.0}, dict(params))
    assert_close(plain, net.loss(X, y)[0], what=message("loss with reg=0", "reg=0 时的 loss"))
    model = small_model(submission, params, reg=0.3)
    _, grads = loss_and_grads(model.loss(X, y))
    grads = checked_arrays(grads, SMALL_SHAPES, "grads")
    for name in SMALL_SHAPES:

        def loss_at(value, name=name):
            model.params = params | {name: value}
            return loss_and_grads(model.loss(X, y))[0]

        expected = numerical_gradient_scalar(loss_at, params[name].copy(), step=1e-6)
        assert_gradient(grads[name], expected, what=f"grads[{name!r}] (reg 0.3)", limit=1e-6)


@pytest.mark.points(2)
@pytest.mark.function("ConvNet")
def test_regularisation_adds_half_reg_sum_of_squares(submission, rng):
    """The loss adds 0.5 * reg * sum(W**2) over W1, W2 and W3 (not the biases), and the gradients
    of W1, W2 and W3 add reg * W."""
    X = rng.standard_normal((2, 2, 4, 4))
    y = np.array([0, 3])
    params = small_params(np.random.default_rng(7))
    plain, plain_grads = loss_and_grads(small_model(submission, params, reg=0.0).loss(X, y))
    regular, regular_grads = loss_and_grads(small_model(submission, params, reg=0.7).loss(X, y))
    weights = sum(float(np.sum(params[k] ** 2)) for k in ("W1", "W2", "W3"))
    assert_close(regular - plain, 0.5 * 0.7 * weights, what="loss(reg=0.7) - loss(reg=0)")
    # and its gradient, reg * W: a loss whose gradients ignore the weights is not regularised
    shapes = {name: value.shape for name, value in params.items()}
    plain_grads = checked_arrays(plain_grads, shapes, "grads (reg=0)")
    regular_grads = checked_arrays(regular_grads, shapes, "grads (reg=0.7)")
    added = {name: regular_grads[name] - plain_grads[name] for name in ("W1", "W2", "W3")}
    assert_close(
        added,
        {name: 0.7 * params[name] for name in ("W1", "W2", "W3")},
        what="grads(reg=0.7) - grads(reg=0)",
    )


@pytest.mark.points(2)
@pytest.mark.function("train")
def test_overfits_fifty_examples(submission, reference, rng):
    """A net that can learn fits 50 digits perfectly, even with labels drawn at random, which
    nothing written in advance can predict: 150 epochs at lr 0.1, batch 10. The grader computes
    the training accuracy itself, from the weights train leaves in the model: 100 %.
    The chain is the lesson here (your train drives your ConvNet), so it is worth few points;
    train's own behaviour is tested alone by the replay tests below."""
    X_train, _, X_val, y_val = digits_split()
    labels = rng.integers(0, 10, size=50)
    config = {"weight_scale": 0.2, "seed": 1}
    model = submission.ConvNet(**config)
    submission.train(
        model, X_train[:50], labels, X_val[:50], y_val[:50], epochs=150, batch_size=10, lr=0.1, seed=1
    )
    net = reference_net(reference, config, weights_of(reference, model, config))
    fitted = accuracy(net, X_train[:50], labels)
    expect(
        fitted == 1.0,
        "the trained weights fit {fitted} of the 50 examples, expected 1.00",
        "训练后的权重在这 50 个样本上的准确率是 {fitted}，应为 1.00",
        fitted=f"{fitted:.2f}",
    )


@pytest.mark.points(4)
@pytest.mark.function("train")
def test_trains_to_95_percent_on_digits(submission, reference, rng, credit):
    """On scikit-learn's 8x8 digits, the ten labels renamed at random: 20 epochs at lr 0.1 then 5
    at lr 0.01, batch 16. The grader computes the accuracy itself, from the trained weights, on
    200 validation digits that train never sees: at least 95 % (90 % earns half the points).
    The training set also holds 32 noise images with random labels: a net trained on it fits at
    least half of them, one trained elsewhere about one in ten (no credit then).
    Like the test above, an integration test of your train and your ConvNet together."""
    X_train, y_train, X_val, y_val = digits_split()
    rename = rng.permutation(10)
    noise = rng.random((NOISE_IMAGES, 1, 8, 8))
    noise_labels = rng.integers(0, 10, size=NOISE_IMAGES)
    X = np.concatenate([X_train, noise])
    y = np.concatenate([rename[y_train], noise_labels])
    X_shown, y_shown = X_val[:SHOWN_VALIDATION], rename[y_val[:SHOWN_VALIDATION]]
    config = {"num_filters": 16, "hidden_dim": 64, "weight_scale": 0.1, "seed": 0}
    model = submission.ConvNet(**config)
    submission.train(model, X, y, X_shown, y_shown, epochs=20, batch_size=16, lr=0.1, seed=0)
    submission.train(model, X, y, X_shown, y_shown, epochs=5, batch_size=16, lr=0.01, seed=1)
    net = reference_net(reference, config, weights_of(reference, model, config))
    fitted = accuracy(net, noise, noise_labels)
    expect(
        fitted >= 0.5,
        "the trained weights fit {fitted} of the noise images in the training set, expected at least 0.50: "
        "were they trained on the data given to train?",
        "训练后的权重在训练集的噪声图像上的准确率是 {fitted}，应至少 0.50：是用传给 train 的数据训练的吗？",
        fitted=f"{fitted:.2f}",
    )
    held_out = accuracy(net, X_val[SHOWN_VALIDATION:], rename[y_val[SHOWN_VALIDATION:]])
    if held_out >= 0.90:
        credit.award(0.5)
    expect(
        held_out >= 0.95,
        "accuracy {accuracy} on digits train never saw, expected at least 0.95",
        "在 train 没见过的手写数字上准确率是 {accuracy}，应至少 0.95",
        accuracy=f"{held_out:.3f}",
    )


def copies(params):
    return {name: np.array(value, dtype=np.float64) for name, value in params.items()}


def standard_deviations_near(weights, scale, tolerance, what):
    """W1, W2 and W3 have a standard deviation within `tolerance` (relative) of `scale`, and the
    biases are zero."""
    for name in ("W1", "W2", "W3"):
        ratio = float(np.std(weights[name])) / scale
        expect(
            abs(ratio - 1) < tolerance,
            "{what}: {name} has a standard deviation of {ratio} x weight_scale, expected about 1: "
            "draw the weights from a normal distribution times weight_scale",
            "{what}：{name} 的标准差是 {ratio} x weight_scale，应约为 1 倍："
            "权重应从正态分布中抽取，再乘以 weight_scale",
            what=what,
            name=name,
            ratio=f"{ratio:.3g}",
        )
    for name in ("b1", "b2", "b3"):
        assert_close(weights[name], np.zeros_like(weights[name]), what=f"{what}: {name}")


WIDE = {"input_dim": (3, 8, 8), "num_filters": 16, "filter_size": 5, "hidden_dim": 32, "weight_scale": 0.5}


@pytest.mark.points(2)
@pytest.mark.function("ConvNet")
def test_convnet_initial_weight_scale(submission, reference):
    """W1, W2 and W3 start with a standard deviation of weight_scale and the biases at zero: with
    the defaults (1e-2; W1 has only 72 weights, so within 35 %) and with weight_scale=0.5 on a wider
    net (1,200, 8,192 and 320 weights, within 20 %)."""
    default = weights_of(reference, submission.ConvNet(), {})
    standard_deviations_near(default, 1e-2, 0.35, "ConvNet()")
    wide = weights_of(reference, submission.ConvNet(**WIDE, seed=2), WIDE)
    standard_deviations_near(wide, 0.5, 0.2, "weight_scale=0.5")


@pytest.mark.points(1)
@pytest.mark.function("ConvNet")
def test_convnet_seed_decides_the_weights(submission, reference):
    """Two nets built with seed 3 start with the same weights; one built with seed 4 does not."""
    first = weights_of(reference, submission.ConvNet(seed=3), {})
    again = weights_of(reference, submission.ConvNet(seed=3), {})
    other = weights_of(reference, submission.ConvNet(seed=4), {})
    assert_close(again, first, what=message("a second ConvNet(seed=3)", "第二个 ConvNet(seed=3)"))
    expect(
        any(not np.allclose(other[k], first[k]) for k in ("W1", "W2", "W3")),
        "ConvNet(seed=4) starts with the weights of ConvNet(seed=3): "
        "draw them from np.random.default_rng(seed)",
        "ConvNet(seed=4) 的初始权重和 ConvNet(seed=3) 的一样：权重应从 np.random.default_rng(seed) 抽取",
    )


RECTANGULAR = {"input_dim": (2, 6, 4), "num_filters": 3, "filter_size": 5, "hidden_dim": 5, "num_classes": 4}


@pytest.mark.points(2)
@pytest.mark.function("ConvNet")
def test_convnet_five_by_five_filters_on_rectangular_images(submission, reference, rng):
    """5x5 filters need pad 2 to keep 6x4 images 6x4, pooled to 3x2, so W2 has 3*3*2 = 18 rows:
    the scores, the loss (reg 0.1) and every gradient are the reference network's at the same
    weights, on three images. The first filter's bias is -50, so its responses are all negative:
    ReLU stops its gradient (whole pooling windows of zeros), which a backward pass must respect."""
    shapes = {name: value.shape for name, value in reference.ConvNet(**RECTANGULAR).params.items()}
    params = {name: rng.standard_normal(shape) * 0.5 for name, shape in shapes.items()}
    params["b1"][0] = -50.0
    model = submission.ConvNet(**RECTANGULAR, reg=0.1)
    model.params = copies(params)
    net = reference_net(reference, RECTANGULAR | {"reg": 0.1}, copies(params))
    X = rng.standard_normal((3, 2, 6, 4))
    y = rng.integers(0, 4, size=3)
    assert_close(model.loss(X), net.loss(X), what="scores")
    loss, grads = loss_and_grads(model.loss(X, y))
    grads = checked_arrays(grads, shapes, "grads")
    expected_loss, expected_grads = net.loss(X, y)
    assert_close(loss, expected_loss, what="loss")
    for name in shapes:
        assert_close(grads[name], expected_grads[name], what=f"grads[{name!r}]")


# train's own behaviour, on a tiny net the grader replays: it takes little time to try every order
TINY = {"input_dim": (1, 4, 4), "num_filters": 2, "filter_size": 3, "hidden_dim": 4, "num_classes": 3}
TINY_SHAPES = {"W1": (2, 1, 3, 3), "b1": (2,), "W2": (8, 4), "b2": (4,), "W3": (4, 3), "b3": (3,)}
STEP = 0.5  # the learning rate of the replayed epochs
UNSHUFFLED = ((0, 1), (2, 3), (4, 5))  # six examples, two per step, in the order given


def tiny_problem(rng, n):
    """n random 4x4 images with labels 0..2, and the weights a TINY net starts from."""
    X = rng.standard_normal((n, 1, 4, 4))
    y = rng.integers(0, 3, size=n)
    return X, y, {name: rng.standard_normal(shape) * 0.5 for name, shape in TINY_SHAPES.items()}


def trained(submission, reference, params, X, y, **options):
    """The weights the student's train leaves in a TINY ConvNet that starts at `params`."""
    model = submission.ConvNet(**TINY)
    model.params = copies(params)
    submission.train(model, X, y, X[:2], y[:2], **options)
    return weights_of(reference, model, TINY)


def same_weights(first, second):
    return all(np.allclose(first[name], second[name], rtol=1e-6, atol=1e-8) for name in first)


def epoch_orders(n, batch_size):
    """Every sequence of batches one epoch over n examples can take (the order inside a batch
    changes only round-off, so each batch is sorted)."""
    orders = {
        tuple(tuple(sorted(order[i : i + batch_size])) for i in range(0, n, batch_size))
        for order in itertools.permutations(range(n))
    }
    return sorted(orders)


class Replay:
    """SGD on the inputs the student's train gets, computed by the grader.

    train only drives the model it is given. The model's gradients are the reference ConvNet's,
    unless the student's ConvNet computes others at the starting weights: then the replay uses the
    student's own model, so that train is judged on its own code and a mistake in ConvNet costs
    only ConvNet's points. A model whose gradients leave the weights where they were cannot judge
    train: the replay then falls back to the reference's gradients.
    """

    def __init__(self, submission, reference, params, X, y):
        self.X, self.y = X, y
        self.net = reference_net(reference, TINY, copies(params))
        self.probe = submission.ConvNet(**TINY)
        expected = self.reference_grads(copies(params), range(len(X)))
        try:
            self.probe.params = copies(params)
            grads = checked_arrays(loss_and_grads(self.probe.loss(X, y))[1], TINY_SHAPES, "grads")
        except Exception:  # a model that cannot even be probed: the reference's gradients stand
            grads = expected
        differs = any(not np.allclose(grads[k], expected[k], rtol=1e-6, atol=1e-9) for k in TINY_SHAPES)
        self.own = differs and any(np.any(grads[k] != 0) for k in TINY_SHAPES)

    def reference_grads(self, weights, batch):
        self.net.params = weights
        return self.net.loss(self.X[list(batch)], self.y[list(batch)])[1]

    def own_grads(self, weights, batch):
        self.probe.params = copies(weights)
        _, grads = loss_and_grads(self.probe.loss(self.X[list(batch)], self.y[list(batch)]))
        return checked_arrays(grads, TINY_SHAPES, "grads")

    def sgd(self, params, batches, lr):
        """Plain SGD: one step of -lr * gradient per batch, in the given order."""
        weights = copies(params)
        for batch in batches:
            step = (self.own_grads if self.own else self.reference_grads)(weights, batch)
            weights = {name: weights[name] - lr * step[name] for name in weights}
        if self.own and same_weights(weights, params):
            self.own = False  # the student's model does not move: judge train with the reference's
            return self.sgd(params, batches, lr)
        return weights

    def note(self):
        """Said in a failure when the student's own gradients were replayed."""
        if not self.own:
            return message("", "")
        return message(
            " (replayed with your ConvNet's own gradients, which differ from the reference's)",
            "（重放时用的是你的 ConvNet 自己算出的梯度，它和参考答案的不同）",
        )


@pytest.mark.points(1)
@pytest.mark.function("train")
def test_train_seed_decides_the_shuffles(submission, reference, rng):
    """Trained twice with seed 3 (two epochs of 8 examples, 2 per step), a net ends with the same
    weights; trained with seed 4, with others: the shuffles come from `seed`, and nowhere else."""
    X, y, params = tiny_problem(rng, 8)
    options = {"epochs": 2, "batch_size": 2, "lr": STEP}
    first = trained(submission, reference, params, X, y, seed=3, **options)
    expect(
        not same_weights(first, params),
        "two epochs at lr 0.5 left the weights where they started",
        "以学习率 0.5 训练两个 epoch 后，权重还是初始值",
    )
    again = trained(submission, reference, params, X, y, seed=3, **options)
    assert_close(
        again, first, what=message("weights after training again with seed 3", "用 seed 3 再训练一次后的权重")
    )
    other = trained(submission, reference, params, X, y, seed=4, **options)
    expect(
        not same_weights(other, first),
        "seeds 3 and 4 give the same weights: shuffle with a generator seeded by `seed`",
        "seed 3 和 seed 4 得到的权重相同：打乱顺序要用以 `seed` 为种子的随机数生成器",
    )


@pytest.mark.points(2)
@pytest.mark.function("train")
def test_train_one_epoch_is_a_shuffled_pass(submission, reference, rng):
    """One epoch over 6 examples, 2 per step at lr 0.5, with seeds 0 and 1: the weights are those of
    SGD over the examples in some order, each once with its own label (the grader replays all 90
    orders from the same start), and not always the order given."""
    X, y, params = tiny_problem(rng, 6)
    replay = Replay(submission, reference, params, X, y)
    results = {order: replay.sgd(params, order, STEP) for order in epoch_orders(6, 2)}
    shuffled = 0
    for seed in (0, 1):
        weights = trained(submission, reference, params, X, y, epochs=1, batch_size=2, lr=STEP, seed=seed)
        expect(
            any(same_weights(weights, result) for result in results.values()),
            "seed {seed}: the weights after one epoch are not those of SGD over the 6 examples in any "
            "order, 2 per step at lr 0.5: does each step take batch_size examples, each example once "
            "per epoch with its own label, and subtract lr * gradient?{note}",
            "seed {seed}：一个 epoch 后的权重不是按任何顺序对这 6 个样本做 SGD（每步 2 个，学习率 0.5）"
            "的结果：每一步是否取 batch_size 个样本、每个 epoch 每个样本恰好用一次且配自己的标签，"
            "并减去 lr * 梯度？{note}",
            seed=seed,
            note=replay.note(),
        )
        shuffled += not same_weights(weights, results[UNSHUFFLED])
    expect(
        shuffled,
        "with seeds 0 and 1 one epoch visits the examples in the order given: shuffle them every "
        "epoch with a generator seeded by `seed`{note}",
        "seed 0 和 seed 1 时，一个 epoch 都按给定的顺序访问样本：每个 epoch 都要用以 `seed` "
        "为种子的随机数生成器打乱顺序{note}",
        note=replay.note(),
    )


@pytest.mark.points(1)
@pytest.mark.function("train")
def test_train_reshuffles_every_epoch(submission, reference, rng):
    """Two epochs with seeds 0 and 1: the second epoch continues from the first (as train(epochs=1)
    runs it) and visits the examples in a new order, not the first epoch's again."""
    X, y, params = tiny_problem(rng, 6)
    replay = Replay(submission, reference, params, X, y)
    orders = epoch_orders(6, 2)
    first = {order: replay.sgd(params, order, STEP) for order in orders}
    repeated = 0
    for seed in (0, 1):
        options = {"batch_size": 2, "lr": STEP, "seed": seed}
        one = trained(submission, reference, params, X, y, epochs=1, **options)
        start = next((order for order in orders if same_weights(one, first[order])), None)
        expect(
            start is not None,
            "seed {seed}: the weights after one epoch are not those of SGD over the 6 examples in any "
            "order{note}",
            "seed {seed}：一个 epoch 后的权重不是按任何顺序对这 6 个样本做 SGD 的结果{note}",
            seed=seed,
            note=replay.note(),
        )
        two = trained(submission, reference, params, X, y, epochs=2, **options)
        after = [order for order in orders if same_weights(two, replay.sgd(first[start], order, STEP))]
        expect(
            after,
            "seed {seed}: after two epochs the weights are not those of the first epoch followed by "
            "a pass over the 6 examples in some order: draw every epoch's shuffle from one generator "
            "seeded once with `seed`{note}",
            "seed {seed}：两个 epoch 后的权重不是“第一个 epoch 之后再按某种顺序把 6 个样本过一遍”的结果："
            "每个 epoch 的打乱顺序都要来自同一个只用 `seed` 初始化一次的随机数生成器{note}",
            seed=seed,
            note=replay.note(),
        )
        repeated += start in after
    expect(
        repeated < 2,
        "with seeds 0 and 1 the second epoch visits the examples in the first epoch's order again: "
        "draw a new permutation every epoch{note}",
        "seed 0 和 seed 1 时，第二个 epoch 又按第一个 epoch 的顺序访问样本：每个 epoch 都要重新打乱{note}",
        note=replay.note(),
    )


@pytest.mark.points(1)
@pytest.mark.function("train")
def test_train_defaults(submission, reference, rng):
    """train(model, X, y, X_val, y_val) alone runs 10 epochs of batches of 32 at lr 0.1: on 32
    examples, 10 full-batch steps, whatever the shuffles (replayed here)."""
    X, y, params = tiny_problem(rng, 32)
    replay = Replay(submission, reference, params, X, y)
    expected = replay.sgd(params, [range(32)] * 10, 0.1)
    weights = trained(submission, reference, params, X, y)
    what = message(
        "weights after train with its defaults{note}", "用默认参数 train 后的权重{note}", note=replay.note()
    )
    assert_close(weights, expected, what=what)


def history_of(submission, reference, params, X, y, X_val, y_val, **options):
    """The history the student's train returns for a TINY ConvNet that starts at `params`, and
    the weights it leaves."""
    model = submission.ConvNet(**TINY)
    model.params = copies(params)
    history = submission.train(model, X, y, X_val, y_val, **options)
    expect(
        isinstance(history, dict),
        "train returned a {kind}, expected a dict",
        "train 返回的是 {kind}，应为 dict",
        kind=type(history).__name__,
    )
    return history, weights_of(reference, model, TINY)


def epoch_record(history, key, epochs):
    """history[key] as a list of `epochs` numbers, or a failure naming what it holds."""
    entries = history.get(key)
    expect(
        isinstance(entries, (list, tuple, np.ndarray)) and len(entries) == epochs,
        "history[{key}] should hold one number per epoch ({epochs}), got {got}",
        "history[{key}] 应当每个 epoch 一个数（共 {epochs} 个），你的结果是 `{got}`",
        key=repr(key),
        epochs=epochs,
        got=f"{entries!r:.80}",
    )
    return [_one_number(entry, key) for entry in entries]


def _one_number(entry, key):
    """An epoch's entry as a float: a number, or any array or list holding exactly one."""
    try:
        value = np.asarray(entry, dtype=np.float64)
    except (TypeError, ValueError):
        value = np.empty(0)
    expect(
        value.size == 1,
        "history[{key}] should hold one number per epoch, got {got}",
        "history[{key}] 每个 epoch 应当是一个数，你的结果是 `{got}`",
        key=repr(key),
        got=f"{entry!r:.80}",
    )
    return float(value.reshape(-1)[0])


class Scorer:
    """Losses and accuracies of the model train drives, at given weights: the reference ConvNet's,
    or the student's own model when its gradients differ (as `Replay` decides), since train
    reports what the model it is given says."""

    def __init__(self, replay):
        self.replay = replay

    def loss(self, weights, X, y):
        if self.replay.own:
            self.replay.probe.params = copies(weights)
            return float(loss_and_grads(self.replay.probe.loss(X, y))[0])
        self.replay.net.params = copies(weights)
        return float(self.replay.net.loss(X, y)[0])

    def accuracy(self, weights, X, y):
        model = self.replay.probe if self.replay.own else self.replay.net
        model.params = copies(weights)
        return float(np.mean(np.asarray(model.loss(X)).argmax(axis=1) == y))


@pytest.mark.points(1)
@pytest.mark.function("train")
def test_train_history_is_the_epochs_mean_minibatch_loss(submission, reference, rng):
    """train's docstring: history holds one float per epoch, `loss` the mean of the epoch's
    minibatch losses, `train_acc` and `val_acc` the accuracies on X and X_val after the epoch.
    Recomputed here, independently of the history: at lr 0 (the weights stay, so every order
    gives the same mean: 6 examples, 3 batches of 2) the loss is the mean loss over the 6
    examples, not the last batch's; at lr 0.5 the epoch's order is found by replaying SGD, and the
    loss is the mean of the three losses met along the way, each before its step."""
    X, y, params = tiny_problem(rng, 6)
    X_val, y_val = rng.standard_normal((5, 1, 4, 4)), rng.integers(0, 3, size=5)
    replay = Replay(submission, reference, params, X, y)
    scorer = Scorer(replay)
    history, _ = history_of(submission, reference, params, X, y, X_val, y_val, epochs=2, batch_size=2, lr=0.0)
    expected = {
        "loss": [scorer.loss(params, X, y)] * 2,
        "train_acc": [scorer.accuracy(params, X, y)] * 2,
        "val_acc": [scorer.accuracy(params, X_val, y_val)] * 2,
    }
    for key, right in expected.items():
        what = message(
            "history[{key}] at lr 0{note}",
            "学习率 0 时的 history[{key}]{note}",
            key=repr(key),
            note=replay.note(),
        )
        assert_close(epoch_record(history, key, 2), right, what=what)
    history, weights = history_of(
        submission, reference, params, X, y, X_val, y_val, epochs=1, batch_size=2, lr=STEP
    )
    order = next((o for o in epoch_orders(6, 2) if same_weights(weights, replay.sgd(params, o, STEP))), None)
    if order is None:  # not SGD in any order: the replay tests above charge that, not this one
        return
    losses, step = [], copies(params)
    for batch in order:
        losses.append(scorer.loss(step, X[list(batch)], y[list(batch)]))
        step = replay.sgd(step, [batch], STEP)
    what = message(
        "history['loss'] of one epoch at lr 0.5, the mean of its 3 minibatch losses{note}",
        "学习率 0.5 时一个 epoch 的 history['loss']，应为这个 epoch 3 个小批量损失的平均{note}",
        note=replay.note(),
    )
    assert_close(epoch_record(history, "loss", 1), [float(np.mean(losses))], what=what)
