"""`grade`: a student's (or CI's) run on one submission, with its score table and report files."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader import i18n
from grader.cli.common import (
    EXIT_BELOW_THRESHOLD,
    HELP_OPTIONS,
    course_option,
    debug_option,
    fail,
    lang_option,
)
from grader.errors import GraderError, IsolationRefused, SubmissionError
from grader.layout import CourseLayout

if TYPE_CHECKING:
    from rich.console import Console

    from grader.config import Assignment, Course
    from grader.scoring import Report

# Everything else is imported by the command itself: `grade --help` loads neither pytest, NumPy nor
# pydantic (issue 22), and `grade` runs dozens of times an evening.


def is_official(official: bool, advisory: bool) -> bool:
    """An official run: --official, or CI=true unless --advisory (the student repository's CI).

    Args:
        official: --official.
        advisory: --advisory.

    Returns:
        whether the score is recorded (and weak isolation refused).

    Raises:
        GraderError: both were given.
    """
    if official and advisory:
        raise GraderError("--official and --advisory contradict each other; give one of them.")
    return official or (os.environ.get("CI", "").lower() == "true" and not advisory)


def assignment_from_folder(root: Path, course: Course, here: Path) -> str | None:
    """The assignment whose folder (assignments/<id>/ or tests/<id>/) contains `here`.

    Args:
        root: the course folder.
        course: the course.
        here: a folder, usually the working one.

    Returns:
        the assignment's id, or None when `here` is in no assignment's folder.
    """
    try:
        parts = here.resolve().relative_to(root).parts
    except ValueError:
        return None
    if len(parts) >= 2 and parts[0] in ("assignments", "tests"):
        return parts[1]
    return None


def chosen_assignments(root: Path, course: Course, name: str | None, every: bool) -> list[Assignment]:
    """The assignments `grade` grades: every one, the one named, or the one whose folder this is.

    Args:
        root: the course folder.
        course: the course.
        name: the assignment named on the command line, if any.
        every: --all.

    Returns:
        the assignments, in course.yml's order.

    Raises:
        GraderError: the course has no assignment, none was named outside an assignment's folder,
            or the one named is not in the course.
    """
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
    """Write the report files asked for, and the GitHub job summary when there is one.

    Args:
        found: the reports, one per assignment graded.
        options: the path of each kind of report asked for (json, gradescope, junit, html), or None.
        language: the feedback's language.
        official: a recorded run: the job summary shows the student copy.

    Raises:
        OSError: a file cannot be written.
    """
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


@click.command(context_settings=HELP_OPTIONS)
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
@course_option
@click.option(
    "--official", is_flag=True, help="The score is recorded: refuse weak isolation (CI=true implies it)."
)
@click.option(
    "--advisory", is_flag=True, help="The score is not recorded: grade with any isolation, even in CI."
)
@lang_option("The feedback's language for this run (default: course.yml's).")
@debug_option
def grade_command(
    assignment: str | None,
    submission: Path | None,
    every: bool,
    json_path: Path | None,
    gradescope: Path | None,
    junit: Path | None,
    html: Path | None,
    fail_under: float | None,
    course_dir: Path | None,
    official: bool,
    advisory: bool,
    lang: str | None,
    debug: bool,
) -> None:
    """Grade ASSIGNMENT (default: the one whose folder you are in) and print a score table."""
    from rich.console import Console

    console = Console()
    outputs = {"json": json_path, "gradescope": gradescope, "junit": junit, "html": html}
    try:
        found = grade_chosen(
            course_dir, assignment, every, submission, (official, advisory), lang, console, outputs
        )
    except IsolationRefused as refused:  # only `grade` has --advisory: say so here, not in the sandbox
        hint = i18n.text(lang or "en", "advisory_hint")
        fail(IsolationRefused(f"{str(refused).rstrip('.')}; {hint}"), debug)
    except GraderError as error:
        fail(error, debug)
    percent = print_total(found, console)
    if fail_under is not None and percent < fail_under:
        console.print(f"score {percent:.1f} % is below --fail-under {fail_under:g} %", style="red")
        sys.exit(EXIT_BELOW_THRESHOLD)


def grade_chosen(
    course_dir: Path | None,
    assignment: str | None,
    every: bool,
    submission: Path | None,
    flags: tuple[bool, bool],
    lang: str | None,
    console: Console,
    outputs: dict[str, Path | None],
) -> list[Report]:
    """Grade the chosen assignments, print each one's table and write the report files asked for.

    Args:
        course_dir: --course, or None for the course this folder is in.
        assignment: the assignment named, or None for the one whose folder this is.
        every: --all.
        submission: --submission, or None for the default working folder.
        flags: (--official, --advisory).
        lang: --lang, or None for course.yml's language.
        console: where the tables go.
        outputs: the report files asked for, by kind (json, gradescope, junit, html).

    Returns:
        the reports, one per assignment graded.

    Raises:
        GraderError: a mistake in the command or the course, or a report that cannot be written.
    """
    import tempfile

    from grader import reports
    from grader.config import find_course_root, load_course
    from grader.disclosure import student_copy
    from grader.grading import grade
    from grader.schedule import calendar_problems

    root = find_course_root(course_dir)
    course = load_course(CourseLayout(root).course_file)
    for problem in calendar_problems(course):  # the dates do not change a home score: warn only
        click.echo(f"warning: {problem}", err=True)
    found = []
    recorded = is_official(*flags)
    language = lang or course.course.language
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        for chosen in chosen_assignments(root, course, assignment, every):
            path, notes = submission_for(root, chosen, submission, Path(scratch), language)
            report = grade(root, chosen, path, official=recorded, language=lang, notes=notes, course=course)
            # an official run's terminal may be shown to students (CI logs, the autograder)
            reports.print_report(student_copy(report) if recorded else report, console)
            found.append(report)
    try:
        write_outputs(found, outputs, language, official=recorded)
    except OSError as error:
        where = error.filename or "a report"
        message = f"{where}: cannot be written ({error.strerror}); check the report's path."
        raise GraderError(message) from None
    return found


def print_total(found: list[Report], console: Console) -> float:
    """Print the course total when several assignments were graded.

    Args:
        found: the reports graded.
        console: where the line goes.

    Returns:
        the percent of the maximum scored over all of them (0 when the maximum is 0).
    """
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
    return percent
