"""Named mistakes at home: `course release` ships fingerprints of the catalogue's variants on the
public tests, and `grade` in a student's checkout (no solutions/, no catalogue) names a mistake
with them, by the official diagnosis' rule. The fixture course's stats has one known mistake,
"sample variance"; this copy adds a public test that calls variance twice, and a public test of
vec (no catalogue) for the structural analysis."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from grader import analysis, i18n
from grader.catalogue import load_catalogue
from grader.cli import course_command
from grader.config import load_course
from grader.disclosure import student_copy
from grader.fingerprints import FILE, digest, load, path_for
from grader.grading import grade
from grader.release import outdated, public_suite, solution_lines
from grader.release_fingerprints import _compute, inputs_digest

from .conftest import fixture_course

TWICE = '''

@pytest.mark.points(1)
@pytest.mark.function("variance")
def test_variance_twice(submission):
    """[1, 2, 6]: 14 / 3 as above; [0, 4, 8]: around 4, (16 + 0 + 16) / 3 = 32 / 3."""
    first = submission.variance(np.array([1.0, 2.0, 6.0]))
    second = submission.variance(np.array([0.0, 4.0, 8.0]))
    assert_close(np.array([first, second]), np.array([14 / 3, 32 / 3]))


@pytest.mark.points(1)
@pytest.mark.function("variance")
def test_variance_spread_and_constant(submission):
    """[1, 2, 6]: 14 / 3; [5, 5, 5]: 0, where the sample variance is 0 too."""
    spread = submission.variance(np.array([1.0, 2.0, 6.0]))
    constant = submission.variance(np.array([5.0, 5.0, 5.0]))
    assert_close(np.array([spread, constant]), np.array([14 / 3, 0.0]))
'''
VEC_PUBLIC = '''"""Public tests of vec, for the toolkit's test of the structural analysis at home."""

import numpy as np
import pytest

from grader.compare import assert_close


@pytest.mark.points(1)
@pytest.mark.function("add")
def test_add_small(submission):
    """[1, 2, 3] + [10, 20, 30] = [11, 22, 33]."""
    x, y = np.array([[1.0, 2.0, 3.0]] * 3), np.array([[10.0, 20.0, 30.0]] * 3)
    assert_close(submission.add(x, y), np.array([[11.0, 22.0, 33.0]] * 3))
'''
HEADER = "import numpy as np\n\n\ndef mean(x):\n    return float(np.sum(x) / x.size)\n\n\n"
SAMPLE = "def variance(x):\n    c = x - np.mean(x)\n    return float((c ** 2).sum() / (len(c) - 1))\n"
NOISY = (  # the same mistake, with float noise of 1e-12 relative
    "def variance(x):\n    c = x - np.mean(x)\n"
    "    return float((c ** 2).sum() / (len(c) - 1)) * (1 + 1e-12)\n"
)
HONEST = "def variance(x):\n    c = x - np.mean(x)\n    return float((c ** 2).sum() / (len(c) + 1))\n"
# the sample variance on [1, 2, 6] only; on the failing call ([0, 4, 8]) a mistake of its own
HALF = (
    "def variance(x):\n    c = x - np.mean(x)\n"
    "    return float((c ** 2).sum() / (len(c) - 1)) if x[0] == 1 else 99.0\n"
)
# the sample variance, but wrong on a constant array, where the variant equals the reference
CONSTANT = (
    "def variance(x):\n    c = x - np.mean(x)\n"
    "    return float((c ** 2).sum() / (len(c) - 1)) if np.ptp(x) else 1.0\n"
)
HIDDEN_INPUTS = ([2.0, 6.0], [0.0, 0.0, 3.0], [1.0, 3.0, 5.0, 7.0])  # tests/stats/test_hidden.py


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """(the instructor's course, a student's checkout of it), released."""
    base = tmp_path_factory.mktemp("home")
    root = fixture_course(base / "course")
    public = root / "tests" / "stats" / "test_public.py"
    public.write_text(public.read_text(encoding="utf-8") + TWICE, encoding="utf-8")
    (root / "tests" / "vec" / "test_public.py").write_text(VEC_PUBLIC, encoding="utf-8")
    for arguments in (["release"], ["release", "--student-repo", str(base / "repo")]):
        result = CliRunner().invoke(course_command, [*arguments, "--course", str(root)])
        assert result.exit_code == 0, result.output
    for template in ("vec", "stats"):  # one template repository per assignment
        assert not (base / "repo" / template / "solutions").exists()
        assert not (base / "repo" / template / "tests").exists()
    return root, base / "repo" / "stats"


def graded(repo: Path, body: str, language: str = "en", folder: str = "work"):
    path = repo.parent / folder / "stats.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(HEADER + body, encoding="utf-8")
    course = load_course(repo / "course.yml")
    report = grade(repo, course.assignment("stats"), path, language=language)
    return {test.name: test for test in report.tests}, report.score


def test_release_lists_the_fingerprints_and_ships_them(checkout):
    root, repo = checkout
    result = CliRunner().invoke(course_command, ["release", "--course", str(root)])
    assert "wrote assignments/stats/tests/fingerprints.json" in result.output
    assert "vec/tests/fingerprints.json" not in result.output  # vec has no catalogue
    shipped = path_for(repo, "stats")
    assert shipped.read_bytes() == path_for(root, "stats").read_bytes()


def test_the_shipped_file_holds_no_code_and_nothing_hidden(checkout):
    root, repo = checkout
    text = path_for(repo, "stats").read_text(encoding="utf-8")
    data = json.loads(text)
    solution = root / "solutions" / "stats.py"
    for line in solution_lines(solution.read_text(encoding="utf-8"), solution):
        assert line not in text
    for mistake in load_catalogue(root / "tests" / "stats" / "mistakes.py"):
        for line in mistake["code"].splitlines():
            assert not line.strip() or line.strip() not in text
    assert "code" not in data["mistakes"][0] and data["mistakes"][0]["hint"].startswith("divide by")
    keys = set(data["calls"]["variance"])
    public = [
        digest(["variance", [np.array(values)], {}, None]) for values in ([1.0, 2.0, 6.0], [0.0, 4.0, 8.0])
    ]
    assert set(public) <= keys  # an independent hash of the public inputs: the check below can fail
    assert not keys & {digest(["variance", [np.array(values)], {}, None]) for values in HIDDEN_INPUTS}
    for expected in (4.0, 2.0, 5.0):  # the hidden tests' expected values, as any outcome would hash
        assert f"ok:{digest(expected)}" not in text


@pytest.mark.parametrize("body", [SAMPLE, NOISY], ids=["exact", "noise 1e-12"])
def test_a_catalogue_mistake_is_named_at_home(checkout, body):
    _, repo = checkout
    tests, _ = graded(repo, body)
    for name in ("test_variance_small", "test_variance_twice"):
        assert tests[name].status == "failed" and tests[name].mistake == "sample variance"
        hint = "divide by the number of values, not by one less"
        assert i18n.text("en", "known_mistake", name="sample variance", hint=hint) in tests[name].output
    assert tests["test_mean_small"].status == "passed" and tests["test_mean_small"].mistake is None


def test_the_hint_is_in_the_course_language(checkout):
    _, repo = checkout
    tests, _ = graded(repo, SAMPLE, language="zh-CN")
    sentence = i18n.text(
        "zh-CN", "known_mistake", name="sample variance", hint="除以数值的个数，而不是个数减一"
    )
    assert sentence in tests["test_variance_small"].output


def test_an_honest_mistake_outside_the_catalogue_names_nothing(checkout):
    _, repo = checkout
    tests, _ = graded(repo, HONEST)
    assert tests["test_variance_small"].status == "failed"
    assert all(test.mistake is None for test in tests.values())


def test_matching_on_one_call_but_not_the_failing_one_names_nothing(checkout):
    _, repo = checkout
    tests, _ = graded(repo, HALF)
    assert tests["test_variance_small"].mistake == "sample variance"  # its only call is the variant's
    assert tests["test_variance_twice"].status == "failed" and tests["test_variance_twice"].mistake is None


def test_a_failing_call_that_does_not_tell_the_variant_apart_names_nothing(checkout):
    """On [5, 5, 5] the variant and the reference agree: the failure there is not the variant's."""
    _, repo = checkout
    tests, _ = graded(repo, CONSTANT)
    assert tests["test_variance_small"].mistake == "sample variance"
    failed = tests["test_variance_spread_and_constant"]
    assert failed.status == "failed" and failed.mistake is None


@pytest.mark.parametrize(
    "body", [SAMPLE, NOISY, HONEST, HALF, CONSTANT], ids=["sample", "noisy", "honest", "half", "constant"]
)
def test_home_names_what_the_official_run_names(checkout, tmp_path, body):
    """The same submission, graded by the instructor (reference and catalogue replayed) and at home."""
    root, repo = checkout
    home, _ = graded(repo, body)
    path = tmp_path / "stats.py"
    path.write_text(HEADER + body, encoding="utf-8")
    official = grade(root, load_course(root / "course.yml").assignment("stats"), path)
    names = {test.name: test.mistake for test in official.tests if not test.hidden}
    assert names == {name: test.mistake for name, test in home.items() if not test.hidden}


def _forge(data):
    """Claim that the honest mistake (divide by n + 1) is the variant, on both public inputs."""
    calls = data["calls"]["variance"]
    for values in ([1.0, 2.0, 6.0], [0.0, 4.0, 8.0]):
        wrong = float(np.sum((np.array(values) - np.mean(values)) ** 2) / (len(values) + 1))
        calls[digest(["variance", [np.array(values)], {}, None])]["variants"]["sample variance"] = (
            f"ok:{digest(wrong)}"
        )
    return json.dumps(data)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda data: "{not json",
        lambda data: json.dumps(data)[:40],
        lambda data: json.dumps({**data, "calls": [1, 2]}),
        lambda data: json.dumps({**data, "format": 99}),
        lambda data: json.dumps({**data, "mistakes": [{"name": None}]}),
        lambda data: "\x00" * 100,
        _forge,
    ],
    ids=["garbage", "truncated", "wrong type", "other format", "bad entry", "binary", "forged"],
)
def test_a_tampered_file_never_changes_a_score_nor_crashes(checkout, tmp_path, tamper):
    _, repo = checkout
    copy = tmp_path / "repo"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns("grader", ".github"))
    shipped = path_for(copy, "stats")
    data = json.loads(shipped.read_text(encoding="utf-8"))
    shipped.unlink()
    plain, plain_score = graded(copy, HONEST, folder="plain")
    shipped.write_text(tamper(data), encoding="utf-8")
    tests, score = graded(copy, HONEST, folder="tampered")
    assert score == plain_score and [t.status for t in tests.values()] == [t.status for t in plain.values()]
    assert all(test.status != "error" for test in tests.values())
    named = {test.mistake for test in tests.values()} - {None}
    assert named == ({"sample variance"} if tamper is _forge else set())  # advice only, never points


def test_the_structural_analysis_runs_at_home(checkout, tmp_path):
    _, repo = checkout
    path = tmp_path / "vec.py"
    path.write_text(
        "def add(x, y):\n    return x + y + 1.0\n\n\ndef scale(x, k=2.0):\n    return x * k\n\n\n"
        "def norm(x):\n    return 0.0\n",
        encoding="utf-8",
    )
    vec_repo = repo.parent / "vec"
    report = grade(vec_repo, load_course(vec_repo / "course.yml").assignment("vec"), path)
    test = next(test for test in report.tests if test.name == "test_add_small")
    expected = np.array([[11.0, 22.0, 33.0]] * 3)
    finding = analysis.explain(expected + 1.0, expected, "en")
    assert finding is not None and test.status == "failed"
    assert (
        finding.sentence in test.output
        and finding.sentence in student_copy(report).tests[report.tests.index(test)].output
    )


def test_outdated_covers_the_fingerprints(checkout, tmp_path):
    root, _ = checkout
    copy = tmp_path / "course"
    shutil.copytree(root, copy)
    course = load_course(copy / "course.yml")
    assert outdated(copy, course) == []
    target = Path("assignments/stats/tests") / FILE
    catalogue = copy / "tests" / "stats" / "mistakes.py"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert outdated(copy, course) == [target]
    (copy / target).unlink()
    assert outdated(copy, course) == [target]
    catalogue.unlink()  # no catalogue: no file is wanted, and a left-over one is stale
    (copy / target).write_text("{}", encoding="utf-8")
    assert outdated(copy, course) == [target]


def test_fingerprints_are_computed_the_same_way_twice(checkout):
    root, _ = checkout
    course = load_course(root / "course.yml")
    assignment = course.assignment("stats")
    public = public_suite(root / "tests" / "stats")
    catalogue = load_catalogue(root / "tests" / "stats" / "mistakes.py")
    first = _compute(root, course, assignment, public, catalogue)
    assert first == _compute(root, course, assignment, public, catalogue)
    assert first == path_for(root, "stats").read_text(encoding="utf-8")
    table = load(path_for(root, "stats"))
    assert table is not None and table.inputs == inputs_digest(root, assignment, public)


@pytest.mark.slow
def test_the_course_names_its_mistakes_at_home(tmp_path):
    """This course's committed fingerprints: in a student repository, each mistake the public tests
    tell apart is named at home by one of them, and no other mistake is named."""
    from grader.catalogue import variant_source
    from grader.packaging import write_student_repos

    from .conftest import ROOT

    course = load_course(ROOT / "course.yml")
    ids = [assignment.id for assignment in course.assignments]
    repos = dict(zip(ids, write_student_repos(ROOT, course, tmp_path / "repos", []), strict=True))
    for assignment in course.assignments:
        repo = repos[assignment.id]
        table = load(path_for(repo, assignment.id))
        assert table is not None, f"{assignment.id}: no fingerprints shipped; run `course release`"
        told = {name for calls in table.calls.values() for entry in calls.values() for name in entry.variants}
        reference = (ROOT / "solutions" / assignment.module).read_text(encoding="utf-8")
        for mistake in load_catalogue(ROOT / "tests" / assignment.id / "mistakes.py"):
            if mistake["name"] not in told:
                continue
            path = tmp_path / assignment.id / mistake["name"].replace(" ", "_") / assignment.module
            path.parent.mkdir(parents=True)
            path.write_text(variant_source(reference, mistake), encoding="utf-8")
            report = grade(repo, assignment, path)
            named = {test.mistake for test in report.tests} - {None}
            assert named == {mistake["name"]}, (assignment.id, mistake["name"], named)
