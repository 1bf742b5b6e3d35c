"""Red team on issue 11's reruns: a hostile student who breaks a cheap function on purpose so that
an expensive caller is rerun with the reference answering (call-outs, stand-in classes), and who
plays with the report of arguments changed in place.

Each test is a hostile submission (the reference with definitions replaced) and asserts the SAFE
outcome: the exact score an honest submission with the same mistakes gets, nothing of the
reference leaked, the report complete and no test left waiting on a limit more often than the
attack needs. An attack that works today is marked xfail(strict=True) with the reason, so that the
fix turns it into a pass.

Each attack grades only the functions it attacks and the neighbour whose failure makes the rerun
(`grade(only_functions=...)`); the cnn cases leave out the tests that train a network or check a
gradient numerically for seconds (TRAINING), except where the training is what the attack is after.
"""

import pytest

from grader.config import load_course
from grader.grading import grade

from .conftest import (
    Deselect,
    names_of_tests_for,
    patch,
    reference_source,
    replace_definition,
    write_submission,
)

# what reaches the student when a reference's code or a hidden value leaks into a test's output
REFERENCE_MARKS = (
    "BEGIN SOLUTION",
    "pooled = num_filters",
    "_conv_forward(X",
    "rng.standard_normal((num_filters",
)


# train's two tests that train a network, and ConvNet's numerical gradient check: seconds each (the
# training even in a rerun), left out where the attack is not about them
TRAINING = frozenset(
    {"test_overfits_fifty_examples", "test_trains_to_95_percent_on_digits", "test_convnet_gradient_check"}
)


def grade_expecting(course, assignment, source, tmp_path, lost, *, only, timeouts=None, leave_out=()):
    """Grade the tests of the functions in `only` (less those named in `leave_out`) on `source`
    and assert the exact score: every test in `lost` (a test's name, all its cases, or one case's
    full name) scores 0 and every other one full marks; every such test is in the report with a
    final status. Time, by the report's own account rather than the clock: only lost tests may
    wait for a time limit (at most `timeouts` of them, if given), and none waited longer than the
    course's ceiling for a call, so nothing stalls grading however loaded the machine is.

    Returns:
        the report's results by full test name.
    """
    submission = write_submission(tmp_path / "student", assignment, source)
    leave_out = frozenset(leave_out)
    plugins = (Deselect(leave_out),) if leave_out else ()
    report = grade(
        course,
        load_course(course / "course.yml").assignment(assignment),
        submission,
        only_functions=set(only),
        plugins=plugins,
    )
    results = {t.name: t for t in report.tests}
    expected = names_of_tests_for(course, assignment, set(only)) - leave_out
    assert {name.split("[")[0] for name in results} == expected, "tests missing"
    # a function that timed out twice is not called again: its later tests time out at once
    waited = {
        name: t.duration_s
        for name, t in results.items()
        if t.status == "timeout" and "not called again" not in t.output
    }
    assert timeouts is None or len(waited) <= timeouts, f"{len(waited)} tests waited for a limit: {waited}"
    ceiling = load_course(course / "course.yml").grading.time_limit_s
    assert all(seconds <= 2 * ceiling for seconds in waited.values()), f"over the limit: {waited}"
    assert all(t.status in ("passed", "failed", "timeout") for t in report.tests), [
        (t.name, t.status, t.output) for t in report.tests if t.status not in ("passed", "failed", "timeout")
    ]
    should_lose = {name for name in results if name in lost or name.split("[")[0] in lost}
    assert lost <= should_lose | {name.split("[")[0] for name in should_lose}, f"no such tests: {lost}"
    losing = {name for name, t in results.items() if t.score < t.max_score}
    assert set(waited) <= should_lose, "an honest test waited for a time limit"
    assert losing == should_lose, {name: results[name].output[:300] for name in losing ^ should_lose}
    assert report.score == pytest.approx(sum(t.max_score for n, t in results.items() if n not in should_lose))
    return results


def graded_tests_of(course, assignment, function):
    """Names of the tests whose @pytest.mark.function is `function`."""
    return names_of_tests_for(course, assignment, {function})


# ---------------------------------------------------------------------------------------------
# 1. A forged call-out: the stub of a replaced function G is a closure over (name, the child's
#    Runner); a copy of it with another name asks the reference for the function under test.

FORGE = '''
def _forge(stub, name):
    """A copy of a call-out stub that asks the reference for `name` instead."""
    import types

    cells = stub.__closure__
    return types.FunctionType(stub.__code__, stub.__globals__, name, None, (types.CellType(name), cells[1]))
'''

ORACLE_CONV_FORWARD = '''
def conv_forward(x, w, b, stride=1, pad=0):
    """Zeros of the right shape; in a rerun (if ORACLE) it asks the reference for the answer."""
    if ORACLE and conv_output_size.__code__ is not _MINE.__code__:
        return _forge(conv_output_size, "conv_forward")(x, w, b, stride=stride, pad=pad)
    out_h = (x.shape[2] + 2 * pad - w.shape[2]) // stride + 1
    out_w = (x.shape[3] + 2 * pad - w.shape[3]) // stride + 1
    return np.zeros((x.shape[0], w.shape[0], out_h, out_w))
'''

# wrong for one lecture case only (1/21 of the lecture values' point): just enough to be "failing"
CHEAP_CONV_OUTPUT_SIZE = '''
def conv_output_size(n, f, pad=0, stride=1):
    """Right except for AlexNet's 227."""
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    if n + 2 * pad < f:
        raise ValueError(f"a filter of size {f} does not fit in {n} + 2*{pad}")
    if n == 227:
        return 54
    return (n + 2 * pad - f) // stride + 1
'''

ORACLE_SUMMARIZE = '''
def summarize(input_shape, layers):
    """Computes nothing; in a rerun (if ORACLE) it asks the reference for the answer."""
    if ORACLE and fc_params.__code__ is not _MINE.__code__:
        return _forge(fc_params, "summarize")(input_shape, layers)
    return []
'''

CHEAP_FC_PARAMS = '''
def fc_params(n_in, n_out, bias=True):
    """Right except for a 200x200x3 image."""
    if n_in == 120_000:
        return 0
    return n_out * (n_in + int(bias))
'''

ORACLE_LOSS = '''
def loss(self, X, y=None):
    """Not written; in a rerun (if ORACLE) the stub's Runner asks the reference's ConvNet.loss."""
    if ORACLE and relu_forward.__code__ is not _MINE.__code__:
        runner = relu_forward.__closure__[1].cell_contents
        value, _ = runner._ask_reference("ConvNet.loss", (X,) if y is None else (X, y), {}, dict(vars(self)))
        return value
    raise NotImplementedError("the loss")
'''

IDENTITY_RELU = '''
def relu_forward(x):
    """Forgets to clip."""
    return x.copy()
'''

ORACLES = {
    "conv": (
        "conv_forward",
        ORACLE_CONV_FORWARD,
        "conv_output_size",
        CHEAP_CONV_OUTPUT_SIZE,
        {"test_conv_output_size_lecture_values[case-10]"},
        {"conv_forward", "conv_output_size"},
    ),
    "cnn": (
        "ConvNet.loss",
        ORACLE_LOSS,
        "relu_forward",
        IDENTITY_RELU,
        {"test_relu_by_hand", "test_relu_forward"},
        {"ConvNet", "relu_forward"},
    ),
    "params": (
        "summarize",
        ORACLE_SUMMARIZE,
        "fc_params",
        CHEAP_FC_PARAMS,
        {"test_one_fully_connected_neuron"},
        {"summarize", "fc_params"},
    ),
}


def scores(course, assignment, source, folder, only):
    """Each test's score, by full name, grading the tests of the functions in `only`."""
    submission = write_submission(folder, assignment, source)
    assigned = load_course(course / "course.yml").assignment(assignment)
    report = grade(course, assigned, submission, only_functions=set(only))
    return {t.name: t.score for t in report.tests}


@pytest.mark.parametrize("assignment", ["conv", "params", pytest.param("cnn", marks=pytest.mark.slow)])
def test_forged_call_out_does_not_answer_the_function_under_test(course, tmp_path, assignment):
    """F computes nothing; G is wrong on one input so that F's tests are rerun; in the rerun F
    copies G's stub with F's name and returns the reference's answer. It must score exactly what
    the same submission without the forgery scores (F's tests lost)."""
    function, oracle, cheap, cheap_code, cheap_lost, only = ORACLES[assignment]
    source = replace_definition(reference_source(assignment), function, oracle)
    source += FORGE
    source = replace_definition(source, cheap, cheap_code) + f"\n_MINE = {cheap}\n"
    honest = scores(course, assignment, source + "ORACLE = False\n", tmp_path / "honest", only)
    assert {name for name, score in honest.items() if score == 0} >= cheap_lost
    hostile = scores(course, assignment, source + "ORACLE = True\n", tmp_path / "hostile", only)
    gained = {name: (honest[name], score) for name, score in hostile.items() if score != honest[name]}
    assert not gained, f"{sum(hostile.values()) - sum(honest.values()):.2f} points gained: {gained}"


# ---------------------------------------------------------------------------------------------
# 2. The same forgery on the class stand-in: train computes nothing, and in the rerun (its model
#    is the stand-in) asks the reference's train through the stand-in's Runner.

WIDE_WEIGHTS = (
    "        self.reg = reg\n",
    "        self.reg = reg\n        weight_scale = weight_scale * 1.5\n",
)

ORACLE_TRAIN = '''
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    """Trains nothing; in a rerun it asks the reference's train, through the stand-in's Runner."""
    if type(model) is not _MINE:
        import gc

        runner = next(o for o in gc.get_objects() if type(o).__name__ == "Runner")
        return runner._call_out("train")(model, X, y, X_val, y_val, epochs=epochs, batch_size=batch_size,
                                         lr=lr, seed=seed)
    return {"loss": [0.0] * epochs, "train_acc": [0.0] * epochs, "val_acc": [0.0] * epochs}
'''

TRAIN_TESTS_USING_THE_MODEL = {
    "test_train_steps_on_blank_images",
    "test_overfits_fifty_examples",
    "test_trains_to_95_percent_on_digits",
    "test_train_seed_decides_the_shuffles",
    "test_train_one_epoch_is_a_shuffled_pass",
    "test_train_reshuffles_every_epoch",
    "test_train_defaults",
}


# train's tests, and ConvNet's, one of which the wide weights fail: that failure makes train's reruns
TRAIN_AND_MODEL = frozenset({"train", "ConvNet"})


def cnn_with_wide_weights(train_code):
    """cnn with ConvNet's initial weights 1.5 times too wide (it fails one test of its own, so
    train's tests are rerun with the stand-in) and `train` replaced."""
    source = patch(reference_source("cnn"), *WIDE_WEIGHTS)
    return replace_definition(source, "train", train_code) + "\n_MINE = ConvNet\n"


def test_train_cannot_call_the_reference_train_from_a_rerun(course, tmp_path):
    """The stand-in model is handed to a call-out for `train`: no training by the reference."""
    source = cnn_with_wide_weights(ORACLE_TRAIN)
    lost = {"test_convnet_initial_weight_scale"} | graded_tests_of(course, "cnn", "train")
    grade_expecting(course, "cnn", source, tmp_path, lost, only=TRAIN_AND_MODEL)


# ---------------------------------------------------------------------------------------------
# 3. Reading the reference through the stand-in: every method name goes to the replay child,
#    which runs getattr(reference instance, name)(*args). Dunder and private names, attributes
#    that are not methods, names that return functions or classes.

PROBE_TRAIN = '''
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    """In the rerun: asks the stand-in for everything; later runs raise what came back."""
    if type(model) is _MINE:
        if _SEEN:
            raise RuntimeError(" | ".join(_SEEN)[_AT[0]:_AT[0] + 240])
        raise RuntimeError("normal run")
    method_of = type(model).__dict__["__getattr__"].__closure__[0].cell_contents
    for name, args in [("__doc__", ()), ("__module__", ()), ("__dir__", ()), ("__reduce_ex__", (2,)),
                       ("__getattribute__", ("loss",)), ("__class__", ()), ("__init_subclass__", ()),
                       ("__sizeof__", ()), ("__repr__", ()), ("__getstate__", ()), ("_accuracy", ()),
                       ("__dict__", ()), ("loss.__code__", ()), ("__init__.__globals__", ())]:
        try:
            _SEEN.append(name + "=" + repr(method_of(name)(*args))[:400])
        except BaseException as error:
            _SEEN.append(name + "!" + type(error).__name__ + ":" + str(error)[:200])
    _AT[0] += 0
    raise RuntimeError("rerun fails on purpose")
'''


def test_stand_in_method_names_do_not_read_the_reference(course, tmp_path):
    """Whatever the stand-in is asked, no line of the reference reaches any test's output."""
    source = cnn_with_wide_weights(PROBE_TRAIN) + "_SEEN = []\n_AT = [0]\n"
    lost = ({"test_convnet_initial_weight_scale"} | graded_tests_of(course, "cnn", "train")) - TRAINING
    results = grade_expecting(course, "cnn", source, tmp_path, lost, only=TRAIN_AND_MODEL, leave_out=TRAINING)
    for t in results.values():
        assert not any(mark in t.output for mark in REFERENCE_MARKS), t.output


# ---------------------------------------------------------------------------------------------
# 4. Flooding call-outs: a loop version of conv_forward in the rerun asks the stub 200,000 times.

FLOODING_CONV_FORWARD = '''
def conv_forward(x, w, b, stride=1, pad=0):
    """The reference's loop, but it asks conv_output_size 200,000 times in a rerun."""
    if conv_output_size.__code__ is not _MINE.__code__:
        for _ in range(200_000):
            conv_output_size(x.shape[2], w.shape[2], pad=pad, stride=stride)
    n_images, channels, height, width = x.shape
    n_filters, filter_channels, hh, ww = w.shape
    if channels != filter_channels:
        raise ValueError(f"x has {channels} channels but the filters have {filter_channels}")
    out_h = conv_output_size(height, hh, pad=pad, stride=stride)
    out_w = conv_output_size(width, ww, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    window = padded[n, :, i * stride : i * stride + hh, j * stride : j * stride + ww]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
'''

# the two functions attacked, and zero_pad, which conv_forward calls and which must keep its points
FLOODED = frozenset({"conv_forward", "conv_output_size", "zero_pad"})

FLOAT_CONV_OUTPUT_SIZE = '''
def conv_output_size(n, f, pad=0, stride=1):
    """True division: a float."""
    return (n + 2 * pad - f) / stride + 1
'''


@pytest.mark.slow
def test_flooding_call_outs_is_stopped_by_the_call_budget(course, tmp_path):
    """200,000 call-outs per rerun: the rerun's budget (the test's limit) stops it; a call that
    times out twice is not called again; conv_forward's tests are lost (they were failing), each
    with a final status (before: the spent budget, met again while naming the first wrong call,
    made one test an "error" the grader could not describe), and at most two waited for a limit."""
    source = replace_definition(reference_source("conv"), "conv_forward", FLOODING_CONV_FORWARD)
    source = (
        replace_definition(source, "conv_output_size", FLOAT_CONV_OUTPUT_SIZE)
        + "\n_MINE = conv_output_size\n"
    )
    lost = graded_tests_of(course, "conv", "conv_output_size") | graded_tests_of(
        course, "conv", "conv_forward"
    )
    grade_expecting(course, "conv", source, tmp_path, lost, only=FLOODED, timeouts=2)


# ---------------------------------------------------------------------------------------------
# 5. A replay child that works for a long time: the reference's loop conv_forward on a 4001x4001
#    padded image (16 million windows), asked through a forged call-out.

SLOW_REFERENCE_CONV_FORWARD = '''
def conv_forward(x, w, b, stride=1, pad=0):
    """Keeps the replay child busy for minutes in every rerun."""
    if conv_output_size.__code__ is not _MINE.__code__:
        one = np.ones((1, 1, 1, 1))
        _forge(conv_output_size, "conv_forward")(one, one, np.zeros(1), pad=2000)
    return np.zeros((1,))
'''


@pytest.mark.slow
def test_a_busy_replay_child_does_not_stall_grading(course, tmp_path):
    """Every rerun of conv_forward's 13 tests would keep the reference busy for minutes: grading
    must end within its budget (30 s a call, two timeouts and the function is not called again),
    with conv_forward's tests lost."""
    source = replace_definition(reference_source("conv"), "conv_forward", FORGE + SLOW_REFERENCE_CONV_FORWARD)
    source = (
        replace_definition(source, "conv_output_size", FLOAT_CONV_OUTPUT_SIZE)
        + "\n_MINE = conv_output_size\n"
    )
    lost = graded_tests_of(course, "conv", "conv_output_size") | graded_tests_of(
        course, "conv", "conv_forward"
    )
    grade_expecting(course, "conv", source, tmp_path, lost, only=FLOODED, timeouts=2)


# ---------------------------------------------------------------------------------------------
# 6. A stand-in's state that does not travel: functions, recursion, a generator, 200 MB.

BAD_STATE_TRAIN = '''
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    """In the rerun, leaves {kind} on the model and asks it for a loss."""
    if type(model) is _MINE:
        raise RuntimeError("normal run")
    {change}
    model.loss(X[:2], y[:2])
    return {{"loss": [0.0] * epochs, "train_acc": [0.0] * epochs, "val_acc": [0.0] * epochs}}
'''

BAD_STATES = {
    "function": "model.hook = lambda: 1",
    "recursive": "loop = []\n    loop.append(loop)\n    model.loop = loop",
    "generator": "model.numbers = (i for i in range(3))",
    "deep": "deep = []\n    for _ in range(100_000):\n        deep = [deep]\n    model.deep = deep",
    "module": "model.np = np",
    "huge": "model.blob = np.zeros(25_000_000)",
    "self": "model.me = model",
}


@pytest.mark.parametrize("kind", sorted(BAD_STATES))
def test_stand_in_states_that_do_not_encode_fail_the_test_cleanly(course, tmp_path, kind):
    """train's tests are lost (it reports nothing), the report is complete, no test waits for a
    time limit."""
    train = BAD_STATE_TRAIN.format(kind=kind, change=BAD_STATES[kind])
    source = cnn_with_wide_weights(train)
    lost = ({"test_convnet_initial_weight_scale"} | graded_tests_of(course, "cnn", "train")) - TRAINING
    grade_expecting(course, "cnn", source, tmp_path, lost, only=TRAIN_AND_MODEL, leave_out=TRAINING)


# ---------------------------------------------------------------------------------------------
# 7. Odd exceptions and odd results from a rerun: BaseException subclasses, an exception whose
#    str() raises, a history that is the stand-in itself, its class, its method, a stub.

ODD_TRAIN = '''
def train(model, X, y, X_val, y_val, epochs=10, batch_size=32, lr=0.1, seed=0):
    """In the rerun: {kind}."""
    if type(model) is _MINE:
        raise RuntimeError("normal run")

    class Odd(Exception):
        def __str__(self):
            raise RuntimeError("no text")

    {body}
'''

ODD = {
    "system_exit": "raise SystemExit(0)",
    "keyboard_interrupt": "raise KeyboardInterrupt",
    "str_raises": "raise Odd()",
    "returns_model": "return model",
    "returns_class": "return type(model)",
    "returns_method": "return model.loss",
    "returns_runner": "import gc\n    return [o for o in gc.get_objects() if type(o).__name__ == 'Runner']",
    "reference_raises": 'model.params = {"W1": "text"}\n    return model.loss(X[:2], y[:2])',
    "exit_process": "import os\n    os._exit(0)",
}


@pytest.mark.parametrize("kind", sorted(ODD))
def test_odd_exceptions_and_results_in_a_rerun_fail_only_train(course, tmp_path, kind):
    source = cnn_with_wide_weights(ODD_TRAIN.format(kind=kind, body=ODD[kind]))
    lost = ({"test_convnet_initial_weight_scale"} | graded_tests_of(course, "cnn", "train")) - TRAINING
    grade_expecting(course, "cnn", source, tmp_path, lost, only=TRAIN_AND_MODEL, leave_out=TRAINING)


# ---------------------------------------------------------------------------------------------
# 8. Arguments changed in place: hiding the change, or changing what a digest of the values misses.

RELU = '''
def relu_forward(x):
    """{kind}"""
    {body}
'''

IN_PLACE = {
    # changed through a flat view of the argument: the caller's x is clipped
    "through_a_view": ("v = x.reshape(-1)\n    v[v < 0] = 0\n    return v.reshape(x.shape).copy()", True),
    # the caller's x becomes one-dimensional
    "shape_changed": ("out = np.maximum(x, 0)\n    x.shape = (x.size,)\n    return out", True),
    # every other element through a strided view
    "strided_view": ("out = np.maximum(x, 0)\n    x.reshape(-1)[::2] = 0\n    return out", True),
    # np.maximum with out= returns the argument itself
    "out_argument": ("return np.maximum(x, 0, out=x)", True),
    # changed and put back exactly: the caller sees nothing, nothing is lost
    "restored": (
        "saved = x.copy()\n    x[x < 0] = 0\n    out = x.copy()\n    x[...] = saved\n    return out",
        False,
    ),
}


# these break ConvNet.loss too (it runs relu_backward on the changed array), so its tests and train's
# are rerun with the reference's relu_forward: 15 to 40 s
RERUN_IN_PLACE = {"through_a_view", "shape_changed", "strided_view"}


def _marks(kind: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.slow] if kind in RERUN_IN_PLACE else []


@pytest.mark.parametrize("kind", [pytest.param(k, marks=_marks(k)) for k in sorted(IN_PLACE)])
def test_arguments_changed_in_place_are_reported(course, tmp_path, kind):
    """relu_forward's values are right; when it changes its argument, the test that watches the
    argument (test_relu_forward) is lost, and only that one."""
    body, changes = IN_PLACE[kind]
    source = replace_definition(reference_source("cnn"), "relu_forward", RELU.format(kind=kind, body=body))
    lost = {"test_relu_forward"} if changes else set()
    # ConvNet calls relu_forward: its tests are the ones rerun with the reference's relu_forward
    grade_expecting(course, "cnn", source, tmp_path, lost, only={"relu_forward", "ConvNet"})


# ---------------------------------------------------------------------------------------------
# 9. Not about reruns, found on the way: an output of the wrong shape must fail a test, not crash it.


def test_a_one_dimensional_output_fails_every_conv_forward_test_cleanly(course, tmp_path):
    """conv_forward returns np.zeros(1): each of its tests fails with a reason (status failed)."""
    code = '''
def conv_forward(x, w, b, stride=1, pad=0):
    """The wrong shape."""
    return np.zeros((1,))
'''
    source = replace_definition(reference_source("conv"), "conv_forward", code)
    lost = graded_tests_of(course, "conv", "conv_forward")
    grade_expecting(course, "conv", source, tmp_path, lost, only={"conv_forward", "conv_output_size"})
