"""The command line's package (grader/cli/): every `course` command is listed once and loaded when
looked up; `grade` loads none of them; no module registers a command by being imported."""

import ast
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from grader.cli import COURSE_COMMANDS, course_command

CLI = Path(__file__).resolve().parents[2] / "grader" / "cli"


def test_every_listed_command_is_the_command_of_its_name():
    context = click.Context(course_command)
    for name in COURSE_COMMANDS:
        command = course_command.get_command(context, name)
        assert isinstance(command, click.Command) and command.name == name
    assert course_command.list_commands(context) == sorted(COURSE_COMMANDS)


def test_course_help_lists_every_command_once():
    result = CliRunner().invoke(course_command, ["--help"])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:")[1].split()
    assert [word for word in listed if word in COURSE_COMMANDS] == sorted(COURSE_COMMANDS)


def test_an_unknown_command_is_refused_as_before():
    result = CliRunner().invoke(course_command, ["grade-al"])
    assert result.exit_code == 2
    assert "No such command 'grade-al'" in result.output


def test_grade_loads_no_module_of_the_course_commands():
    script = (
        "import sys\nfrom grader.cli import grade_command\n"
        "try:\n    grade_command(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(name for name in sys.modules if name.startswith('grader.cli')))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "['grader.cli', 'grader.cli.common', 'grader.cli.grade']"


def _registrations(path: Path) -> list[str]:
    """Lines of `path` that add a command to a group: `@group.command(...)` or `group.add_command(...)`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            called_on_group = not (isinstance(target, ast.Name) and target.id == "click")
            if node.func.attr in ("command", "group", "add_command") and called_on_group:
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_command_module_registers_on_a_group():
    """Commands are plain `@click.command`s; `course` finds them in COURSE_COMMANDS, its one list."""
    modules = sorted(path for path in CLI.glob("*.py") if path.name != "__init__.py")  # __init__ loads
    assert {path.stem for path in modules} >= {"grade", "authoring", "batch", "collect", "common"}
    assert [line for path in modules for line in _registrations(path)] == []
