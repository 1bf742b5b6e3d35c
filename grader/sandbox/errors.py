"""What a submission did, as exceptions a test turns into a failed result (never toolkit errors)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from grader.i18n import Quoted, Sentence, text
from grader.i18n_sandbox import CHILD_CODES, WIRE_CODES


class SubmissionFailure(Exception):
    """Something the student's code did, reported as a failed test (never a toolkit error).

    Args:
        code: the catalogue's key of the sentence (`grader.i18n_sandbox`).
        params: the values the sentence takes.

    Attributes:
        sentence: the code and its parameters, said in any language; `str()` is its English.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.sentence = Sentence(code, params)
        super().__init__(self.sentence.text("en"))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by code and parameters (a process pool's worker sends its errors back)."""
        return _rebuild, (type(self), self.sentence)

    @classmethod
    def saying(cls, sentence: Sentence) -> SubmissionFailure:
        """A failure that says `sentence` (kept, as a loading failure is, for every later call)."""
        return cls(sentence.key, **sentence.params)

    @property
    def code(self) -> str:
        """The catalogue's key: what kind of failure this is."""
        return self.sentence.key

    @property
    def params(self) -> dict[str, Any]:
        """The values the sentence takes."""
        return self.sentence.params


def _rebuild(kind: type[SubmissionFailure], sentence: Sentence) -> SubmissionFailure:
    return kind.saying(sentence)


class SubmissionTimeout(SubmissionFailure):
    """A call ran past the time limit (the child was killed), or the submission's budget is spent."""


class SubmissionCrashed(SubmissionFailure):
    """The child process ended during a call (exit, signal, memory)."""


class ChannelCorrupted(SubmissionCrashed):
    """Something in the child wrote bytes that are not a reply (a stray thread, say)."""


class StudentException(Exception):
    """Mixed into the exceptions re-raised from the student's code.

    Attributes:
        sentence: what is said of it (`sandbox.raised_by`), in any language; `str()` is its English.
    """

    sentence: Sentence


@dataclass(frozen=True)
class Frames:
    """Where in the student's code an exception happened: their frames, innermost last."""

    frames: tuple[tuple[int, str, str], ...]  # (line, function, code)

    def text(self, language: str) -> str:
        """The frames in `language`, joined."""
        said = [
            text(language, "sandbox.frame" if code else "sandbox.frame_bare", line=line, name=name, code=code)
            for line, name, code in self.frames
        ]
        return text(language, "list_separator").join(said)


def where(frames: Any) -> Sentence | str:
    """The " (line 3 in f: ...)" part of a sentence, from the frames the child sent (or "")."""
    kept = []
    for frame in frames[-3:] if isinstance(frames, list) else []:
        if isinstance(frame, dict) and type(frame.get("line")) is int:
            kept.append((frame["line"], clean(frame.get("name"), 100), clean(frame.get("code"), 100)))
    return Sentence("sandbox.where", {"frames": Frames(tuple(kept))}) if kept else ""


def from_wire(said: Any, allowed: tuple[str, ...]) -> Sentence | None:
    """A sentence the child sent as {"code", "params"}, if its code is one of `allowed` and its
    parameters fill it (plain strings and numbers, cleaned); None for anything else, which the
    caller quotes as the student's own words."""
    if (
        not isinstance(said, dict)
        or said.get("code") not in allowed
        or not isinstance(said.get("params"), dict)
    ):
        return None
    params: dict[str, Any] = {}
    for name, value in said["params"].items():
        if type(value) not in (str, int, float) or not isinstance(name, str):
            return None
        params[name] = clean(value, 300) if isinstance(value, str) else value
    sentence = Sentence(str(said["code"]), params)
    try:
        sentence.text("en"), sentence.text("zh-CN")
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    return sentence


def wire_sentence(error: Any) -> Sentence:
    """A `protocol.WireError` as a sentence."""
    return from_wire({"code": error.code, "params": error.params}, WIRE_CODES) or Sentence(
        "wire.malformed_value", {"detail": ""}
    )


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


_STUDENT_CLASSES: dict[type[BaseException], type[BaseException]] = {}


def _student_error_class(base: type[BaseException]) -> type[BaseException]:
    """The student's error class for `base`: a subclass of it and of `StudentException`."""
    if base not in _STUDENT_CLASSES:
        _STUDENT_CLASSES[base] = type(base.__name__, (base, StudentException), {"__module__": "submission"})
    return _STUDENT_CLASSES[base]


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def clean(text: Any, limit: int = 2000) -> str:
    """Text from a submission, safe to show: valid UTF-8 (a lone surrogate becomes U+FFFD), no
    control characters or bidirectional overrides (escape sequences, NUL), at most `limit` long."""
    text = str(text)[:limit].encode("utf-8", "replace").decode("utf-8")
    return CONTROL.sub("\ufffd", text)


def _message(error: dict[str, Any]) -> Sentence | Quoted:
    """The exception's message: the child's own sentence by its code, else the words quoted."""
    return from_wire(error.get("said"), CHILD_CODES) or Quoted(clean(error.get("message", "")))


def raise_student_error(function: str, error: dict[str, Any]) -> None:
    """Re-raise an exception from the child: builtin types as themselves, others described."""
    name, detail = clean(error.get("type"), 100), where(error.get("where"))
    if name == "NotImplementedError":
        raise _student_error(
            NotImplementedError, Sentence("sandbox.not_implemented", {"function": function, "where": detail})
        )
    message = _message(error)
    for base in BUILTIN_ERRORS:
        if base.__name__ == name:
            said = {"message": message, "function": function, "where": detail, "type": name}
            raise _student_error(base, Sentence("sandbox.raised_by", said))
    if name == "MemoryError":
        raise SubmissionFailure("sandbox.out_of_memory", function=function, where=detail)
    raise SubmissionFailure("sandbox.raised", function=function, type=name, message=message, where=detail)


def _student_error(base: type[BaseException], sentence: Sentence) -> BaseException:
    """An exception of the student's error class for `base`, saying `sentence`."""
    error = _student_error_class(base)(sentence.text("en"))
    error.sentence = sentence  # type: ignore[attr-defined]
    return error
