"""Class inputs as the tools write them: LMS download zips, Finder and Windows zips, Excel CSVs.

Zip names are written byte for byte as each tool writes them: Python's zipfile would set the
UTF-8 flag on every non-ASCII name, which macOS Finder and Windows' built-in zip never do.
"""

import csv
import io
import struct
import unicodedata
import zipfile
import zlib


class RawName(zipfile.ZipInfo):
    """A zip entry whose name is stored as the given bytes, with the UTF-8 flag only if asked."""

    def __init__(self, raw: bytes, utf8_flag: bool = False, unicode_field: str | None = None):
        super().__init__(raw.decode("cp437"), date_time=(2026, 9, 21, 23, 0, 0))
        self.raw = raw
        self.compress_type = zipfile.ZIP_DEFLATED
        if utf8_flag:
            self.flag_bits |= 0x800
        if unicode_field is not None:  # Info-ZIP's Unicode path extra field (0x7075)
            data = b"\x01" + struct.pack("<I", zlib.crc32(raw)) + unicode_field.encode("utf-8")
            self.extra = struct.pack("<HH", 0x7075, len(data)) + data

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's own name)
        return self.raw, self.flag_bits


def write_zip(path, files, encoding="utf-8", utf8_flag=True, extra=()):
    """A zip of {name: bytes or text}; names encoded as given, flagged UTF-8 or not.

    `extra` adds entries as they are, for a folder entry or junk."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in [*files.items(), *extra]:
            raw = name.encode(encoding)
            flagged = utf8_flag and encoding == "utf-8" and not name.isascii()
            archive.writestr(RawName(raw, flagged), data.encode() if isinstance(data, str) else data)
    return path


def finder_zip(path, folder_files):
    """A class folder zipped by macOS Finder: the folder at the top, NFD names in UTF-8 without
    the flag, `__MACOSX/._name` resource forks and `.DS_Store` files."""
    files, extra = {}, []
    for name, data in folder_files.items():
        nfd = unicodedata.normalize("NFD", f"class/{name}")
        files[nfd] = data
        head, _, tail = nfd.rpartition("/")
        extra.append((f"__MACOSX/{head}/._{tail}", b"\x00\x05\x16\x07Mac OS X"))
    extra.append(("class/.DS_Store", b"\x00\x00\x00\x01Bud1"))
    return write_zip(path, files, utf8_flag=False, extra=extra)


def windows_zip(path, folder_files):
    """A class folder sent to a 'Compressed (zipped) folder' by Windows: cp437 names, no flag."""
    return write_zip(path, folder_files, encoding="cp437", utf8_flag=False)


def canvas_zip(path, submissions):
    """Canvas's "Download Submissions": {(lastfirst, user id, late): {upload name: text}}, flat."""
    files = {}
    for number, ((lastfirst, user, late), uploads) in enumerate(submissions.items(), start=1000):
        for upload, text in uploads.items():
            files[f"{lastfirst}_{'late_' if late else ''}{user}_{number}_{upload}"] = text
    return write_zip(path, files)


def moodle_zip(path, submissions, folders=False):
    """Moodle's "Download all submissions": {(full name, participant id): {file: text}}."""
    files = {}
    for (name, participant), uploads in submissions.items():
        for upload, text in uploads.items():
            prefix = f"{name}_{participant}_assignsubmission_file_"
            files[f"{prefix}/{upload}" if folders else f"{prefix}{upload}"] = text
    return write_zip(path, files)


def gradescope_zip(path, submissions, wrapper="assignment_4242_export/"):
    """Gradescope's "Export Submissions": {submission id: (submitters, created_at, {file: text})},
    with submission_metadata.yml as Gradescope's Ruby writes it."""
    lines, files = [], {}
    for submission, (people, created, uploads) in submissions.items():
        lines.append(f"submission_{submission}:")
        lines.append("  :submitters:")
        for person in people:
            lines.append(f"  - :name: {person['name']}")
            lines.append(f"    :sid: '{person.get('sid', '')}'")
            lines.append(f"    :email: {person.get('email', '')}")
        lines.append(f"  :created_at: {created}")
        lines.append("  :score: !ruby/object:BigDecimal 18:0.3e2")
        for upload, text in uploads.items():
            files[f"{wrapper}submission_{submission}/{upload}"] = text
    files[f"{wrapper}submission_metadata.yml"] = "\n".join(["---", *lines]) + "\n"
    return write_zip(path, files)


def blackboard_zip(path, assignment, attempts):
    """Blackboard's "Assignment File Download": {(username, date, full name): {file: text}}."""
    files = {}
    for (user, when, name), uploads in attempts.items():
        prefix = f"{assignment}_{user}_attempt_{when}"
        listing = "".join(f"\tOriginal filename: {u}\n\tFilename: {prefix}_{u}\n" for u in uploads)
        files[f"{prefix}.txt"] = (
            f"Name: {name} ({user})\nAssignment: {assignment}\nDate Submitted: Monday, September 21, "
            f"2026 11:00:00 PM CST\nCurrent Grade: Needs Grading\n\nSubmission Field:\nThere is no "
            f"student submission text data for this assignment.\n\nComments:\nThere are no student "
            f"comments for this assignment.\n\nFiles:\n{listing}"
        )
        files.update({f"{prefix}_{u}": text for u, text in uploads.items()})
    return write_zip(path, files)


def excel_csv(path, rows, separator=",", encoding="utf-8-sig"):
    """A CSV as Excel saves it: CRLF lines, quotes where needed; 'utf-16' is "Unicode Text"."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def nested_bomb(levels=2, size=80 * 2**20):
    """A small zip holding a zip holding ... a file of `size` zero bytes (deflated: a few kB)."""
    data = b"\0" * size
    name = "data.bin"
    for level in range(levels):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name, data)
        data, name = buffer.getvalue(), f"inner{level}.zip"
    return data
