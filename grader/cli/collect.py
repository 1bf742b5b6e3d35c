"""`course collect` and `course post-feedback`: the class from its repositories, and feedback back to them."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from grader.cli.common import EXIT_BELOW_THRESHOLD, course_option, debug_option, fail, roster_option
from grader.config import find_course_root
from grader.errors import GraderError
from grader.schedule import load_instructor_course


def now() -> datetime:
    """The current time in UTC (the collection's clock; tests replace it)."""
    return datetime.now(timezone.utc)


def print_collect_summary(summary: dict[str, Any], out: Path) -> None:
    """Per assignment: repositories, graded commits and late ones; then problems and warnings."""
    if not summary["assignments"]:
        click.echo("no assignment is open for collection now (released, and within its late window)")
    for assignment_id in summary["assignments"]:
        rows = summary["students"].get(assignment_id, {})
        graded = [row for row in rows.values() if row.get("file")]
        click.echo(
            f"{assignment_id}: {len(rows)} students, {len(graded)} submissions to grade,"
            f" {len(rows) - len(graded)} with nothing to grade"
        )
    click.echo(f"{summary['new_commits']} commits seen for the first time")
    for problem in summary["problems"][:20]:
        click.echo(f"problem: {problem}")
    for warning in summary["warnings"][:20]:
        click.echo(f"warning: {warning}")
    click.echo(f"wrote {', '.join(str(out / name) for name in summary['files'])} and {summary['record']}")


@click.command("collect")
@click.option("--from", "from_dir", type=click.Path(path_type=Path), help="A folder of repositories.")
@click.option("--github", "org", help="A GitHub organisation (token in GITHUB_TOKEN).")
@click.option("--prefix", help="Repositories are named PREFIX-<student> (default: the assignment id).")
@click.option("--assignment", "assignment_ids", multiple=True, help="Collect this one (default: those open).")
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), default=Path("collected"), show_default=True
)
@click.option(
    "--record", type=click.Path(path_type=Path, dir_okay=False), help="The first-seen record to keep."
)
@roster_option()
@click.option("--jobs", type=click.IntRange(1), default=8, show_default=True, help="Fetches at once.")
@course_option
@debug_option
def collect_command(
    from_dir: Path | None,
    org: str | None,
    prefix: str | None,
    assignment_ids: tuple[str, ...],
    out: Path,
    record: Path | None,
    roster: Path | None,
    jobs: int,
    course_dir: Path | None,
    debug: bool,
) -> None:
    """Fetch every student repository PREFIX-<student> and pick the commit to grade.

    Records when each commit was first seen (--record, kept between runs), picks the last
    tip seen before due + grace + extension + late window, and writes OUT/class/ (for
    grade-all), OUT/times.csv (first-seen times, for grade-all --times) and OUT/collect.json.
    """
    from grader.collect import LocalSource, collect, github_source

    try:
        if (from_dir is None) == (org is None):
            raise GraderError("give the repositories with one of --from DIR or --github ORG.")
        root = find_course_root(course_dir)
        course = load_instructor_course(root)
        source = LocalSource(from_dir) if from_dir is not None else github_source(org or "")  # org given
        summary = collect(
            course,
            source,
            out,
            record_path=record,
            assignment_ids=list(assignment_ids),
            prefix=prefix,
            roster_path=roster,
            clock=now,
            jobs=jobs,
            root=root,
        )
    except GraderError as error:
        fail(error, debug)
    step_output = os.environ.get("GITHUB_OUTPUT")
    if step_output:  # under GitHub Actions: the next steps grade what was collected
        with open(step_output, "a", encoding="utf-8") as handle:
            handle.write(f"assignments={' '.join(summary['assignments'])}\n")
    print_collect_summary(summary, out)


@click.command("post-feedback")
@click.argument("grades", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--collected",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("collected/collect.json"),
    show_default=True,
    help="collect.json of the collection that was graded.",
)
@click.option("--dry-run", is_flag=True, help="Print the comments instead of posting them.")
@debug_option
def post_feedback_command(
    grades: Path,
    collected: Path,
    dry_run: bool,
    debug: bool,
) -> None:
    """Post each student's feedback (GRADES/feedback/) as a comment on their graded commit."""
    from grader.collect.feedback import comments, post
    from grader.collect.github import GitHub
    from grader.collect.sources import TOKEN_VARIABLE

    try:
        found = comments(grades, collected)
        if dry_run:
            for comment in found:
                click.echo(f"--- {comment.repository}@{comment.commit[:7]}\n{comment.body}")
            posted: list[str] = []
            problems: list[str] = []
        else:
            token = os.environ.get(TOKEN_VARIABLE, "").strip()
            if not token:
                raise GraderError(
                    f"posting feedback needs a token in the {TOKEN_VARIABLE} environment variable."
                )
            posted, problems = post(found, GitHub(token))
    except GraderError as error:
        fail(error, debug)
    for line in posted:
        click.echo(f"posted {line}")
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(
        f"{len(found)} comments to post" if dry_run else f"{len(posted)} of {len(found)} comments posted"
    )
    if problems:
        sys.exit(EXIT_BELOW_THRESHOLD)
