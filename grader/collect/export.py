"""The work of one commit, found by the rule of `grader.locate`, as grade-all will grade it.

Only the files the rule may choose leave git: those named like the module or the notebook in
the places the rule looks (the repository's top, one folder deeper, `assignments/<id>/` and one
folder deeper there) and zips at the top. They are written into a private folder, the rule picks
one, and that one goes into the class folder under the assignment's own name (`conv.py` or
`conv.ipynb`), so that grade-all finds exactly it. A link stays a link: grade-all refuses it and says why.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.collect.git import LINK, TreeEntry, list_files, read_blob
from grader.config import Assignment
from grader.locate import locate, matches

MAX_BLOB_BYTES = 64 * 2**20  # a larger file is not the work: it is left in git


@dataclass(frozen=True)
class Exported:
    """Where the work was in the repository (None: nowhere) and the rule's note, in English."""

    path: str | None
    note: str


def _may_be_work(entry: TreeEntry, assignment: Assignment) -> bool:
    parts = PurePosixPath(entry.path).parts
    if entry.size > MAX_BLOB_BYTES:
        return False
    if len(parts) == 1 and parts[0].casefold().endswith(".zip"):
        return True
    layout = len(parts) in (3, 4) and [p.casefold() for p in parts[:2]] == ["assignments", assignment.id]
    return matches(parts[-1], assignment) is not None and (len(parts) <= 2 or layout)


def _write(mirror: Path, entry: TreeEntry, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    content = read_blob(mirror, entry.sha)
    if entry.mode == LINK:
        os.symlink(os.fsdecode(content), target)
    else:
        target.write_bytes(content)


def export_work(
    mirror: Path, commit: str, assignment: Assignment, stub: dict[str, str], folder: Path
) -> Exported:
    """Write the work of `commit` into `folder` (made when there is work), by the rule.

    Args:
        mirror: our bare copy of the student's repository.
        commit: the graded commit.
        assignment: the assignment collected.
        stub: the released stub's graded definitions (`grader.locate.released_definitions`).
        folder: class/<student>/<id>/.

    Returns:
        the path of the work in the repository (as the note names it) and the note.

    Raises:
        GitFailed: the commit cannot be read.
    """
    with tempfile.TemporaryDirectory(prefix="collect-") as scratch:
        staged = Path(scratch) / "commit"
        staged.mkdir()
        for entry in list_files(mirror, commit):
            if _may_be_work(entry, assignment):
                _write(mirror, entry, staged.joinpath(*PurePosixPath(entry.path).parts))
        located = locate(staged, assignment, stub, Path(scratch))
        if located.link is not None:
            folder.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(located.link), folder / located.link.name)
            return Exported(located.link.relative_to(staged).as_posix(), "a symbolic link")
        if located.path is None:
            return Exported(None, located.text("en"))
        notebook = located.path.suffix.casefold() == ".ipynb"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(located.path, folder / (f"{assignment.id}.ipynb" if notebook else assignment.module))
        return Exported(located.shown, located.text("en"))
