"""What every command shares: exit codes, one-line errors, official or advisory runs."""

from __future__ import annotations

import os
import sys
import traceback
from typing import NoReturn

import click

from grader.errors import GraderError

EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_USAGE = 0, 1, 2


def fail(error: GraderError, debug: bool) -> NoReturn:
    """Print `error: <message>` on stderr and exit with the error's code (2 unless it says)."""
    if debug:
        traceback.print_exc()
    click.echo(f"error: {error}", err=True)
    sys.exit(getattr(error, "exit_code", EXIT_USAGE))


def is_official(official: bool, advisory: bool) -> bool:
    """An official run: --official, or CI=true unless --advisory (the student repository's CI)."""
    if official and advisory:
        raise GraderError("--official and --advisory contradict each other; give one of them.")
    return official or (os.environ.get("CI", "").lower() == "true" and not advisory)
