"""What a test relies on, and the stand-ins that answer for it (issue 11: one mistake, once).

A test relies on the graded names it reads from `submission`, directly or through its suite's
helpers, and on what those call in the reference. Those run first; when one of them fails its
own tests, the test is rerun with it answered by the reference: a function by a call-out, a class
by a stand-in whose instances keep their attributes in the student's child.
"""

from pathlib import Path

import numpy as np
import pytest

from grader.config import GradingSettings
from grader.containment import dependencies, run_ranks, suite_uses
from grader.diagnosis import callees
from grader.sandbox import SandboxedSubmission
from grader.submission import InProcessSubmission
from grader.testing import call_watching_inputs

SUITE = """
def trained(submission, params):
    model = submission.ConvNet()
    submission.train(model)
    return model

class Replay:
    def __init__(self, submission):
        self.probe = submission.ConvNet()

def test_train(submission):
    trained(submission, {})

def test_replayed(submission):
    Replay(submission)

def test_alone(submission):
    submission.relu_forward(1)
"""

REFERENCE = """
def relu_forward(x):
    return x

def affine_forward(x, w):
    return x @ w

class ConvNet:
    def loss(self, X):
        return affine_forward(relu_forward(X), self.w)

def train(model):
    return model.loss(0)
"""


def test_a_test_relies_on_what_it_and_its_helpers_read_from_submission():
    uses = suite_uses(SUITE)
    assert uses["test_train"] == {"ConvNet", "train"}
    assert uses["test_replayed"] == {"ConvNet"}  # through a helper class
    assert uses["test_alone"] == {"relu_forward"}


def test_a_class_relies_on_what_its_methods_call():
    graph = callees(REFERENCE)
    assert graph["ConvNet"] == {"affine_forward", "relu_forward"}
    assert graph["train"] == set()  # model.loss is not a name the syntax tree can follow


def test_dependencies_join_the_test_and_the_reference():
    graph = callees(REFERENCE)
    needs = dependencies("train", suite_uses(SUITE)["test_train"], graph)
    assert needs == {"ConvNet", "affine_forward", "relu_forward"}
    assert dependencies("relu_forward", {"relu_forward"}, graph) == set()


def test_what_a_function_relies_on_runs_first_and_cycles_do_not_hang():
    ranks = run_ranks({"train": {"ConvNet"}, "ConvNet": {"affine_forward"}, "affine_forward": set()})
    assert ranks["affine_forward"] < ranks["ConvNet"] < ranks["train"]
    cyclic = run_ranks({"a": {"b"}, "b": {"a"}})
    assert set(cyclic) == {"a", "b"}


STUDENT = """
import numpy as np

class Counter:
    def __init__(self, start):
        self.count = start          # the student's own (wrong) class

    def bump(self, by):
        self.count -= by
        return self.count

def use(counter, times):
    for _ in range(times):
        counter.bump(2)
    return counter.count

def clip(x):
    x[x < 0] = 0
    return x

def clip_copy(x):
    return np.maximum(x, 0)

def scale_pair(pair):
    pair[0][...] *= 2
    return pair[1]
"""


def reference_answer(name, args, kwargs, state):
    """The reference Counter, written here: counts up."""
    if name == "Counter.__init__":
        return "ok", [None, {"count": args[0]}]
    if name == "Counter.bump":
        count = state["count"] + args[0]
        return "ok", [count, {**state, "count": count}]
    return "raised", "AttributeError"


@pytest.fixture
def child(tmp_path):
    source = tmp_path / "student.py"
    source.write_text(STUDENT, encoding="utf-8")
    handle = SandboxedSubmission(source, "student", GradingSettings())
    yield handle
    handle.close()


def test_a_substituted_class_keeps_its_attributes_in_the_child(child):
    """The student's `use` drives a Counter; with the reference's Counter standing in, every method
    runs in the reference on the instance's attributes, which come back updated."""
    assert child.use(child.Counter(10), 3) == 4  # the student's own class counts down
    with child.substituted(["Counter"], reference_answer):
        counter = child.Counter(10)
        assert child.use(counter, 3) == 16
        assert counter.count == 16
    assert child.use(child.Counter(10), 3) == 4  # and its own class again after


def test_a_stand_in_refuses_what_the_reference_does_not_have(child):
    with child.substituted(["Counter"], reference_answer):
        counter = child.Counter(1)
        with pytest.raises(AttributeError):
            counter.reset()


@pytest.mark.parametrize("opened", ["sandboxed", "in_process"])
def test_arguments_changed_in_place_are_reported(child, tmp_path, opened):
    """A sandboxed child works on copies of the arguments, so the caller's arrays never change: the
    child reports what it changed. In process, the arrays are compared before and after."""
    if opened == "in_process":
        import importlib.util

        spec = importlib.util.spec_from_file_location("student_in_process", Path(tmp_path / "student.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        submission = InProcessSubmission(module)
    else:
        submission = child
    x = np.array([-1.0, 2.0])
    assert call_watching_inputs(submission, "clip", x)[1] == ["0"]
    assert call_watching_inputs(submission, "clip_copy", x=np.array([-1.0, 2.0]))[1] == []
    _, changed = call_watching_inputs(submission, "scale_pair", (np.ones(2), np.zeros(1)))
    assert changed == ["0[0]"]


def test_time_the_reference_takes_is_not_the_students(tmp_path):
    """A call whose call-outs keep the reference busy past the call's time limit is not a
    timeout: the student's time is what their own code takes (4 answers of 0.4 s, limit 1 s)."""
    import time

    source = tmp_path / "student.py"
    source.write_text(STUDENT, encoding="utf-8")
    handle = SandboxedSubmission(source, "student", GradingSettings(time_limit_s=1.0))

    def slow_answer(name, args, kwargs, state):
        time.sleep(0.4)
        return reference_answer(name, args, kwargs, state)

    try:
        with handle.substituted(["Counter"], slow_answer):
            counter = handle.Counter(0)
            assert handle.use(counter, 4) == 8
    finally:
        handle.close()
