"""grade-all's input: the instructor's folder or zip, as one folder of files per submitter.

The input is a class folder (one folder per student), a zip of one (as macOS Finder or Windows
makes it: `__MACOSX/`, `.DS_Store` and the like are left out), or an LMS's bulk download,
zipped or unzipped (see grader/batch/lms.py). Each submitter's files end in a folder of their
own; who the submitter is (`Entry.claims`) is decided against the roster by grader/batch/students.py.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.batch.archive import Size, code_page_readings, is_junk, measure_folder, member_name, safe_parts
from grader.batch.identity import Claim, folder_label
from grader.batch.lms import Group, Reader, recognise
from grader.batch.roster import valid_student_id
from grader.errors import GraderError
from grader.i18n import text


@dataclass
class Entry:
    """One submitter's work: their folder of files, what says who they are, and a trusted time."""

    folder: Path
    label: str  # shown when the submitter is not on the roster: the folder's or LMS's name, NFC
    claims: list[Claim]
    time: str | None = None
    refused: str | None = None  # why it is not graded (over a limit)


@dataclass
class ClassInput:
    """What the instructor gave, read: its entries, and the LMS that wrote it (None: folders)."""

    entries: list[Entry]
    platform: str | None = None
    notes: list[str] = field(default_factory=list)


def read_class(source: Path, work: Path, language: str = "en") -> ClassInput:
    """Read the class folder, class zip or LMS download at `source` into entries.

    Args:
        source: the path the instructor gave.
        work: a private folder for extracted files.
        language: the course's language (messages; GBK is tried for zip names of a zh-CN course).

    Raises:
        GraderError: the path is missing, not a folder or zip, an unsafe zip, or holds no
            student folder and no LMS download (one sentence naming `source`).
    """
    if source.is_dir():
        found = _from_folder(source, work)
    elif not source.exists():
        raise GraderError(text(language, "intake.missing", path=source))
    elif not zipfile.is_zipfile(source):
        raise GraderError(text(language, "intake.not_zip", path=source))
    else:
        found = _from_zip(source, work, language)
    if not found.entries:
        raise GraderError(text(language, "intake.empty", path=source))
    return found


def _from_folder(source: Path, work: Path) -> ClassInput:
    names = _folder_files(source)
    recognised = recognise(names, lambda name: (source / name).read_bytes()) if names else None
    if recognised is not None:
        platform, groups = recognised
        entries = _materialise(groups, work, lambda name, target: _copy(source / name, target))
        return ClassInput(entries, platform)
    entries = [
        Entry(entry, folder_label(entry.name), folder_claims(entry.name))
        for entry in sorted(source.iterdir())
        if (entry.is_dir() or entry.is_symlink()) and valid_student_id(entry.name) and not is_junk(entry.name)
    ]
    entries += _zipped_students(source, work)
    for entry in entries:
        entry.refused = None if entry.folder.is_symlink() else measure_folder(entry.folder)
    return ClassInput(entries)


def folder_claims(name: str) -> list[Claim]:
    """Who a student's folder (or zip) says it is: any id of the roster's, else a name that is
    one roster row's alone (a class folder made by hand, `Jane Doe/`)."""
    return [Claim("id", name), Claim("name", name)]


def _zip_student(name: str) -> str | None:
    """The student a class's top-level `<student>.zip` is (a class of emailed zips), else None."""
    stem = name[:-4] if name.casefold().endswith(".zip") else ""
    return stem if valid_student_id(stem) and not is_junk(name) else None


def _zipped_students(source: Path, work: Path) -> list[Entry]:
    """One entry per `<student>.zip` at the top of the class folder, its zip alone in a folder."""
    entries = []
    for number, path in enumerate(sorted(source.iterdir()), start=1):
        student = _zip_student(path.name)
        if student is None or not (path.is_file() or path.is_symlink()):
            continue
        folder = work / "zipped" / f"{number:04d}"
        folder.mkdir(parents=True)
        if path.is_symlink():  # kept as a link: the student's row is refused, naming it
            (folder / path.name).symlink_to(path.readlink())
        else:
            shutil.copyfile(path, folder / path.name)
        entries.append(Entry(folder, folder_label(student), folder_claims(student)))
    return entries


def _folder_files(source: Path) -> list[str]:
    """The files under `source` (relative, `/`-separated), when there are only files at its top
    and in the folders an LMS makes; [] for a class folder of student folders is fine too."""
    names: list[str] = []
    for folder, folders, files in os.walk(source):
        folders[:] = [f for f in folders if not is_junk(f)]
        names.extend(
            PurePosixPath(Path(folder, f).relative_to(source)).as_posix() for f in files if not is_junk(f)
        )
        if len(names) > 200_000:
            break
    return sorted(names)


def _copy(source: Path, target: Path) -> None:
    if source.is_symlink():
        raise GraderError(f"{source}: a symbolic link in an LMS download; replace it with the file.")
    shutil.copyfile(source, target)


def _from_zip(source: Path, work: Path, language: str) -> ClassInput:
    try:
        with zipfile.ZipFile(source) as archive:
            members, readings, pages = _members(archive, source, language)
            names = sorted(members)
            recognised = recognise(names, lambda name: archive.read(members[name]))
            if recognised is not None:
                platform, groups = recognised
                _claims_in_other_pages(platform, groups, pages, lambda name: archive.read(members[name]))
            else:
                platform, groups = None, _student_folders(names, readings)
            sizes = {id(g): _declared(g, members) for g in groups}
            entries = _materialise(
                groups, work, lambda name, target: _extract(archive, members[name], target), sizes
            )
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
        raise GraderError(text(language, "intake.bad_zip", path=source, error=error)) from None
    return ClassInput(entries, platform)


Readings = dict[str, list[str]]  # a folder's path as read -> its name in other code pages
Pages = dict[str, dict[str, str]]  # code page -> {a member's name as read: as that page reads it}


def _members(
    archive: zipfile.ZipFile, source: Path, language: str
) -> tuple[dict[str, zipfile.ZipInfo], Readings, Pages]:
    """name as its writer meant it -> entry, junk and folders left out; the other readings of
    each folder's name, and of each name by code page (a zip without the UTF-8 flag); an unsafe
    name stops all."""
    members: dict[str, zipfile.ZipInfo] = {}
    readings: Readings = {}
    pages: Pages = {}
    for info in archive.infolist():
        name = member_name(info, language)
        parts = safe_parts(name)
        if parts is None:
            raise GraderError(text(language, "intake.unsafe", path=source, member=name))
        if info.is_dir() or name.endswith("/") or not parts or is_junk(name):
            continue
        members["/".join(parts)] = info
        others = code_page_readings(info, language)
        _note_readings(parts, list(dict.fromkeys(others.values())), readings)
        for page, other in others.items():
            if (other_parts := safe_parts(other)) and not is_junk(other):
                pages.setdefault(page, {})["/".join(parts)] = "/".join(other_parts)
    return members, readings, pages


def _through(read: Reader, back: dict[str, str]) -> Reader:
    """A reader of the export's files by their names in another code page."""
    return lambda name: read(back[name])


def _claims_in_other_pages(platform: str, groups: list[Group], pages: Pages, read: Reader) -> None:
    """Add to each LMS submitter the claims its names make when read in another code page (an
    export unzipped and zipped again on Windows): a name in the wrong page matches nobody."""
    owner = {name: group for group in groups for name in group.files.values()}
    for renamed in pages.values():
        back = {renamed.get(name, name): name for name in owner}
        found = recognise(sorted(back), _through(read, back))
        if found is None or found[0] != platform:
            continue
        for other in found[1]:
            mine = {id(owner[back[n]]): owner[back[n]] for n in other.files.values() if back.get(n) in owner}
            for group in mine.values():
                group.claims.extend(c for c in other.claims if c not in group.claims)


def _note_readings(parts: tuple[str, ...], others: list[str], readings: Readings) -> None:
    """For each folder on the way to a member, its name in the other readings of the path."""
    for other in others:
        other_parts = safe_parts(other)
        if other_parts is None or len(other_parts) != len(parts):
            continue
        for depth in range(len(parts) - 1):
            known = readings.setdefault("/".join(parts[: depth + 1]), [])
            if other_parts[depth] != parts[depth] and other_parts[depth] not in known:
                known.append(other_parts[depth])


def _class_prefix(names: list[str]) -> str:
    """`folder/` when the zip holds the class folder itself (student folders or `<student>.zip`
    files inside one folder), else ''."""
    tops = {n.split("/", 1)[0] for n in names if "/" in n}
    inner = [n.split("/", 1)[1] for n in names if "/" in n]
    if len(tops) != 1 or len(inner) != len(names):
        return ""
    if all("/" in n or _zip_student(n) for n in inner):
        return f"{tops.pop()}/"
    return ""


def _student_folders(names: list[str], readings: Readings | None = None) -> list[Group]:
    """One group per top-level folder or `<student>.zip` (through a single wrapping folder); a
    folder's name read in other code pages is also a claim of who the student is."""
    prefix = _class_prefix(names)
    groups: dict[str, Group] = {}
    for name in names:
        rest = name[len(prefix) :] if name.startswith(prefix) else ""
        if "/" in rest:
            student, inside = rest.split("/", 1)
        elif _zip_student(rest):
            student, inside = _zip_student(rest) or "", rest
        else:
            continue  # a loose file beside the student folders is nobody's work
        if valid_student_id(student):
            others = (readings or {}).get(prefix + student, []) if "/" in rest else []
            claims = [*folder_claims(student), *(Claim("id", other) for other in others)]
            group = groups.setdefault(student, Group(folder_label(student), claims))
            group.files[inside] = name
    return [groups[key] for key in sorted(groups)]


def _declared(group: Group, members: dict[str, zipfile.ZipInfo]) -> Size:
    size = Size()
    for inside, name in group.files.items():
        size.add(members[name].file_size, inside.count("/"))
    return size


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    with archive.open(info) as source, target.open("wb") as handle:
        shutil.copyfileobj(source, handle)


def _materialise(
    groups: list[Group],
    work: Path,
    put: Callable[[str, Path], None],
    sizes: dict[int, Size] | None = None,
) -> list[Entry]:
    """Write each group's files into a folder of its own under `work` (folders are numbered: a
    name from the export never becomes a path)."""
    entries: list[Entry] = []
    for number, group in enumerate(groups, start=1):
        folder = work / "class" / f"{number:04d}"
        folder.mkdir(parents=True)
        entry = Entry(folder, group.label, group.claims, group.time)
        entries.append(entry)
        declared = sizes.get(id(group)) if sizes else None
        entry.refused = declared.over() if declared else None
        if entry.refused:
            continue
        for inside, name in sorted(group.files.items()):
            parts = safe_parts(inside)
            if not parts:
                continue
            target = folder.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            put(name, target)
        entry.refused = measure_folder(folder)
    return entries
