"""The class folder: one folder per student, and in it one submission per assignment.

Submissions are found in DIR/<student>/<module> (one assignment) or DIR/<student>/<id>/...
(several), or in a zip export with that layout. A submission that is, or sits beside, a
symbolic link is refused: a git clone keeps links, and `conv.py -> ../../solutions/conv.py`
is easy to guess. Links are looked at, never followed.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from grader.batch.roster import valid_student_id
from grader.config import Assignment
from grader.errors import GraderError
from grader.locate import Note, locate


@dataclass(frozen=True)
class Job:
    """One student's submission of one assignment."""

    student: str
    assignment: str
    path: Path | None  # None: nothing was submitted
    refused: str | None = None  # why the submission is not graded (a symbolic link)
    notes: tuple[Note, ...] = ()  # which file was found and why (`grader.locate`)

    @property
    def key(self) -> tuple[str, str]:
        """(student, assignment)."""
        return (self.student, self.assignment)

    @property
    def gradable(self) -> bool:
        """Whether there is a submission to grade."""
        return self.path is not None and self.refused is None


def unpack(source: Path, work: Path) -> Path:
    """The class folder: `source` itself, or a zip export extracted (safely) into `work`.

    Raises:
        GraderError: if `source` is missing, neither a folder nor a zip, or an unsafe zip.
    """
    if source.is_dir():
        return source
    if not source.exists():
        raise GraderError(f"{source}: no such folder or zip of submissions; check the path.")
    if not zipfile.is_zipfile(source):
        raise GraderError(f"{source}: neither a folder nor a zip of submissions.")
    target = work / "class"
    target.mkdir()
    try:
        with zipfile.ZipFile(source) as archive:
            for member in archive.namelist():
                resolved = (target / member).resolve()
                if not resolved.is_relative_to(target.resolve()):
                    raise GraderError(
                        f"{source}: the entry {member!r} points outside the archive; re-export it."
                    )
            archive.extractall(target)
    except (zipfile.BadZipFile, OSError) as error:
        raise GraderError(f"{source}: the zip cannot be extracted ({error}); re-export it.") from None
    children = [p for p in target.iterdir() if p.is_dir()]
    if len(children) == 1 and not any(target.glob("*.py")) and _looks_like_root(children[0]):
        return children[0]  # a zip of the class folder itself
    return target


def _looks_like_root(folder: Path) -> bool:
    return all(child.is_dir() for child in folder.iterdir())


def find_students(class_folder: Path) -> list[str]:
    """The students with a folder (or a link in its place) in the class folder.

    Hidden folders and the `__MACOSX` folder of zips made on a Mac are not students.

    Raises:
        GraderError: if there is none: grade-all expects one folder per student.
    """
    students = sorted(
        entry.name
        for entry in class_folder.iterdir()
        if (entry.is_dir() or entry.is_symlink())
        and valid_student_id(entry.name)
        and entry.name != "__MACOSX"
    )
    if not students:
        raise GraderError(
            f"{class_folder}: no student folders in it; grade-all expects one folder per student."
        )
    return students


def find_link(student_folder: Path, submission: Path) -> Path | None:
    """The first symbolic link on the way from the student's folder to the submission, or
    beside or below the submission; None when there is none."""
    path, steps = student_folder, [student_folder]
    for part in submission.relative_to(student_folder).parts:
        path = path / part
        steps.append(path)
    for step in steps:
        if step.is_symlink():
            return step
    for folder, folders, files in os.walk(submission.parent, followlinks=False):
        for name in sorted(folders + files):
            if os.path.islink(os.path.join(folder, name)):
                return Path(folder, name)
    return None


def _candidates(folder: Path, assignment: Assignment) -> list[Path]:
    """Where the student's work of `assignment` is looked for, in order: their folder for the
    assignment (`<student>/<id>/`, the layout of several assignments) when it is a real folder,
    then their own folder. `grader.locate` looks in each and one folder deeper."""
    nested = folder / assignment.id
    return [nested, folder] if nested.is_dir() and not nested.is_symlink() else [folder]


def find_job(
    class_folder: Path,
    student: str,
    assignment: Assignment,
    only_one: bool,
    *,
    stub: dict[str, str] | None = None,
    scratch: Path | None = None,
) -> Job:
    """The student's submission of `assignment`: found, refused (a link) or absent.

    The work is found by the rule of `grader.locate`, the same for one assignment or several
    (`only_one` is kept for callers: `<student>/<module>` and `<student>/<id>/<module>` are both
    found either way).

    Args:
        class_folder: one folder per student.
        student: the student's folder name.
        assignment: the assignment looked for.
        only_one: whether the run grades one assignment (no longer changes the rule).
        stub: the released stub's graded definitions (`grader.locate.released_definitions`);
            None: every definition written counts as work.
        scratch: a private folder that outlives the grading, for the members of a student's zip
            (default: a new temporary folder, made only for a zip).
    """
    del only_one
    if not valid_student_id(student):
        return Job(student, assignment.id, None)
    folder = class_folder / student
    if folder.is_symlink():
        return Job(student, assignment.id, folder, _link_reason(class_folder, folder))
    if not folder.is_dir():
        return Job(student, assignment.id, None)
    for place in _candidates(folder, assignment):
        located = locate(place, assignment, stub or {}, scratch)
        if located.path is not None or located.link is not None:
            break
    if located.link is not None:
        return Job(student, assignment.id, located.link, _link_reason(class_folder, located.link))
    if located.path is None and located.problem is not None:  # a zip refused: the staff looks
        return Job(student, assignment.id, None, located.problem.text("en"), located.notes)
    if located.path is None:
        return Job(student, assignment.id, None, notes=located.notes)
    inside = located.path.is_relative_to(folder)
    link = find_link(folder, located.path) if inside else None
    reason = _link_reason(class_folder, link) if link else None
    return Job(student, assignment.id, located.path, reason, located.notes)


def _link_reason(class_folder: Path, link: Path) -> str:
    where = link.relative_to(class_folder).as_posix()
    return f"refused: {where} is a symbolic link; submit plain files and folders, never links"


def find_jobs(
    class_folder: Path,
    students: list[str],
    assignments: list[Assignment],
    *,
    stubs: dict[str, dict[str, str]] | None = None,
    scratch: Path | None = None,
) -> list[Job]:
    """Every (student, assignment) pair, in student order (`stubs`: by assignment id, see find_job)."""
    only_one = len(assignments) == 1
    return [
        find_job(class_folder, s, a, only_one, stub=(stubs or {}).get(a.id), scratch=scratch)
        for s in students
        for a in assignments
    ]


def content_hash(path: Path) -> str:
    """A hash of a submission file's name and bytes.

    Raises:
        OSError: if it cannot be read.
    """
    digest = hashlib.sha256()
    digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
