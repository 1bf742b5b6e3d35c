"""Per-worker grading throughput: a process-pool worker and a Dask worker side by side (issue 22).

Grades N copies of the reference solution of `params` (cheap: counting parameters) and of `cnn`
(expensive: it trains a small network) through grade-all with ONE worker, in turn on the local
process pool and on a local Dask cluster of one single-threaded worker (shipping the course and
each submission, as for a remote cluster), the two engines interleaved run by run (each round
alternates which goes first). Each figure is the median over the rounds.

Two rates per run:
- warm: submissions per minute between the first finished submission and the last, what a worker
  does once it runs (a deadline's class is thousands of submissions per worker);
- whole run: including the worker's start (the pool's process, the client's connection) and its
  check of the reference.

Then it sizes a deadline: how many such workers grade a number of submissions within an hour.

    python bench/throughput.py                        # 12 cheap, 3 expensive, 3 rounds
    python bench/throughput.py --rounds 5 --cheap 20 --expensive 4
    python bench/throughput.py --deadline 50000 --hours 1
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT

from grader.batch import grade_class
from grader.config import load_course

CASES = (("cheap", "params"), ("expensive", "cnn"))
ENGINES = ("pool", "dask")


def make_class(folder: Path, assignment_id: str, count: int) -> None:
    """`count` students, each with the reference solution (a different comment, so no two are alike)."""
    course = load_course(ROOT / "course.yml")
    module = course.assignment(assignment_id).module
    reference = (ROOT / "solutions" / module).read_text(encoding="utf-8")
    for number in range(count):
        student = folder / f"s{number:04d}"
        student.mkdir(parents=True)
        (student / module).write_text(f"# student {number}\n{reference}", encoding="utf-8")


def measure(assignment_id: str, count: int, scheduler: str | None) -> tuple[float, float]:
    """Grade `count` submissions with one worker (of `scheduler`, if given, else of a process pool).

    Returns:
        (warm submissions per minute, whole-run submissions per minute).
    """
    course = load_course(ROOT / "course.yml")
    finished: list[float] = []

    def progress(done: int, failed: int, total: int) -> None:
        if done > len(finished):
            finished.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "class"
        make_class(folder, assignment_id, count)
        options: dict[str, Any] = {"scheduler": scheduler} if scheduler else {"workers": 1}
        start = time.perf_counter()
        summary = grade_class(
            ROOT, course, folder, Path(work) / "out", [assignment_id], progress=progress, **options
        )
        seconds = time.perf_counter() - start
    if summary["problems"]:
        raise SystemExit(f"{assignment_id}: {summary['problems'][0]}")
    warm = (len(finished) - 1) / (finished[-1] - finished[0]) * 60 if len(finished) > 1 else math.nan
    return warm, count / seconds * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cheap", type=int, default=12, help="submissions of params per run")
    parser.add_argument("--expensive", type=int, default=3, help="submissions of cnn per run (0: none)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs of each engine")
    parser.add_argument("--deadline", type=int, default=50_000, help="submissions to size for")
    parser.add_argument("--hours", type=float, default=1.0, help="time to grade them in")
    arguments = parser.parse_args()
    counts = {"cheap": arguments.cheap, "expensive": arguments.expensive}
    cases = [(kind, assignment_id) for kind, assignment_id in CASES if counts[kind] > 1]

    from distributed import LocalCluster

    # started first: its start-up is not a worker's throughput
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    rates: dict[tuple[str, str], list[tuple[float, float]]] = {}
    try:
        for kind, assignment_id in cases:
            for round_number in range(arguments.rounds):
                engines = ENGINES if round_number % 2 == 0 else ENGINES[::-1]
                for engine in engines:
                    scheduler = cluster.scheduler_address if engine == "dask" else None
                    found = measure(assignment_id, counts[kind], scheduler)
                    rates.setdefault((kind, engine), []).append(found)
                    note = f"{assignment_id} {engine} run {round_number + 1}: {found[0]:.1f} warm,"
                    print(f"{note} {found[1]:.1f} whole run per minute", file=sys.stderr, flush=True)
    finally:
        cluster.close()

    print(f"one worker, reference solutions; medians of {arguments.rounds} interleaved runs per engine")
    print(f"{'':10} {'assignment':10} {'engine':6} {'graded':>6} {'warm/min':>9} {'s each':>7}", end="")
    print(f" {'whole run/min':>14}")
    warm_rate: dict[tuple[str, str], float] = {}
    for kind, assignment_id in cases:
        for engine in ENGINES:
            warm = statistics.median(rate for rate, _ in rates[(kind, engine)])
            whole = statistics.median(rate for _, rate in rates[(kind, engine)])
            warm_rate[(kind, engine)] = warm
            line = f"{kind:10} {assignment_id:10} {engine:6} {counts[kind]:6} {warm:9.1f} {60 / warm:7.2f}"
            print(f"{line} {whole:14.1f}")
        ratio = warm_rate[(kind, "dask")] / warm_rate[(kind, "pool")]
        print(f"{'':10} {assignment_id:10} dask/pool, warm: {ratio:.2f} (target >= 0.90)")
    needed = arguments.deadline / (arguments.hours * 60)
    print(f"\n{arguments.deadline:,} submissions in {arguments.hours:g} h = {needed:,.0f} per minute:")
    for kind, assignment_id in cases:
        slowest = min(warm_rate[(kind, engine)] for engine in ENGINES)
        print(f"  all {kind} ({assignment_id}): {math.ceil(needed / slowest):,} single-core workers")


if __name__ == "__main__":
    main()
