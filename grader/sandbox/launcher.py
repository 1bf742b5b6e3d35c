"""Starting a child: the command at its isolation level, and the two threads that carry its frames.

`launch` starts the child staged in a `Workspace`; a `Child` sends requests on the child's
standard input and reads replies from its standard output (no extra descriptors, so it works
wherever Python runs). Reading and writing happen in two threads per child, so that a child that
stops reading or writing never blocks the grader past a deadline, and the reader holds at most
one frame at a time.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from grader.i18n import Sentence
from grader.sandbox import policy, protocol
from grader.sandbox.workspace import Staged, Workspace

PIPE_BYTES = 1 << 20  # an array of a few MB crosses in a few writes, not dozens


def _widen_pipe(fd: int) -> None:
    """Grow a pipe's buffer on Linux (the default 64 KB makes big arrays slow to cross)."""
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
        if set_size is not None:
            fcntl.fcntl(fd, set_size, PIPE_BYTES)


def _closing(work: Callable[[int], None], fd: int) -> None:
    """Run a pipe thread's `work` on its own descriptor `fd`, and close that when it ends."""
    try:
        work(fd)
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


class Child:
    """One running child and the two threads that carry its frames."""

    def __init__(self, process: subprocess.Popen[bytes], limits: protocol.Limits) -> None:
        self.process = process
        self.limits = limits
        self.closed = False
        self.replies: queue.Queue[Any] = queue.Queue(maxsize=1)  # at most one frame waits, with its time
        self.received_at = 0.0  # when the frame `receive` returned last came out of the pipe
        self.outbox: queue.Queue[list[bytes] | None] = queue.Queue()
        assert process.stdin is not None
        assert process.stdout is not None
        for fd in (process.stdin.fileno(), process.stdout.fileno()):
            _widen_pipe(fd)
        # Each thread works on a descriptor of its own, which it closes when it ends: `kill` closes
        # the pipes' own descriptors at once, and a number it frees may be the next child's pipe at
        # once too. A thread still reading or writing the freed number would then take the next
        # child's replies or tear its requests: correct code "ended the process" on a loaded machine.
        reading, writing = os.dup(process.stdout.fileno()), os.dup(process.stdin.fileno())
        threading.Thread(target=_closing, args=(self._read, reading), daemon=True).start()
        threading.Thread(target=_closing, args=(self._write, writing), daemon=True).start()

    def _read(self, fd: int) -> None:
        while not self.closed:
            try:
                item: Any = protocol.read_frame(fd, self.limits.frame_bytes)
            except (EOFError, OSError, protocol.WireError) as error:
                item = error
            arrived = time.monotonic()
            while not self.closed:
                with contextlib.suppress(queue.Full):
                    self.replies.put((item, arrived), timeout=0.5)
                    break
            if isinstance(item, BaseException):
                return

    def _write(self, fd: int) -> None:
        while (parts := self.outbox.get()) is not None:
            try:
                for part in parts:
                    protocol.write_all(fd, part)
            except OSError:
                return

    def send(self, header: dict[str, Any], blobs: list[bytes]) -> None:
        self.outbox.put(protocol.frame_parts(header, blobs))

    def receive(self, deadline: float) -> tuple[dict[str, Any], list[memoryview]]:
        """The next frame from the child.

        Raises:
            TimeoutError: nothing came before `deadline`.
            EOFError, OSError, WireError: the channel ended or carried something that is not a frame.
        """
        try:
            item, self.received_at = self.replies.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError from None
        if isinstance(item, BaseException):
            raise item
        return item

    def kill(self) -> None:
        """End the child and everything it started, whatever it is doing."""
        self.closed = True
        self.outbox.put(None)
        kill_group = getattr(os, "killpg", None)  # POSIX; on Windows the child starts nothing
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            if kill_group is not None:
                kill_group(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close() if pipe else None

    def exit_reason(self) -> Sentence:
        """How the process ended, as a sentence of the catalogue."""
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return Sentence("sandbox.exit.unresponsive")
        if code < 0:
            name = signal.Signals(-code).name
            return Sentence(
                "sandbox.exit.cpu" if name == "SIGXCPU" else "sandbox.exit.signal", {"signal": name}
            )
        return Sentence("sandbox.exit.code", {"code": code}) if code else Sentence("sandbox.exit.plain")


def command(workspace: Workspace, staged: Staged, disk_bytes: int) -> tuple[list[str], dict[str, Any]]:
    """The command that starts the staged child at the workspace's level, and Popen's options."""
    inside = staged.inside_runner
    python = [sys.executable, "-B", "-I", f"{inside}/child.py", f"{inside}/config.json"]
    options: dict[str, Any] = {"cwd": workspace.work, "start_new_session": True}
    if workspace.level == policy.BUBBLEWRAP:
        bubblewrap = policy.bubblewrap_command(staged.runner, workspace.work / "submission", disk_bytes)
        return bubblewrap + python, {**options, "env": {"PATH": os.environ.get("PATH", "/usr/bin")}}
    options["env"] = policy.child_environment(str(workspace.work))
    if workspace.level == policy.USER_ID:
        assert workspace.uid is not None
        uid = workspace.uid[0]
        options.update(user=uid, group=uid, extra_groups=[], umask=0o077)
    return python, options


def launch(workspace: Workspace, staged: Staged, limits: protocol.Limits, disk_bytes: int) -> Child:
    """Start the staged child; its standard error (the student's prints, bounded by rlimit) goes
    to the workspace's log, for the grader only.

    Raises:
        OSError, subprocess.SubprocessError: the process could not be started.
    """
    arguments, options = command(workspace, staged, disk_bytes)
    log = os.open(workspace.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with open(log, "ab") as output:
        process = subprocess.Popen(
            arguments, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=output, bufsize=0, **options
        )
    return Child(process, limits)
