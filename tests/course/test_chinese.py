"""Chinese feedback is Chinese (issue 11): this course's suites say every failure in both languages,
and a zh-CN report of each catalogue mistake holds no English sentence outside code identifiers,
numbers and the student's own exception text (the rule of bench/diagnosis.py)."""

import shutil

import pytest

from grader.catalogue import load_catalogue, variant_source
from grader.config import load_course
from grader.grading import grade
from grader.lint import english, english_only

from .conftest import ASSIGNMENTS, ROOT


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_failure_text_of_the_suites_is_bilingual(assignment):
    problems = [
        p for suite in sorted((ROOT / "tests" / assignment).glob("test_*.py")) for p in english_only(suite)
    ]
    assert not problems


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_catalogue_entry_has_a_chinese_name_and_hint(assignment):
    for mistake in load_catalogue(ROOT / "tests" / assignment / "mistakes.py"):
        assert mistake.get("name_zh") and mistake.get("hint_zh"), mistake["name"]


@pytest.fixture(scope="module")
def chinese_course(tmp_path_factory):
    """course.yml in zh-CN, the solutions and the suites."""
    root = tmp_path_factory.mktemp("zh-course")
    text = (ROOT / "course.yml").read_text(encoding="utf-8")
    assert text.count("language: en") == 1
    (root / "course.yml").write_text(text.replace("language: en", "language: zh-CN"), encoding="utf-8")
    shutil.copytree(ROOT / "solutions", root / "solutions")
    for assignment in ASSIGNMENTS:
        shutil.copytree(
            ROOT / "tests" / assignment,
            root / "tests" / assignment,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    return root


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_chinese_report_of_every_catalogue_mistake_has_no_english_sentence(
    chinese_course, tmp_path, assignment
):
    course = load_course(chinese_course / "course.yml").assignment(assignment)
    reference = (chinese_course / "solutions" / course.module).read_text(encoding="utf-8")
    english_reasons = []
    for number, mistake in enumerate(load_catalogue(chinese_course / "tests" / assignment / "mistakes.py")):
        path = tmp_path / str(number) / course.module
        path.parent.mkdir()
        path.write_text(variant_source(reference, mistake), encoding="utf-8")
        # the tests of the mistake's own function: those of other functions keep their points
        # (one mistake costs its own points, once: `course check` asserts it on this catalogue)
        report = grade(chinese_course, course, path, only_functions={mistake["function"].split(".")[0]})
        failed = [t for t in report.tests if t.score < t.max_score]
        assert failed, f"{mistake['name']} loses no points"
        english_reasons += [(mistake["name"], t.name, t.output) for t in failed if english(t.output)]
    assert not english_reasons
