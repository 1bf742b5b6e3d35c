"""One mistake costs its own points, once (issue 11): a caller whose own code is right keeps its
points when a graded function it calls is wrong.

conv_forward is built from conv_single_step (the lecture's way). A wrong conv_single_step fails
its own tests; conv_forward's failing tests are rerun with conv_single_step answered by the
sandboxed reference child, and pass: conv_forward keeps its points, and the feedback names
conv_single_step as the cause.
"""

import re
from pathlib import Path

import pytest

from grader.config import load_course
from grader.disclosure import student_copy
from grader.grading import grade

from .conftest import ROOT, write_course

SINGLE_STEP_POINTS = 4  # tests/conv: conv_single_step's tests, public and hidden
BIAS_TWICE = "\n\ndef conv_single_step(a_slice, w, b):\n    return float(np.sum(a_slice * w) + 2 * b)\n"
NO_BIAS_FORWARD = """

def conv_forward(x, w, b, stride=1, pad=0):
    n, _, h, width = x.shape
    f, _, hh, ww = w.shape
    out_h = (h + 2 * pad - hh) // stride + 1
    out_w = (width + 2 * pad - ww) // stride + 1
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, f, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = padded[:, :, i * stride : i * stride + hh, j * stride : j * stride + ww]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", window, w)
    return out
"""


def student(tmp_path: Path, *definitions: str) -> Path:
    path = tmp_path / "conv.py"
    path.write_text((ROOT / "solutions" / "conv.py").read_text(encoding="utf-8") + "".join(definitions))
    return path


def graded(course: Path, submission: Path):
    return grade(course, load_course(course / "course.yml").assignment("conv"), submission)


def test_a_wrong_callee_costs_only_its_own_points(course_copy, tmp_path):
    report = graded(course_copy, student(tmp_path, BIAS_TWICE))
    assert report.score == pytest.approx(report.max_score - SINGLE_STEP_POINTS), [
        (t.name, t.function, t.output) for t in report.tests if t.score < t.max_score
    ]
    lost = {t.function for t in report.tests if t.score < t.max_score}
    assert lost == {"conv_single_step"}
    kept = [t for t in report.tests if t.function == "conv_forward" and "conv_single_step" in t.output]
    assert kept, "no conv_forward test names conv_single_step as the cause"
    assert all(t.status == "passed" and "right" in t.output for t in kept)


def test_a_hanging_callee_costs_only_its_own_points(course_copy, tmp_path):
    """fc_params loops forever. summarize, which calls it, times out too until it is refused (two
    timeouts), and fc_params itself is refused after its own two: summarize's reruns with fc_params
    answered by the reference still run, and pass (a Dask and a pool run once disagreed here,
    depending on which tests ran first)."""
    reference = (ROOT / "solutions" / "params.py").read_text(encoding="utf-8")
    docstring = '    """Parameters of a fully connected layer.'
    hangs = reference.replace(docstring, '    while True:\n        pass\n    """x')
    assert hangs != reference
    path = tmp_path / "params.py"
    path.write_text(hangs, encoding="utf-8")
    report = grade(course_copy, load_course(course_copy / "course.yml").assignment("params"), path)
    lost = {t.function for t in report.tests if t.score < t.max_score}
    assert lost == {"fc_params"}, [(t.name, t.output) for t in report.tests if t.score < t.max_score]
    assert all(t.status == "timeout" for t in report.tests if t.function == "fc_params")
    summarize = [t for t in report.tests if t.function == "summarize"]
    assert summarize and all(t.status == "passed" for t in summarize)
    assert any("fc_params" in t.output for t in summarize), "no summarize test names fc_params as the cause"


def test_a_wrong_caller_still_loses_its_points(course_copy, tmp_path):
    """conv_forward that never adds the bias (and does not use conv_single_step) fails with the
    reference's callees too: it loses its own points, and is told its callee fails as well."""
    report = graded(course_copy, student(tmp_path, BIAS_TWICE, NO_BIAS_FORWARD))
    forward = [t for t in report.tests if t.function == "conv_forward" and t.score < t.max_score]
    assert forward, "conv_forward without its bias kept every point"
    assert any("also fails its own tests" in t.output for t in forward)
    assert all(t.status != "passed" for t in forward)


def test_callees_run_first_and_reports_keep_the_suites_order(tmp_path):
    """The hidden suite lists conv_forward's tests before conv_single_step's. With no public suite
    to run conv_single_step first, only running callees first lets the reruns happen; and the
    report still lists the tests in the suite's order."""
    course = write_course(tmp_path / "course")
    (course / "tests" / "conv" / "test_public.py").unlink()
    report = graded(course, student(tmp_path, BIAS_TWICE))
    functions = [t.function for t in report.tests if t.status != "pending"]
    assert functions.index("conv_forward") < functions.index("conv_single_step")
    assert {t.function for t in report.tests if t.score < t.max_score} == {"conv_single_step"}


WEIGHT_SCALE_IGNORED = """

_OwnConvNet = ConvNet


class ConvNet(_OwnConvNet):
    def __init__(self, *args, weight_scale=1e-2, **kwargs):
        super().__init__(*args, weight_scale=1e-2, **kwargs)  # weight_scale ignored
"""


@pytest.mark.slow
def test_a_wrong_class_costs_only_its_own_points_in_the_tests_that_build_it(tmp_path):
    """train's tests build their model with the student's ConvNet. A ConvNet that ignores
    weight_scale fails its own test; train's tests that failed with it (the 50-digit overfit
    starts at weight_scale 0.2) pass with the reference's ConvNet standing in, and name it."""
    course = write_course(tmp_path / "course", time_limit=60.0)  # training through a stand-in
    path = tmp_path / "cnn.py"
    path.write_text((ROOT / "solutions" / "cnn.py").read_text(encoding="utf-8") + WEIGHT_SCALE_IGNORED)
    report = grade(course, load_course(course / "course.yml").assignment("cnn"), path)
    lost = {t.function for t in report.tests if t.score < t.max_score}
    assert lost == {"ConvNet"}, [(t.name, t.output) for t in report.tests if t.score < t.max_score]
    kept = [t for t in report.tests if t.function == "train" and "ConvNet" in t.output]
    assert kept and all(t.status == "passed" for t in kept)


TRUE_DIVISION = """

def conv_output_size(n, f, pad=0, stride=1):
    return (n + 2 * pad - f) / stride + 1
"""
WRONG_CALL = re.compile(
    r"conv_output_size returned (\S+) for conv_output_size\((\d+), (\d+), pad=(\d+), stride=(\d+)\), "
    r"where (\S+) is right"
)


def test_the_first_call_a_callee_got_wrong_is_named(course_copy, tmp_path):
    """The issue's example: conv_forward fails because conv_output_size returns a float. The
    feedback names a call and both answers, checked here against the formula; a hidden test's
    student copy leaves the call out (it holds the hidden inputs)."""
    report = graded(course_copy, student(tmp_path, TRUE_DIVISION))
    named = [(t, WRONG_CALL.search(t.output)) for t in report.tests if t.function == "conv_forward"]
    named = [(t, found) for t, found in named if found]
    assert named
    for test, found in named:
        got, n, f, pad, stride, right = found.groups()
        n, f, pad, stride = int(n), int(f), int(pad), int(stride)
        assert float(got) == pytest.approx((n + 2 * pad - f) / stride + 1, rel=1e-5) and "." in got
        assert int(right) == (n + 2 * pad - f) // stride + 1
        assert test.status == "passed"
        shown = student_copy(report).tests[report.tests.index(test)]
        assert ("returned" in shown.output) == (not test.hidden)
