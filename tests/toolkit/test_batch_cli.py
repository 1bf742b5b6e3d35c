"""`course grade-all` through click's runner: one sentence and exit 2 for a bad class, the roster
problems and per-student problems on the terminal, and only the files it wrote."""

import zipfile

import pytest
from click.testing import CliRunner

from grader.cli import course_command

from .conftest import ROOT


def grade_all(course, *arguments):
    return CliRunner().invoke(course_command, ["grade-all", *map(str, arguments), "--course", str(course)])


def _empty_zip(path):
    with zipfile.ZipFile(path, "w"):
        pass


@pytest.mark.parametrize(
    ("make", "arguments", "sentence"),
    [
        (lambda tmp: (tmp / "class").mkdir(), ["class"], "class: no student folders and no LMS"),
        (lambda tmp: None, ["missing"], "missing: no such folder or zip of submissions; check the path."),
        (
            lambda tmp: (tmp / "notes.txt").write_text("hi"),
            ["notes.txt"],
            "notes.txt: neither a folder nor a zip",
        ),
        (
            lambda tmp: _empty_zip(tmp / "export.zip"),
            ["export.zip"],
            "export.zip: no student folders and no LMS",
        ),
        (
            lambda tmp: (tmp / "class" / "ann").mkdir(parents=True),
            ["class", "--roster", "nowhere.csv"],
            "nowhere.csv: no such file; check the path given for the roster.",
        ),
        (
            lambda tmp: (tmp / "class" / "ann").mkdir(parents=True),
            ["class", "--assignment", "parms"],
            "no assignment 'parms'; did you mean 'params'?",
        ),
    ],
    ids=[
        "empty folder",
        "missing folder",
        "not a folder",
        "empty zip",
        "missing roster",
        "unknown assignment",
    ],
)
def test_a_bad_class_exits_2_with_one_sentence_and_writes_nothing(
    tmp_path, monkeypatch, make, arguments, sentence
):
    monkeypatch.chdir(tmp_path)
    make(tmp_path)
    result = CliRunner().invoke(
        course_command, ["grade-all", *arguments, "--out", "grades", "--course", str(ROOT)]
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and sentence in lines[0], result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "grades").exists()


def test_the_terminal_lists_roster_problems_and_refusals(course_copy, tmp_path):
    """A real run: one honest student, one link to the solutions, one stranger, and roster trouble."""
    folder = tmp_path / "class"
    for student in ("ann", "bob"):
        (folder / student).mkdir(parents=True)
    (folder / "ann" / "params.py").write_text((ROOT / "solutions" / "params.py").read_text())
    (folder / "bob" / "params.py").symlink_to(ROOT / "solutions" / "params.py")
    (tmp_path / "roster.csv").write_text("\ufeffstudent,extension_hours\nann,\ncat,\ndan,soon\n")
    out = tmp_path / "grades"
    result = grade_all(
        course_copy,
        folder,
        "--assignment",
        "params",
        "--roster",
        tmp_path / "roster.csv",
        "--out",
        out,
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    expected = [
        "4 students · mean 12.0 · median 0.0",
        "in the class folder but not on the roster (graded all the same): bob",
        "nothing submitted: cat, dan",
        "problem: bob/params: refused: bob/params.py is a symbolic link; submit plain files and folders,"
        " never links",
        "problem: dan: roster.csv row 4: extension_hours 'soon' is not a number of hours",
        "time unknown, so no late penalty: 1 submission(s); pass --times FILE (the LMS's submission times)",
        "wrote "
        + ", ".join(
            str(out / name)
            for name in ("gradebook.csv", "summary.json", "feedback", "staff", "histogram.png")
        ),
    ]
    assert lines[-len(expected) :] == expected
    assert "Traceback" not in result.output
