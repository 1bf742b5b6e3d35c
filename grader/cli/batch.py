"""`course grade-all`: a class graded in parallel, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path

import click

from grader.batch import grade_class
from grader.cli.common import fail
from grader.cli.course import course_command
from grader.config import find_course_root, load_course
from grader.errors import GraderError


@course_command.command("grade-all")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--assignment", "assignment_ids", multiple=True, help="Grade only this assignment (repeatable)."
)
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), default=Path("grades"), show_default=True
)
@click.option("--roster", type=click.Path(path_type=Path), help="CSV: student, optional extension_hours.")
@click.option(
    "--times",
    type=click.Path(path_type=Path),
    help="The LMS's submission times, CSV: student, submitted_at (with a zone), optional assignment.",
)
@click.option(
    "--penalise-file-times",
    is_flag=True,
    help="Without a trusted time, charge the late penalty by the file's time (a guess).",
)
@click.option(
    "--workers", type=click.IntRange(1), help="Local worker processes (default: the number of cores)."
)
@click.option("--scheduler", help="Address of a Dask scheduler to send the work to.")
@click.option(
    "--dask-local", type=click.IntRange(0), default=0, help="Start a local Dask cluster of N workers."
)
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")
def grade_all_command(
    source,
    assignment_ids,
    out,
    roster,
    times,
    penalise_file_times,
    workers,
    scheduler,
    dask_local,
    course_dir,
    debug,
):
    """Grade a class: SOURCE holds one folder per student (or is a zip of them).

    Late penalties come only from trusted times (--times); without one a submission is
    "time unknown" and gets no penalty, unless --penalise-file-times is given.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    try:
        root = find_course_root(course_dir)
        course = load_course(root / "course.yml")
        bar = Progress(
            TextColumn("grading"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[state]}"),
            TimeRemainingColumn(),
        )

        def show(done: int, failed: int, total: int) -> None:
            if not bar.tasks:  # the bar appears once the class is found: a bad class prints one line
                bar.start()
                bar.add_task("grading", total=None, state="")
            rate = bar.tasks[0].speed or 0.0
            state = f"failed {failed} · remaining {total - done} · {rate * 60:.0f}/min"
            bar.update(bar.tasks[0].id, completed=done, total=total, state=state)

        try:
            summary = grade_class(
                root,
                course,
                source,
                out,
                list(assignment_ids) or None,
                progress=show,
                roster_path=roster,
                times_path=times,
                penalise_file_times=penalise_file_times,
                workers=workers,
                scheduler=scheduler,
                dask_local=dask_local,
            )
        finally:
            bar.stop()
    except GraderError as error:
        fail(error, debug)
    print_class_summary(summary, out)


def _listing(items: list[str], shown: int = 10) -> str:
    more = f", … and {len(items) - shown} more (see summary.json)" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def print_class_summary(summary: dict, out: Path) -> None:
    """What grade-all found: totals, roster problems, per-student problems and files written."""
    if summary["mean"] is None:
        click.echo(f"{summary['students']} students · no total could be decided")
    else:
        decided = "" if summary["decided"] == summary["students"] else f" ({summary['decided']} decided)"
        click.echo(
            f"{summary['students']} students{decided} · mean {summary['mean']} · median {summary['median']}"
        )
    roster = summary["roster"]
    if roster["not_on_roster"]:
        strangers = _listing(roster["not_on_roster"])
        click.echo(f"in the class folder but not on the roster (graded all the same): {strangers}")
    if roster["nothing_submitted"]:
        click.echo(f"nothing submitted: {_listing(roster['nothing_submitted'])}")
    for problem in summary["problems"][:20]:
        click.echo(f"problem: {problem}")
    if len(summary["problems"]) > 20:
        click.echo(f"… and {len(summary['problems']) - 20} more problems (see summary.json)")
    if summary["time_unknown"]:
        click.echo(
            f"time unknown, so no late penalty: {len(summary['time_unknown'])} submission(s);"
            " pass --times FILE (the LMS's submission times)"
        )
    for warning in summary["warnings"][:5]:
        click.echo(f"warning: {warning}")
    click.echo(f"wrote {', '.join(str(out / name) for name in summary['files'])}")
