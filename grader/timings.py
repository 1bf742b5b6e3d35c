"""The reference's own times, recorded once by `course release`: what time limits are made of.

`course release` grades the reference solution on the assignment's whole suite a few times, in the
sandbox as a student's work is graded, and keeps the minimum of each time, rounded:
`tests/<id>/timings.json`, beside the suites. It lives with the instructor's course (never in
assignments/, which must stay deterministic), so the course bundle of grade-all's workers and the
Gradescope autograder carry it, and every worker applies the same limits (`grader.limits`).

    {"schema_version": 1, "assignment": "conv", "runs": 3, "inputs": "<sha-256>",
     "startup_s": 0.21, "suite_s": 1.9,
     "tests": {"tests/conv/test_hidden.py::test_x": {"duration_s": 0.05,
                                                     "calls": {"conv_forward": 0.0042}}}}

`suite_s` is the child's wall time over the whole suite (its start included); a test's `calls`
give each graded function's slowest call in that test.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grader.config import Assignment
from grader.errors import CourseBroken

SCHEMA_VERSION = 1
TIMINGS_FILE = "timings.json"
RUNS = 3  # the reference is graded this many times; each time kept is the least of them
SMALLEST_S = 0.001  # a time is never recorded as less (a call takes at least the round trip)


def timings_path(root: Path, assignment_id: str) -> Path:
    """Where an assignment's recorded reference times live: tests/<id>/timings.json."""
    return root / "tests" / assignment_id / TIMINGS_FILE


def round_up(seconds: float) -> float:
    """`seconds` rounded up to two significant digits, at least SMALLEST_S (0.01234 -> 0.013):
    stable from one release to the next, and never below what was measured."""
    seconds = max(seconds, SMALLEST_S)
    scale = 10 ** (math.floor(math.log10(seconds)) - 1)
    return round(math.ceil(round(seconds / scale, 6)) * scale, 6)


@dataclass
class ItemTimes:
    """One test's times on the reference: the test's own, and each label's slowest call in it."""

    duration_s: float
    calls: dict[str, float] = field(default_factory=dict)


@dataclass
class Timings:
    """An assignment's recorded reference times."""

    startup_s: float
    suite_s: float
    tests: dict[str, ItemTimes]
    inputs: str = ""  # the digest of what they were measured on (`inputs_digest`)
    runs: int = RUNS

    def call_s(self, test: str | None, label: str) -> float | None:
        """The reference's time for a call labelled `label` in `test`; in any test when `test` did
        not make one (or is None); None when the reference never made such a call."""
        times = self.tests.get(test) if test is not None else None
        if times is not None and label in times.calls:
            return times.calls[label]
        found = [t.calls[label] for t in self.tests.values() if label in t.calls]
        return max(found) if found else None

    def to_json(self, assignment_id: str) -> str:
        """The file's text: keys sorted, so a release that measures the same writes the same."""
        data = {
            "schema_version": SCHEMA_VERSION,
            "assignment": assignment_id,
            "runs": self.runs,
            "inputs": self.inputs,
            "startup_s": self.startup_s,
            "suite_s": self.suite_s,
            "tests": {
                name: {"duration_s": t.duration_s, "calls": dict(sorted(t.calls.items()))}
                for name, t in sorted(self.tests.items())
            },
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{value!r} is not a positive number of seconds")
    return float(value)


def load_timings(path: Path) -> Timings | None:
    """The recorded times at `path`, or None when there is no file or it cannot be read as one
    (grading then applies the fixed limits and says so)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        tests = {
            str(name): ItemTimes(
                _number(entry["duration_s"]),
                {str(label): _number(seconds) for label, seconds in entry.get("calls", {}).items()},
            )
            for name, entry in data["tests"].items()
        }
        return Timings(
            _number(data["startup_s"]),
            _number(data["suite_s"]),
            tests,
            str(data.get("inputs", "")),
            int(data.get("runs", RUNS)),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def inputs_digest(root: Path, assignment: Assignment) -> str:
    """SHA-256 of what the times depend on: the reference solution and the suites."""
    digest = hashlib.sha256()
    suites = root / "tests" / assignment.id
    for path in [root / "solutions" / assignment.module, *sorted(suites.glob("test_*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stale(root: Path, assignment: Assignment) -> bool:
    """Whether the recorded times are missing or were measured on another reference or suite."""
    recorded = load_timings(timings_path(root, assignment.id))
    return recorded is None or recorded.inputs != inputs_digest(root, assignment)


class Recorder:
    """A pytest plugin that records the reference's times while `grader.grading.grade` runs."""

    def __init__(self) -> None:
        self.tests: dict[str, ItemTimes] = {}
        self.spent_s = 0.0
        self.startup_s: float | None = None

    def _handles(self, config: pytest.Config) -> list[Any]:
        from grader.session import opened_submissions

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
    from grader.grading import grade

    recorders = []
    for _ in range(runs):
        recorder = Recorder()
        report = grade(
            root, assignment, root / "solutions" / assignment.module, plugins=(recorder,), fixed_limits=True
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
