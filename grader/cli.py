"""The `grade` and `course` commands: the only module that prints or exits.

Exit codes:
    0  graded (or checked) successfully
    1  the score is below --fail-under, or `course check` found a problem
    2  a mistake in the command or the course (GraderError): one line on stderr
    3  an official run refused: the isolation it needs is not available here (IsolationRefused)
    4  the course itself is broken: a suite cannot be collected (CourseBroken)
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console

from grader import i18n, reports
from grader.batch import grade_class
from grader.check import run_checks
from grader.config import Assignment, Course, find_course_root, load_course
from grader.errors import GraderError, SubmissionError
from grader.grading import default_submission, grade
from grader.packaging import check_org, write_gradescope_zip, write_instructor_workflow, write_student_repos
from grader.release import release, write_nbgrader_source
from grader.scoring import SCHEMA_VERSION, Report
from grader.similarity import Settings, similarity_report
from grader.submission import resolve_source

EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_USAGE = 0, 1, 2


def _fail(error: GraderError, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    click.echo(f"error: {error}", err=True)
    sys.exit(getattr(error, "exit_code", EXIT_USAGE))


def is_official(official: bool, advisory: bool) -> bool:
    """An official run: --official, or CI=true unless --advisory (the student repository's CI)."""
    if official and advisory:
        raise GraderError("--official and --advisory contradict each other; give one of them.")
    return official or (os.environ.get("CI", "").lower() == "true" and not advisory)


def assignment_from_folder(root: Path, course: Course, here: Path) -> str | None:
    """The assignment whose folder (assignments/<id>/ or tests/<id>/) contains `here`."""
    try:
        parts = here.resolve().relative_to(root).parts
    except ValueError:
        return None
    if len(parts) >= 2 and parts[0] in ("assignments", "tests"):
        return parts[1]
    return None


def chosen_assignments(root: Path, course: Course, name: str | None, every: bool) -> list[Assignment]:
    if every:
        return list(course.assignments)
    name = name or assignment_from_folder(root, course, Path.cwd())
    if name is None:
        ids = ", ".join(a.id for a in course.assignments)
        raise GraderError(
            f"which assignment? name one ({ids}), use --all, or run grade inside assignments/<id>/."
        )
    return [course.assignment(name)]


def submission_for(root: Path, assignment: Assignment, given: Path | None) -> Path:
    if given is not None:
        if not given.exists() and not given.is_symlink():
            raise SubmissionError(f"{given}: no such file or folder; check the path given to --submission.")
        resolve_source(given.absolute(), assignment.module)  # a wrong path is one sentence, exit 2
        return given.absolute()  # not resolve(): a link must be seen, and refused
    path = default_submission(root, assignment)
    if not path.exists():
        raise SubmissionError(
            f"no {path.relative_to(root)} to grade; run `course release` first or pass --submission PATH."
        )
    return path


def write_outputs(found: list[Report], options: dict[str, Path | None], language: str) -> None:
    if options["json"]:
        data = (
            found[0].to_dict()
            if len(found) == 1
            else {
                "schema_version": SCHEMA_VERSION,
                "score": round(sum(r.score for r in found), 4),
                "max_score": round(sum(r.max_score for r in found), 4),
                "reports": [r.to_dict() for r in found],
            }
        )
        options["json"].write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    if options["gradescope"]:
        options["gradescope"].write_text(
            json.dumps(reports.to_gradescope(found), indent=2, ensure_ascii=False)
        )
    if options["junit"]:
        options["junit"].write_text(reports.to_junit(found), encoding="utf-8")
    if options["html"]:
        target = options["html"]
        for report in found:
            path = (
                target
                if len(found) == 1
                else target.with_name(f"{target.stem}-{report.assignment}{target.suffix}")
            )
            path.write_text(reports.to_html(report), encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(reports.to_markdown(found) + "\n")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("assignment", required=False)
@click.option("--submission", type=click.Path(path_type=Path), help="A .py file, a folder or an .ipynb.")
@click.option("--all", "every", is_flag=True, help="Grade every assignment of the course.")
@click.option(
    "--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write the JSON report."
)
@click.option(
    "--gradescope", type=click.Path(path_type=Path, dir_okay=False), help="Write Gradescope's results.json."
)
@click.option("--junit", type=click.Path(path_type=Path, dir_okay=False), help="Write JUnit XML.")
@click.option("--html", type=click.Path(path_type=Path, dir_okay=False), help="Write an HTML report.")
@click.option("--fail-under", type=click.FloatRange(0, 100), help="Exit with 1 when the score is below PCT.")
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
@click.option(
    "--official", is_flag=True, help="The score is recorded: refuse weak isolation (CI=true implies it)."
)
@click.option(
    "--advisory", is_flag=True, help="The score is not recorded: grade with any isolation, even in CI."
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh-CN"]),
    help="The feedback's language for this run (default: course.yml's).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")
def grade_command(
    assignment,
    submission,
    every,
    json_path,
    gradescope,
    junit,
    html,
    fail_under,
    course_dir,
    official,
    advisory,
    lang,
    debug,
):
    """Grade ASSIGNMENT (default: the one whose folder you are in) and print a score table."""
    console = Console()
    try:
        root = find_course_root(course_dir)
        course = load_course(root / "course.yml")
        found = []
        recorded = is_official(official, advisory)
        for chosen in chosen_assignments(root, course, assignment, every):
            report = grade(
                root, chosen, submission_for(root, chosen, submission), official=recorded, language=lang
            )
            reports.print_report(report, console)
            found.append(report)
        options = {"json": json_path, "gradescope": gradescope, "junit": junit, "html": html}
        try:
            write_outputs(found, options, lang or course.course.language)
        except OSError as error:
            where = error.filename or "a report"
            message = f"{where}: cannot be written ({error.strerror}); check the report's path."
            raise GraderError(message) from None
    except GraderError as error:
        _fail(error, debug)
    total = sum(r.score for r in found)
    maximum = sum(r.max_score for r in found)
    percent = 100.0 * total / maximum if maximum else 0.0
    if len(found) > 1:
        line = i18n.text(
            found[0].language,
            "course_total",
            score=f"{total:.2f}",
            max_score=f"{maximum:.2f}",
            percent=f"{percent:.0f}",
        )
        console.print(f"[bold]{line}[/bold]")
    if fail_under is not None and percent < fail_under:
        console.print(f"score {percent:.1f} % is below --fail-under {fail_under:g} %", style="red")
        sys.exit(EXIT_BELOW_THRESHOLD)


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
        _fail(error, False)
    for item in course.assignments:
        due = item.due.astimezone(course.course.zone).strftime("%Y-%m-%d %H:%M %z")
        click.echo(f"{item.id:8} {item.points:6g} points  due {due}  {item.title}")


@course_command.command("release")
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
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
@click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")
def release_command(
    course_dir,
    student_repo,
    assignment_ids,
    gradescope_id,
    out,
    nbgrader_source,
    instructor_workflow,
    github_org,
    debug,
):
    """Turn solutions/ into assignments/: stubs, notebooks, public tests, manifests, handouts."""
    try:
        if instructor_workflow:  # before anything is written
            check_org(github_org)
        root = find_course_root(course_dir)
        course = load_course(root / "course.yml")
        for path in release(root, course):
            click.echo(f"wrote {path}")
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
        if instructor_workflow:
            path = write_instructor_workflow(root, github_org)
            click.echo(f"wrote the instructor's grading workflow {path}")
    except GraderError as error:
        _fail(error, debug)


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
        _fail(error, debug)
    if failed:
        sys.exit(EXIT_BELOW_THRESHOLD)


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
@click.option(
    "--similarity", "with_similarity", is_flag=True, help="Also write a similarity report per assignment."
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
    with_similarity,
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
        found = {}
        if with_similarity:
            ids = list(assignment_ids) or [a.id for a in course.assignments]
            found = {
                i: similarity_report(root, course, i, source, out / "similarity" / i, workers=workers)
                for i in ids
            }
    except GraderError as error:
        _fail(error, debug)
    print_class_summary(summary, out)
    for assignment_id, report in found.items():
        _echo_similarity(assignment_id, report, out / "similarity" / assignment_id)


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


def _echo_similarity(assignment_id: str, report: dict, out: Path) -> None:
    click.echo(
        f"{assignment_id}: {report['submissions']} submissions · {report['compared']} pairs compared · "
        f"{report['flagged']} flagged · {report['clusters']} clusters · {report['seconds']} s"
    )
    click.echo(f"wrote {out / 'index.html'}, {out / 'pairs.csv'} and {out / 'clusters.csv'}")
    for line in report["skipped"][:5]:
        click.echo(f"skipped {line}")


@course_command.command("similarity")
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@click.option("--assignment", "assignment_id", required=True, help="The assignment to compare.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the report goes (default: similarity-<assignment>).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=Settings().threshold,
    show_default=True,
    help="Flag a pair when this share of one file's own code is found in the other.",
)
@click.option(
    "--min-tokens",
    type=click.IntRange(1),
    default=Settings().min_tokens,
    show_default=True,
    help="Never flag a pair with fewer matched tokens (work too small to tell).",
)
@click.option(
    "--boilerplate",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    multiple=True,
    help="More given code to ignore, besides the released stub and notebook (repeatable).",
)
@click.option(
    "--workers", type=click.IntRange(1), help="Processes that fingerprint (default: the number of cores)."
)
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
@click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")
def similarity_command(
    source, assignment_id, out, threshold, min_tokens, boilerplate, workers, course_dir, debug
):
    """Rank pairs of SOURCE's submissions by shared code (starter code ignored): CSV, clusters, HTML."""
    target = out or Path(f"similarity-{assignment_id}")
    try:
        root = find_course_root(course_dir)
        course = load_course(root / "course.yml")
        settings = replace(Settings(), threshold=threshold, min_tokens=min_tokens)
        report = similarity_report(
            root, course, assignment_id, source, target, settings, tuple(boilerplate), workers
        )
    except GraderError as error:
        _fail(error, debug)
    _echo_similarity(assignment_id, report, target)


# `course export` and `course new` live in cli_tools.py (this module is long enough already)
from grader import cli_tools  # noqa: E402, F401


def _add_class_commands() -> None:
    from grader.cli_collect import collect_command, post_feedback_command

    course_command.add_command(collect_command)
    course_command.add_command(post_feedback_command)


_add_class_commands()


def grade_main() -> None:
    """Entry point of the `grade` console script."""
    grade_command()


def course_main() -> None:
    """Entry point of the `course` console script."""
    course_command()
