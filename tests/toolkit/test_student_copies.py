"""Student copies hold nothing of a hidden test's inputs or answers (issue 19, items 1 and 5).

Canary values are planted in hidden tests of the fixture course (tests/toolkit/files/canary/);
wrong and hostile submissions are graded officially; no canary may appear in any record a student
reads: Gradescope's results.json, what the autograder prints (`grade --official`), grade-all's
feedback JSON and HTML, and the comment posted back. The staff's copy keeps everything: the same
search finds the canaries there, so the search itself is shown to work.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import reports
from grader.batch.run import grade_job
from grader.batch.scores import LatePenalty
from grader.batch.staff import STAFF_KEY
from grader.cli import grade_command
from grader.config import load_course
from grader.disclosure import PARAMETERS, TEMPLATES, allowed, render, student_copy
from grader.grading import grade
from grader.i18n import MESSAGES
from grader.outcome import Notice
from grader.scoring import Report, TestResult

from .conftest import FIXTURE, fixture_course

CANARY_FILES = FIXTURE.parent / "canary"
X = [7391.8264, -6602.7153, 5813.9042]
Y = [4471.5386, 5582.2917, -3363.7528]
VALUES = [2846.3917, 1957.6284, 3735.1549, 2268.8371]
EXPECTED = [11863.365, -1020.4236, 2450.1514, 355734.38047577, -317758.11681716, 279796.29076955,
            145856.62729876, -130285.7687069, 114720.82976003, 7903.889610482088, 2702.003025,
            457494.2968023168]  # fmt: skip
CANARIES = [*X, *Y, *VALUES, 48.12537, 19.73215, *EXPECTED]


ATTACKS = {
    "wrong": {
        "vec": "def add(x, y):\n    return x + y + 0.5\n\n"
        "def scale(x, k=2.0):\n    return x * (k + 1)\n\n"
        "def norm(x):\n    return float(abs(x).sum())\n",
        "stats": "import numpy as np\n\ndef mean(x):\n    return float(np.sum(x) / (x.size - 1))\n\n"
        "def variance(x):\n    return float(np.sum((x - mean(x)) ** 2) / (x.size - 1))\n",
    },
    "raises_its_arguments": {
        "vec": "def add(x, y):\n    raise ValueError(f'{x!r} {y!r}')\n\n"
        "def scale(x, k=2.0):\n    raise TypeError(f'{x.tolist()} {k}')\n\n"
        "def norm(x):\n    raise KeyError(repr(list(x)))\n",
        "stats": "def mean(x):\n    raise ValueError(str(list(x)))\n\n"
        "def variance(x):\n    raise ValueError(str(x.tolist()))\n",
    },
    "prints_its_arguments": {
        "vec": "def add(x, y):\n    print(x, y)\n    return x\n\n"
        "def scale(x, k=2.0):\n    print(x.tolist(), k)\n    return x\n\n"
        "def norm(x):\n    print(list(x))\n    return 0.0\n",
        "stats": "def mean(x):\n    print(x.tolist())\n    return 0.0\n\n"
        "def variance(x):\n    print(x.tolist())\n    return 0.0\n",
    },
    "returns_its_arguments": {
        "vec": "def add(x, y):\n    return y\n\ndef scale(x, k=2.0):\n    return x\n\n"
        "def norm(x):\n    return float(x[0])\n",
        "stats": "def mean(x):\n    return float(x[0])\n\ndef variance(x):\n    return float(x[-1])\n",
    },
    # a public test's reason is shown whole: keep what hidden tests passed (in a global and in a
    # file) and say it in the public tests that run after them
    "keeps_hidden_inputs_for_a_public_test": {
        "stats": "import numpy as np\n\n_SEEN = []\n\n"
        "def mean(x):\n    _SEEN.append(x.tolist())\n"
        "    with open('seen.txt', 'a') as kept:\n        kept.write(repr(x.tolist()))\n"
        "    if len(_SEEN) > 1:\n        raise ValueError(f'SEEN {_SEEN} {open(\"seen.txt\").read()}')\n"
        "    return float(np.mean(x))\n\n"
        "def variance(x):\n    import os\n\n"
        "    kept = open('seen.txt').read() if os.path.exists('seen.txt') else ''\n"
        "    raise ValueError(f'SEEN {_SEEN} {kept}')\n",
    },
    # variance is right but calls a mean that fails (and says its argument): the containment rerun
    # answers mean from the reference, variance passes and keeps its points
    "callee_fails": {
        "vec": "import numpy as np\n\ndef add(x, y):\n    return x + y\n\n"
        "def scale(x, k=2.0):\n    return x * k\n\n"
        "def norm(x):\n    return float(np.sqrt(np.sum(x * x)))\n",
        "stats": "import numpy as np\n\ndef mean(x):\n    if x.size > 3:\n"
        "        raise ValueError(f'mean of {x.tolist()}')\n    return float(np.sum(x) / (x.size - 1))\n\n"
        "def variance(x):\n    centred = x - mean(x)\n    return float(np.sum(centred * centred) / x.size)\n",
    },
}


def canary_forms(value: float) -> set[str]:
    """How a number may be written: its first five significant digits with or without a decimal
    point anywhere among them, and %g at 4 to 7 digits."""
    mantissa = f"{abs(value):.12e}"
    digits = mantissa[0] + mantissa[2:6]
    forms = {digits, *(digits[:i] + "." + digits[i:] for i in range(1, 5))}
    return forms | {f"{abs(value):.{n}g}" for n in range(4, 8)}


def canaries_in(text: str) -> set[str]:
    """The canary forms found in `text` (embedded pictures are left out: base64 holds digits)."""
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)
    return {form for value in CANARIES for form in canary_forms(value) if form in text}


@pytest.fixture(scope="module")
def canary_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture course with the canary hidden tests added to both assignments."""
    course = fixture_course(tmp_path_factory.mktemp("canary") / "course")
    for assignment in ("vec", "stats"):
        shutil.copyfile(
            CANARY_FILES / f"{assignment}_canary.py", course / "tests" / assignment / "test_canary.py"
        )
    return course


def student_records(course: Path, assignment: str, submission: Path, folder: Path) -> dict[str, str]:
    """Every record a student reads of one official grading, by name."""
    results = folder / "results.json"
    run = CliRunner().invoke(
        grade_command,
        [assignment, "--official", "--course", str(course), "--submission", str(submission),
         "--gradescope", str(results)],
        env={"COLUMNS": "400"},
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    feedback = grade_job(str(course), assignment, str(submission), LatePenalty("on_time"))
    assert "error" not in feedback, feedback
    html = feedback.pop("html")
    # the staff record rides in the cached result and is written to staff/ (0600), never to feedback/
    assert feedback.pop(STAFF_KEY)["tests"], "the staff record is kept for the instructor"
    return {
        "results.json": results.read_text(encoding="utf-8"),
        "autograder stdout": run.output,
        "feedback JSON": json.dumps(feedback, ensure_ascii=False),
        "feedback HTML": html,
        "comment": reports.to_comment(feedback, "0" * 40),
    }


@pytest.mark.slow
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_no_canary_reaches_a_student_copy(canary_course, tmp_path, attack):
    found = {}
    for assignment, source in ATTACKS[attack].items():
        submission = tmp_path / assignment / f"{assignment}.py"
        submission.parent.mkdir()
        submission.write_text(source, encoding="utf-8")
        for name, text in student_records(
            canary_course, assignment, submission, tmp_path / assignment
        ).items():
            if canaries_in(text):
                found[f"{assignment} {name}"] = sorted(canaries_in(text))
    assert found == {}
    results = json.loads((tmp_path / "stats" / "results.json").read_text(encoding="utf-8"))
    assert results["stdout_visibility"] == "hidden"


@pytest.mark.slow
def test_the_staff_copy_keeps_what_the_student_copy_leaves_out(canary_course, tmp_path):
    """The search finds the canaries where they belong: the staff's report of a submission that
    raises with its arguments, and of a callee the rerun localises."""
    course = load_course(canary_course / "course.yml")
    for attack in ("raises_its_arguments", "callee_fails"):
        submission = tmp_path / attack / "stats.py"
        submission.parent.mkdir()
        submission.write_text(ATTACKS[attack]["stats"], encoding="utf-8")
        report = grade(canary_course, course.assignment("stats"), submission, official=True)
        staff = "\n".join(t.output for t in report.tests if t.hidden)
        assert canaries_in(staff), staff
        assert not canaries_in("\n".join(t.output for t in student_copy(report).tests))
    variance = next(t for t in report.tests if t.name == "test_variance_canary")
    assert variance.status == "passed" and variance.score == variance.max_score  # contained
    shown = next(t for t in student_copy(report).tests if t.name == "test_variance_canary")
    assert shown.output.startswith("variance is right: with the reference's mean it passes")


def hidden_result(**values) -> TestResult:
    return TestResult(**{"name": "test_x[case-1]", "function": "f", "score": 0.0, "max_score": 1.0,
                         "status": "failed", "hidden": True, **values})  # fmt: skip


def test_a_hidden_test_keeps_only_the_whitelisted_fields():
    full = hidden_result(output="f returned 4.0 for f(6, 3), where 4 is right", seed=12, mistake="m",
                         arrays={"got": 1}, curve={"loss": [1.0]})  # fmt: skip
    shown = student_copy(Report("a", "s", "bubblewrap", tests=[full])).tests[0]
    assert (shown.seed, shown.arrays, shown.curve, shown.mistake) == (None, None, None, "m")
    assert shown.output == MESSAGES["en"]["hidden_detail"]


def test_a_notice_with_an_unlisted_parameter_or_a_value_that_fails_its_check_is_not_shown():
    assert not allowed(Notice.of("hidden_raised", function="f", error_type="ValueError", message="6, 3"))
    assert not allowed(Notice.of("hidden_raised", function="f(6, 3)", error_type="ValueError"))
    assert not allowed(Notice.of("hidden_raised", function="f", error_type="Leak_6_3"))
    assert not allowed(Notice.of("hidden_call", function="f", position="6, 3"))
    assert not allowed(Notice.of("hidden_category", category="anything at all"))
    assert render(Notice.of("hidden_raised", function="f", error_type="ValueError"), "en") == (
        "f raised ValueError (a hidden test's messages are not shown)"
    )
    passed = hidden_result(status="passed", score=1.0, output="kept: f(6, 3) gives 4",
                           notices=(Notice.of("hidden_call", function="f", position=[6, 3]),))  # fmt: skip
    assert student_copy(Report("a", "s", "i", tests=[passed])).tests[0].output == ""


def test_every_template_lists_parameters_that_fill_it():
    for key, parameters in TEMPLATES.items():
        assert set(parameters) <= PARAMETERS.keys()
        if key == "finding":
            continue
        for language in ("en", "zh-CN"):
            MESSAGES[language][key].format(**dict.fromkeys(parameters, "x"))
