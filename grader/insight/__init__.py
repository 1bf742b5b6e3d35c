"""`course insight`: what the class got wrong, and item analysis of the suite, from grade-all's
staff records (never grading again).

Modules, in pipeline order: load (staff records, docstrings, catalogue names), overview (scores,
functions, late work, sections), misconceptions (ranked groups, candidate entries), items (item
analysis), signatures (the heat map's data), report (insight.json), privacy (the anonymous form),
svg and render (index.html), messages (the page's words in both languages).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.insight.load import load_course_facts, load_submissions
from grader.insight.privacy import anonymise, read_secret
from grader.insight.render import write_insight
from grader.insight.report import build

__all__ = ["run_insight"]


def run_insight(
    grades: Path,
    out: Path | None = None,
    *,
    root: Path | None = None,
    language: str = "en",
    order: list[str] | None = None,
    modules: dict[str, str] | None = None,
    secret_file: Path | None = None,
) -> dict[str, Any]:
    """Write GRADES/insight/index.html and insight.json (or into `out`).

    Args:
        grades: grade-all's output folder (with staff/).
        out: the output folder (default: GRADES/insight).
        root: the course folder, for test docstrings and catalogue names (None: without them).
        language: the page's language.
        order: assignment ids in the course's order.
        modules: assignment id -> module file name (to find students' functions in folders).
        secret_file: write the anonymous form, pseudonyms keyed by this file's secret (made when
            missing).

    Returns:
        {"files": paths written, "students", "assignments", "candidates", "secret_made"}.

    Raises:
        GraderError: no staff records, an unreadable record, or an unusable secret file.
    """
    submissions = load_submissions(grades)
    ids = sorted({s.assignment for s in submissions})
    facts = load_course_facts(root, ids, modules or {})
    report = build(submissions, facts, language, order or [])
    made = False
    if secret_file is not None:
        secret, made = read_secret(secret_file)
        report = anonymise(report, secret)
    target = out or grades / "insight"
    files = write_insight(report, target, grades)
    candidates = sum(g["candidate"] for a in report["assignments"] for g in a["misconceptions"])
    return {
        "files": files,
        "students": report["students"],
        "assignments": len(report["assignments"]),
        "candidates": candidates,
        "secret_made": made,
    }
