"""Points only for answers (issue 19, item 9): results that are not finite, that do not depend on
the inputs, or that change after the call returns, earn nothing on this course's suites.

Each attack is graded in the sandbox on the tests of the functions it attacks only
(`grade(only_functions=...)`), and must score exactly 0 there.
"""

import pytest

from grader.config import load_course
from grader.grading import grade

from .conftest import reference_source, replace_definition, write_submission

# Every conv function answers NaN or infinities, of the right type and shape (the shapes computed
# properly): before, the shape-only public test gave conv_forward 1 of 52.
NONFINITE_CONV = """
import numpy as np


def conv_output_size(n, f, pad=0, stride=1):
    return float("nan")


def padded_output_size(n, f, stride, padding):
    return float("inf")


def zero_pad(x, pad):
    n, c, h, w = x.shape
    return np.full((n, c, h + 2 * pad, w + 2 * pad), np.nan)


def conv_single_step(a_slice, w, b):
    return float("-inf")


def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, hh, ww = w.shape
    shape = (n, f, (h + 2 * pad - hh) // stride + 1, (width + 2 * pad - ww) // stride + 1)
    out = np.full(shape, np.inf)
    out[..., ::2] = np.nan
    return out
"""

# conv_forward returns NaN of the right shape, and a thread writes the right values into it once
# the call has returned: what the call returned is NaN, so it earns nothing.
REWRITTEN_AFTER_RETURN = """
def conv_forward(x, w, b, stride=1, pad=0):
    import sys
    import threading

    sys.setswitchinterval(1e-6)
    right = _honest_conv_forward(x, w, b, stride=stride, pad=pad)
    out = np.full(right.shape, np.nan)
    main = threading.main_thread().ident

    def rewrite():
        while True:
            frame = sys._current_frames().get(main)
            names = []
            while frame is not None:
                names.append(frame.f_code.co_name)
                frame = frame.f_back
            if "conv_forward" not in names:
                out[...] = right
                return

    threading.Thread(target=rewrite, daemon=True).start()
    return out
"""

# No network: the loss with labels is always ln 10 with zero gradients, the scores zeros.
CONSTANT_LOSS = """
def loss(self, X, y=None):
    import math

    if y is None:
        return np.zeros((X.shape[0], self.params["W3"].shape[1]))
    return math.log(10), {name: np.zeros_like(value) for name, value in self.params.items()}
"""

# The same loss with labels, but the scores of a real network (the reference's forward pass).
CONSTANT_LOSS_REAL_SCORES = """

_Network = ConvNet


class ConvNet(_Network):
    def loss(self, X, y=None):
        import math

        if y is None:
            return super().loss(X)
        return math.log(10), {name: np.zeros_like(value) for name, value in self.params.items()}
"""


def graded(course, assignment, source, tmp_path, functions):
    submission = write_submission(tmp_path / "student", assignment, source)
    report = grade(
        course,
        load_course(course / "course.yml").assignment(assignment),
        submission,
        only_functions=functions,
    )
    assert report.tests, "no test of the attacked functions ran"
    return report


@pytest.mark.slow  # grades every conv test
def test_nonfinite_answers_of_the_right_shapes_earn_nothing(course, tmp_path):
    functions = {"conv_output_size", "padded_output_size", "zero_pad", "conv_single_step", "conv_forward"}
    report = graded(course, "conv", NONFINITE_CONV, tmp_path, functions)
    assert report.max_score == pytest.approx(load_course(course / "course.yml").assignment("conv").points)
    assert report.score == 0, [(t.name, t.score) for t in report.tests if t.score]


def test_an_array_rewritten_after_the_call_returned_earns_nothing(course, tmp_path):
    source = reference_source("conv")
    honest = source.replace("def conv_forward(", "def _honest_conv_forward(")
    attacked = replace_definition(source, "conv_forward", REWRITTEN_AFTER_RETURN)
    attacked += "\n\n" + honest[honest.index("def _honest_conv_forward(") :]
    report = graded(course, "conv", attacked, tmp_path, {"conv_forward"})
    assert report.score == 0, [(t.name, t.score) for t in report.tests if t.score]
    assert all("nan" in t.output.lower() or "NaN" in t.output for t in report.tests), [
        t.output[:200] for t in report.tests
    ]


@pytest.mark.parametrize("scores", ["none", "real"])
def test_a_constant_loss_with_zero_gradients_earns_nothing(course, tmp_path, scores):
    """The attack keeps ConvNet's constructor (its weights are right): the tests of the loss lose
    everything, the initial-loss test included, whether the scores are zeros (no network at all)
    or a real network's; only tests of the constructor keep their points."""
    if scores == "none":
        source = replace_definition(reference_source("cnn"), "ConvNet.loss", CONSTANT_LOSS)
    else:
        source = reference_source("cnn") + CONSTANT_LOSS_REAL_SCORES
    report = graded(course, "cnn", source, tmp_path, {"ConvNet"})
    by_name = {t.name: t for t in report.tests}
    assert by_name["test_initial_loss_is_near_log_ten"].score == 0
    constructor_only = {
        "test_convnet_default_shapes",
        "test_convnet_parameter_shapes",
        "test_convnet_initial_weight_scale",
        "test_convnet_seed_decides_the_weights",
    }
    earning = {t.name for t in report.tests if t.score > 0}
    assert earning <= constructor_only, earning - constructor_only
