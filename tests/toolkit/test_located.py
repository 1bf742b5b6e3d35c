"""Which call a failure is about, named in the report (issue 21, item 3).

A student's params.py with one slip is graded as the official run grades it: a public test's
failure names its call with the arguments, a hidden test's only by position, and a count names
the argument its formula gets wrong.
"""

from pathlib import Path

import numpy as np
import pytest

from grader.config import load_course
from grader.disclosure import student_copy
from grader.grading import grade
from grader.ignored import ReplayBudget, ignored_argument
from grader.located import call_label, failed_call
from grader.sandbox import protocol
from grader.sandbox.recording import Call
from grader.signatures import Signature, bound, signature

ROOT = Path(__file__).resolve().parents[2]
SOURCE = '''
def conv_params(f, c_in, n_filters, bias=True):
    """Parameters of a convolution layer.

    Args:
        f: filter height and width.
        c_in: input channels.
    """
    return 0
'''


def recorded(args, kwargs, result):
    """A call as the proxy records it: encoded arguments and reply."""
    blobs, reply_blobs = [], []
    tree = protocol.encode(list(args), blobs, 2**20)
    reply = protocol.encode(result, reply_blobs, 2**20)
    return Call(tree, protocol.encode(kwargs, blobs, 2**20), blobs, reply, reply_blobs)


def test_the_signature_and_docstring_name_the_arguments():
    declared = signature(SOURCE, "conv_params")
    assert declared == Signature(
        ("f", "c_in", "n_filters", "bias"),
        {"bias": True},
        {"f": "filter height and width.", "c_in": "input channels."},
    )
    call = recorded([2, 5, 4], {"bias": False}, 84)
    assert bound(call, declared) == {"f": 2, "c_in": 5, "n_filters": 4, "bias": False}
    assert signature("def broken(:", "conv_params") is None and signature(SOURCE, "fc_params") is None


def test_the_failed_call_is_the_one_that_returned_the_value():
    calls = [recorded([2, 5, 4], {}, 84), recorded([2, 5, 4], {"bias": False}, 84)]
    assert failed_call(calls, 84) == 1 and failed_call(calls, 80) is None
    public = call_label("conv_params", calls, 1, hidden=False, language="en", shown=repr)
    assert public == "In conv_params(2, 5, 4, bias=False), call 2 of 2 of conv_params in this test:"
    hidden = call_label("conv_params", calls, 1, hidden=True, language="zh-CN", shown=repr)
    assert "conv_params" in hidden and "2" in hidden and "5, 4" not in hidden


@pytest.mark.slow
@pytest.mark.parametrize(
    ("language", "flag"), [("en", "ignores the flag `bias`"), ("zh-CN", "忽略了开关参数 `bias`")]
)
def test_a_graded_count_names_its_call_and_the_flag_it_ignores(tmp_path, language, flag):
    """conv_params counts the biases even when bias=False."""
    student = tmp_path / "params.py"
    reference = (ROOT / "solutions" / "params.py").read_text(encoding="utf-8")
    student.write_text(
        reference
        + "\n\ndef conv_params(f, c_in, n_filters, bias=True):\n    return n_filters * (f * f * c_in + 1)\n",
        encoding="utf-8",
    )
    report = grade(ROOT, load_course(ROOT / "course.yml").assignment("params"), student, language=language)
    failed = {t.name: t for t in report.tests if t.score < t.max_score}
    public = failed["test_conv_params_small"]
    assert "conv_params(2, 5, 4, bias=False)" in public.output and flag in public.output
    copy = {t.name: t for t in student_copy(report).tests}
    hidden = [copy[name] for name, t in failed.items() if t.hidden]
    assert hidden and all("conv_params(" not in t.output and "5, 1, 8" not in t.output for t in hidden)
    assert any(flag in t.output for t in hidden)  # eight filters 5x5 without biases, in the student's copy


@pytest.mark.slow
def test_a_named_mistake_is_not_followed_by_a_second_guess(tmp_path):
    """A flipped kernel on a 2x2 filter gives 14 where 6 is right everywhere: the analysis alone
    would say "times 7/3 ... a bias added twice?"; once the catalogue names the flipped kernel,
    only the call is named beside it."""
    mistakes = {}
    exec((ROOT / "tests" / "conv" / "mistakes.py").read_text(encoding="utf-8"), mistakes)
    flipped = next(m for m in mistakes["MISTAKES"] if m["name"] == "flipped kernel")
    student = tmp_path / "conv.py"
    student.write_text(
        (ROOT / "solutions" / "conv.py").read_text(encoding="utf-8") + flipped["code"], encoding="utf-8"
    )
    report = grade(ROOT, load_course(ROOT / "course.yml").assignment("conv"), student)
    named = [t for t in report.tests if t.mistake == "flipped kernel"]
    assert named
    for test in named:
        assert "flipped" in test.output and "bias added twice" not in test.output and "7/3" not in test.output
    assert any("call 1 of 1 of conv_forward" in test.output for test in named)


def output_size(n, f, stride, pad=0):
    """The right output size, standing in for the reference child's answers."""
    if stride < 1:
        raise ValueError("stride must be at least 1")
    return (n + 2 * pad - f) // stride + 1


def replay_output_size(function, args, kwargs, state):
    try:
        return "ok", output_size(*args, **kwargs)
    except ValueError as error:
        return "raised", type(error).__name__


DECLARED = Signature(("n", "f", "stride", "pad"), {"pad": 0}, {})


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_an_argument_the_answer_ignores_is_named(language):
    """(9 + 2 - 3) // 2 + 1 = 5; the student's 9 is what stride = 1 gives: the stride is ignored."""
    call = recorded([9, 3, 2], {"pad": 1}, 9)
    found = ignored_argument("output_size", [call], 0, DECLARED, replay_output_size, language)
    assert found is not None and found.kind == "argument_ignored" and "`stride` = 1" in found.sentence


def test_an_answer_two_arguments_explain_names_neither():
    """A 3x3 window's area answered 3: height 1 and width 1 give it alike, so neither is named."""

    def replay_area(function, args, kwargs, state):
        return "ok", kwargs["height"] * kwargs["width"]

    call = recorded([3, 3], {}, 3)
    area = Signature(("height", "width"), {}, {})
    assert ignored_argument("area", [call], 0, area, replay_area, "en") is None
    single = ignored_argument("area", [recorded([3, 4], {}, 4)], 0, area, replay_area, "en")
    assert single is not None and single.kind == "argument_ignored" and "`height` = 1" in single.sentence


def test_the_analysis_asks_the_reference_within_its_budget():
    """Small calls are answered until the budget is spent; a large one never is."""
    asked = []

    def answer(function, args, kwargs, state):
        asked.append(function)
        return "ok", 1

    budget = ReplayBudget(answer, limit=2)
    assert budget("f", [np.zeros(60_000)], {}, None) == ("spent", None)
    assert budget("f", [1], {}, None) == ("ok", 1) and budget("f", [], {"x": 2}, None) == ("ok", 1)
    assert budget("f", [1], {}, None) == ("spent", None) and asked == ["f", "f"]


def test_an_argument_ignored_must_agree_with_every_call_of_the_test():
    """pad counted on one side: (5 + 1 - 3) // 2 + 1 = 2 is also what pad = 0 gives, by the floor;
    but (10 + 2 - 3) // 1 + 1 = 10, the test's other call, is not (pad = 0 gives 8): not ignored.
    That call says pad = 2 counted as 1, the pad halved."""
    one_sided = [recorded([10, 3, 1], {"pad": 2}, 10), recorded([5, 3, 2], {"pad": 1}, 2)]
    found = ignored_argument("output_size", one_sided, 1, DECLARED, replay_output_size, "en")
    assert found is None or found.kind != "argument_ignored"
    halved = ignored_argument("output_size", one_sided, 0, DECLARED, replay_output_size, "zh-CN")
    assert halved is not None and halved.kind == "argument_halved" and "`pad`" in halved.sentence


def _shapes(function, args, kwargs, state):
    """A reference of summaries: each layer's output size (n + 2 * pad - size) // stride + 1."""
    n, sizes = kwargs["n"], []
    for layer in kwargs["layers"]:
        margin = 2 * layer.get("pad", 0) + 2 * layer.get("margin", 0)
        if layer.get("stride", 1) < 1:
            return "raised", "ValueError"
        n = (n + margin - layer["size"]) // layer.get("stride", 1) + 1
        sizes.append(n)
    return "ok", sizes


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_an_entry_of_a_list_of_records_the_answer_ignores_is_named(language):
    """Layers' pad never read: the student's sizes are the reference's with every pad at 0. No
    top-level argument explains them (n at 1 or 0 raises or differs)."""
    layers = [{"type": "conv", "size": 3, "pad": 1}, {"type": "conv", "size": 5, "pad": 2, "stride": 2}]
    call = recorded([], {"n": 32, "layers": layers}, [30, 13])
    declared = Signature(("n", "layers"), {}, {})
    found = ignored_argument("summarize", [call], 0, declared, _shapes, language)
    assert found is not None and found.kind == "argument_ignored"
    assert "`layers[i]['pad']` = 0" in found.sentence


def test_an_entry_two_keys_explain_names_neither():
    """A pad and a margin of 1 alike: either at 0 gives the student's 5, so neither is named."""
    layers = [{"type": "conv", "size": 3, "pad": 1, "margin": 1}]
    call = recorded([], {"n": 5, "layers": layers}, [5])
    declared = Signature(("n", "layers"), {}, {})
    assert ignored_argument("summarize", [call], 0, declared, _shapes, "en") is None


def _windows(function, args, kwargs, state):
    """A reference of 1-D windows of width 2 moved by the stride."""
    x, stride = np.asarray(kwargs["x"]), kwargs["stride"]
    return "ok", np.array([x[i : i + 2] for i in range(0, len(x) - 1, stride)]).T


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_an_argument_that_sets_the_size_but_not_the_values_is_named(language):
    """Windows counted with the stride but not moved by it: the student's are the first columns
    of the stride-1 answer."""
    x = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0])
    right = _windows("w", [], {"x": x, "stride": 2}, None)[1]
    got = _windows("w", [], {"x": x, "stride": 1}, None)[1][:, : right.shape[1]]
    call = recorded([x], {"stride": 2}, got)
    declared = Signature(("x", "stride"), {"stride": 1}, {})
    found = ignored_argument("windows", [call], 0, declared, _windows, language)
    assert found is not None and found.kind == "argument_ignored_within"
    assert "`stride` = 1" in found.sentence
