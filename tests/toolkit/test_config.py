"""course.yml: the repository's file loads; each wrong field is named in one sentence."""

from datetime import timedelta
from pathlib import Path

import pytest

from grader.config import find_course_root, load_course, parse_course
from grader.errors import ConfigError, UnknownAssignmentError

from .conftest import FIXTURE, ROOT

TEXT = (ROOT / "course.yml").read_text(encoding="utf-8")


def test_the_course_files_load():
    """This course's file and the fixture course's."""
    assert load_course(ROOT / "course.yml").course.zone.utcoffset(None) == timedelta(hours=8)
    course = load_course(FIXTURE / "course.yml")
    assert [a.id for a in course.assignments] == ["vec", "stats"]
    assert course.assignment("stats").module_name == "stats"


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
        (
            TEXT.replace("  rtol:", "  rtoll:"),
            "course.yml: unknown field grading.rtoll; did you mean 'rtol'?",
        ),
        (
            TEXT.replace("    module: pool.py\n    points: 52\n", "    module: pool.py\n    piont: 52\n", 1),
            "course.yml: unknown field assignment 'pool'.piont; did you mean 'points'?",
        ),
        (
            TEXT.replace("  rtol:", "  colour:"),
            "course.yml: unknown field grading.colour; remove it or check",
        ),
        (
            TEXT.replace("due: 2026-10-19T23:59:00+08:00", "due: 2026-09-31T23:59:00+08:00"),
            "course.yml: assignment 'pool'.due: Input should be a valid datetime or date, day value is "
            "outside expected range.",
        ),
        (
            TEXT.replace('timezone: "+08:00"', "timezone: Mars/Olympus"),
            "course.yml: course.timezone: 'Mars/Olympus' is not a time zone; write an offset such as "
            "+08:00 or a name such as Asia/Shanghai.",
        ),
        (
            TEXT.replace('timezone: "+08:00"', 'timezone: "+25:00"'),
            "course.yml: course.timezone: '+25:00' is not an offset; write one such as +08:00.",
        ),
        (
            TEXT.replace("    module: conv.py\n    points: 53\n", "    module: conv.py\n    points: -1\n", 1),
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
    assert broken != TEXT, "the edit no longer matches course.yml; update it"
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


def test_a_course_file_that_is_not_utf8(tmp_path):
    (tmp_path / "course.yml").write_bytes("course: {name: 卷积}\n".encode("gb18030"))
    with pytest.raises(ConfigError, match=r"course.yml: not UTF-8 text; save it as UTF-8.$"):
        load_course(tmp_path / "course.yml")
