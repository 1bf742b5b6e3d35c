"""What a `grade` run costs beyond its tests, side by side in one run (issue 22).

Every command runs RUNS times, the commands of a table interleaved (one of each per round, in
turn), and each figure is the median of its runs:

  1. `grade conv` on the reference (the child, the wire, the reports) against a plain pytest run of
     the same suites importing the reference (`--in-process`), with pytest's usual plugin
     auto-loading and without it; target: at most 0.3 s more than plain pytest;
  2. `grade --help` against `python -c pass`; target: at most 0.15 s more;
  3. one small task, three tests of conv's functions, the same in every tool (bench/peers/task.py):
     `grade` against nbgrader's `autograde` and otter-grader's `check`, where
     `bash bench/peers/install.sh` installed them; target: `grade` at least 5 times faster;
  4. the round trip of a (64, 3, 32, 32) float64 array through the child (an echo function).

    python bench/grade_latency.py [--runs 7] [--baseline CHECKOUT]   # CHECKOUT: another grader, before
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import ROOT, median_seconds
from peers.task import Command
from peers.task import commands as peer_commands


def seconds_of(command: Command) -> float:
    arguments, folder, environment = command
    start = time.perf_counter()
    result = subprocess.run(arguments, cwd=folder, capture_output=True, text=True, env=environment)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return seconds


def interleaved(table: dict[str, Command], runs: int) -> dict[str, float]:
    """The median seconds of each command, run `runs` times in turn (after one warm-up each)."""
    times: dict[str, list[float]] = {name: [] for name in table}
    for name in table:
        seconds_of(table[name])  # warm the page cache: every figure is a warm start
    for round_number in range(runs):
        names = list(table)
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(seconds_of(table[name]))
    return {name: statistics.median(found) for name, found in times.items()}


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


def show(table: dict[str, float], baseline: str) -> None:
    for name, seconds in table.items():
        extra = (
            ""
            if name == baseline
            else f"   {seconds - table[baseline]:+.3f} s, {seconds / table[baseline]:.2f} times"
        )
        print(f"  {name:58} {seconds:7.3f} s{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (median)")
    parser.add_argument(
        "--baseline", type=Path, help="also time `grade` with the grader of this checkout (before/after)"
    )
    arguments = parser.parse_args()
    runs = arguments.runs
    python = sys.executable
    before = (
        None
        if arguments.baseline is None
        else {**os.environ, "PYTHONPATH": str(arguments.baseline.resolve())}
    )
    grade_conv = [python, "-m", "grader", "conv", "--submission", "solutions/conv.py"]
    pytest_conv = [python, "-m", "pytest", "tests/conv", "--in-process", "-q", "-p", "no:cacheprovider"]
    suites = interleaved(
        {
            "grade conv --submission solutions/conv.py": (grade_conv, ROOT, None),
            **({} if before is None else {"(baseline) grade conv": (grade_conv, ROOT, before)}),
            "pytest tests/conv --in-process": (pytest_conv, ROOT, None),
            "pytest tests/conv --in-process --disable-plugin-autoload": (
                [*pytest_conv, "--disable-plugin-autoload", "-p", "grader.plugin"],
                ROOT,
                None,
            ),
        },
        runs,
    )
    grade_script = Path(python).with_name("grade")
    grade_help = (
        [str(grade_script), "--help"] if grade_script.is_file() else [python, "-m", "grader", "--help"]
    )
    start_up = interleaved(
        {
            "grade --help": (grade_help, ROOT, None),
            **({} if before is None else {"(baseline) grade --help": (grade_help, ROOT, before)}),
            "python -c pass": ([python, "-c", "pass"], ROOT, None),
        },
        runs,
    )
    with tempfile.TemporaryDirectory() as folder:
        tools = peer_commands(Path(folder))
        if before is not None:
            tools["(baseline) grade"] = (tools["grade"][0], tools["grade"][1], before)
        peers = interleaved(tools, runs)
    call, isolation = round_trip_seconds()

    print(f"median of {runs} interleaved runs each; isolation: {isolation}")
    print("1. grade against plain pytest, the whole conv suite on the reference (target: <= +0.3 s)")
    show(suites, "grade conv --submission solutions/conv.py")
    overhead = suites["grade conv --submission solutions/conv.py"] - min(
        seconds for name, seconds in suites.items() if name.startswith("pytest")
    )
    print(f"  grade's overhead over the faster pytest run: {overhead:+.3f} s")
    if before is not None:
        was = suites["(baseline) grade conv"] - min(s for n, s in suites.items() if n.startswith("pytest"))
        print(f"  the baseline's: {was:+.3f} s")
    print("2. start-up (target: <= +0.15 s)")
    show(start_up, "python -c pass")
    print("3. one small task, three tests of conv's functions (target: grade >= 5 times faster)")
    if len(peers) == 1:
        print("  (no peer installed: bash bench/peers/install.sh)")
    show(peers, "grade")
    print(f"4. round trip of (64, 3, 32, 32) float64 through the child: {call * 1e3:.2f} ms (target < 5 ms)")


if __name__ == "__main__":
    main()
