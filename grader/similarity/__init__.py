"""Similarity across a class: who shares code with whom, with the starter code ignored.

Fingerprints are winnowed k-grams of normalised Python tokens (`tokens`, `fingerprint`); pairs
come from an inverted index of fingerprints and are scored both ways (`compare`); `run` finds a
class's submissions and `report` writes the ranked CSV, the clusters and the HTML pages.
"""

from grader.similarity.analysis import Analysis, Problem
from grader.similarity.compare import Pair, candidate_pairs, clusters, rank, score_pair, score_pairs
from grader.similarity.fingerprint import Fingerprint, Settings, boilerplate_hashes, fingerprint
from grader.similarity.run import (
    analyse,
    find_submissions,
    similarity_report,
    starter_code,
)
from grader.similarity.tokens import Tokens, normalise, read_code

__all__ = [
    "Analysis",
    "Fingerprint",
    "Pair",
    "Problem",
    "Settings",
    "Tokens",
    "analyse",
    "boilerplate_hashes",
    "candidate_pairs",
    "clusters",
    "score_pair",
    "score_pairs",
    "find_submissions",
    "fingerprint",
    "normalise",
    "rank",
    "read_code",
    "similarity_report",
    "starter_code",
]
