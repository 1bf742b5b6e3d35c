"""The grader's side of the channel to a submission's child: the handshake, requests on time,
call-outs answered, restarts.

`Channel` stages a child in its `Workspace`, starts it on first use (`launcher`), reads its two
first frames (confined, then imported or why not), then sends one request at a time with a
deadline per call and a budget for the whole submission (`timing.Timekeeper`), answering the
child's call-outs in between and policing what it writes (`workspace.DiskWatch`). After a crash
or a timeout it starts a fresh child. Every failure carries a code of the message catalogue.
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.config import GradingSettings
from grader.i18n import Quoted, Sentence
from grader.i18n_sandbox import NOTE_CODES
from grader.sandbox import launcher, policy, protocol
from grader.sandbox.errors import (
    ChannelCorrupted,
    SubmissionCrashed,
    SubmissionFailure,
    clean,
    from_wire,
    where,
    wire_sentence,
)
from grader.sandbox.launcher import Child
from grader.sandbox.timing import Budget, CallTimer, IdleWatch, Timekeeper
from grader.sandbox.workspace import DISK_CHECK_S, DiskWatch, Workspace

CalloutAnswer = Callable[[dict[str, Any], list[Any]], tuple[dict[str, Any], list[bytes]]]
MAX_CALLOUTS = 100_000  # call-outs answered for one submission (a loop version makes one per window)
MAX_NOTES = 20
HANDOVER_S = 1.0  # the reader thread's time to hand over a frame that has already arrived


def loading_notes(notes: Any) -> list[Sentence]:
    """The child's loading notes, as its loader makes them and nothing else.

    The submission runs in the child before the hello is sent and may write frames itself, so a
    note is data of the student's, never the grader's: only the loader's codes are kept, with
    plain, cleaned parameters.
    """
    if not isinstance(notes, list):
        return []
    kept = [from_wire(note, NOTE_CODES) for note in notes[: 10 * MAX_NOTES]]
    return [note for note in kept if note is not None][:MAX_NOTES]


def import_failure(error: Any) -> Sentence:
    """Why the submission could not be imported, from the child's description of the exception."""
    found: dict[str, Any] = error if isinstance(error, dict) else {}
    message = Quoted(clean(found.get("message")))
    return Sentence(
        "sandbox.not_imported",
        {"type": clean(found.get("type"), 100), "message": message, "where": where(found.get("where"))},
    )


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
        self.settings = settings
        self.isolation = isolation
        self.limits = protocol.Limits(settings.max_array_mb * 2**20)
        self.workspace = Workspace(source, module_name, cells, folder, isolation.level)
        self.disk = DiskWatch(self.workspace, settings)
        self.keeper = Timekeeper(settings)
        self.child: Child | None = None
        self.generation = 0
        self.broken: Sentence | None = None  # the submission cannot be imported: every call fails
        self.not_started: Sentence | None = None  # the sandbox failed before the student's code ran
        self.notes: list[Sentence] = []
        self.seccomp = False
        self.import_retried = False  # a slow import is tried once more in a fresh child
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

    def _config(self) -> dict[str, Any]:
        """What the child is told besides its paths: its limits and whether to audit."""
        limits = {
            "memory_bytes": self.settings.memory_limit_mb * 2**20,
            "file_bytes": self.settings.output_limit_kb * 1024,
            # the whole budget, never what is left: a fresh child would read in its limit how
            # long the hidden tests before it took, and say it in a public test's reason
            "cpu_seconds": max(1, math.ceil(self.keeper.budget.limit_s)),
        }
        return {"max_array_bytes": self.limits.array_bytes, "limits": limits, "audit_hook": self.audit_hook}

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
        self.workspace.take_uid()
        staged = self.workspace.stage(self._config())
        disk_bytes = self.settings.disk_limit_mb * 2**20
        self.child = launcher.launch(self.workspace, staged, self.limits, disk_bytes)
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
            first, _ = self._received_by(deadline)
            if not first.get("confined"):
                raise protocol.WireError("wire.not_confined")
            self.seccomp = bool(first.get("seccomp"))
            if self.isolation.strong and sys.platform == "linux" and not self.seccomp:
                self.not_started = Sentence("sandbox.no_filter")
        except TimeoutError:
            self.not_started = Sentence("sandbox.start_slow")
        except (EOFError, OSError, protocol.WireError):
            ended = {"exit": self.child.exit_reason(), "complaint": self.workspace.complaint()}
            self.not_started = Sentence("sandbox.start_failed", ended)
        if self.not_started:
            self.broken = self.not_started
        return not self.not_started

    def _greet(self) -> None:
        """Wait for the child's hello: the submission imported, or why not."""
        limit = min(self.settings.startup_limit_s, self.keeper.remaining_s)
        started = self.launched_at  # a child started early has been at work since
        self.greeted = True
        assert self.child is not None
        # confinement comes before any code of the student's: the sandbox's own time, never cut
        # short by what the student's budget has left (that read "the sandbox did not start")
        if not self._confined(started + self.settings.startup_limit_s):
            self.keeper.started(started, None)
            self._stop()
            return
        try:
            hello, _ = self._received_by(started + limit)
        except TimeoutError:
            if self._import_again(started):
                return
            self.broken = Sentence("sandbox.import_slow", {"limit": f"{limit:g}"})
        except (EOFError, OSError, protocol.WireError):
            # the student's code ran: what it printed is never quoted as bubblewrap's complaint
            self.broken = Sentence(
                "sandbox.import_crashed", {"exit": self.child.exit_reason(), "complaint": ""}
            )
        else:
            if hello.get("ready"):
                self.notes = loading_notes(hello.get("notes"))
                self.keeper.started(started, self.child.received_at)
                return
            self.broken = import_failure(hello.get("import_error"))
        self.keeper.started(started, None)
        self._stop()

    def _received_by(self, deadline: float) -> tuple[Any, list[Any]]:
        """The child's next start-up frame, if it came out of the pipe by `deadline`.

        A child started early may be greeted long after its frames arrived: they wait in the
        reader thread, one at a time, so the next one is given a moment to be handed over, and its
        arrival time (not the time it is read here) decides whether it was in time.

        Raises:
            TimeoutError: the frame came after `deadline`, or has not come.
        """
        assert self.child is not None
        frame = self.child.receive(max(deadline, time.monotonic() + HANDOVER_S))
        if self.child.received_at > deadline:
            raise TimeoutError
        return frame

    def _import_again(self, started: float) -> bool:
        """Once per submission, a slow import is tried again in a fresh child: a machine stalled
        for a moment (a loaded CI runner) must not cost an honest student every test. A child
        that is slow every time is slow: the second timeout stands."""
        if self.import_retried:
            return False
        self.import_retried = True
        self.keeper.started(started, None)
        self._stop()
        self._start(greet=True)
        return True

    def _stop(self) -> None:
        if self.child is not None:
            self.child.kill()
            self.child = None
        self.workspace.scrub()

    def restart(self) -> None:
        """Stop the child: the next request starts a fresh one, a fresh import in a fresh folder,
        so nothing an earlier test left in the process or its files survives."""
        self._stop()

    def close(self) -> None:
        """Kill the child, remove its folders and give its uid back."""
        self._stop()
        self.workspace.close()

    def charged_to(self, budget: Budget) -> contextlib.AbstractContextManager[None]:
        """Within the block, the child's time is charged to `budget` instead (a containment rerun
        has its own, so that a failing function never spends the rest's time)."""
        return self.keeper.charged_to(budget)

    def _refuse_when_broken(self) -> None:
        if self.broken:
            raise SubmissionFailure.saying(self.broken)

    def request(self, label: str, header: dict[str, Any], blobs: list[bytes]) -> tuple[Any, list[Any]]:
        """Send one request (values already encoded) and return the reply's (tree, blobs).

        Raises:
            SubmissionFailure: timeouts, crashes, a spent budget, a broken channel, too many files.
        """
        self._refuse_when_broken()
        self.keeper.refuse(label)
        if self.child is None or not self.greeted:
            self._greet() if self.child is not None else self._start()
            self._refuse_when_broken()
        message = {**header, "id": self.next_id}
        self.next_id += 1
        try:
            return self._exchange(label, message, blobs)
        except ChannelCorrupted:
            if protocol.refers_to_handles(message):
                raise
            self._start()  # a stray thread of an earlier call wrote into the channel: start clean
            self._refuse_when_broken()
            return self._exchange(label, message, blobs)

    def _exchange(self, label: str, message: dict[str, Any], blobs: list[bytes]) -> tuple[Any, list[Any]]:
        """One request and its reply. Time spent answering the child's call-outs is the reference's,
        not the student's: it moves the deadline and is not charged to the submission's budget, up to
        `time_limits.callout` (the reference's recorded time for that call) each."""
        timer = self.keeper.start(label)
        assert self.child is not None
        child = self.child
        watch = IdleWatch(child.process.pid)
        try:
            child.send(message, blobs)
            return self._await_reply(child, timer, message["id"], watch)
        except TimeoutError:
            idle = watch.idle(time.monotonic(), timer.excused)
            self._stop()
            self.start_early()  # the next child imports the submission while the grader goes on
            raise self.keeper.timed_out(timer, idle) from None
        except (EOFError, BrokenPipeError, ConnectionError):
            self._stop()
            raise SubmissionCrashed("sandbox.crashed", function=label, exit=child.exit_reason()) from None
        except (protocol.WireError, OSError) as error:
            self._stop()
            said = wire_sentence(error) if isinstance(error, protocol.WireError) else Quoted(str(error))
            raise ChannelCorrupted("sandbox.corrupted", function=label, error=said) from None
        finally:
            self.keeper.charge(timer)

    def _await_reply(
        self, child: Child, timer: CallTimer, request_id: int, watch: IdleWatch
    ) -> tuple[Any, list[Any]]:
        """The reply to request `request_id`, answering the call-outs that come first.

        Raises:
            TimeoutError: past the call's deadline.
            SubmissionFailure: the child wrote past the disk cap.
        """
        while True:
            self._police_disk(timer.label)
            try:
                reply, reply_blobs = child.receive(min(timer.deadline, time.monotonic() + DISK_CHECK_S))
            except TimeoutError:
                if time.monotonic() < timer.deadline:
                    watch.mark(time.monotonic(), timer.excused)  # once a call has run a while
                    continue
                if timer.excuse_load(watch.kept_off_s(time.monotonic())):  # the load's, not the student's
                    continue
                raise
            if reply.get("id") == request_id and "callout" in reply:
                asked = time.monotonic()
                child.send(*self._answer(reply, reply_blobs))
                self.keeper.excuse(timer, str(reply["callout"]), asked)
            elif reply.get("id") == request_id:
                self._police_disk(timer.label, force=True)
                self.keeper.answered(timer)
                return reply, reply_blobs

    def _answer(self, callout: dict[str, Any], blobs: list[Any]) -> tuple[dict[str, Any], list[bytes]]:
        """The grader's answer to a call-out: from `self.answer_callout`, or refused."""
        self.callouts += 1
        if self.answer_callout is None or self.callouts > MAX_CALLOUTS:
            return {"id": callout["id"], "raised": "RuntimeError"}, []
        return self.answer_callout(callout, blobs)

    def _police_disk(self, label: str, force: bool = False) -> None:
        """Where no tmpfs caps what the child writes, stop the child past the cap.

        Raises:
            SubmissionFailure: the child wrote more than the cap.
        """
        if self.disk.over(force):
            self._stop()
            mb, count = self.settings.disk_limit_mb, f"{policy.MAX_ENTRIES:,}"
            raise SubmissionFailure("sandbox.disk", function=label, mb=mb, count=count)
