"""What isolation costs: `grade conv` end to end against plain pytest, and one call's round trip.

In one run:
  1. `python -m grader conv --submission solutions/conv.py` (the child, the wire, the reports),
  2. `python -m pytest tests/conv --in-process` (the same suites importing the reference here),
  3. the round trip of a (64, 3, 32, 32) float64 array through the child (an echo function).

Targets: (1) - (2) under 0.5 s; (3) under 5 ms.

    python bench/grade_latency.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import ROOT, median_seconds

RUNS = 5


def command_seconds(arguments: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        assert result.returncode == 0, result.stdout + result.stderr
    return statistics.median(times)


def round_trip_seconds() -> tuple[float, str]:
    from grader.config import GradingSettings
    from grader.sandbox import SandboxedSubmission

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "echo.py"
        source.write_text("def echo(x):\n    return x\n", encoding="utf-8")
        submission = SandboxedSubmission(source, "echo", GradingSettings())
        try:
            array = np.random.default_rng(0).standard_normal((64, 3, 32, 32))
            assert np.array_equal(submission.echo(array), array)
            return median_seconds(lambda: submission.echo(array), repeats=50, warmup=5), submission.isolation
        finally:
            submission.close()


def main() -> None:
    graded = command_seconds(["-m", "grader", "conv", "--submission", "solutions/conv.py"])
    plain = command_seconds(["-m", "pytest", "tests/conv", "--in-process", "-q", "-p", "no:cacheprovider"])
    call, isolation = round_trip_seconds()
    print(f"isolation: {isolation}")
    print(f"grade conv (child process, reports)    {graded:7.3f} s   median of {RUNS}")
    print(f"pytest tests/conv, reference in-process {plain:7.3f} s   median of {RUNS}")
    print(f"isolation costs per grade run          {graded - plain:+7.3f} s   (target < 0.5 s)")
    print(f"round trip of (64, 3, 32, 32) float64  {call * 1e3:7.2f} ms  (target < 5 ms)")


if __name__ == "__main__":
    main()
