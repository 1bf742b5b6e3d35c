"""`course new`: a new assignment in any course, which `course release` and `course check` accept
as it is; course.yml keeps its comments; bad names are one sentence."""

import pytest
from click.testing import CliRunner

from grader.catalogue import load_catalogue
from grader.check import check_student_text
from grader.cli import course_command
from grader.config import load_course, parse_course
from grader.scaffold import with_entry

from .conftest import FIXTURE, fixture_course


def course(*arguments):
    return CliRunner().invoke(course_command, [str(a) for a in arguments])


@pytest.mark.slow
def test_a_new_assignment_is_released_and_checked(tmp_path):
    root = fixture_course(tmp_path / "course")
    before = (root / "course.yml").read_text(encoding="utf-8")
    result = course("new", "hist", "--module", "hist.py", "--title", "Histograms", "--course", root)
    assert result.exit_code == 0, result.output
    for path in ("solutions/hist.py", "tests/hist/test_public.py", "tests/hist/test_hidden.py"):
        assert f"wrote {path}" in result.output and (root / path).is_file()
    after = (root / "course.yml").read_text(encoding="utf-8")
    assert after.startswith(before), "the rest of course.yml, comments included, is kept"
    added = load_course(root / "course.yml").assignment("hist")
    assert (added.title, added.module, added.points) == ("Histograms", "hist.py", 4)
    assert added.due - added.release > added.due - added.due  # due after release
    assert [m["function"] for m in load_catalogue(root / "tests" / "hist" / "mistakes.py")] == ["double"]
    solution = (root / "solutions" / "hist.py").read_text(encoding="utf-8")
    assert "### BEGIN SOLUTION" in solution and "### HINT:" in solution

    assert course("release", "--course", root).exit_code == 0
    checked = course("check", "--course", root)
    assert checked.exit_code == 0, checked.output
    assert "✓ hist: every known mistake loses points" in checked.output
    stub = (root / "assignments" / "hist" / "hist.py").read_text(encoding="utf-8")
    assert "raise NotImplementedError" in stub and "# HINT: multiply, elementwise." in stub


def test_the_entry_goes_at_the_end_of_the_assignments_list(tmp_path):
    """Wherever `assignments:` is in the file, the entry ends its list and nothing else moves."""
    text = (FIXTURE / "course.yml").read_text(encoding="utf-8")
    start = text.index("late_policy:\n")
    late = text[start : text.index("\n\n", start) + 1]
    head, _, tail = text.replace(late, "").partition("assignments:\n")
    reordered = head + "assignments:\n" + tail + "\n" + late
    course_model = parse_course(reordered)
    entry = {"assignment_id": "hist", "module": "hist.py", "title": "Histograms"}
    result = with_entry(reordered, entry, course_model)
    assert result.endswith("\n" + late)
    assert [a.id for a in parse_course(result).assignments] == ["vec", "stats", "hist"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["vec", "--module", "v2.py"],
            "error: course.yml already has an assignment 'vec'; choose another id.\n",
        ),
        (
            ["Hist", "--module", "hist.py"],
            "error: 'Hist' cannot be an assignment id; use lower-case letters, digits and _.\n",
        ),
        (
            ["hist", "--module", "hist"],
            "error: 'hist' cannot be a module; give a Python file name such as hist.py.\n",
        ),
        (
            ["hist", "--module", "vec.py"],
            "error: solutions/vec.py already exists; remove it or choose another id or module.\n",
        ),
    ],
)
def test_bad_names_are_one_sentence(tmp_path, arguments, message):
    root = fixture_course(tmp_path / "course")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = course("new", *arguments, "--course", root)
    assert result.exit_code == 2 and result.stderr == message
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before, "nothing was written"


def test_a_course_starts_from_an_empty_folder(tmp_path):
    """`course init` writes a course.yml that loads with no assignment; `course new` adds the first
    one; the student's stub speaks to students; `course check` before release says to release."""
    root = tmp_path / "empty"
    root.mkdir()
    started = course("init", root, "--name", "Stats 101", "--timezone", "+08:00")
    assert started.exit_code == 0, started.output
    assert load_course(root / "course.yml").assignments == []
    assert course("init", root).exit_code == 2, "a second init would overwrite the course"
    added = course("new", "stats", "--module", "stats.py", "--course", root)
    assert added.exit_code == 0, added.output
    assert [a.id for a in load_course(root / "course.yml").assignments] == ["stats"]
    before_release = course("check", "--course", root)
    assert "stats is not released yet; run `course release`" in before_release.output
    assert "reference fails" not in before_release.output
    assert course("release", "--course", root).exit_code == 0
    stub = (root / "assignments" / "stats" / "stats.py").read_text(encoding="utf-8")
    notebook = (root / "assignments" / "stats" / "stats.ipynb").read_text(encoding="utf-8")
    for released in (stub, notebook):
        assert "never released" not in released and "reference" not in released


def test_new_in_a_folder_without_a_course_starts_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    added = course("new", "stats", "--module", "stats.py")
    assert added.exit_code == 0, added.output
    assert "wrote " + str(tmp_path / "course.yml") in added.output
    assert load_course(tmp_path / "course.yml").assignment("stats").module == "stats.py"


def test_check_names_instructor_text_in_the_released_stub(tmp_path):
    root = fixture_course(tmp_path / "course")
    solution = root / "solutions" / "vec.py"
    text = solution.read_text(encoding="utf-8")
    solution.write_text('"""The reference solution of vec: never released."""\n' + text, encoding="utf-8")
    assert course("release", "--course", root).exit_code == 0
    loaded = load_course(root / "course.yml")
    problems = check_student_text(root, loaded, loaded.assignment("vec"))
    named = sorted(problem.split(":")[0] for problem in problems)
    assert named == ["assignments/vec/vec.ipynb", "assignments/vec/vec.py"]
    assert "says 'reference solution', written for the instructor" in problems[0]


def test_a_new_assignment_follows_the_last_one_in_the_calendar(tmp_path):
    root = fixture_course(tmp_path / "course")
    assert course("new", "hist", "--module", "hist.py", "--course", root).exit_code == 0
    loaded = load_course(root / "course.yml")
    assert loaded.assignment("hist").release > loaded.assignment("stats").due
    assert course("validate", "--course", root).exit_code == 0
