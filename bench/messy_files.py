"""Files as real tools write them, for bench/messy_class.py: student work, notebooks, zips, rosters.

Nothing here imports the grader: the evaluation set is built apart from the code that reads it.

- Student work: the reference (solutions/<id>.py without its solution markers), the released stub,
  the reference with some functions put back to the stub's `raise NotImplementedError`, or the
  reference with one known bug.
- Notebooks: the released `assignments/<id>/<id>.ipynb` with its solution cells filled, saved as
  Jupyter, Google Colab or VS Code save them (outputs, execution counts, their own metadata).
- Zips: written with names as given (UTF-8 flag set), or as raw bytes without the flag (macOS
  Finder's Archive Utility writes UTF-8 NFD names without it; Windows' "Send to > Compressed
  folder" writes the OEM code page, cp437, without it), with macOS litter (`__MACOSX/._name`
  AppleDouble files, `.DS_Store`).
- Rosters: Excel in a French locale ("CSV (séparateur : point-virgule)": `;`, cp1252, CRLF,
  decimal comma), in a Chinese locale (comma, GBK), Excel's "Unicode Text" (UTF-16 with a
  byte-order mark, tabs) and "CSV UTF-8" (comma, UTF-8 with a byte-order mark).
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import v4

ROOT = Path(__file__).resolve().parents[1]
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### HINT")
ROSTER_COLUMNS = ("student", "name", "email", "lms_id", "sis_id", "extension_hours")

# AppleDouble header (magic 0x00051607, version 2, "Mac OS X" filler, 2 entries): what Finder puts
# in __MACOSX/<folder>/._<name> for each file with extended attributes.
APPLE_DOUBLE = (
    b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02"
    + b"\x00\x00\x00\x09\x00\x00\x00\x32\x00\x00\x0e\xb0"
    + b"\x00\x00\x00\x02\x00\x00\x0e\xe2\x00\x00\x01\x1e"
    + b"\x00" * 64
)
DS_STORE = b"\x00\x00\x00\x01Bud1" + b"\x00" * 2040


@dataclass(frozen=True)
class Work:
    """One piece of student work in its canonical form: what the student meant to hand in."""

    suffix: str  # ".py" or ".ipynb"
    data: bytes
    label: str  # what it is: "reference", "stub", "partial: conv_forward stubbed", ...

    @property
    def digest(self) -> str:
        """A short hash of the content (grading it alone is done once per content)."""
        return hashlib.sha256(self.suffix.encode() + self.data).hexdigest()[:16]


# ---------------------------------------------------------------- student code


def reference_text(assignment: str) -> str:
    """solutions/<id>.py without the solution markers: a complete, honest submission."""
    text = (ROOT / "solutions" / f"{assignment}.py").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.strip().startswith(MARKERS)]
    return "\n".join(lines) + "\n"


def stub_text(assignment: str) -> str:
    """The released stub, untouched."""
    return (ROOT / "assignments" / assignment / f"{assignment}.py").read_text(encoding="utf-8")


def function_sources(text: str) -> dict[str, str]:
    """Top-level function name -> its source text."""
    tree = ast.parse(text)
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            segment = ast.get_source_segment(text, node)
            assert segment is not None
            found[node.name] = segment
    return found


def partial_text(assignment: str, stubbed: tuple[str, ...]) -> str:
    """The reference with the named functions put back to the stub's version."""
    text = reference_text(assignment)
    ours, stubs = function_sources(text), function_sources(stub_text(assignment))
    for name in stubbed:
        text = text.replace(ours[name], stubs[name])
    return text


def buggy_text(assignment: str, old: str, new: str) -> str:
    """The reference with one known bug (old -> new, which must be there)."""
    text = reference_text(assignment)
    assert old in text, f"{assignment}: the bug's line {old!r} is not in the reference"
    return text.replace(old, new)


def py(text: str, label: str) -> Work:
    """A module as the student saved it."""
    return Work(".py", text.encode("utf-8"), label)


# ---------------------------------------------------------------- notebooks


def _released_notebook(assignment: str) -> nbformat.NotebookNode:
    path = ROOT / "assignments" / assignment / f"{assignment}.ipynb"
    return nbformat.read(path, as_version=4)


def _fill(notebook: nbformat.NotebookNode, text: str) -> None:
    """Write each function of `text` into the solution cell the handout gave for it."""
    sources = function_sources(text)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in sources:
            cell.source = sources[meta["grade_id"]]


def _executed(notebook: nbformat.NotebookNode, scratch: str, result: str) -> None:
    """Number the code cells as a kernel run top to bottom does, and add a scratch cell."""
    cell = v4.new_code_cell(scratch)
    cell.outputs = [v4.new_output("execute_result", {"text/plain": result}, execution_count=0)]
    notebook.cells.append(cell)
    count = 0
    for cell in notebook.cells:
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = count


def _jupyter(notebook: nbformat.NotebookNode, name: str) -> bytes:
    """JupyterLab 4: nbformat 4.5 with cell ids, full language_info, indent 1."""
    notebook.metadata["language_info"] = {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": "3.11.9",
    }
    return (nbformat.writes(notebook) + "\n").encode("utf-8")


def _colab(notebook: nbformat.NotebookNode, name: str) -> bytes:
    """Google Colab: nbformat 4.0 (no cell ids), a `colab` block, per-cell `id` and output ids."""
    data = json.loads(nbformat.writes(notebook))
    data["nbformat_minor"] = 0
    data["metadata"] = {
        "colab": {"provenance": [], "collapsed_sections": [], "name": name},
        "kernelspec": {"name": "python3", "display_name": "Python 3"},
        "language_info": {"name": "python"},
    }
    for number, cell in enumerate(data["cells"]):
        cell_id = cell.pop("id", f"c{number}")
        cell["metadata"]["id"] = hashlib.md5(cell_id.encode()).hexdigest()[:12]
        if cell.get("outputs"):
            cell["metadata"]["colab"] = {"base_uri": "https://localhost:8080/"}
            cell["metadata"]["outputId"] = hashlib.md5(cell_id.encode()).hexdigest()[12:20]
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def _vscode(notebook: nbformat.NotebookNode, name: str) -> bytes:
    """VS Code's Jupyter extension: a `.venv` kernel, `vscode.interpreter.hash`, indent 1."""
    notebook.metadata["kernelspec"] = {"display_name": ".venv", "language": "python", "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python", "version": "3.12.3"}
    notebook.metadata["vscode"] = {"interpreter": {"hash": hashlib.sha256(b".venv").hexdigest()}}
    return nbformat.writes(notebook).encode("utf-8")


SAVERS = {"jupyter": _jupyter, "colab": _colab, "vscode": _vscode}


def notebook(assignment: str, text: str, style: str, label: str) -> Work:
    """The released notebook filled with `text`'s functions and saved by `style`'s editor."""
    book = _released_notebook(assignment)
    _fill(book, text)
    _executed(book, "1 + 1  # scratch: the kernel works", "2")
    return Work(".ipynb", SAVERS[style](book, f"{assignment}.ipynb"), f"{label}, {style} notebook")


# ---------------------------------------------------------------- zips


class _RawName(zipfile.ZipInfo):
    """A zip entry whose name is written as the given bytes, without the UTF-8 flag."""

    def __init__(self, raw: bytes, shown: str) -> None:
        super().__init__(shown, date_time=(2026, 9, 21, 22, 30, 0))
        self.raw = raw
        self.compress_type = zipfile.ZIP_DEFLATED

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's name)
        return self.raw, self.flag_bits & ~0x800


def zip_bytes(entries: dict[str, bytes], encoding: str | None = None, nfd: bool = False) -> bytes:
    """A zip of name -> bytes (a name ending in / is a folder).

    Args:
        entries: the archive's entries, in order.
        encoding: None: Python's zipfile (UTF-8 flag set for non-ASCII names); else the names'
            encoding, written without the flag (Finder: "utf-8"; Windows: "cp437").
        nfd: decompose names first (macOS file names are NFD).

    Returns:
        the zip file's bytes.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            shown = unicodedata.normalize("NFD", name) if nfd else name
            if encoding is None:
                info = zipfile.ZipInfo(shown, date_time=(2026, 9, 21, 22, 30, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
            else:
                info = _RawName(shown.encode(encoding), shown)
            if name.endswith("/"):
                info.external_attr = 0o40755 << 16 | 0x10
            archive.writestr(info, data)
    return buffer.getvalue()


def finder_entries(folder: str, files: dict[str, bytes]) -> dict[str, bytes]:
    """Entries as Finder's "Compress" writes them for a folder: folders, files, __MACOSX twins."""
    entries: dict[str, bytes] = {f"{folder}/": b""} if folder else {}
    prefix = f"{folder}/" if folder else ""
    for name, data in files.items():
        parts = name.split("/")
        for depth in range(1, len(parts)):
            entries.setdefault(prefix + "/".join(parts[:depth]) + "/", b"")
        entries[prefix + name] = data
    for name in files:
        head, _, tail = (prefix + name).rpartition("/")
        entries[f"__MACOSX/{head}/._{tail}" if head else f"__MACOSX/._{tail}"] = APPLE_DOUBLE
    return entries


# ---------------------------------------------------------------- rosters


def _rows(students: list[dict[str, str]], decimal_comma: bool) -> list[list[str]]:
    rows = [list(ROSTER_COLUMNS)]
    for student in students:
        row = [str(student.get(column, "")) for column in ROSTER_COLUMNS]
        if decimal_comma:
            row[-1] = row[-1].replace(".", ",")
        rows.append(row)
    return rows


def write_roster(path: Path, students: list[dict[str, str]], style: str) -> None:
    """A roster as Excel saves it.

    Styles: "excel-fr" (French locale: `;`, cp1252, decimal comma), "excel-zh" (Chinese locale's
    "CSV (逗号分隔)": comma, GBK), "unicode-text" (UTF-16 with BOM, tabs), "utf8-bom" ("CSV UTF-8").
    """
    buffer = io.StringIO()
    delimiter = {"excel-fr": ";", "unicode-text": "\t", "utf8-bom": ",", "excel-zh": ","}[style]
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(_rows(students, decimal_comma=style == "excel-fr"))
    encoding = {"excel-fr": "cp1252", "unicode-text": "utf-16", "utf8-bom": "utf-8-sig", "excel-zh": "gbk"}[
        style
    ]
    path.write_bytes(buffer.getvalue().encode(encoding))
