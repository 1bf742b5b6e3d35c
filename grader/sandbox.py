"""Run a submission in a child process and talk to it in plain data.

The grading process never imports student code. `SandboxedSubmission` is a
proxy: each attribute call ships its arguments through `grader.wire` to a child
(see `grader/child.py`) that imported the submission under limits, and ships
the result back. Whatever the child does (exit, hang, crash, flood, lie), a
call ends with a value or with an exception whose message says what happened.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from grader import wire
from grader.config import GradingSettings

RUNNER_FILES = ("child.py", "wire.py")
MAX_RECORDED_CALLS = 8  # per function and test: the calls a failed test's diagnosis looks at
TIMEOUTS_BEFORE_GIVING_UP = 2  # per function: later calls fail at once instead of waiting again
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


class SubmissionFailure(Exception):
    """Something the student's code did, reported as a failed test (never a toolkit error)."""


class SubmissionTimeout(SubmissionFailure):
    """A call ran past the time limit; the child was killed."""


class SubmissionCrashed(SubmissionFailure):
    """The child process ended during a call (exit, signal, memory)."""


class ChannelCorrupted(SubmissionCrashed):
    """Something in the child wrote bytes that are not a reply (a stray thread, say)."""


class StudentException(Exception):
    """Mixed into the exceptions re-raised from the student's code."""


@functools.cache
def _student_error_class(base: type[BaseException]) -> type[BaseException]:
    return type(base.__name__, (base, StudentException), {"__module__": "submission"})


def raise_student_error(function: str, error: dict[str, Any]) -> None:
    """Re-raise an exception from the child: builtin types as themselves, others described."""
    name, message = str(error.get("type")), str(error.get("message", ""))
    where = "; ".join(error.get("where") or [])
    detail = f" ({where})" if where else ""
    if name == "NotImplementedError":
        raise _student_error_class(NotImplementedError)(f"{function} is not implemented yet{detail}")
    for base in BUILTIN_ERRORS:
        if base.__name__ == name:
            raise _student_error_class(base)(f"{message} [raised by {function}{detail}]")
    if name == "MemoryError":
        raise SubmissionFailure(f"{function} ran out of memory{detail}")
    raise SubmissionFailure(f"{function} raised {name}: {message}{detail}")


@functools.cache
def bubblewrap_works() -> bool:
    """Whether bubblewrap is installed and may create namespaces on this machine."""
    if sys.platform != "linux" or shutil.which("bwrap") is None:
        return False
    probe = ["bwrap", "--unshare-all", "--ro-bind", "/", "/", "--dev", "/dev", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _python_roots() -> list[str]:
    """Folders the interpreter and its packages live in: bound read-only in the sandbox."""
    import site
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    roots.update(site.getsitepackages())
    roots.update(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))
    existing = sorted({os.path.realpath(root) for root in roots if os.path.isdir(root)})
    return [root for root in existing if not any(root.startswith(other + os.sep) for other in existing)]


def bubblewrap_command(work_folder: Path, python: list[str]) -> list[str]:
    """bwrap arguments: fresh namespaces, read-only system and Python, one writable folder."""
    command = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    command += ["--uid", "65534", "--gid", "65534", "--clearenv"]
    command += ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            command += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            command += ["--ro-bind", top, top]
    if os.path.exists("/etc/ld.so.cache"):
        command += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for root in _python_roots():
        if not root.startswith("/usr/"):
            command += ["--ro-bind", root, root]
    command += ["--bind", str(work_folder), "/sandbox", "--chdir", "/sandbox"]
    for key, value in _child_environment("/sandbox").items():
        command += ["--setenv", key, value]
    return command + python


def _child_environment(home: str) -> dict[str, str]:
    single_thread = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        **single_thread,
    }


PIPE_BYTES = 1 << 20  # an array of a few MB crosses in a few writes, not dozens


def _widen_pipe(fd: int) -> None:
    """Grow a pipe's buffer on Linux (the default 64 KB makes big arrays slow to cross)."""
    import fcntl

    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, set_size, PIPE_BYTES)


def _not_plain_files(folder: str, names: list[str]) -> set[str]:
    """copytree's ignore: symlinks, hidden files, caches and notebooks stay out of the sandbox."""
    ignored = set()
    for name in names:
        path = os.path.join(folder, name)
        if (
            os.path.islink(path)
            or name.startswith(".")
            or name == "__pycache__"
            or name.endswith(".ipynb")
            or not (os.path.isfile(path) or os.path.isdir(path))
        ):
            ignored.add(name)
    return ignored


class Child:
    """One running child process and its two pipes."""

    def __init__(self, process: subprocess.Popen[bytes], requests_fd: int, replies_fd: int) -> None:
        self.process = process
        self.requests_fd = requests_fd
        self.replies_fd = replies_fd

    def kill(self) -> None:
        """End the child and everything it started, whatever it is doing."""
        for fd in (self.requests_fd, self.replies_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.killpg(self.process.pid, signal.SIGKILL)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def exit_reason(self) -> str:
        """How the process ended, in words."""
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "the process stopped answering"
        if code < 0:
            name = signal.Signals(-code).name
            return f"the process was killed by {name}" + (" (CPU time limit)" if name == "SIGXCPU" else "")
        return f"the process exited with code {code}" if code else "the process exited"


class Channel:
    """Starts the child on first use, sends requests, restarts it after a crash or timeout."""

    def __init__(
        self,
        source: Path,
        module_name: str,
        settings: GradingSettings,
        cells: list[str] | None,
        folder: Path | None = None,
    ) -> None:
        self.source = source
        self.folder = folder
        self.module_name = module_name
        self.settings = settings
        self.cells = cells
        self.base = Path(tempfile.mkdtemp(prefix="grader-"))
        self.use_bubblewrap = bubblewrap_works()
        self.child: Child | None = None
        self.generation = 0
        self.broken: str | None = None  # the submission cannot be imported: every call fails
        self.notes: list[str] = []
        self.seccomp = False
        self.timeouts: dict[str, int] = {}
        # encoded arguments and results of each test's calls, decoded only to diagnose a failure
        self.calls: dict[str, list[tuple[Any, ...]]] = {}
        self.last_sent: tuple[dict[str, Any], list[bytes]] = ({}, [])
        self.next_id = 1
        self.max_array_bytes = settings.max_array_mb * 2**20
        self.max_frame_bytes = 4 * self.max_array_bytes + 64 * 2**20

    @property
    def isolation(self) -> str:
        """The isolation level, as the report states it."""
        layers = ["bubblewrap namespaces" if self.use_bubblewrap else "child process"]
        if self.seccomp:
            layers.append("seccomp")
        return " + ".join([*layers, "rlimits", "audit hook"])

    def _prepare(self) -> tuple[Path, Path, str, str]:
        """Fresh copies of the runner and the submission; returns their folders and inside paths."""
        runner, work = self.base / "runner", self.base / "work"
        for folder in (runner, work):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
        for name in RUNNER_FILES:
            shutil.copyfile(Path(__file__).with_name(name), runner / name)
        if self.source.suffix == ".py":
            target = work / "submission"
            if self.folder is not None:  # a folder submission: its files, never what links point to
                shutil.copytree(self.folder, target, ignore=_not_plain_files)
            else:  # a single file: that file only, not its neighbours
                target.mkdir()
                shutil.copyfile(self.source, target / self.source.name)
            source_name = f"submission/{self.source.name}"
        else:
            (work / "submission").mkdir()
            source_name = f"submission/{self.module_name}.py"
        inside_work = "/sandbox" if self.use_bubblewrap else str(work)
        inside_runner = "/runner" if self.use_bubblewrap else str(runner)
        return runner, work, f"{inside_work}/{source_name}", inside_runner

    def _start(self) -> None:
        runner, work, source, inside_runner = self._prepare()
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        _widen_pipe(requests_write)
        _widen_pipe(replies_write)
        config = {
            "source": source,
            "module": self.module_name,
            "cells": self.cells,
            "work_folder": "/sandbox" if self.use_bubblewrap else str(work),
            "requests_fd": requests_read,
            "replies_fd": replies_write,
            "max_array_bytes": self.max_array_bytes,
            "limits": {
                "memory_bytes": self.settings.memory_limit_mb * 2**20,
                "file_bytes": self.settings.output_limit_kb * 1024,
                "cpu_seconds": int(max(300, 20 * self.settings.time_limit_s)),
            },
        }
        (runner / "config.json").write_text(json.dumps(config), encoding="utf-8")
        python = [sys.executable, "-B", "-I", f"{inside_runner}/child.py", f"{inside_runner}/config.json"]
        if self.use_bubblewrap:
            command = bubblewrap_command(work, []) + ["--ro-bind", str(runner), "/runner"] + python
            environment = None
        else:
            command, environment = python, _child_environment(str(work))
        output = open(self.base / "output.log", "ab")  # noqa: SIM115 (the child holds it)
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            cwd=work,
            env=environment,
            pass_fds=(requests_read, replies_write),
            start_new_session=True,
            close_fds=True,
        )
        output.close()
        os.close(requests_read)
        os.close(replies_write)
        os.set_blocking(requests_write, False)
        self.child = Child(process, requests_write, replies_read)
        self.generation += 1
        self._greet()

    def _greet(self) -> None:
        """Wait for the child's hello: the submission imported, or why not."""
        limit = self.settings.startup_limit_s
        try:
            hello, _ = self._read_frame(time.monotonic() + limit)
        except TimeoutError:
            self.broken = f"importing your code took longer than {limit:g} s"
        except (EOFError, OSError, wire.WireError):
            reason = self.child.exit_reason() if self.child else "the process ended"
            self.broken = f"importing your code ended the process: {reason}"
        else:
            self.seccomp = bool(hello.get("seccomp"))
            if hello.get("ready"):
                self.notes = [str(note) for note in hello.get("notes", [])]
                return
            error = hello.get("import_error") or {}
            where = "; ".join(error.get("where") or [])
            self.broken = f"your code could not be imported: {error.get('type')}: {error.get('message')}" + (
                f" ({where})" if where else ""
            )
        self._stop()

    def _stop(self) -> None:
        if self.child is not None:
            self.child.kill()
            self.child = None

    def close(self) -> None:
        """Kill the child and remove its folders."""
        self._stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def _read_exactly(self, size: int, deadline: float) -> bytearray:
        assert self.child is not None
        buffer = bytearray(size)
        view, filled = memoryview(buffer), 0
        while filled < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.child.replies_fd], [], [], remaining)[0]:
                raise TimeoutError
            count = os.readv(self.child.replies_fd, [view[filled:]])
            if not count:
                raise EOFError
            filled += count
        return buffer

    def _read_frame(self, deadline: float) -> tuple[dict[str, Any], list[memoryview]]:
        (size,) = struct.unpack("<Q", self._read_exactly(8, deadline))
        if size > self.max_frame_bytes:
            raise wire.WireError(f"a reply of {size / 2**20:.0f} MB")
        return wire.parse_frame(self._read_exactly(size, deadline))

    def _write_frame(self, header: dict[str, Any], blobs: list[bytes], deadline: float) -> None:
        assert self.child is not None
        for part in wire.frame_parts(header, blobs):
            data = memoryview(part)
            while data:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([], [self.child.requests_fd], [], remaining)[1]:
                    raise TimeoutError
                data = data[os.write(self.child.requests_fd, data) :]

    def request(self, label: str, header: dict[str, Any]) -> Any:
        """Send one request and return the decoded result.

        Args:
            label: how the failure messages name the call ("conv_forward").
            header: op, name, handle and the request's values (not yet encoded).

        Raises:
            SubmissionFailure: timeouts, crashes, invalid results, unexpected exceptions.
            ValueError, TypeError, ...: the student's own exceptions of builtin types.
        """
        if self.broken:
            raise SubmissionFailure(self.broken)
        if self.timeouts.get(label, 0) >= TIMEOUTS_BEFORE_GIVING_UP:
            raise SubmissionTimeout(
                f"{label} timed out {TIMEOUTS_BEFORE_GIVING_UP} times already; not called again"
            )
        if self.child is None:
            self._start()
            if self.broken:
                raise SubmissionFailure(self.broken)
        blobs: list[bytes] = []
        message = {
            "id": self.next_id,
            "op": header["op"],
            "name": header["name"],
            "handle": header.get("handle"),
        }
        for key in ("args", "kwargs", "value"):
            if key in header:
                message[key] = wire.encode(header[key], blobs, self.max_array_bytes, self._handle_of)
        self.next_id += 1
        self.last_sent = (message, blobs)  # the arguments as bytes: a copy the test cannot change
        try:
            reply, reply_blobs = self._exchange(label, message, blobs)
        except ChannelCorrupted:
            if blobs_hold_handles(message):
                raise
            # a stray thread of an earlier call wrote into the channel: this call deserves a clean child
            self._start()
            if self.broken:
                raise SubmissionFailure(self.broken) from None
            reply, reply_blobs = self._exchange(label, message, blobs)
        if "error" in reply:
            raise_student_error(label, reply["error"])
        if "invalid" in reply:
            raise SubmissionFailure(
                f"{label} returned {reply['invalid']}, expected numbers, strings, NumPy arrays, "
                "or lists, tuples and dicts of them"
            )
        try:
            return wire.decode(reply.get("ok"), reply_blobs, self._remote_object)
        except (wire.WireError, IndexError, ValueError) as error:
            raise SubmissionFailure(f"{label} returned {error}") from None

    def _exchange(
        self, label: str, message: dict[str, Any], blobs: list[bytes]
    ) -> tuple[dict[str, Any], list[memoryview]]:
        limit = self.settings.time_limit_s
        deadline = time.monotonic() + limit
        assert self.child is not None
        child = self.child
        try:
            self._write_frame(message, blobs, deadline)
            while True:
                reply, reply_blobs = self._read_frame(deadline)
                if reply.get("id") == message["id"]:
                    return reply, reply_blobs
        except TimeoutError:
            self._stop()
            self.timeouts[label] = self.timeouts.get(label, 0) + 1
            raise SubmissionTimeout(f"{label} timed out after {limit:g} s") from None
        except (EOFError, BrokenPipeError, ConnectionError):
            reason = child.exit_reason()
            self._stop()
            raise SubmissionCrashed(f"{label} ended the process: {reason}") from None
        except (wire.WireError, OSError) as error:
            self._stop()
            raise ChannelCorrupted(f"{label} broke the channel to the grader ({error})") from None

    def _handle_of(self, value: Any) -> wire.Handle | None:
        if isinstance(value, RemoteObject):
            return value._wire_handle()
        return None

    def _remote_object(self, handle: wire.Handle) -> RemoteObject:
        return RemoteObject(self, handle, self.generation)


def _arguments_hold_handles(message: dict[str, Any]) -> bool:
    """Whether a request's values refer to objects in the child (a ConvNet passed to train)."""
    return '"handle"' in json.dumps([message.get(key) for key in ("args", "kwargs", "value")])


def blobs_hold_handles(message: dict[str, Any]) -> bool:
    """Whether a request refers to objects in the child (which a restart loses)."""
    return message.get("handle") is not None or _arguments_hold_handles(message)


class RemoteFunction:
    """A function (or method, or class) of the submission; calling it calls into the child."""

    def __init__(
        self, channel: Channel, name: str, handle: wire.Handle | None = None, label: str = ""
    ) -> None:
        self._channel = channel
        self._name = name
        self._handle = handle
        self._label = label or name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        handle_id = self._handle.id if self._handle else None
        header = {"op": "call", "name": self._name, "handle": handle_id, "args": list(args), "kwargs": kwargs}
        state = self._state() if handle_id is not None else None
        result = self._channel.request(self._label, header)
        message, blobs = self._channel.last_sent
        replayable = not _arguments_hold_handles(message)
        if handle_id is None or (state is not None and replayable):
            key = self._name if handle_id is None else self._label
            inputs = (message["args"], message["kwargs"], blobs) if replayable else (None, None, [])
            recorded = self._channel.calls.setdefault(key, [])
            recorded.append((*inputs, result) if state is None else (*inputs, result, state))
            del recorded[:-MAX_RECORDED_CALLS]
        return result

    def _state(self) -> dict[str, Any] | None:
        """The object's plain attributes before a method call, or None when they are not plain data."""
        assert self._handle is not None
        try:
            state = self._channel.request(self._label, {"op": "state", "name": "", "handle": self._handle.id})
        except SubmissionFailure:
            return None
        return state if isinstance(state, dict) else None

    def __repr__(self) -> str:
        return f"<submission's {self._label}>"


class RemoteObject:
    """An object that lives in the child (a ConvNet); attribute reads, writes and calls go there."""

    def __init__(self, channel: Channel, handle: wire.Handle, generation: int) -> None:
        object.__setattr__(self, "_channel", channel)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_generation", generation)

    def _wire_handle(self) -> wire.Handle:
        if self._generation != self._channel.generation:
            raise SubmissionFailure(f"this {self._handle.type_name} was lost when your code was restarted")
        return self._handle

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        label = f"{self._handle.type_name}.{name}"
        handle = self._wire_handle()
        described = self._channel.request(label, {"op": "describe", "name": name, "handle": handle.id})
        if described.get("callable"):
            return RemoteFunction(self._channel, name, handle, label)
        return described.get("value")

    def __setattr__(self, name: str, value: Any) -> None:
        label = f"{self._handle.type_name}.{name}"
        handle = self._wire_handle()
        self._channel.request(label, {"op": "set", "name": name, "handle": handle.id, "value": value})

    def __repr__(self) -> str:
        return f"<submission's {self._handle.type_name} #{self._handle.id}>"


class SandboxedSubmission:
    """The proxy the `submission` fixture gives to tests: the student's module, at arm's length."""

    def __init__(
        self,
        source: Path,
        module_name: str,
        settings: GradingSettings,
        cells: list[str] | None = None,
        folder: Path | None = None,
    ) -> None:
        self._channel = Channel(source, module_name, settings, cells, folder)

    @property
    def isolation(self) -> str:
        return self._channel.isolation

    def recorded_calls(self, function: str) -> list[tuple[Any, ...]]:
        """(args, kwargs, result[, state]) of the latest calls; args None when not replayable."""
        decoded = []
        for args, kwargs, blobs, *rest in self._channel.calls.get(function, []):
            if args is None:
                decoded.append((None, None, *rest))
            else:
                decoded.append((tuple(wire.decode(args, blobs)), wire.decode(kwargs, blobs), *rest))
        return decoded

    def recorded_methods(self, class_name: str) -> list[str]:
        """Labels ("ConvNet.loss") of the recorded method calls of a class."""
        return [name for name in self._channel.calls if name.startswith(f"{class_name}.")]

    def forget_calls(self) -> None:
        """Start recording afresh (at the start of each test)."""
        self._channel.calls.clear()

    @property
    def notes(self) -> list[str]:
        """What happened while loading: skipped IPython lines, notebook cells that raised."""
        return list(self._channel.notes)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        described = self._channel.request(name, {"op": "describe", "name": name, "handle": None})
        if described.get("callable"):
            return RemoteFunction(self._channel, name)
        return described.get("value")

    def close(self) -> None:
        self._channel.close()
