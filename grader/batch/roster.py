"""The instructor's CSV files for grade-all: the roster and the LMS's submission times.

Both are read as Excel writes them: separated by `,`, `;` (a French or German locale) or tabs
("Unicode Text"); UTF-8 with or without a byte-order mark, UTF-16 with its byte-order mark, or
the locale's legacy code page (cp1252; GBK for a zh-CN course); `1,5` hours is 1.5 hours.
A file that cannot be used at all (missing, not text, no 'student' column) is a GraderError:
one sentence, exit 2. A bad row harms only its own student: it becomes that student's problem.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from grader.batch.identity import normalise_id
from grader.errors import GraderError


@dataclass(frozen=True)
class RosterEntry:
    """One student of the roster: their extension, or what is wrong with their row."""

    student: str
    extension: timedelta = timedelta()
    problem: str | None = None  # a bad row: this student's penalty cannot be decided


@dataclass(frozen=True)
class Times:
    """Submission times from an LMS export: (student, assignment or "") -> the texts given."""

    name: str
    entries: dict[tuple[str, str], list[str]]

    def lookup(self, student: str, assignment_id: str) -> list[str]:
        """The times given for this student and assignment (a row without assignment counts for all).

        Students are compared as ids are (NFKC, case folded, trimmed)."""
        key = normalise_id(student)
        return self.entries.get((key, assignment_id)) or self.entries.get((key, ""), [])


def valid_student_id(name: str) -> bool:
    """Whether `name` can name a student's folder (no separators, not hidden, not '..')."""
    return bool(name) and not name.startswith(".") and not any(c in name for c in "/\\\0")


LEGACY = {"zh-CN": ("gbk", "cp1252")}  # a locale's code pages, tried after UTF-8
SEPARATORS = (",", ";", "\t")
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
NAME_MARKS = re.compile(r"[\u00b7\u3000-\u303f\uff00-\uffef]")  # a name's middle dot, full-width marks
GLUED = re.compile(r"[A-Za-z0-9][\u3400-\u9fff]|[\u3400-\u9fff][A-Za-z0-9]")


def decode_text(data: bytes, language: str = "en") -> str:
    """The text of a file as Excel saves it: UTF-8 (with or without BOM), UTF-16 with its BOM,
    else the legacy code page of the machine that saved it: cp1252 (Western Europe) or GBK (a
    Chinese Windows, which saves GBK whatever the course's language). A zh-CN course tries GBK
    first; any other tries cp1252 first, and takes GBK when the text reads as Chinese there.

    Raises:
        UnicodeDecodeError: if no encoding fits.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if language in LEGACY:
        encodings = LEGACY[language]
        for encoding in encodings[:-1]:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        return data.decode(encodings[-1])
    chinese = _strict(data, "gbk")
    if chinese is not None and _reads_as_chinese(chinese):
        return chinese
    return data.decode("cp1252")


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _reads_as_chinese(text: str) -> bool:
    """Whether a GBK reading is Chinese text, not Western bytes misread: Chinese characters, no
    other non-ASCII letter, none glued to a Latin letter or digit (`M黮ler` is `Müller` in cp1252)."""
    other = [ch for ch in text if not ch.isascii() and not CHINESE.match(ch) and not NAME_MARKS.match(ch)]
    return bool(CHINESE.search(text)) and not other and GLUED.search(text) is None


def _separator(text: str, required: tuple[str, ...]) -> str:
    """The separator whose header has the required columns (else the commonest of `,;\\t`)."""
    header = text.split("\n", 1)[0]
    for separator in SEPARATORS:
        columns = [c.strip() for c in next(csv.reader([header], delimiter=separator), [])]
        if all(column in columns for column in required):
            return separator
    return max(SEPARATORS, key=header.count)


def read_rows(path: Path, required: tuple[str, ...], what: str, language: str = "en") -> list[dict[str, str]]:
    """The rows of a CSV file as stripped strings, after checking it has the `required` columns.

    Raises:
        GraderError: if the file is missing, not text, not CSV or lacks a required column.
    """
    if not path.is_file():
        raise GraderError(f"{path}: no such file; check the path given for the {what}.")
    try:
        content = decode_text(path.read_bytes(), language)
        if "\0" in content:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "binary")
        reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=_separator(content, required))
        columns = [name.strip() for name in reader.fieldnames or []]
        rows = [
            {(key or "").strip(): value.strip() for key, value in row.items() if isinstance(value, str)}
            for row in reader
        ]
    except UnicodeDecodeError:
        raise GraderError(f"{path}: the {what} is not text; save it as CSV UTF-8.") from None
    except csv.Error as error:
        raise GraderError(f"{path}: the {what} is not a readable CSV file ({error}).") from None
    for column in required:
        if column not in columns:
            found = ", ".join(repr(c) for c in columns) or "none"
            raise GraderError(
                f"{path}: the {what} needs a {column!r} column (its columns: {found}); "
                "separate the columns with ',', ';' or tabs."
            )
    return rows


def _extension(text: str, where: str) -> tuple[timedelta, str | None]:
    if re.fullmatch(r"\s*\d+,\d+\s*", text):
        text = text.replace(",", ".")  # a decimal comma, as Excel writes it in much of Europe
    try:
        hours = float(text or 0)
    except ValueError:
        return timedelta(), f"{where}: extension_hours {text!r} is not a number of hours"
    if not math.isfinite(hours) or hours < 0:
        return timedelta(), f"{where}: extension_hours {text!r} must be a number of hours >= 0"
    return timedelta(hours=hours), None


def read_roster(path: Path, language: str = "en") -> dict[str, RosterEntry]:
    """student id -> entry, from a roster CSV (columns: student, optional extension_hours, ...).

    Other columns (name, lms_id, sis_id, section, email) are for exports (`read_profiles`).

    Raises:
        GraderError: if the file as a whole cannot be used (see `read_rows`).
    """
    roster: dict[str, RosterEntry] = {}
    for number, row in enumerate(read_rows(path, ("student",), "roster", language), start=2):
        student = row["student"]
        if not student:
            continue
        where = f"{path.name} row {number}"
        extension, problem = _extension(row.get("extension_hours", ""), where)
        if not valid_student_id(student):
            problem = f"{where}: {student!r} cannot name a student's folder"
        earlier = roster.get(student)
        if earlier is not None:
            if earlier.extension == extension and problem is None:
                continue  # the same row twice does no harm
            problem = earlier.problem or problem or f"{where}: {student!r} is listed twice, differently"
        roster[student] = RosterEntry(student, extension, problem)
    return roster


PROFILE_COLUMNS = ("name", "lms_id", "sis_id", "section", "email")  # optional, for LMS exports


def read_profiles(path: Path, language: str = "en") -> dict[str, dict[str, str]]:
    """student id -> their optional roster columns (name, lms_id, sis_id, section, email), as given.

    A column the roster does not have is absent from every profile; an empty cell is "".

    Raises:
        GraderError: if the file as a whole cannot be used (see `read_rows`).
    """
    profiles: dict[str, dict[str, str]] = {}
    for row in read_rows(path, ("student",), "roster", language):
        if row["student"]:
            profiles[row["student"]] = {key: row[key] for key in PROFILE_COLUMNS if key in row}
    return profiles


def read_times(path: Path, language: str = "en") -> Times:
    """Submission times from an LMS export: columns student and submitted_at, optional assignment.

    Raises:
        GraderError: if the file as a whole cannot be used (see `read_rows`).
    """
    entries: dict[tuple[str, str], list[str]] = {}
    for row in read_rows(path, ("student", "submitted_at"), "times file", language):
        if row["student"]:
            key = (normalise_id(row["student"]), row.get("assignment", ""))
            entries.setdefault(key, []).append(row["submitted_at"])
    return Times(path.name, entries)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time with its zone ('Z' for UTC), as LMS exports write them.

    Raises:
        ValueError: with a sentence, if it cannot be read or has no zone.
    """
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise ValueError(
            f"submitted_at {text!r} cannot be read; write it as 2026-09-21T23:59:00+08:00"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"submitted_at {text!r} has no time zone; add one, as in 2026-09-21T23:59:00+08:00")
    return moment
