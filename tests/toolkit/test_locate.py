"""One rule for finding a student's work (grader.locate), on folders made the way students make them.

The fixture course's `vec` is released first (its stub, notebook and stub.json), so "differs from
the released stub" is judged against what students really received.
"""

import io
import json
import os
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.batch.submissions import find_jobs
from grader.config import load_course
from grader.locate import locate, released_definitions
from grader.release import release_files

from .conftest import fixture_course
from .messy_class import ONLY_ADD, SOLVED, WRONG_SCALE, saved_as


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The fixture course with `vec` and `stats` released (no fingerprints: they are slow)."""
    root = fixture_course(tmp_path_factory.mktemp("locate") / "course")
    loaded = load_course(root / "course.yml")
    for assignment in loaded.assignments:
        for relative, text in release_files(root, loaded, assignment, fingerprints=False).items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8")
    return root, loaded.assignment("vec")


@pytest.fixture
def found(course, tmp_path):
    """Locate in a student folder built from {relative path: text or bytes}."""
    root, assignment = course

    def run(files):
        folder = tmp_path / "student"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        scratch = tmp_path / "scratch"
        scratch.mkdir(exist_ok=True)
        return locate(folder, assignment, released_definitions(root, assignment), scratch)

    return run


def stub(course):
    root, _ = course
    return (root / "assignments" / "vec" / "vec.py").read_text(encoding="utf-8")


def notebook(course, solved, editor="jupyter"):
    root, _ = course
    return saved_as(root / "assignments" / "vec" / "vec.ipynb", solved, editor)


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def english(located):
    return located.text("en")


@pytest.mark.parametrize(
    "name",
    ["vec.py", "Vec.py", "VEC.PY", "hw1/vec.py", "vec/vec.py", "vec (1).py", "vec(2).py", "vec-1.py",
     "assignments/vec/vec.py", "My Homework/Vec (3).py", "Copy of vec.py", "vec-Copy1.py", "vec - Copy.py",
     "vec copy 2.py", "hw1_vec.py", "doejane_789_1011_vec.py"],
)  # fmt: skip
def test_work_is_found_under_the_names_students_give_it(found, name):
    located = found({name: SOLVED, "README.txt": "mine\n"})
    assert located.path is not None and located.path.read_text(encoding="utf-8") == SOLVED
    assert located.shown == name
    assert name in english(located)


@pytest.mark.parametrize("name", ["Copy of vec.ipynb", "vec-Copy1.ipynb", "VEC.IPYNB"])
def test_a_notebook_copy_beside_the_untouched_stub_is_graded(course, found, name):
    """Colab's "Copy of", Jupyter's "-Copy1": the copy is where the student worked."""
    located = found({"vec.py": stub(course), name: notebook(course, SOLVED, "colab")})
    assert located.shown == name


def test_the_exact_name_wins_over_a_prefixed_one_among_equals(found):
    located = found({"hw1_vec.py": SOLVED, "vec.py": SOLVED})
    assert located.shown == "vec.py"
    assert {c.shown for c in located.candidates} == {"hw1_vec.py", "vec.py"}


@pytest.mark.parametrize("name", ["myvec.py", "vec_helpers.py", "vector.py", "vec.txt"])
def test_names_that_only_resemble_the_module_are_not_work(found, name):
    assert found({name: SOLVED}).path is None


@pytest.mark.parametrize("editor", ["jupyter", "colab", "vscode"])
def test_a_notebook_beside_the_untouched_stub_is_graded(course, found, editor):
    located = found({"vec.py": stub(course), "vec.ipynb": notebook(course, SOLVED, editor)})
    assert located.shown == "vec.ipynb"
    assert "graded vec.ipynb" in english(located) and "vec.py" in english(located)


@pytest.mark.parametrize("editor", ["jupyter", "colab", "vscode"])
def test_saving_the_stub_notebook_again_is_not_work(course, found, editor):
    """Outputs, execution counts and an editor's metadata change the bytes, not the code."""
    located = found({"vec.ipynb": notebook(course, None, editor), "vec.py": stub(course) + "# my notes\n"})
    by_name = {c.shown: c.progress for c in located.candidates}
    assert not by_name["vec.ipynb"].edited and not by_name["vec.py"].edited
    assert located.shown == "vec.py"  # neither is work: the module, as the rule says


def test_an_edited_module_beside_the_untouched_notebook_is_graded(course, found):
    located = found({"vec.py": WRONG_SCALE, "vec.ipynb": notebook(course, None)})
    assert located.shown == "vec.py"


def test_both_edited_the_more_complete_one_is_graded_and_the_note_names_both(course, found):
    located = found({"vec.py": ONLY_ADD, "vec.ipynb": notebook(course, SOLVED)})
    assert located.shown == "vec.ipynb"
    assert [c.progress.changed for c in located.candidates] == [3, 1]
    assert "graded vec.ipynb; also found vec.py" in english(located)


def test_both_edited_and_equally_complete_the_module_is_graded(course, found):
    located = found({"vec.py": WRONG_SCALE, "vec.ipynb": notebook(course, SOLVED)})
    assert located.shown == "vec.py" and "also found vec.ipynb" in english(located)


def test_the_latest_resubmission_is_graded_among_equals(found):
    located = found({"vec.py": WRONG_SCALE, "vec-1.py": ONLY_ADD, "vec-2.py": SOLVED, "vec (1).py": SOLVED})
    assert located.shown == "vec-2.py"
    assert all(name in english(located) for name in ("vec.py", "vec-1.py", "vec (1).py"))


def test_a_module_that_does_not_parse_is_work_and_beats_the_stub_notebook(course, found):
    located = found({"vec.py": "def add(x, y)\n    return x + y\n", "vec.ipynb": notebook(course, None)})
    assert located.shown == "vec.py"


def test_only_the_stub_is_graded_and_the_note_says_it_is_unchanged(course, found):
    located = found({"vec.py": stub(course)})
    assert located.shown == "vec.py"
    assert "the released stub unchanged" in english(located)
    assert "released stub unchanged" not in located.text("zh-CN")  # the note speaks the course's language


def test_nothing_found_lists_what_the_folder_holds(found):
    located = found({"answers.txt": "42\n", "data/x.csv": "1\n", "vector.py": SOLVED})
    assert located.path is None
    assert english(located) == (
        "nothing submitted: no vec.py or vec.ipynb found; the folder holds answers.txt, data/, vector.py"
    )


def test_a_zip_in_the_folder_is_opened_and_only_the_work_comes_out(found, tmp_path):
    archive = zipped({"hw1/vec.py": SOLVED, "hw1/big.csv": "1,2\n" * 1000, "other.py": "x = 1\n"})
    located = found({"vec.zip": archive})
    assert located.shown == "vec.zip/hw1/vec.py"
    assert located.path.read_text(encoding="utf-8") == SOLVED
    extracted = [p.name for p in (tmp_path / "scratch").rglob("*") if p.is_file()]
    assert extracted == ["vec.py"]  # nothing else left the zip


def test_a_zip_bomb_is_not_opened(found, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("vec.py", SOLVED)
        archive.writestr("zeros.bin", b"\0" * (80 * 2**20))  # 80 MB decompressed, ~80 kB in the zip
    assert len(buffer.getvalue()) < 2**20
    located = found({"work.zip": buffer.getvalue()})
    assert located.path is None
    assert "work.zip was not opened: more than 64 MB once decompressed" in english(located)
    assert not any(p.is_file() for p in (tmp_path / "scratch").rglob("*"))


@pytest.mark.parametrize("name", ["../vec.py", "../../evil/vec.py", "/tmp/vec.py"])
def test_a_zip_with_names_that_climb_out_is_not_opened(found, tmp_path, name):
    located = found({"vec.zip": zipped({name: SOLVED})})
    assert located.path is None and "points outside the zip" in english(located)
    assert not any(p.name == "vec.py" for p in tmp_path.rglob("vec.py"))


def test_a_zip_holding_a_symbolic_link_is_not_opened(found):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("vec.py")
        link.external_attr = (0o120777) << 16  # as `zip --symlinks` stores a link
        archive.writestr(link, "../../solutions/vec.py")
    located = found({"vec.zip": buffer.getvalue()})
    assert located.path is None and "is a symbolic link" in english(located)


def test_a_zip_that_is_not_a_zip_is_named_and_other_work_still_graded(found):
    located = found({"vec.zip": b"PK\x03\x04 this is not really a zip", "hw/vec.py": SOLVED})
    assert located.shown == "hw/vec.py"
    assert "vec.zip was not opened: it cannot be read" in english(located)


def test_a_folder_of_five_thousand_files(found, tmp_path):
    folder = tmp_path / "student"
    folder.mkdir()
    for number in range(5000):
        (folder / f"image{number:04d}.png").write_bytes(b"\x89PNG")
    located = found({"vec.py": SOLVED})
    assert located.shown == "vec.py"
    (folder / "vec.py").unlink()
    nothing = found({})
    assert nothing.path is None and english(nothing).endswith("image0007.png (+4992)")


def test_a_notebook_that_is_not_json_is_work_not_the_stub(course, found):
    located = found({"vec.ipynb": "{ this is not json", "vec.py": stub(course)})
    assert located.shown == "vec.ipynb"
    assert not located.candidates[0].progress.readable


def test_a_link_where_the_work_would_be_is_returned_as_a_link(found, tmp_path):
    (tmp_path / "student").mkdir()
    os.symlink("/etc/passwd", tmp_path / "student" / "vec.py")
    located = found({"vec.ipynb": "{}"})
    assert located.link == tmp_path / "student" / "vec.py" and located.path is None


def test_a_linked_folder_is_not_followed(found, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "vec.py").write_text(SOLVED, encoding="utf-8")
    (tmp_path / "student").mkdir()
    os.symlink(elsewhere, tmp_path / "student" / "hw1")
    assert found({}).path is None


def test_the_stub_file_of_the_release_holds_only_the_graded_definitions(course):
    root, assignment = course
    record = json.loads((root / "assignments" / "vec" / "tests" / "stub.json").read_text(encoding="utf-8"))
    assert sorted(record["definitions"]) == ["add", "norm", "scale"]
    assert all("raise NotImplementedError" in text for text in record["definitions"].values())
    assert "return x + y" not in json.dumps(record)  # nothing of the solution


def test_grade_all_finds_the_work_whatever_the_layout_and_the_assignments_asked(course, tmp_path):
    """`<student>/vec.py` is found when grade-all grades every assignment too (no --assignment)."""
    root, _ = course
    loaded = load_course(root / "course.yml")
    (tmp_path / "class" / "d" / "vec").mkdir(parents=True)  # an empty folder of the assignment's name
    for student, name in (("a", "vec.py"), ("b", "vec/vec.py"), ("c", "Vec (1).py"), ("d", "vec.py")):
        (tmp_path / "class" / student / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "class" / student / name).write_text(SOLVED, encoding="utf-8")
    stubs = {a.id: released_definitions(root, a) for a in loaded.assignments}
    jobs = find_jobs(
        tmp_path / "class", ["a", "b", "c", "d"], loaded.assignments, stubs=stubs, scratch=tmp_path
    )
    found = {(j.student, j.assignment): j.path for j in jobs}
    assert found[("a", "vec")] == tmp_path / "class" / "a" / "vec.py"
    assert found[("b", "vec")] == tmp_path / "class" / "b" / "vec" / "vec.py"
    assert found[("c", "vec")] == tmp_path / "class" / "c" / "Vec (1).py"
    assert found[("d", "vec")] == tmp_path / "class" / "d" / "vec.py"
    assert all(found[(s, "stats")] is None for s in "abc")
    nothing = next(j for j in jobs if j.key == ("a", "stats"))
    assert "no stats.py or stats.ipynb found" in nothing.notes[0].text("en")


def test_notebook_written_by_nbformat_round_trips_as_students_save_it(course):
    """The helper itself: a saved notebook is valid nbformat with outputs and counts."""
    text = notebook(course, SOLVED, "colab")
    parsed = nbformat.reads(text, as_version=4)
    nbformat.validate(parsed)
    code = [c for c in parsed.cells if c.cell_type == "code"]
    assert all(c.execution_count and c.outputs for c in code)
    assert any("return x + y" in c.source for c in code)


def test_released_definitions_fall_back_to_the_released_module(course, tmp_path):
    root, assignment = course
    copy = fixture_course(tmp_path / "course")
    (copy / "assignments" / "vec").mkdir(parents=True)
    (copy / "assignments" / "vec" / "vec.py").write_text(stub(course), encoding="utf-8")
    assert released_definitions(copy, assignment) == released_definitions(root, assignment)
    assert released_definitions(tmp_path / "nowhere", assignment) == {}


def test_a_file_given_is_graded_as_it_is(course, tmp_path):
    root, assignment = course
    path = Path(tmp_path / "anything.ipynb")
    path.write_text(notebook(course, SOLVED), encoding="utf-8")
    located = locate(path, assignment, released_definitions(root, assignment), tmp_path)
    assert located.path == path and english(located) == "graded anything.ipynb"


@pytest.mark.slow  # grades a class of twelve, then each student's work alone
def test_grade_all_gives_every_messy_folder_the_score_of_their_work_graded_alone(course, tmp_path):
    import csv

    from grader.batch import grade_class
    from grader.grading import grade

    from .messy_class import intended_file, make_messy_class

    root, assignment = course
    loaded = load_course(root / "course.yml")
    intended = make_messy_class(tmp_path / "class", root)
    grade_class(root, loaded, tmp_path / "class", tmp_path / "out", ["vec"], workers=2)
    with (tmp_path / "out" / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    alone = {}
    for student, relative in intended.items():
        if relative is None:
            alone[student] = 0.0
            continue
        path = intended_file(tmp_path / "class", student, relative, tmp_path / "alone")
        alone[student] = round(grade(root, assignment, path, official=True).score, 2)
    assert {s: float(row["vec"]) for s, row in rows.items()} == alone
    assert alone["jupyter_nb"] == 10.0 and alone["colab_nb"] == 7.0 and alone["canvas"] == 10.0
    assert "graded vec.ipynb; also found vec.py" in rows["jupyter_nb"]["notes"]
    assert "graded vec-2.py" in rows["canvas"]["notes"]
    assert "the folder holds data.csv, notes.txt" in rows["nothing"]["notes"]
    assert "the released stub unchanged" in rows["stub_only"]["notes"]
    feedback = json.loads((tmp_path / "out" / "feedback" / "plain" / "vec.json").read_text(encoding="utf-8"))
    assert feedback["notes"][0] == "graded vec.py"  # the feedback always names the file
    assert rows["plain"]["notes"] == "vec: time unknown, no penalty"  # the gradebook only when it says more


@pytest.mark.slow  # grades two submissions in the sandbox
def test_an_unimportable_submission_says_why_in_the_gradebook_and_feedback(course, tmp_path):
    import csv

    from grader.batch import grade_class

    root, _ = course
    for student, text in (
        ("syntax", "def add(x, y)\n    return x\n"),
        ("raises", "raise RuntimeError('not done')\n"),
    ):
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "vec.py").write_text(text, encoding="utf-8")
    grade_class(
        root, load_course(root / "course.yml"), tmp_path / "class", tmp_path / "out", ["vec"], workers=2
    )
    with (tmp_path / "out" / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = {row["student"]: row["notes"] for row in csv.DictReader(handle)}
    assert "every test failed for this reason: your code could not be imported: SyntaxError" in rows["syntax"]
    assert "RuntimeError: not done" in rows["raises"]
    record = json.loads((tmp_path / "out" / "feedback" / "raises" / "vec.json").read_text(encoding="utf-8"))
    assert any("RuntimeError: not done" in note for note in record["notes"])


@pytest.mark.slow  # grades in the sandbox
def test_grade_submission_folder_grades_the_notebook_and_names_it(course, tmp_path):
    from click.testing import CliRunner

    from grader.cli import grade_command

    root, _ = course
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "vec.py").write_text(stub(course), encoding="utf-8")
    (folder / "Vec.ipynb").write_text(notebook(course, WRONG_SCALE, "vscode"), encoding="utf-8")
    report = tmp_path / "report.json"
    arguments = ["vec", "--course", str(root), "--submission", str(folder), "--json", str(report)]
    result = CliRunner().invoke(grade_command, arguments)
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["submission"].endswith("Vec.ipynb")
    assert data["notes"][0].startswith("graded Vec.ipynb; also found vec.py")
    assert data["score"] == 7.0  # scale is wrong: 3 of 10 points lost, the others kept


def test_grade_all_refuses_a_student_whose_only_work_is_an_unsafe_zip(course, tmp_path):
    """The instructor sees it among the problems, with the reason, instead of "nothing submitted"."""
    root, assignment = course
    (tmp_path / "class" / "zoe").mkdir(parents=True)
    (tmp_path / "class" / "zoe" / "vec.zip").write_bytes(zipped({"../../vec.py": SOLVED}))
    stubs = {"vec": released_definitions(root, assignment)}
    (job,) = find_jobs(tmp_path / "class", ["zoe"], [assignment], stubs=stubs, scratch=tmp_path)
    assert job.path is None and not job.gradable
    assert job.refused == "vec.zip was not opened: the name '../../vec.py' points outside the zip"
    assert not (tmp_path / "vec.py").exists() and not (tmp_path.parent / "vec.py").exists()
