"""`course new`: a new assignment for any course, ready for `course release` and `course check`.

It writes a reference solution with one graded function in a solution region, its public and
hidden tests, a mistake catalogue with one wrong definition, and the assignment's entry at the
end of course.yml's `assignments:` (the rest of the file, comments included, is kept). The
example function (`double`) is there to be replaced: every file says what goes where, and
docs/authoring.md explains each part.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path

from grader.config import COURSE_FILE, Course, parse_course
from grader.errors import ConfigError, GraderError
from grader.layout import CourseLayout

ID_PATTERN = r"[a-z][a-z0-9_]*"
MODULE_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*\.py"
POINTS = 4  # the example's tests: 1 public + 2 + 1 hidden

SOLUTION = '''"""{title}: write the body of each function below, then run `grade {id}` to check it."""

import numpy as np


def double(x):
    """Twice every value of an array (an example: replace it with the assignment's functions).

    Args:
        x: an array of any shape, float64.

    Returns:
        2 * x, the same shape.
    """
    ### BEGIN SOLUTION
    # This region is the reference (never released): the student's stub has `raise
    # NotImplementedError` here, and the `### HINT:` line below as a comment.
    ### HINT: multiply, elementwise.
    return 2.0 * np.asarray(x)
    ### END SOLUTION
'''

PUBLIC = '''"""Public tests of {id}: released to students, with their own small examples."""

import numpy as np
import pytest

from grader.compare import assert_close


@pytest.mark.points(1)
@pytest.mark.function("double")
def test_double_small(submission):
    """A worked example: [1, 2] doubled is [2, 4]."""
    assert_close(submission.double(np.array([1.0, 2.0])), np.array([2.0, 4.0]))
'''

HIDDEN = '''"""Hidden tests of {id}: never released; students see only their ids and points."""

import numpy as np
import pytest

from grader.compare import assert_close

pytestmark = pytest.mark.hidden


@pytest.mark.points(2)
@pytest.mark.function("double")
@pytest.mark.parametrize(("values", "expected"), [([0.5, -3.0], [1.0, -6.0]), ([[1.0, 3.0]], [[2.0, 6.0]])])
def test_double_worked(submission, values, expected):
    """Worked by hand; the 2 points are shared by the cases. Students see `test_double_worked[case-1]`."""
    assert_close(submission.double(np.array(values)), np.array(expected))


@pytest.mark.points(1)
@pytest.mark.function("double")
def test_double_random(submission, rng):
    """Random inputs from `rng`, seeded from the test's id: a failure prints the seed."""
    x = rng.standard_normal((3, 4))
    assert_close(submission.double(x), x + x)
'''

MISTAKES = '''"""Known mistakes of {id}: wrong definitions, as students write them (never released).

A variant is solutions/{module} followed by an entry's code, in one namespace; `course check`
grades each one and requires it to lose points on its function's tests and be named by one.
"""

MISTAKES = [
    {{
        "name": "added instead of doubled",
        "name_zh": "加 2 而不是乘 2",
        "function": "double",
        "hint": "double each value: multiply by 2, do not add 2",
        "hint_zh": "把每个值乘以 2，而不是加 2",
        "code": """
def double(x):
    return np.asarray(x) + 2.0
""",
    }},
]
'''


def _entry(assignment_id: str, module: str, title: str, course: Course, indent: str) -> str:
    """course.yml's lines for the new assignment, due two weeks after its release (course zone):
    released the day after the last assignment is due, or today in a course without one (so that
    the calendar stays in order, see grader.schedule)."""
    zone = course.course.zone
    last_due = max((a.due for a in course.assignments), default=None)
    today = (last_due.astimezone(zone).date() + timedelta(days=1)) if last_due else datetime.now(zone).date()
    release = datetime.combine(today, time(9, 0), zone)
    due = datetime.combine(today + timedelta(days=14), time(23, 59), zone)
    fields = [f"id: {assignment_id}", f'title: "{title}"', f"module: {module}", f"points: {POINTS}",
              f"release: {release.isoformat()}", f"due: {due.isoformat()}"]  # fmt: skip
    lines = [f"{indent}- {fields[0]}"] + [f"{indent}  {field}" for field in fields[1:]]
    return "\n".join(lines) + "\n"


def with_entry(text: str, entry_for: dict[str, str], course: Course) -> str:
    """course.yml's text with the entry appended to `assignments:`, everything else unchanged."""
    text = re.sub(r"(?m)^assignments:\s*\[\]\s*(#.*)?$", "assignments:", text)  # `course init`'s empty list
    lines = text.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if re.match(r"assignments:\s*(#.*)?$", line)), None)
    if start is None:
        raise ConfigError(f"{COURSE_FILE}: no 'assignments:' list to add to; add the entry by hand.")
    end = len(lines)
    for number in range(start + 1, len(lines)):
        if (
            lines[number].strip()
            and not lines[number][0].isspace()
            and not lines[number].startswith(("#", "-"))
        ):
            end = number
            break
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    item = next((line for line in lines[start + 1 : end] if line.lstrip().startswith("- ")), "  - ")
    entry = _entry(**entry_for, course=course, indent=item[: len(item) - len(item.lstrip())])
    before = "".join(lines[:end])
    return before + ("" if before.endswith("\n") else "\n") + entry + "".join(lines[end:])


COURSE_TEMPLATE = """# The course: its assignments, points and dates, and how grading runs.
# `course validate` checks this file; `course new ID --module NAME.py` adds an assignment.
course:
  name: {name}
  language: {language}        # en or zh-CN: the language of feedback and handouts
  timezone: "{timezone}"     # an offset or a zone name (Asia/Shanghai): the zone dates are shown in
  conventions: ""       # shown at the end of every handout

grading:
  time_limit_s: 30      # wall time of one call into the student's code
  startup_limit_s: 20   # wall time to start the child and import the submission
  # from the reference's recorded times (tests/<id>/timings.json, written by `course release`):
  call_time_multiple: 40       # a call: 40 x the reference's time for it + 1.5 s, at most time_limit_s
  call_time_floor_s: 1.5
  submission_time_multiple: 10 # a submission: 10 x the reference's suite time + 10 s, at most
  submission_time_floor_s: 10  # submission_time_limit_s (900 s by default)
  memory_limit_mb: 2048 # address space of the child process
  rtol: 1.0e-6
  atol: 1.0e-8

late_policy:
  grace_minutes: 15
  penalty_per_day_pct: 10
  max_penalty_pct: 50

assignments: []
"""


def init_course(folder: Path, name: str, language: str = "en", timezone: str = "+00:00") -> Path:
    """Write a working course.yml, with no assignment yet, into `folder`; returns its path.

    Raises:
        GraderError: if `folder` already holds a course.yml, or a value is not valid.
    """
    path = folder / COURSE_FILE
    if path.exists():
        raise GraderError(f"{path} already exists; edit it, or add an assignment with `course new`.")
    quoted = '"' + name.replace("\\", "").replace('"', "'") + '"'
    text = COURSE_TEMPLATE.format(name=quoted, language=language, timezone=timezone)
    parse_course(text, path)  # what is written must load
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def new_assignment(root: Path, course: Course, assignment_id: str, module: str, title: str) -> list[Path]:
    """Scaffold assignment `assignment_id` in the course at `root`; returns the files written.

    Raises:
        GraderError: a malformed id or module name, an id or file that already exists, or a
            course.yml the entry cannot be added to.
    """
    if not re.fullmatch(ID_PATTERN, assignment_id):
        raise GraderError(
            f"{assignment_id!r} cannot be an assignment id; use lower-case letters, digits and _."
        )
    if not re.fullmatch(MODULE_PATTERN, module):
        raise GraderError(
            f"{module!r} cannot be a module; give a Python file name such as {assignment_id}.py."
        )
    if assignment_id in {a.id for a in course.assignments}:
        raise GraderError(f"course.yml already has an assignment {assignment_id!r}; choose another id.")
    layout = CourseLayout(Path())  # paths relative to the course folder
    files = {
        layout.solutions / module: SOLUTION.format(title=title, id=assignment_id),
        layout.suites(assignment_id) / "test_public.py": PUBLIC.format(id=assignment_id),
        layout.hidden_suite(assignment_id): HIDDEN.format(id=assignment_id),
        layout.catalogue(assignment_id): MISTAKES.format(id=assignment_id, module=module),
    }
    existing = [path for path in files if (root / path).exists()]
    if existing:
        raise GraderError(f"{existing[0]} already exists; remove it or choose another id or module.")
    course_file = root / COURSE_FILE
    entry_for = {"assignment_id": assignment_id, "module": module, "title": title.replace('"', "'")}
    text = with_entry(course_file.read_text(encoding="utf-8-sig"), entry_for, course)
    parse_course(text, course_file)  # the new file must load before anything is written
    for relative, content in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(content, encoding="utf-8")
    course_file.write_text(text, encoding="utf-8")
    return [*files, Path(COURSE_FILE)]
