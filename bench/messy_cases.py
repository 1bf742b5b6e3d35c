"""The messy class of bench/messy_class.py: students, the shape of their work, and how it arrives.

Each batch is one input an instructor hands to `course grade-all` (a folder of student folders, or
an LMS's download), with its own roster written as Excel writes it. Each student carries the roster
row, a kind (the family of mess) and, per assignment, the canonical form of their work (what the
expected score is computed from, graded alone).

LMS layouts (each cited where it is built):
- Canvas "Download Submissions": one flat `submissions.zip`, every file renamed
  `<lastfirst>[_LATE]_<user id>_<submission id>_<uploaded name>`, a resubmitted file's uploaded
  name getting `-1`, `-2`... (Canvas renames files and puts them all at the root of the zip:
  https://gist.github.com/RyanNutt/363baaf23a38f63a4389331e98535ea3, which splits names on the
  pattern `[a-z]*?_[0-9]*?_[0-9]*?_` and describes the resubmission suffix).
- Moodle "Download all submissions" (mod/assign/locallib.php, download_submissions): prefix
  `<full name>_<participant id>_assignsubmission_<plugin>_`; flat: the prefix plus the file name;
  "Download submissions in folders" (string downloadasfolders_help, moodle/moodle commit 381bb72:
  "Each submission is then put in a separate folder, with the folder structure kept for any
  subfolders, and files are not renamed"): the prefix is a folder.
- Gradescope "Export Submissions": `assignment_<id>_export/submission_<id>/<files as uploaded>`
  and `assignment_<id>_export/submission_metadata.yml` keyed by `submission_<id>` with
  `:submitters:` (`:name:`, `:sid:`, `:email:`) and `:created_at:` (the fields of
  https://gradescope-autograders.readthedocs.io/en/latest/submission_metadata/ : users' name and
  email, created_at).
- Blackboard "Assignment File Download" (Grade Centre, https://repos.vangef.net/vangef/
  BBGradebookOrganiser docs/instructions.md): a flat `gradebook_<course>_<assignment>_<time>.zip`
  with, per attempt, a receipt `<assignment>_<user>_attempt_<YYYY-MM-DD-HH-MM-SS>.txt` and each
  file as `<assignment>_<user>_attempt_<time>_<original name>`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from messy_files import (
    APPLE_DOUBLE,
    DS_STORE,
    Work,
    buggy_text,
    finder_entries,
    notebook,
    partial_text,
    py,
    reference_text,
    stub_text,
    zip_bytes,
)

CONV = "conv"
NFD = "NFD"


@dataclass
class Student:
    """One roster student, the kind of mess around their work, and their work per assignment."""

    roster: dict[str, str]
    kind: str
    detail: str
    works: dict[str, Work | None] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The student id as the roster spells it."""
        return self.roster["student"]


@dataclass
class Batch:
    """One input to `course grade-all`, its roster and the assignments graded."""

    name: str
    roster_style: str
    assignments: list[str]
    students: list[Student]
    source: Path


def _work() -> dict[str, Work]:
    ref = reference_text(CONV)
    return {
        "ref": py(ref, "reference"),
        "stub": py(stub_text(CONV), "untouched stub"),
        "no_forward": py(partial_text(CONV, ("conv_forward",)), "conv_forward not done"),
        "no_pad_step": py(
            partial_text(CONV, ("zero_pad", "conv_single_step")), "zero_pad, conv_single_step not done"
        ),
        "ceil": py(
            buggy_text(
                CONV, "return (n + 2 * pad - f) // stride + 1", "return -(-(n + 2 * pad - f) // stride) + 1"
            ),
            "ceil instead of floor",
        ),
        "bias": py(
            buggy_text(CONV, "return float(np.sum(a_slice * w) + b)", "return float(np.sum(a_slice * w))"),
            "bias forgotten",
        ),
        "stride": py(
            buggy_text(CONV, "top, left = i * stride, j * stride", "top, left = i, j"), "stride ignored"
        ),
        "pad": py(
            buggy_text(CONV, "(pad, pad), (pad, pad)))", "(0, 2 * pad), (0, 2 * pad)))"),
            "padding on one side",
        ),
    }


W = _work()


def nb(key: str, style: str) -> Work:
    """The notebook holding the functions of W[key], saved by `style`."""
    return notebook(CONV, W[key].data.decode(), style, W[key].label)


def _place(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _zip_of(files: dict[str, bytes], folder: str = "") -> bytes:
    """A zip a student made of their work with Finder (with __MACOSX twins)."""
    return zip_bytes(finder_entries(folder, files), encoding="utf-8", nfd=True)


def _row(student: str, **extra: str) -> dict[str, str]:
    return {"student": student, **extra}


# ---------------------------------------------------------------- the class folder


def _folder_students() -> list[tuple[Student, str, dict[str, bytes]]]:
    """(student, folder name, files in that folder): the main class, one folder per student."""
    ref, stub = W["ref"].data, W["stub"].data
    cases: list[tuple[Student, str, dict[str, bytes]]] = []

    def add(row: dict[str, str], kind: str, detail: str, work: Work | None, folder: str, files: dict) -> None:
        cases.append((Student(row, kind, detail, {CONV: work}), folder, files))

    add(
        _row("amara", extension_hours="1.5"),
        "control",
        "conv.py, reference",
        W["ref"],
        "amara",
        {"conv.py": ref},
    )
    add(
        _row("baptiste"),
        "control",
        "conv.py, partial",
        W["no_forward"],
        "baptiste",
        {"conv.py": W["no_forward"].data},
    )
    add(_row("chloe"), "control", "conv.py, untouched stub", W["stub"], "chloe", {"conv.py": stub})
    add(_row("dmitri"), "control", "nothing submitted", None, "", {})
    jup, colab, vsc = nb("ref", "jupyter"), nb("no_pad_step", "colab"), nb("ref", "vscode")
    add(
        _row("elif"),
        "shape",
        "Jupyter notebook + untouched stub",
        jup,
        "elif",
        {"conv.ipynb": jup.data, "conv.py": stub},
    )
    add(
        _row("farah"),
        "shape",
        "Colab notebook (partial) + untouched stub",
        colab,
        "farah",
        {"conv.ipynb": colab.data, "conv.py": stub},
    )
    add(_row("gustav"), "shape", "VS Code notebook only", vsc, "gustav", {"conv.ipynb": vsc.data})
    hana_nb = nb("ref", "jupyter")
    add(
        _row("hana"),
        "shape",
        "both edited: partial module, complete notebook",
        hana_nb,
        "hana",
        {"conv.py": W["no_forward"].data, "conv.ipynb": hana_nb.data},
    )
    add(
        _row("ivan"),
        "shape",
        "both edited, as complete: the module",
        W["ceil"],
        "ivan",
        {"conv.py": W["ceil"].data, "conv.ipynb": nb("stride", "vscode").data},
    )
    add(_row("jonas"), "name", "Conv.py", W["ref"], "jonas", {"Conv.py": ref})
    add(_row("keiko"), "name", "CONV.PY", W["bias"], "keiko", {"CONV.PY": W["bias"].data})
    add(_row("liam"), "name", "conv (1).py (browser's copy)", W["ref"], "liam", {"conv (1).py": ref})
    add(
        _row("mei"),
        "name",
        "conv.py stub + conv-1.py (Canvas resubmission)",
        W["stride"],
        "mei",
        {"conv.py": stub, "conv-1.py": W["stride"].data},
    )
    add(_row("nour"), "name", "hw1/conv.py", W["stride"], "nour", {"hw1/conv.py": W["stride"].data})
    add(_row("oskar"), "name", "conv/conv.py", W["ref"], "oskar", {"conv/conv.py": ref})
    add(
        _row("priya"),
        "name",
        "conv.zip (Finder, __MACOSX)",
        W["no_forward"],
        "priya",
        {"conv.zip": _zip_of({"conv.py": W["no_forward"].data})},
    )
    add(
        _row("quentin"),
        "name",
        "submission.zip holding submission/conv.py",
        W["ref"],
        "quentin",
        {"submission.zip": _zip_of({"conv.py": ref, ".DS_Store": DS_STORE}, "submission")},
    )
    add(
        _row("rosa"),
        "name",
        "conv.py + .DS_Store + __MACOSX/._conv.py",
        W["pad"],
        "rosa",
        {"conv.py": W["pad"].data, ".DS_Store": DS_STORE, "__MACOSX/._conv.py": APPLE_DOUBLE},
    )
    add(_row("sami"), "name", "conv-1.py alone", W["pad"], "sami", {"conv-1.py": W["pad"].data})
    add(
        _row("alice", extension_hours="24"),
        "identity",
        "roster alice, folder Alice",
        W["ref"],
        "Alice",
        {"conv.py": ref},
    )
    add(
        _row("Zoë"),
        "identity",
        "roster Zoë (NFC), folder NFD",
        W["no_forward"],
        unicodedata.normalize(NFD, "Zoë"),
        {"conv.py": W["no_forward"].data},
    )
    add(
        _row("bob "),
        "identity",
        "roster 'bob ' (trailing space), folder bob",
        W["ref"],
        "bob",
        {"conv.py": ref},
    )
    add(
        _row("tomas"),
        "identity",
        "folder 'tomas ' (trailing space)",
        W["bias"],
        "tomas ",
        {"conv.py": W["bias"].data},
    )
    add(_row("chen"), "identity", "folder in full-width letters", W["ref"], "ｃｈｅｎ", {"conv.py": ref})
    add(
        _row("dsmith", email="dana.smith@uni.example"),
        "identity",
        "folder named by email",
        W["ceil"],
        "dana.smith@uni.example",
        {"conv.py": W["ceil"].data},
    )
    add(
        _row("yali", email="yusuf.ali@uni.example"),
        "identity",
        "folder named by email, other case",
        W["ref"],
        "Yusuf.Ali@Uni.Example",
        {"conv.py": ref},
    )
    add(
        _row("erik", lms_id="204518"),
        "identity",
        "folder named by LMS id",
        W["ref"],
        "204518",
        {"conv.py": ref},
    )
    add(
        _row("fatima", sis_id="S2026017"),
        "identity",
        "folder named by SIS id",
        W["no_pad_step"],
        "S2026017",
        {"conv.py": W["no_pad_step"].data},
    )
    add(
        _row("Éloïse"),
        "identity",
        "roster Éloïse, folder éloïse in NFD",
        W["ref"],
        unicodedata.normalize(NFD, "éloïse"),
        {"conv.py": ref},
    )
    _more_folder_students(add)
    return cases


def _more_folder_students(add: Callable[..., None]) -> None:
    """Editors' and operating systems' own copies and litter, and an id in other case."""
    ref, stub = W["ref"].data, W["stub"].data
    copy_of = nb("no_forward", "colab")
    add(
        _row("uma"),
        "name",
        "Colab's 'Copy of conv.ipynb' + untouched stub",
        copy_of,
        "uma",
        {"Copy of conv.ipynb": copy_of.data, "conv.py": stub},
    )
    copy1 = nb("ref", "jupyter")
    add(
        _row("xavier"),
        "name",
        "Jupyter's conv-Copy1.ipynb",
        copy1,
        "xavier",
        {"conv-Copy1.ipynb": copy1.data},
    )
    vera = nb("ref", "jupyter")
    add(
        _row("vera"),
        "name",
        "conv.ipynb + .ipynb_checkpoints/conv-checkpoint.ipynb (older) + stub",
        vera,
        "vera",
        {
            "conv.ipynb": vera.data,
            ".ipynb_checkpoints/conv-checkpoint.ipynb": nb("no_pad_step", "jupyter").data,
            "conv.py": stub,
        },
    )
    pyc = b"\xa7\r\r\n\x00\x00\x00\x00" + bytes(range(256)) * 8
    add(
        _row("wang"),
        "name",
        "conv.py + __pycache__/conv.cpython-311.pyc + conv.py.bak (stub)",
        W["ceil"],
        "wang",
        {"conv.py": W["ceil"].data, "__pycache__/conv.cpython-311.pyc": pyc, "conv.py.bak": stub},
    )
    add(_row("MarcoP"), "identity", "roster MarcoP, folder marcop", W["ref"], "marcop", {"conv.py": ref})


def build_folder(tmp: Path) -> Batch:
    """The main class: one folder per student, as the instructor gathered them."""
    source = tmp / "class"
    source.mkdir()
    students = []
    for student, folder, files in _folder_students():
        if folder:
            (source / folder).mkdir()
            _place(source / folder, files)
        students.append(student)
    (source / ".DS_Store").write_bytes(DS_STORE)
    return Batch("class folder", "excel-fr", [CONV], students, source)
