"""The first-seen record: when `course collect` first saw each commit of each student.

A commit seen at time T was pushed before T, whatever date the student wrote into it, so the
first time a collection saw a commit is a trusted submission time (DESIGN.md, "Submission
times"). The record keeps, per assignment and student:

- `commits`: sha -> {"seen": first seen, "after": the repository's previous successful check
  (the push happened in between; None when this was the first check)};
- `tips`: the default branch's tip each time it changed, as {"seen", "commit"};
- `checked`: the last successful check.

It only ever grows, and a collection never runs at a time before the last one, so the graded
commit can be decided again at any time from the record alone (with a corrected roster, say).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from grader.batch.roster import parse_time
from grader.errors import GraderError

SCHEMA_VERSION = 1


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

    def observe(
        self,
        assignment_id: str,
        student: str,
        repository: str,
        tip: str | None,
        commits: list[str],
        now: datetime,
    ) -> list[str]:
        """Note what one check of a repository found at `now`.

        Args:
            assignment_id: the assignment.
            student: the student whose repository it is.
            repository: its name (owner/name on GitHub).
            tip: the default branch's tip, None for an empty repository.
            commits: every commit reachable from the tip.
            now: the time of this check, with a zone.

        Returns:
            the commits seen for the first time.
        """
        students = self.data["assignments"].setdefault(assignment_id, {})
        entry = students.setdefault(student, {"repository": repository, "commits": {}, "tips": []})
        entry["repository"] = repository
        after = entry.get("checked")
        new = [sha for sha in commits if sha not in entry["commits"]]
        for sha in new:
            entry["commits"][sha] = {"seen": stamp(now), "after": after}
        if tip is not None and (not entry["tips"] or entry["tips"][-1]["commit"] != tip):
            entry["tips"].append({"seen": stamp(now), "commit": tip})
        entry["checked"] = stamp(now)
        return new

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
        sha = tips[-1]["commit"]
        first = entry["commits"][sha]
        return Seen(sha, parse_time(first["seen"]), parse_time(first["after"]) if first["after"] else None)
