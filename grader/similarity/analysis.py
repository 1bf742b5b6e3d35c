"""What a class's comparison found: the values `run` makes and `report` renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from grader.similarity.compare import Pair
from grader.similarity.fingerprint import Fingerprint, Settings


@dataclass(frozen=True)
class Problem:
    """One student's line in the report: `kind` is "obfuscation" or "not compared"."""

    student: str
    kind: str
    detail: str

    def sentence(self) -> str:
        """The line as printed: `student: detail`."""
        return f"{self.student}: {self.detail}"


@dataclass
class Analysis:
    """The class compared.

    Attributes:
        fingerprints: one per submission, in the order of the student names.
        pairs: every compared pair, most similar first.
        clusters: groups of three or more joined by flagged pairs (indices into fingerprints).
        settings: the thresholds used.
        problems: what is said of single students: obfuscation, and submissions not compared
            (unreadable, too large), sorted by student.
    """

    fingerprints: list[Fingerprint]
    pairs: list[Pair]
    clusters: list[list[int]]
    settings: Settings
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def flagged(self) -> list[Pair]:
        """The pairs worth a look, most similar first."""
        return [pair for pair in self.pairs if pair.flagged(self.settings)]
