"""The anonymous form of the insight report, for sharing with colleagues.

Pseudonyms are HMAC-SHA256 of the student id under a secret the instructor keeps: without the
secret, the roster does not give them back (hashing every roster id finds nothing). The form
carries no code and no links to feedback pages.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Any

from grader.errors import GraderError

MIN_SECRET = 16  # bytes


def read_secret(path: Path) -> tuple[bytes, bool]:
    """The secret in `path`, made (random, mode 0600) when the file does not exist yet.

    Returns:
        (the secret, whether it was just made).

    Raises:
        GraderError: when the file is unreadable or too short to be a secret.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        return read_secret(path)[0], True
    try:
        secret = path.read_bytes().strip()
    except OSError as error:
        raise GraderError(f"{path}: the secret cannot be read ({error.strerror}).") from None
    if len(secret) < MIN_SECRET:
        raise GraderError(
            f"{path}: a secret needs at least {MIN_SECRET} characters; delete the file and a new one is made."
        )
    return secret, False


def pseudonym(student: str, secret: bytes) -> str:
    """A stable pseudonym of `student` under `secret` ("s-" and 12 hex digits)."""
    return "s-" + hmac.new(secret, student.encode("utf-8"), hashlib.sha256).hexdigest()[:12]


def anonymise(report: dict[str, Any], secret: bytes) -> dict[str, Any]:
    """The report with every student id replaced by its pseudonym, and no code.

    Args:
        report: insight's JSON report (see grader.insight.report.build).
        secret: the instructor's secret.

    Returns:
        a new report; `anonymous` is True.
    """
    hidden = {**report, "anonymous": True, "assignments": []}
    for assignment in report["assignments"]:
        groups = []
        for group in assignment["misconceptions"]:
            renamed = {k: v for k, v in group.items() if k != "code_side_by_side"}
            renamed["examples"] = [pseudonym(s, secret) for s in group["examples"]]
            renamed["members"] = sorted(pseudonym(s, secret) for s in group["members"])
            groups.append(renamed)
        hidden["assignments"].append({**assignment, "misconceptions": groups})
    return hidden
