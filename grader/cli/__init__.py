"""The `grade` and `course` commands: the only modules that print or exit.

One module per group of verbs, each a thin layer over the library:

    grade.py       `grade`: one submission, its score table and report files
    authoring.py   `course init`, `new`, `validate`, `release`, `check`
    batch.py       `course grade-all`, `export`
    collect.py     `course collect`, `post-feedback`
    similarity.py  `course similarity`
    insight.py     `course insight`
    common.py      the exit codes, `fail`, and the options several commands share

`course`'s commands are listed once, in `COURSE_COMMANDS`, and a command's module is imported when
the command is looked up: `grade` and `grade --help` load only grade.py (neither pytest, NumPy nor
pydantic; issue 22), and no module registers anything by being imported. The exit codes are listed
in grader/cli/common.py.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from grader.cli.common import EXIT_BELOW_THRESHOLD, EXIT_OK, EXIT_USAGE, HELP_OPTIONS
from grader.cli.grade import grade_command

# every `course` command: its name and where it is defined ("module:attribute")
COURSE_COMMANDS = {
    "init": "grader.cli.authoring:init_command",
    "new": "grader.cli.authoring:new_command",
    "validate": "grader.cli.authoring:validate_command",
    "release": "grader.cli.authoring:release_command",
    "check": "grader.cli.authoring:check_command",
    "grade-all": "grader.cli.batch:grade_all_command",
    "export": "grader.cli.batch:export_command",
    "collect": "grader.cli.collect:collect_command",
    "post-feedback": "grader.cli.collect:post_feedback_command",
    "similarity": "grader.cli.similarity:similarity_command",
    "insight": "grader.cli.insight:insight_command",
}

# names other code and the tests import from grader.cli, and the module that defines each
_HOMES = {
    "print_class_summary": "grader.cli.batch",
    "print_collect_summary": "grader.cli.collect",
    "is_official": "grader.cli.grade",
    "submission_for": "grader.cli.grade",
    "write_outputs": "grader.cli.grade",
}

__all__ = [
    "COURSE_COMMANDS",
    "EXIT_BELOW_THRESHOLD",
    "EXIT_OK",
    "EXIT_USAGE",
    "course_command",
    "course_main",
    "grade_command",
    "grade_main",
    *_HOMES,
]


def _load(where: str) -> Any:
    module, _, name = where.partition(":")
    return getattr(importlib.import_module(module), name)


class CourseGroup(click.Group):
    """A group whose commands are named in a table and imported when one is looked up or listed."""

    def __init__(self, *args: Any, table: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.table})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.table:
            command = _load(self.table[cmd_name])
            if not isinstance(command, click.Command) or command.name != cmd_name:
                raise TypeError(f"{self.table[cmd_name]} is not the command {cmd_name!r}")
            self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(cls=CourseGroup, table=COURSE_COMMANDS, context_settings=HELP_OPTIONS)
def course_command() -> None:
    """Instructor commands for the course in this folder."""


def __getattr__(name: str) -> Any:
    """A helper of a command module, imported on first use (PEP 562).

    Raises:
        AttributeError: `name` is not one of grader.cli's names.
    """
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'grader.cli' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


def grade_main() -> None:
    """Entry point of the `grade` console script."""
    grade_command()


def course_main() -> None:
    """Entry point of the `course` console script."""
    course_command()
