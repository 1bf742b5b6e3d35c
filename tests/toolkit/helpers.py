"""Helpers shared by the toolkit's tests (fixtures are in conftest.py).

- a stand-in GitHub Classroom organisation (collection);
- class inputs as the tools write them (LMS zips, Excel CSVs);
- bubblewrap as other machines have it (a fake `bwrap` first on PATH);
- scripted grading jobs for grade-all's worker pools;
- reports graded once per test run and shared by the tests that assert on the same run.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import os
import pickle
import signal
import struct
import subprocess
import unicodedata
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

from grader.config import Assignment
from grader.grading import grade
from grader.scoring import Report

# ---------------------------------------------------------------------------------------------
# A stand-in GitHub Classroom organisation: a folder of bare git repositories `<prefix>-<student>.git`.
#
# Students push commits with any date they like (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE); the
# collection must ignore them. The clock of a collection is a fixed time passed in.

FIXTURE = Path(__file__).parent / "files" / "course"
REFERENCE = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
MODULE = "assignments/vec/vec.py"  # where the student repository template keeps the stub
WRONG_SCALE = REFERENCE.replace("return x * k", "return x * 2.0")  # ignores k: loses test_scale


def git(*arguments: str, cwd: Path | None = None, date: str | None = None) -> str:
    environment = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    environment.update(
        GIT_AUTHOR_NAME="student", GIT_AUTHOR_EMAIL="s@example.org",
        GIT_COMMITTER_NAME="student", GIT_COMMITTER_EMAIL="s@example.org",
    )  # fmt: skip
    if date is not None:
        environment.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(["git", *arguments], cwd=cwd, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class Organisation:
    """Bare repositories in `folder`, each with a working clone the student pushes from."""

    def __init__(self, folder: Path, prefix: str = "vec") -> None:
        self.folder, self.prefix = folder, prefix
        folder.mkdir(parents=True, exist_ok=True)

    def bare(self, student: str) -> Path:
        path = self.folder / f"{self.prefix}-{student}.git"
        if not path.exists():
            git("init", "--quiet", "--bare", "--initial-branch=main", str(path))
        return path

    def push(
        self, student: str, files: dict[str, str], date: str, links: dict[str, str] | None = None
    ) -> str:
        """Commit `files` (path -> text) and `links` (path -> target) dated `date`, push; the sha."""
        work = self.folder.parent / "work" / f"{self.prefix}-{student}"
        if not work.exists():
            work.parent.mkdir(parents=True, exist_ok=True)
            git("clone", "--quiet", str(self.bare(student)), str(work))
            git("checkout", "--quiet", "-B", "main", cwd=work)
        for path, text in files.items():
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            (work / path).write_text(text, encoding="utf-8")
        for path, target in (links or {}).items():
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, work / path)
        git("add", "-A", cwd=work)
        git("commit", "--quiet", "-m", f"work of {date}", cwd=work, date=date)
        git("push", "--quiet", "--force", "origin", "HEAD:main", cwd=work)
        return git("rev-parse", "HEAD", cwd=work)

    def reset(self, student: str, commit: str) -> None:
        """Force-push the branch back to an earlier commit."""
        work = self.folder.parent / "work" / f"{self.prefix}-{student}"
        git("reset", "--quiet", "--hard", commit, cwd=work)
        git("push", "--quiet", "--force", "origin", "HEAD:main", cwd=work)


def fast_import(bare: Path, count: int, text: str, base: str | None = None) -> list[str]:
    """Write `count` commits onto main of `bare` in one `git fast-import` (as many pushes would),
    each writing `text` and its number into vec.py; a new history unless `base` (a sha) is given.
    Returns their shas, in order.
    """
    stream = ["reset refs/heads/main\n" + (f"from {base}\n" if base else "")]
    for number in range(1, count + 1):
        content = f"{text}# revision {number}\n".encode()
        message = f"revision {number}"
        stream.append(
            f"commit refs/heads/main\nmark :{number}\n"
            f"committer student <s@example.org> {1_700_000_000 + number} +0000\n"
            f"data {len(message)}\n{message}\n"
            f"M 100644 inline {MODULE}\ndata {len(content)}\n{content.decode()}\n"
        )
    marks = bare / "marks"
    done = subprocess.run(
        ["git", "--git-dir", str(bare), "fast-import", "--quiet", "--force", f"--export-marks={marks}"],
        input="".join(stream).encode(), capture_output=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shas = dict(line.split() for line in marks.read_text().splitlines())
    marks.unlink()
    return [shas[f":{number}"] for number in range(1, count + 1)]


def force(bare: Path, commit: str) -> None:
    """What a force-push does on the server: main now points at `commit`."""
    git("--git-dir", str(bare), "update-ref", "refs/heads/main", commit)


def at(text: str):
    """A clock stopped at `text` (ISO 8601 with a zone)."""
    moment = datetime.fromisoformat(text)
    return lambda: moment


# ---------------------------------------------------------------------------------------------
# Class inputs as the tools write them: LMS download zips, Finder and Windows zips, Excel CSVs.
#
# Zip names are written byte for byte as each tool writes them: Python's zipfile would set the
# UTF-8 flag on every non-ASCII name, which macOS Finder and Windows' built-in zip never do.


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


# ---------------------------------------------------------------------------------------------
# bubblewrap as other machines have it, first on PATH: too old for grading, or refused namespaces.
#
# Each is a `bwrap` script in a folder of its own, made the way the machine would answer:
#
# - Ubuntu 22.04's bubblewrap 0.6.1 knows no `--size` (it came in 0.7.0) and says so;
# - Docker (Gradescope's image): bubblewrap is installed, the kernel refuses it namespaces;
# - a bubblewrap that passes the probe but kills every grading child (a broken sandbox).

OLD = """#!/bin/sh
# bubblewrap 0.6.1 (Ubuntu 22.04): every option of 0.8.0 but --size
if [ "$1" = "--version" ]; then echo "bubblewrap 0.6.1"; exit 0; fi
for argument in "$@"; do
    if [ "$argument" = "--size" ]; then echo "bwrap: Unknown option --size" >&2; exit 1; fi
done
exec {real} "$@"
"""

NO_NAMESPACES = """#!/bin/sh
# bubblewrap in an unprivileged Docker container (Gradescope): installed, refused namespaces
if [ "$1" = "--version" ]; then echo "bubblewrap 0.6.1"; exit 0; fi
echo "bwrap: No permissions to create new namespace, likely because the kernel does not allow \
non-privileged user namespaces. On e.g. debian this can be enabled with \
'sysctl kernel.unprivileged_userns_clone=1'." >&2
exit 1
"""

DIES = """#!/bin/sh
# a broken sandbox its probe does not see: a trivial program starts, every grading child dies
if [ "$1" = "--version" ]; then echo "bubblewrap 0.8.0"; exit 0; fi
for argument in "$@"; do
    case "$argument" in
        */child.py)
            echo "bwrap: Creating new namespace failed: Resource temporarily unavailable" >&2
            exit 1;;
    esac
done
exec {real} "$@"
"""

KINDS = {"old": OLD, "no-namespaces": NO_NAMESPACES, "dies": DIES}


def fake_bwrap(folder: Path, kind: str) -> Path:
    """Write the `kind` bwrap into `folder` (made, readable by all) and return the folder, to put
    first on PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    script = folder / "bwrap"
    text = KINDS[kind].format(real="/usr/bin/bwrap")
    script.write_text(text, encoding="utf-8")
    script.chmod(0o755)
    return folder


# ---------------------------------------------------------------------------------------------
# Scripted grading jobs: a submission says what its job does, so that grade-all's pools are tested
# without grading for real.

POINTS = 48.0  # params in course.yml


def scripted_job(root, assignment_id, submission, penalty):
    """A stand-in for grade_job: 'SCORE 30', 'EXIT 7', 'KILL' or 'RAISE' in the submission."""
    path = Path(submission)
    with (path.parents[1] / "runs.log").open("a") as log:  # beside the student folders
        log.write(path.parent.name + "\n")
    words = path.read_text().split()
    if words[0] == "EXIT":
        os._exit(int(words[1]))
    if words[0] == "KILL":
        os.kill(os.getpid(), signal.SIGKILL)
    if words[0] == "RAISE":
        raise RuntimeError("a report hook broke")
    return {"assignment": assignment_id, "score": float(words[1]), "max_score": POINTS, "tests": []}


def make_class(folder, submissions):
    """One folder per student with params.py holding the script."""
    for student, text in submissions.items():
        (folder / student).mkdir(parents=True)
        (folder / student / "params.py").write_text(text)
    return folder


def rows(out):
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


# ---------------------------------------------------------------------------------------------
# Reports graded once per test run: `course check` on the repository and the home/official
# comparison grade each catalogue mistake the same way (officially, with the reference).


class SharedGrades:
    """`grade(root, assignment, submission)`, made once per test run: the first test to ask grades
    and keeps the report in `folder`; the others, on any pytest-xdist worker, wait for it and read
    it back. Only for tests that assert on the same run (a submission graded the same way).

    Args:
        folder: where the reports are kept, one folder for every worker of this run.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def grade(self, root: Path, assignment: Assignment, submission: Path) -> Report:
        """The report of grading `submission` (a file) for `assignment` of the course at `root`."""
        key = hashlib.sha256(
            f"{Path(root).resolve()}\0{assignment.id}\0".encode() + Path(submission).read_bytes()
        ).hexdigest()
        kept = self.folder / f"{key}.pickle"
        with (self.folder / f"{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if kept.is_file():
                return pickle.loads(kept.read_bytes())
            report = grade(root, assignment, submission)
            kept.write_bytes(pickle.dumps(report))
            return report
