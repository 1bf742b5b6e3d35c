"""One sentence for every bad input, with DESIGN.md's exit codes, and never a traceback.

A table of broken inputs for every command: course.yml (impossible dates, zones, typos,
encodings), paths, rosters, times, submission.json and submissions that cannot be imported.
A mistake in the command, course.yml or a path is exit 2 with one line on stderr; an
unimportable submission is graded 0 (exit 0) with one reason and one row per function; in
grade-all, a bad row or submission is that student's reason in the gradebook.
"""

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import course_command, grade_command

from .conftest import FIXTURE, fixture_course

REFERENCE = (FIXTURE / "solutions" / "stats.py").read_text(encoding="utf-8")


def edit_course(old: str, new: str) -> Callable[[Path], None]:
    """A set-up step: replace `old` (which must be there, once) in the course's course.yml."""

    def apply(root: Path) -> None:
        text = (root / "course.yml").read_text(encoding="utf-8")
        assert text.count(old) == 1, f"course.yml has {text.count(old)} of {old!r}"
        (root / "course.yml").write_text(text.replace(old, new), encoding="utf-8")

    return apply


def write(relative: str, text: str | bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root.parent / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    return apply


def link(relative: str, target: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root.parent / relative).parent.mkdir(parents=True, exist_ok=True)
        (root.parent / relative).symlink_to(root / target)

    return apply


DUE = "due: 2026-01-19T23:59:00+00:00"
SOLUTION = "course/solutions/stats.py"
USAGE = [  # (id, command, set-up, arguments, the one line on stderr)
    ("impossible date", "grade", edit_course(DUE, "due: 2026-09-31T23:59:00+00:00"), ["stats"],
     "course.yml: assignment 'stats'.due: Input should be a valid datetime or date, day value is outside "
     "expected range."),
    ("date without zone", "grade", edit_course(DUE, "due: 2026-01-19T23:59:00"), ["stats"],
     "course.yml: assignment 'stats'.due: give a time zone, as in 2026-09-21T23:59:00+08:00."),
    ("unknown zone", "grade", edit_course('timezone: "+00:00"', "timezone: Moon/Base"), ["stats"],
     "course.yml: course.timezone: 'Moon/Base' is not a time zone; write an offset such as +08:00 or a "
     "name such as Asia/Shanghai."),
    ("typo in a field", "release", edit_course("    points: 5\n", "    piont: 5\n"), [],
     "course.yml: unknown field assignment 'stats'.piont; did you mean 'points'?"),
    ("course.yml not UTF-8", "check", write("course/course.yml", "course: {name: 课}\n".encode("gb18030")),
     [],
     "{root}/course.yml: not UTF-8 text; save it as UTF-8."),
    ("course.yml not YAML", "validate", write("course/course.yml", "course: [\n"), [],
     "course.yml line 2: not valid YAML; check the indentation."),
    ("unknown assignment", "grade", None, ["stat"], "no assignment 'stat'; did you mean 'stats'?"),
    ("missing submission", "grade", None, ["stats", "--submission", "{root}/nothing.py"],
     "{root}/nothing.py: no such file or folder; check the path given to --submission."),
    ("empty submission folder", "grade", write("empty/.keep", ""),
     ["stats", "--submission", "{root}/../empty"],
     "{root}/../empty: nothing submitted: no stats.py or stats.ipynb found; the folder is empty."),
    ("not a python file", "grade", write("answers.txt", "42\n"),
     ["stats", "--submission", "{root}/../answers.txt"],
     "{root}/../answers.txt: a submission is a .py file, a folder or an .ipynb notebook."),
    ("linked submission", "grade", link("linked.py", "solutions/stats.py"),
     ["stats", "--submission", "{root}/../linked.py"],
     "{root}/../linked.py: a submission may not be a symbolic link; submit the file itself."),
    ("report in a missing folder", "grade", None,
     ["stats", "--submission", "{root}/solutions/stats.py", "--json", "{root}/no/such/folder/r.json"],
     "{root}/no/such/folder/r.json: cannot be written (No such file or directory); check the report's path."),
    ("missing class folder", "grade-all", None, ["{root}/../nobody"], None),
    ("empty class folder", "grade-all", write("class/.keep", ""), ["{root}/../class"], None),
    ("roster that is a picture", "grade-all", write("roster.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
     ["{root}/../class", "--roster", "{root}/../roster.csv"],
     "{root}/../roster.csv: the roster is not text; save it as CSV UTF-8."),
    ("roster without a student column", "grade-all", write("roster.csv", "name\nann\n"),
     ["{root}/../class", "--roster", "{root}/../roster.csv"],
     "{root}/../roster.csv: the roster needs a 'student' column (its columns: 'name'); "
     "separate the columns with ',', ';' or tabs."),
    ("times without submitted_at", "grade-all", write("times.csv", "student,time\nann,x\n"),
     ["{root}/../class", "--times", "{root}/../times.csv"],
     "{root}/../times.csv: the times file needs a 'submitted_at' column (its columns: 'student', 'time'); "
     "separate the columns with ',', ';' or tabs."),
    ("missing gradebook", "export", None, ["{root}/grades/gradebook.csv", "--format", "nbgrader"],
     "{root}/grades/gradebook.csv: no such file; give the gradebook.csv that grade-all wrote."),
    ("missing solution", "release", lambda root: (root / "solutions" / "stats.py").unlink(), [],
     "{root}/solutions/stats.py: no reference solution for assignment 'stats'."),
]  # fmt: skip


def invoke(command: str, arguments: list[str], root: Path):
    group = [] if command == "grade" else [command]
    runner_command = grade_command if command == "grade" else course_command
    filled = [argument.format(root=root) for argument in arguments]
    return CliRunner().invoke(runner_command, [*group, *filled, "--course", str(root)])


@pytest.mark.parametrize(("command", "setup", "arguments", "message"), [case[1:] for case in USAGE],
                         ids=[case[0] for case in USAGE])  # fmt: skip
def test_a_mistake_is_one_line_and_exit_2(tmp_path, command, setup, arguments, message):
    root = fixture_course(tmp_path / "course")
    (tmp_path / "class").mkdir(exist_ok=True)
    if command == "grade-all" and "class" in arguments[0] and setup is None or "roster" in str(arguments):
        (tmp_path / "class" / "ann").mkdir(exist_ok=True)
        (tmp_path / "class" / "ann" / "stats.py").write_text(REFERENCE, encoding="utf-8")
    if setup is not None:
        setup(root)
    result = invoke(command, arguments, root)
    assert result.exit_code == 2, result.output
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    if message is not None:
        assert result.stderr == f"error: {message.format(root=root)}\n"


UNIMPORTABLE = {
    "syntax error": ("def mean(x)\n    return 0\n", "your code could not be imported: SyntaxError"),
    "raises at import": ("import numpy\nraise RuntimeError('not done')\n", "RuntimeError: not done"),
    "missing module": ("import no_such_helpers\n", "ModuleNotFoundError: No module named 'no_such_helpers'"),
    "exits at import": ("import sys\nsys.exit(3)\n", "your code could not be imported: SystemExit: 3"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(UNIMPORTABLE))
def test_an_unimportable_submission_is_graded_0_with_one_line_and_a_row_per_function(tmp_path, case):
    root = fixture_course(tmp_path / "course")
    source, reason = UNIMPORTABLE[case]
    (tmp_path / "stats.py").write_text(source, encoding="utf-8")
    report = tmp_path / "report.json"
    arguments = ["stats", "--submission", str(tmp_path / "stats.py"), "--json", str(report)]
    result = CliRunner().invoke(grade_command, [*arguments, "--course", str(root)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    text = " ".join(result.output.split())  # the table wraps at the terminal's width
    assert text.count("every test failed for one reason: ") == 1
    assert text.count(reason) == 1, text
    rows = [line for line in result.output.splitlines() if line.startswith("│ ✗")]
    assert [row.split("│")[2].split()[0] for row in rows] == ["mean", "variance"]
    assert "total 0.00 / 5.00 (0 %)" in result.output
    tests = json.loads(report.read_text(encoding="utf-8"))["tests"]
    assert len(tests) == 6 and all(t["score"] == 0 and reason in t["output"] for t in tests), tests


@pytest.mark.slow
def test_grade_all_keeps_each_bad_row_with_its_student(tmp_path):
    """One run: a good student, a roster extension that is not a number, a time without a zone, a
    time that cannot be read, a submission.json that is not JSON, and an unimportable submission.
    Each bad one is that student's reason; the others are graded; nothing stops the class."""
    root = fixture_course(tmp_path / "course")
    students = {"ann": REFERENCE, "bob": REFERENCE, "cyd": REFERENCE, "dan": REFERENCE, "eve": REFERENCE,
                "fay": "def mean(x)\n"}  # fmt: skip
    for student, source in students.items():
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "stats.py").write_text(source, encoding="utf-8")
    (tmp_path / "class" / "eve" / "submission.json").write_text("{not json", encoding="utf-8")
    roster = "student,extension_hours\n" + "".join(f"{s},{'x' if s == 'bob' else ''}\n" for s in students)
    (tmp_path / "roster.csv").write_text(roster, encoding="utf-8")
    times = "student,submitted_at\nann,2026-01-19T10:00:00Z\nbob,2026-01-19T10:00:00Z\n"
    times += "cyd,2026-01-19T10:00:00\ndan,last tuesday\nfay,2026-01-19T10:00:00Z\n"
    (tmp_path / "times.csv").write_text(times, encoding="utf-8")
    out = tmp_path / "grades"
    arguments = ["grade-all", str(tmp_path / "class"), "--assignment", "stats", "--out", str(out)]
    arguments += ["--roster", str(tmp_path / "roster.csv"), "--times", str(tmp_path / "times.csv")]
    result = CliRunner().invoke(course_command, [*arguments, "--workers", "1", "--course", str(root)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert rows["ann"]["stats"] == "5.0" and rows["ann"]["notes"] == ""
    assert rows["bob"]["stats"] == "" and "extension_hours 'x' is not a number" in rows["bob"]["notes"]
    assert rows["cyd"]["stats"] == "" and "has no time zone" in rows["cyd"]["notes"]
    assert rows["dan"]["stats"] == "" and "'last tuesday' cannot be read" in rows["dan"]["notes"]
    assert rows["eve"]["stats"] == "5.0" and "time unknown, no penalty" in rows["eve"]["notes"]
    assert rows["fay"]["stats"] == "0.0"
    feedback = json.loads((out / "feedback" / "fay" / "stats.json").read_text(encoding="utf-8"))
    assert all("could not be imported: SyntaxError" in t["output"] for t in feedback["tests"])
    assert os.path.isfile(out / "summary.json")
