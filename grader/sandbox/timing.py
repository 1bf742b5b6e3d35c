"""Wall-time limits of a child: one call's, and a budget over many calls (sleeping counts).

`grader.sandbox.client` applies them; `FixedLimits` are course.yml's own, and
`grader.limits.ReferenceLimits` derives them from the reference's recorded times.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from grader.config import GradingSettings
from grader.sandbox.errors import SubmissionTimeout

IDLE_SHARE = 0.5  # a timed-out call runnable for less than this share of its time was idle


@dataclass(frozen=True)
class CallLimit:
    """The wall time one call may take, and the reference's time for it when the limit comes from
    that (`grader.limits`), for the timeout's sentence."""

    seconds: float
    reference_s: float | None = None


@dataclass
class Budget:
    """Wall time a child may spend over many calls (sleeping counts), and what it has spent."""

    limit_s: float
    reference_s: float | None = None  # the reference's time the limit comes from, for the sentence
    spent_s: float = 0.0

    @property
    def remaining_s(self) -> float:
        return self.limit_s - self.spent_s


class TimeLimits(Protocol):
    """What a channel asks of its limits before each call and after each call-out."""

    def call(self, label: str) -> CallLimit:
        """The limit of a call labelled `label` ("conv_forward", "ConvNet.loss")."""

    def callout(self, name: str) -> float:
        """The most time the reference's answer to a call-out of `name` is excused from the caller."""


class FixedLimits:
    """course.yml's fixed limits: every call `time_limit_s`; the reference's answer to a call-out
    is excused from the caller's time up to that too."""

    def __init__(self, settings: GradingSettings) -> None:
        self.seconds = settings.time_limit_s

    def call(self, label: str) -> CallLimit:
        """The limit of a call labelled `label` ("conv_forward", "ConvNet.loss")."""
        return CallLimit(self.seconds)

    def callout(self, name: str) -> float:
        """The most time the reference's answer to a call-out of `name` is excused from the caller."""
        return self.seconds


def budget_spent(budget: Budget) -> SubmissionTimeout:
    """The timeout of a call made once `budget` is spent, naming the reference's time if it has one."""
    if budget.reference_s is None:
        return SubmissionTimeout("sandbox.budget_spent", limit=f"{budget.limit_s:g}")
    return SubmissionTimeout(
        "timeout.budget_reference", limit=f"{budget.limit_s:g}", reference=f"{budget.reference_s:g}"
    )


def idle_timeout(label: str) -> SubmissionTimeout:
    """The timeout of a call to a function whose earlier call used its whole limit idle."""
    return SubmissionTimeout("timeout.idle", function=label)


def call_timed_out(label: str, limit: float, call: CallLimit, budget: Budget) -> SubmissionTimeout:
    """The timeout of a call stopped after `limit` seconds: its own limit `call` (naming the
    reference's time when the limit came from it), or less where `budget` had less left."""
    if limit < call.seconds:
        return budget_spent(budget)
    if call.reference_s is None:
        return SubmissionTimeout("sandbox.timed_out", function=label, limit=f"{limit:g}")
    return SubmissionTimeout(
        "timeout.call_reference", function=label, limit=f"{limit:g}", reference=f"{call.reference_s:g}"
    )


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                text = stat.read()
        except OSError:  # it ended meanwhile
            continue
        parent = int(text[text.rindex(b")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    return children


def _thread_times(pid: int) -> dict[str, tuple[int, int]]:
    """Each thread of `pid`: (ns on a CPU, ns waiting in a run queue), keyed "pid/tid"."""
    times: dict[str, tuple[int, int]] = {}
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return times
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/schedstat", "rb") as schedstat:
                on_cpu, waiting, _ = schedstat.read().split()
        except (OSError, ValueError):
            continue
        times[f"{pid}/{thread}"] = (int(on_cpu), int(waiting))
    return times


def tree_times(pid: int) -> dict[str, tuple[int, int]] | None:
    """Every thread of process `pid` and everything under it (bubblewrap's own processes, then
    the child): (ns on a CPU, ns waiting in a run queue for one because the machine is loaded),
    keyed "pid/tid". Sleeping, waiting on a lock or a pipe is in neither. None where the system
    does not say (no Linux schedstat, or the process is hidden from the grader by hidepid)."""
    if not os.path.exists("/proc/self/schedstat") or not os.access(f"/proc/{pid}/task", os.R_OK):
        return None
    try:
        children = _children()
    except OSError:
        return None
    times: dict[str, tuple[int, int]] = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        times.update(_thread_times(current))
        pending += children.get(current, [])
    return times


def busy_s(pid: int) -> float | None:
    """Seconds that process `pid` and everything under it have been runnable: on a CPU, or waiting
    in a run queue for one (`tree_times`), summed over every thread; None where unknown."""
    times = tree_times(pid)
    return None if times is None else sum(on + waiting for on, waiting in times.values()) / 1e9


def _cpus() -> int:
    """The CPUs this process, and so the child it starts, may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass
class IdleWatch:
    """Whether a long call is idle: sleeping or blocked, neither computing nor kept off a CPU by
    other work. Marked once the call has run a while; read when it times out."""

    pid: int
    since: float | None = None  # when it was marked (time.monotonic)
    busy_at_mark: float | None = None
    excused_at_mark: float = 0.0  # the call-out time excused by then
    waits_at_mark: dict[str, int] | None = None  # each thread's ns in a run queue by then
    on_cpu_at_mark: int = 0  # ns on a CPU by then, all threads

    def mark(self, now: float, excused: float) -> None:
        """Note the child's runnable time now, once per call."""
        if self.since is None:
            times = tree_times(self.pid)
            self.since, self.excused_at_mark = now, excused
            if times is not None:
                self.busy_at_mark = sum(on + waiting for on, waiting in times.values()) / 1e9
                self.waits_at_mark = {thread: waiting for thread, (_, waiting) in times.items()}
                self.on_cpu_at_mark = sum(on for on, _ in times.values())

    def kept_off_s(self, now: float) -> float:
        """Seconds the machine's load took from the call since the mark: the longest any one of
        the child's threads waited in a run queue for a CPU, but no more than the CPUs' time the
        child left unused. A child that crowds its own threads onto every CPU waits for itself,
        and is excused nothing. 0 when unknown.

        Args:
            now: time.monotonic() now.
        """
        times = tree_times(self.pid) if self.since is not None else None
        if times is None or self.since is None or self.waits_at_mark is None:
            return 0.0
        waits = self.waits_at_mark
        waited = max((waiting - waits.get(thread, 0) for thread, (_, waiting) in times.items()), default=0)
        on_cpu = sum(on for on, _ in times.values()) - self.on_cpu_at_mark
        return kept_off(waited / 1e9, on_cpu / 1e9, now - self.since, _cpus())

    def idle(self, now: float, excused: float) -> bool:
        """Whether, since the mark, the child was runnable for less than IDLE_SHARE of the time
        that is its own (the reference's answers to its call-outs excluded). False when unknown."""
        if self.since is None or self.busy_at_mark is None:
            return False
        busy = busy_s(self.pid)
        own = now - self.since - (excused - self.excused_at_mark)
        return busy is not None and own > 0 and busy - self.busy_at_mark < IDLE_SHARE * own


def kept_off(waited_s: float, on_cpu_s: float, wall_s: float, cpus: int) -> float:
    """The seconds a machine's other work took from a child over `wall_s`: the longest one of its
    threads waited for a CPU (`waited_s`), at most the CPUs' time it left unused (`on_cpu_s` is its
    threads' time on the `cpus` CPUs it may use): what it waited for its own threads is not excused."""
    return max(0.0, min(waited_s, wall_s - on_cpu_s / cpus))


LOAD_EXCUSE_MAX = 2.0  # a call kept off the CPUs by other work runs at most this x its limit longer
LOAD_EXCUSE_MIN_S = 0.05  # less than this waiting moves no deadline
TIMEOUTS_BEFORE_GIVING_UP = 2  # per function: later calls fail at once instead of waiting again
# ... but once, where the call that timed out was idle (it slept or waited: it would again)


class CallTimer:
    """One call's time: its deadline (moved by the call-outs excused), and what it cost the student.

    Args:
        label: the call's label ("conv_forward").
        call: its limit.
        limit: the seconds it may take now (its own limit, or less where the budget has less left).
        started: when it started, on the keeper's clock.
    """

    def __init__(self, label: str, call: CallLimit, limit: float, started: float) -> None:
        self.label, self.call, self.limit, self.started = label, call, limit, started
        self.deadline = started + limit
        self.excused = 0.0  # the reference's time answering call-outs, and the load's: not the student's
        self.load_excused = 0.0  # of which the time the child waited for a CPU

    def excuse(self, seconds: float, cap: float) -> None:
        """A call-out's answer took `seconds`: up to `cap` of it moves the deadline and is not charged."""
        excused = min(seconds, cap)
        self.excused += excused
        self.deadline += excused

    def excuse_load(self, kept_off: float) -> bool:
        """At the deadline: the child has waited `kept_off` seconds for a CPU since the call began
        to be watched. The part not yet excused, up to LOAD_EXCUSE_MAX x the limit in all, moves
        the deadline and is not charged: a loaded machine never turns a call into a timeout.

        Returns:
            whether the deadline moved.
        """
        extra = min(kept_off, LOAD_EXCUSE_MAX * self.limit) - self.load_excused
        if extra < LOAD_EXCUSE_MIN_S:
            return False
        self.load_excused += extra
        self.excused += extra
        self.deadline += extra
        return True

    def took(self, now: float) -> float:
        """The student's time so far."""
        return now - self.started - self.excused


class Timekeeper:
    """The time of one submission's children: each call's deadline, the budget charged, each
    label's slowest call, the labels that timed out too often, and the last start's time.

    Args:
        settings: course.yml `grading:` (the fixed limits until `grader.limits` sets others).
        clock: monotonic seconds; tests inject one, so that nothing sleeps.
    """

    def __init__(self, settings: GradingSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.limits: TimeLimits = FixedLimits(settings)  # or grader.limits.ReferenceLimits
        self.budget = Budget(settings.submission_time_limit_s)  # wall time inside the child
        self.slowest: dict[str, float] = {}  # label -> its slowest answered call (for timings.json)
        self.timeouts: dict[str, int] = {}
        self.idle: set[str] = set()  # functions whose call timed out idle (`IdleWatch`)
        # the same two, counted apart within containment reruns (`charged_to`): a caller whose
        # calls timed out because a failing callee hung is tried again with the callee answered
        self.rerun_timeouts: dict[str, int] = {}
        self.rerun_idle: set[str] = set()
        self.startup_s: float | None = None  # the last start's wall time, to the submission's hello

    @property
    def remaining_s(self) -> float:
        """What is left of the budget."""
        return self.budget.remaining_s

    def refuse(self, label: str) -> None:
        """Before a call: refuse it when its label timed out too often or the budget is spent.

        Raises:
            SubmissionTimeout: naming why.
        """
        if label in self.idle:
            raise idle_timeout(label)
        if self.timeouts.get(label, 0) >= TIMEOUTS_BEFORE_GIVING_UP:
            raise SubmissionTimeout("sandbox.gave_up", function=label, count=TIMEOUTS_BEFORE_GIVING_UP)
        if self.remaining_s <= 0:
            raise budget_spent(self.budget)

    def start(self, label: str) -> CallTimer:
        """A call labelled `label` starts now."""
        call = self.limits.call(label)
        return CallTimer(label, call, min(call.seconds, self.remaining_s), self.clock())

    def excuse(self, timer: CallTimer, callout: str, asked: float) -> None:
        """The reference answered a call-out of `callout` asked at `asked`: excused up to its limit."""
        timer.excuse(self.clock() - asked, self.limits.callout(callout))

    def answered(self, timer: CallTimer) -> None:
        """The call returned: its time is its label's slowest if it is."""
        took = timer.took(self.clock())
        self.slowest[timer.label] = max(self.slowest.get(timer.label, 0.0), took)

    def charge(self, timer: CallTimer) -> None:
        """The call ended (however): its time, call-outs excused, is charged to the budget."""
        self.budget.spent_s += timer.took(self.clock())

    def timed_out(self, timer: CallTimer, idle: bool = False) -> SubmissionTimeout:
        """The call ran past its deadline: counted against its label (an `idle` one is not called
        again); the timeout to raise."""
        self.timeouts[timer.label] = self.timeouts.get(timer.label, 0) + 1
        if idle:
            self.idle.add(timer.label)
        return call_timed_out(timer.label, timer.limit, timer.call, self.budget)

    def started(self, launched_at: float, ready_at: float | None) -> None:
        """A child's start, from its launch to its hello (`ready_at`, when it came; else now), is
        the submission's time; a successful one is recorded as the last start's."""
        ended = self.clock() if ready_at is None else ready_at
        if ready_at is not None:
            self.startup_s = ready_at - launched_at
        self.budget.spent_s += ended - launched_at

    @contextlib.contextmanager
    def charged_to(self, budget: Budget) -> Iterator[None]:
        """Within the block (a containment rerun), the child's time is charged to `budget` instead,
        so that a failing function never spends the rest's time, and timeouts are counted apart
        (the reruns' own counts): a caller that timed out only because its failing callee hung
        is not refused when the rerun answers that callee, whatever the order the tests ran in."""
        kept = self.budget, self.timeouts, self.idle
        self.budget, self.timeouts, self.idle = budget, self.rerun_timeouts, self.rerun_idle
        try:
            yield
        finally:
            self.budget, self.timeouts, self.idle = kept
