"""The `grade` and `course` commands: the only module that prints or exits.

Exit codes:
    0  graded (or checked) successfully
    1  the score is below --fail-under, or `course check` found a problem
    2  a mistake in the command or the course (GraderError): one line on stderr
    3  an official run refused: the isolation it needs is not available here (IsolationRefused), or
       the hidden suite is missing (HiddenSuiteMissing)
    4  the course itself is broken: a suite cannot be collected (CourseBroken), or the sandbox
       does not start a child or give the reference full marks here (SandboxBroken)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader import i18n
from grader.errors import GraderError, IsolationRefused, SubmissionError

if TYPE_CHECKING:
    from grader.config import Assignment, Course
    from grader.scoring import Report

# Everything else is imported by the command that uses it: `grade --help` and `course --help` load
# neither pytest, NumPy nor pydantic (issue 22), and `grade` runs dozens of times an evening.

EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_USAGE = 0, 1, 2


def _fail(error: GraderError, debug: bool) -> None:
    if debug:
        import traceback

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
    if not course.assignments:
        raise GraderError(
            "course.yml lists no assignments yet; add one with `course new ID --module NAME.py`."
        )
    if every:
        return list(course.assignments)
    name = name or assignment_from_folder(root, course, Path.cwd())
    if name is None:
        ids = ", ".join(a.id for a in course.assignments)
        raise GraderError(
            f"which assignment? name one ({ids}), use --all, or run grade inside assignments/<id>/."
        )
    return [course.assignment(name)]


def submission_for(
    root: Path, assignment: Assignment, given: Path | None, scratch: Path, language: str
) -> tuple[Path, tuple[str, ...]]:
    """What to grade, by the rule of `grader.locate`, and the notes that say which file and why.

    A folder given whose own `<module>` is chosen is graded as a folder (files beside it come
    along); the default working folder, assignments/<id>/, gives only the file found.

    Raises:
        SubmissionError: nothing to grade there, or a symbolic link where the work would be.
    """
    from grader.grading import default_submission, find_work
    from grader.submission import refuse_links, resolve_source

    if given is not None and not given.exists() and not given.is_symlink():
        raise SubmissionError(f"{given}: no such file or folder; check the path given to --submission.")
    place = given.absolute() if given is not None else default_submission(root, assignment)
    if given is None and not place.is_dir():
        raise SubmissionError(
            f"no {place.relative_to(root)} to grade; run `course release` first or pass --submission PATH."
        )
    if place.is_file() and place.suffix.casefold() != ".zip":
        resolve_source(place, assignment.module)  # a wrong file is one sentence, exit 2
    located = find_work(root, assignment, place, scratch)
    if located.link is not None:
        refuse_links(located.link)  # raises, naming the link
    if located.path is None:
        raise SubmissionError(f"{place}: {located.text(language)}.")
    notes = tuple(n.text(language) for n in located.notes)
    if given is not None and place.is_dir() and located.path == place / assignment.module:
        return place, notes  # as before: a folder given is graded as a folder, helpers included
    return located.path, notes


def write_outputs(
    found: list[Report], options: dict[str, Path | None], language: str, official: bool = False
) -> None:
    import json

    from grader import reports
    from grader.disclosure import student_copy
    from grader.scoring import SCHEMA_VERSION

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
            # a job summary is read by whoever sees the job: in an official run, the student copy
            shown = [student_copy(report) for report in found] if official else found
            handle.write(reports.to_markdown(shown) + "\n")


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
    import tempfile

    from rich.console import Console

    from grader import reports
    from grader.config import find_course_root, load_course
    from grader.disclosure import student_copy
    from grader.grading import grade
    from grader.schedule import calendar_problems

    console = Console()
    try:
        root = find_course_root(course_dir)
        course = load_course(root / "course.yml")
        for problem in calendar_problems(course):  # the dates do not change a home score: warn only
            click.echo(f"warning: {problem}", err=True)
        found = []
        recorded = is_official(official, advisory)
        language = lang or course.course.language
        with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
            for chosen in chosen_assignments(root, course, assignment, every):
                path, notes = submission_for(root, chosen, submission, Path(scratch), language)
                report = grade(
                    root, chosen, path, official=recorded, language=lang, notes=notes, course=course
                )
                # an official run's terminal may be shown to students (CI logs, the autograder)
                reports.print_report(student_copy(report) if recorded else report, console)
                found.append(report)
        options = {"json": json_path, "gradescope": gradescope, "junit": junit, "html": html}
        try:
            write_outputs(found, options, lang or course.course.language, official=recorded)
        except OSError as error:
            where = error.filename or "a report"
            message = f"{where}: cannot be written ({error.strerror}); check the report's path."
            raise GraderError(message) from None
    except IsolationRefused as refused:  # only `grade` has --advisory: say so here, not in the sandbox
        hint = i18n.text(lang or "en", "advisory_hint")
        _fail(IsolationRefused(f"{str(refused).rstrip('.')}; {hint}"), debug)
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


class CourseGroup(click.Group):
    """The `course` group. Its commands defined in cli_tools, cli_collect and cli_insight (this module
    is long enough already) are added when a command is looked up or listed, so that importing this
    module for `grade` never imports them."""

    def _add_other_commands(self) -> None:
        if "insight" in self.commands:
            return
        from grader import cli_tools  # noqa: F401  (its commands register themselves on `course`)
        from grader.cli_collect import collect_command, post_feedback_command
        from grader.cli_insight import insight_command

        for command in (collect_command, insight_command, post_feedback_command):
            self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_other_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            self._add_other_commands()
        return super().get_command(ctx, cmd_name)


@click.group(cls=CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
def course_command():
    """Instructor commands for the course in this folder."""


@course_command.command("validate")
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
)
def validate_command(course_dir):
    """Check course.yml and list its assignments."""
    from grader.config import find_course_root, load_course
    from grader.schedule import calendar_problems

    try:
        root = find_course_root(course_dir)
        course = load_course(root / "course.yml")
    except GraderError as error:
        _fail(error, False)
    problems = calendar_problems(course)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(EXIT_USAGE)
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
@click.option(
    "--retime",
    is_flag=True,
    help="Measure the reference's times again (tests/<id>/timings.json) even where they are up to date.",
)
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
    retime,
    debug,
):
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
    from grader.timings import record as record_timings

    try:
        if instructor_workflow:  # before anything is written
            check_org(github_org)
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
@click.option(
    "--insight", "with_insight", is_flag=True, help="Also write OUT/insight (see `course insight`)."
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
    with_insight,
    debug,
):
    """Grade a class: SOURCE holds one folder per student (or is a zip of them), or is an LMS's
    download (Canvas, Moodle, Gradescope, Blackboard), matched to the roster by LMS id, SIS id,
    email or name.

    Late penalties come only from trusted times (--times); without one a submission is
    "time unknown" and gets no penalty, unless --penalise-file-times is given.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from grader.batch import grade_class
    from grader.cli_insight import echo_insight, insight_for
    from grader.config import find_course_root
    from grader.schedule import load_instructor_course

    try:
        root = find_course_root(course_dir)
        course = load_instructor_course(root)
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
            from grader.similarity import similarity_report

            found = {
                i: similarity_report(root, course, i, source, out / "similarity" / i, workers=workers)
                for i in ids
            }
        insight = insight_for(out, None, course_dir, None, None) if with_insight else None
    except GraderError as error:
        _fail(error, debug)
    print_class_summary(summary, out)
    if insight is not None:
        echo_insight(insight, None)
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


def _echo_similarity(assignment_id: str, report: dict, out: Path) -> None:
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
        _fail(error, debug)
    _echo_similarity(assignment_id, report, target)


def grade_main() -> None:
    """Entry point of the `grade` console script."""
    grade_command()


def course_main() -> None:
    """Entry point of the `course` console script."""
    course_command()
