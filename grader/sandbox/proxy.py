"""The objects tests hold: the student's module, functions and objects, at arm's length.

`SandboxedSubmission` is what the `submission` fixture gives a test. Reading
an attribute asks the child what it is; calling a function ships the
arguments as plain data and brings the result back; an instance of the
submission's own class (a ConvNet) stays in the child and is reached through
a `RemoteObject`. Every finished call is handed to the `CallLog`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from grader.config import GradingSettings
from grader.i18n import Quoted, Sentence
from grader.i18n_sandbox import WIRE_CODES
from grader.sandbox import policy, protocol
from grader.sandbox.client import Channel
from grader.sandbox.errors import SubmissionFailure, clean, from_wire, raise_student_error, wire_sentence
from grader.sandbox.recording import Call, CallLog
from grader.sandbox.timing import Budget, TimeLimits

# (name, args, kwargs, the instance's attributes for a method of a substituted class, else None)
Answer = Callable[[str, list[Any], dict[str, Any], dict[str, Any] | None], tuple[str, Any]]
# told of each call the test makes: label, args, kwargs, and a method's object's attributes (else None)
BeforeCall = Callable[[str, list[Any], dict[str, Any], dict[str, Any] | None], None]


class Connection:
    """A channel plus what the proxies need around it: encoding, handles and the call log."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.log = CallLog(max_bytes=channel.limits.array_bytes)
        self.before_call: BeforeCall | None = None

    def ask(self, label: str, header: dict[str, Any], call: Call | None = None) -> Any:
        """Send a request with its values encoded; return the decoded result.

        Args:
            label: how failure messages name the call ("conv_forward", "ConvNet.loss").
            header: op, name, handle and the request's plain values.
            call: filled with the encoded request and reply, for the log.

        Raises:
            SubmissionFailure: timeouts, crashes, invalid results.
            ValueError, TypeError, ...: the student's own exceptions of builtin types.
        """
        blobs: list[bytes] = []
        message = {key: header.get(key) for key in ("op", "name", "handle")}
        for key in ("args", "kwargs", "value"):
            if key in header:
                message[key] = protocol.encode(
                    header[key], blobs, self.channel.limits.array_bytes, self._handle_of
                )
        if call is not None:
            call.args, call.kwargs, call.blobs = message.get("args"), message.get("kwargs"), blobs
        reply, reply_blobs = self.channel.request(label, message, blobs)
        if "error" in reply:
            if call is not None:
                call.error = str(reply["error"].get("type"))
            raise_student_error(label, reply["error"] if isinstance(reply["error"], dict) else {})
        if "invalid" in reply:
            what = from_wire(reply["invalid"], WIRE_CODES) or Quoted(clean(reply["invalid"], 300))
            raise SubmissionFailure("sandbox.invalid", function=label, what=what)
        if call is not None:
            call.result, call.reply_blobs = reply.get("ok"), reply_blobs
            modified = reply.get("modified")
            call.modified = [str(label) for label in modified[:16]] if isinstance(modified, list) else []
        try:
            return protocol.decode(reply.get("ok"), reply_blobs, self._remote_object)
        except protocol.WireError as error:
            raise SubmissionFailure("sandbox.returned", function=label, what=wire_sentence(error)) from None

    def _handle_of(self, value: Any) -> protocol.Handle | None:
        return value._wire_handle() if isinstance(value, RemoteObject) else None

    def _remote_object(self, handle: protocol.Handle) -> RemoteObject:
        return RemoteObject(self, handle, self.channel.generation)


class RemoteFunction:
    """A function (or method, or class) of the submission; calling it calls into the child."""

    def __init__(
        self, connection: Connection, name: str, handle: protocol.Handle | None = None, label: str = ""
    ) -> None:
        self._connection = connection
        self._name = name
        self._handle = handle
        self._label = label or name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        handle_id = self._handle.id if self._handle else None
        header = {"op": "call", "name": self._name, "handle": handle_id, "args": list(args), "kwargs": kwargs}
        state = self._state() if handle_id is not None else None
        call = Call(None, None, [], None, [], state=state)
        if self._connection.before_call is not None:
            self._connection.before_call(self._label, list(args), dict(kwargs), state)
        try:
            return self._connection.ask(self._label, header, call)
        finally:
            if call.args is not None and (handle_id is None or state is not None):
                if protocol.refers_to_handles({"args": call.args, "kwargs": call.kwargs}):
                    call.args = call.kwargs = None  # objects of the child cannot be replayed
                self._connection.log.add(self._name if handle_id is None else self._label, call)

    def _state(self) -> dict[str, Any] | None:
        """The object's plain attributes before a method call, or None when they are not plain data."""
        assert self._handle is not None
        try:
            state = self._connection.ask(self._label, {"op": "state", "name": "", "handle": self._handle.id})
        except SubmissionFailure:
            return None
        return state if isinstance(state, dict) else None

    def __repr__(self) -> str:
        return f"<submission's {self._label}>"


class RemoteObject:
    """An object that lives in the child (a ConvNet); attribute reads, writes and calls go there."""

    def __init__(self, connection: Connection, handle: protocol.Handle, generation: int) -> None:
        object.__setattr__(self, "_connection", connection)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_generation", generation)

    def _wire_handle(self) -> protocol.Handle:
        if self._generation != self._connection.channel.generation:
            raise SubmissionFailure("sandbox.lost", type=self._handle.type_name)
        return self._handle

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        label = f"{self._handle.type_name}.{name}"
        handle = self._wire_handle()
        described = self._connection.ask(label, {"op": "describe", "name": name, "handle": handle.id})
        if isinstance(described, dict) and described.get("callable"):
            return RemoteFunction(self._connection, name, handle, label)
        return described.get("value") if isinstance(described, dict) else None

    def __setattr__(self, name: str, value: Any) -> None:
        label = f"{self._handle.type_name}.{name}"
        handle = self._wire_handle()
        self._connection.ask(label, {"op": "set", "name": name, "handle": handle.id, "value": value})

    def __repr__(self) -> str:
        return f"<submission's {self._handle.type_name} #{self._handle.id}>"


class SandboxedSubmission:
    """The proxy the `submission` fixture gives to tests: the student's module, at arm's length.

    Args:
        source: the .py or .ipynb file to load.
        module_name: the assignment's module name ("conv").
        settings: course.yml `grading:`.
        cells: a notebook's code cells, or None.
        folder: the submitted folder, or None for a single file.
        isolation: the level from `policy.choose`.
    """

    def __init__(
        self,
        source: Path,
        module_name: str,
        settings: GradingSettings,
        cells: list[str] | None = None,
        folder: Path | None = None,
        isolation: policy.Isolation | None = None,
    ) -> None:
        chosen = isolation or policy.choose(settings.isolation, [], official=False)
        self._connection = Connection(Channel(source, module_name, settings, cells, folder, chosen))

    @property
    def isolation(self) -> str:
        """The isolation level, as the report states it."""
        return self._connection.channel.describe()

    @property
    def isolation_level(self) -> policy.Isolation:
        """The level this submission's child runs at (a replay child gets the same)."""
        return self._connection.channel.isolation

    @property
    def notes(self) -> list[Sentence]:
        """What happened while loading: skipped IPython lines, notebook cells that raised."""
        return list(self._connection.channel.notes)

    @property
    def broken(self) -> Sentence | None:
        """Why the submission could not be loaded (every call then fails for it), or None."""
        return self._connection.channel.broken

    @property
    def not_started(self) -> Sentence | None:
        """Why the sandbox failed before the student's code ran (not the student's doing), or None."""
        return self._connection.channel.not_started

    @property
    def calls(self) -> CallLog:
        """The calls of the running test (cleared by the plugin at the start of each test)."""
        return self._connection.log

    def recorded_calls(self, function: str) -> list[tuple[Any, ...]]:
        """(args, kwargs, result[, state]) of the latest calls; args None when not replayable."""
        return self._connection.log.decoded(function)

    def recorded_methods(self, class_name: str) -> list[str]:
        """Labels ("ConvNet.loss") of the recorded method calls of a class."""
        return self._connection.log.methods(class_name)

    def start_early(self) -> None:
        """Start the child now (while pytest collects), so that the first call does not wait for it."""
        self._connection.channel.start_early()

    def restart(self) -> None:
        """Start the student's code afresh at the next call (see `Channel.restart`)."""
        self._connection.channel.restart()

    def forget_calls(self) -> None:
        """Start recording afresh (at the start of each test)."""
        self._connection.log.clear()

    def limit_time(self, limits: TimeLimits, budget: Budget) -> None:
        """From now on, calls get `limits` and the submission `budget` (`grader.limits`)."""
        keeper = self._connection.channel.keeper
        keeper.limits, keeper.budget = limits, budget

    def charged_to(self, budget: Budget) -> contextlib.AbstractContextManager[None]:
        """Within the block, the child's time is charged to `budget` (a containment rerun's)."""
        return self._connection.channel.charged_to(budget)

    def times(self) -> tuple[float, float | None, dict[str, float]]:
        """(wall time spent in the child, the last start's time, each label's slowest call since
        `forget_times`), as `course release` records the reference's (`grader.timings`)."""
        keeper = self._connection.channel.keeper
        return keeper.budget.spent_s, keeper.startup_s, dict(keeper.slowest)

    def forget_times(self) -> None:
        """Start each label's slowest call afresh (at the start of each test)."""
        self._connection.channel.keeper.slowest.clear()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        described = self._connection.ask(name, {"op": "describe", "name": name, "handle": None})
        if isinstance(described, dict) and described.get("callable"):
            return RemoteFunction(self._connection, name)
        return described.get("value") if isinstance(described, dict) else None

    @contextlib.contextmanager
    def substituted(
        self, names: list[str], answer: Answer, before_call: BeforeCall | None = None
    ) -> Iterator[None]:
        """Within the block, the child's `names` are answered by `answer(name, args, kwargs,
        state)` (the reference), so that a caller is tested on its own code alone. A substituted
        class keeps its instances' attributes in the child; its methods ("ConvNet.loss", and
        "ConvNet.__init__") are answered with the attributes as `state`, and return
        [value, new attributes].

        `answer` returns ("ok", value) or ("raised", exception type name). `before_call(label,
        args, kwargs, state)`, if given, is told of each call the test makes within the block,
        before it is sent, with a method's object's attributes as `state` (else None), so that
        the answers can be limited to what that call needs.
        """
        connection, channel = self._connection, self._connection.channel

        def reply(callout: dict[str, Any], blobs: list[Any]) -> tuple[dict[str, Any], list[bytes]]:
            try:
                args = protocol.decode(callout.get("args"), blobs)
                kwargs = protocol.decode(callout.get("kwargs"), blobs)
                state = protocol.decode(callout["state"], blobs) if "state" in callout else None
                if state is not None and not isinstance(state, dict):  # attributes are a dict
                    return {"id": callout["id"], "raised": "TypeError"}, []
                kind, value = answer(str(callout["callout"]), list(args), dict(kwargs), state)
            except (protocol.WireError, TypeError, ValueError, SubmissionFailure):
                kind, value = "raised", "RuntimeError"
            if kind == "raised":
                return {"id": callout["id"], "raised": str(value)}, []
            answer_blobs: list[bytes] = []
            encoded = protocol.encode(value, answer_blobs, channel.limits.array_bytes)
            return {"id": callout["id"], "answer": encoded}, answer_blobs

        for name in names:
            _substitute(connection, name, True)
        channel.answer_callout = reply
        connection.before_call = before_call
        try:
            yield
        finally:
            channel.answer_callout = None
            connection.before_call = None
            for name in names:
                with contextlib.suppress(Exception):  # a crashed child restarts without substitutes
                    _substitute(connection, name, False)

    def close(self) -> None:
        self._connection.channel.close()


def _substitute(connection: Connection, name: str, on: bool) -> None:
    """Have the child answer `name` by call-outs (`on`) or by its own code again. Labelled apart from
    `name`'s calls: a function refused after its timeouts can still be substituted (a containment
    rerun answers it)."""
    connection.ask(f"{name} (substituted)", {"op": "substitute", "name": name, "handle": None, "value": on})
