"""Step 5, shortening: the reason cut to what a report shows, the seed kept on its first line."""

from __future__ import annotations

import dataclasses

from grader.feedback.draft import Draft

MAX_REASON_LINES = 8
MAX_LINE_CHARS = 300


def shortened(text: str) -> str:
    """At most MAX_REASON_LINES lines (then "...") of at most MAX_LINE_CHARS characters."""
    lines = text.strip().splitlines()
    if len(lines) > MAX_REASON_LINES:
        lines = [*lines[:MAX_REASON_LINES], "..."]
    return "\n".join(line[:MAX_LINE_CHARS] for line in lines)


def seed_of(draft: Draft) -> object:
    """The test's random seed, when it drew its inputs from `rng` (else None)."""
    return dict(draft.item.user_properties).get("seed")


def shorten(draft: Draft) -> Draft:
    """The reason, shortened, with the test's seed on its first line, so no cut can take it away.
    A contained test's reason (the callee named) is kept whole.

    Args:
        draft: a phase after the named mistake (step 4).

    Returns:
        the draft with its final reason.
    """
    if draft.contained:
        return draft
    lines = shortened(draft.reason).splitlines() or [""]
    seed = seed_of(draft)
    if seed is not None:
        lines[0] += f" (seed {seed})"
    return dataclasses.replace(draft, reason="\n".join(lines))
