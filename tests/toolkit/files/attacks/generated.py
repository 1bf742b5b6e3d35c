"""Hostile submissions too large to keep in the repository: the red team's tests build them.

Each builder writes one submission into `folder` and returns its path. Every one is the fixture
course's vec.py with a wrong norm (so an honest grade is exactly 6 of 10) wrapped in a shape
that attacks the grading process itself, before any sandbox is involved.
"""

from __future__ import annotations

import json
from pathlib import Path

WRONG_NORM = '''"""The fixture's three functions, norm wrong on purpose."""

import numpy as np


def add(x, y):
    """Elementwise sum of two arrays of the same shape."""
    return x + y


def scale(x, k=2.0):
    """x times the number k."""
    return x * k


def norm(x):
    """Always -1."""
    return -1.0 + 0.0 * float(np.size(x))
'''


def notebook_cell_flood(folder: Path, cells: int = 800_000) -> Path:
    """Attack: a notebook of 800,000 empty code cells (90 MB, 2.3 MB compressed) and one real cell.

    The grader reads and validates a notebook in the grading process, before the sandbox starts,
    and keeps a Python object per cell. Expected when the grader holds: the notebook is refused
    (too large) or read within a bounded memory; the grading process stays under 1 GB.
    """
    code = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": []}
    items = [{**code, "id": f"c{number}", "source": ""} for number in range(cells)]
    items.append({**code, "id": "work", "source": WRONG_NORM})
    path = folder / "vec.ipynb"
    path.write_text(json.dumps({"cells": items, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def deep_folder_submission(folder: Path, depth: int = 1_500) -> Path:
    """Attack: a folder submission holding 1,500 nested folders (git keeps such a tree).

    Walking or copying a tree one recursion level per folder raises RecursionError past Python's
    limit. Expected when the grader holds: the submission is graded (the deep folder ignored,
    refused with a sentence, or copied) and the score is exactly 6.
    """
    submission = folder / "vec"
    submission.mkdir()
    (submission / "vec.py").write_text(WRONG_NORM)
    deep = submission
    for _ in range(depth):
        deep = deep / "d"
        deep.mkdir()
    (deep / "notes.txt").write_text("deep")
    return submission


def big_folder_submission(folder: Path, megabytes: int = 256) -> Path:
    """Attack: a folder submission with a 256 MB file of zeros (sparse here; a few hundred KB in a
    compressed git pack or zip).

    The grader copies the submission for the child before each start, outside the child's disk cap.
    Expected when the grader holds: the copy stays small (the file refused, skipped or kept
    sparse), so the grader's temporary folder never holds more than the course's 8 MB cap plus the
    runner; the score is exactly 6.
    """
    submission = folder / "vec"
    submission.mkdir()
    (submission / "vec.py").write_text(WRONG_NORM)
    with open(submission / "weights.bin", "wb") as handle:
        handle.truncate(megabytes * 2**20)
    return submission
