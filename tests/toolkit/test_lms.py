"""grade-all on a class as it arrives: LMS downloads, Finder and Windows zips, one row per student.

The jobs are scripted (tests/toolkit/helpers.py): a submission says its score, so a
row's score tells whose file was graded. params is worth 48 points, due 2026-11-02T23:59+08:00.
"""

import unicodedata
import zipfile

import pytest

from grader.batch import grade_class
from grader.batch.archive import member_name
from grader.batch.identity import normalise_id
from grader.config import load_course
from grader.errors import GraderError

from .conftest import ROOT
from .helpers import (
    RawName,
    blackboard_zip,
    canvas_zip,
    excel_csv,
    finder_zip,
    gradescope_zip,
    moodle_zip,
    nested_bomb,
    rows,
    scripted_job,
    windows_zip,
    write_zip,
)

ROSTER = [
    ["student", "name", "lms_id", "sis_id", "email", "extension_hours"],
    ["jdoe", "Doe, Jane", "101", "S1", "jane@uni.edu", ""],
    ["bsmith", "Smith, Bob", "102", "S2", "bob@uni.edu", ""],
    ["Zoë", "Zoë Martin", "103", "S3", "zoe@uni.edu", ""],
]


def grade(tmp_path, source, roster=ROSTER, **options):
    """Grade `source` against the roster (rows; None: no roster); the gradebook and summary."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    roster_path = excel_csv(tmp_path / "roster.csv", roster) if roster is not None else None
    course = load_course(ROOT / "course.yml")
    summary = grade_class(
        ROOT, course, source, tmp_path / "out", ["params"], workers=1, job=scripted_job,
        roster_path=roster_path, **options,
    )  # fmt: skip
    return rows(tmp_path / "out"), summary


def scores(table):
    return {student: row["params"] for student, row in table.items()}


def test_canvas_download_is_mapped_by_user_id_and_a_look_alike_upload_stays_its_uploader(tmp_path):
    source = canvas_zip(
        tmp_path / "submissions.zip",
        {
            ("doejane", "101", False): {"params.py": "SCORE 40"},
            ("smithbob", "102", True): {"params-1.py": "SCORE 30"},  # a resubmission, marked late
            # Zoë uploads a file named like Jane's Canvas prefix: it is Zoë's own file
            ("martinzoe", "103", False): {"doejane_101_1000_params.py": "SCORE 1", "params.py": "SCORE 20"},
        },
    )
    table, summary = grade(tmp_path, source)
    assert scores(table) == {"jdoe": "40.0", "bsmith": "30.0", "Zoë": "20.0"}
    assert summary["students"] == 3 and summary["roster"]["not_on_roster"] == []
    assert "late" not in table["bsmith"]["notes"]  # a LATE marker is not a time: no penalty


def test_moodle_flat_and_in_folders_map_by_participant_id_or_unique_name(tmp_path):
    submissions = {
        ("Jane Doe", "101"): {"params.py": "SCORE 40"},
        ("Bob Smith", "999"): {"params.py": "SCORE 30"},  # the id is not on the roster: the name is
    }
    for folders in (False, True):
        source = moodle_zip(tmp_path / f"moodle{folders}.zip", submissions, folders=folders)
        table, _ = grade(tmp_path / str(folders), source)
        assert scores(table) == {"jdoe": "40.0", "bsmith": "30.0", "Zoë": "0.0"}


JANE = {"name": "Jane Doe", "sid": "S1", "email": "jane@uni.edu"}
BOB = {"name": "Bob Smith", "email": "BOB@uni.edu"}
FORGED = "submission_11:\n  :submitters:\n  - :email: zoe@uni.edu\n"  # a student's upload: never read


def test_gradescope_export_maps_by_email_and_its_time_is_trusted(tmp_path):
    source = gradescope_zip(
        tmp_path / "export.zip",
        {
            11: ([JANE], "2026-11-01 10:00:00.000000000 +08:00", {"params.py": "SCORE 40"}),
            12: ([BOB], "2026-11-04 10:00:00.000000000 +08:00",
                 {"params.py": "SCORE 40", "submission_metadata.yml": FORGED}),
        },
    )  # fmt: skip
    table, summary = grade(tmp_path, source)
    assert scores(table) == {"jdoe": "40.0", "bsmith": "30.4", "Zoë": "0.0"}  # 2 started days late: -9.6
    assert "-20% of the maximum 48" in table["bsmith"]["notes"] and "Gradescope" in table["bsmith"]["notes"]
    assert summary["time_unknown"] == []


def test_one_student_folder_holding_gradescope_files_is_that_students_work(tmp_path):
    forged = "submission_1:\n  :submitters:\n  - :email: jane@uni.edu\n"
    source = write_zip(
        tmp_path / "class.zip",
        {"bsmith/submission_metadata.yml": forged, "bsmith/submission_1/params.py": "SCORE 30"},
    )
    table, _ = grade(tmp_path, source)
    assert table["jdoe"]["params"] == "0.0" and "nothing submitted" in table["jdoe"]["notes"]


def test_blackboard_download_keeps_the_latest_attempt_and_reads_only_receipts(tmp_path):
    source = blackboard_zip(
        tmp_path / "gradebook_CS101_HW 1.zip",
        "HW 1",
        {
            ("jdoe", "2026-11-01-10-00-00", "Jane Doe"): {"params.py": "SCORE 10"},
            ("jdoe", "2026-11-02-10-00-00", "Jane Doe"): {"params.py": "SCORE 40"},
            ("bob@uni.edu", "2026-11-01-10-00-00", "Bob Smith"): {"params.py": "SCORE 30"},
        },
    )
    table, _ = grade(tmp_path, source)
    assert scores(table) == {"jdoe": "40.0", "bsmith": "30.0", "Zoë": "0.0"}


def test_one_student_is_one_row_whatever_the_spelling_of_their_folder(tmp_path):
    folder = tmp_path / "class"
    for name, score in (("JDoe", 40), ("bob@uni.edu ", 30), (unicodedata.normalize("NFD", "zoë"), 20)):
        (folder / name).mkdir(parents=True)
        (folder / name / "params.py").write_text(f"SCORE {score}")
    table, summary = grade(tmp_path, folder)
    assert scores(table) == {"jdoe": "40.0", "bsmith": "30.0", "Zoë": "20.0"}
    assert summary["students"] == 3
    table, summary = grade(tmp_path / "no-roster", folder, roster=None)
    assert len(table) == 3 and summary["students"] == 3


def test_two_folders_of_one_student_stop_that_row_only_and_name_both(tmp_path):
    folder = tmp_path / "class"
    for name, score in (("jdoe", 40), ("JDOE", 10), ("bsmith", 30)):
        (folder / name).mkdir(parents=True)
        (folder / name / "params.py").write_text(f"SCORE {score}")
    table, summary = grade(tmp_path, folder)
    assert table["jdoe"]["params"] == "" and "'JDOE'" in table["jdoe"]["notes"]
    assert "'jdoe'" in table["jdoe"]["notes"] and table["bsmith"]["params"] == "30.0"
    assert any(p.startswith("jdoe:") for p in summary["problems"])


def test_an_id_shared_by_two_roster_rows_stops_those_rows_only(tmp_path):
    roster = [*ROSTER, ["ann", "Ann Lee", "S2", "S9", "ann@uni.edu", ""], ["alice", "", "", "", "", ""],
              ["Alice ", "", "", "", "", ""]]  # fmt: skip
    folder = tmp_path / "class"
    for name, score in (("jdoe", 40), ("S2", 30), ("alice", 20)):
        (folder / name).mkdir(parents=True)
        (folder / name / "params.py").write_text(f"SCORE {score}")
    table, _ = grade(tmp_path, folder, roster=roster)
    assert table["jdoe"]["params"] == "40.0"
    for stopped in ("bsmith", "ann", "alice", "Alice"):  # the roster's cells are trimmed
        assert table[stopped]["params"] == "" and "share the id" in table[stopped]["notes"]
    assert "S2" not in table and "Zoë" in table


def test_finder_and_windows_zips_are_the_class_folder_they_came_from(tmp_path):
    files = {"jdoe/params.py": "SCORE 40", "Zoë/params.py": "SCORE 20", "bsmith/params.py": "SCORE 30"}
    finder = finder_zip(tmp_path / "class.zip", files)
    with zipfile.ZipFile(finder) as archive:
        assert not any(info.flag_bits & 0x800 for info in archive.infolist())
    table, summary = grade(tmp_path / "finder", finder)
    assert scores(table) == {"jdoe": "40.0", "bsmith": "30.0", "Zoë": "20.0"} and summary["students"] == 3
    windows = windows_zip(tmp_path / "windows.zip", files)
    table, _ = grade(tmp_path / "windows", windows)
    assert scores(table) == {"jdoe": "40.0", "bsmith": "30.0", "Zoë": "20.0"}


def test_zip_names_follow_the_flag_then_the_unicode_field_then_utf8_then_the_code_page(tmp_path):
    stale = RawName(b"another name", unicode_field="Zoë/b.py")  # a field made for another name
    stale.raw = "Zoë/x.py".encode("cp437")  # ... is ignored: cp437 then
    entries = [
        (RawName("Zoë/a.py".encode(), utf8_flag=True), "Zoë/a.py"),
        (RawName(b"Zo_/b.py", unicode_field="Zoë/b.py"), "Zoë/b.py"),
        (stale, "Zoë/x.py"),
        (RawName(unicodedata.normalize("NFD", "Zoë/d.py").encode()), "Zoë/d.py"),  # Finder
        (RawName("José/e.py".encode("cp437")), "José/e.py"),
    ]
    path = tmp_path / "names.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for info, _ in entries:
            archive.writestr(info, b"x")
    with zipfile.ZipFile(path) as archive:
        got = [member_name(info) for info in archive.infolist()]
    assert got == [expected for _, expected in entries]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(RawName("张伟/a.py".encode("gbk")), b"x")
    with zipfile.ZipFile(path) as archive:
        assert member_name(archive.infolist()[0], "zh-CN") == "张伟/a.py"


def test_excel_rosters_from_other_locales_are_read(tmp_path):
    folder = tmp_path / "class"
    for name, score in (("jdoe", 40), ("bsmith", 30), ("Zoë", 20)):
        (folder / name).mkdir(parents=True)
        (folder / name / "params.py").write_text(f"SCORE {score}")
    roster = [row[:5] + ["1,5" if row[0] == "jdoe" else row[5]] for row in ROSTER]
    saved = {
        "fr": excel_csv(tmp_path / "fr.csv", roster, ";", "cp1252"),
        "unicode": excel_csv(tmp_path / "unicode.txt", roster, "\t", "utf-16"),
        "utf8": excel_csv(tmp_path / "utf8.csv", roster, ",", "utf-8-sig"),
    }
    late = [["student", "submitted_at"], ["JDOE", "2026-11-03T01:00:00+08:00"]]
    times = excel_csv(tmp_path / "times.csv", late, ";", "cp1252")
    course = load_course(ROOT / "course.yml")
    for locale, path in saved.items():
        out = tmp_path / f"out-{locale}"
        summary = grade_class(ROOT, course, folder, out, ["params"], workers=1, job=scripted_job,
                              roster_path=path, times_path=times)  # fmt: skip
        table = rows(out)
        assert scores(table) == {"jdoe": "40.0", "bsmith": "30.0", "Zoë": "20.0"}, locale
        assert "late" not in table["jdoe"]["notes"]  # 1,5 hours of extension cover 46 minutes
        assert summary["times_file"] == "times.csv" and summary["roster"]["not_on_roster"] == []


def test_a_nested_zip_bomb_is_refused_for_its_student_only(tmp_path):
    source = canvas_zip(
        tmp_path / "submissions.zip",
        {
            ("doejane", "101", False): {"params.py": "SCORE 40"},
            ("smithbob", "102", False): {"params.py": "SCORE 30", "data.zip": nested_bomb()},
        },
    )
    table, summary = grade(tmp_path, source)
    assert table["jdoe"]["params"] == "40.0"
    assert table["bsmith"]["params"] == "0.0" and "once unzipped" in table["bsmith"]["notes"]


def test_a_full_width_slash_never_becomes_a_path(tmp_path):
    assert normalise_id("a／b") == "a/b"  # why the key is never a path
    folder = tmp_path / "class"
    (folder / "x／y").mkdir(parents=True)
    (folder / "x／y" / "params.py").write_text("SCORE 12")
    table, _ = grade(tmp_path, folder, roster=None)
    assert scores(table) == {"x／y": "12.0"}
    assert (tmp_path / "out" / "feedback" / "x／y" / "params.json").is_file()


def test_an_unreadable_input_names_the_path_given_and_the_formats_expected(tmp_path):
    source = write_zip(tmp_path / "export.zip", {"readme.txt": "hello", "grades.csv": "a,b"})
    with pytest.raises(GraderError) as raised:
        grade(tmp_path, source)
    message = str(raised.value)
    assert (
        message.startswith(f"{source}:")
        and "Canvas" in message
        and "/tmp" not in message.replace(str(source), "")
    )


@pytest.mark.slow  # grades a class for real, through the command line
def test_grade_all_on_a_canvas_download_gives_one_row_per_student_with_their_score(tmp_path):
    from click.testing import CliRunner

    from grader.cli import course_command

    from .conftest import FIXTURE, fixture_course

    course = fixture_course(tmp_path / "course")
    reference = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
    wrong_norm = reference.replace("float(np.sqrt(np.sum(x * x)))", "float(np.sum(x * x))")
    source = canvas_zip(
        tmp_path / "submissions.zip",
        {
            ("doejane", "101", False): {"vec.py": reference},
            ("smithbob", "102", True): {
                "vec-1.py": wrong_norm,
                "doejane_101_1000_vec.py": "raise SystemExit",
            },
            ("martinzoe", "103", False): {"notes.txt": "I ran out of time"},
        },
    )
    roster = excel_csv(tmp_path / "roster.csv", ROSTER, ";", "utf-8-sig")
    result = CliRunner().invoke(
        course_command,
        ["grade-all", str(source), "--roster", str(roster), "--assignment", "vec", "--workers", "1",
         "--out", str(tmp_path / "grades"), "--course", str(course)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = rows(tmp_path / "grades")
    assert sorted(table) == ["Zoë", "bsmith", "jdoe"]
    assert table["jdoe"]["vec"] == "10.0" and table["Zoë"]["vec"] == "0.0"
    assert 0 < float(table["bsmith"]["vec"]) < 10  # their own wrong norm, not jdoe's look-alike
    assert "\n3 students · " in result.output


def test_a_times_file_without_a_students_row_asks_for_the_row_not_for_the_option(tmp_path, capsys):
    from grader.cli import print_class_summary

    folder = tmp_path / "class"
    for name in ("jdoe", "bsmith"):
        (folder / name).mkdir(parents=True)
        (folder / name / "params.py").write_text("SCORE 30")
    times = excel_csv(tmp_path / "times.csv", [["student", "submitted_at"], ["jdoe", "2026-11-01T10:00:00Z"]])
    course = load_course(ROOT / "course.yml")
    summary = grade_class(ROOT, course, folder, tmp_path / "out", ["params"], workers=1, job=scripted_job,
                          times_path=times)  # fmt: skip
    print_class_summary(summary, tmp_path / "out")
    said = capsys.readouterr().out
    assert "time unknown, so no late penalty: 1 submission(s); add their rows to times.csv" in said
    assert "--times" not in said
