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

CHUNK_ENTRIES = 2_000_000  # fingerprint occurrences looked up at once when scoring (memory bound)


@dataclass(frozen=True)
class Pair:
    """Two submissions that share code.

    Attributes:
        a, b: indices of the two fingerprints.
        similarity_a: share of a's own tokens that are found in b (0..1); similarity_b the converse.
        matched_a, matched_b: matched tokens on each side.
        longest: the longest matched region, in tokens (the larger of the two sides).
    """

    a: int
    b: int
    similarity_a: float
    similarity_b: float
    matched_a: int
    matched_b: int
    longest: int

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


def drop_common(fingerprints: list[Fingerprint], settings: Settings) -> list[Fingerprint]:
    """The fingerprints without those found in more than `max_postings` submissions.

    Code that so many students wrote is an idiom of the assignment, not evidence: it is treated
    like starter code (as MOSS does with passages found in many programs).
    """
    if len(fingerprints) <= settings.max_postings:
        return fingerprints
    values, counts = np.unique(np.concatenate([f.unique for f in fingerprints]), return_counts=True)
    common = values[counts > settings.max_postings]
    return [f.without(common, settings.k) for f in fingerprints] if len(common) else fingerprints


def candidate_pairs(fingerprints: list[Fingerprint], settings: Settings) -> np.ndarray:
    """Pairs that share at least `min_shared` fingerprints found in at most `max_postings` submissions.

    Returns:
        shape (P, 2), int64, each row (a, b) with a < b, sorted.
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


def matched_regions(fingerprints: list[Fingerprint], a: int, b: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The token ranges [start, end) of a that b shares, and of b that a shares, each shape (R, 2)."""
    left, right = fingerprints[a], fingerprints[b]
    common = np.intersect1d(left.unique, right.unique, assume_unique=True)
    return (
        regions(left.positions[np.isin(left.hashes, common)], k),
        regions(right.positions[np.isin(right.hashes, common)], k),
    )


def score_pair(fingerprints: list[Fingerprint], a: int, b: int, k: int) -> Pair:
    """Score one pair from its matched regions (`score_pairs` does the same for many at once)."""
    regions_a, regions_b = matched_regions(fingerprints, a, b, k)
    lengths_a, lengths_b = regions_a[:, 1] - regions_a[:, 0], regions_b[:, 1] - regions_b[:, 0]
    coverage_a, coverage_b = fingerprints[a].coverage, fingerprints[b].coverage
    matched_a, matched_b = int(lengths_a.sum()), int(lengths_b.sum())
    return Pair(
        a,
        b,
        matched_a / coverage_a if coverage_a else 0.0,
        matched_b / coverage_b if coverage_b else 0.0,
        matched_a,
        matched_b,
        int(np.r_[lengths_a, lengths_b, 0].max()),
    )


def score_pairs(fingerprints: list[Fingerprint], pairs: np.ndarray, k: int) -> list[Pair]:
    """Score many pairs at once, with NumPy; the same figures as `score_pair` on each.

    Args:
        fingerprints: the class.
        pairs: shape (P, 2), int64, rows (a, b).
        k: tokens per fingerprint.
    """
    occurrences = _Occurrences(fingerprints)
    matched = np.zeros((2, len(pairs)), dtype=np.int64)
    longest = np.zeros(len(pairs), dtype=np.int64)
    for side in (0, 1):
        for chunk in _chunks(occurrences.count[pairs[:, side]]):
            found, lengths = occurrences.shared(pairs[chunk, side], pairs[chunk, 1 - side], k)
            matched[side, chunk] = found
            longest[chunk] = np.maximum(longest[chunk], lengths)
    coverage = np.array([f.coverage for f in fingerprints], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        similarity = np.nan_to_num(matched / coverage[pairs.T])
    return [
        Pair(int(a), int(b), float(sa), float(sb), int(ma), int(mb), int(lo))
        for (a, b), sa, sb, ma, mb, lo in zip(
            pairs.tolist(), similarity[0], similarity[1], matched[0], matched[1], longest, strict=True
        )
    ]


def _chunks(sizes: np.ndarray) -> list[slice]:
    """Consecutive slices of pairs whose looked-up occurrences stay under CHUNK_ENTRIES (one at least)."""
    ends = np.cumsum(sizes)
    bounds = [0]
    while bounds[-1] < len(sizes):
        done = int(ends[bounds[-1] - 1]) if bounds[-1] else 0
        following = int(np.searchsorted(ends, done + CHUNK_ENTRIES, side="right"))
        bounds.append(max(following, bounds[-1] + 1))
    return [slice(start, stop) for start, stop in zip(bounds[:-1], bounds[1:], strict=True)]


class _Occurrences:
    """Every fingerprint occurrence of the class, by submission, with membership look-ups."""

    def __init__(self, fingerprints: list[Fingerprint]) -> None:
        hashes = np.concatenate([np.zeros(0, dtype=np.int64), *(f.hashes for f in fingerprints)])
        self.positions = np.concatenate([np.zeros(0, dtype=np.int64), *(f.positions for f in fingerprints)])
        self.count = np.array([len(f.hashes) for f in fingerprints], dtype=np.int64)
        self.start = np.cumsum(self.count) - self.count
        distinct, self.hash_id = np.unique(hashes, return_inverse=True)
        self.distinct = max(len(distinct), 1)
        owner = np.repeat(np.arange(len(fingerprints)), self.count)
        self.members = np.unique(owner * self.distinct + self.hash_id)  # (submission, hash) present

    def shared(self, owners: np.ndarray, others: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """For each pair (owner, other): the owner's tokens matched in other, and the longest region."""
        counts = self.count[owners]
        pair = np.repeat(np.arange(len(owners)), counts)
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        index = np.repeat(self.start[owners], counts) + within
        wanted = others[pair] * self.distinct + self.hash_id[index]
        found = np.searchsorted(self.members, wanted)
        hit = self.members[np.minimum(found, len(self.members) - 1)] == wanted
        pair, position = pair[hit], self.positions[index[hit]]
        matched, longest = np.zeros(len(owners), dtype=np.int64), np.zeros(len(owners), dtype=np.int64)
        if not len(pair):
            return matched, longest
        same = np.r_[pair[1:] == pair[:-1], False]
        step = np.r_[np.diff(position), 0]
        covered = np.where(same, np.minimum(step, k), k)  # a fingerprint covers k tokens, overlaps once
        matched[:] = np.bincount(pair, weights=covered, minlength=len(owners))
        starts = ~np.r_[False, same[:-1] & (step[:-1] < k)]  # a region ends where the next is k or more away
        region = np.cumsum(starts) - 1
        first = position[starts]
        last = np.zeros(len(first), dtype=np.int64)
        np.maximum.at(last, region, position)
        np.maximum.at(longest, pair[starts], last - first + k)
        return matched, longest


def rank(fingerprints: list[Fingerprint], settings: Settings) -> list[Pair]:
    """Every candidate pair scored, most similar first (ties: more matched tokens, then names)."""
    pairs = score_pairs(fingerprints, candidate_pairs(fingerprints, settings), settings.k)
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
