"""`course insight` at scale: synthetic staff records of 500 and 50,000 students, timed on one core.

Each synthetic student has one record of a 5-function, 14-test assignment, as grade-all writes it
(staff/<student>/<id>.json): about 60 % right, the rest drawn from eight misconceptions (two
catalogued, four with a structural finding, two that the analysis cannot explain), some late,
in four sections. The timing is of `run_insight` (read every record, analyse, write the page and
JSON), in this one process; generating the records is not timed.

    python bench/insight.py [--students 500 50000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from grader.insight import run_insight  # noqa: E402

FUNCTIONS = ["pad", "step", "forward", "backward", "pool"]
TESTS = [(f, f"test_{f}_{k}", k >= 1) for f in FUNCTIONS for k in range(3)][:14]
MISTAKES = [  # (function, mistake name or None, finding kind, params, share of the class)
    ("forward", "flipped kernel", "rotated", {"angle": "180"}, 0.08),
    ("pad", "pad one side", "padding_missing", {"pad": "1", "axes": "H"}, 0.07),
    ("step", None, "scale", {"factor": "2"}, 0.06),
    ("backward", None, "sign", {}, 0.05),
    ("pool", None, "transposed", {"order": "(0, 1, 3, 2)"}, 0.05),
    ("forward", None, "border", {}, 0.04),
    ("backward", None, "values_differ", {}, 0.03),
    ("pool", None, None, {}, 0.02),
]


def _tests(rng: random.Random) -> list[dict]:
    broken = [m for m in MISTAKES if rng.random() < m[4]]
    tests = []
    for function, name, hidden in TESTS:
        mistake = next((m for m in broken if m[0] == function), None)
        fails = mistake is not None and (not hidden or rng.random() < 0.9)
        tests.append(
            {
                "name": name,
                "function": function,
                "score": 0.0 if fails else 1.0,
                "max_score": 1.0,
                "status": "failed" if fails else "passed",
                "hidden": hidden,
                "output": "failed" if fails else "",
                "mistake": mistake[1] if fails and mistake else None,
                "duration_s": 0.01,
                "seed": None,
                "finding": {"kind": mistake[2], "params": mistake[3], "callees": []}
                if fails and mistake
                else None,
                "explanation": "",
            }
        )
    return tests


def generate(folder: Path, students: int, seed: int = 0) -> None:
    """Write `students` synthetic staff records under folder/staff."""
    rng = random.Random(seed)
    for number in range(students):
        student = f"student{number:06d}"
        tests = _tests(rng)
        score = sum(t["score"] for t in tests)
        days = rng.choice([0] * 9 + [1, 2])
        penalty = round(len(tests) * 0.1 * days, 2)
        record = {
            "student": student,
            "assignment": "conv",
            "section": f"L{number % 4 + 1}",
            "submission_path": None,
            "final": {
                "raw_score": score,
                "max_score": len(tests),
                "penalty_pct": 10.0 * days,
                "penalty_points": penalty,
                "final_score": max(0.0, score - penalty),
                "time": "late" if days else "on_time",
                "days_late": days,
                "detail": "",
            },
            "report": {"assignment": "conv", "score": score, "max_score": len(tests), "tests": tests},
        }
        path = folder / "staff" / student / "conv.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(record), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[500, 50_000])
    parser.add_argument("--keep", type=Path, help="Keep the last class's records and report here.")
    options = parser.parse_args()
    limits = {500: 10.0, 50_000: 300.0}
    for count in options.students:
        folder = Path(tempfile.mkdtemp(prefix=f"insight-{count}-"))
        generate(folder, count)
        start = time.process_time(), time.perf_counter()
        result = run_insight(folder)
        cpu, wall = time.process_time() - start[0], time.perf_counter() - start[1]
        goal = f" (goal < {limits[count]:g} s)" if count in limits else ""
        print(
            f"{count:>6} students: {wall:6.2f} s wall, {cpu:6.2f} s CPU{goal}; "
            f"{result['candidates']} candidate entries; page {result['files'][0].stat().st_size // 1024} KiB"
        )
        if options.keep:
            shutil.rmtree(options.keep, ignore_errors=True)
            shutil.move(folder, options.keep)
        else:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
