"""The stand-ins' guard (grader/standins.py): what a rerun's stand-in may answer."""

import numpy as np
import pytest

from grader import compare
from grader.standins import MAX_METHOD_CALLS, TOKEN, StandInGuard, load_reference

REFERENCE = """
import numpy as np


def output_size(n, f, pad=0, stride=1):
    return (n + 2 * pad - f) // stride + 1


def forward(x, f, pad=0, stride=1):
    return np.zeros((output_size(x.shape[0], f, pad=pad, stride=stride),))


def shift(x, c):
    return x + c


def apply(x):
    return shift(x / 3.0, 0.5)


class Model:
    def __init__(self, scale=1.0):
        self.scale = scale

    def loss(self, x):
        return float(np.sum(x)) * self.scale


class Net:
    def __init__(self, size=4):
        self.size = size

    def predict(self, x):
        return forward(x, self.size)
"""


@pytest.fixture
def guard(tmp_path):
    path = tmp_path / "reference.py"
    path.write_text(REFERENCE, encoding="utf-8")
    return StandInGuard(load_reference(path), ["output_size", "Model"])


def test_a_function_stand_in_answers_the_calls_the_reference_caller_makes_and_nothing_else(guard):
    guard.before_call("forward", [np.ones(6)], {"f": 3, "pad": 0, "stride": 1})
    assert guard.allows("output_size", [6, 3], {"pad": 0, "stride": 1})
    assert guard.allows("output_size", [6, 3, 0, 1], {})  # the same call, written positionally
    assert guard.allows("output_size", [6, 3, 0], {})  # the default filled in
    assert not guard.allows("output_size", [6.0, 3], {"pad": 0, "stride": 1})  # a float is another call
    for other in ([7, 3], [6, 3, 1, 1], [6, 2, 0, 1], [1000, 1]):  # another input: an oracle's question
        assert not guard.allows("output_size", other, {})
    guard.before_call("forward", [np.ones(9)], {"f": 2, "pad": 1, "stride": 2})
    assert not guard.allows("output_size", [6, 3, 0, 1], {})  # the last call's inputs only
    assert guard.allows("output_size", [9, 2, 1, 2], {})


def test_arrays_match_within_the_course_tolerance(tmp_path):
    path = tmp_path / "reference.py"
    path.write_text(REFERENCE, encoding="utf-8")
    guard = StandInGuard(load_reference(path), ["shift"])
    x = np.linspace(0.0, 1.0, 7)
    guard.before_call("apply", [x], {})
    with compare.tolerances(1e-6, 1e-9):
        assert guard.allows("shift", [x * (1 / 3.0)], {"c": 0.5})  # rounded another way
        assert guard.allows("shift", [x / 3.0 + 1e-12, 0.5], {})
        assert not guard.allows("shift", [x / 3.0 + 1e-3, 0.5], {})
        assert not guard.allows("shift", [x / 3.0, 0.6], {})
    with compare.tolerances(1e-2, 1e-2):
        assert guard.allows("shift", [x / 3.0 + 1e-3, 0.5], {})


def test_the_test_calling_the_culprit_itself_is_its_own_call(guard):
    guard.before_call("output_size", [5, 3], {})
    assert guard.allows("output_size", [5, 3], {}) and not guard.allows("output_size", [5, 1], {})


def test_a_class_stand_in_answers_only_objects_the_test_built(guard):
    guard.before_call("Model", [], {"scale": 2.0})
    assert guard.allows_method("Model.__init__", {})
    assert not guard.allows_method("Model.__init__", {})  # one object per constructor call of the test
    built = guard.mark("Model.__init__", {}, ("ok", [None, {"scale": 2.0}]))
    state = built[1][1]
    assert TOKEN in state
    guard.before_call("train", [], {})  # the student's own code builds another model in train
    assert not guard.allows_method("Model.__init__", {})
    assert guard.allows_method("Model.loss", state)
    assert not guard.allows_method("Model.loss", {"scale": 2.0})  # a state the grader never marked
    assert not guard.allows_method("Model.loss", {**state, TOKEN: "forged"})
    answered = guard.mark("Model.loss", state, ("ok", [4.0, {"scale": 3.0}]))
    assert answered[1][1][TOKEN] == state[TOKEN]  # the object keeps its mark


def test_a_class_stand_in_answers_a_bounded_number_of_calls(guard):
    guard.before_call("Model", [], {})
    guard.allows_method("Model.__init__", {})
    state = guard.mark("Model.__init__", {}, ("ok", [None, {"scale": 1.0}]))[1][1]
    answered = sum(guard.allows_method("Model.loss", state) for _ in range(MAX_METHOD_CALLS + 10))
    assert answered == MAX_METHOD_CALLS


def test_without_a_reference_no_function_call_is_answered():
    guard = StandInGuard(None, ["output_size"])
    guard.before_call("forward", [np.ones(6)], {"f": 3})
    assert not guard.allows("output_size", [6, 3], {})


def test_a_method_of_an_object_the_test_holds_asks_what_the_reference_method_asks(tmp_path):
    """ConvNet.loss calling a failing softmax_loss: the reference's method, run on the test's
    object's attributes and the test's arguments, says which calls the stand-in answers."""
    path = tmp_path / "reference.py"
    path.write_text(REFERENCE, encoding="utf-8")
    guard = StandInGuard(load_reference(path), ["output_size"])
    guard.before_call("Net.predict", [np.ones(6)], {}, {"size": 3})
    assert guard.allows("output_size", [6, 3], {})
    assert not guard.allows("output_size", [6, 4], {})  # the attributes the object holds decide
    guard.before_call("Net.predict", [np.ones(6)], {}, None)  # attributes that are not plain data
    assert not guard.allows("output_size", [6, 3], {})
    guard.before_call("Net._hidden", [np.ones(6)], {}, {"size": 3})  # a private method is not the test's call
    assert not guard.allows("output_size", [6, 3], {})
