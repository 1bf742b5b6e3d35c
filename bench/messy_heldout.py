"""A held-out messy class, graded with the README's commands: is every student scored as their
work graded alone?

The class is built the way real tools and people make it, in a temporary folder, as seven
inputs of `course grade-all` (one run each, `--workers 1`):

- a class folder zipped by macOS Finder (UTF-8 names without the UTF-8 flag, decomposed
  accents, `__MACOSX/` resource forks, `.DS_Store`), roster saved by Excel in a German locale
  (`;`, cp1252);
- a class folder zipped by Windows (cp437 names, one old tool's backslashes, a wrapping folder,
  a student's own zip inside), roster saved as Excel's "Unicode Text" (UTF-16, tabs);
- Canvas "Download Submissions" (`lastfirst_[late_]<user>_<attachment>_<name>`, `-1`
  resubmissions, a student's upload named like another student's file), roster CSV UTF-8 with BOM;
- Moodle "Download all submissions", flat and "in folders" (`Full Name_<id>_assignsubmission_file_`,
  an online text beside), roster saved by Excel in a French locale (`;`, cp1252, `1,5` hours);
- Gradescope "Export Submissions" (`submission_metadata.yml` written by Ruby, `submission_<id>/`,
  a group submission);
- Blackboard "Assignment File Download" (files and `.txt` receipts, two attempts, usernames with
  `_`), unzipped.

Names differ from the roster by case, NFC/NFD accents, full-width letters and a trailing space;
folders are named by an email or a SIS id. The works are the reference solutions, one wrong
function, a partly done module, notebooks saved by Jupyter and by Colab beside untouched stubs.

For each student, the expected score is their work graded alone
(`grade <id> --official --submission FILE`); the gradebook's cell is compared with it. Besides
the scores, two checks of course.yml's dates: a due date before its release must stop
`course validate` and `course grade-all` (exit 2).

Usage: python bench/messy_heldout.py [--keep] [--only RUN]   (from the course's root)
"""

from __future__ import annotations

import argparse
import ast
import codecs
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WRONG = {  # one wrong function per assignment: a student's plausible slip
    "params": ("return n_filters * (f * f * c_in + int(bias))", "return n_filters * f * f * c_in"),
    "conv": ("return (n + 2 * pad - f) // stride + 1", "return (n + pad - f) // stride + 1"),
}
PARTIAL = {"params": ["fc_params"], "conv": ["conv_output_size", "zero_pad"]}


# --- the works ------------------------------------------------------------------------------


def _segments(source: str) -> dict[str, tuple[int, int, str]]:
    """Top-level functions: name -> (first line, last line, source)."""
    lines = source.splitlines()
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            assert node.end_lineno is not None
            found[node.name] = (
                node.lineno,
                node.end_lineno,
                "\n".join(lines[node.lineno - 1 : node.end_lineno]),
            )
    return found


def work_text(assignment: str, kind: str) -> str:
    """A module's text: 'full' (the reference), 'wrong', 'partial' or 'stub' (as released)."""
    full = (ROOT / "solutions" / f"{assignment}.py").read_text(encoding="utf-8")
    stub = (ROOT / "assignments" / assignment / f"{assignment}.py").read_text(encoding="utf-8")
    if kind == "full":
        return full
    if kind == "wrong":
        old, new = WRONG[assignment]
        assert old in full
        return full.replace(old, new)
    if kind == "stub":
        return stub
    lines, done = stub.splitlines(), _segments(full)
    for name, (first, last, _) in sorted(_segments(stub).items(), key=lambda item: -item[1][0]):
        if name in PARTIAL[assignment]:
            lines[first - 1 : last] = done[name][2].splitlines()
    return "\n".join(lines) + "\n"


def notebook_bytes(assignment: str, kind: str, editor: str) -> bytes:
    """The released notebook with the solution cells written from the `kind` module, saved as
    `editor` ('jupyter' or 'colab') saves it; kind 'stub' leaves it as released."""
    notebook = json.loads(
        (ROOT / "assignments" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
    )
    written = _segments(work_text(assignment, kind)) if kind != "stub" else {}
    for number, cell in enumerate(notebook["cells"]):
        meta = cell.get("metadata", {})
        grade_id = meta.get("nbgrader", {}).get("grade_id")
        if meta.get("nbgrader", {}).get("solution") and grade_id in written:
            cell["source"] = written[grade_id][2].splitlines(keepends=True)
        if cell["cell_type"] == "code":  # run once: counts and outputs, as a saved notebook has
            cell["execution_count"] = number
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ok\n"]}]
        if editor == "colab":
            cell["metadata"] = {**meta, "id": hashlib.sha1(str(number).encode()).hexdigest()[:12]}
            if cell["cell_type"] == "code":
                cell["metadata"]["colab"] = {"base_uri": "https://localhost:8080/"}
                cell["metadata"]["outputId"] = "f" + hashlib.sha1(str(-number).encode()).hexdigest()[:11]
    if editor == "colab":
        notebook["nbformat_minor"] = 0
        notebook["metadata"] = {
            "colab": {"provenance": [], "name": f"Copy of {assignment}.ipynb"},
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
            "language_info": {"name": "python"},
        }
        return json.dumps(notebook, indent=0, ensure_ascii=False).encode()
    notebook["metadata"]["language_info"] = {
        "name": "python",
        "version": "3.11.4",
        "mimetype": "text/x-python",
    }
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True)
class Work:
    """What a student made: the file graded alone for the expected score, by its name."""

    assignment: str
    kind: str  # full, wrong, partial, stub
    editor: str = ""  # '' for a module, else the notebook's editor

    def data(self) -> bytes:
        """The file's bytes (editor 'notepad': a module saved by Windows Notepad, BOM and CRLF)."""
        if self.editor == "notepad":
            return codecs.BOM_UTF8 + work_text(self.assignment, self.kind).replace("\n", "\r\n").encode()
        if self.editor:
            return notebook_bytes(self.assignment, self.kind, self.editor)
        return work_text(self.assignment, self.kind).encode()

    def suffix(self) -> str:
        """.py or .ipynb."""
        return ".ipynb" if self.editor not in ("", "notepad") else ".py"


def full(a: str) -> Work:
    return Work(a, "full")


def wrong(a: str) -> Work:
    return Work(a, "wrong")


def stub(a: str) -> Work:
    return Work(a, "stub")


# --- zips as tools write them ---------------------------------------------------------------


class RawInfo(zipfile.ZipInfo):
    """A zip entry whose name bytes are written as given, without the UTF-8 flag (as Finder's
    Archive Utility and Windows' compressed folders write them)."""

    raw: bytes = b""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's own name)
        return self.raw, self.flag_bits & ~0x800


def write_zip(path: Path, files: list[tuple[str, bytes]], style: str) -> None:
    """A zip of (name, bytes); style 'mac' (NFD, UTF-8 without flag, junk added), 'windows'
    (the OEM code page of a US machine, cp437, no flag; 'windows-cp850' of a Western European
    one, 'windows-gbk' of a Chinese one), 'plain' (Python's own: UTF-8 flag when needed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = list(files)
        if style == "mac":
            folders = sorted({n.rsplit("/", 1)[0] + "/" for n, _ in files if "/" in n})
            entries = [(f, b"") for f in folders] + entries
            entries += [(f"{f}.DS_Store", b"\0\0\0\1Bud1") for f in folders]
            entries += [(f"__MACOSX/{_dot(n)}", b"\0\5\26\7Mac OS X") for n, _ in files]
        for name, data in entries:
            if style == "plain":
                archive.writestr(name, data)
                continue
            oem = style.partition("-")[2] or "cp437"
            raw = unicodedata.normalize("NFD", name).encode() if style == "mac" else name.encode(oem)
            info = RawInfo(raw.decode("cp437"), date_time=(2026, 10, 30, 12, 0, 0))
            info.raw = raw
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o40755 << 16 | 0x10) if name.endswith("/") else 0o100644 << 16
            archive.writestr(info, data)


def _dot(name: str) -> str:
    head, _, tail = name.rpartition("/")
    return f"{head}/._{tail}" if head else f"._{tail}"


def zip_bytes(files: list[tuple[str, bytes]]) -> bytes:
    """A student's own zip (Python's, UTF-8 flag)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


# --- rosters as Excel saves them -------------------------------------------------------------

COLUMNS = ["student", "name", "lms_id", "sis_id", "email", "extension_hours"]


def write_roster(path: Path, rows: list[dict[str, str]], style: str) -> None:
    """style: 'german' (; cp1252), 'french' (; cp1252, decimal comma), 'unicode' (UTF-16 tabs,
    Excel's "Unicode Text"), 'bom' (UTF-8 with BOM, ','), 'german-utf8' (Excel's "CSV UTF-8" in a
    German locale: BOM and ';'), 'chinese' (Excel's "CSV" on a Chinese Windows: GBK, ',')."""
    separator = {
        "german": ";",
        "german-utf8": ";",
        "french": ";",
        "unicode": "\t",
        "bom": ",",
        "chinese": ",",
    }[style]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    text = buffer.getvalue()
    if style in ("german", "french"):
        path.write_bytes(text.encode("cp1252", errors="replace"))  # as Excel: "?" for the rest
    elif style == "chinese":  # Excel's "CSV" on a Chinese Windows: the ANSI code page, GBK
        path.write_bytes(text.encode("gbk", errors="replace"))
    elif style == "unicode":
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    else:
        path.write_bytes(codecs.BOM_UTF8 + text.encode())


# --- the class -------------------------------------------------------------------------------


@dataclass
class Run:
    """One grade-all input: its students' expected works, and how to grade it."""

    name: str
    assignments: list[str]
    roster_style: str
    roster: list[dict[str, str]] = field(default_factory=list)
    expected: dict[tuple[str, str], Work] = field(default_factory=dict)  # (student, assignment) -> work
    files: list[tuple[str, bytes]] = field(default_factory=list)  # for a zip or a folder
    shape: str = "plain"  # zip style, or 'folder' (written unzipped)

    def student(self, row: dict[str, str], **works: Work) -> None:
        """A roster row and the work expected for each of its assignments."""
        self.roster.append(row)
        for assignment, work in works.items():
            self.expected[(row["student"], assignment)] = work

    def put(self, name: str, work: Work | bytes) -> None:
        """A file of the input."""
        self.files.append((name, work.data() if isinstance(work, Work) else work))


def mac_run() -> Run:
    """A class folder zipped by macOS Finder; two assignments; roster from a German Excel."""
    run = Run("mac-finder-zip", ["params", "conv"], "german", shape="mac")
    run.student({"student": "alice", "name": "Alice Martin"}, params=full("params"), conv=wrong("conv"))
    run.put("class/Alice/params.py", full("params"))
    run.put("class/Alice/conv.py", wrong("conv"))
    zoe_nb = Work("params", "full", "jupyter")
    run.student({"student": "Zoë", "name": "Zoë Keller"}, params=zoe_nb, conv=full("conv"))
    run.put("class/Zoë/params.ipynb", zoe_nb)
    run.put("class/Zoë/params.py", stub("params"))
    run.put("class/Zoë/conv/conv.py", full("conv"))
    run.student({"student": "bob", "name": "Bob Stone"}, params=wrong("params"), conv=full("conv"))
    run.put("class/bob /hw1/params.py", wrong("params"))
    run.put("class/bob /Conv.py", full("conv"))
    run.student({"student": "carl", "name": "Carl Weiß"}, params=full("params"), conv=full("conv"))
    run.put("class/ｃａｒｌ/params (1).py", full("params"))
    run.put("class/ｃａｒｌ/params.py", stub("params"))
    run.put("class/ｃａｒｌ/conv.zip", zip_bytes([("conv/conv.py", full("conv").data())]))
    emile_nb = Work("params", "full", "colab")
    run.student({"student": "émile", "name": "Émile Roux"}, params=emile_nb, conv=Work("conv", "partial"))
    run.put("class/Émile/Copy of params.ipynb", emile_nb)
    run.put("class/Émile/params.py", stub("params"))
    run.put("class/Émile/conv.py", Work("conv", "partial"))
    return run


def windows_run() -> Run:
    """A class folder zipped on Windows: cp437 names, some with backslashes; UTF-16 roster."""
    run = Run("windows-zip", ["params"], "unicode", shape="windows")
    run.student({"student": "José", "name": "José Pérez"}, params=full("params"))
    run.put("Abgaben\\José\\params.py", full("params"))
    run.student({"student": "Müller", "name": "Jan Müller"}, params=wrong("params"))
    run.put("Abgaben/MÜLLER/params.py", wrong("params"))
    run.student(
        {"student": "dave", "name": "Dave Hill", "email": "Dave.Hill@uni.example"}, params=full("params")
    )
    run.put("Abgaben/dave.hill@uni.example/params - Copy.py", full("params"))
    run.put("Abgaben/dave.hill@uni.example/params.py", stub("params"))
    erin_nb = Work("params", "full", "jupyter")
    run.student({"student": "erin", "name": "Erin Fox", "sis_id": "20261234"}, params=erin_nb)
    run.put("Abgaben/20261234/params.zip", zip_bytes([("hw4/params.ipynb", erin_nb.data())]))
    run.put("Abgaben/20261234/Thumbs.db", b"\0" * 64)
    return run


def canvas_run() -> Run:
    """Canvas's "Download Submissions" zip; roster UTF-8 with BOM, with lms_id."""
    run = Run("canvas", ["params"], "bom")
    run.student({"student": "jdoe", "name": "Jane Doe", "lms_id": "1001"}, params=full("params"))
    run.put("doejane_1001_50001_params.py", full("params"))
    run.student({"student": "jsmith", "name": "John Smith", "lms_id": "1002"}, params=wrong("params"))
    run.put("smithjohn_late_1002_50002_params-1.py", wrong("params"))
    run.student({"student": "klee", "name": "Kim Lee", "lms_id": "1003"}, params=wrong("params"))
    run.put("leekim_1003_50003_doejane_1001_50001_params.py", wrong("params"))
    an_nb = Work("params", "full", "jupyter")
    run.student({"student": "anguyen", "name": "An Nguyen", "lms_id": "1004"}, params=an_nb)
    run.put("nguyenan_1004_50004_params.ipynb", an_nb)
    run.put("nguyenan_1004_50005_params.py", stub("params"))
    run.student({"student": "mgarcia", "name": "María García", "lms_id": ""}, params=full("params"))
    run.put("garciamaria_1006_50006_Params.py", full("params"))
    run.student({"student": "pwhite", "name": "Pia White", "lms_id": "1007"}, params=wrong("params"))
    run.put("whitepia_1007_50007_hw4.zip", zip_bytes([("hw4/params.py", wrong("params").data())]))
    return run


def moodle_runs() -> list[Run]:
    """Moodle's "Download all submissions", flat and in folders, and one unzipped and zipped again
    on a Portuguese Windows (cp850); roster from a French Excel."""
    flat = Run("moodle-flat", ["conv"], "french")
    flat.student({"student": "amdupont", "name": "Anne-Marie Dupont", "lms_id": "200001"}, conv=full("conv"))
    flat.put("Anne-Marie Dupont_200001_assignsubmission_file_conv.py", full("conv"))
    flat.student(
        {"student": "fleger", "name": "François Léger", "lms_id": "200002", "extension_hours": "1,5"},
        conv=wrong("conv"),
    )
    flat.put("François Léger_200002_assignsubmission_file_conv.py", wrong("conv"))
    zw_nb = Work("conv", "full", "jupyter")
    flat.student({"student": "wzhang", "name": "Zhang Wei", "lms_id": "200003"}, conv=zw_nb)
    flat.put("Zhang Wei_200003_assignsubmission_file_conv.ipynb", zw_nb)
    flat.put("Zhang Wei_200003_assignsubmission_onlinetext_onlinetext.html", b"<p>see file</p>")
    windows = Run("moodle-rezipped", ["conv"], "french", shape="windows-cp850")
    windows.student({"student": "cmartins", "name": "Conceição Martins"}, conv=full("conv"))
    windows.put("Tarefa/Conceição Martins_200007_assignsubmission_file_/conv.py", full("conv"))
    windows.student({"student": "nkovac", "name": "Nada Kovač", "lms_id": "200008"}, conv=wrong("conv"))
    windows.put("Tarefa/Nada Kovac_200008_assignsubmission_file_/conv.py", wrong("conv"))
    folders = Run("moodle-folders", ["conv"], "french")
    folders.student({"student": "hgross", "name": "Hans Groß", "lms_id": "200004"}, conv=full("conv"))
    folders.put("Hans Groß_200004_assignsubmission_file_/conv.py", full("conv"))
    folders.student({"student": "ias", "name": "Ingrid Ås"}, conv=wrong("conv"))
    folders.put("Ingrid Ås_200005_assignsubmission_file_/conv (1).py", wrong("conv"))
    folders.put("Ingrid Ås_200005_assignsubmission_file_/conv.py", stub("conv"))
    folders.student({"student": "oade", "name": "Olu Ade", "lms_id": "200006"}, conv=full("conv"))
    folders.put("Olu Ade_200006_assignsubmission_file_/hw/conv.py", full("conv"))
    folders.put("Olu Ade_200006_assignsubmission_onlinetext_/onlinetext.html", b"<p>done</p>")
    return [flat, folders, windows]


GRADESCOPE_METADATA = """\
---
submission_777001:
  :submitters:
  - :name: Pat Kim
    :sid: '30001'
    :email: pat.kim@uni.example
  :created_at: 2026-10-31 18:04:11.123456000 +08:00
  :score: !ruby/object:BigDecimal 18:0.48e2
  :status: processed
  :results: {}
submission_777002:
  :submitters:
  - :name: Quinn Ray
    :sid: ''
    :email: QUINN.RAY@uni.example
  :created_at: 2026-11-01 09:30:00.000000000 +08:00
  :score: !ruby/object:BigDecimal 18:0.0
  :status: processed
submission_777004:
  :submitters:
  - :name: Tariq Noor
    :sid: '0030005'
    :email: ''
  :created_at: 2026-11-01 10:00:00.000000000 +08:00
  :score: !ruby/object:BigDecimal 18:0.0
  :status: processed
submission_777003:
  :submitters:
  - :name: Rosa Diaz
    :sid: '30003'
    :email: rosa@uni.example
  - :name: Sam Wu
    :sid: '30004'
    :email: sam@uni.example
  :created_at: 2026-11-02 20:00:00.000000000 +08:00
  :score: !ruby/object:BigDecimal 18:0.0
  :status: processed
"""


def gradescope_run() -> Run:
    """Gradescope's "Export Submissions" zip (one folder per submission, Ruby's YAML)."""
    run = Run("gradescope", ["params"], "bom")
    top = "assignment_4242_export/"
    run.student({"student": "pkim", "name": "Pat Kim", "sis_id": "30001"}, params=full("params"))
    run.put(f"{top}submission_777001/params.py", full("params"))
    quinn_nb = Work("params", "wrong", "colab")
    run.student({"student": "qray", "name": "Quinn Ray", "email": "quinn.ray@uni.example"}, params=quinn_nb)
    run.put(f"{top}submission_777002/Params.ipynb", quinn_nb)
    run.student({"student": "rdiaz", "name": "Rosa Diaz", "sis_id": "30003"}, params=full("params"))
    run.student({"student": "swu", "name": "Sam Wu", "sis_id": "30004"}, params=full("params"))
    run.put(f"{top}submission_777003/params.py", full("params"))
    tariq_nb = Work("params", "full", "jupyter")
    run.student(
        {"student": "tnoor", "name": "T. Noor", "sis_id": "30005"}, params=tariq_nb
    )  # Excel ate the zeros
    run.put(f"{top}submission_777004/params.ipynb", tariq_nb)
    run.put(f"{top}submission_metadata.yml", GRADESCOPE_METADATA.encode())
    return run


def _receipt(name: str, user: str, when: str, files: list[str]) -> bytes:
    lines = [
        f"Name: {name} ({user})",
        "Assignment: Params HW",
        f"Date Submitted: {when}",
        "Current Grade: Needs Grading",
        "",
        "Submission Field:",
        "There is no student submission text data for this assignment.",
        "",
        "Comments:",
        "There are no student comments for this assignment.",
        "",
        "Files:",
    ]
    for original, stored in files:
        lines += [f"\tOriginal filename: {original}", f"\tFilename: {stored}", ""]
    return "\r\n".join(lines).encode()


def blackboard_run() -> Run:
    """Blackboard's "Assignment File Download", unzipped: files and receipts, two attempts."""
    run = Run("blackboard", ["params"], "bom", shape="folder")
    attempts = [
        (
            "li_wei",
            "Li Wei",
            "2026-10-30-10-00-00",
            "Friday, 30 October 2026 10:00:00",
            full("params"),
            "params.py",
        ),
        (
            "li_na",
            "Li Na",
            "2026-10-29-08-00-00",
            "Thursday, 29 October 2026 08:00:00",
            wrong("params"),
            "params.py",
        ),
        (
            "li_na",
            "Li Na",
            "2026-10-31-21-15-00",
            "Saturday, 31 October 2026 21:15:00",
            full("params"),
            "params.py",
        ),
        (
            "rkumar",
            "Ravi Kumar",
            "2026-11-01-12-00-00",
            "Sunday, 1 November 2026 12:00:00",
            Work("params", "full", "jupyter"),
            "params.ipynb",
        ),
    ]
    for user, name, stamp, when, work, original in attempts:
        stored = f"Params HW_{user}_attempt_{stamp}_{original}"
        run.put(stored, work)
        run.put(f"Params HW_{user}_attempt_{stamp}.txt", _receipt(name, user, when, [(original, stored)]))
    run.student({"student": "li_wei", "name": "Li Wei"}, params=full("params"))
    run.student({"student": "li_na", "name": "Li Na"}, params=full("params"))
    run.student({"student": "rkumar", "name": "Ravi Kumar"}, params=Work("params", "full", "jupyter"))
    return run


def windows_locale_runs() -> list[Run]:
    """Class folders zipped by Windows in a Portuguese (OEM cp850) and a Chinese (GBK) locale,
    for an English-language course (its roster saved by Excel there, in GBK); a class folder of one
    zip per student."""
    western = Run("windows-cp850", ["params"], "bom", shape="windows-cp850")
    western.student({"student": "João", "name": "João Gonçalves"}, params=full("params"))
    western.put("turma/João/params.py", full("params"))
    western.student({"student": "Søren", "name": "Søren Ødegård"}, params=wrong("params"))
    western.put("turma/Søren/params.py", wrong("params"))
    chinese = Run("windows-gbk", ["params"], "chinese", shape="windows-gbk")
    chinese.student({"student": "张伟", "name": "张伟"}, params=full("params"))
    chinese.put("作业/张伟/params.py", full("params"))
    chinese.student({"student": "李娜", "name": "李娜"}, params=Work("params", "full", "jupyter"))
    chinese.put("作业/李娜/params.ipynb", Work("params", "full", "jupyter"))
    chinese.put("作业/李娜/params.py", stub("params"))
    zips = Run("zip-per-student", ["params"], "bom", shape="mac")
    zips.student({"student": "tom", "name": "Tom Berg"}, params=full("params"))
    zips.put("emailed/tom.zip", zip_bytes([("tom/params.py", full("params").data())]))
    zips.student({"student": "una", "name": "Una Moss"}, params=wrong("params"))
    zips.put("emailed/Una.zip", zip_bytes([("params.py", wrong("params").data())]))
    return [western, chinese, zips]


def canvas_refinder_run() -> Run:
    """A Canvas download unzipped by Finder and zipped again (a wrapping folder, `__MACOSX/`,
    decomposed accents: Canvas keeps a name's letters)."""
    run = Run("canvas-refinder", ["params"], "german", shape="mac")
    run.student({"student": "jmuller", "name": "Jürgen Müller", "lms_id": "2001"}, params=full("params"))
    run.put("submissions/müllerjürgen_2001_60001_params.py", full("params"))
    run.student({"student": "ocho", "name": "Olga Cho", "lms_id": "2002"}, params=wrong("params"))
    run.put("submissions/choolga_LATE_2002_60002_params (1).py", wrong("params"))
    return run


def blackboard_pair_run() -> Run:
    """Blackboard's download of two students whose usernames share `li_`; roster of usernames only."""
    run = Run("blackboard-pair", ["params"], "bom", shape="folder")
    for user, name, stamp, work in (
        ("li_wei", "Li Wei", "2026-10-30-10-00-00", full("params")),
        ("li_na", "Li Na", "2026-10-31-21-15-00", wrong("params")),
    ):
        stored = f"Params HW_{user}_attempt_{stamp}_params.py"
        run.put(stored, work)
        run.put(f"Params HW_{user}_attempt_{stamp}.txt", _receipt(name, user, stamp, [("params.py", stored)]))
        run.student({"student": user}, params=work)
    return run


def hand_made_run() -> Run:
    """A class folder made by hand from e-mails: a folder named by the student's name, Notepad's
    BOM and CRLF, Finder's "Keep Both" copy, a student's own Mac zip; roster "CSV UTF-8" (German)."""
    run = Run("hand-made", ["params"], "german-utf8", shape="folder")
    run.student({"student": "jdoe2", "name": "Jane Doe"}, params=full("params"))
    run.put("Jane Doe/params.py", full("params"))
    notepad = Work("params", "full", "notepad")
    run.student({"student": "kim", "name": "Kim Park"}, params=notepad)
    run.put("kim/params.py", notepad)
    run.put("kim/params.ipynb", Work("params", "partial", "jupyter"))
    run.student(
        {"student": "lars\u200b", "name": "Lars Berg"}, params=full("params")
    )  # pasted from a web page
    run.put("lars/params.py", stub("params"))
    run.put("lars/params 2.py", full("params"))
    mac_own = zip_bytes(
        [
            ("hw4/params.py", wrong("params").data()),
            ("__MACOSX/hw4/._params.py", b"\0\5\26\7Mac OS X        ATTR"),
        ]
    )
    run.student({"student": "mia", "name": "Mia Lund"}, params=wrong("params"))
    run.put("mia/mia_hw4.zip", mac_own)
    run.put("mia/params.ipynb", Work("params", "stub", "jupyter"))
    return run


def all_runs() -> list[Run]:
    """Every input of the class."""
    return [
        mac_run(),
        windows_run(),
        *windows_locale_runs(),
        canvas_run(),
        canvas_refinder_run(),
        *moodle_runs(),
        gradescope_run(),
        blackboard_run(),
        blackboard_pair_run(),
        hand_made_run(),
    ]


# --- GitHub Classroom, through `course collect --from` ----------------------------------------

COLLECT_STUDENTS = {  # repository params-<name> -> (roster row, {file in assignments/params: work}, graded)
    "JaneDoe": (
        {"student": "janedoe", "name": "Jane Doe"},
        {"params.ipynb": Work("params", "full", "jupyter")},
        Work("params", "full", "jupyter"),
    ),
    "bob-smith": ({"student": "bob-smith"}, {"params.py": wrong("params")}, wrong("params")),
    "carol": (
        {"student": "carol"},
        {"params.py": None, "Params.py": full("params"), "params.ipynb": Work("params", "partial", "colab")},
        full("params"),
    ),
    "dan": ({"student": "dan"}, {"hw/params.py": full("params")}, full("params")),
}


def _shifted_course(scratch: Path) -> Path:
    """A copy of the course whose dates are moved so that today falls inside params' window (the
    student repositories are collected now, as the README's hourly collection would)."""
    import datetime as dt
    import re

    course = scratch / "collect-course"
    shutil.copytree(
        ROOT,
        course,
        ignore=shutil.ignore_patterns(".git", "toolkit", "bench", "docs", "*.egg-info", "__pycache__"),
    )
    config = course / "course.yml"
    text = config.read_text(encoding="utf-8")
    due = dt.datetime.fromisoformat("2026-11-02T23:59:00+08:00")
    delta = dt.timedelta(days=(dt.datetime.now(dt.timezone.utc) - due).days + 7)

    def moved(match: re.Match[str]) -> str:
        return f"{match[1]}: {(dt.datetime.fromisoformat(match[2]) + delta).isoformat()}"

    config.write_text(re.sub(r"(release|due): (\S+)", moved, text), encoding="utf-8")
    return course


def _repository(folder: Path, files: dict[str, Work | None]) -> None:
    """A student's copy of the template repository, with their commit."""
    shutil.copytree(ROOT / "assignments" / "params", folder / "assignments" / "params")
    (folder / "README.md").write_text("# params\n")
    for name, work in files.items():
        target = folder / "assignments" / "params" / name
        if work is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(work.data())
    git = ["git", "-c", "user.name=Student", "-c", "user.email=s@uni.example", "-C", str(folder)]
    for step in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "my work"]):
        subprocess.run([*git, *step], check=True, capture_output=True)


def collect_run(scratch: Path, cache: dict[Work, float | None]) -> list[tuple[str, bool, str]]:
    """`course collect --from repos --assignment params`, then `course grade-all collected/class`."""
    where = scratch / "collect"
    where.mkdir()
    course = _shifted_course(scratch)
    run = Run("classroom", ["params"], "bom")
    for name, (row, files, graded) in COLLECT_STUDENTS.items():
        _repository(where / "repos" / f"params-{name}", files)
        run.student(row, params=graded)
    write_roster(where / "roster.csv", run.roster, "bom")
    common = ["--roster", where / "roster.csv", "--course", course]
    collect = [BIN / "course", "collect", "--from", where / "repos", "--assignment", "params"]
    done = subprocess.run([*collect, *common], cwd=where, capture_output=True, text=True, check=False)
    grade_all = [BIN / "course", "grade-all", where / "collected" / "class", "--assignment", "params"]
    grade_all += ["--times", where / "collected" / "times.csv", "--out", where / "grades", "--workers", "1"]
    graded = subprocess.run([*grade_all, *common], cwd=where, capture_output=True, text=True, check=False)
    rows = {}
    book = where / "grades" / "gradebook.csv"
    if book.is_file():
        with book.open(encoding="utf-8", newline="") as handle:
            rows = {row["student"]: row for row in csv.DictReader(handle)}
    expected = {key: expected_score(work, scratch, cache) for key, work in run.expected.items()}
    lines = compare(run, graded.returncode or done.returncode, rows, expected)
    if done.returncode or graded.returncode:
        lines.append((f"collect said: {(done.stderr + graded.stderr).strip()[-300:]}", False, ""))
    return lines


# --- grading ---------------------------------------------------------------------------------


def expected_score(work: Work, scratch: Path, cache: dict[Work, float | None]) -> float | None:
    """The work graded alone: `grade <id> --official --submission FILE --json`."""
    if work not in cache:
        folder = scratch / "alone" / hashlib.sha1(repr(work).encode()).hexdigest()[:10]
        folder.mkdir(parents=True)
        path = folder / f"{work.assignment}{work.suffix()}"
        path.write_bytes(work.data())
        record = folder / "report.json"
        subprocess.run(
            [BIN / "grade", work.assignment, "--official", "--submission", path, "--json", record],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        cache[work] = json.loads(record.read_text())["score"] if record.is_file() else None
    return cache[work]


def build_input(run: Run, where: Path) -> Path:
    """Write the run's input (a zip, or a folder) and its roster; return the input's path."""
    where.mkdir(parents=True)
    write_roster(where / "roster.csv", run.roster, run.roster_style)
    if run.shape == "folder":
        source = where / "download"
        for name, data in run.files:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes(data)
        return source
    source = where / f"{run.name}.zip"
    write_zip(source, run.files, run.shape)
    return source


def grade_run(run: Run, where: Path) -> tuple[int, dict[str, dict[str, str]], str]:
    """`course grade-all INPUT --assignment ... --roster roster.csv --out grades --workers 1`."""
    source = build_input(run, where)
    command = [
        BIN / "course",
        "grade-all",
        source,
        "--roster",
        where / "roster.csv",
        "--out",
        where / "grades",
    ]
    for assignment in run.assignments:
        command += ["--assignment", assignment]
    done = subprocess.run(
        [*command, "--workers", "1", "--course", ROOT], cwd=where, capture_output=True, text=True, check=False
    )
    book = where / "grades" / "gradebook.csv"
    rows = {}
    if book.is_file():
        with book.open(encoding="utf-8", newline="") as handle:
            rows = {row["student"]: row for row in csv.DictReader(handle)}
    return done.returncode, rows, (done.stderr or done.stdout)[-600:]


DATE_TYPOS = {  # params' due date as typed wrong
    "due before release": "due: 2026-10-13T23:59:00+08:00",
    "due in 2062": "due: 2062-11-02T23:59:00+08:00",
}


def export_check(run: Run, where: Path) -> tuple[str, bool, str]:
    """`course export grades/gradebook.csv --format canvas --roster roster.csv`: one row per
    roster student with a Canvas id, none twice."""
    command = [BIN / "course", "export", where / "grades" / "gradebook.csv", "--format", "canvas"]
    command += ["--roster", where / "roster.csv", "--course", ROOT]
    done = subprocess.run(command, cwd=where, capture_output=True, text=True, check=False)
    written = where / "grades" / "canvas.csv"
    ids: list[str] = []
    if written.is_file():
        with written.open(encoding="utf-8-sig", newline="") as handle:
            ids = [row.get("ID", "") for row in csv.DictReader(handle)]
    ids = [i for i in ids if i.strip().isdigit()]  # Canvas's "Points Possible" row has none
    wanted = sorted(row["lms_id"] for row in run.roster if row.get("lms_id"))
    said = (done.stderr.strip().splitlines() or [""])[-1]
    missing = [row["student"] for row in run.roster if not row.get("lms_id")]
    refused = done.returncode == 2 and bool(missing) and all(repr(m) in said for m in missing)
    right = (done.returncode == 0 and sorted(ids) == wanted) or refused  # a student without an id: said
    return (
        f"{run.name:15} course export --format canvas: exit {done.returncode}, ids {sorted(ids)}",
        right,
        said,
    )


def date_checks(scratch: Path) -> list[tuple[str, bool, str]]:
    """A typo in a date: `course validate` and `course grade-all` must exit 2, naming the field."""
    (scratch / "dates-class" / "alice").mkdir(parents=True)
    (scratch / "dates-class" / "alice" / "params.py").write_bytes(full("params").data())
    checks = []
    for number, (typo, due) in enumerate(DATE_TYPOS.items()):
        course = scratch / f"dates-course-{number}"
        shutil.copytree(
            ROOT,
            course,
            ignore=shutil.ignore_patterns(".git", "toolkit", "bench", "docs", "*.egg-info", "__pycache__"),
        )
        config = course / "course.yml"
        text = config.read_text(encoding="utf-8")
        old = "due: 2026-11-02T23:59:00+08:00"
        assert old in text
        config.write_text(text.replace(old, due))
        grade_all = [BIN / "course", "grade-all", scratch / "dates-class", "--assignment", "params"]
        grade_all += ["--out", scratch / f"dates-grades-{number}", "--workers", "1", "--course", course]
        for what, command in (
            ("course validate", [BIN / "course", "validate", "--course", course]),
            ("course grade-all", grade_all),
        ):
            done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=scratch)
            said = (done.stderr.strip().splitlines() or [""])[-1]
            right = done.returncode == 2 and "params" in said
            checks.append((f"{typo}: {what} exit {done.returncode}", right, said[:150]))
    return checks


def compare(
    run: Run, code: int, rows: dict[str, dict[str, str]], expected: dict[tuple[str, str], float | None]
) -> list[tuple[str, bool, str]]:
    """One line per (student, assignment): expected vs the gradebook."""
    lines = []
    for (student, assignment), score in expected.items():
        cell = rows.get(student, {}).get(assignment, "")
        got = float(cell) if cell not in ("", None) else None
        right = got is not None and score is not None and abs(got - score) < 0.005
        note = rows.get(student, {}).get("notes", "") if student in rows else "(no row)"
        lines.append(
            (
                f"{run.name:15} {student:8} {assignment:6} expected {score} gradebook {cell or '-'}",
                right,
                note,
            )
        )
    extra = sorted(set(rows) - {row["student"] for row in run.roster})
    if extra or code != 0:
        lines.append(
            (f"{run.name:15} exit {code}; rows not on the roster: {extra}", not extra and code == 0, "")
        )
    return lines


@dataclass
class Tally:
    """Lines printed and counted: (student, assignment) cells, and other checks."""

    cells: list[bool] = field(default_factory=list)
    checks: list[bool] = field(default_factory=list)

    def add(self, line: str, right: bool, note: str, always: bool = False) -> None:
        """Print one line (the note when wrong, or `always`) and count it."""
        shown = f"  [{note[:160]}]" if note and (always or not right) else ""
        print(f"{'ok ' if right else 'BAD'} {line}{shown}", flush=True)
        (self.cells if " expected " in line else self.checks).append(right)


def main() -> int:
    """Build, grade and compare; print one line per student and the count right."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--only", action="append", help="grade only this run (repeatable)")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="messy-heldout-"))
    cache: dict[Work, float | None] = {}
    tally = Tally()
    try:
        for run in [r for r in all_runs() if not options.only or r.name in options.only]:
            expected = {key: expected_score(work, scratch, cache) for key, work in run.expected.items()}
            code, rows, said = grade_run(run, scratch / run.name)
            for line in compare(run, code, rows, expected):
                tally.add(*line)
            if code != 0:
                print(f"    grade-all said: {said.strip()[-300:]}")
            if run.name.startswith("canvas"):
                tally.add(*export_check(run, scratch / run.name), always=True)
        if not options.only or "classroom" in options.only:
            for line in collect_run(scratch, cache):
                tally.add(*line)
        for line in date_checks(scratch) if not options.only else []:
            tally.add(*line, always=True)
        print(
            f"\nscores right: {sum(tally.cells)}/{len(tally.cells)} (student, assignment) cells; "
            f"checks right: {sum(tally.checks)}/{len(tally.checks)}"
        )
    finally:
        if options.keep:
            print(f"kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
