"""The similarity report: ranked pairs (CSV), clusters (CSV) and HTML pages, side by side.

Only this module renders an `Analysis`. The HTML comes from jinja2 templates with autoescaping
on, so student code (which may hold anything, `</pre><script>` included) is shown, never run.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

from grader.similarity.analysis import Analysis
from grader.similarity.compare import Pair, matched_regions
from grader.similarity.fingerprint import Fingerprint

MAX_PAGES = 200  # side-by-side pages written, most similar first; the CSV lists every pair
INDEX_ROWS = 1000  # rows of the HTML table; the CSV has them all
COLUMNS = [
    "rank",
    "student_a",
    "student_b",
    "similarity_a",
    "similarity_b",
    "matched_tokens",
    "matched_a",
    "matched_b",
    "longest_region",
    "own_tokens_a",
    "own_tokens_b",
    "flagged",
    "page",
]


@dataclass(frozen=True)
class Segment:
    """A run of source text; `region` numbers a matched region (the same number on both sides)."""

    text: str
    region: int | None


def write_report(analysis: Analysis, out: Path, title: str) -> list[Path]:
    """Write pairs.csv, clusters.csv, problems.csv, index.html and pairs/NNNN.html into `out`.

    Returns:
        the files written, index first.
    """
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(out, 0o700)  # everyone's code: never readable by a student's child (another user)
    (out / "pairs").mkdir(exist_ok=True)
    environment = Environment(loader=PackageLoader("grader"), autoescape=select_autoescape(["html", "j2"]))
    pages = {}
    for number, pair in enumerate(analysis.flagged[:MAX_PAGES], start=1):
        page = Path("pairs") / f"{number:04d}.html"
        (out / page).write_text(pair_page(analysis, pair, environment, title), encoding="utf-8")
        pages[(pair.a, pair.b)] = page.as_posix()
    rows = _rows(analysis, pages)
    write_pairs_csv(rows, out / "pairs.csv")
    write_clusters_csv(analysis, out / "clusters.csv")
    write_problems_csv(analysis, out / "problems.csv")
    index = environment.get_template("similarity_index.html.j2").render(
        title=title,
        analysis=analysis,
        rows=rows[:INDEX_ROWS],
        total=len(rows),
        clusters=_cluster_rows(analysis),
    )
    (out / "index.html").write_text(index, encoding="utf-8")
    written = [out / "index.html", out / "pairs.csv", out / "clusters.csv", out / "problems.csv"]
    return [*written, *(out / p for p in pages.values())]


def _row(analysis: Analysis, number: int, pair: Pair, page: str) -> dict[str, object]:
    left, right = analysis.fingerprints[pair.a], analysis.fingerprints[pair.b]
    values = [
        number,
        left.name,
        right.name,
        round(pair.similarity_a, 4),
        round(pair.similarity_b, 4),
        pair.matched_tokens,
        pair.matched_a,
        pair.matched_b,
        pair.longest,
        left.coverage,
        right.coverage,
        int(pair.flagged(analysis.settings)),
        page,
    ]
    return dict(zip(COLUMNS, values, strict=True))


def _rows(analysis: Analysis, pages: dict[tuple[int, int], str]) -> list[dict[str, object]]:
    """Every pair at least half as similar as the threshold, or flagged, in rank order."""
    floor = analysis.settings.threshold / 2
    chosen = [p for p in analysis.pairs if p.score >= floor or p.flagged(analysis.settings)]
    return [_row(analysis, n, p, pages.get((p.a, p.b), "")) for n, p in enumerate(chosen, start=1)]


def write_pairs_csv(rows: list[dict[str, object]], path: Path) -> None:
    """The ranked pairs: similarity both ways, matched tokens, whether flagged, and the page."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _cluster_rows(analysis: Analysis) -> list[dict[str, object]]:
    partners: dict[int, int] = {}
    highest: dict[int, float] = {}
    for pair in analysis.flagged:
        for member in (pair.a, pair.b):
            partners[member] = partners.get(member, 0) + 1
            highest[member] = max(highest.get(member, 0.0), pair.score)
    return [
        {
            "cluster": number,
            "size": len(members),
            "student": analysis.fingerprints[member].name,
            "flagged_partners": partners[member],
            "highest_similarity": round(highest[member], 4),
        }
        for number, members in enumerate(analysis.clusters, start=1)
        for member in members
    ]


def write_clusters_csv(analysis: Analysis, path: Path) -> None:
    """One row per student in a cluster of three or more: cluster number, size, partners."""
    fields = ["cluster", "size", "student", "flagged_partners", "highest_similarity"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(_cluster_rows(analysis))


def write_problems_csv(analysis: Analysis, path: Path) -> None:
    """One row per finding on a single student: obfuscation, or not compared and why."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "kind", "detail"])
        writer.writerows((p.student, p.kind, p.detail) for p in analysis.problems)


def pair_page(analysis: Analysis, pair: Pair, environment: Environment, title: str) -> str:
    """The HTML page of one pair: both files side by side, matched regions highlighted alike."""
    left, right = analysis.fingerprints[pair.a], analysis.fingerprints[pair.b]
    regions_a, regions_b = matched_regions(analysis.fingerprints, pair.a, pair.b, analysis.settings.k)
    labels = _corresponding(left, right, regions_a, regions_b)
    sides = [
        {"name": left.name, "similarity": pair.similarity_a, "segments": segments(left, regions_a, None)},
        {
            "name": right.name,
            "similarity": pair.similarity_b,
            "segments": segments(right, regions_b, labels),
        },
    ]
    return environment.get_template("similarity_pair.html.j2").render(title=title, pair=pair, sides=sides)


def _corresponding(
    left: Fingerprint, right: Fingerprint, regions_a: np.ndarray, regions_b: np.ndarray
) -> list[int]:
    """For each of b's regions, the number of a's region that shares most of its fingerprints."""
    labels = []
    for start, end in regions_b:
        inside = (right.positions >= start) & (right.positions < end)
        hashes = right.hashes[inside]
        where = left.positions[np.isin(left.hashes, hashes)]
        region = np.searchsorted(regions_a[:, 0], where, side="right") - 1
        labels.append(int(np.bincount(region[region >= 0]).argmax()) + 1 if len(region) else 0)
    return labels


def segments(print_: Fingerprint, regions: np.ndarray, labels: list[int] | None) -> list[Segment]:
    """The source cut into plain and matched runs.

    A matched region covers its tokens and the white space between them; what the fingerprints
    skipped inside it (a docstring, a comment, a dead statement) stays plain.

    Args:
        print_: the submission.
        regions: matched token ranges [start, end), shape (R, 2).
        labels: the number shown for each region (1, 2, ... when None).
    """
    source, pieces, cursor = print_.source, [], 0
    for number, (first, last) in enumerate(regions):
        label = labels[number] if labels else number + 1
        for start, end in _runs(source, print_.spans[first:last]):
            if start < cursor:
                continue
            if start > cursor:
                pieces.append(Segment(source[cursor:start], None))
            pieces.append(Segment(source[start:end], label))
            cursor = end
    if cursor < len(source):
        pieces.append(Segment(source[cursor:], None))
    return pieces


def _runs(source: str, spans: np.ndarray) -> list[tuple[int, int]]:
    """Character ranges of consecutive tokens joined across white space only, shape of spans (T, 2)."""
    runs: list[tuple[int, int]] = []
    for start, end in spans.tolist():
        if not source[start:end].strip():
            continue  # INDENT, DEDENT and NEWLINE tokens are white space: nothing to show
        if runs and not source[runs[-1][1] : start].strip():
            runs[-1] = (runs[-1][0], max(end, runs[-1][1]))
        else:
            runs.append((start, end))
    return runs
