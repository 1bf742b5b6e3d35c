"""The class's commands: `course grade-all` (a class graded into a gradebook) and `course export`
(the gradebook as an LMS imports it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from grader import i18n
from grader.cli.common import course_option, debug_option, fail, roster_option, workers_option
from grader.cli.insight import echo_insight, insight_for
from grader.cli.similarity import echo_similarity
from grader.config import find_course_root
from grader.errors import GraderError
from grader.export import BY, FORMATS, export_breakdown, export_gradebook, missing_lms_ids
from grader.schedule import load_instructor_course

if TYPE_CHECKING:
    from rich.progress import Progress

    from grader.config import Course


@click.command("grade-all")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--assignment", "assignment_ids", multiple=True, help="Grade only this assignment (repeatable)."
)
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), default=Path("grades"), show_default=True
)
@roster_option()
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
@workers_option("Local worker processes (default: the number of cores).")
@click.option("--scheduler", help="Address of a Dask scheduler to send the work to.")
@click.option(
    "--dask-local", type=click.IntRange(0), default=0, help="Start a local Dask cluster of N workers."
)
@course_option
@click.option(
    "--similarity", "with_similarity", is_flag=True, help="Also write a similarity report per assignment."
)
@click.option(
    "--insight", "with_insight", is_flag=True, help="Also write OUT/insight (see `course insight`)."
)
@debug_option
def grade_all_command(
    source: Path,
    assignment_ids: tuple[str, ...],
    out: Path,
    roster: Path | None,
    times: Path | None,
    penalise_file_times: bool,
    workers: int | None,
    scheduler: str | None,
    dask_local: int,
    course_dir: Path | None,
    with_similarity: bool,
    with_insight: bool,
    debug: bool,
) -> None:
    """Grade a class: SOURCE holds one folder per student (or is a zip of them), or is an LMS's
    download (Canvas, Moodle, Gradescope, Blackboard), matched to the roster by LMS id, SIS id,
    email or name.

    Late penalties come only from trusted times (--times); without one a submission is
    "time unknown" and gets no penalty, unless --penalise-file-times is given.
    """
    from grader.batch import grade_class

    try:
        root = find_course_root(course_dir)
        course = load_instructor_course(root)
        bar, show = progress_bar()
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
        found = {}
        if with_similarity:
            ids = list(assignment_ids) or [a.id for a in course.assignments]
            found = similarity_reports(root, course, ids, source, out / "similarity", workers)
        insight = insight_for(out, None, course_dir, None, None) if with_insight else None
    except GraderError as error:
        fail(error, debug)
    print_class_summary(summary, out)
    if insight is not None:
        echo_insight(insight, None)
    for assignment_id, report in found.items():
        echo_similarity(assignment_id, report, out / "similarity" / assignment_id)


def progress_bar() -> tuple[Progress, Callable[[int, int, int], None]]:
    """grade-all's progress bar, and the callback that shows it once the class is found.

    Returns:
        (bar, show): stop the bar when grading ends; `show(done, failed, total)` updates it.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

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
        state = f"{failed} below full marks · {total - done} remaining · {rate * 60:.0f}/min"
        bar.update(bar.tasks[0].id, completed=done, total=total, state=state)

    return bar, show


def similarity_reports(
    root: Path, course: Course, ids: list[str], source: Path, out: Path, workers: int | None
) -> dict[str, dict[str, Any]]:
    """grade-all --similarity: one similarity report per assignment, in OUT/similarity/<id>/.

    Args:
        root: the course folder.
        course: the course.
        ids: the assignments graded.
        source: the class, as grade-all was given it.
        out: OUT/similarity.
        workers: processes that fingerprint (None: the number of cores).

    Returns:
        each assignment's summary, by id.

    Raises:
        GraderError: see grader.similarity.similarity_report.
    """
    from grader.similarity import similarity_report

    return {i: similarity_report(root, course, i, source, out / i, workers=workers) for i in ids}


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
        count = len(summary["time_unknown"])
        advice = (
            f"add their rows to {summary['times_file']}"
            if summary.get("times_file")
            else "pass --times FILE (the LMS's submission times)"
        )
        click.echo(f"time unknown, so no late penalty: {count} submission(s); {advice}")
    for warning in summary["warnings"][:5]:
        click.echo(f"warning: {warning}")
    click.echo(f"wrote {', '.join(str(out / name) for name in summary['files'])}")


@click.command("export")
@click.argument("gradebook", type=click.Path(path_type=Path))
@click.option("--format", "format_name", type=click.Choice(FORMATS), help="The LMS that imports it.")
@click.option(
    "--by",
    "by",
    type=click.Choice(BY),
    help="Instead: per-student columns of points per function or per test (from staff/).",
)
@roster_option("CSV: student, name, lms_id, sis_id, section, email.")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Default: <format>.csv beside GRADEBOOK."
)
@course_option
@debug_option
def export_command(
    gradebook: Path,
    format_name: str | None,
    by: str | None,
    roster: Path | None,
    out: Path | None,
    course_dir: Path | None,
    debug: bool,
) -> None:
    """Write grade-all's GRADEBOOK (gradebook.csv) as Canvas, Moodle or nbgrader import it, or
    (--by) with per-student columns per function or test."""
    try:
        if (format_name is None) == (by is None):
            raise GraderError("give either --format canvas|moodle|nbgrader or --by function|test.")
        target = out or gradebook.with_name(f"{format_name}.csv" if format_name else f"by-{by}.csv")
        root = find_course_root(course_dir)
        course = load_instructor_course(root)
        if format_name is None:
            count = export_breakdown(gradebook, course, by or "", target)  # by given
        else:
            count = export_gradebook(gradebook, course, format_name, target, roster)
    except GraderError as error:
        fail(error, debug)
    click.echo(f"wrote {target} ({count} students, {format_name or f'by {by}'})")
    unmatched = missing_lms_ids(course, format_name) if format_name else []
    if unmatched:
        click.echo(i18n.text(course.course.language, "export.no_lms_id", ids=", ".join(unmatched)), err=True)
