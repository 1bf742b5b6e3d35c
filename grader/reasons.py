"""The reason of a failed test, in the report's language.

A suite's own findings are `compare.Failure`s and carry both languages. What the sandbox says
about the student's code (time limits, crashes, the student's own exceptions) is an error that
carries a code of the message catalogue and its parameters (`i18n.Sentence`), said here in the
report's language. The student's own exception text is never translated; it is quoted.
"""

from __future__ import annotations

import re

import pytest

from grader import compare, i18n
from grader.outcome import Status
from grader.sandbox import StudentException, SubmissionFailure, SubmissionTimeout


def _plain(error: BaseException, language: str) -> str:
    """An `assert` or `pytest.fail` that is not a compare.Failure (a suite not converted yet)."""
    text = str(error).split("\nassert ")[0].strip()
    raised = re.fullmatch(r"DID NOT RAISE <class '(?:\w+\.)*(\w+)'>", text)
    if raised:
        return i18n.message("should raise {kind} but returned normally", "应当抛出 {kind}，却正常返回了",
                            kind=raised[1]).text(language)  # fmt: skip
    if not text:
        return i18n.message("assertion failed", "断言不成立").text(language)
    return text


def failure_reason(error: BaseException, language: str = "en") -> tuple[Status, str]:
    """The status and a short reason, in `language`, for an exception raised by a test."""
    if isinstance(error, compare.Failure):
        return "failed", i18n.render(error.message, language)
    if isinstance(error, StudentException):
        said = getattr(error, "sentence", None)  # a student's class raised in process has none
        return "failed", said.text(language) if isinstance(said, i18n.Sentence) else str(error)
    if isinstance(error, SubmissionFailure):
        status: Status = "timeout" if isinstance(error, SubmissionTimeout) else "failed"
        return status, error.sentence.text(language)
    if isinstance(error, (AssertionError, pytest.fail.Exception)):
        return "failed", _plain(error, language)
    kind = type(error).__name__
    if language == "zh-CN":
        return "error", f"测试在检查结果时出错：{kind}：{i18n.Quoted(str(error)).text(language)}"
    return "error", f"{kind}: {error}"
