"""Home tells the truth on public tests (issue 21 item 1): `course release` ships the reference's
answers to the callee calls the public tests lead to (assignments/<id>/tests/answers.json), and a
home run answers a failing callee from them, as the official run answers it from the reference.

The fixture course's stats has `variance` calling `mean`. This copy adds a public test of variance
on [0, 4, 8], whose call mean([0, 4, 8]) no test checks and no hidden test makes.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from grader import i18n
from grader.answers import build, home
from grader.answers.table import FILE, Answers, Entry, load, parse, path_for
from grader.answers.values import Unencodable, decode, encode
from grader.cli import course_command
from grader.config import load_course
from grader.grading import grade
from grader.release import outdated, public_suite

from .conftest import fixture_course

AROUND_FOUR = '''

@pytest.mark.points(1)
@pytest.mark.function("variance")
def test_variance_around_four(submission):
    """[0, 4, 8]: around the mean 4, (16 + 0 + 16) / 3 = 32 / 3."""
    assert_close(submission.variance(np.array([0.0, 4.0, 8.0])), 32 / 3)
'''
HEADER = "import numpy as np\n\n\n"
RIGHT_VARIANCE = "def variance(x):\n    c = x - mean(x)\n    return float(np.sum(c * c) / x.size)\n"
WRONG_MEAN = "def mean(x):\n    return float(np.sum(x) / (x.size + 1))\n"  # a mistake of mean only
RIGHT_MEAN = "def mean(x):\n    return float(np.sum(x) / x.size)\n"
# a variance that asks mean about something no correct variance asks
ODD_VARIANCE = "def variance(x):\n    c = x - mean(x + 1.0) + 1.0\n    return float(np.sum(c * c) / x.size)\n"


def _release(root: Path, *more: str) -> CliRunner:
    result = CliRunner().invoke(course_command, ["release", "--course", str(root), *more])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """(the instructor's course, a student's checkout of stats), released."""
    base = tmp_path_factory.mktemp("answers")
    root = fixture_course(base / "course")
    public = root / "tests" / "stats" / "test_public.py"
    public.write_text(public.read_text(encoding="utf-8") + AROUND_FOUR, encoding="utf-8")
    _release(root, "--student-repo", str(base / "repo"))
    return root, base / "repo" / "stats"


def graded(root: Path, body: str, folder: Path, **options):
    path = folder / "stats.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body, encoding="utf-8")
    report = grade(root, load_course(root / "course.yml").assignment("stats"), path, **options)
    return {test.name: test for test in report.tests}


def public_scores(tests):
    return {name: test.score for name, test in tests.items() if not test.hidden}


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2.5,
        float("nan"),
        -float("inf"),
        "same",
        (1, [2.0, {"a": (3,)}]),
        {1: "one", (2, 3): None},
        np.float64(0.5),
        np.int32(-7),
        np.arange(6.0).reshape(2, 3),
        np.array([[1, 2]], dtype=">i4"),
        np.zeros((0, 3), dtype=bool),
    ],
)
def test_values_come_back_as_they_went(value):
    pool = {}
    data = json.loads(json.dumps(encode(value, pool)))
    back = decode(data, json.loads(json.dumps(pool)))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.shape == value.shape and back.dtype.kind == value.dtype.kind
        assert np.array_equal(back, value) and back.flags.writeable
    elif isinstance(value, float) and np.isnan(value):
        assert np.isnan(back)
    else:
        assert back == value


@pytest.mark.parametrize("value", [object(), np.array(["a"]), np.array([1j]), np.array([None], dtype=object)])
def test_objects_and_non_numeric_arrays_are_not_encoded(value):
    with pytest.raises(Unencodable):
        encode(value, {})


@pytest.mark.parametrize(
    "data",
    [
        {"array": "missing"},
        {"scalar": "|O", "value": 1},
        {"unknown": 1},
        {"dict": [[{"list": []}, 1]]},
        {"list": {"not": "a list"}},
    ],
)
def test_reading_accepts_only_what_release_writes(data):
    pool = {"short": {"dtype": "<f8", "shape": [2], "data": "AAAA"}}
    with pytest.raises(ValueError, match=r"."):
        decode(data, pool)
    with pytest.raises(ValueError, match="fill"):
        decode({"array": "short"}, pool)


def test_release_ships_callee_answers_only(checkout):
    root, repo = checkout
    shipped = path_for(repo, "stats")
    assert shipped.read_text(encoding="utf-8") == path_for(root, "stats").read_text(encoding="utf-8")
    table = load(shipped)
    assert table is not None
    assert table.callees["variance"] == {"mean"}
    entries = table.tests["test_variance_around_four"]
    assert [(e.call, e.answer[0]) for e in entries] == [("mean", "ok")]
    assert np.array_equal(entries[0].arguments["x"], [0.0, 4.0, 8.0]) and entries[0].answer[1] == 4.0
    # mean([1, 2, 6]) is the call test_mean_small checks: never shipped, though variance leads to it
    assert "test_variance_small" not in table.tests and "test_mean_small" not in table.tests
    text = shipped.read_text(encoding="utf-8")
    assert "def " not in text and "return" not in text and "2.0, 6.0" not in text  # no code, no hidden input


def test_home_keeps_the_callers_points_as_the_official_run(checkout, tmp_path):
    """A wrong mean: at home, variance keeps the points of the test the answers hold, and names
    mean; officially too. Where the answers hold nothing (the call a public test checks), home
    charges and says the official run may differ."""
    root, repo = checkout
    body = WRONG_MEAN + RIGHT_VARIANCE
    at_home = graded(repo, body, tmp_path / "home")
    official = graded(root, body, tmp_path / "official")
    kept = at_home["test_variance_around_four"]
    assert kept.score == kept.max_score == official["test_variance_around_four"].score
    assert "mean" in kept.output and "variance is right" in kept.output
    charged = at_home["test_variance_small"]
    assert charged.score == 0 < official["test_variance_small"].score
    assert "the official run, which asks the reference, may differ" in charged.output


# a mean right on the public test's [1, 2, 6], wrong on [0, 4, 8] (zeros not counted) and on the
# hidden test's grid (rows counted): only a hidden test of mean fails
HIDDEN_ONLY_MEAN = (
    "def mean(x):\n    return float(np.sum(x) / np.count_nonzero(x[..., 0] if x.ndim > 1 else x))\n"
)


def test_a_callee_failing_hidden_tests_only_is_found_from_the_answers(checkout, tmp_path):
    """No public test of mean fails, so a home run cannot know mean fails its hidden tests; but mean
    answers the call variance's public test leads to, mean([0, 4, 8]), otherwise than the released
    answer: home reruns with mean answered and keeps variance's points, as the official run does."""
    root, repo = checkout
    body = HIDDEN_ONLY_MEAN + RIGHT_VARIANCE
    at_home = graded(repo, body, tmp_path / "home")
    official = graded(root, body, tmp_path / "official")
    assert at_home["test_mean_small"].score == official["test_mean_small"].score == 1
    assert official["test_mean_of_a_grid"].score == 0
    assert public_scores(at_home) == public_scores(official)
    kept = at_home["test_variance_around_four"]
    assert kept.score == kept.max_score
    assert i18n.text("en", "callee_cause_unseen", function="variance", callees="mean") in kept.output
    assert "mean returned 6.0 for mean([0., 4., 8.]), where 4.0 is right" in kept.output


def test_a_caller_wrong_itself_stays_charged_beside_a_callee_wrong_unseen(checkout, tmp_path):
    """mean wrong on [0, 4, 8] and variance wrong too: the rerun with mean answered still fails, so
    variance is charged, and the note names mean as wrong on this test's calls."""
    _, repo = checkout
    wrong_variance = RIGHT_VARIANCE.replace("/ x.size", "/ (x.size - 1)")
    at_home = graded(repo, HIDDEN_ONLY_MEAN + wrong_variance, tmp_path / "home")
    charged = at_home["test_variance_around_four"]
    assert charged.score == 0
    assert i18n.text("en", "callee_wrong_unseen", function="variance", callees="mean") in charged.output


def test_a_call_the_answers_do_not_hold_stays_charged(checkout, tmp_path):
    root, repo = checkout
    at_home = graded(repo, WRONG_MEAN + ODD_VARIANCE, tmp_path / "home")
    test = at_home["test_variance_around_four"]
    assert test.score == 0
    assert i18n.text("en", "home_answers_missing", callees="mean") in test.output


def test_a_right_submission_scores_the_same_at_home(checkout, tmp_path):
    root, repo = checkout
    at_home = graded(repo, RIGHT_MEAN + RIGHT_VARIANCE, tmp_path / "home")
    assert all(test.score == test.max_score for test in at_home.values() if not test.hidden)


def test_an_official_run_never_reads_the_answers(checkout, tmp_path, monkeypatch):
    """A planted table that would fail variance (mean answered 100), and a reader that fails the
    run if called: the official run keeps variance's points from the reference child."""
    root, _ = checkout
    copy = tmp_path / "course"
    shutil.copytree(root, copy)
    planted = path_for(copy, "stats")
    data = json.loads(planted.read_text(encoding="utf-8"))
    for row in data["tests"]["test_variance_around_four"]:
        row["answer"] = {"list": ["ok", 100.0]}
    planted.write_text(json.dumps(data), encoding="utf-8")

    def never(*args, **kwargs):
        raise AssertionError("an official run read the released answers")

    monkeypatch.setattr(home, "load", never)
    tests = graded(copy, WRONG_MEAN + RIGHT_VARIANCE, tmp_path / "official")
    assert tests["test_variance_around_four"].score == tests["test_variance_around_four"].max_score
    assert all(test.status != "error" for test in tests.values())


@pytest.mark.parametrize(
    "tamper",
    [
        lambda text: "{not json",
        lambda text: text.replace('"format": 1', '"format": 9'),
        lambda text: "\0" * 9,
    ],
    ids=["garbage", "other format", "binary"],
)
def test_a_broken_file_answers_nothing_and_never_fails_the_run(checkout, tmp_path, tamper):
    _, repo = checkout
    copy = tmp_path / "repo"
    shutil.copytree(repo, copy)
    shipped = path_for(copy, "stats")
    shipped.write_text(tamper(shipped.read_text(encoding="utf-8")), encoding="utf-8")
    tests = graded(copy, WRONG_MEAN + RIGHT_VARIANCE, tmp_path / "home")
    assert tests["test_variance_around_four"].score == 0
    assert all(test.status != "error" for test in tests.values())


def test_a_method_is_answered_for_its_state_only():
    table = Answers(
        assignment="a",
        inputs="",
        callees={},
        signatures={"Net.loss": parse_signature()},
        tests={
            "t": [Entry("Net.loss", {"x": np.ones(2)}, {"w": np.ones(2)}, ("ok", [1.5, {"w": np.ones(2)}]))]
        },
    )
    assert table.lookup("t", "Net.loss", [np.ones(2)], {}, {"w": np.ones(2) * (1 + 1e-9)}) is not None
    assert table.lookup("t", "Net.loss", [np.ones(2)], {}, {"w": np.zeros(2)}) is None
    assert table.lookup("t", "Net.loss", [], {"x": np.ones(2)}, {"w": np.ones(2)}) is not None
    assert table.lookup("t", "Net.loss", [np.ones(2)], {}, None) is None
    assert table.lookup("other test", "Net.loss", [np.ones(2)], {}, {"w": np.ones(2)}) is None


def parse_signature():
    return parse({"format": 1, "signatures": {"f": [["x", "POSITIONAL_OR_KEYWORD"]]}}).signatures["f"]


@pytest.mark.slow
def test_release_refuses_an_answer_a_hidden_test_leads_to(tmp_path):
    """A hidden test of variance on [0, 4, 8] leads to mean([0, 4, 8]): release stops, naming both
    tests, and `course check` reports it in a released copy."""
    root = fixture_course(tmp_path / "course")
    public = root / "tests" / "stats" / "test_public.py"
    public.write_text(public.read_text(encoding="utf-8") + AROUND_FOUR, encoding="utf-8")
    _release(root)
    for course in (root, shutil.copytree(root, tmp_path / "checked")):
        hidden = course / "tests" / "stats" / "test_hidden.py"
        extra = AROUND_FOUR.replace("around_four", "hidden_four")
        extra = extra.replace("@pytest.mark.points(1)\n", "@pytest.mark.points(1)\n@pytest.mark.hidden\n")
        hidden.write_text(hidden.read_text(encoding="utf-8") + extra, encoding="utf-8")
    build._MADE.clear()
    result = CliRunner().invoke(course_command, ["release", "--course", str(root)])
    assert result.exit_code != 0
    assert "test_variance_around_four" in result.output and "test_variance_hidden_four" in result.output
    checked = tmp_path / "checked"
    course = load_course(checked / "course.yml")
    problems = build.check_answers(checked, course, course.assignment("stats"))
    assert len(problems) == 1 and "test_variance_hidden_four" in problems[0]


@pytest.mark.slow
def test_the_cap_leaves_whole_tests_out_and_home_says_so(tmp_path):
    root = fixture_course(tmp_path / "course")
    public = root / "tests" / "stats" / "test_public.py"
    public.write_text(public.read_text(encoding="utf-8") + AROUND_FOUR, encoding="utf-8")
    settings = root / "course.yml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "  isolation: auto\n", "  isolation: auto\n  answers_max_kb: 0\n"
        ),
        encoding="utf-8",
    )
    _release(root, "--student-repo", str(tmp_path / "repo"))
    table = load(path_for(root, "stats"))
    assert table is not None and table.tests == {} and table.omitted == {"test_variance_around_four"}
    tests = graded(tmp_path / "repo" / "stats", WRONG_MEAN + RIGHT_VARIANCE, tmp_path / "home")
    assert tests["test_variance_around_four"].score == 0
    assert "may differ" in tests["test_variance_around_four"].output


def test_the_answers_are_the_same_bytes_every_time_and_checked_for_staleness(checkout, tmp_path):
    root, _ = checkout
    course = load_course(root / "course.yml")
    assignment = course.assignment("stats")
    source = public_suite(root / "tests" / "stats")
    build._MADE.clear()
    released = path_for(root, "stats").read_text(encoding="utf-8")
    copy = tmp_path / "course"
    shutil.copytree(root, copy)
    path_for(copy, "stats").unlink()  # made afresh, not read back
    assert build.answers_text(copy, course, assignment, source) == released
    assert outdated(copy, course, [assignment]) == [Path("assignments/stats/tests") / FILE]
    path_for(copy, "stats").write_text(released, encoding="utf-8")
    assert outdated(copy, course, [assignment]) == []
