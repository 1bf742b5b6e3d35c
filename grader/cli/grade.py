"""`grade`: grade one assignment (or all) and print a table; write reports on request."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console

from grader import i18n, reports
from grader.cli.common import EXIT_BELOW_THRESHOLD, fail, is_official
from grader.config import Assignment, Course, find_course_root, load_course
from grader.errors import GraderError, SubmissionError
from grader.grading import default_submission, grade
from grader.scoring import SCHEMA_VERSION, Report
from grader.submission import resolve_source


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
            report = grade(root, chosen, submission_for(root, chosen, submission), official=recorded)
            reports.print_report(report, console)
            found.append(report)
        options = {"json": json_path, "gradescope": gradescope, "junit": junit, "html": html}
        try:
            write_outputs(found, options, course.course.language)
        except OSError as error:
            where = error.filename or "a report"
            message = f"{where}: cannot be written ({error.strerror}); check the report's path."
            raise GraderError(message) from None
    except GraderError as error:
        fail(error, debug)
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
