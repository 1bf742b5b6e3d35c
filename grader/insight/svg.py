"""Inline SVG pictures for the insight page: histograms, horizontal bars and a heat map.

Plain strings, no JavaScript and no external resource, so the page works offline. Each picture
has a title and `role="img"`; the page puts a table with the same numbers beside it, which is
what a screen reader reads. Text is escaped: test and function names come from the course.
"""

from __future__ import annotations

from html import escape

BAR = "#4878a8"
FAIL = "#c8553d"
PASS = "#e8eef4"


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def histogram(counts: list[int], labels: list[str], title: str) -> str:
    """Vertical bars, one per bin.

    Args:
        counts: students per bin.
        labels: each bin's label (shown under the first, middle and last bars).
        title: the picture's title (for assistive technology too).

    Returns:
        an <svg> element.
    """
    width, height, bottom = 360, 160, 20
    step = width / max(1, len(counts))
    top = max(counts, default=0) or 1
    parts = [_open(width, height, title)]
    for i, count in enumerate(counts):
        tall = (height - bottom - 12) * count / top
        x, y = i * step + 1, height - bottom - tall
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step - 2:.1f}" height="{tall:.1f}" fill="{BAR}"/>'
        )
        if count:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{y - 2:.1f}" font-size="9" '
                f'text-anchor="middle">{count}</text>'
            )
        if i in (0, len(counts) // 2, len(counts) - 1):
            parts.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="9">{escape(labels[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(labels: list[str], values: list[float], title: str, unit: str = "") -> str:
    """Horizontal bars, one per label, values from 0 to their maximum (or 1).

    Returns:
        an <svg> element.
    """
    row, left, width = 18, 150, 420
    height = row * len(labels) + 4
    top = max([*values, 0.0]) or 1.0
    parts = [_open(width, height, title)]
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        long = (width - left - 60) * value / top
        y = i * row + 2
        parts.append(
            f'<text x="{left - 4}" y="{y + 12}" font-size="11" text-anchor="end">{escape(name[:24])}</text>'
        )
        parts.append(f'<rect x="{left}" y="{y}" width="{long:.1f}" height="{row - 4}" fill="{BAR}"/>')
        parts.append(f'<text x="{left + long + 4:.1f}" y="{y + 12}" font-size="10">{value:g}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def heatmap(tests: list[str], rows: list[tuple[list[bool], int]], title: str) -> str:
    """Failure signatures (rows) by tests (columns): a filled cell is a failed test; each row's
    count of students is written on its right.

    Returns:
        an <svg> element.
    """
    cell, top, right = 22, 130, 60
    width = cell * len(tests) + right
    height = top + cell * len(rows) + 4
    parts = [_open(width, height, title)]
    for j, name in enumerate(tests):
        x = j * cell + cell / 2
        parts.append(
            f'<text transform="translate({x + 4:.1f},{top - 4}) rotate(-60)" font-size="9">'
            f"{escape(name[:28])}</text>"
        )
    for i, (failed, count) in enumerate(rows):
        y = top + i * cell
        for j, bad in enumerate(failed):
            colour = FAIL if bad else PASS
            parts.append(
                f'<rect x="{j * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{colour}"/>'
            )
        parts.append(f'<text x="{len(tests) * cell + 4}" y="{y + 12}" font-size="10">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
