"""`course`: the instructor's commands for the course in this folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.check import run_checks
from grader.cli.common import EXIT_BELOW_THRESHOLD, fail
from grader.config import find_course_root, load_course
from grader.errors import GraderError
from grader.export import FORMATS, export_gradebook
from grader.packaging import write_gradescope_zip, write_student_repo
from grader.release import release, write_nbgrader_source
from grader.scaffold import new_assignment


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def course_command():
    """Instructor commands for the course in this folder."""


@course_command.command("validate")
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
def validate_command(course_dir):
    """Check course.yml and list its assignments."""
    try:
        root = find_course_root(course_dir)
        course = load_course(root / "course.yml")
    except GraderError as error:
        fail(error, False)
    for item in course.assignments:
        due = item.due.astimezone(course.course.zone).strftime("%Y-%m-%d %H:%M %z")
        click.echo(f"{item.id:8} {item.points:6g} points  due {due}  {item.title}")


@course_command.command("release")
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
@click.option(
    "--student-repo", type=click.Path(path_type=Path, file_okay=False), help="Also write a student repo."
)
@click.option("--gradescope", "gradescope_id", help="Write a Gradescope autograder zip for this assignment.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Where the Gradescope zip goes.")
@click.option(
    "--nbgrader-source",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write nbgrader source notebooks.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")
def release_command(course_dir, student_repo, gradescope_id, out, nbgrader_source, debug):
    """Turn solutions/ into assignments/: stubs, notebooks, public tests, manifests, handouts."""
    try:
        root = find_course_root(course_dir)
        course = load_course(root / "course.yml")
        for path in release(root, course):
            click.echo(f"wrote {path}")
        if student_repo:
            write_student_repo(root, course, student_repo)
            click.echo(f"wrote the student repository {student_repo}")
        if gradescope_id:
            target = out or Path(f"{gradescope_id}-autograder.zip")
            write_gradescope_zip(root, course, gradescope_id, target)
            click.echo(f"wrote the Gradescope autograder {target}")
        if nbgrader_source:
            for path in write_nbgrader_source(root, course, nbgrader_source):
                click.echo(f"wrote {path}")
    except GraderError as error:
        fail(error, debug)


@course_command.command("check")
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")
def check_command(course_dir, debug):
    """Verify the course before publishing; exit code 0 only when every check holds."""
    failed = False
    try:
        root = find_course_root(course_dir)
        for assignment_id, description, problems in run_checks(root, load_course(root / "course.yml")):
            mark = "✗" if problems else "✓"
            click.echo(f"{mark} {assignment_id}: {description}")
            for problem in problems:
                click.echo(f"  {problem}")
            failed = failed or bool(problems)
    except GraderError as error:
        fail(error, debug)
    if failed:
        sys.exit(EXIT_BELOW_THRESHOLD)


@course_command.command("export")
@click.argument("gradebook", type=click.Path(path_type=Path))
@click.option(
    "--format", "format_name", type=click.Choice(FORMATS), required=True, help="The LMS that imports it."
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
def export_command(gradebook, format_name, roster, out, course_dir, debug):
    """Write grade-all's GRADEBOOK (gradebook.csv) as Canvas, Moodle or nbgrader import it."""
    target = out or gradebook.with_name(f"{format_name}.csv")
    try:
        root = find_course_root(course_dir)
        count = export_gradebook(gradebook, load_course(root / "course.yml"), format_name, target, roster)
    except GraderError as error:
        fail(error, debug)
    click.echo(f"wrote {target} ({count} students, {format_name})")


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
        root = find_course_root(course_dir)
        course = load_course(root / "course.yml")
        written = new_assignment(root, course, assignment_id, module, title or assignment_id)
    except GraderError as error:
        fail(error, debug)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        f"next: write solutions/{module} and tests/{assignment_id}/ (docs/authoring.md), "
        "set the points and dates in course.yml, then `course release` and `course check`."
    )
