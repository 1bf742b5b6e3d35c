"""Failure signatures: the set of tests a student fails, counted and clustered for the heat map.

Distinct signatures are counted (a dictionary of bit rows, cheap for 50,000 students), the most
common `MAX_ROWS` are kept, and they are ordered so that similar rows sit together: a greedy
nearest-neighbour walk by Hamming distance from the most common. The rest are counted as one line.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

MAX_ROWS = 25


def _walk(rows: np.ndarray) -> list[int]:
    """An order of `rows` (bool, shape (k, tests)) where each row is near the one before it."""
    if len(rows) == 0:
        return []
    order, left = [0], set(range(1, len(rows)))
    while left:
        last = rows[order[-1]]
        nearest = min(left, key=lambda i: (int((rows[i] != last).sum()), i))
        order.append(nearest)
        left.remove(nearest)
    return order


def signatures(failed: np.ndarray, names: list[str], max_rows: int = MAX_ROWS) -> dict[str, Any]:
    """The heat map's data: distinct failure signatures, clustered and counted.

    Args:
        failed: bool, shape (students, tests): True where the student failed the test.
        names: the tests' names (columns).
        max_rows: the most signatures shown.

    Returns:
        {"tests": names, "rows": [{"failed": [bool per test], "students": count}], "other": count
        of students whose signature is not shown, "distinct": number of distinct signatures}.
    """
    counts = Counter(row.tobytes() for row in np.packbits(failed, axis=1))
    common = counts.most_common(max_rows)
    bits = np.array(
        [np.unpackbits(np.frombuffer(key, dtype=np.uint8))[: len(names)] for key, _ in common], dtype=bool
    ).reshape(len(common), len(names))
    order = _walk(bits)
    shown = sum(count for _, count in common)
    return {
        "tests": names,
        "rows": [{"failed": bits[i].tolist(), "students": common[i][1]} for i in order],
        "other": int(failed.shape[0] - shown),
        "distinct": len(counts),
    }
