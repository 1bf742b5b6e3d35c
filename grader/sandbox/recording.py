"""The calls each test made, kept as the bytes that crossed the wire, for diagnosing a failure.

Recording sits outside the transport: the proxy hands each finished call to a
`CallLog`. Calls stay encoded (no copy, nothing the test can change) and are
decoded only when a failed test is diagnosed. The log is bounded in count per
function and in bytes overall, so that whatever a submission sends, the
grading process keeps at most `max_bytes` of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grader.sandbox import protocol

MAX_CALLS_PER_FUNCTION = 8  # the latest calls of a function during one test


@dataclass
class Call:
    """One call as it crossed the wire: its request and its reply (or the error it raised)."""

    args: Any  # trees; None when the call referred to objects in the child (not replayable)
    kwargs: Any
    blobs: list[Any]
    result: Any  # the reply's tree, with reply_blobs
    reply_blobs: list[Any]
    error: str | None = None  # the type of the exception the call raised
    state: dict[str, Any] | None = None  # an object's attributes before a method call
    modified: list[str] = field(default_factory=list)  # arguments it changed in place ("0", "x")

    @property
    def size(self) -> int:
        """Bytes this call keeps alive: its arrays each way, and the object's state (its arrays)."""
        state = sum(getattr(value, "nbytes", 0) for value in (self.state or {}).values())
        return state + sum(len(blob) for blob in (*self.blobs, *self.reply_blobs))

    def decoded(self) -> tuple[Any, ...]:
        """(args, kwargs, result) or, for a method, (args, kwargs, result, state)."""
        args = None if self.args is None else tuple(protocol.decode(self.args, self.blobs))
        kwargs = None if self.kwargs is None else protocol.decode(self.kwargs, self.blobs)
        result = protocol.decode(self.result, self.reply_blobs) if self.error is None else None
        return (args, kwargs, result) if self.state is None else (args, kwargs, result, self.state)


class CallLog:
    """The calls of the running test, per function (or "Class.method"), within a byte budget."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.calls: dict[str, list[Call]] = {}

    def add(self, name: str, call: Call) -> None:
        recorded = self.calls.setdefault(name, [])
        recorded.append(call)
        del recorded[:-MAX_CALLS_PER_FUNCTION]
        while self._size() > self.max_bytes and any(self.calls.values()):
            oldest = max(self.calls.values(), key=len)
            oldest.pop(0)

    def _size(self) -> int:
        return sum(call.size for calls in self.calls.values() for call in calls)

    def of(self, name: str) -> list[Call]:
        """The recorded calls of `name` (returned or raised), oldest first."""
        return list(self.calls.get(name, []))

    def decoded(self, name: str) -> list[tuple[Any, ...]]:
        """The recorded calls of `name` that returned, decoded."""
        return [call.decoded() for call in self.calls.get(name, []) if call.error is None]

    def methods(self, class_name: str) -> list[str]:
        """Labels ("ConvNet.loss") of the recorded method calls of a class."""
        return [name for name in self.calls if name.startswith(f"{class_name}.")]

    def clear(self) -> None:
        self.calls.clear()
