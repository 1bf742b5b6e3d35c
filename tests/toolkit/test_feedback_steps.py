"""The feedback steps (grader.feedback), each run alone on a test item pytester collects in-process,
and the order they run in: reason, structure, containment, named mistake, shortening."""

import textwrap

import numpy as np
import pytest

from grader import analysis, compare, feedback
from grader.catalogue import Mistake
from grader.feedback import mistake as mistake_step
from grader.feedback.containment import Containment, _said, containment, dependencies_of
from grader.feedback.draft import Draft
from grader.feedback.mistake import named_mistake
from grader.feedback.reason import reason
from grader.feedback.shorten import MAX_REASON_LINES, shorten
from grader.feedback.structure import structure
from grader.session import session_of

pytest_plugins = ["pytester"]

COURSE = """
course: {name: tiny}
grading: {time_limit_s: 5, rtol: 0.0, atol: 1.0e-3}
assignments:
  - {id: grid, title: Grid, module: grid.py, points: 3,
     release: 2026-01-01T00:00:00+00:00, due: 2026-02-01T00:00:00+00:00}
"""

REFERENCE = """
def pad(x):
    return [0, *x, 0]


def total(x):
    return sum(pad(x))
"""

SUITE = """
import pytest

@pytest.mark.function("total")
def test_total(submission, rng):
    assert submission.total([1, 2]) == 3

@pytest.mark.hidden
@pytest.mark.function("total")
def test_total_hidden(submission):
    assert submission.total([4]) == 4
"""


@pytest.fixture
def course(pytester):
    pytester.makefile(".yml", course=COURSE)
    (pytester.mkdir("solutions") / "grid.py").write_text(REFERENCE)
    pytester.mkdir("tests")
    pytester.mkdir("tests/grid")
    (pytester.path / "tests" / "grid" / "test_grid.py").write_text(textwrap.dedent(SUITE))
    return pytester


def _items(course):
    items, _ = course.inline_genitems(str(course.path / "tests" / "grid" / "test_grid.py"))
    return {item.name: item for item in items}


def _draft(item, error, when="call", **fields):
    return Draft(item, session_of(item.config), when, error, "en", **fields)


def test_the_steps_run_in_the_documented_order():
    """Structure reads the call log before the rerun; the named mistake only where no callee
    explains the failure; the seed goes on the final first line."""
    assert [step.__name__ for step in feedback.STEPS] == [
        "reason",
        "structure",
        "containment",
        "named_mistake",
        "shorten",
    ]


def test_reason_keeps_the_arrays_and_a_setup_failure_is_an_error(course):
    item = _items(course)["test_total"]
    mismatch = compare.Mismatch("wrong", got=np.zeros(3), expected=np.ones(3))
    said = reason(_draft(item, mismatch))
    assert said.status == "failed" and said.arrays is not None
    assert said.arrays["got"].tolist() == [0.0, 0.0, 0.0]
    assert reason(_draft(item, AssertionError("broken fixture"), when="setup")).status == "error"


def test_structure_compares_with_the_course_tolerances(course, monkeypatch):
    """The analysis and the hidden test's region use course.yml's rtol and atol, not defaults."""
    item = _items(course)["test_total_hidden"]
    seen = []

    def explain(got, expected, language, **options):
        seen.append(("explain", options["rtol"], options["atol"]))

    def region(got, expected, language, rtol, atol):
        seen.append(("region", rtol, atol))
        return ""

    monkeypatch.setattr(analysis, "explain", explain)
    monkeypatch.setattr(analysis, "region", region)
    got, expected = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0])
    mismatch = compare.Mismatch("wrong", arrays=(got, expected))
    structure(reason(_draft(item, mismatch)))
    assert seen == [("explain", 0.0, 1e-3), ("region", 0.0, 1e-3)]


def test_containment_names_a_failing_callee_beside_the_reason(course):
    """With no answerer at hand, a failed test whose callee has failed keeps its reason, and the
    callee is named after it (and in the hidden test's notices)."""
    items = _items(course)
    item = items["test_total"]
    session = session_of(item.config)
    assert dependencies_of(item, session) == {"pad"}
    failed = reason(_draft(item, AssertionError("total is wrong")))
    assert containment(failed) == failed  # pad has not failed: nothing to say
    session.failed.add("pad")
    said = containment(failed)
    assert said.culprits == ("pad",) and not said.contained
    assert said.reason.splitlines() == [
        "total is wrong",
        "pad, which total calls, also fails its own tests: fix it first",
    ]
    assert said.notices[-1].key == "callee_also_fails"


def test_a_contained_test_passes_and_names_the_callee(course):
    item = _items(course)["test_total"]
    failed = reason(_draft(item, AssertionError("total is wrong")))
    kept = _said(failed, "total", Containment(("pad",), passes=True, wrong_call="pad returned 1"))
    assert kept.contained and kept.status == "passed"
    assert kept.reason.splitlines()[1] == "pad returned 1"
    assert shorten(kept) == kept  # a contained reason is kept whole, without a seed


def test_the_named_mistake_comes_first_and_only_without_a_failing_callee(course, monkeypatch):
    item = _items(course)["test_total"]
    known = Mistake("pad forgotten", "total", "pad both ends", name_zh="忘了填充", hint_zh="两端都要填充")
    monkeypatch.setattr(mistake_step, "diagnosis", lambda draft: known)
    failed = reason(_draft(item, AssertionError("total is wrong")))
    named = named_mistake(failed)
    assert named.mistake is known
    assert named.reason.splitlines()[0] == "looks like the known mistake 'pad forgotten': pad both ends"
    assert named.notices[0].key == "known_mistake"
    assert named_mistake(_draft(item, failed.error, culprits=("pad",), reason="x")).mistake is None


def test_shortening_keeps_the_seed_on_the_first_line(course):
    item = _items(course)["test_total"]
    item.user_properties.append(("seed", 1234))
    long = "\n".join(f"line {number}" for number in range(20))
    lines = shorten(_draft(item, AssertionError(), reason=long)).reason.splitlines()
    assert lines[0] == "line 0 (seed 1234)"
    assert len(lines) == MAX_REASON_LINES + 1 and lines[-1] == "..."


CALL_DECIDED = """
import pytest
from grader import feedback


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item, call):
    if call.when == "call":
        decided = item.stash.get(feedback.DECISIONS, {}).get("call")
        print(f"decided before the report: {decided is not None and decided.raised}")
"""


def test_the_call_phase_decides_and_makereport_only_applies(course):
    """The feedback on a failed call (and its rerun) is decided in the call phase: makereport
    finds the decision made."""
    wrong = course.path / "wrong.py"
    wrong.write_text(REFERENCE.replace("sum(pad(x))", "sum(pad(x)) + 1"))
    (course.path / "conftest.py").write_text(CALL_DECIDED)
    result = course.runpytest_subprocess(f"--submission={wrong}", "-s", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*decided before the report: True*"])
