"""Which submissions share code: candidate pairs from an inverted index, scored pairs, clusters.

Comparing all n(n-1)/2 pairs does not scale; instead every fingerprint lists the submissions
that contain it (an inverted index), and only pairs that appear together in at least
`min_shared` short lists are compared. A fingerprint in very many submissions is a common idiom
and proposes no pairs. The same index splits by hash range across machines (see the README).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grader.similarity.fingerprint import Fingerprint, Settings, regions


@dataclass(frozen=True)
class Pair:
    """Two submissions that share code.

    Attributes:
        a, b: indices of the two fingerprints.
        similarity_a: share of a's own tokens that are found in b (0..1); similarity_b the converse.
        matched_a, matched_b: matched tokens on each side.
        longest: the longest matched region, in tokens (the larger of the two sides).
        regions_a, regions_b: matched token ranges [start, end) on each side, shape (R, 2).
    """

    a: int
    b: int
    similarity_a: float
    similarity_b: float
    matched_a: int
    matched_b: int
    longest: int
    regions_a: np.ndarray
    regions_b: np.ndarray

    @property
    def score(self) -> float:
        """The ranking key: the larger similarity (a copier's work is mostly the other's)."""
        return max(self.similarity_a, self.similarity_b)

    @property
    def matched_tokens(self) -> int:
        """Matched tokens, the smaller side's count (the tokens both files hold)."""
        return min(self.matched_a, self.matched_b)

    def flagged(self, settings: Settings) -> bool:
        """Whether the pair is worth a look under `settings` (see `Settings`)."""
        if self.matched_tokens < settings.min_tokens:
            return False
        return self.score >= settings.threshold or self.longest >= settings.region_tokens


def candidate_pairs(fingerprints: list[Fingerprint], settings: Settings) -> np.ndarray:
    """Pairs that share at least `min_shared` fingerprints found in at most `max_postings` submissions.

    Returns:
        shape (P, 2), int64, each row (a, b) with a < b.
    """
    count = len(fingerprints)
    if count < 2:
        return np.zeros((0, 2), dtype=np.int64)
    hashes = np.concatenate([f.unique for f in fingerprints])
    owners = np.concatenate([np.full(len(f.unique), i, dtype=np.int64) for i, f in enumerate(fingerprints)])
    order = np.argsort(hashes, kind="stable")
    hashes, owners = hashes[order], owners[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    sizes = np.diff(np.r_[starts, len(hashes)])
    keys: list[np.ndarray] = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= settings.max_postings)]):
        lists = owners[starts[sizes == size][:, None] + np.arange(size)]  # every posting list of this size
        first, second = np.triu_indices(int(size), 1)
        keys.append((lists[:, first] * count + lists[:, second]).ravel())
    if not keys:
        return np.zeros((0, 2), dtype=np.int64)
    found, shared = np.unique(np.concatenate(keys), return_counts=True)
    found = found[shared >= settings.min_shared]
    return np.stack([found // count, found % count], axis=1)


def compare(fingerprints: list[Fingerprint], a: int, b: int, k: int) -> Pair:
    """Score one pair: matched tokens and similarity both ways, and the matched regions."""
    left, right = fingerprints[a], fingerprints[b]
    common = np.intersect1d(left.unique, right.unique, assume_unique=True)
    regions_a = regions(left.positions[np.isin(left.hashes, common)], k)
    regions_b = regions(right.positions[np.isin(right.hashes, common)], k)
    matched_a = int((regions_a[:, 1] - regions_a[:, 0]).sum())
    matched_b = int((regions_b[:, 1] - regions_b[:, 0]).sum())
    lengths = np.r_[regions_a[:, 1] - regions_a[:, 0], regions_b[:, 1] - regions_b[:, 0], 0]
    return Pair(
        a,
        b,
        matched_a / left.coverage if left.coverage else 0.0,
        matched_b / right.coverage if right.coverage else 0.0,
        matched_a,
        matched_b,
        int(lengths.max()),
        regions_a,
        regions_b,
    )


def rank(fingerprints: list[Fingerprint], settings: Settings) -> list[Pair]:
    """Every candidate pair scored, most similar first (ties: more matched tokens, then names)."""
    pairs = [
        compare(fingerprints, int(a), int(b), settings.k) for a, b in candidate_pairs(fingerprints, settings)
    ]
    names = [f.name for f in fingerprints]
    return sorted(pairs, key=lambda p: (-p.score, -p.matched_tokens, names[p.a], names[p.b]))


def clusters(count: int, pairs: list[Pair], settings: Settings) -> list[list[int]]:
    """Groups of three or more submissions joined by flagged pairs (connected components).

    Returns:
        each group's fingerprint indices, sorted; largest groups first.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    edges = [(p.a, p.b) for p in pairs if p.flagged(settings)]
    if not edges:
        return []
    rows, columns = np.array(edges).T
    graph = coo_matrix((np.ones(len(edges)), (rows, columns)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    groups = [sorted(np.flatnonzero(labels == label).tolist()) for label in np.unique(labels)]
    return sorted((g for g in groups if len(g) >= 3), key=lambda g: (-len(g), g))
