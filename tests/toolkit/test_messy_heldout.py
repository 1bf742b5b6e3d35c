"""What the held-out messy class (bench/messy_heldout.py) found graded wrong, each class of problem
with its input built as the tool or person makes it.

The jobs are scripted (tests/toolkit/helpers.py): a submission says its score, so a
row's score tells whose file was graded.
"""

import codecs
import shutil
import subprocess
import unicodedata
import zipfile

import nbformat
import pytest

from grader.batch import grade_class
from grader.batch.archive import member_name, other_readings
from grader.batch.identity import Claim, build_index
from grader.batch.roster import decode_text
from grader.collect.export import export_work
from grader.config import load_course
from grader.locate import locate, matches, released_definitions
from grader.release import release_files

from .conftest import ROOT, fixture_course
from .helpers import (
    blackboard_zip,
    canvas_zip,
    excel_csv,
    finder_zip,
    gradescope_zip,
    rows,
    scripted_job,
    write_zip,
)

HEADER = ["student", "name", "lms_id", "sis_id", "email", "extension_hours"]


def grade(tmp_path, source, roster):
    """Grade `source` (params) against the roster rows; the gradebook and the summary."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    roster_path = excel_csv(tmp_path / "roster.csv", [HEADER, *roster])
    course = load_course(ROOT / "course.yml")
    summary = grade_class(
        ROOT,
        course,
        source,
        tmp_path / "out",
        ["params"],
        workers=1,
        job=scripted_job,
        roster_path=roster_path,
    )
    return {s: r["params"] for s, r in rows(tmp_path / "out").items()}, summary


def test_a_download_that_drops_a_names_accents_is_still_that_student(tmp_path):
    roster = [["mgarcia", "María García", "", "", "", ""], ["jdoe", "Jane Doe", "1001", "", "", ""]]
    source = canvas_zip(
        tmp_path / "submissions.zip",
        {
            ("garciamaria", "1006", False): {"params.py": "SCORE 40"},
            ("doejane", "1001", False): {"params.py": "SCORE 30"},
        },
    )
    table, summary = grade(tmp_path / "canvas", source, roster)
    assert table == {"mgarcia": "40.0", "jdoe": "30.0"} and summary["students"] == 2


def test_a_name_spelled_as_the_roster_spells_it_wins_over_one_without_accents():
    index = build_index(
        {"zk1": {"name": "Zoë Keller"}, "zk2": {"name": "Zoe Keller"}, "mg": {"name": "María García"}}
    )
    assert index.lookup([Claim("name", "Zoë Keller")]) == ("zk1", set())
    assert index.lookup([Claim("name", "Zoe Keller")]) == ("zk2", set())
    assert index.lookup([Claim("name", unicodedata.normalize("NFD", "kellerzoë"))]) == ("zk1", set())
    assert index.lookup([Claim("name", "GarciaMaria")]) == ("mg", set())
    ambiguous = build_index({"a": {"name": "Zoë Keller"}, "b": {"name": "Zoé Keller"}})
    assert ambiguous.lookup([Claim("name", "kellerzoe")]) == (None, set())  # two rows: nobody


def test_blackboard_usernames_that_share_a_prefix_are_read_from_the_receipts(tmp_path):
    roster = [["li_wei", "", "", "", "", ""], ["li_na", "", "", "", "", ""]]
    attempts = {
        ("li_wei", "2026-10-30-10-00-00", "Li Wei"): {"params.py": "SCORE 40"},
        ("li_na", "2026-10-29-08-00-00", "Li Na"): {"params.py": "SCORE 10"},
        ("li_na", "2026-10-31-21-15-00", "Li Na"): {"params.py": "SCORE 30"},
    }
    table, summary = grade(
        tmp_path / "pair", blackboard_zip(tmp_path / "bb.zip", "Params HW", attempts), roster
    )
    assert table == {"li_wei": "40.0", "li_na": "30.0"} and summary["students"] == 2
    alone = {("li_wei", "2026-10-30-10-00-00", "Li Wei"): {"params.py": "SCORE 40"}}
    table, _ = grade(tmp_path / "alone", blackboard_zip(tmp_path / "one.zip", "HW_1", alone), roster)
    assert table == {"li_wei": "40.0", "li_na": "0.0"}


def test_a_windows_zip_in_another_locales_code_page_is_matched_to_the_roster(tmp_path):
    roster = [["João", "", "", "", "", ""], ["Søren", "", "", "", "", ""], ["张伟", "", "", "", "", ""]]
    western = write_zip(
        tmp_path / "turma.zip",
        {"turma/João/params.py": "SCORE 40", "turma/Søren/params.py": "SCORE 30"},
        encoding="cp850",
        utf8_flag=False,
    )
    table, summary = grade(tmp_path / "cp850", western, roster)
    assert table == {"João": "40.0", "Søren": "30.0", "张伟": "0.0"} and summary["students"] == 3
    chinese = write_zip(
        tmp_path / "zuoye.zip", {"作业/张伟/params.py": "SCORE 20"}, encoding="gbk", utf8_flag=False
    )
    table, summary = grade(tmp_path / "gbk", chinese, roster)  # an English course: GBK is not read first
    assert table == {"João": "0.0", "Søren": "0.0", "张伟": "20.0"} and summary["students"] == 3


def test_other_readings_only_for_names_whose_encoding_is_unknown(tmp_path):
    path = write_zip(
        tmp_path / "names.zip",
        {"张伟/a.py": "x"},
        encoding="gbk",
        utf8_flag=False,
    )
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
        assert "张伟/a.py" in other_readings(info) and member_name(info) not in other_readings(info)
    flagged = write_zip(tmp_path / "flagged.zip", {"张伟/a.py": "x"})
    finder = finder_zip(tmp_path / "finder.zip", {"Zoë/a.py": "x"})
    for known in (flagged, finder):
        with zipfile.ZipFile(known) as archive:
            assert all(other_readings(info) == [] for info in archive.infolist())


def test_a_class_of_one_zip_per_student_is_graded_from_a_folder_or_a_zip(tmp_path):
    roster = [["tom", "", "", "", "", ""], ["una", "", "", "", "", ""]]
    emailed = tmp_path / "emailed"
    emailed.mkdir()
    write_zip(emailed / "tom.zip", {"tom/params.py": "SCORE 40"})
    write_zip(emailed / "Una.zip", {"params.py": "SCORE 30"})
    (emailed / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    table, summary = grade(tmp_path / "folder", emailed, roster)
    assert table == {"tom": "40.0", "una": "30.0"} and summary["students"] == 2
    zipped = finder_zip(
        tmp_path / "emailed.zip", {name: (emailed / name).read_bytes() for name in ("tom.zip", "Una.zip")}
    )
    table, _ = grade(tmp_path / "zip", zipped, roster)
    assert table == {"tom": "40.0", "una": "30.0"}


@pytest.fixture(scope="module")
def vec(tmp_path_factory):
    """The fixture course with `vec` released: (root, assignment, the released stub's definitions)."""
    root = fixture_course(tmp_path_factory.mktemp("messy") / "course")
    loaded = load_course(root / "course.yml")
    assignment = loaded.assignment("vec")
    for relative, text in release_files(root, loaded, assignment, fingerprints=False).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root, assignment, released_definitions(root, assignment)


def _one_function_notebook(root, name, source):
    """The released notebook with one solution cell written, as Jupyter saves it."""
    notebook = nbformat.read(root / "assignments" / "vec" / "vec.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == name:
            cell.source = source
    return nbformat.writes(notebook).encode()


def test_a_module_saved_by_notepad_counts_all_the_functions_it_has_written(vec, tmp_path):
    root, assignment, stub = vec
    solution = (root / "solutions" / "vec.py").read_text(encoding="utf-8")
    folder = tmp_path / "kim"
    folder.mkdir()
    (folder / "vec.py").write_bytes(codecs.BOM_UTF8 + solution.replace("\n", "\r\n").encode())
    (folder / "vec.ipynb").write_bytes(
        _one_function_notebook(root, "add", "def add(x, y):\n    return x + y\n")
    )
    found = locate(folder, assignment, stub, tmp_path / "scratch")
    assert found.shown == "vec.py"  # three functions written, against the notebook's one
    assert [c.progress.changed for c in found.candidates] == [3, 1]


def test_finders_keep_both_copy_is_a_copy_of_the_module(vec, tmp_path):
    root, assignment, stub = vec
    assert matches("vec 2.py", assignment) == (False, 2) and matches("vec 12.ipynb", assignment) == (True, 12)
    folder = tmp_path / "lars"
    folder.mkdir()
    (folder / "vec.py").write_bytes((root / "assignments" / "vec" / "vec.py").read_bytes())
    (folder / "vec 2.py").write_bytes((root / "solutions" / "vec.py").read_bytes())
    assert locate(folder, assignment, stub, tmp_path / "scratch").shown == "vec 2.py"


def test_a_folder_named_by_the_students_name_is_that_student(tmp_path):
    roster = [
        ["jdoe", "Jane Doe", "", "", "", ""],
        ["jd2", "John Doe", "", "", "", ""],
        ["ann", "Ann Li", "", "", "", ""],
    ]
    folder = tmp_path / "class"
    for name, score in (("Jane Doe", 40), ("doe, john", 30), ("Li", 20)):
        (folder / name).mkdir(parents=True)
        (folder / name / "params.py").write_text(f"SCORE {score}")
    table, summary = grade(tmp_path / "names", folder, roster)
    assert table == {"jdoe": "40.0", "jd2": "30.0", "ann": "0.0", "Li": "20.0"}  # a surname is no name
    assert summary["students"] == 4


def test_an_id_whose_leading_zeros_excel_dropped_is_the_same_id(tmp_path):
    roster = [["tnoor", "T. Noor", "", "30005", "", ""], ["bond", "J. Bond", "", "7", "", ""]]
    source = gradescope_zip(
        tmp_path / "export.zip",
        {
            "777004": (
                [{"name": "Tariq Noor", "sid": "0030005"}],
                "2026-11-01 10:00:00 +0800",
                {"params.py": "SCORE 40"},
            ),
            "777005": (
                [{"name": "James", "sid": "007"}],
                "2026-11-01 10:00:00 +0800",
                {"params.py": "SCORE 30"},
            ),
        },
    )
    table, summary = grade(tmp_path / "zeros", source, roster)
    assert table == {"tnoor": "40.0", "bond": "30.0"} and summary["students"] == 2


def test_work_one_folder_deeper_in_the_repository_layout_is_found_and_collected(vec, tmp_path):
    """`grade` run in assignments/<id>/ finds `hw/vec.py` there; collect and grade-all must too."""
    root, assignment, stub = vec
    repository = tmp_path / "vec-dan"
    shutil.copytree(root / "assignments" / "vec", repository / "assignments" / "vec")
    (repository / "assignments" / "vec" / "hw").mkdir()
    solution = (root / "solutions" / "vec.py").read_bytes()
    (repository / "assignments" / "vec" / "hw" / "vec.py").write_bytes(solution)
    found = locate(repository, assignment, stub, tmp_path / "scratch")
    assert found.shown == "assignments/vec/hw/vec.py"
    assert (
        locate(repository / "assignments" / "vec", assignment, stub, tmp_path / "scratch").shown
        == "hw/vec.py"
    )
    git = ["git", "-c", "user.name=s", "-c", "user.email=s@uni.example", "-C", str(repository)]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "work"]):
        subprocess.run([*git, *step], check=True, capture_output=True)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    exported = export_work(repository / ".git", commit, assignment, stub, tmp_path / "class" / "dan" / "vec")
    assert exported.path == "assignments/vec/hw/vec.py"
    assert (tmp_path / "class" / "dan" / "vec" / "vec.py").read_bytes() == solution


def test_an_lms_download_zipped_again_in_another_code_page_is_matched_by_name(tmp_path):
    roster = [["cmartins", "Conceição Martins", "", "", "", ""], ["jp", "João Pires", "", "", "", ""]]
    files = {
        "Tarefa/Conceição Martins_200007_assignsubmission_file_/params.py": "SCORE 40",
        "Tarefa/João Pires_200009_assignsubmission_file_/params.py": "SCORE 30",
    }
    source = write_zip(tmp_path / "tarefa.zip", files, encoding="cp850", utf8_flag=False)
    table, summary = grade(tmp_path / "moodle", source, roster)
    assert table == {"cmartins": "40.0", "jp": "30.0"} and summary["students"] == 2


def test_a_roster_saved_by_excel_on_a_chinese_windows_is_read_for_an_english_course(tmp_path):
    chinese_rows = [HEADER, ["张伟", "张伟", "", "", "", ""], ["欧阳娜娜", "欧阳娜娜", "", "", "", "1"]]
    chinese = excel_csv(tmp_path / "chinese.csv", chinese_rows, encoding="gbk")
    assert decode_text(chinese.read_bytes()).splitlines()[1] == "张伟,张伟,,,,"
    names = ("Müller", "François", "Señora")
    western = excel_csv(
        tmp_path / "west.csv", [HEADER, *([n, n, "", "", "", ""] for n in names)], ";", "cp1252"
    )
    western.read_bytes().decode("gbk")  # these cp1252 bytes are valid GBK too ("M黮ler")
    assert [line.split(";")[0] for line in decode_text(western.read_bytes()).splitlines()[1:]] == list(names)
    source = write_zip(
        tmp_path / "zuoye.zip", {"作业/张伟/params.py": "SCORE 40"}, encoding="gbk", utf8_flag=False
    )
    course = load_course(ROOT / "course.yml")
    grade_class(
        ROOT, course, source, tmp_path / "out", ["params"], workers=1, job=scripted_job, roster_path=chinese
    )
    assert {s: r["params"] for s, r in rows(tmp_path / "out").items()} == {"张伟": "40.0", "欧阳娜娜": "0.0"}


def test_a_roster_id_pasted_with_an_invisible_character_is_the_same_id(tmp_path):
    roster = [["lars\u200b", "Lars Berg", "", "", "", ""], ["\u00admia", "", "", "", "", ""]]
    folder = tmp_path / "class"
    for name, score in (("lars", 40), ("Mia", 30)):
        (folder / name).mkdir(parents=True)
        (folder / name / "params.py").write_text(f"SCORE {score}")
    table, summary = grade(tmp_path / "pasted", folder, roster)
    assert table == {"lars\u200b": "40.0", "\u00admia": "30.0"} and summary["students"] == 2
