"""The first-seen record: when `course collect` first saw each tip of each student's branch.

A commit seen at time T was pushed before T, whatever date the student wrote into it, so the
first time a collection saw a commit is a trusted submission time (DESIGN.md, "Submission
times"). The record keeps, per assignment and student:

- `tips`: the default branch's tip at each check where it changed, as {"commit", "seen" (that
  check), "after" (the check before it, None at the first), "first_seen" and "first_after" (the
  same for the check that first saw the commit reachable: earlier when the branch was forced
  back to a commit already pushed)};
- `checked`: the last successful check.

Its size grows with the checks that saw a push, never with the commits pushed. It only ever
grows, and a collection never runs at a time before the last one, so the graded commit can be
decided again at any time, for any cut-off (a corrected roster, an extension), from the record
alone. Schema 1 (every commit with its first-seen time) is read and migrated.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from grader.batch.roster import parse_time
from grader.errors import GraderError

SCHEMA_VERSION = 2


def stamp(moment: datetime) -> str:
    """A time as the record writes it: ISO 8601 in UTC, to the second, with a Z."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Seen:
    """A commit and when it was first seen (`after`: the check before, if any)."""

    commit: str
    seen: datetime
    after: datetime | None


class Record:
    """The first-seen record of every collected repository (see the module's docstring)."""

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self.data: dict[str, Any] = data or {"schema_version": SCHEMA_VERSION, "assignments": {}}

    @classmethod
    def load(cls, path: Path) -> Record:
        """The record at `path`, or an empty one if there is no file yet.

        Raises:
            GraderError: if the file is not a record (not JSON, or another schema).
        """
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise GraderError(
                f"{path}: the first-seen record cannot be read ({error}); restore it."
            ) from None
        if isinstance(data, dict) and data.get("schema_version") == 1:
            data = migrate(data)
        if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
            raise GraderError(f"{path}: not a first-seen record of schema {SCHEMA_VERSION}; check --record.")
        return cls(path, data)

    def save(self) -> None:
        """Write the record atomically (a stopped run leaves the old one whole)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.data, indent=1, sort_keys=True) + "\n"
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".first-seen-")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, self.path)

    def entry(self, assignment_id: str, student: str) -> dict[str, Any] | None:
        """One student's entry for one assignment, if they were ever collected."""
        entry: dict[str, Any] | None = self.data["assignments"].get(assignment_id, {}).get(student)
        return entry

    def last_check(self) -> datetime | None:
        """The latest successful check of any repository."""
        times = [
            parse_time(entry["checked"])
            for students in self.data["assignments"].values()
            for entry in students.values()
        ]
        return max(times, default=None)

    def tips(self, assignment_id: str, student: str) -> list[str]:
        """The distinct tips recorded for one student, oldest first."""
        entry = self.entry(assignment_id, student) or {"tips": []}
        return list(dict.fromkeys(tip["commit"] for tip in entry["tips"]))

    def observe(
        self,
        assignment_id: str,
        student: str,
        repository: str,
        tip: str | None,
        now: datetime,
        contained_in: Iterable[str] = (),
    ) -> bool:
        """Note what one check of a repository found at `now`.

        Args:
            assignment_id: the assignment.
            student: the student whose repository it is.
            repository: its name (owner/name on GitHub).
            tip: the default branch's tip, None for an empty repository.
            now: the time of this check, with a zone.
            contained_in: the recorded tips that `tip` is reachable from (it was pushed with them).

        Returns:
            whether the tip changed.
        """
        students = self.data["assignments"].setdefault(assignment_id, {})
        entry = students.setdefault(student, {"repository": repository, "tips": []})
        entry["repository"] = repository
        after = entry.get("checked")
        changed = tip is not None and (not entry["tips"] or entry["tips"][-1]["commit"] != tip)
        if changed:
            first_seen, first_after = _first_seen(entry["tips"], str(tip), set(contained_in)) or (
                stamp(now),
                after,
            )
            entry["tips"].append(
                {
                    "commit": tip,
                    "seen": stamp(now),
                    "after": after,
                    "first_seen": first_seen,
                    "first_after": first_after,
                }
            )
        entry["checked"] = stamp(now)
        return changed

    def graded(self, assignment_id: str, student: str, cutoff: datetime | None) -> Seen | None:
        """The commit to grade: the branch's tip as last seen before `cutoff` (None: no end).

        Returns:
            the commit and when it was first seen, or None if no tip was seen before the cutoff.
        """
        entry = self.entry(assignment_id, student)
        if entry is None:
            return None
        tips = [tip for tip in entry["tips"] if cutoff is None or parse_time(tip["seen"]) <= cutoff]
        if not tips:
            return None
        last = tips[-1]
        after = last["first_after"]
        return Seen(last["commit"], parse_time(last["first_seen"]), parse_time(after) if after else None)


def _first_seen(
    tips: list[dict[str, Any]], commit: str, contained_in: set[str]
) -> tuple[str, str | None] | None:
    """(first seen, check before) of `commit` from the recorded tips: the earliest check whose tip
    was it or held it; None when no recorded tip did."""
    found = [(tip["first_seen"], tip["first_after"]) for tip in tips if tip["commit"] == commit]
    found += [(tip["seen"], tip["after"]) for tip in tips if tip["commit"] in contained_in]
    return min(found, key=lambda pair: parse_time(pair[0]), default=None)


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 record (every commit and when it was first seen) as schema 2 (the tips alone).

    Each tip takes its commit's first-seen time; the check before a tip change is the `after` of
    a commit first seen at that check, else the tip before (an earlier check: still true).
    """
    assignments = {}
    for assignment_id, students in data.get("assignments", {}).items():
        assignments[assignment_id] = {student: _migrated(entry) for student, entry in students.items()}
    return {"schema_version": SCHEMA_VERSION, "assignments": assignments}


def _migrated(entry: dict[str, Any]) -> dict[str, Any]:
    commits: dict[str, dict[str, Any]] = entry.get("commits", {})
    before = {first["seen"]: first["after"] for first in commits.values()}
    tips: list[dict[str, Any]] = []
    for tip in entry.get("tips", []):
        first = commits.get(tip["commit"], {"seen": tip["seen"], "after": None})
        after = before.get(tip["seen"], tips[-1]["seen"] if tips else None)
        tips.append(
            {
                "commit": tip["commit"],
                "seen": tip["seen"],
                "after": after,
                "first_seen": first["seen"],
                "first_after": first["after"],
            }
        )
    migrated = {"repository": entry.get("repository", ""), "tips": tips}
    if "checked" in entry:
        migrated["checked"] = entry["checked"]
    return migrated
