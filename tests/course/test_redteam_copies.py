"""Issue 19's attacks on what a student reads of hidden tests, on this course's conv suite.

- A conv_output_size with `/` for `//`, graded officially: no student copy of a hidden test names
  a hidden call ("conv_output_size returned 4.0 for conv_output_size(6, 3, 0, 1), where 4 is
  right" is the staff's), and the same for one that raises with its arguments in the message.
- The oracle: a conv_forward that, when conv_output_size's stand-in is active (a containment
  rerun), asks it about the hidden cases earlier tests showed it, so that the rerun's feedback
  (the first call-out the student's own function gets wrong, named whole in a public test) names
  one. The stand-in answers only the calls the reference's conv_forward makes for the test's own
  inputs: the oracle reads no pair the plain mistake does not show.
- The lookup table: conv_output_size answered from every (input, answer) pair a student can read
  in the copies above scores what it scores with an empty table.
"""

import re

import pytest

from grader.config import load_course
from grader.disclosure import student_copy
from grader.grading import grade

from .conftest import reference_source, write_submission

TRUE_DIVISION = """

def conv_output_size(n, f, pad=0, stride=1):
    return (n + 2 * pad - f) / stride + 1
"""
RAISES_ITS_ARGUMENTS = """

def conv_output_size(n, f, pad=0, stride=1):
    raise ValueError(f"ARGS {n} {f} {pad} {stride}")
"""
ORACLE = """

_SEEN = []


def conv_forward(x, w, b, stride=1, pad=0):
    own = {(x.shape[2], w.shape[2], pad, stride), (x.shape[3], w.shape[3], pad, stride)}
    if conv_output_size.__code__.co_name != "answered_by_the_reference":
        _SEEN.extend(own)  # every case a first run showed, hidden ones included
        return _honest_conv_forward(x, w, b, stride, pad)
    # a rerun: ask the reference about the cases seen, latest first, so that each rerun's feedback
    # (which names the first call-out the student's own function gets wrong) names another one
    for case in reversed(_SEEN):
        if case not in own:
            try:
                conv_output_size(*case)
            except Exception:
                pass
    return _honest_conv_forward(x, w, b, stride, pad)
"""
LOOKUP = """

_TABLE = {table!r}


def conv_output_size(n, f, pad=0, stride=1):
    return _TABLE.get((n, f, pad, stride), 0)
"""
HIDDEN_CALL = re.compile(r"conv_output_size\(\d|ARGS \d|LEAK \[\(")
NAMED_PAIR = re.compile(
    r"for conv_output_size\((\d+), (\d+), (?:pad=)?(\d+), (?:stride=)?(\d+)\), where (\d+) is right"
)
LEAKED_PAIR = re.compile(r"\((\d+), (\d+), (\d+), (\d+), (\d+)\)")


def graded(course, folder, source):
    submission = write_submission(folder, "conv", source)
    return grade(course, load_course(course / "course.yml").assignment("conv"), submission, official=True)


def pairs_a_student_reads(report) -> dict[tuple[int, ...], int]:
    """Every (arguments, answer) of conv_output_size a student can read in the student copy:
    named by the localisation (public tests whole, hidden ones as their copies say), or answered
    by the stand-in (the oracle's LEAK)."""
    table = {}
    for test in student_copy(report).tests:
        for found in NAMED_PAIR.finditer(test.output):
            table[tuple(map(int, found.groups()[:4]))] = int(found.group(5))
        if "LEAK" in test.output:
            for found in LEAKED_PAIR.finditer(test.output):
                table[tuple(map(int, found.groups()[:4]))] = int(found.group(5))
    return table


def hidden_points(report, function):
    return sum(t.score for t in report.tests if t.hidden and t.function == function)


@pytest.mark.slow
@pytest.mark.parametrize("mistake", [TRUE_DIVISION, RAISES_ITS_ARGUMENTS], ids=["true_division", "raises"])
def test_no_student_copy_of_a_hidden_test_names_a_hidden_call(course, tmp_path, mistake):
    report = graded(course, tmp_path, reference_source("conv") + mistake)
    staff = [t for t in report.tests if t.hidden and HIDDEN_CALL.search(t.output)]
    shown = [t for t in student_copy(report).tests if t.hidden and HIDDEN_CALL.search(t.output)]
    assert staff and shown == []  # the staff's copy names the calls; the student's never
    lost = {t.function for t in report.tests if t.score < t.max_score}
    assert lost == {"conv_output_size"}  # conv_forward keeps its points (contained)


@pytest.mark.slow
def test_the_stand_in_is_no_oracle_and_a_lookup_table_gains_nothing(course, tmp_path):
    """The oracle remembers every case its first runs saw and, in any rerun (public tests'
    included, whose copies are whole), asks the stand-in about them, latest first. The stand-in
    refuses every call but the test's own: the oracle reads no pair the plain mistake does not show."""
    plain = pairs_a_student_reads(
        graded(course, tmp_path / "plain", reference_source("conv") + TRUE_DIVISION)
    )
    honest = reference_source("conv").replace("def conv_forward(", "def _honest_conv_forward(")
    attack = graded(course, tmp_path / "oracle", honest + TRUE_DIVISION + ORACLE)
    lost = {t.function for t in attack.tests if t.score < t.max_score}
    assert lost == {"conv_output_size"}  # the test's own calls are still answered
    gained = {key: value for key, value in pairs_a_student_reads(attack).items() if key not in plain}
    assert gained == {}
    with_table = graded(
        course, tmp_path / "table", reference_source("conv") + LOOKUP.format(table={**plain, **gained})
    )
    without = graded(course, tmp_path / "public", reference_source("conv") + LOOKUP.format(table=plain))
    assert hidden_points(with_table, "conv_output_size") == hidden_points(without, "conv_output_size")
