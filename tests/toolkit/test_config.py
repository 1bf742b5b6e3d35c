"""course.yml: the repository's file loads; each wrong field is named in one sentence."""

from pathlib import Path

import pytest

from grader.config import find_course_root, load_course, parse_course
from grader.errors import ConfigError, UnknownAssignmentError

from .conftest import ROOT

TEXT = (ROOT / "course.yml").read_text(encoding="utf-8")


def test_the_course_file_loads():
    course = load_course(ROOT / "course.yml")
    assert [a.id for a in course.assignments] == ["conv", "im2col", "pool", "params", "cnn"]
    assert course.assignment("pool").module_name == "pool"


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            TEXT.replace("    module: pool.py\n    points: 52\n", "    module: pool.py\n", 1),
            "course.yml: assignment 'pool'.points is missing; add 'points:'",
        ),
        (
            TEXT.replace("language: en", "language: fr"),
            "course.yml: course.language: Input should be 'en' or 'zh-CN'.",
        ),
        (TEXT.replace("  rtol:", "  rtoll:"), "course.yml: unknown field grading.rtoll; remove it"),
        (
            TEXT.replace("    module: conv.py\n    points: 52\n", "    module: conv.py\n    points: -1\n", 1),
            "course.yml: assignment 'conv'.points: Input should be greater than 0.",
        ),
        (
            TEXT.replace("due: 2026-10-19T23:59:00+08:00", "due: 2026-10-19T23:59:00"),
            "course.yml: assignment 'pool'.due: give a time zone",
        ),
        (
            TEXT.replace("id: params", "id: pool"),
            "course.yml: assignments: assignment id 'pool' is listed twice",
        ),
        (
            TEXT.replace("module: cnn.py", "module: cnn"),
            "course.yml: assignment 'cnn'.module: String should match",
        ),
        ("assignments: [", "course.yml line 1: not valid YAML"),
        ("- a\n- b\n", "course.yml: expected a mapping"),
    ],
)
def test_a_wrong_field_is_one_sentence(broken, message):
    with pytest.raises(ConfigError) as error:
        parse_course(broken, Path("course.yml"))
    text = str(error.value)
    assert text.startswith(message) and "\n" not in text


def test_unknown_assignment_suggests_the_nearest():
    course = load_course(ROOT / "course.yml")
    with pytest.raises(UnknownAssignmentError, match="no assignment 'pol'; did you mean 'pool'?"):
        course.assignment("pol")


def test_missing_course_file(tmp_path):
    with pytest.raises(ConfigError, match="no course.yml in"):
        find_course_root(tmp_path)
    with pytest.raises(ConfigError, match="no course file here"):
        load_course(tmp_path / "course.yml")
