"""The grader's side of the channel: start a child at an isolation level, exchange frames on time.

`Channel` starts the child on first use, sends one request at a time on the
child's standard input and reads replies from its standard output (no extra
descriptors, so it works wherever Python runs), with a deadline per call and a
time budget for the whole submission. After a crash or a timeout it starts a
fresh child. Reading and writing happen in two threads per child, so that a
child that stops reading or writing never blocks the grader past a deadline,
and the reader holds at most one frame at a time.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from grader.config import GradingSettings
from grader.sandbox import policy, protocol
from grader.sandbox.errors import (
    ChannelCorrupted,
    SubmissionCrashed,
    SubmissionFailure,
    SubmissionTimeout,
    clean,
)
from grader.sandbox.timing import (
    Budget,
    FixedLimits,
    IdleWatch,
    TimeLimits,
    budget_spent,
    call_timed_out,
    idle_timeout,
)

RUNNER_FILES = ("child.py", "confine.py", "protocol.py")
TIMEOUTS_BEFORE_GIVING_UP = 2  # per function: later calls fail at once instead of waiting again
# ... but once, where the call that timed out was idle (it slept or waited: it would again)
PIPE_BYTES = 1 << 20  # an array of a few MB crosses in a few writes, not dozens
DISK_CHECK_S = 0.2  # how often the grader measures what a child wrote, where no tmpfs caps it
THREADS_PER_CHILD = 32  # RLIMIT_NPROC under a uid of the child's own
CalloutAnswer = Callable[[dict[str, Any], list[Any]], tuple[dict[str, Any], list[bytes]]]
MAX_CALLOUTS = 100_000  # call-outs answered for one submission (a loop version makes one per window)


def _widen_pipe(fd: int) -> None:
    """Grow a pipe's buffer on Linux (the default 64 KB makes big arrays slow to cross)."""
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
        if set_size is not None:
            fcntl.fcntl(fd, set_size, PIPE_BYTES)


def _copy_submission(source: Path, folder: Path | None, target: Path) -> None:
    """The submitted file (or folder: its plain files, no links, no hidden files) into `target`."""
    if folder is None:
        target.mkdir()
        shutil.copyfile(source, target / source.name)
        return

    def ignored(where: str, names: list[str]) -> set[str]:
        def plain(name: str) -> bool:
            path = os.path.join(where, name)
            return not os.path.islink(path) and (os.path.isfile(path) or os.path.isdir(path))

        return {n for n in names if n.startswith(".") or n == "__pycache__" or not plain(n)}

    shutil.copytree(folder, target, ignore=ignored)


NOTE = re.compile(r"cell \d+(?: raised \w+: |: skipped the IPython line )")  # what the loader writes
MAX_NOTES = 20


def loading_notes(notes: Any) -> list[str]:
    """The child's loading notes, as its loader writes them and nothing else.

    The submission runs in the child before the hello is sent and may write frames itself, so a
    note is text of the student's, never the grader's: only the loader's two forms are kept.
    """
    if not isinstance(notes, list):
        return []
    return [clean(note, 300) for note in notes if isinstance(note, str) and NOTE.match(note)][:MAX_NOTES]


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
        threading.Thread(target=self._read, args=(process.stdout.fileno(),), daemon=True).start()
        threading.Thread(target=self._write, args=(process.stdin.fileno(),), daemon=True).start()

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
    """Starts the child on first use, sends requests, restarts it after a crash or timeout.

    `audit_hook` is defence in depth only; the toolkit's tests turn it off to prove that every
    guarantee holds without it.

    Args:
        source: the submitted .py or .ipynb file.
        module_name: the assignment's module ("conv").
        settings: course.yml `grading:` (limits, isolation preference).
        cells: a notebook's code cells, or None for a .py file.
        folder: the submitted folder, or None when a single file was submitted.
        isolation: the level chosen by `policy.choose`.
    """

    audit_hook = True

    def __init__(
        self,
        source: Path,
        module_name: str,
        settings: GradingSettings,
        cells: list[str] | None,
        folder: Path | None,
        isolation: policy.Isolation,
    ) -> None:
        self.source, self.folder, self.module_name, self.cells = source, folder, module_name, cells
        self.settings = settings
        self.isolation = isolation
        self.limits = protocol.Limits(settings.max_array_mb * 2**20)
        self.disk_bytes = settings.disk_limit_mb * 2**20
        self.base = Path(tempfile.mkdtemp(prefix="grader-"))  # 0700 from its creation
        if isolation.level == policy.USER_ID:
            os.chmod(self.base, 0o711)  # a uid of the child's own may pass, not list
        self.uid: tuple[int, int] | None = None  # (uid, lock descriptor) at the uid level
        self.child: Child | None = None
        self.generation = 0
        self.broken: str | None = None  # the submission cannot be imported: every call fails
        self.not_started: str | None = None  # the sandbox failed before the student's code ran
        self.notes: list[str] = []
        self.seccomp = False
        self.timeouts: dict[str, int] = {}
        self.idle: set[str] = set()  # functions that timed out idle (`timing.IdleWatch`)
        self.time_limits: TimeLimits = FixedLimits(settings)  # or grader.limits.ReferenceLimits
        self.budget = Budget(settings.submission_time_limit_s)  # wall time inside the child
        self.slowest: dict[str, float] = {}  # label -> its slowest answered call (for timings.json)
        self.startup_s: float | None = None  # the last start's wall time, to the submission's hello
        self.last_disk_check = 0.0
        self.next_id = 1
        # call-outs of substituted functions: answered by this (set by the proxy), counted
        self.answer_callout: CalloutAnswer | None = None
        self.callouts = 0
        self.launched_at = 0.0  # when the running child was started
        self.greeted = True  # whether its hello was read (a child started early is not, yet)

    def describe(self) -> str:
        """The isolation level, as the report states it."""
        layers = [self.isolation.describe()] + (["seccomp allowlist"] if self.seccomp else [])
        return " + ".join([*layers, "rlimits"])

    @property
    def work(self) -> Path:
        return self.base / "work"

    def _prepare(self) -> tuple[Path, str]:
        """Fresh runner files and a fresh copy of the submission; returns the command's inside paths.

        Both folders are made private to the grader (0700, its own) and filled while they are; only
        then are they handed to the child (its uid at that level, or opened for bubblewrap's binds
        inside the private base). No other process ever has a moment to open them (issue 19).
        """
        runner, work = self.base / "runner", self.work
        for folder in (runner, work):
            policy.remove_tree(folder)
            os.mkdir(folder, 0o700)
        for name in RUNNER_FILES:
            shutil.copyfile(Path(__file__).with_name(name), runner / name)
        submission = work / "submission"
        if self.cells is None:
            _copy_submission(self.source, self.folder, submission)
            source_name = self.source.name
        else:
            os.mkdir(submission, 0o700)
            source_name = f"{self.module_name}.py"
        for path in (submission, *submission.rglob("*"), *runner.iterdir()):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        inside_work = "/sandbox" if self.isolation.level == policy.BUBBLEWRAP else str(work)
        inside_runner = "/runner" if self.isolation.level == policy.BUBBLEWRAP else str(runner)
        self._write_config(runner, inside_work, f"{inside_work}/submission/{source_name}")
        self._hand_over(runner, work)
        return runner, inside_runner

    def _hand_over(self, runner: Path, work: Path) -> None:
        """Give the filled folders to the child: its own uid (only it may enter them), or, at the
        other levels, read access inside the base folder that only the grader can enter."""
        if self.isolation.level == policy.USER_ID:
            assert self.uid is not None
            for folder, mode in ((work, 0o700), (runner, 0o500)):
                os.chown(folder, self.uid[0], self.uid[0])
                os.chmod(folder, mode)
        else:
            for folder in (runner, work):
                os.chmod(folder, 0o755)

    def _write_config(self, runner: Path, inside_work: str, inside_source: str) -> None:
        remaining = self._remaining()
        limits = {
            "memory_bytes": self.settings.memory_limit_mb * 2**20,
            "file_bytes": self.settings.output_limit_kb * 1024,
            "cpu_seconds": max(1, math.ceil(remaining)),
            "threads": THREADS_PER_CHILD if self.isolation.level == policy.USER_ID else 0,
        }
        config = {
            "source": inside_source,
            "module": self.module_name,
            "cells": self.cells,
            "work_folder": inside_work,
            "max_array_bytes": self.limits.array_bytes,
            "limits": limits,
            "audit_hook": self.audit_hook,
            # outside namespaces the child dies with the grader (bubblewrap's init sees to it inside)
            "parent_pid": None if self.isolation.level == policy.BUBBLEWRAP else os.getpid(),
        }
        (runner / "config.json").write_text(json.dumps(config), encoding="utf-8")
        os.chmod(runner / "config.json", 0o644)

    def _command(self, runner: Path, inside_runner: str) -> tuple[list[str], dict[str, Any]]:
        python = [sys.executable, "-B", "-I", f"{inside_runner}/child.py", f"{inside_runner}/config.json"]
        options: dict[str, Any] = {"cwd": self.work, "start_new_session": True}
        if self.isolation.level == policy.BUBBLEWRAP:
            command = policy.bubblewrap_command(runner, self.work / "submission", self.disk_bytes)
            return command + python, {**options, "env": {"PATH": os.environ.get("PATH", "/usr/bin")}}
        options["env"] = policy.child_environment(str(self.work))
        if self.isolation.level == policy.USER_ID:
            assert self.uid is not None
            options.update(user=self.uid[0], group=self.uid[0], extra_groups=[], umask=0o077)
        return python, options

    def start_early(self) -> None:
        """Start the child now, while pytest collects the suites; its hello is read on first use.

        The child confines itself and imports the submission meanwhile. The start-up limit and the
        time charged to the submission still run from the child's start to its hello.
        """
        if self.child is None and not self.broken:
            try:
                self._start(greet=False)
            except (OSError, subprocess.SubprocessError):  # the first call starts it again, and says why
                self._stop()

    def _start(self, greet: bool = True) -> None:
        if self.isolation.level == policy.USER_ID and self.uid is None:
            self.uid = policy.UserIds.take()
        runner, inside_runner = self._prepare()
        command, options = self._command(runner, inside_runner)
        log = os.open(self.base / "output.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with open(log, "ab") as output:  # the student's prints (bounded by rlimit), for the grader only
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=output, bufsize=0, **options
            )
        self.child = Child(process, self.limits)
        self.generation += 1
        self.launched_at, self.greeted = time.monotonic(), False
        if greet:
            self._greet()

    def _confined(self, deadline: float) -> bool:
        """Wait for the child's first frame, sent once it is confined and before any code of the
        student's runs. Without it the sandbox itself failed (bubblewrap, the interpreter, the
        filter): `not_started` says why, and the submission is not graded, never given 0."""
        assert self.child is not None
        try:
            first, _ = self.child.receive(deadline)
            if not first.get("confined"):
                raise protocol.WireError("the child's first frame is not its confinement")
            self.seccomp = bool(first.get("seccomp"))
            if self.isolation.strong and sys.platform == "linux" and not self.seccomp:
                self.not_started = "the sandbox could not install its system-call filter here"
        except TimeoutError:
            self.not_started = "the sandbox did not start a child in time"
        except (EOFError, OSError, protocol.WireError):
            self.not_started = f"the sandbox could not start a child: {self.child.exit_reason()}"
            self.not_started += self._sandbox_complaint()
        if self.not_started:
            self.broken = self.not_started
        return not self.not_started

    def _greet(self) -> None:
        """Wait for the child's hello: the submission imported, or why not."""
        limit = min(self.settings.startup_limit_s, self._remaining())
        started = self.launched_at  # a child started early has been at work since
        self.greeted = True
        assert self.child is not None
        if not self._confined(started + limit):
            self.budget.spent_s += time.monotonic() - started
            self._stop()
            return
        try:
            hello, _ = self.child.receive(started + limit)
        except TimeoutError:
            self.broken = f"importing your code took longer than {limit:g} s"
        except (EOFError, OSError, protocol.WireError):
            self.broken = f"importing your code ended the process: {self.child.exit_reason()}"
            self.broken += self._sandbox_complaint()
        else:
            if hello.get("ready"):
                self.notes = loading_notes(hello.get("notes"))
                self.startup_s = self.child.received_at - started
                self.budget.spent_s += self.startup_s
                return
            else:
                found = hello.get("import_error")
                error: dict[str, Any] = found if isinstance(found, dict) else {}
                where = "; ".join(clean(line, 300) for line in error.get("where") or [])
                self.broken = f"your code could not be imported: {clean(error.get('type'), 100)}: "
                self.broken += clean(error.get("message"))
                self.broken += f" ({where})" if where else ""
        self.budget.spent_s += time.monotonic() - started
        self._stop()

    def _sandbox_complaint(self) -> str:
        """bubblewrap's own error, when it could not set the sandbox up (a staff problem, named)."""
        try:
            lines = (self.base / "output.log").read_bytes()[-2000:].decode("utf-8", "replace").splitlines()
        except OSError:
            return ""
        complaints = [line for line in lines if line.startswith("bwrap:")]
        return f" ({complaints[-1][:200]})" if complaints else ""

    def _stop(self) -> None:
        if self.child is not None:
            self.child.kill()
            self.child = None
        if self.uid is not None:
            policy.clean_scratch(self.uid[0])

    def restart(self) -> None:
        """Stop the child: the next request starts a fresh one, a fresh import in a fresh folder,
        so nothing an earlier test left in the process or its files survives."""
        self._stop()

    def close(self) -> None:
        """Kill the child, remove its folders and give its uid back."""
        self._stop()
        policy.remove_tree(self.base)
        if self.uid is not None:
            os.close(self.uid[1])
            self.uid = None

    def _remaining(self) -> float:
        return self.budget.remaining_s

    @contextlib.contextmanager
    def charged_to(self, budget: Budget) -> Iterator[None]:
        """Within the block, the child's time is charged to `budget` instead (a containment rerun
        has its own, so that a failing function never spends the rest's time)."""
        kept, self.budget = self.budget, budget
        try:
            yield
        finally:
            self.budget = kept

    def request(self, label: str, header: dict[str, Any], blobs: list[bytes]) -> tuple[Any, list[Any]]:
        """Send one request (values already encoded) and return the reply's (tree, blobs).

        Raises:
            SubmissionFailure: timeouts, crashes, a spent budget, a broken channel, too many files.
        """
        if self.broken:
            raise SubmissionFailure(self.broken)
        if label in self.idle:
            raise idle_timeout(label)
        if self.timeouts.get(label, 0) >= TIMEOUTS_BEFORE_GIVING_UP:
            raise SubmissionTimeout(
                f"{label} timed out {TIMEOUTS_BEFORE_GIVING_UP} times already; not called again"
            )
        if self._remaining() <= 0:
            raise budget_spent(self.budget)
        if self.child is None or not self.greeted:
            self._greet() if self.child is not None else self._start()
            if self.broken:
                raise SubmissionFailure(self.broken)
        message = {**header, "id": self.next_id}
        self.next_id += 1
        try:
            return self._exchange(label, message, blobs)
        except ChannelCorrupted:
            if protocol.refers_to_handles(message):
                raise
            self._start()  # a stray thread of an earlier call wrote into the channel: start clean
            if self.broken:
                raise SubmissionFailure(self.broken) from None
            return self._exchange(label, message, blobs)

    def _exchange(self, label: str, message: dict[str, Any], blobs: list[bytes]) -> tuple[Any, list[Any]]:
        """One request and its reply. Time spent answering the child's call-outs is the reference's,
        not the student's: it moves the deadline and is not charged to the submission's budget, up to
        `time_limits.callout` (the reference's recorded time for that call) each."""
        call = self.time_limits.call(label)
        limit = min(call.seconds, self._remaining())
        started = time.monotonic()
        deadline = started + limit
        answering = 0.0
        assert self.child is not None
        child = self.child
        watch = IdleWatch(child.process.pid)
        try:
            child.send(message, blobs)
            while True:
                self._check_disk(label)
                try:
                    reply, reply_blobs = child.receive(min(deadline, time.monotonic() + DISK_CHECK_S))
                except TimeoutError:
                    if time.monotonic() < deadline:
                        watch.mark(time.monotonic(), answering)
                        continue
                    raise
                if reply.get("id") == message["id"] and "callout" in reply:
                    asked = time.monotonic()
                    child.send(*self._answer(reply, reply_blobs))
                    cap = self.time_limits.callout(str(reply["callout"]))
                    excused = min(time.monotonic() - asked, cap)
                    answering, deadline = answering + excused, deadline + excused
                elif reply.get("id") == message["id"]:
                    self._check_disk(label, force=True)
                    took = time.monotonic() - started - answering
                    self.slowest[label] = max(self.slowest.get(label, 0.0), took)
                    return reply, reply_blobs
        except TimeoutError:
            if watch.idle(time.monotonic(), answering):
                self.idle.add(label)
            self._stop()
            self.timeouts[label] = self.timeouts.get(label, 0) + 1
            self.start_early()  # the next child imports the submission while the grader goes on
            raise call_timed_out(label, limit, call, self.budget) from None
        except (EOFError, BrokenPipeError, ConnectionError):
            self._stop()
            raise SubmissionCrashed(f"{label} ended the process: {child.exit_reason()}") from None
        except (protocol.WireError, OSError) as error:
            self._stop()
            raise ChannelCorrupted(f"{label} broke the channel to the grader ({error})") from None
        finally:
            self.budget.spent_s += time.monotonic() - started - answering

    def _answer(self, callout: dict[str, Any], blobs: list[Any]) -> tuple[dict[str, Any], list[bytes]]:
        """The grader's answer to a call-out: from `self.answer_callout`, or refused."""
        self.callouts += 1
        if self.answer_callout is None or self.callouts > MAX_CALLOUTS:
            return {"id": callout["id"], "raised": "RuntimeError"}, []
        return self.answer_callout(callout, blobs)

    def _check_disk(self, label: str, force: bool = False) -> None:
        """Where no tmpfs caps what the child writes, measure it and stop the child past the cap."""
        if self.isolation.level == policy.BUBBLEWRAP:
            return
        now = time.monotonic()
        if not force and now - self.last_disk_check < DISK_CHECK_S:
            return
        self.last_disk_check = now
        if self.uid is not None:
            written, entries = policy.written_usage(self.uid[0], self.work)
        else:
            written, entries = policy.folder_usage(self.work, skip="submission")
        if written > self.disk_bytes or entries > policy.MAX_ENTRIES:
            self._stop()
            cap = self.settings.disk_limit_mb
            limit = f"{cap} MB or {policy.MAX_ENTRIES:,} files"
            raise SubmissionFailure(f"{label} wrote more than {limit} (the limit); it was stopped")
