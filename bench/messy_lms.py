"""LMS downloads and class zips of bench/messy_class.py, each built as its platform writes it.

The layouts and their sources are described in bench/messy_cases.py's docstring; each builder
below repeats the one it follows.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from messy_cases import CONV, NFD, Batch, Student, W, _place, _row, _zip_of, nb
from messy_files import DS_STORE, Work, partial_text, py, reference_text, zip_bytes

PARAMS = "params"


def _student(row: dict[str, str], kind: str, detail: str, work: Work | None) -> Student:
    return Student(row, kind, detail, {CONV: work})


def build_canvas(tmp: Path) -> Batch:
    """Canvas "Download Submissions": flat submissions.zip, `<lastfirst>[_LATE]_<uid>_<sid>_<name>`.

    Canvas renames every file and puts it at the root of the zip; a resubmitted file's own name
    gets `-1` (https://gist.github.com/RyanNutt/363baaf23a38f63a4389331e98535ea3).
    """
    entries: dict[str, bytes] = {}
    students = []
    cases = [
        ("aharper", "Amy Harper", "31001", "harperamy_31001_5550101_conv.py", W["ref"], "plain"),
        (
            "jkowalski",
            "Jan Kowalski",
            "31002",
            "kowalskijan_LATE_31002_5550102_conv.py",
            W["no_forward"],
            "LATE marker",
        ),
        (
            "lnguyen",
            "Linh Nguyen",
            "31003",
            "nguyenlinh_31003_5550103_conv-1.py",
            W["ref"],
            "resubmission conv-1.py",
        ),
        (
            "cokafor",
            "Chidi Okafor",
            "31004",
            "okaforchidi_31004_5550104_conv.ipynb",
            nb("ref", "colab"),
            "Colab notebook",
        ),
        (
            "alee",
            "Amy Lee",
            "31005",
            "leeamy_31005_5550105_harperamy_31001_5550101_conv.py",
            W["stride"],
            "uploaded a file named like another student's Canvas file",
        ),
    ]
    for student, name, uid, file, work, detail in cases:
        entries[file] = work.data
        students.append(_student(_row(student, name=name, lms_id=uid), "lms: canvas", detail, work))
    both = nb("no_pad_step", "jupyter")
    entries["satoben_31008_5550108_conv.py"] = W["stub"].data
    entries["satoben_31008_5550108_conv.ipynb"] = both.data
    row = _row("bsato", name="Ben Sato", lms_id="31008")
    students.append(_student(row, "lms: canvas", "untouched conv.py + edited conv.ipynb", both))
    entries["patelraj_31006_5550106_conv.zip"] = _zip_of({"conv.py": W["bias"].data})
    row = _row("rpatel", name="Raj Patel", lms_id="31006")
    students.append(_student(row, "lms: canvas", "uploaded conv.zip", W["bias"]))
    students.append(
        _student(
            _row("wfischer", name="Wen Fischer", lms_id="31007"), "lms: canvas", "nothing submitted", None
        )
    )
    source = tmp / "submissions.zip"
    source.write_bytes(zip_bytes(entries))
    return Batch("Canvas Download Submissions", "unicode-text", [CONV], students, source)


def _moodle(folders: bool) -> tuple[dict[str, bytes], list[Student]]:
    """Moodle's download: prefix `<full name>_<participant id>_assignsubmission_<plugin>_`.

    mod/assign/locallib.php, download_submissions(): flat, the prefix plus the file's name; "in
    folders" (downloadasfolders), the prefix is a folder and files keep their names and subfolders.
    """
    kind = "lms: moodle in folders" if folders else "lms: moodle flat"
    cases = (
        [
            ("kmensah", "Kofi Mensah", "812350", "conv.py", W["ref"], "folder, conv.py", True),
            ("lvogel", "Lena Vogel", "812351", "hw1/conv.py", W["no_forward"], "folder, hw1/conv.py", True),
            (
                "ohaddad",
                "Omar Haddad",
                "812352",
                "conv.ipynb",
                nb("ref", "vscode"),
                "folder, VS Code notebook",
                True,
            ),
        ]
        if folders
        else [
            ("mgarcia", "María García", "812345", "conv.py", W["ref"], "flat, accented name", True),
            (
                "tbecker",
                "Tom Becker",
                "812346",
                "conv.ipynb",
                nb("no_pad_step", "jupyter"),
                "flat, notebook",
                True,
            ),
            ("alima", "Ana Lima", "812347", "Conv.py", W["ceil"], "flat, matched by name only", False),
        ]
    )
    entries: dict[str, bytes] = {}
    students = []
    for student, name, pid, file, work, detail, with_id in cases:
        prefix = f"{name}_{pid}_assignsubmission_file_"
        entries[f"{prefix}/{file}" if folders else prefix + file] = work.data
        text = f"<p>Submitted by {name}.</p>".encode()
        online = f"{name}_{pid}_assignsubmission_onlinetext_"
        entries[f"{online}/onlinetext.html" if folders else online + "onlinetext.html"] = text
        row = _row(student, name=name, lms_id=pid if with_id else "")
        students.append(_student(row, kind, detail, work))
    if folders:
        zipped = _zip_of({"hw/conv.py": W["stride"].data}, "submission")
        entries["Yan Chen_812353_assignsubmission_file_/submission.zip"] = zipped
        row = _row("ychen", name="Yan Chen", lms_id="812353")
        students.append(
            _student(row, kind, "folder, submission.zip holding submission/hw/conv.py", W["stride"])
        )
    return entries, students


def build_moodle(tmp: Path, folders: bool) -> Batch:
    """A Moodle "Download all submissions" zip, flat or in folders."""
    entries, students = _moodle(folders)
    source = tmp / ("CNN-2026-Convolution by hand-5521" + ("-folders" if folders else "") + ".zip")
    source.write_bytes(zip_bytes(entries))
    name = "Moodle download in folders" if folders else "Moodle download, flat"
    return Batch(name, "utf8-bom", [CONV], students, source)


def _gradescope_yaml(records: list[tuple[str, str, str, str, str]]) -> bytes:
    lines = ["---"]
    for submission, name, sid, email, created in records:
        lines += [
            f"{submission}:",
            "  :submitters:",
            f"  - :name: {name}",
            f"    :sid: '{sid}'",
            f"    :email: {email}",
            f"  :created_at: {created}",
            "  :score: 0.0",
            "  :status: processed",
        ]
    return ("\n".join(lines) + "\n").encode()


def build_gradescope(tmp: Path) -> Batch:
    """Gradescope "Export Submissions": assignment_<id>_export/ with submission_metadata.yml.

    One folder `submission_<id>` per submission holding the files as uploaded, and the export's
    own `submission_metadata.yml` (`:submitters:` with `:name:`, `:sid:`, `:email:`; `:created_at:`).
    """
    top = "assignment_4412345_export"
    fake = _gradescope_yaml(
        [
            (
                "submission_201000003",
                "Wei Zhang",
                "2026001",
                "wzhang@uni.example",
                "2026-09-20 09:00:00.000000000 +08:00",
            )
        ]
    )
    cases = [
        (
            "wzhang",
            "Wei Zhang",
            "2026001",
            "2026001",
            "201000001",
            {"conv.py": W["ref"].data},
            W["ref"],
            "matched by SIS id",
        ),
        (
            "pnovak",
            "Petra Novák",
            "",
            "2026002",
            "201000002",
            {"conv.ipynb": nb("no_forward", "jupyter").data},
            nb("no_forward", "jupyter"),
            "notebook, matched by email",
        ),
        (
            "hkim",
            "Hyun Kim",
            "2026003",
            "2026003",
            "201000003",
            {"hw1/conv.py": W["bias"].data, "submission_metadata.yml": fake},
            W["bias"],
            "hw1/conv.py and a submission_metadata.yml of their own naming another student",
        ),
    ]
    entries: dict[str, bytes] = {}
    students, records = [], []
    for student, name, roster_sid, sid, number, files, work, detail in cases:
        for file, data in files.items():
            entries[f"{top}/submission_{number}/{file}"] = data
        email = f"{student}@uni.example"
        records.append((f"submission_{number}", name, sid, email, "2026-09-20 21:14:07.331204000 +08:00"))
        row = _row(student, name=name, email=email, sis_id=roster_sid)
        students.append(_student(row, "lms: gradescope", detail, work))
    entries[f"{top}/submission_metadata.yml"] = _gradescope_yaml(records)
    source = tmp / f"{top}.zip"
    source.write_bytes(zip_bytes(entries))
    return Batch("Gradescope Export Submissions", "excel-fr", [CONV], students, source)


def _receipt(name: str, user: str, stamp: str, files: list[tuple[str, str]]) -> bytes:
    lines = [
        f"Name: {name} ({user})",
        "Assignment: Convolution by hand",
        f"Date Submitted: {stamp}",
        "Current Mark: Needs Marking",
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
        lines += [f"\tOriginal filename: {original}", f"\tFilename: {stored}"]
    return "\r\n".join(lines).encode("utf-8")


def build_blackboard(tmp: Path) -> Batch:
    """Blackboard "Assignment File Download": a flat gradebook_*.zip, receipts and files per attempt.

    `<assignment>_<user>_attempt_<YYYY-MM-DD-HH-MM-SS>.txt` (the receipt) and
    `<assignment>_<user>_attempt_<time>_<original name>` (BBGradebookOrganiser's instructions).
    """
    cases = [
        ("rkhan", "Rehan Khan", [("2026-09-21-20-05-11", "conv.py", W["ref"])], "receipt + conv.py"),
        (
            "mlopez",
            "Marta López",
            [("2026-09-20-11-40-02", "conv.ipynb", nb("no_pad_step", "colab"))],
            "Colab notebook",
        ),
        (
            "tnguyen",
            "Thu Nguyen",
            [("2026-09-19-09-00-00", "conv.py", W["stub"]), ("2026-09-21-18-30-45", "CONV.py", W["stride"])],
            "two attempts, the last CONV.py",
        ),
    ]
    entries: dict[str, bytes] = {}
    students = []
    for user, name, attempts, detail in cases:
        for stamp, original, work in attempts:
            base = f"Convolution by hand_{user}_attempt_{stamp}"
            entries[f"{base}_{original}"] = work.data
            entries[f"{base}.txt"] = _receipt(name, user, stamp, [(original, f"{base}_{original}")])
        students.append(_student(_row(user, name=name), "lms: blackboard", detail, attempts[-1][2]))
    source = tmp / "gradebook_CNN-2026_Convolution20by20hand_2026-09-22-08-00-00.zip"
    source.write_bytes(zip_bytes(entries))
    return Batch("Blackboard Assignment File Download", "unicode-text", [CONV], students, source)


def build_finder_zip(tmp: Path) -> Batch:
    """The class folder compressed by macOS Finder: `class/`, UTF-8 NFD names, no UTF-8 flag."""
    jurgen = nb("ref", "jupyter")
    cases = [
        ("renée", {"conv.py": W["ref"].data, ".DS_Store": DS_STORE}, W["ref"], "accented id, NFD, no flag"),
        (
            "jürgen",
            {"conv.ipynb": jurgen.data, "conv.py": W["stub"].data},
            jurgen,
            "notebook + stub, NFD, no flag",
        ),
        ("inès", {"Conv.py": W["no_forward"].data}, W["no_forward"], "Conv.py, NFD, no flag"),
    ]
    files: dict[str, bytes] = {".DS_Store": DS_STORE}
    students = []
    for student, own, work, detail in cases:
        for name, data in own.items():
            files[f"{unicodedata.normalize(NFD, student)}/{name}"] = data
        students.append(_student(_row(student), "class zip: macOS Finder", detail, work))
    source = tmp / "class-mac.zip"
    source.write_bytes(_zip_of(files, "class"))
    return Batch("class zip by macOS Finder", "utf8-bom", [CONV], students, source)


def build_windows_zip(tmp: Path) -> Batch:
    """Student folders sent to "Compressed (zipped) folder" on Windows: cp437 names, no flag."""
    nunez = nb("no_forward", "vscode")
    cases = [
        ("josé", "conv.py", W["ref"], "cp437 name"),
        ("müller", "conv (1).py", W["ceil"], "cp437 name, conv (1).py"),
        ("núñez", "conv.ipynb", nunez, "cp437 name, VS Code notebook"),
    ]
    entries: dict[str, bytes] = {}
    students = []
    for student, file, work, detail in cases:
        entries[f"{student}/"] = b""
        entries[f"{student}/{file}"] = work.data
        students.append(_student(_row(student), "class zip: Windows", detail, work))
    source = tmp / "josé.zip"
    source.write_bytes(zip_bytes(entries, encoding="cp437"))
    return Batch("class zip by Windows", "excel-fr", [CONV], students, source)


def build_several(tmp: Path) -> Batch:
    """The several-assignment layout `<student>/<id>/...`, graded for conv and params together."""
    p_ref = py(reference_text(PARAMS), "reference")
    p_part = py(partial_text(PARAMS, ("conv_params",)), "conv_params not done")
    rahul_nb = nb("no_forward", "jupyter")
    cases = [
        ("quinn", {"conv/conv.py": W["ref"].data, "params/params.py": p_ref.data}, W["ref"], p_ref, "plain"),
        (
            "rahul",
            {
                "conv/conv.ipynb": rahul_nb.data,
                "conv/conv.py": W["stub"].data,
                "params/params.py": p_part.data,
            },
            rahul_nb,
            p_part,
            "conv notebook + stub, params partial",
        ),
        (
            "sofia",
            {"Conv/Conv.py": W["ref"].data, "params/params (1).py": p_ref.data},
            W["ref"],
            p_ref,
            "Conv/Conv.py, params (1).py",
        ),
        ("tariq", {"params/params.py": p_ref.data}, None, p_ref, "params only"),
    ]
    names = {"quinn": "王芳", "rahul": "李娜", "sofia": "张伟", "tariq": "刘洋"}
    source = tmp / "several"
    source.mkdir()
    students = []
    for student, files, conv_work, params_work, detail in cases:
        _place(source / student, files)
        row = _row(student, name=names[student])
        students.append(Student(row, "several assignments", detail, {CONV: conv_work, PARAMS: params_work}))
    return Batch("several assignments", "excel-zh", [CONV, PARAMS], students, source)


def build_no_assignment(tmp: Path) -> Batch:
    """The README's `course grade-all export.zip --out grades/`: one-assignment layout, no --assignment."""
    cases = [
        ("ulla", "conv.py", W["ref"]),
        ("viktor", "conv.py", W["no_forward"]),
        ("wanda", "Conv.py", W["bias"]),
    ]
    entries: dict[str, bytes] = {}
    students = []
    for student, file, work in cases:
        entries[f"{student}/{file}"] = work.data
        students.append(_student(_row(student), "no --assignment", f"{student}/{file}", work))
    source = tmp / "export.zip"
    source.write_bytes(zip_bytes(entries))
    return Batch("export.zip without --assignment", "utf8-bom", [], students, source)


def build_all(tmp: Path) -> list[Batch]:
    """Every batch of the messy class, written under tmp."""
    from messy_cases import build_folder

    return [
        build_folder(tmp),
        build_canvas(tmp),
        build_moodle(tmp, folders=False),
        build_moodle(tmp, folders=True),
        build_gradescope(tmp),
        build_blackboard(tmp),
        build_finder_zip(tmp),
        build_windows_zip(tmp),
        build_several(tmp),
        build_no_assignment(tmp),
    ]
