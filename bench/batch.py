"""Batch grading throughput: 100 generated submissions with 1 and with 2 workers, in one run.

A mix of correct, partly wrong and hostile (exit at import) submissions of the `params`
assignment. Prints submissions per minute, the speed-up from 1 to 2 workers, and what 1,000
submissions would take on this machine.

    python bench/batch.py
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from common import ROOT

from grader.batch import grade_class
from grader.config import load_course

SUBMISSIONS = 100
REFERENCE = (ROOT / "solutions" / "params.py").read_text(encoding="utf-8")
VARIANTS = [
    REFERENCE,
    REFERENCE.replace("return n_out * (n_in + int(bias))", "return n_out * n_in"),
    REFERENCE.replace("return n_filters * (f * f * c_in + int(bias))", "return n_filters * f * f * c_in"),
    "import os\nos._exit(3)\n",
]


def make_class(folder: Path) -> None:
    for number in range(SUBMISSIONS):
        student = folder / f"s{number:03d}"
        student.mkdir()
        (student / "params.py").write_text(VARIANTS[number % len(VARIANTS)], encoding="utf-8")
        (student / "submission.json").write_text(json.dumps({"submitted_at": "2026-11-01T10:00:00+08:00"}))


def main() -> None:
    course = load_course(ROOT / "course.yml")
    rates = {}
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "class"
        folder.mkdir()
        make_class(folder)
        for workers in (1, 2):
            start = time.perf_counter()
            grade_class(ROOT, course, folder, Path(work) / f"out{workers}", ["params"], workers=workers)
            seconds = time.perf_counter() - start
            rates[workers] = SUBMISSIONS / seconds * 60
            rate = rates[workers]
            print(
                f"{workers} worker(s): {seconds:6.1f} s for {SUBMISSIONS} submissions, {rate:6.0f} per minute"
            )
    print(f"speed-up 1 -> 2 workers: {rates[2] / rates[1]:.2f}x (target >= 1.8x)")
    print(f"1,000 submissions on this machine (2 workers): {1000 / rates[2]:.1f} min")


if __name__ == "__main__":
    main()
