"""A zip inside a student's folder, opened safely: only the members that may be the work come out.

Nothing is extracted but the members whose names the rule matches, each read with a cap on its
decompressed size (a member's declared size may lie), into a private folder. A zip with too
many members, too much declared content, a name that climbs out (`../`, an absolute path) or a
symbolic link among its members is not opened at all: it says why instead.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_MEMBERS = 2_000  # as many as a folder submission may hold
MAX_TOTAL_BYTES = 64 * 2**20  # declared, decompressed: a bomb is refused before anything is read
MAX_MEMBER_BYTES = 32 * 2**20  # read at most this much of one member, whatever it declares
CHUNK = 2**16


class UnsafeZip(Exception):
    """A zip that is not opened: `key` names the reason in the message catalogue (`grader.i18n`,
    "zip.<key>"), `values` fill it; str() is the English."""

    def __init__(self, key: str, **values: object) -> None:
        from grader import i18n

        self.key, self.values = f"zip.{key}", {name: str(value) for name, value in values.items()}
        super().__init__(i18n.text("en", self.key, **self.values))


@dataclass
class Extracted:
    """The members taken out of one zip: their paths inside it -> where they are now."""

    members: dict[str, Path] = field(default_factory=dict)


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _check(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's members, after the checks that refuse it whole."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnsafeZip("too_many", count=f"{MAX_MEMBERS:,}")
    if sum(info.file_size for info in members) > MAX_TOTAL_BYTES:
        raise UnsafeZip("too_large", mb=MAX_TOTAL_BYTES // 2**20)
    for info in members:
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if info.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise UnsafeZip("outside", name=repr(info.filename[:80]))
        if _is_link(info):
            raise UnsafeZip("link", name=repr(info.filename[:80]))
    return members


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Decompress one member into `target`, stopping past MAX_MEMBER_BYTES."""
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(info) as source, target.open("wb") as sink:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > MAX_MEMBER_BYTES:
                raise UnsafeZip("member_large", name=repr(info.filename[:80]), mb=MAX_MEMBER_BYTES // 2**20)
            sink.write(chunk)


def extract_matching(zip_path: Path, wanted: Callable[[PurePosixPath], bool], into: Path) -> Extracted:
    """Extract the members of `zip_path` that `wanted` accepts into the new folder `into`.

    Args:
        zip_path: the student's zip.
        wanted: whether a member (its path inside the zip) may be the work.
        into: a folder that does not exist yet, private to this run.

    Returns:
        the members taken out.

    Raises:
        UnsafeZip: the zip is not a zip, or is refused whole (see the module's docstring).
    """
    found = Extracted()
    try:
        with zipfile.ZipFile(zip_path) as archive:
            for info in _check(archive):
                name = PurePosixPath(info.filename.replace("\\", "/"))
                if info.is_dir() or not wanted(name):
                    continue
                target = into.joinpath(*name.parts)
                _copy(archive, info, target)
                found.members[name.as_posix()] = target
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, RuntimeError) as error:
        raise UnsafeZip("unreadable", error=type(error).__name__) from None
    return found
