"""Who a student is: one identity per student, whatever the spelling of their folder or LMS name.

Ids are compared after Unicode compatibility normalisation (NFKC: composed and decomposed
accents, full-width letters from an input method), case folding and trimming. The comparison
key is only ever compared: a path or a gradebook row uses the roster's spelling, or the
folder's own name (NFC), never the key (NFKC turns a full-width `／` into `/`).

A roster row is known by its `student` id, `email`, `lms_id` and `sis_id`; its `name` counts
only when no other row has the same name. An id shared by two roster rows (two rows that
normalise to one id, or one's `lms_id` being another's `sis_id`) names both rows, and stops only
those rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

ID_COLUMNS = ("student", "email", "lms_id", "sis_id")  # roster columns that name one student


def normalise_id(text: str) -> str:
    """The comparison key of an id: NFKC, case folded, trimmed, without invisible format characters
    (a zero-width space or soft hyphen pasted from a web page), and a number without its leading
    zeros (Excel reads `0030005` as 30005 and saves it so); never used as a path."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    key = unicodedata.normalize("NFKC", visible).casefold().strip()
    return (key.lstrip("0") or "0") if key.isascii() and key.isdigit() else key


def name_keys(name: str) -> set[str]:
    """The comparison keys of a person's name: as written, and its letters only in both orders.

    "Doe, Jane" gives "doe, jane", "doejane" and "janedoe": Canvas's file names carry the
    letters of "last first", Moodle's and Gradescope's the full name.
    """
    key = normalise_id(name)
    if not key:
        return set()
    keys = {key, re.sub(r"\s+", " ", key)}
    last, comma, first = key.partition(",")
    parts = [first, last] if comma else key.split()
    for order in (parts, parts[::-1]):
        letters = "".join(ch for ch in "".join(order) if ch.isalnum())
        if letters:
            keys.add(letters)
    return keys


def folded_keys(name: str) -> set[str]:
    """The name's keys without accents: "María García" gives "garciamaria", as a download that
    keeps only a name's ASCII letters writes it. Used only when the keys as written find nobody."""
    return {folded for key in name_keys(name) if (folded := unaccented(key))}


def unaccented(text: str) -> str:
    """`text` without its combining marks (NFKD), recomposed: "maría" -> "maria"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@dataclass(frozen=True)
class Claim:
    """Something an input says of whose work it is: a kind ('id', 'lms_id', 'sis_id', 'email',
    'name') and the text as given. 'id' is a folder's name: any id column of the roster."""

    kind: str
    value: str


@dataclass
class RosterIndex:
    """The roster's ids, to find the one roster student an input names."""

    students: list[str]
    by_key: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (kind, key) -> students
    by_name: dict[str, set[str]] = field(default_factory=dict)
    by_folded_name: dict[str, set[str]] = field(default_factory=dict)  # names without accents
    problems: dict[str, str] = field(default_factory=dict)  # student -> why the row is stopped

    def lookup(self, claims: Iterable[Claim]) -> tuple[str | None, set[str]]:
        """The roster student the claims name, and the students an ambiguous claim names.

        Ids come first (a name is used only when no id matched and it is unique in the roster).

        Returns:
            (student, ambiguous): student is None when nothing matched or a claim was ambiguous.
        """
        claims = list(claims)
        for claim in [c for c in claims if c.kind != "name"] + [c for c in claims if c.kind == "name"]:
            found = self._find(claim)
            if len(found) > 1:
                return None, found
            if found:
                return next(iter(found)), set()
        return None, set()

    def _find(self, claim: Claim) -> set[str]:
        if claim.kind == "name":
            found = _union(self.by_name, name_keys(claim.value))
            if not found:  # accents dropped by the download, or by the roster
                found = _union(self.by_folded_name, folded_keys(claim.value))
            return found if len(found) == 1 else set()  # a name shared by two rows names nobody
        key = normalise_id(claim.value)
        if not key:
            return set()
        kinds = ID_COLUMNS if claim.kind == "id" else (claim.kind,)
        return set().union(*(self.by_key.get((kind, key), set()) for kind in kinds))


def build_index(profiles: dict[str, dict[str, str]]) -> RosterIndex:
    """Index the roster's rows (student id -> its columns) by every id they carry.

    Two rows sharing an id (after normalisation, in any id column) are both stopped with a
    problem naming both; a name shared by two rows is simply not used to find either.
    """
    index = RosterIndex(sorted(profiles))
    owners: dict[str, dict[str, str]] = {}  # key -> {student: column}
    for student, profile in profiles.items():
        columns = {"student": student, **profile}
        for column in ID_COLUMNS:
            key = normalise_id(columns.get(column, ""))
            if key:
                index.by_key.setdefault((column, key), set()).add(student)
                owners.setdefault(key, {}).setdefault(student, column)
        for key in name_keys(profile.get("name", "")):
            index.by_name.setdefault(key, set()).add(student)
        for key in folded_keys(profile.get("name", "")):
            index.by_folded_name.setdefault(key, set()).add(student)
    for key, holders in owners.items():
        if len(holders) > 1:
            said = " and ".join(f"{student!r} ({column})" for student, column in sorted(holders.items()))
            for student in holders:
                index.problems.setdefault(
                    student, f"roster rows {said} share the id {key!r}; give each student their own ids"
                )
    return index


def _union(index: dict[str, set[str]], keys: set[str]) -> set[str]:
    """Every student any of `keys` names in `index`."""
    return set().union(*(index.get(key, set()) for key in keys)) if keys else set()


def folder_label(name: str) -> str:
    """The name shown for a folder or LMS name that is not on the roster: its NFC form, trimmed."""
    return unicodedata.normalize("NFC", name).strip() or name
