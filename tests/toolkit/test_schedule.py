"""course.yml checked for sense: dates typed wrong are refused by instructor commands, named by field."""

import pytest
from click.testing import CliRunner

from grader.cli import course_command, grade_command
from grader.config import parse_course
from grader.errors import ConfigError
from grader.schedule import calendar_problems, require_sound

from .conftest import FIXTURE, fixture_course

TEXT = (FIXTURE / "course.yml").read_text(encoding="utf-8")
VEC_DUE = "due: 2026-01-12T23:59:00+00:00"
STATS_RELEASE = "release: 2026-01-12T09:00:00+00:00"
STATS_DUE = "due: 2026-01-19T23:59:00+00:00"


def problems_of(text: str) -> list[str]:
    return calendar_problems(parse_course(text))


def test_the_fixture_course_and_this_course_make_sense():
    assert problems_of(TEXT) == []


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        # six days before its release: an on-time student would be charged late -50 %
        (
            (STATS_DUE, "due: 2026-01-06T23:59:00+00:00"),
            "assignment 'stats': due 2026-01-06T23:59+00:00 is not after",
        ),
        # a year typed 2062 for 2026
        (
            (STATS_DUE, "due: 2062-01-19T23:59:00+00:00"),
            "assignment 'stats': due 2062-01-19T23:59+00:00 is more than a year",
        ),
        ((STATS_RELEASE, "release: 2062-01-12T09:00:00+00:00"), "assignment 'stats': release 2062-01-12"),
        # listed second, released a week before the first
        ((STATS_RELEASE, "release: 2025-12-29T09:00:00+00:00"), "assignment 'stats': released 2025-12-29"),
    ],
)
def test_a_date_that_makes_no_sense_is_named_with_its_field(edit, named):
    problems = problems_of(TEXT.replace(*edit))
    assert problems, "the typo went through"
    assert problems[0].startswith(f"course.yml: {named}")
    with pytest.raises(ConfigError, match="course.yml: assignment 'stats'"):
        require_sound(parse_course(TEXT.replace(*edit)))


def test_a_single_assignment_course_with_a_due_in_2062_is_refused():
    lone = TEXT.split("  - id: stats")[0].replace(VEC_DUE, "due: 2062-01-12T23:59:00+00:00")
    assert problems_of(lone)[0].startswith(
        "course.yml: assignment 'vec': due 2062-01-12T23:59+00:00 is more than a year"
    )


def test_problems_are_in_the_course_language():
    chinese = TEXT.replace("language: en", "language: zh-CN").replace(
        STATS_DUE, "due: 2026-01-06T23:59:00+00:00"
    )
    assert "截止时间" in problems_of(chinese)[0]


def test_instructor_commands_refuse_the_course_and_grade_warns(tmp_path):
    root = fixture_course(tmp_path / "course")
    course_file = root / "course.yml"
    course_file.write_text(TEXT.replace(STATS_DUE, "due: 2026-01-06T23:59:00+00:00"), encoding="utf-8")
    runner = CliRunner()
    for command in (["validate"], ["release"], ["check"], ["grade-all", str(tmp_path / "class")]):
        result = runner.invoke(course_command, [*command, "--course", str(root)])
        assert result.exit_code == 2, (command, result.output)
        assert "assignment 'stats': due 2026-01-06T23:59+00:00 is not after its release" in result.output
    export = runner.invoke(
        course_command,
        ["export", str(tmp_path / "gradebook.csv"), "--format", "canvas", "--course", str(root)],
    )
    assert export.exit_code == 2
    assert "assignment 'stats'" in export.output
    solution = root / "solutions" / "vec.py"
    graded = CliRunner().invoke(grade_command, ["vec", "--submission", str(solution), "--course", str(root)])
    assert graded.exit_code == 0, graded.output
    assert "warning: course.yml: assignment 'stats': due" in graded.output
