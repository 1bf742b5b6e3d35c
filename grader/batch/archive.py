"""Reading a class's zip safely: the names as the writer meant them, and the size of what it holds.

Names: the UTF-8 flag when set; otherwise Info-ZIP's Unicode path extra field (0x7075) when
present and matching; otherwise strict UTF-8 (macOS Finder writes UTF-8 without the flag);
otherwise the legacy code page (GBK first for a zh-CN course, then cp437, the zip format's
own); then NFC, so that macOS's decomposed `Zoë` is the `Zoë` typed on Windows.

Limits: the 64 MB, 2,000-file and depth limits of a submission (grader/submission.py) apply to
what a student's files decompress to, zips inside zips included.
"""

from __future__ import annotations

import io
import os
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.submission import MAX_DEPTH, MAX_FILES, MAX_SUBMISSION_BYTES

JUNK_NAMES = {"__macosx", ".ds_store", "thumbs.db", "desktop.ini", ".git"}
UNICODE_PATH_FIELD = 0x7075
MAX_NESTED_ZIPS = 3  # zips inside zips inside a student's zip: deeper is refused


def is_junk(name: str) -> bool:
    """Whether a path is what an operating system adds to a zip (`__MACOSX/`, `.DS_Store`,
    `._name` resource forks, Windows' Thumbs.db), never a student's work."""
    return any(part.casefold() in JUNK_NAMES or part.startswith("._") for part in PurePosixPath(name).parts)


def _unicode_path_field(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """Info-ZIP's Unicode path (extra field 0x7075), when present and made for this very name."""
    extra = info.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        data, extra = extra[4 : 4 + size], extra[4 + size :]
        made_for_raw = len(data) >= 5 and struct.unpack("<I", data[1:5])[0] == zlib.crc32(raw)
        if kind == UNICODE_PATH_FIELD and made_for_raw and data[0] == 1:
            try:
                return data[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
    return None


def member_name(info: zipfile.ZipInfo, language: str = "en") -> str:
    """The name of a zip entry as its writer meant it, NFC, with `/` between folders."""
    if info.flag_bits & 0x800:
        name = info.orig_filename
    else:
        raw = info.orig_filename.encode("cp437")  # zipfile decoded the raw bytes as cp437
        name = _unicode_path_field(info, raw) or _legacy(raw, language)
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


OTHER_CODE_PAGES = ("gbk", "big5", "cp932", "cp949", "cp850", "cp852", "cp866")  # Windows' OEM pages


def code_page_readings(info: zipfile.ZipInfo, language: str = "en") -> dict[str, str]:
    """The name of an entry written without the UTF-8 flag as other Windows locales would have
    written it (Chinese, Japanese, Korean, Western and Central European, Cyrillic): code page ->
    the name so read, NFC, for each page that reads it otherwise than `member_name` ({} when the
    name's encoding is known: the flag, Info-ZIP's field, UTF-8, or plain ASCII)."""
    raw = info.orig_filename.encode("cp437") if not info.flag_bits & 0x800 else b""
    if not raw or raw.isascii() or _unicode_path_field(info, raw) is not None or _utf8(raw):
        return {}
    first, readings = member_name(info, language), {}
    for encoding in OTHER_CODE_PAGES:
        try:
            name = unicodedata.normalize("NFC", raw.decode(encoding).replace("\\", "/"))
        except UnicodeDecodeError:
            continue
        if name != first:
            readings[encoding] = name
    return readings


def other_readings(info: zipfile.ZipInfo, language: str = "en") -> list[str]:
    """The different names `code_page_readings` finds, each once: a folder's name in the wrong
    code page is matched to the roster through them."""
    return list(dict.fromkeys(code_page_readings(info, language).values()))


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _legacy(raw: bytes, language: str) -> str:
    for encoding in ("utf-8", *(("gbk",) if language == "zh-CN" else ()), "cp437"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp437")  # cp437 decodes every byte


def safe_parts(name: str) -> tuple[str, ...] | None:
    """The parts of a member's path, or None if it points outside the archive."""
    path = PurePosixPath(name)
    if path.is_absolute() or ":" in (path.parts[0] if path.parts else ""):
        return None
    parts = tuple(p for p in path.parts if p not in ("", "."))
    return None if ".." in parts else parts


@dataclass
class Size:
    """What some files decompress to: bytes, files and the deepest folder."""

    bytes: int = 0
    files: int = 0
    depth: int = 0

    def add(self, size: int, depth: int) -> None:
        """Count one file of `size` bytes at folder depth `depth`."""
        self.bytes += size
        self.files += 1
        self.depth = max(self.depth, depth)

    def over(self) -> str | None:
        """Which limit is passed, as a reason for the student's row, or None."""
        if self.bytes > MAX_SUBMISSION_BYTES or self.files > MAX_FILES:
            limit = MAX_SUBMISSION_BYTES // 2**20
            return f"refused: larger than {limit} MB or {MAX_FILES:,} files once unzipped; submit code only"
        if self.depth > MAX_DEPTH:
            return f"refused: folders nested deeper than {MAX_DEPTH} once unzipped; flatten them"
        return None


def measure_zip(data: io.BufferedIOBase | io.BytesIO, size: Size, depth: int, nesting: int) -> str | None:
    """Add what a zip decompresses to (zips inside it included) to `size`.

    Returns:
        a reason to refuse, or None.
    """
    if nesting > MAX_NESTED_ZIPS:
        return f"refused: zips nested more than {MAX_NESTED_ZIPS} deep; submit plain files"
    try:
        with zipfile.ZipFile(data) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                inner_depth = depth + len(PurePosixPath(info.filename).parts) - 1
                size.add(info.file_size, inner_depth)
                reason = size.over()
                if reason is None and info.filename.casefold().endswith(".zip"):
                    with archive.open(info) as inner:
                        reason = measure_zip(io.BytesIO(inner.read()), size, inner_depth + 1, nesting + 1)
                if reason:
                    return reason
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, RuntimeError):
        return None  # an unreadable zip is the student's file, graded (or not) like any other
    return None


def measure_folder(folder: Path) -> str | None:
    """Check a student's folder, zips in it included, against the limits of a submission.

    Returns:
        a reason to refuse it, or None. Links are not followed.
    """
    size, stack = Size(), [(folder, 0)]
    while stack:
        current, depth = stack.pop()
        with os.scandir(current) as listing:
            found = list(listing)
        for entry in found:
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), depth + 1))
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            size.add(entry.stat(follow_symlinks=False).st_size, depth)
            reason = size.over()
            if reason is None and entry.name.casefold().endswith(".zip"):
                with open(entry.path, "rb") as handle:
                    reason = measure_zip(handle, size, depth + 1, 1)  # type: ignore[arg-type]
            if reason:
                return reason
    return None
