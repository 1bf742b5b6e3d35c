"""`course export` and `course new`: registered on `course` by grader.cli, which prints and exits."""

from __future__ import annotations

from pathlib import Path

import click

from grader import i18n
from grader.cli import _fail as fail
from grader.cli import course_command
from grader.config import find_course_root, load_course
from grader.errors import ConfigError, GraderError
from grader.export import BY, FORMATS, export_breakdown, export_gradebook, missing_lms_ids
from grader.scaffold import init_course, new_assignment
from grader.schedule import load_instructor_course


@course_command.command("export")
@click.argument("gradebook", type=click.Path(path_type=Path))
@click.option("--format", "format_name", type=click.Choice(FORMATS), help="The LMS that imports it.")
@click.option(
    "--by",
    "by",
    type=click.Choice(BY),
    help="Instead: per-student columns of points per function or per test (from staff/).",
)
@click.option(
    "--roster", type=click.Path(path_type=Path), help="CSV: student, name, lms_id, sis_id, section, email."
)
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Default: <format>.csv beside GRADEBOOK."
)
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")
def export_command(gradebook, format_name, by, roster, out, course_dir, debug):
    """Write grade-all's GRADEBOOK (gradebook.csv) as Canvas, Moodle or nbgrader import it, or
    (--by) with per-student columns per function or test."""
    try:
        if (format_name is None) == (by is None):
            raise GraderError("give either --format canvas|moodle|nbgrader or --by function|test.")
        target = out or gradebook.with_name(f"{format_name}.csv" if format_name else f"by-{by}.csv")
        root = find_course_root(course_dir)
        course = load_instructor_course(root)
        if by:
            count = export_breakdown(gradebook, course, by, target)
        else:
            count = export_gradebook(gradebook, course, format_name, target, roster)
    except GraderError as error:
        fail(error, debug)
    click.echo(f"wrote {target} ({count} students, {format_name or 'by ' + by})")
    unmatched = missing_lms_ids(course, format_name) if format_name else []
    if unmatched:
        click.echo(i18n.text(course.course.language, "export.no_lms_id", ids=", ".join(unmatched)), err=True)


@course_command.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", help="The course's name (default: the folder's name).")
@click.option("--language", type=click.Choice(["en", "zh-CN"]), default="en", help="Feedback language.")
@click.option("--timezone", default="+00:00", help="An offset such as +08:00 or a zone name.")
@click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")
def init_command(folder, name, language, timezone, debug):
    """Start a course in FOLDER (default: here): a working course.yml with no assignment yet."""
    try:
        path = init_course(folder, name or folder.resolve().name, language, timezone)
    except GraderError as error:
        fail(error, debug)
    click.echo(f"wrote {path}")
    click.echo("next: `course new ID --module NAME.py` adds the first assignment.")


@course_command.command("new")
@click.argument("assignment_id", metavar="ID")
@click.option("--module", required=True, help="The file students write, such as stats.py.")
@click.option("--title", help="The assignment's title (default: its id).")
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")
def new_command(assignment_id, module, title, course_dir, debug):
    """Scaffold assignment ID: solution, suites, mistake catalogue and course.yml entry."""
    try:
        started = []
        try:
            root = find_course_root(course_dir)
        except ConfigError:  # no course here or above: `course new` in an empty folder starts one
            root = (course_dir or Path.cwd()).resolve()
            started = [init_course(root, root.name)]
        course = load_course(root / "course.yml")
        written = new_assignment(root, course, assignment_id, module, title or assignment_id)
    except GraderError as error:
        fail(error, debug)
    for path in [*started, *written]:
        click.echo(f"wrote {path}")
    click.echo(
        f"next: write solutions/{module} and tests/{assignment_id}/ (docs/authoring.md), "
        "set the points and dates in course.yml, then `course release` and `course check`."
    )
