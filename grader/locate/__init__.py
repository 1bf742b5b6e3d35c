"""One rule for finding a student's work, used by `grade`, `grade-all`, `course collect`, the
student repository's workflow and the Gradescope autograder.

The rule (README, "Where the work is found"):

- Candidates are files named like the module (`conv.py`) or the notebook (`conv.ipynb`), the
  case ignored, with the marks copies get (`conv (1).py` from a browser, `conv-2.py` from Canvas,
  `Copy of conv.ipynb` from Colab, `conv-Copy1.ipynb` from Jupyter, `conv - Copy.py`, `conv copy
  2.py`, `conv 2.py`) or a prefix of the student's (`hw1_conv.py`, ranked below the exact name);
  in the student's folder, one folder deeper (`hw1/conv.py`), in the repository layout
  (`assignments/conv/conv.py`, and one folder deeper there), and in a zip in the student's folder
  (the same places inside it; nothing else is extracted).
- The module and the notebook are equal. Among the candidates the graded one is, in order: one
  that differs from the released stub (as code: its graded definitions' syntax trees, never its
  bytes); then the one with more graded definitions changed; then the module; then the highest
  copy or resubmission number; then the shallower, a file before a zip member, the name.
- The note names the file graded, lists every candidate when there were several, and lists
  what the folder holds when there was none.
- Symbolic links are looked at, never followed: a candidate that is a link is returned as
  `link`, and callers refuse the submission.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader import i18n
from grader.config import Assignment
from grader.layout import CourseLayout
from grader.locate.archive import UnsafeZip, extract_matching
from grader.locate.code import Progress, module_progress, notebook_progress, released_definitions

__all__ = ["EXPECTED", "Candidate", "Located", "Note", "locate", "matches", "released_definitions"]

MAX_ENTRIES = 10_000  # names read from one folder
MAX_FOLDERS = 200  # subfolders looked into, one level deep
MAX_CANDIDATES = 50  # candidates parsed; a folder of thousands of copies is cut here
SHOWN_NAMES = 8  # names listed when nothing is found
EXPECTED = "located.expected"  # the note of work alone where the handout puts it
SKIPPED = ("__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints")


@dataclass(frozen=True)
class Note:
    """A sentence of the message catalogue (`grader.i18n`), rendered in any language later."""

    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, language: str) -> str:
        """The sentence in `language`."""
        return i18n.text(language, self.key, **dict(self.values))


def note(key: str, **values: object) -> Note:
    """A Note whose values are kept as text."""
    return Note(key, tuple((name, str(value)) for name, value in values.items()))


@dataclass(frozen=True)
class Candidate:
    """One file that may be the student's work."""

    path: Path  # where it is now (a zip member: extracted into the scratch folder)
    shown: str  # as the student named it, from their folder (`hw1/conv.py`, `conv.zip/conv.py`)
    notebook: bool
    copy: int  # 0, or the number of `conv (2).py` / `conv-2.py`
    depth: int
    in_zip: bool
    progress: Progress

    def order(self) -> tuple[object, ...]:
        """The sort key of the rule: best first."""
        p = self.progress
        return (
            not p.edited,
            -p.changed,
            self.notebook,
            -self.copy,
            self.depth,
            self.in_zip,
            self.shown.casefold(),
        )


@dataclass(frozen=True)
class Located:
    """What to grade (None: nothing), the notes that explain it, and any link found instead."""

    path: Path | None
    shown: str | None
    notes: tuple[Note, ...]
    candidates: tuple[Candidate, ...] = ()
    link: Path | None = None  # a candidate that is a symbolic link: the submission is refused
    problem: Note | None = None  # nothing gradable because a zip could not be opened

    def text(self, language: str) -> str:
        """Every note, in `language`, one after the other."""
        return "; ".join(n.text(language) for n in self.notes)


def matches(name: str, assignment: Assignment) -> tuple[bool, int] | None:
    """(is a notebook, copy number) when `name` may be the assignment's work, else None.

    The name is compared without case, without the marks copies get (`conv (1).py` from a
    browser, `conv-2.py` from Canvas, `Copy of conv.ipynb` from Colab, `conv-Copy1.ipynb` from
    Jupyter, `conv - Copy.py` from Windows, `conv copy 2.py` and Finder's "Keep Both" `conv 2.py`
    from macOS) and, last, without a
    prefix the student wrote before the name (`hw1_conv.py`, `jdoe-conv.py`): such a loose match
    counts as the lowest copy (-1), so that the exact name wins among equals.
    """
    found = _split(name.casefold())
    if found is None:
        return None
    stem, notebook, copy = found
    stems = {assignment.module_name.casefold(), *([assignment.id.casefold()] if notebook else [])}
    if stem in stems:
        return notebook, copy
    if any(stem.endswith(f"{sep}{wanted}") for wanted in stems for sep in "_- "):
        return notebook, -1
    return None


COPY_MARK = re.compile(
    r"(?: ?\((?P<dup>\d{1,4})\)|-(?P<resub>\d{1,4})| (?P<keep>\d{1,4})|(?: - |[ _-])copy ?(?P<copy>\d{0,4}))$"
)


def _split(name: str) -> tuple[str, bool, int] | None:
    """(stem without copy marks, is a notebook, copy number) of a lower-case file name."""
    notebook = name.endswith(".ipynb")
    if not notebook and not name.endswith(".py"):
        return None
    stem = name.removesuffix(".ipynb" if notebook else ".py")
    copy = 0
    if stem.startswith("copy of "):
        stem, copy = stem[len("copy of ") :], 1
    for _ in range(3):  # marks pile up: `Copy of conv (1).ipynb`, `conv - Copy (2).py`
        mark = COPY_MARK.search(stem)
        if mark is None or mark.start() == 0:
            break
        number = mark["dup"] or mark["resub"] or mark["keep"] or mark["copy"] or "1"
        stem, copy = stem[: mark.start()], max(copy, int(number))
    return stem.strip(), notebook, copy


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """The folder's entries by name (hidden ones and a Mac zip's leftovers skipped), at most
    MAX_ENTRIES read."""
    try:
        with os.scandir(folder) as listing:
            read = list(itertools.islice(listing, MAX_ENTRIES))
    except OSError:
        return []
    return sorted(
        (e for e in read if not e.name.startswith(".") and e.name not in SKIPPED), key=lambda e: e.name
    )


@dataclass
class _Search:
    """What a search gathers: files that match, links, zips, and problems."""

    assignment: Assignment
    files: list[tuple[Path, str, int]]  # (path, shown, depth)
    links: list[Path]
    zips: list[Path]
    problems: list[Note]

    def look(self, folder: Path, prefix: str, depth: int, zips: bool) -> list[Path]:
        """Note the candidates directly in `folder`; return its subfolders."""
        folders = []
        for entry in _entries(folder):
            path = Path(entry.path)
            if entry.is_symlink():
                if matches(entry.name, self.assignment) or entry.name.casefold() == self.assignment.id:
                    self.links.append(path)
            elif entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif matches(entry.name, self.assignment):
                self.files.append((path, prefix + entry.name, depth))
            elif zips and entry.name.casefold().endswith(".zip"):
                self.zips.append(path)
        return folders


def _search_folder(search: _Search, folder: Path, prefix: str, zips: bool) -> None:
    """The folder, its subfolders one level down, and the repository layout assignments/<id>/
    and its subfolders one level down (as `grade` run there looks: `assignments/<id>/hw/`)."""
    subfolders = search.look(folder, prefix, 0, zips)
    for sub in subfolders[:MAX_FOLDERS]:
        search.look(sub, f"{prefix}{sub.name}/", 1, False)
    checkout = CourseLayout(folder)
    layout = checkout.released(search.assignment.id)
    if layout.is_dir() and not layout.is_symlink() and not checkout.assignments.is_symlink():
        inside = f"{prefix}assignments/{search.assignment.id}/"
        for sub in search.look(layout, inside, 2, False)[:MAX_FOLDERS]:
            search.look(sub, f"{inside}{sub.name}/", 3, False)


def _wanted(assignment: Assignment) -> object:
    def wanted(name: PurePosixPath) -> bool:
        parts = [p.casefold() for p in name.parts]
        layout = len(parts) >= 3 and parts[-3:-1] == ["assignments", assignment.id] and len(parts) <= 4
        return matches(name.name, assignment) is not None and (len(parts) <= 3 or layout)

    return wanted


def _open_zips(search: _Search, scratch: Path) -> None:
    """Candidates from the zips found in the student's folder (one level: no zip inside a zip)."""
    for number, zip_path in enumerate(search.zips[:10]):
        into = scratch / f"zip{number}"
        try:
            extracted = extract_matching(zip_path, _wanted(search.assignment), into)  # type: ignore[arg-type]
        except UnsafeZip as error:
            search.problems.append(note(f"located.{error.key}", zip=zip_path.name, **error.values))
            continue
        for member, path in extracted.members.items():
            depth = len(PurePosixPath(member).parts) - 1
            search.files.append((path, f"{zip_path.name}/{member}", depth + 10))


def _candidate(path: Path, shown: str, depth: int, assignment: Assignment, stub: dict[str, str]) -> Candidate:
    notebook, copy = matches(path.name, assignment) or (False, 0)
    progress = notebook_progress(path, stub) if notebook else module_progress(path, stub)
    return Candidate(path, shown, notebook, copy, depth % 10, depth >= 10, progress)


def _holds(folder: Path) -> str:
    names = [e.name + ("/" if e.is_dir(follow_symlinks=False) else "") for e in _entries(folder)]
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + (f" (+{len(names) - SHOWN_NAMES})" if len(names) > SHOWN_NAMES else "")


def _nothing(folder: Path, assignment: Assignment, problems: list[Note]) -> Located:
    holds = _holds(folder) if folder.is_dir() else ""
    module, notebook = assignment.module, f"{assignment.id}.ipynb"
    found = (
        note("located.nothing", module=module, notebook=notebook, names=holds)
        if holds
        else note("located.empty", module=module, notebook=notebook)
    )
    return Located(None, None, (found, *problems), problem=problems[0] if problems else None)


def _chosen(candidates: list[Candidate], problems: list[Note], assignment: Assignment) -> Located:
    ranked = sorted(candidates, key=Candidate.order)
    best = ranked[0]
    if len(ranked) > 1:
        others = ", ".join(c.shown for c in ranked[1:])
        first = note("located.chosen", file=best.shown, others=others)
    elif not best.progress.edited:
        first = note("located.stub", file=best.shown)
    elif best.path.name == assignment.module and best.depth == 0 and not best.in_zip:
        first = note(EXPECTED, file=best.shown)  # where the handout says: nothing to explain
    else:
        first = note("located.graded", file=best.shown)
    return Located(best.path, best.shown, (first, *problems), tuple(ranked))


def locate(place: Path, assignment: Assignment, stub: dict[str, str], scratch: Path | None) -> Located:
    """Find the work to grade in a student's folder (or take the file given).

    Args:
        place: the student's folder, a .py or .ipynb file (graded as it is), or a .zip.
        assignment: the assignment whose work is looked for.
        stub: the released stub's graded definitions (`released_definitions`).
        scratch: a private folder that lives as long as the grading (zip members go there);
            None: a new temporary folder, made only when there is a zip, left to the caller.

    Returns:
        the file to grade and the notes saying why; `link` set when a candidate is a link.
    """
    if place.is_symlink():
        return Located(None, None, (), link=place)
    if place.is_file() and not place.name.casefold().endswith(".zip"):
        return Located(place, place.name, (note(EXPECTED, file=place.name),))
    search = _Search(assignment, [], [], [], [])
    if place.is_dir():
        _search_folder(search, place, "", zips=True)
    elif place.is_file():
        search.zips.append(place)
    if search.links:
        return Located(None, None, (), link=search.links[0])
    if search.zips:
        _open_zips(search, Path(tempfile.mkdtemp(prefix="located-", dir=scratch)))
    found = sorted(search.files, key=lambda item: (item[2], item[1].casefold()))[:MAX_CANDIDATES]
    candidates = [_candidate(path, shown, depth, assignment, stub) for path, shown, depth in found]
    if not candidates:
        return _nothing(place, assignment, search.problems)
    return _chosen(candidates, search.problems, assignment)
