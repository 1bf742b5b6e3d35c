"""Write insight/index.html (pictures with tables beside them) and insight/insight.json."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from grader.insight import svg
from grader.insight.messages import words
from grader.layout import GradesLayout


def _pictures(assignment: dict[str, Any], say: dict[str, str]) -> dict[str, Markup]:
    """The SVG pictures of one assignment (markup made here, from numbers and escaped names)."""
    name = assignment["assignment"]
    view = assignment["overview"]
    raw, final = view["raw"]["histogram"], view["final"]["histogram"]
    functions = view["functions"]
    heat = assignment["signatures"]
    return {
        "raw": Markup(
            svg.histogram([b["count"] for b in raw], [f"{b['low']:g}" for b in raw], f"{name}: {say['raw']}")
        ),
        "final": Markup(
            svg.histogram(
                [b["count"] for b in final], [f"{b['low']:g}" for b in final], f"{name}: {say['final']}"
            )
        ),
        "functions": Markup(
            svg.bars(
                [f["function"] for f in functions],
                [round(100 * f["lost_share"], 1) for f in functions],
                f"{name}: {say['lost_share']}",
                " %",
            )
        ),
        "difficulty": Markup(
            svg.bars(
                [t["test"] for t in assignment["items"]["tests"]],
                [t["difficulty"] for t in assignment["items"]["tests"]],
                f"{name}: {say['difficulty']}",
            )
        ),
        "heatmap": Markup(
            svg.heatmap(
                heat["tests"],
                [(r["failed"], r["students"]) for r in heat["rows"]],
                f"{name}: {say['signatures']}",
            )
        ),
    }


def _feedback_link(out: Path, grades: Path, student: str, assignment: str) -> str:
    target = GradesLayout(grades.resolve()).feedback(student, assignment, ".html")
    return quote(os.path.relpath(target, out.resolve()).replace(os.sep, "/"))


def render_html(report: dict[str, Any], out: Path, grades: Path) -> str:
    """The page (links to feedback pages in the instructor's form only).

    Args:
        report: insight.json's content.
        out: the folder the page goes to (links are relative to it).
        grades: grade-all's output folder (feedback/ is in it).

    Returns:
        the HTML.
    """
    say = words(report["language"])
    anonymous = bool(report["anonymous"])

    def link(student: str, assignment: str) -> str | None:
        return None if anonymous else _feedback_link(out, grades, student, assignment)

    environment = Environment(loader=PackageLoader("grader"), autoescape=select_autoescape(["html", "j2"]))
    template = environment.get_template("insight.html.j2")
    pictures = {a["assignment"]: _pictures(a, say) for a in report["assignments"]}
    return template.render(report=report, say=say, pictures=pictures, link=link, anonymous=anonymous)


def write_insight(report: dict[str, Any], out: Path, grades: Path) -> list[Path]:
    """Write index.html and insight.json into `out` (made if needed, owner-only when it names students).

    Returns:
        the paths written.
    """
    out.mkdir(parents=True, exist_ok=True)
    if not report["anonymous"]:
        os.chmod(out, 0o700)
    page, data = out / "index.html", out / "insight.json"
    page.write_text(render_html(report, out, grades), encoding="utf-8")
    data.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return [page, data]
