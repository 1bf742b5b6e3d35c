"""`course similarity`: pairs of a class's submissions ranked by shared code, starter code ignored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from grader.cli.common import course_option, debug_option, fail, workers_option
from grader.errors import GraderError

# The similarity code (NumPy, copydetect and its matplotlib) loads only when a command uses it.


def echo_similarity(assignment_id: str, report: dict[str, Any], out: Path) -> None:
    """What a similarity report found, and the files it wrote.

    Args:
        assignment_id: the assignment compared.
        report: grader.similarity.similarity_report's summary.
        out: the report's folder.
    """
    click.echo(
        f"{assignment_id}: {report['submissions']} submissions · {report['compared']} pairs compared · "
        f"{report['flagged']} flagged · {report['clusters']} clusters · {report['seconds']} s"
    )
    click.echo(
        f"wrote {out / 'index.html'}, {out / 'pairs.csv'}, {out / 'clusters.csv'} and {out / 'problems.csv'}"
    )
    for line in report["problems"][:10]:
        click.echo(f"read it yourself: {line}")
    if len(report["problems"]) > 10:
        click.echo(f"… and {len(report['problems']) - 10} more (see problems.csv)")


class SimilarityDefault(click.Option):
    """An option whose default is the similarity `Settings` field of its name, read when needed.

    The similarity code (NumPy, copydetect and its matplotlib) loads only for the commands that use it.
    """

    def get_default(self, ctx: click.Context, call: bool = True) -> object:
        from grader.similarity import Settings

        return getattr(Settings(), self.name or "")


@click.command("similarity")
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@click.option("--assignment", "assignment_id", required=True, help="The assignment to compare.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the report goes (default: similarity-<assignment>).",
)
@click.option(
    "--threshold",
    cls=SimilarityDefault,
    type=click.FloatRange(0, 1),
    show_default=True,
    help="Flag a pair when this share of one file's own code is found in the other.",
)
@click.option(
    "--min-tokens",
    cls=SimilarityDefault,
    type=click.IntRange(1),
    show_default=True,
    help="Never flag a pair with fewer matched tokens (work too small to tell).",
)
@click.option(
    "--boilerplate",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    multiple=True,
    help="More given code to ignore, besides the released stub and notebook (repeatable).",
)
@workers_option("Processes that fingerprint (default: the number of cores).")
@course_option
@debug_option
def similarity_command(
    source: Path,
    assignment_id: str,
    out: Path | None,
    threshold: float,
    min_tokens: int,
    boilerplate: tuple[Path, ...],
    workers: int | None,
    course_dir: Path | None,
    debug: bool,
) -> None:
    """Rank pairs of SOURCE's submissions by shared code (starter code ignored): CSV, clusters, HTML."""
    from dataclasses import replace

    from grader.config import find_course_root
    from grader.schedule import load_instructor_course
    from grader.similarity import Settings, similarity_report

    target = out or Path(f"similarity-{assignment_id}")
    try:
        root = find_course_root(course_dir)
        course = load_instructor_course(root)
        settings = replace(Settings(), threshold=threshold, min_tokens=min_tokens)
        report = similarity_report(
            root, course, assignment_id, source, target, settings, tuple(boilerplate), workers
        )
    except GraderError as error:
        fail(error, debug)
    echo_similarity(assignment_id, report, target)
