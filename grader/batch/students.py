"""Whose work each entry is: one row per student, in the gradebook and in every export.

An entry (a student's folder, or an LMS submitter) is the roster student its claims name (see
grader/batch/identity.py); without a roster, or when nothing matches, it is a student of its own,
shown by its folder's or LMS name. Two entries of one student are an error naming both, which
stops that student's row only; so is an id shared by two roster rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.batch.identity import RosterIndex, normalise_id
from grader.batch.intake import Entry
from grader.batch.submissions import Job, find_job
from grader.config import Assignment


@dataclass
class Students:
    """student (the roster's spelling, or an entry's label) -> their entry, and what is wrong."""

    entries: dict[str, Entry] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # student -> why their row is stopped
    not_on_roster: list[str] = field(default_factory=list)

    def times(self) -> dict[str, str]:
        """student -> the trusted submission time the LMS export carries."""
        return {s: e.time for s, e in self.entries.items() if e.time and s not in self.problems}


def assign(entries: list[Entry], index: RosterIndex | None) -> Students:
    """Decide whose work each entry is.

    Args:
        entries: the input's entries (folders or LMS submitters).
        index: the roster's ids, or None without a roster.

    Returns:
        one entry per student; students with two entries, or with roster rows sharing an id,
        in `problems` (their rows are not graded).
    """
    found = Students(problems=dict(index.problems) if index else {})
    claimed: dict[str, list[Entry]] = {}
    strangers: dict[str, list[Entry]] = {}  # normalised label -> entries not on the roster
    for entry in entries:
        student, ambiguous = index.lookup(entry.claims) if index else (None, set())
        if ambiguous:
            said = " and ".join(repr(s) for s in sorted(ambiguous))
            for other in ambiguous:
                found.problems.setdefault(
                    other, f"{entry.label!r} matches roster rows {said}; give each student their own ids"
                )
        elif student is not None:
            claimed.setdefault(student, []).append(entry)
        else:
            strangers.setdefault(normalise_id(entry.label), []).append(entry)
    for group in strangers.values():
        student = sorted(e.label for e in group)[0]
        claimed.setdefault(student, []).extend(group)
        if index is not None:
            found.not_on_roster.append(student)
    for student, group in sorted(claimed.items()):
        found.entries[student] = group[0]
        if len(group) > 1:
            said = " and ".join(repr(e.label) for e in group)
            found.problems.setdefault(student, f"{said} are one student; keep one of them and grade again")
    found.not_on_roster.sort()
    return found


def find_all_jobs(
    found: Students,
    roster: list[str],
    assignments: list[Assignment],
    *,
    stubs: dict[str, dict[str, str]] | None = None,
    scratch: Path | None = None,
) -> list[Job]:
    """Every (student, assignment) pair, in student order: each student's work found in their
    entry's folder (by `find_job`, with the released stubs' definitions `stubs` by assignment id
    and `scratch` for zips' members), nothing for a roster student without an entry, and nothing
    graded for a student whose row is stopped (`found.problems`)."""
    only_one = len(assignments) == 1
    jobs = []
    for student in sorted(set(found.entries) | set(roster) | set(found.problems)):
        entry = found.entries.get(student)
        for assignment in assignments:
            if entry is None or student in found.problems:
                jobs.append(Job(student, assignment.id, None))
            elif entry.refused:
                jobs.append(Job(student, assignment.id, entry.folder, entry.refused))
            else:
                job = find_job(
                    entry.folder.parent,
                    entry.folder.name,
                    assignment,
                    only_one,
                    stub=(stubs or {}).get(assignment.id),
                    scratch=scratch,
                )
                jobs.append(replace(job, student=student))
    return jobs
