"""`course insight`: what a class got wrong, and item analysis of the suite, from grade-all's output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from grader.cli.common import course_option, debug_option, fail, lang_option
from grader.config import Course, find_course_root
from grader.errors import GraderError
from grader.schedule import load_instructor_course


def insight_for(
    grades: Path,
    out: Path | None,
    course_dir: Path | None,
    language: str | None,
    secret_file: Path | None,
) -> dict[str, Any]:
    """Run insight over grade-all's output with the course's order, modules and language.

    Raises:
        GraderError: see grader.insight.run_insight.
    """
    from grader.insight import run_insight

    root: Path | None
    course: Course | None
    try:
        root = find_course_root(course_dir)
        course = load_instructor_course(root)
    except GraderError:
        if course_dir is not None:
            raise
        root, course = None, None  # not in a course: the report goes without docstrings and catalogue
    return run_insight(
        grades,
        out,
        root=root,
        language=language or (course.course.language if course else "en"),
        order=[a.id for a in course.assignments] if course else [],
        modules={a.id: a.module for a in course.assignments} if course else {},
        secret_file=secret_file,
    )


def echo_insight(result: dict[str, Any], secret_file: Path | None) -> None:
    """What insight wrote."""
    click.echo(
        f"insight: {result['students']} students · {result['assignments']} assignment(s) · "
        f"{result['candidates']} candidate catalogue entr{'y' if result['candidates'] == 1 else 'ies'}"
    )
    if result["secret_made"]:
        click.echo(f"made a new secret in {secret_file}: keep it, it makes the same pseudonyms next time")
    click.echo(f"wrote {', '.join(str(path) for path in result['files'])}")


@click.command("insight")
@click.argument("grades", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Default: GRADES/insight.")
@click.option("--anonymous", is_flag=True, help="Pseudonyms instead of names; no code, no links (to share).")
@click.option(
    "--secret-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The secret that keys the pseudonyms (made if missing; keep it private).",
)
@lang_option("The page's language (default: the course's).")
@course_option
@debug_option
def insight_command(
    grades: Path,
    out: Path | None,
    anonymous: bool,
    secret_file: Path | None,
    lang: str | None,
    course_dir: Path | None,
    debug: bool,
) -> None:
    """What the class got wrong, and item analysis of the suite, from grade-all's GRADES folder
    (its staff records; nothing is graded again)."""
    try:
        if anonymous and secret_file is None:
            raise GraderError("--anonymous needs --secret-file F, the secret that keys the pseudonyms.")
        if secret_file is not None and not anonymous:
            raise GraderError("--secret-file is for --anonymous; add --anonymous or drop it.")
        result = insight_for(grades, out, course_dir, lang, secret_file)
    except GraderError as error:
        fail(error, debug)
    echo_insight(result, secret_file)
