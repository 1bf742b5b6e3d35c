"""What every command shares: the exit codes, the one way a user's mistake ends a command, and the
options several commands take (defined once here, so that they read and behave alike).

Exit codes:
    0  graded (or checked) successfully
    1  the score is below --fail-under, `course check` found a problem, or a comment was not posted
    2  a mistake in the command or the course (GraderError): one line on stderr
    3  an official run refused: the isolation it needs is not available here (IsolationRefused), or
       the hidden suite is missing (HiddenSuiteMissing)
    4  the course itself is broken: a suite cannot be collected (CourseBroken), or the sandbox
       does not start a child or give the reference full marks here (SandboxBroken)

Only click and the standard library are imported here: `grade --help` loads no more than this.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from grader.errors import GraderError

EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_USAGE = 0, 1, 2
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}

F = TypeVar("F", bound=Callable[..., Any])


def fail(error: GraderError, debug: bool) -> NoReturn:
    """End the command for a user's mistake: `error: <sentence>` on stderr and the error's exit code.

    Args:
        error: the mistake; its `exit_code` (default 2) becomes the process's.
        debug: also print the traceback (--debug).
    """
    if debug:
        import traceback

        traceback.print_exc()
    click.echo(f"error: {error}", err=True)
    sys.exit(getattr(error, "exit_code", EXIT_USAGE))


def course_option(function: F) -> F:
    """--course DIR: the course folder (default: the one this folder is in)."""
    return click.option(
        "--course", "course_dir", type=click.Path(path_type=Path, file_okay=False), help="The course folder."
    )(function)


def debug_option(function: F) -> F:
    """--debug: show the traceback of a user's mistake."""
    return click.option("--debug", is_flag=True, help="Show tracebacks of user errors.")(function)


def lang_option(help_text: str) -> Callable[[F], F]:
    """--lang en|zh-CN, with the help that says what it is the language of.

    Args:
        help_text: the option's help line.
    """
    return click.option("--lang", type=click.Choice(["en", "zh-CN"]), help=help_text)


def workers_option(help_text: str) -> Callable[[F], F]:
    """--workers N (at least 1), with the help that says what the workers do.

    Args:
        help_text: the option's help line.
    """
    return click.option("--workers", type=click.IntRange(1), help=help_text)


def roster_option(help_text: str = "CSV: student, optional extension_hours.") -> Callable[[F], F]:
    """--roster FILE: the class's roster (CSV).

    Args:
        help_text: the option's help line (which columns this command reads).
    """
    return click.option("--roster", type=click.Path(path_type=Path), help=help_text)
