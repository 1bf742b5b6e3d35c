"""Render reports: terminal table, JSON, Gradescope results.json, JUnit XML, HTML, markdown.

This is the only module that turns result records into text.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.scoring import Report

STATUS_STYLE = {"passed": "green", "failed": "red", "error": "red", "timeout": "red", "pending": "dim"}
STATUS_MARK = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⌛", "pending": "·"}


def _first_line(text: str, width: int = 110) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def score_table(report: Report) -> Table:
    """A rich table of tests, points and one-line reasons, with the total as its caption."""
    table = Table(title=f"{report.assignment}: {report.submission}", title_justify="left", expand=False)
    table.add_column("", width=1)
    table.add_column("test")
    table.add_column("points", justify="right")
    table.add_column("reason", overflow="fold")
    for test in report.tests:
        style = STATUS_STYLE[test.status]
        name = Text(test.name + (" (hidden)" if test.hidden else ""))
        points = f"{test.score:.2f}/{test.max_score:.2f}"
        reason = _first_line(test.output) if test.status != "passed" else ""
        if test.mistake:
            reason = f"[{test.mistake}] {reason}"
        table.add_row(Text(STATUS_MARK[test.status], style=style), name, points, reason)
    pending = sum(t.max_score for t in report.tests if t.status == "pending")
    caption = f"total {report.score:.2f} / {report.max_score:.2f} ({report.percent:.0f} %)"
    if pending:
        caption += f"; {pending:.2f} points pending (hidden tests)"
    table.caption = f"{caption} · isolation: {report.isolation} · {report.duration_s:.1f} s"
    table.caption_justify = "left"
    return table


def print_report(report: Report, console: Console) -> None:
    """Print the table and any loading notes."""
    console.print(score_table(report))
    for note in report.notes:
        console.print(f"note: {note}", style="yellow")


def to_json(report: Report) -> str:
    """The JSON report (schema_version 1)."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def to_gradescope(reports: list[Report]) -> dict[str, Any]:
    """Gradescope's results.json: hidden tests are visible after grades are published."""
    tests: list[dict[str, Any]] = []
    total = sum(t.score for report in reports for t in report.tests)
    for report in reports:
        for test in report.tests:
            if test.status == "pending":
                continue
            tests.append(
                {
                    "name": f"{report.assignment}: {test.name}",
                    "score": round(test.score, 6),
                    "max_score": round(test.max_score, 6),
                    "status": "passed" if test.status == "passed" else "failed",
                    "output": test.output if not test.mistake else f"{test.output}\nmistake: {test.mistake}",
                    "visibility": "after_published" if test.hidden else "visible",
                }
            )
    return {
        "score": round(total, 4),
        "execution_time": round(sum(r.duration_s for r in reports), 2),
        "output": "; ".join(f"{r.assignment}: isolation {r.isolation}" for r in reports),
        "visibility": "visible",
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


def to_html(report: Report, language: str = "en") -> str:
    """A self-contained HTML page: total, then one row per test with its reason."""
    environment = Environment(loader=PackageLoader("grader"), autoescape=select_autoescape(["html", "j2"]))
    return environment.get_template("report.html.j2").render(report=report, language=language)


def to_markdown(reports: list[Report]) -> str:
    """A markdown summary for GitHub Actions' job summary."""
    lines = []
    for report in reports:
        lines += [
            f"### {report.assignment}: {report.score:.2f} / {report.max_score:.2f} ({report.percent:.0f} %)",
            "",
        ]
        lines += ["| | test | points | reason |", "|---|---|---|---|"]
        for test in report.tests:
            reason = _first_line(test.output).replace("|", "\\|") if test.status != "passed" else ""
            points = f"{test.score:.2f}/{test.max_score:.2f}"
            lines.append(f"| {STATUS_MARK[test.status]} | {test.name} | {points} | {reason} |")
        lines.append("")
    return "\n".join(lines)
