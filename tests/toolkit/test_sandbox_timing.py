"""The channel's time, alone: deadlines, call-outs excused, the budget charged, giving up, and
what a child wrote, on a clock the test moves (no process, no sleep)."""

from __future__ import annotations

import pytest

from grader.config import GradingSettings
from grader.sandbox import SubmissionTimeout, policy
from grader.sandbox.timing import (
    LOAD_EXCUSE_MAX,
    TIMEOUTS_BEFORE_GIVING_UP,
    Budget,
    CallLimit,
    CallTimer,
    Timekeeper,
    kept_off,
)
from grader.sandbox.workspace import DISK_CHECK_S, DiskWatch


class Clock:
    """Monotonic seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += seconds


class ReferenceTimes:
    """Limits as `grader.limits.ReferenceLimits` gives them: 2 s a call, the reference's 0.5 s."""

    def call(self, label: str) -> CallLimit:
        return CallLimit(2.0, 0.5)

    def callout(self, name: str) -> float:
        return 1.0


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keeper(clock: Clock) -> Timekeeper:
    return Timekeeper(GradingSettings(time_limit_s=5.0, submission_time_limit_s=12.0), clock)


def test_a_call_is_charged_to_the_budget_and_recorded_as_its_labels_slowest(keeper, clock):
    timer = keeper.start("conv_forward")
    assert timer.deadline == clock.now + 5.0
    clock.wait(1.5)
    keeper.answered(timer)
    keeper.charge(timer)
    second = keeper.start("conv_forward")
    clock.wait(0.5)
    keeper.answered(second)
    keeper.charge(second)
    assert keeper.budget.spent_s == pytest.approx(2.0) and keeper.remaining_s == pytest.approx(10.0)
    assert keeper.slowest == {"conv_forward": pytest.approx(1.5)}


def test_the_references_answers_to_call_outs_are_excused_up_to_their_limit(keeper, clock):
    """Time the reference spends answering moves the deadline and is not the student's, up to the
    call-out's limit; past it, the rest is the student's."""
    timer = keeper.start("conv_forward")
    first_deadline = timer.deadline
    clock.wait(1.0)  # the student's
    asked = clock()
    clock.wait(3.0)  # the reference answers within the callout's limit (5 s, the fixed one)
    keeper.excuse(timer, "im2col", asked)
    assert timer.deadline == pytest.approx(first_deadline + 3.0)
    asked = clock()
    clock.wait(7.0)  # past the limit: 5 s excused, 2 s charged
    keeper.excuse(timer, "im2col", asked)
    keeper.charge(timer)
    assert keeper.budget.spent_s == pytest.approx(1.0 + 2.0)
    assert timer.deadline == pytest.approx(first_deadline + 8.0)


def test_a_call_gets_what_is_left_of_the_budget_and_its_timeout_says_which_limit(keeper, clock):
    keeper.budget.spent_s = 10.0
    short = keeper.start("conv_forward")
    assert short.deadline == pytest.approx(clock.now + 2.0)  # the budget's 2 s, under the call's 5
    clock.wait(2.0)
    error = keeper.timed_out(short)
    assert isinstance(error, SubmissionTimeout) and error.code == "sandbox.budget_spent"
    assert str(error) == "the 12 s time budget of the whole submission is spent"
    keeper.budget.spent_s = 0.0
    own = keeper.timed_out(keeper.start("conv_forward"))
    assert own.code == "sandbox.timed_out" and own.params == {"function": "conv_forward", "limit": "5"}
    keeper.limits = ReferenceTimes()
    named = keeper.timed_out(keeper.start("im2col"))
    assert named.code == "timeout.call_reference" and named.params["reference"] == "0.5"
    assert "the reference solution takes 0.5 s for this call" in named.sentence.text("en")


def test_a_label_that_timed_out_twice_and_a_spent_budget_are_refused_at_once(keeper, clock):
    for _ in range(TIMEOUTS_BEFORE_GIVING_UP):
        keeper.refuse("conv_forward")
        keeper.timed_out(keeper.start("conv_forward"))
    with pytest.raises(SubmissionTimeout) as caught:
        keeper.refuse("conv_forward")
    assert caught.value.code == "sandbox.gave_up"
    assert str(caught.value) == "conv_forward timed out 2 times already; not called again"
    keeper.refuse("im2col")
    keeper.budget.spent_s = 12.0
    with pytest.raises(SubmissionTimeout) as caught:
        keeper.refuse("im2col")
    assert caught.value.code == "sandbox.budget_spent"


def test_a_containment_rerun_is_charged_to_its_own_budget(keeper, clock):
    rerun = Budget(4.0)
    with keeper.charged_to(rerun):
        timer = keeper.start("conv_forward")
        assert timer.deadline == pytest.approx(clock.now + 4.0)
        clock.wait(3.0)
        keeper.charge(timer)
    assert rerun.spent_s == pytest.approx(3.0) and keeper.budget.spent_s == 0.0
    assert keeper.remaining_s == 12.0


def test_timeouts_in_containment_reruns_are_counted_apart(keeper, clock):
    """A caller refused after timeouts its hanging callee caused is tried again in a rerun (which
    answers the callee); the reruns keep counts of their own, and give up after as many."""
    for _ in range(TIMEOUTS_BEFORE_GIVING_UP):
        keeper.timed_out(keeper.start("summarize"))
    keeper.timed_out(keeper.start("fc_params"), idle=True)
    for _ in range(TIMEOUTS_BEFORE_GIVING_UP):
        with keeper.charged_to(Budget(4.0)):
            keeper.refuse("summarize")
            keeper.refuse("fc_params")
            keeper.timed_out(keeper.start("summarize"))
    with keeper.charged_to(Budget(4.0)), pytest.raises(SubmissionTimeout) as caught:
        keeper.refuse("summarize")
    assert caught.value.code == "sandbox.gave_up"
    with pytest.raises(SubmissionTimeout) as caught:
        keeper.refuse("fc_params")
    assert caught.value.code == "timeout.idle"


def test_time_a_loaded_machine_kept_a_call_off_the_cpus_moves_its_deadline_and_is_not_charged(keeper, clock):
    timer = CallTimer("conv_forward", CallLimit(2.0), 2.0, clock())
    clock.wait(2.0)
    assert timer.excuse_load(0.5) and timer.deadline == pytest.approx(clock.now + 0.5)
    assert not timer.excuse_load(0.52)  # a few hundredths more move nothing
    assert timer.excuse_load(100.0)  # at most LOAD_EXCUSE_MAX x the limit in all
    assert timer.load_excused == pytest.approx(LOAD_EXCUSE_MAX * 2.0)
    assert not timer.excuse_load(100.0)
    clock.wait(LOAD_EXCUSE_MAX * 2.0 + 0.5)
    assert timer.took(clock()) == pytest.approx(2.5)  # what the student's code had: its limit, and 0.5 s
    keeper.charge(timer)
    assert keeper.budget.spent_s == pytest.approx(2.5)


def test_a_child_waiting_for_its_own_threads_is_excused_nothing():
    """kept_off: one thread's wait, at most the CPU time the child left unused."""
    assert kept_off(waited_s=0.6, on_cpu_s=0.35, wall_s=1.0, cpus=2) == pytest.approx(0.6)  # others' load
    assert kept_off(waited_s=0.75, on_cpu_s=2.0, wall_s=1.0, cpus=2) == 0.0  # 8 spinners on 2 CPUs
    assert kept_off(waited_s=0.75, on_cpu_s=1.5, wall_s=1.0, cpus=2) == pytest.approx(0.25)
    assert kept_off(waited_s=0.0, on_cpu_s=0.0, wall_s=1.0, cpus=2) == 0.0  # asleep


def test_a_start_is_the_submissions_time_and_a_good_one_is_recorded(keeper, clock):
    launched = clock()
    clock.wait(0.75)
    keeper.started(launched, clock())  # the hello came now
    assert keeper.startup_s == pytest.approx(0.75)
    launched = clock()
    clock.wait(2.0)
    keeper.started(launched, None)  # no hello: charged to now, not recorded
    assert keeper.startup_s == pytest.approx(0.75) and keeper.budget.spent_s == pytest.approx(2.75)


class Folders:
    """A workspace that reports what a child wrote, without a child."""

    level = policy.PROCESS

    def __init__(self) -> None:
        self.written = (0, 0)
        self.measured = 0

    def usage(self) -> tuple[int, int]:
        self.measured += 1
        return self.written


def test_what_a_child_wrote_is_measured_when_due_and_past_the_cap(clock):
    folders = Folders()
    watch = DiskWatch(folders, GradingSettings(disk_limit_mb=1), clock)  # type: ignore[arg-type]
    assert not watch.over()
    folders.written = (2 * 2**20, 1)
    assert not watch.over() and folders.measured == 1  # not due yet
    assert watch.over(force=True)
    clock.wait(DISK_CHECK_S)
    folders.written = (10, policy.MAX_ENTRIES + 1)
    assert watch.over() and folders.measured == 3
    folders.level = policy.BUBBLEWRAP  # its tmpfs caps the child: nothing to measure
    assert not watch.over(force=True) and folders.measured == 3
