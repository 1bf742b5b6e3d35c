"""course.yml checked for sense, not only for form: the calendar of releases and due dates.

A date typed wrong (a due date before its release, 2062 for 2026) passes the schema but charges
an on-time class a late penalty. Instructor commands refuse such a course (`require_sound`); a
student's `grade` only warns (`calendar_problems`), since the dates do not change a home score.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

from grader import i18n
from grader.config import COURSE_FILE, Course, load_course
from grader.errors import ConfigError

FAR = timedelta(days=365)  # a date further than this from the course's other dates is a typo


def _day(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def calendar_problems(course: Course, file_name: str = "course.yml") -> list[str]:
    """Sentences naming each field of course.yml whose date makes no sense, in the course's language.

    Checks: a release or due date more than a year from the middle of the course's dates (a year
    typed wrong); a due date not after its release; assignments released out of the order they are
    listed in.
    """
    language = course.course.language
    problems: list[str] = []

    def say(key: str, **values: object) -> None:
        problems.append(f"{file_name}: " + i18n.text(language, key, **values))

    dates = [moment for item in course.assignments for moment in (item.release, item.due)]
    middle = statistics.median_low(dates)  # a typo is one date among many: the middle is a right one
    far: set[str] = set()
    for item in course.assignments:
        for field in ("release", "due"):
            value: datetime = getattr(item, field)
            if abs(value - middle) > FAR:
                far.add(item.id)
                say("calendar.far", id=item.id, field=field, date=_day(value), middle=middle.date())
    for item in course.assignments:
        if item.due <= item.release and item.id not in far:
            say("calendar.due_before_release", id=item.id, due=_day(item.due), release=_day(item.release))
    for earlier, later in pairwise(course.assignments):
        if later.release < earlier.release:
            say("calendar.out_of_order", id=later.id, earlier=earlier.id, release=_day(later.release))
    return problems


def require_sound(course: Course, file_name: str = "course.yml") -> Course:
    """The course itself, when its calendar makes sense.

    Raises:
        ConfigError: naming the first field whose date makes no sense (and how many more there are).
    """
    problems = calendar_problems(course, file_name)
    if problems:
        more = len(problems) - 1
        suffix = i18n.text(course.course.language, "calendar.more", count=more) if more else ""
        raise ConfigError(problems[0] + suffix)
    return course


def load_instructor_course(root: Path) -> Course:
    """course.yml of the course at `root`, read for an instructor command: its form and its calendar.

    Raises:
        ConfigError: if a field is wrong, or a date makes no sense (see `calendar_problems`).
    """
    return require_sound(load_course(root / COURSE_FILE))
