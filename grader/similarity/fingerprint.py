"""Winnowed fingerprints of a submission's normalised tokens, with the starter code taken out.

A fingerprint is the hash of k consecutive normalised tokens. Winnowing (Schleimer, Wilkerson
and Aiken, 2003; the algorithm of MOSS) keeps the smallest hash of every `window` consecutive
ones, so any run of `k + window - 1` tokens shared by two files is guaranteed to be seen. The
hashes are stable (the same in every process and every run), unlike Python's salted `hash()`
that copydetect uses, so a class can be fingerprinted in parallel and the report is the same
each time. Winnowing itself and the merging of matches into regions are copydetect's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from copydetect.utils import get_copied_slices, winnow

from grader.similarity.screen import NOT_COMPARED, Finding, not_compared
from grader.similarity.tokens import normalise, screen

HASH_BITS = 52  # copydetect's winnowing compares hashes as float64: stay exact below 2**53
MULTIPLIER = np.uint64(0x100000001B3)


@dataclass(frozen=True)
class Settings:
    """How fingerprints are taken and when a pair is flagged.

    Attributes:
        k: tokens per fingerprint (the noise threshold: shorter matches are ignored).
        window: winnowing window; every shared run of k + window - 1 tokens is found.
        threshold: a pair is flagged when the larger of its two similarities reaches this.
        min_tokens: ... and both sides have at least this many matched tokens (tiny work is never
            flagged, however alike).
        region_tokens: a pair is also flagged when one matched region is this long (a copied
            function inside otherwise different work).
        max_postings: a fingerprint found in more submissions than this is common code, an idiom of
            the assignment rather than evidence, and is removed like the starter code.
        min_shared: fingerprints two submissions must share to be compared at all.
    """

    k: int = 12
    window: int = 8
    threshold: float = 0.7
    min_tokens: int = 50
    region_tokens: int = 150
    max_postings: int = 200
    min_shared: int = 3


@dataclass
class Fingerprint:
    """One submission's fingerprints.

    Attributes:
        name: the student (their folder's name).
        source: the code shown in the report (a notebook's code cells joined).
        spans: character offsets [start, end) of each normalised token, shape (T, 2), int64.
        hashes: winnowed fingerprints that are not starter code, shape (M,), int64.
        positions: index of the first token of each fingerprint, shape (M,), int64.
        coverage: tokens covered by those fingerprints (the submission's own code, in tokens).
        findings: what the report says of it besides its pairs (obfuscation, not compared).
    """

    name: str
    source: str
    spans: np.ndarray
    hashes: np.ndarray
    positions: np.ndarray
    coverage: int
    findings: tuple[Finding, ...] = ()
    unique: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.unique = np.unique(self.hashes)

    @property
    def compared(self) -> bool:
        """Whether the submission takes part in pairs (it was not too large or unreadable)."""
        return all(finding.kind != NOT_COMPARED for finding in self.findings)

    def without(self, hashes: np.ndarray, k: int) -> Fingerprint:
        """A copy with these fingerprints removed (and the own-token count taken again)."""
        keep = ~np.isin(self.hashes, hashes)
        positions = self.positions[keep]
        return Fingerprint(
            self.name,
            self.source,
            self.spans,
            self.hashes[keep],
            positions,
            covered_tokens(positions, k),
            self.findings,
        )


@lru_cache(maxsize=4096)
def _token_id(kind: str) -> int:
    return int.from_bytes(hashlib.blake2b(kind.encode(), digest_size=8).digest(), "little")


def kgram_hashes(kinds: list[str], k: int) -> np.ndarray:
    """Stable hashes of every k consecutive tokens.

    Args:
        kinds: normalised tokens, length T.
        k: tokens per k-gram.

    Returns:
        shape (max(T - k + 1, 0),), int64, each in [0, 2**52).
    """
    count = len(kinds) - k + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    ids = np.fromiter((_token_id(kind) for kind in kinds), dtype=np.uint64, count=len(kinds))
    rolling = np.zeros(count, dtype=np.uint64)
    for offset in range(k):  # polynomial hash modulo 2**64 (uint64 arithmetic wraps)
        rolling = rolling * MULTIPLIER + ids[offset : offset + count]
    rolling ^= rolling >> np.uint64(29)  # mix the high bits down before keeping the low ones
    rolling *= np.uint64(0xBF58476D1CE4E5B9)
    rolling ^= rolling >> np.uint64(32)
    return (rolling & np.uint64((1 << HASH_BITS) - 1)).astype(np.int64)


def boilerplate_hashes(sources: Iterable[str], settings: Settings) -> np.ndarray:
    """Every k-gram hash of the starter code (not only the winnowed ones), sorted, int64."""
    found = [kgram_hashes(normalise(source).kinds, settings.k) for source in sources]
    return np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *found]))


def fingerprint(name: str, source: str, settings: Settings, boilerplate: np.ndarray) -> Fingerprint:
    """Screen, normalise, hash and winnow `source`, then drop the fingerprints of the starter code.

    Whatever the source holds, this returns: a file too large, or one the tokenizer cannot take,
    comes back not compared, with an empty source and no fingerprint (its finding says why).

    Args:
        name: the student.
        source: their code.
        settings: k and the window.
        boilerplate: sorted starter-code hashes from `boilerplate_hashes`.
    """
    try:
        tokens, findings = screen(source)
    except Exception as error:  # one student's file never stops the class's report
        tokens, findings = None, [not_compared(f"its code cannot be tokenized ({type(error).__name__})")]
    empty = np.zeros(0, dtype=np.int64)
    if tokens is None:
        return Fingerprint(name, "", np.zeros((0, 2), dtype=np.int64), empty, empty, 0, tuple(findings))
    hashes = kgram_hashes(tokens.kinds, settings.k)
    if len(hashes) == 0:
        return Fingerprint(name, source, tokens.spans, empty, empty, 0, tuple(findings))
    selected, positions = winnow(hashes, settings.window, remove_duplicates=False)
    own = ~np.isin(selected, boilerplate, assume_unique=False)
    selected, positions = selected[own].astype(np.int64), positions[own].astype(np.int64)
    coverage = covered_tokens(positions, settings.k)
    return Fingerprint(name, source, tokens.spans, selected, positions, coverage, tuple(findings))


def regions(positions: np.ndarray, k: int) -> np.ndarray:
    """Token ranges [start, end) covered by fingerprints starting at `positions`, shape (R, 2)."""
    if len(positions) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    slices = get_copied_slices(np.asarray(positions), k)
    return np.asarray(slices, dtype=np.int64).T


def covered_tokens(positions: np.ndarray, k: int) -> int:
    """How many tokens the fingerprints starting at `positions` cover together."""
    found = regions(positions, k)
    return int((found[:, 1] - found[:, 0]).sum())
