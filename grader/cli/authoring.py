"""The author's commands: `course init`, `new`, `validate`, `release` and `check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.cli.common import EXIT_BELOW_THRESHOLD, EXIT_USAGE, course_option, debug_option, fail
from grader.errors import GraderError
from grader.layout import CourseLayout

# The course's modules (pydantic, jinja2, pytest) are imported by the command that uses them.


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", help="The course's name (default: the folder's name).")
@click.option("--language", type=click.Choice(["en", "zh-CN"]), default="en", help="Feedback language.")
@click.option("--timezone", default="+00:00", help="An offset such as +08:00 or a zone name.")
@debug_option
def init_command(
    folder: Path,
    name: str | None,
    language: str,
    timezone: str,
    debug: bool,
) -> None:
    """Start a course in FOLDER (default: here): a working course.yml with no assignment yet."""
    from grader.scaffold import init_course

    try:
        path = init_course(folder, name or folder.resolve().name, language, timezone)
    except GraderError as error:
        fail(error, debug)
    click.echo(f"wrote {path}")
    click.echo("next: `course new ID --module NAME.py` adds the first assignment.")


@click.command("new")
@click.argument("assignment_id", metavar="ID")
@click.option("--module", required=True, help="The file students write, such as stats.py.")
@click.option("--title", help="The assignment's title (default: its id).")
@course_option
@debug_option
def new_command(
    assignment_id: str,
    module: str,
    title: str | None,
    course_dir: Path | None,
    debug: bool,
) -> None:
    """Scaffold assignment ID: solution, suites, mistake catalogue and course.yml entry."""
    from grader.config import find_course_root, load_course
    from grader.errors import ConfigError
    from grader.scaffold import init_course, new_assignment

    try:
        started = []
        try:
            root = find_course_root(course_dir)
        except ConfigError:  # no course here or above: `course new` in an empty folder starts one
            root = (course_dir or Path.cwd()).resolve()
            started = [init_course(root, root.name)]
        course = load_course(CourseLayout(root).course_file)
        written = new_assignment(root, course, assignment_id, module, title or assignment_id)
    except GraderError as error:
        fail(error, debug)
    for path in [*started, *written]:
        click.echo(f"wrote {path}")
    click.echo(
        f"next: write solutions/{module} and tests/{assignment_id}/ (docs/authoring.md), "
        "set the points and dates in course.yml, then `course release` and `course check`."
    )


@click.command("validate")
@course_option
def validate_command(
    course_dir: Path | None,
) -> None:
    """Check course.yml and list its assignments."""
    from grader.config import find_course_root, load_course
    from grader.schedule import calendar_problems

    try:
        root = find_course_root(course_dir)
        course = load_course(CourseLayout(root).course_file)
    except GraderError as error:
        fail(error, False)
    problems = calendar_problems(course)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(EXIT_USAGE)
    for item in course.assignments:
        due = item.due.astimezone(course.course.zone).strftime("%Y-%m-%d %H:%M %z")
        click.echo(f"{item.id:8} {item.points:6g} points  due {due}  {item.title}")


@click.command("release")
@course_option
@click.option(
    "--student-repo",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write a template repository per assignment, DIR/<id>/, holding that assignment only.",
)
@click.option(
    "--assignment",
    "assignment_ids",
    multiple=True,
    help="With --student-repo: only this assignment's template (repeatable; default: every one).",
)
@click.option("--gradescope", "gradescope_id", help="Write a Gradescope autograder zip for this assignment.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Where the Gradescope zip goes.")
@click.option(
    "--nbgrader-source",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write nbgrader source notebooks.",
)
@click.option(
    "--instructor-workflow",
    is_flag=True,
    help="Also write .github/workflows/official-grading.yml: collect and grade the class in CI.",
)
@click.option("--github-org", help="The GitHub Classroom organisation (for --instructor-workflow).")
@click.option(
    "--retime",
    is_flag=True,
    help="Measure the reference's times again (tests/<id>/timings.json) even where they are up to date.",
)
@debug_option
def release_command(
    course_dir: Path | None,
    student_repo: Path | None,
    assignment_ids: tuple[str, ...],
    gradescope_id: str | None,
    out: Path | None,
    nbgrader_source: Path | None,
    instructor_workflow: bool,
    github_org: str | None,
    retime: bool,
    debug: bool,
) -> None:
    """Turn solutions/ into assignments/: stubs, notebooks, public tests, manifests, handouts; and
    record the reference's times (tests/<id>/timings.json), which the time limits are made of."""
    from grader.config import find_course_root
    from grader.packaging import (
        check_org,
        write_gradescope_zip,
        write_instructor_workflow,
        write_student_repos,
    )
    from grader.release import release, write_nbgrader_source
    from grader.schedule import load_instructor_course
    from grader.timings_record import record as record_timings

    try:
        org = check_org(github_org) if instructor_workflow else ""  # before anything is written
        root = find_course_root(course_dir)
        course = load_instructor_course(root)
        for path in release(root, course):
            click.echo(f"wrote {path}")
        for assignment in course.assignments:  # before any student's code runs, and before the zip
            timed = record_timings(root, assignment, force=retime)
            click.echo(f"wrote {timed.relative_to(root)}" if timed else f"{assignment.id}: times up to date")
        if student_repo:
            for folder in write_student_repos(root, course, student_repo, list(assignment_ids)):
                click.echo(
                    f"wrote the template repository {folder}: publish it when {folder.name} is released, "
                    f"as the Classroom assignment with prefix {folder.name!r} (students' copies "
                    f"{folder.name}-<student>, as `course collect` expects)"
                )
        if gradescope_id:
            target = out or Path(f"{gradescope_id}-autograder.zip")
            write_gradescope_zip(root, course, gradescope_id, target)
            click.echo(f"wrote the Gradescope autograder {target}")
        if nbgrader_source:
            for path in write_nbgrader_source(root, course, nbgrader_source):
                click.echo(f"wrote {path}")
        if org:
            path = write_instructor_workflow(root, org)
            click.echo(f"wrote the instructor's grading workflow {path}")
    except GraderError as error:
        fail(error, debug)


@click.command("check")
@course_option
@debug_option
def check_command(
    course_dir: Path | None,
    debug: bool,
) -> None:
    """Verify the course before publishing; exit code 0 only when every check holds."""
    from grader.check import run_checks
    from grader.config import find_course_root
    from grader.schedule import load_instructor_course

    failed = False
    try:
        root = find_course_root(course_dir)
        for assignment_id, description, problems in run_checks(root, load_instructor_course(root)):
            mark = "✗" if problems else "✓"
            click.echo(f"{mark} {assignment_id}: {description}")
            for problem in problems:
                click.echo(f"  {problem}")
            failed = failed or bool(problems)
    except GraderError as error:
        fail(error, debug)
    if failed:
        sys.exit(EXIT_BELOW_THRESHOLD)
