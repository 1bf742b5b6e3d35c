"""What a submission did, as exceptions a test turns into a failed result (never toolkit errors)."""

from __future__ import annotations

import functools
import re
from typing import Any


class SubmissionFailure(Exception):
    """Something the student's code did, reported as a failed test (never a toolkit error)."""


class SubmissionTimeout(SubmissionFailure):
    """A call ran past the time limit (the child was killed), or the submission's budget is spent.

    Args:
        text: the English sentence.
        key: the message catalogue's key for it (`grader.i18n`), when it has one.
        params: the values the catalogue's sentence takes.
    """

    def __init__(self, text: str, key: str | None = None, **params: Any) -> None:
        super().__init__(text)
        self.key = key
        self.params = params


class SubmissionCrashed(SubmissionFailure):
    """The child process ended during a call (exit, signal, memory)."""


class ChannelCorrupted(SubmissionCrashed):
    """Something in the child wrote bytes that are not a reply (a stray thread, say)."""


class StudentException(Exception):
    """Mixed into the exceptions re-raised from the student's code."""


BUILTIN_ERRORS = (
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    LookupError,
    NotImplementedError,
    ZeroDivisionError,
    ArithmeticError,
    OverflowError,
    FloatingPointError,
    AttributeError,
    NameError,
    RuntimeError,
    AssertionError,
)


@functools.cache
def _student_error_class(base: type[BaseException]) -> type[BaseException]:
    return type(base.__name__, (base, StudentException), {"__module__": "submission"})


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def clean(text: Any, limit: int = 2000) -> str:
    """Text from a submission, safe to show: valid UTF-8 (a lone surrogate becomes U+FFFD), no
    control characters or bidirectional overrides (escape sequences, NUL), at most `limit` long."""
    text = str(text)[:limit].encode("utf-8", "replace").decode("utf-8")
    return CONTROL.sub("\ufffd", text)


def raise_student_error(function: str, error: dict[str, Any]) -> None:
    """Re-raise an exception from the child: builtin types as themselves, others described."""
    name, message = clean(error.get("type"), 100), clean(error.get("message", ""))
    where = "; ".join(clean(line, 300) for line in error.get("where") or [])
    detail = f" ({where})" if where else ""
    if name == "NotImplementedError":
        raise _student_error_class(NotImplementedError)(f"{function} is not implemented yet{detail}")
    for base in BUILTIN_ERRORS:
        if base.__name__ == name:
            raise _student_error_class(base)(f"{message} [raised by {function}{detail}]")
    if name == "MemoryError":
        raise SubmissionFailure(f"{function} ran out of memory{detail}")
    raise SubmissionFailure(f"{function} raised {name}: {message}{detail}")
