"""How the class did, per assignment: score distributions, functions, late work and sections."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from grader.insight.load import Submission

BINS = 10


def histogram(values: list[float], maximum: float, bins: int = BINS) -> list[dict[str, Any]]:
    """Counts of `values` in `bins` equal bins from 0 to `maximum` (the last bin includes it).

    Args:
        values: scores.
        maximum: the largest possible score (> 0).
        bins: the number of bins.

    Returns:
        one {"low", "high", "count"} per bin.
    """
    width = maximum / bins if maximum > 0 else 1.0
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, max(0, int(value / width)))] += 1
    return [
        {"low": round(i * width, 2), "high": round((i + 1) * width, 2), "count": counts[i]}
        for i in range(bins)
    ]


def _summary(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"mean": None, "median": None, "stdev": None}
    spread = statistics.pstdev(values) if len(values) > 1 else 0.0
    return {
        "mean": round(statistics.fmean(values), 2),
        "median": round(statistics.median(values), 2),
        "stdev": round(spread, 2),
    }


def functions(submissions: list[Submission]) -> list[dict[str, Any]]:
    """Per graded function: its points, the class's mean and its share of all points lost.

    Returns:
        one {"function", "max_score", "mean", "lost", "lost_share"} per function, in suite order.
    """
    earned: dict[str, float] = defaultdict(float)
    maximum: dict[str, float] = {}
    for submission in submissions:
        per: dict[str, float] = defaultdict(float)
        for test in submission.tests:
            earned[test.function] += test.score
            per[test.function] += test.max_score
        for function, points in per.items():
            maximum[function] = max(maximum.get(function, 0.0), points)
    count = len(submissions) or 1
    lost = {f: maximum[f] * count - earned[f] for f in maximum}
    total_lost = sum(lost.values())
    return [
        {
            "function": function,
            "max_score": round(maximum[function], 2),
            "mean": round(earned[function] / count, 2),
            "lost": round(lost[function], 2),
            "lost_share": round(lost[function] / total_lost, 4) if total_lost > 0 else 0.0,
        }
        for function in maximum
    ]


def late_work(submissions: list[Submission]) -> dict[str, Any]:
    """Late submissions and their penalties.

    Returns:
        {"late", "penalty_points" (total), "mean_penalty", "by_status" {status: count},
        "by_days" {days: count}}.
    """
    by_status: dict[str, int] = defaultdict(int)
    by_days: dict[int, int] = defaultdict(int)
    penalties = []
    for submission in submissions:
        final = submission.final or {}
        by_status[str(final.get("time", "unknown"))] += 1
        days = int(final.get("days_late") or 0)
        if days:
            by_days[days] += 1
            penalties.append(float(final.get("penalty_points") or 0.0))
    return {
        "late": len(penalties),
        "penalty_points": round(sum(penalties), 2),
        "mean_penalty": round(statistics.fmean(penalties), 2) if penalties else None,
        "by_status": dict(sorted(by_status.items())),
        "by_days": {str(days): by_days[days] for days in sorted(by_days)},
    }


def _final(submission: Submission) -> float | None:
    value = (submission.final or {}).get("final_score")
    return None if value is None else float(value)


def sections(submissions: list[Submission]) -> list[dict[str, Any]]:
    """Per section of the roster (none when the roster has no section column).

    Returns:
        one {"section", "students", "raw", "final"} per section, raw and final their means.
    """
    grouped: dict[str, list[Submission]] = defaultdict(list)
    for submission in submissions:
        if submission.section:
            grouped[submission.section].append(submission)
    rows = []
    for section in sorted(grouped):
        members = grouped[section]
        finals = [f for f in map(_final, members) if f is not None]
        rows.append(
            {
                "section": section,
                "students": len(members),
                "raw": _summary([m.raw for m in members])["mean"],
                "final": _summary(finals)["mean"],
            }
        )
    return rows


def overview(submissions: list[Submission]) -> dict[str, Any]:
    """How the class did on one assignment (all `submissions` are of it).

    Returns:
        {"students", "max_score", "raw", "final" (each a summary and a "histogram"),
        "functions", "late", "sections"}.
    """
    maximum = max((s.max_score for s in submissions), default=0.0)
    raw = [s.raw for s in submissions]
    finals = [f for f in map(_final, submissions) if f is not None]
    return {
        "students": len(submissions),
        "max_score": maximum,
        "raw": {**_summary(raw), "histogram": histogram(raw, maximum)},
        "final": {**_summary(finals), "histogram": histogram(finals, maximum)},
        "functions": functions(submissions),
        "late": late_work(submissions),
        "sections": sections(submissions),
    }
