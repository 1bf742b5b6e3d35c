"""Hostile submissions of the cnn assignment: a network that computes nothing, weights trained
elsewhere, a `params` that lies, a loss that lies, and odd training histories.

Each is solutions/cnn.py with one definition replaced (or a line patched) and earns exactly the
points of its honest part: the points of the tests it names as lost are all it loses.
"""

import base64
import importlib.util
import io

import numpy as np
import pytest

from grader.testing import digits_split

from .conftest import ROOT, grade_and_check, patch, reference_source, replace_definition, write_submission

# the tests of train that read the weights it leaves, except the one comparing runs with each other
REPLAY_TESTS = {
    "test_train_one_epoch_is_a_shuffled_pass",
    "test_train_reshuffles_every_epoch",
    "test_train_defaults",
}
TRAIN_TESTS = {
    "test_train_steps_on_blank_images",
    "test_train_history_is_the_epochs_mean_minibatch_loss",
    "test_overfits_fifty_examples",
    "test_trains_to_95_percent_on_digits",
    "test_train_seed_decides_the_shuffles",
    *REPLAY_TESTS,
}
LOSS_TESTS = {
    "test_initial_loss_is_near_log_ten",
    "test_convnet_gradient_check",
    "test_regularisation_adds_half_reg_sum_of_squares",
    "test_convnet_five_by_five_filters_on_rectangular_images",
}

PERFECT_TRAIN = '''
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    """Reports a perfect run and leaves the model as it was."""
    return {
        "loss": [2.3 / (epoch + 1) for epoch in range(epochs)],
        "train_acc": [1.0] * epochs,
        "val_acc": [1.0] * epochs,
    }
'''

CONSTANT_LOSS = '''
def loss(self, X, y=None):
    """ln 10 whatever the input, gradients of zero, and equal scores."""
    if y is None:
        return np.zeros((len(X), self.params["W3"].shape[1]))
    return 2.302585092994046, {name: np.zeros_like(value) for name, value in self.params.items()}
'''


def cnn_submission(tmp_path, source):
    return write_submission(tmp_path / "student", "cnn", source)


def test_perfect_history_and_constant_loss_earn_only_the_honest_part(course, tmp_path):
    """The issue's attack: train reports 100 % without training, and the loss is ln 10 with zero
    gradients. Only the layers and the network's shapes are honest; they keep their points."""
    source = replace_definition(reference_source("cnn"), "train", PERFECT_TRAIN)
    source = replace_definition(source, "ConvNet.loss", CONSTANT_LOSS)
    _, results = grade_and_check(course, "cnn", cnn_submission(tmp_path, source), TRAIN_TESTS | LOSS_TESTS)
    assert "noise images" in results["test_trains_to_95_percent_on_digits"][0].output


BAD_PARAMS = {
    "nan": ('params["W2"][0, 0] = np.nan', "holds inf or nan"),
    "shape": ('params["W2"] = np.zeros((64, 128))', "shape (64, 128)"),
    "extra_key": ('params["W4"] = np.zeros(1)', "unexpected key 'W4'"),
    "missing_key": ('params.pop("b3", None)', "has no 'b3'"),
    "integers": ('params["W1"] = np.ones(params["W1"].shape, dtype=np.int64)', "expected a float array"),
    "lists": ('params["W3"] = np.asarray(params["W3"]).tolist()', "is a list, expected a float array"),
    "huge": ('params["W2"] = np.zeros((10**7,))', "shape (10000000,)"),
}

BAD_PARAMS_TRAIN = '''
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    """Leaves weights the grader's reference cannot use, and reports a perfect run."""
    params = dict(model.params)
    {change}
    model.params = params
    return {{"loss": [0.1] * epochs, "train_acc": [1.0] * epochs, "val_acc": [1.0] * epochs}}
'''


@pytest.mark.parametrize("kind", sorted(BAD_PARAMS))
def test_weights_are_checked_before_the_reference_uses_them(course, tmp_path, kind):
    """NaN, a wrong shape, a key too many or too few, integers, lists, an 80 MB array: each
    training test fails with a reason, and no reference code runs on such weights."""
    change, reason = BAD_PARAMS[kind]
    source = replace_definition(reference_source("cnn"), "train", BAD_PARAMS_TRAIN.format(change=change))
    _, results = grade_and_check(course, "cnn", cnn_submission(tmp_path, source), TRAIN_TESTS)
    for name in ("test_overfits_fifty_examples", "test_trains_to_95_percent_on_digits"):
        assert reason in results[name][0].output, results[name][0].output


SHIFTING_PARAMS = '''
def __init__(self, input_dim=(1, 8, 8), num_filters=8, filter_size=3, hidden_dim=64, num_classes=10,
             weight_scale=1e-2, reg=0.0, seed=0):
    """The reference's weights, kept in _params."""
    self.reg = reg
    self._reads = 0
    channels, height, width = input_dim
    rng = np.random.default_rng(seed)
    pooled = num_filters * (height // 2) * (width // 2)
    self._params = {
        "W1": weight_scale * rng.standard_normal((num_filters, channels, filter_size, filter_size)),
        "b1": np.zeros(num_filters),
        "W2": weight_scale * rng.standard_normal((pooled, hidden_dim)),
        "b2": np.zeros(hidden_dim),
        "W3": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
        "b3": np.zeros(num_classes),
    }

@property
def params(self):
    """The true weights for this module's own code; for anyone else, a different set each read."""
    if sys._getframe(1).f_globals.get("__name__") == __name__:
        return self._params
    self._reads += 1
    return {name: value + self._reads for name, value in self._params.items()}

@params.setter
def params(self, value):
    self._params = value
'''


def test_params_that_differ_on_each_read_earn_only_the_honest_part(course, tmp_path):
    """Training and the loss use the true weights; every read from outside the module returns a
    different set. The loss and gradients at weights the grader sets stay honest and keep their
    points; ConvNet's tests that read the weights back lose theirs (the initial scale's and the
    shape tests' too: the biases read back are not zero). train is the reference's: its tests
    fail with this ConvNet, pass again with the reference's ConvNet standing in, and keep their
    points, naming ConvNet (one mistake costs its own points, once)."""
    source = replace_definition(reference_source("cnn"), "ConvNet.__init__", SHIFTING_PARAMS)
    source = patch(source, "import numpy as np\n", "import sys\n\nimport numpy as np\n")
    lost = {
        "test_initial_loss_is_near_log_ten",
        "test_convnet_initial_weight_scale",
        "test_convnet_default_shapes",  # the shape tests check zero biases too
        "test_convnet_parameter_shapes",
    }
    _, results = grade_and_check(course, "cnn", cnn_submission(tmp_path, source), lost)
    kept = [t for name in TRAIN_TESTS for t in results[name] if "ConvNet" in t.output]
    assert kept and all("fails its own tests" in t.output for t in kept)


LIAR = '''

class Liar(float):
    """A number equal to anything, with no distance to anything."""

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __sub__(self, other):
        return Liar(0.0)

    __rsub__ = __sub__

    def __abs__(self):
        return Liar(0.0)

    def __lt__(self, other):
        return True
'''


def test_a_loss_of_a_float_subclass_is_refused(course, tmp_path):
    """ConvNet.loss returns its loss as a float subclass that equals everything. The subclass is
    not plain data, so the tests that read the loss fail; training, inside the child, still
    works and keeps its points."""
    source = patch(reference_source("cnn"), "return loss, grads\n", "return Liar(loss), grads\n")
    _, results = grade_and_check(course, "cnn", cnn_submission(tmp_path, source + LIAR), LOSS_TESTS)
    assert all("expected a number" in results[name][0].output for name in LOSS_TESTS)


HISTORY_APPENDS = """        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(_accuracy(model, X, y))
        history["val_acc"].append(_accuracy(model, X_val, y_val))
"""


def test_history_of_one_element_arrays_scores_full_marks(course, tmp_path):
    """An honest train that records each epoch as a 1-element array: no report hook breaks, every
    test is recorded, and the report still draws the training curve."""
    arrays = """        history["loss"].append(np.array([float(np.mean(losses))]))
        history["train_acc"].append(np.array([_accuracy(model, X, y)]))
        history["val_acc"].append(np.array([_accuracy(model, X_val, y_val)]))
"""
    source = patch(reference_source("cnn"), HISTORY_APPENDS, arrays)
    report, results = grade_and_check(course, "cnn", cnn_submission(tmp_path, source), set())
    curve = results["test_trains_to_95_percent_on_digits"][0].curve
    assert curve is not None and len(curve["val_acc"]) == 5


def test_history_of_odd_values_loses_only_the_history_check(course, tmp_path):
    """Nested lists, a string and None in the history of an honest train: the hooks draw no curve
    and raise nothing; only the public test that reads the history loses its point."""
    odd = """        history["loss"].append([[float(np.mean(losses))]])
        history["train_acc"] = "perfect"
        history["val_acc"] = None
"""
    source = patch(reference_source("cnn"), HISTORY_APPENDS, odd)
    lost = {"test_train_steps_on_blank_images", "test_train_history_is_the_epochs_mean_minibatch_loss"}
    _, results = grade_and_check(course, "cnn", cnn_submission(tmp_path, source), lost)
    assert results["test_overfits_fifty_examples"][0].curve is None


GUESSING_TRAIN = '''
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    """Loads weights trained elsewhere, renames their classes after the labels it is given, and
    reports a perfect run."""
    stored = np.load(io.BytesIO(base64.b64decode(WEIGHTS)))
    filters = model.params["W1"].shape[0]
    params = {name: stored[f"f{filters}_{name}"].copy() for name in ("W1", "b1", "W2", "b2", "W3", "b3")}
    model.params = params
    predicted = model.loss(X).argmax(axis=1)
    W3, b3 = params["W3"].copy(), params["b3"].copy()
    for digit in range(10):
        labels = y[predicted == digit]
        if len(labels):
            name = np.bincount(labels, minlength=10).argmax()
            W3[:, name], b3[name] = params["W3"][:, digit], params["b3"][digit]
    model.params = params | {"W3": W3, "b3": b3}
    return {"loss": [0.01] * epochs, "train_acc": [1.0] * epochs, "val_acc": [1.0] * epochs}
'''


@pytest.fixture(scope="module")
def weights_trained_elsewhere():
    """The reference's weights after training on all 1797 digits (held-out ones included), for the
    two network sizes the suites use, as a base64 .npz."""
    spec = importlib.util.spec_from_file_location("cnn_for_the_attacker", ROOT / "solutions" / "cnn.py")
    cnn = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cnn)
    X_train, y_train, X_val, y_val = digits_split()
    X, y = np.concatenate([X_train, X_val]), np.concatenate([y_train, y_val])
    arrays = {}
    for filters, scale in ((8, 0.2), (16, 0.1)):
        model = cnn.ConvNet(num_filters=filters, weight_scale=scale, seed=0)
        cnn.train(model, X, y, X[:10], y[:10], epochs=15, batch_size=16, lr=0.1, seed=0)
        assert cnn._accuracy(model, X, y) > 0.97
        arrays |= {f"f{filters}_{name}": value for name, value in model.params.items()}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def test_weights_trained_elsewhere_earn_no_training_points(course, tmp_path, weights_trained_elsewhere):
    """train ignores SGD: it loads weights trained on every digit (the grader's held-out ones too)
    and renames the classes after the labels it is given, so it classifies the held-out digits
    well. The noise images with random labels in the training set, and the 50 randomly labelled
    examples, show that nothing was trained on the data given: no training test scores."""
    source = replace_definition(reference_source("cnn"), "train", GUESSING_TRAIN)
    source = patch(source, "import numpy as np\n", "import base64\nimport io\n\nimport numpy as np\n")
    source += f'\n\nWEIGHTS = "{weights_trained_elsewhere}"\n'
    _, results = grade_and_check(course, "cnn", cnn_submission(tmp_path, source), TRAIN_TESTS)
    assert "noise images" in results["test_trains_to_95_percent_on_digits"][0].output
