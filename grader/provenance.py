"""What decides a result beyond the submission: the grader's own source, as a digest.

A report carries the digest of the grader that made it, and grade-all's cache keys include it,
so that a result made by another grader (a fixed bug, a new sandbox) is never reused.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SOURCE_SUFFIXES = (".py", ".j2", ".ini")


@functools.cache
def grader_digest() -> str:
    """A short hash of every source file of the grader package (names and bytes), computed once.

    Returns:
        16 hexadecimal digits.
    """
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
