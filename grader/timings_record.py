"""Measuring the reference's times for `course release`: grade it RUNS times under the fixed limits
and keep the least of each time (`grader.timings` holds the file and what it records).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.config import Assignment
from grader.errors import CourseBroken
from grader.grading import grade
from grader.layout import CourseLayout
from grader.session import opened_submissions
from grader.timings import RUNS, ItemTimes, Timings, inputs_digest, round_up, stale, timings_path


class Recorder:
    """A pytest plugin that records the reference's times while `grader.grading.grade` runs."""

    def __init__(self) -> None:
        self.tests: dict[str, ItemTimes] = {}
        self.spent_s = 0.0
        self.startup_s: float | None = None

    def _handles(self, config: pytest.Config) -> list[Any]:
        return [handle for handle in opened_submissions(config) if hasattr(handle, "times")]

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        for handle in self._handles(item.config):
            handle.forget_times()
        started = time.perf_counter()
        yield
        calls: dict[str, float] = {}
        for handle in self._handles(item.config):
            calls.update(handle.times()[2])
        self.tests[item.nodeid] = ItemTimes(time.perf_counter() - started, calls)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for handle in self._handles(session.config):
            self.spent_s, self.startup_s, _ = handle.times()


def _least(runs: list[Recorder]) -> Timings:
    """Each time's minimum over the runs, rounded up."""
    tests: dict[str, ItemTimes] = {}
    for name in runs[0].tests:
        seen = [run.tests[name] for run in runs if name in run.tests]
        labels = set().union(*(t.calls for t in seen))
        tests[name] = ItemTimes(
            round_up(min(t.duration_s for t in seen)),
            {
                label: round_up(min(t.calls[label] for t in seen if label in t.calls))
                for label in sorted(labels)
            },
        )
    startup = round_up(min(run.startup_s or 0.0 for run in runs))
    return Timings(startup, round_up(min(run.spent_s for run in runs)), tests, runs=len(runs))


def measure(root: Path, assignment: Assignment, runs: int = RUNS) -> Timings:
    """Grade the reference `runs` times under the fixed limits and keep each time's minimum.

    Raises:
        CourseBroken: the reference does not score full marks (its times would mean nothing).
    """
    recorders = []
    for _ in range(runs):
        recorder = Recorder()
        report = grade(
            root, assignment, CourseLayout(root).solution(assignment), plugins=(recorder,), fixed_limits=True
        )
        failed = [t.name for t in report.tests if t.status not in ("passed", "pending")]
        if failed:
            raise CourseBroken(
                f"{assignment.id}: the reference fails {failed[0]}, so its times cannot be recorded; "
                "fix the reference or the test, then release again."
            )
        recorders.append(recorder)
    timings = _least(recorders)
    timings.inputs = inputs_digest(root, assignment)
    return timings


def record(root: Path, assignment: Assignment, force: bool = False) -> Path | None:
    """Measure and write the assignment's timings.json unless it is up to date; the path written,
    or None.

    Raises:
        CourseBroken: the reference does not score full marks.
    """
    if not force and not stale(root, assignment):
        return None
    path = timings_path(root, assignment.id)
    path.write_text(measure(root, assignment).to_json(assignment.id), encoding="utf-8")
    return path
