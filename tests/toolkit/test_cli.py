"""The `grade` command through click's runner: exit codes, the table, and every report format."""

import ast
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from grader.cli import course_command, grade_command
from grader.config import load_course

from .conftest import ROOT, fixture_course, reference_with, write_course


def run(*arguments, **options):
    return CliRunner().invoke(grade_command, [str(a) for a in arguments], **options)


def test_grade_all_on_the_reference_prints_full_marks(tmp_path):
    """The README's main job, on the fixture course: every assignment of the reference scores 100 %."""
    course = fixture_course(tmp_path / "course")
    result = run("--all", "--submission", course / "solutions", "--course", course)
    assert result.exit_code == 0, result.output
    assert "course total 15.00 / 15.00 (100 %)" in result.output
    for assignment in ("vec", "stats"):
        assert f"{assignment}:" in result.output


@pytest.mark.slow
def test_grade_all_on_this_course_prints_full_marks(tmp_path):
    """The README's main job on this course, with course.yml's limits."""
    course = write_course(tmp_path, time_limit=30)
    result = run("--all", "--submission", course / "solutions", "--course", course)
    assert result.exit_code == 0, result.output
    total = sum(a.points for a in load_course(course / "course.yml").assignments)
    assert f"course total {total:.2f} / {total:.2f} (100 %)" in result.output


def test_every_report_format(course_copy, tmp_path, monkeypatch):
    """--json, --junit, --gradescope, --html and the GitHub job summary for one graded run."""
    wrong = tmp_path / "conv.py"
    wrong.write_text(reference_with("conv_single_step", "return 0.0"), encoding="utf-8")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    paths = {name: tmp_path / f"report.{name}" for name in ("json", "junit", "gradescope", "html")}
    options = [item for name, path in paths.items() for item in (f"--{name}", path)]
    result = run("conv", "--submission", wrong, "--course", course_copy, *options)
    assert result.exit_code == 0, result.output

    report = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert report["schema_version"] == 1 and report["assignment"] == "conv"
    assert report["score"] == pytest.approx(49) and report["max_score"] == pytest.approx(53)
    assert {
        "name",
        "function",
        "score",
        "max_score",
        "status",
        "hidden",
        "output",
        "mistake",
        "duration_s",
    } <= set(report["tests"][0])
    failed = [t for t in report["tests"] if t["status"] == "failed"]
    assert {t["function"] for t in failed} == {"conv_single_step"}

    suite = ET.parse(paths["junit"]).getroot().find("testsuite")
    assert suite.get("failures") == str(len(failed)) and suite.find("testcase/failure") is not None

    gradescope = json.loads(paths["gradescope"].read_text(encoding="utf-8"))
    assert gradescope["score"] == pytest.approx(49)
    assert {t["visibility"] for t in gradescope["tests"]} == {"visible", "after_published"}
    assert set(gradescope["tests"][0]) == {"name", "score", "max_score", "status", "output", "visibility"}

    html = paths["html"].read_text(encoding="utf-8")
    # a row per failed test and one for the function they belong to (the report is grouped)
    assert html.count('<tr class="failed">') == len(failed) + 1 and "49.00 / 53.00" in html
    assert "### conv: 49.00 / 53.00" in summary.read_text(encoding="utf-8")


def test_fail_under_sets_the_exit_code(course_copy, tmp_path):
    wrong = tmp_path / "params.py"
    wrong.write_text("def conv_params(f, c_in, n_filters, bias=True):\n    return 0\n", encoding="utf-8")
    result = run("params", "--submission", wrong, "--course", course_copy, "--fail-under", "50")
    assert result.exit_code == 1
    assert "below --fail-under 50 %" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["stat"], "error: no assignment 'stat'; did you mean 'stats'?"),
        (["stats", "--submission", "missing.py"], "error: missing.py: no such file or folder"),
        (["stats"], "error: no assignments/stats to grade; run `course release` first"),
        ([], "error: which assignment? name one (vec, stats)"),
    ],
)
def test_user_mistakes_are_one_line(tmp_path, arguments, message):
    result = run(*arguments, "--course", fixture_course(tmp_path / "course"))
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_broken_course_file_names_the_field(tmp_path):
    (tmp_path / "course.yml").write_text("course: {name: x}\nassignments: [{id: a}]\n", encoding="utf-8")
    result = run("a", "--course", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: course.yml: assignment 'a'.title is missing; add 'title:'")


def test_grade_finds_the_assignment_from_the_working_folder(course_copy, tmp_path, monkeypatch):
    """Inside assignments/<id>/ with no arguments, grade grades the working copy there."""
    course = tmp_path / "course"
    shutil.copytree(course_copy, course)
    folder = course / "assignments" / "params"
    folder.mkdir(parents=True)
    shutil.copy(course / "solutions" / "params.py", folder / "params.py")
    monkeypatch.chdir(folder)
    result = run()
    assert result.exit_code == 0, result.output
    assert "total 48.00 / 48.00 (100 %)" in result.output


def test_python_dash_m_grader_is_the_grade_command():
    result = subprocess.run(
        [sys.executable, "-m", "grader", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0 and "Grade ASSIGNMENT" in result.stdout


def test_course_validate_lists_assignments_with_dates_in_the_course_zone(tmp_path):
    root = fixture_course(tmp_path / "course")
    text = (
        (root / "course.yml")
        .read_text(encoding="utf-8")
        .replace('timezone: "+00:00"', "timezone: Asia/Shanghai")
    )
    (root / "course.yml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(course_command, ["validate", "--course", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "vec          10 points  due 2026-01-13 07:59 +0800  Vectors",
        "stats         5 points  due 2026-01-20 07:59 +0800  Mean and variance",
    ]


HEAVY = ("matplotlib", "copydetect", "dask", "distributed", "grader.similarity")
LOADED = "import sys; print(sorted(sys.modules))"
HELP = "from grader.cli import {0}\ntry:\n    {0}(['--help'])\nexcept SystemExit:\n    pass"


@pytest.mark.parametrize(
    "script",
    ["import grader.cli", "import grader", HELP.format("grade_command"), HELP.format("course_command")],
)
def test_the_commands_and_their_help_load_no_plotting_similarity_or_cluster_code(script):
    """`grade` runs dozens of times an evening: matplotlib, copydetect and dask load only when used."""
    done = subprocess.run([sys.executable, "-c", f"{script}\n{LOADED}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert not [name for name in loaded if name.startswith(HEAVY)], loaded
    assert "grader" in loaded  # the check sees the modules of the process that ran the script


@pytest.mark.parametrize("script", ["import grader", HELP.format("grade_command")])
def test_import_grader_and_grade_help_load_neither_pytest_numpy_nor_pydantic(script):
    """`import grader` and `grade --help` load the public API on first use only (issue 22)."""
    done = subprocess.run([sys.executable, "-c", f"{script}\n{LOADED}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert not [name for name in loaded if name.split(".")[0] in ("pytest", "_pytest", "numpy", "pydantic")]
    assert "grader" in loaded


def test_the_public_api_loads_on_first_use():
    import grader

    assert grader.load_course is grader.config.load_course
    assert "grade" in dir(grader)
    with pytest.raises(AttributeError):
        grader.no_such_name  # noqa: B018


def test_similarity_help_shows_the_defaults_it_loads_when_asked():
    result = CliRunner().invoke(course_command, ["similarity", "--help"])
    assert result.exit_code == 0 and "[default: 0.7;" in result.output and "[default: 50;" in result.output
