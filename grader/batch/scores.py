"""A graded submission after the late policy: its late penalty and final score (grade-all's values;
`lateness` decides the penalty, `gradebook` and the HTML feedback show them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LATE_STATUSES = ("on_time", "late", "unknown", "file_time", "error")


@dataclass(frozen=True)
class LatePenalty:
    """What the late policy takes off one submission, decided before it is graded.

    `status` is one of LATE_STATUSES: on time or late by a trusted time, no trusted time
    (no penalty), late by the file's time (only with --penalise-file-times), or an error in
    the instructor's data (then `pct` is None: the penalty, and so the final score, is not
    decided). `detail` says, for the instructor, where the time came from or what is wrong.
    """

    status: str
    pct: float | None = 0.0
    days: int = 0
    detail: str = ""


@dataclass(frozen=True)
class FinalScore:
    """A graded submission after the late policy: raw score, penalty and final score."""

    raw: float
    max_score: float
    penalty: LatePenalty

    @property
    def penalty_points(self) -> float | None:
        """Points taken off (a percentage of the maximum), or None when not decided."""
        if self.penalty.pct is None:
            return None
        return round(self.max_score * self.penalty.pct / 100, 2)

    @property
    def final(self) -> float | None:
        """The score that goes into the gradebook, never below 0; None when not decided."""
        if self.penalty.pct is None:
            return None
        return round(max(0.0, self.raw - self.max_score * self.penalty.pct / 100), 2)

    def to_dict(self) -> dict[str, Any]:
        """The record of per-student feedback (JSON)."""
        return {
            "raw_score": round(self.raw, 2),
            "max_score": self.max_score,
            "penalty_pct": self.penalty.pct,
            "penalty_points": self.penalty_points,
            "final_score": self.final,
            "time": self.penalty.status,
            "days_late": self.penalty.days,
            "detail": self.penalty.detail,
        }
