"""Render reports: terminal table, JSON, Gradescope results.json, JUnit XML, HTML, markdown.

This is the only module that turns result records into text.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader import i18n
from grader.disclosure import student_copy
from grader.pictures import array_picture, curve_picture
from grader.report_groups import TestGroup, function_summaries, grouped_tests, reason_line
from grader.scoring import Report, TestResult

if TYPE_CHECKING:
    from grader.batch.scores import FinalScore

STATUS_STYLE = {"passed": "green", "failed": "red", "error": "red", "timeout": "red", "pending": "dim"}
STATUS_MARK = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⌛", "pending": "·"}


def _first_line(text: str, width: int = 110) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def _without_seed(test: TestResult) -> str:
    return reason_line(test).replace(f" (seed {test.seed})", "")


def common_failure(report: Report) -> str | None:
    """The one reason every test that ran failed for (the code could not be imported, the
    process ended at start), or None when the tests failed or passed on their own."""
    ran = [t for t in report.tests if t.status != "pending"]
    if len(ran) < 2 or any(t.status == "passed" for t in ran):
        return None
    public = {_without_seed(t) for t in ran if not t.hidden}
    hidden = {_without_seed(t) for t in ran if t.hidden}
    if len(public) > 1 or len(hidden) > 1:
        return None
    # a student copy says of hidden tests only that the code was not imported: the public say why
    not_imported = all([n.key for n in t.notices] == ["hidden_not_imported"] for t in ran if t.hidden)
    if public and hidden and public != hidden and not not_imported:
        return None
    return (public or hidden).pop()


@dataclass
class FunctionRow:
    """The tests of one graded function, added up (a submission that failed for one reason)."""

    function: str
    score: float = 0.0
    max_score: float = 0.0
    tests: int = 0
    pending: float = 0.0


def function_rows(report: Report) -> list[FunctionRow]:
    """One row per graded function, in the order of the report's tests."""
    rows: dict[str, FunctionRow] = {}
    for test in report.tests:
        row = rows.setdefault(test.function or test.name, FunctionRow(test.function or test.name))
        row.score += test.score
        row.max_score += test.max_score
        row.tests += 1
        row.pending += test.max_score if test.status == "pending" else 0.0
    return list(rows.values())


def _total(report: Report) -> str:
    return i18n.text(
        report.language,
        "total",
        score=f"{report.score:.2f}",
        max_score=f"{report.max_score:.2f}",
        percent=f"{report.percent:.0f}",
    )


def _table(report: Report, first_column: str) -> Table:
    language = report.language
    # every text that may come from a submission is a Text, never rich markup
    table = Table(title=Text(f"{report.assignment}: {report.submission}"), title_justify="left", expand=False)
    table.add_column("", width=1)
    table.add_column(i18n.text(language, first_column))
    table.add_column(i18n.text(language, "points"), justify="right", no_wrap=True)
    table.add_column(i18n.text(language, "reason"), overflow="fold", ratio=1)
    return table


def score_table(report: Report) -> Table:
    """A rich table of tests, points and reasons (wrapped, never cut), with the total as its caption.

    When every test failed for one reason (code that cannot be imported), that reason is the
    table's first line and the rows are the graded functions, one each.
    """
    language = report.language
    common = common_failure(report)
    if common is not None:
        table = _table(report, "function")
        every = i18n.text(language, "every_test_failed", reason=common)
        table.title = Text(f"{report.assignment}: {report.submission}\n{every}")
        for row in function_rows(report):
            status = "pending" if row.pending == row.max_score else "failed"
            name = f"{row.function} ({i18n.text(language, 'tests_count', count=row.tests)})"
            points = f"{row.score:.2f}/{row.max_score:.2f}"
            reason = i18n.text(language, "pending_reason" if status == "pending" else "not_graded")
            table.add_row(Text(STATUS_MARK[status], style=STATUS_STYLE[status]), name, points, reason)
    else:
        table = _table(report, "test")
        for group in grouped_tests(report):
            if group.status == "pending":
                continue  # one row per function below: 44 rows of "pending" read the same
            style = STATUS_STYLE[group.status]
            label = Text(group_label(group, language))
            points = f"{group.score:.2f}/{group.max_score:.2f}"
            # a passed test may carry a note (the callee to fix); submission text is never markup
            shown = group.shown
            reason = reason_line(shown) if shown.status != "passed" or shown.output else ""
            table.add_row(Text(STATUS_MARK[group.status], style=style), label, points, Text(reason))
        _add_pending_rows(table, report)
    pending = sum(t.max_score for t in report.tests if t.status == "pending")
    caption = _total(report)
    if pending:
        caption += "; " + i18n.text(language, "pending_points", points=f"{pending:.2f}")
    table.caption = Text(
        f"{caption} · {i18n.text(language, 'isolation')}: {report.isolation} · {report.duration_s:.1f} s"
    )
    table.caption_justify = "left"
    return table


def group_label(group: TestGroup, language: str) -> str:
    """A test's row label: its name, how many of its cases passed (a parametrised test), hidden."""
    label = group.name
    if len(group.tests) > 1:
        label += " (" + i18n.text(language, "cases_passed", passed=group.passed, count=len(group.tests)) + ")"
    return label + (f" ({i18n.text(language, 'hidden')})" if group.hidden else "")


def function_table(report: Report) -> Table:
    """A rich table with one row per graded function: its points and the one sentence that matters
    most for it (`grader.report_groups.function_summaries`)."""
    language = report.language
    table = _table(report, "function")
    table.title = Text(f"{report.assignment}: {report.submission}\n{i18n.text(language, 'by_function')}")
    for summary in function_summaries(report):
        style = STATUS_STYLE[summary.status]
        points = f"{summary.score:.2f}/{summary.max_score:.2f}"
        sentence = i18n.text(language, "pending_reason") if summary.status == "pending" else summary.sentence
        table.add_row(
            Text(STATUS_MARK[summary.status], style=style), summary.function, points, Text(sentence)
        )
    return table


def _add_pending_rows(table: Table, report: Report) -> None:
    """One row per graded function for the hidden tests not run here: how many, and their points."""
    language = report.language
    by_function: dict[str, list[TestResult]] = {}
    for test in report.tests:
        if test.status == "pending":
            by_function.setdefault(test.function or "", []).append(test)
    for function, tests in by_function.items():
        count = i18n.text(language, "tests_count", count=len(tests))
        label = f"{function or report.assignment}: {count} ({i18n.text(language, 'hidden')})"
        points = f"0.00/{sum(t.max_score for t in tests):.2f}"
        mark = Text(STATUS_MARK["pending"], style=STATUS_STYLE["pending"])
        table.add_row(mark, Text(label), points, Text(i18n.text(language, "pending_reason")))


def _own_notes(report: Report) -> list[str]:
    """The report's notes (the file graded, loading), less one that repeats the common failure."""
    common = common_failure(report)
    return [note for note in report.notes if common is None or not note.endswith(common)]


def print_report(report: Report, console: Console) -> None:
    """Print each function's points and its main reason, the tests, and any loading notes."""
    if common_failure(report) is None:
        console.print(function_table(report))
    console.print(score_table(report))
    for note in _own_notes(report):  # a note the table's title says already is left out
        console.print(Text(f"note: {note}", style="yellow"))


def to_json(report: Report) -> str:
    """The JSON report (schema_version 1)."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def _gradescope_tests(report: Report) -> list[dict[str, Any]]:
    common = common_failure(report)
    if common is not None:  # one reason, given once per graded function
        return [
            {
                "name": f"{report.assignment}: {row.function}",
                "score": round(row.score, 6),
                "max_score": round(row.max_score, 6),
                "status": "failed",
                "output": common,
                "visibility": "visible",
            }
            for row in function_rows(report)
        ]
    return [
        {
            "name": f"{report.assignment}: {test.name}",
            "score": round(test.score, 6),
            "max_score": round(test.max_score, 6),
            "status": "passed" if test.status == "passed" else "failed",
            "output": test.output if not test.mistake else f"{test.output}\nmistake: {test.mistake}",
            "visibility": "after_published" if test.hidden else "visible",
        }
        for test in report.tests
        if test.status != "pending"
    ]


def to_gradescope(reports: list[Report]) -> dict[str, Any]:
    """Gradescope's results.json: hidden tests are visible after grades are published.

    A submission whose every test failed for one reason (it cannot be imported) gets that reason
    once in `output` and one entry per graded function.
    """
    reports = [student_copy(report) for report in reports]  # what students see on Gradescope
    tests = [entry for report in reports for entry in _gradescope_tests(report)]
    total = sum(t.score for report in reports for t in report.tests)
    lines = [f"{r.assignment}: isolation {r.isolation}" for r in reports]
    lines += [f"{r.assignment}: {reason}" for r in reports if (reason := common_failure(r))]
    lines += [f"{r.assignment}: {note}" for r in reports for note in _own_notes(r)]
    return {
        "score": round(total, 4),
        "execution_time": round(sum(r.duration_s for r in reports), 2),
        "output": "\n".join(lines),
        "visibility": "visible",
        # what the autograder printed: the student copy, still hidden from students on Gradescope
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def to_junit(reports: list[Report]) -> str:
    """JUnit XML: one testsuite per assignment; failures carry the reason, pending tests are skipped."""
    root = ET.Element("testsuites", name="grade")
    for report in reports:
        counts = {status: sum(1 for t in report.tests if t.status == status) for status in STATUS_MARK}
        suite = ET.SubElement(
            root,
            "testsuite",
            name=report.assignment,
            tests=str(len(report.tests)),
            failures=str(counts["failed"] + counts["timeout"]),
            errors=str(counts["error"]),
            skipped=str(counts["pending"]),
            time=f"{report.duration_s:.3f}",
        )
        properties = ET.SubElement(suite, "properties")
        for key, value in (
            ("score", report.score),
            ("max_score", report.max_score),
            ("isolation", report.isolation),
        ):
            ET.SubElement(properties, "property", name=key, value=str(value))
        for test in report.tests:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"grade.{report.assignment}",
                name=test.name,
                time=f"{test.duration_s:.3f}",
            )
            if test.status in ("failed", "timeout"):
                ET.SubElement(
                    case, "failure", message=_first_line(test.output, 200), type=test.status
                ).text = test.output
            elif test.status == "error":
                ET.SubElement(case, "error", message=_first_line(test.output, 200)).text = test.output
            elif test.status == "pending":
                ET.SubElement(case, "skipped", message="hidden test: pending")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def to_html(report: Report, final: FinalScore | None = None) -> str:
    """A self-contained HTML page: total, a row per function with its points and main reason, then
    a row per test (a parametrised test's cases in one), its reason and pictures for arrays.

    Args:
        report: the graded submission.
        final: the raw score, late penalty and final score of an official run (grade-all),
            shown under the total exactly as the gradebook has them.
    """
    language = report.language
    pictures: dict[int, list[str]] = {}
    groups = grouped_tests(report)
    for index, test in enumerate(group.shown for group in groups):
        drawn = []
        if test.arrays and test.status != "passed":
            drawn.append(array_picture(test.arrays))
        if test.curve:
            drawn.append(curve_picture(test.curve))
        pictures[index] = [uri for uri in drawn if uri]
    from jinja2 import Environment, PackageLoader, select_autoescape  # only the HTML report needs it

    environment = Environment(loader=PackageLoader("grader"), autoescape=select_autoescape(["html", "j2"]))
    return environment.get_template("report.html.j2").render(
        report=report,
        language=language,
        pictures=pictures,
        groups=groups,
        summaries=function_summaries(report),
        label=lambda group: group_label(group, language),
        total=_total(report),
        final=final,
        t=lambda key, **values: i18n.text(language, key, **values),
    )


def _markdown_text(text: str) -> str:
    """Text from a submission inside GitHub's markdown: no HTML, no table break, no markup."""
    escaped = "".join("\\" + c if c in "\\`*_[]#!~" else c for c in html.escape(text, quote=False))
    return escaped.replace("|", "\\|")


def to_markdown(reports: list[Report]) -> str:
    """A markdown summary for GitHub Actions' job summary (one row per function when every test
    failed for one reason)."""
    lines = []
    for report in reports:
        lines += [
            f"### {report.assignment}: {report.score:.2f} / {report.max_score:.2f} ({report.percent:.0f} %)",
            "",
        ]
        common = common_failure(report)
        first = "function" if common is not None else "test"
        if common is not None:
            lines += [_markdown_text(i18n.text(report.language, "every_test_failed", reason=common)), ""]
        header = [i18n.text(report.language, key) for key in (first, "points", "reason")]
        lines += [f"| | {' | '.join(header)} |", "|---|---|---|---|"]
        if common is not None:
            for row in function_rows(report):
                points = f"{row.score:.2f}/{row.max_score:.2f}"
                reason = i18n.text(report.language, "not_graded")
                lines.append(f"| {STATUS_MARK['failed']} | {row.function} | {points} | {reason} |")
        else:
            for test in report.tests:
                reason = _markdown_text(reason_line(test)) if test.status != "passed" else ""
                points = f"{test.score:.2f}/{test.max_score:.2f}"
                lines.append(f"| {STATUS_MARK[test.status]} | {test.name} | {points} | {reason} |")
        lines.append("")
    return "\n".join(lines)


def report_from_record(record: dict[str, Any]) -> Report:
    """A Report rebuilt from its JSON record (a grade-all feedback file), for rendering again."""
    return Report(
        assignment=str(record.get("assignment", "")),
        submission=str(record.get("submission", "")),
        isolation=str(record.get("isolation", "")),
        tests=[TestResult.from_dict(test) for test in record.get("tests", [])],
        duration_s=float(record.get("duration_s", 0.0)),
        language=str(record.get("language", "en")),
    )


def to_comment(record: dict[str, Any], commit: str) -> str:
    """A student's feedback as a markdown comment on their graded commit: the score table, then
    the raw score, the late penalty and the final score exactly as the gradebook has them.

    Args:
        record: feedback/<student>/<id>.json as grade-all wrote it (the student's copy).
        commit: the graded commit's sha.
    """
    report = student_copy(report_from_record(record))  # a hidden test's reason rendered again, here
    language = report.language
    lines = [to_markdown([report]).rstrip(), "", f"graded commit `{commit[:12]}`"]
    final = record.get("final")
    if isinstance(final, dict):
        decided = final.get("final_score")
        penalty = final.get("penalty_points")
        lines += [
            "",
            f"- {i18n.text(language, 'raw_score')}: {final.get('raw_score')} / {final.get('max_score')}",
            f"- {i18n.text(language, 'late_penalty')}: "
            f"{'-' if penalty is None else f'-{penalty}' if penalty else i18n.text(language, 'no_penalty')}"
            f" ({final.get('detail', '')})",
            f"- **{i18n.text(language, 'final_score')}: "
            f"{i18n.text(language, 'not_decided') if decided is None else decided}**",
        ]
    return "\n".join(lines) + "\n"
