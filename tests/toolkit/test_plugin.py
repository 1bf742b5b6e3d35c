"""The pytest plugin seen from pytest itself (pytester): fixture, markers, --submission, seeds."""

import textwrap

import pytest

pytest_plugins = ["pytester"]

COURSE = """
course: {name: tiny}
grading: {time_limit_s: 5}
assignments:
  - {id: add, title: Add, module: add.py, points: 3,
     release: 2026-01-01T00:00:00+00:00, due: 2026-02-01T00:00:00+00:00}
"""


@pytest.fixture
def tiny_course(pytester):
    pytester.makefile(".yml", course=COURSE)
    pytester.mkdir("solutions")
    (pytester.path / "solutions" / "add.py").write_text("def add(a, b):\n    return a + b\n")
    pytester.mkdir("tests")
    pytester.mkdir("tests/add")
    (pytester.path / "tests" / "add" / "test_add.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.points(2)
            @pytest.mark.function("add")
            def test_add(submission, rng):
                a = float(rng.integers(0, 10))
                assert submission.add(a, 1.0) == a + 1.0, "add is wrong"

            @pytest.mark.hidden
            @pytest.mark.function("add")
            def test_add_ints(submission):
                assert submission.add(2, 3) == 5
            """
        )
    )
    return pytester


def test_reference_passes_without_warnings(tiny_course):
    result = tiny_course.runpytest_subprocess("--strict-markers", "-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_submission_option_grades_other_work(tiny_course):
    wrong = tiny_course.path / "wrong.py"
    wrong.write_text("def add(a, b):\n    return a - b\n")
    result = tiny_course.runpytest_subprocess(f"--submission={wrong}", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*add is wrong*", "*rerun with --seed * to reproduce*"])


def test_markers_are_registered(tiny_course):
    result = tiny_course.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(
        ["@pytest.mark.points(n)*", "@pytest.mark.hidden*", "@pytest.mark.function(name)*"]
    )


REFERENCE_SUITES = {
    "test_hidden": """
        import pytest

        pytestmark = pytest.mark.hidden

        @pytest.mark.function("add")
        def test_expected_value_from_the_reference(submission, reference):
            assert reference.__name__ == "_reference_add"
            assert submission.add(2, 5) == reference.add(2, 5) == 7
        """,
    "test_public_ref": """
        import pytest

        @pytest.mark.function("add")
        def test_public_cannot_use_the_reference(submission, reference):
            assert reference.add(1, 1) == 2
        """,
}


def test_reference_fixture_in_hidden_tests_only(tiny_course):
    """Hidden tests get the instructor's solution; a public test that asks for it fails, saying why."""
    for name, text in REFERENCE_SUITES.items():
        (tiny_course.path / "tests" / "add" / f"{name}.py").write_text(textwrap.dedent(text))
    wrong = tiny_course.path / "wrong.py"
    wrong.write_text("def add(a, b):\n    return a + b + 0\n")
    result = tiny_course.runpytest_subprocess(f"--submission={wrong}", "-p", "no:cacheprovider", "tests/add")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*staff: the reference fixture is for hidden tests only*"])


def test_reference_fixture_without_solutions_is_a_staff_error(tiny_course):
    """Where solutions/ is absent (a copy of the hidden tests without it), the test fails and says so."""
    (tiny_course.path / "tests" / "add" / "test_hidden.py").write_text(
        textwrap.dedent(REFERENCE_SUITES["test_hidden"])
    )
    submission = tiny_course.path / "work" / "add.py"
    submission.parent.mkdir()
    (tiny_course.path / "solutions" / "add.py").rename(submission)
    result = tiny_course.runpytest_subprocess(
        f"--submission={submission}", "-p", "no:cacheprovider", "tests/add/test_hidden.py"
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*staff: no reference solution at *solutions/add.py*copy solutions/*"])


CHILDREN_AFTER_COLLECTION = """
from grader.session import opened_submissions


def pytest_collection_finish(session):
    opened = opened_submissions(session.config)
    running = [h for h in opened if getattr(h, "_connection", None) and h._connection.channel.child]
    print(f"children running after collection: {len(running)}")
"""


@pytest.mark.parametrize(("options", "children"), [((), 1), (("--in-process",), 0), (("--collect-only",), 0)])
def test_the_child_starts_while_pytest_collects(tiny_course, options, children):
    """The child confines itself and imports the submission while pytest collects (issue 22),
    not when the first test asks for `submission`; never for --in-process or --collect-only."""
    (tiny_course.path / "conftest.py").write_text(CHILDREN_AFTER_COLLECTION)
    result = tiny_course.runpytest_subprocess("-s", "-p", "no:cacheprovider", *options)
    result.stdout.fnmatch_lines([f"children running after collection: {children}"])
    if "--collect-only" not in options:
        result.assert_outcomes(passed=2)
