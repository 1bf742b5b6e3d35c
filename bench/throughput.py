"""Per-worker grading throughput, for a cheap and an expensive assignment side by side.

Grades N copies of the reference solution of `params` (cheap: counting parameters) and of
`cnn` (expensive: it trains a small network) through grade-all with ONE worker, so the
figures are submissions per minute per worker: what a single-core Dask worker does. Then
sizes a deadline: how many such workers grade a number of submissions within an hour.

    python bench/throughput.py                       # 20 cheap, 3 expensive (about a minute)
    python bench/throughput.py --engine dask         # through a local Dask cluster of one worker,
                                                     # shipping the course and each submission
    python bench/throughput.py --deadline 50000 --hours 1
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT

from grader.batch import grade_class
from grader.config import load_course

CASES = (("cheap", "params"), ("expensive", "cnn"))


def make_class(folder: Path, assignment_id: str, count: int) -> None:
    """`count` students, each with the reference solution (a different comment, so no two are alike)."""
    course = load_course(ROOT / "course.yml")
    module = course.assignment(assignment_id).module
    reference = (ROOT / "solutions" / module).read_text(encoding="utf-8")
    for number in range(count):
        student = folder / f"s{number:04d}"
        student.mkdir(parents=True)
        (student / module).write_text(f"# student {number}\n{reference}", encoding="utf-8")


def measure(assignment_id: str, count: int, scheduler: str | None) -> float:
    """Seconds to grade `count` submissions of one assignment with one worker (of `scheduler`, if given)."""
    course = load_course(ROOT / "course.yml")
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "class"
        make_class(folder, assignment_id, count)
        options: dict[str, Any] = {"scheduler": scheduler} if scheduler else {"workers": 1}
        start = time.perf_counter()
        summary = grade_class(ROOT, course, folder, Path(work) / "out", [assignment_id], **options)
        seconds = time.perf_counter() - start
    if summary["problems"]:
        raise SystemExit(f"{assignment_id}: {summary['problems'][0]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cheap", type=int, default=20, help="submissions of params")
    parser.add_argument("--expensive", type=int, default=3, help="submissions of cnn")
    parser.add_argument("--engine", choices=("pool", "dask"), default="pool")
    parser.add_argument("--deadline", type=int, default=50_000, help="submissions to size for")
    parser.add_argument("--hours", type=float, default=1.0, help="time to grade them in")
    arguments = parser.parse_args()
    counts = {"cheap": arguments.cheap, "expensive": arguments.expensive}
    print(f"one worker, engine {arguments.engine}, reference solutions")
    print(f"{'':10} {'assignment':10} {'graded':>6} {'seconds':>8} {'s each':>7} {'per min/worker':>15}")
    rates = {}
    cluster = None
    if arguments.engine == "dask":  # started first: its start-up is not the workers' throughput
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    for kind, assignment_id in CASES:
        seconds = measure(assignment_id, counts[kind], cluster.scheduler_address if cluster else None)
        rates[kind] = counts[kind] / seconds * 60
        each = seconds / counts[kind]
        print(f"{kind:10} {assignment_id:10} {counts[kind]:6} {seconds:8.1f} {each:7.2f} {rates[kind]:15.1f}")
    if cluster is not None:
        cluster.close()
    needed = arguments.deadline / (arguments.hours * 60)
    print(f"\n{arguments.deadline:,} submissions in {arguments.hours:g} h = {needed:,.0f} per minute:")
    for kind, assignment_id in CASES:
        workers = math.ceil(needed / rates[kind])
        print(f"  all {kind} ({assignment_id}): {workers:,} single-core workers")


if __name__ == "__main__":
    main()
