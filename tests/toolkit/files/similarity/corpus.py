"""The evaluation class: independent solutions, disguised full copies and partial copies, labelled.

Independent solutions are the files in conv/ and pool/ (written separately, in different styles)
plus the course's reference (for pool, the frozen copy pool/reference.py). Every one of them gets
six full copies (each transform of obfuscate.py alone, and all of them together); every
independent solution but the reference also gets one partial copy: its own file with the largest
graded function taken from the next solution.
A pair is a copy when the two files share an origin.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import obfuscate  # noqa: E402

LARGEST = {"conv": "conv_forward", "pool": "max_pool_forward"}


@dataclass(frozen=True)
class Document:
    """One file of the evaluation class.

    Attributes:
        name: its name in the class.
        source: its code.
        author: the solution most of it comes from.
        kind: "original", "copy" or "partial".
        donor: for a partial copy, the solution its copied function comes from.
    """

    name: str
    source: str
    author: str
    kind: str
    donor: str = ""

    @property
    def origins(self) -> set[str]:
        """Every solution some of this file comes from."""
        return {self.author, self.donor} - {""}


def originals(assignment: str, root: Path) -> dict[str, str]:
    """The independent solutions of an assignment, name -> code (the reference included).

    A folder's own reference.py, a frozen copy, stands in for the course's reference: since issue
    20, solutions/pool.py is the plain loop solution, the style loops.py already has, so the pool
    corpus keeps the vectorised reference it was written with as its seventh style.
    """
    found = {p.stem: p.read_text(encoding="utf-8") for p in sorted((HERE / assignment).glob("*.py"))}
    found.setdefault("reference", (root / "solutions" / f"{assignment}.py").read_text(encoding="utf-8"))
    return found


def build(assignment: str, root: Path, seed: int = 0) -> list[Document]:
    """The labelled class of one assignment (deterministic for a seed)."""
    sources = originals(assignment, root)
    documents = [Document(name, code, name, "original") for name, code in sources.items()]
    for number, (name, code) in enumerate(sources.items()):
        for transform_name, transform in obfuscate.TRANSFORMS.items():
            copy = transform(code, random.Random(seed * 1000 + number))
            documents.append(Document(f"{name}__{transform_name}", copy, name, "copy"))
        disguised = obfuscate.disguise(code, seed * 1000 + number)
        documents.append(Document(f"{name}__disguised", disguised, name, "copy"))
    students = [name for name in sources if name != "reference"]
    for position, name in enumerate(students):
        donor = students[(position + 1) % len(students)]
        given = obfuscate.rename(sources[donor], random.Random(seed + position))
        partial = obfuscate.transplant(sources[name], given, LARGEST[assignment])
        documents.append(Document(f"{name}__with_{donor}", partial, name, "partial", donor))
    return documents


def category(left: Document, right: Document) -> str:
    """How a pair is related.

    "independent": two independent solutions; "unrelated": any other pair with nothing in common;
    "full copy": a solution and its disguised copy; "sibling copies": two copies of one solution;
    "self": two files by the same author (partial copies included); "partial": a partial copy and
    the solution its copied function comes from (or a copy of it).
    """
    if not left.origins & right.origins:
        return "independent" if left.kind == right.kind == "original" else "unrelated"
    if "partial" in (left.kind, right.kind):
        return "self" if left.author == right.author else "partial"
    return "full copy" if {left.kind, right.kind} == {"original", "copy"} else "sibling copies"


def labelled_pairs(documents: list[Document]) -> dict[tuple[str, str], str]:
    """(name a, name b) with a before b in the list -> category, for every pair."""
    return {(a.name, b.name): category(a, b) for a, b in combinations(documents, 2)}
