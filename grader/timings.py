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
give each graded function's slowest call in that test. This module reads and writes the file;
`grader.timings_record` measures the reference (it grades, so it sits above `grader.grading`).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.config import Assignment
from grader.layout import CourseLayout

SCHEMA_VERSION = 1
RUNS = 3  # the reference is graded this many times; each time kept is the least of them
SMALLEST_S = 0.001  # a time is never recorded as less (a call takes at least the round trip)


def timings_path(root: Path, assignment_id: str) -> Path:
    """Where an assignment's recorded reference times live: tests/<id>/timings.json."""
    return CourseLayout(root).timings(assignment_id)


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
    layout = CourseLayout(root)
    for path in [layout.solution(assignment), *layout.suite_files(assignment.id)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stale(root: Path, assignment: Assignment) -> bool:
    """Whether the recorded times are missing or were measured on another reference or suite."""
    recorded = load_timings(timings_path(root, assignment.id))
    return recorded is None or recorded.inputs != inputs_digest(root, assignment)
