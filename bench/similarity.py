"""Similarity of a whole class: 100, 500 and 1,000 generated submissions of `pool`, side by side.

Each generated student takes the seven independent solutions of tests/toolkit/files/similarity/
(six written for the evaluation, plus a frozen copy of the reference), starts from one, swaps
about half of the graded functions for another solution's, renames every local and inserts a
few statements. That is far more shared code than a real class has (every function exists in
only seven versions), so the number of candidate pairs, and the time, are pessimistic. Prints
the time of each stage (fingerprints, inverted index, scoring the candidates, writing CSV and
HTML) and the precision and recall of the evaluation corpus at the default threshold.

    python bench/similarity.py            # 100, 500 and 1,000 (about a minute with generation)
    python bench/similarity.py 500        # one size
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

sys.path.insert(0, str(ROOT / "tests" / "toolkit" / "files" / "similarity"))

import corpus  # noqa: E402
import obfuscate  # noqa: E402

from grader.config import load_course  # noqa: E402
from grader.similarity import Settings, boilerplate_hashes, candidate_pairs, rank  # noqa: E402
from grader.similarity.compare import clusters, drop_common  # noqa: E402
from grader.similarity.report import write_report  # noqa: E402
from grader.similarity.run import Analysis, fingerprint_all, starter_code  # noqa: E402

WORKERS = 2  # the fingerprints of 200 or more submissions are taken in this many processes
FUNCTIONS = [
    "pool_output_size",
    "max_pool_forward",
    "max_pool_backward",
    "avg_pool_forward",
    "avg_pool_backward",
]


def generate(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """`count` students' pool.py, mixed and disguised from the seven solutions."""
    rng = random.Random(seed)
    parts = {}  # solution -> (head, {function: block})
    for name, code in corpus.originals("pool", ROOT).items():
        head, found = obfuscate.blocks(code)
        parts[name] = ("".join(head), {block.split("(")[0].removeprefix("def "): block for block in found})
    names = sorted(parts)
    students = []
    for number in range(count):
        head, chosen = parts[rng.choice(names)]
        chosen = dict(chosen)
        for function in FUNCTIONS:
            if rng.random() < 0.5:
                donor = parts[rng.choice(names)][1]
                chosen.update({name: block for name, block in donor.items() if not name.startswith("pool_")})
                chosen[function] = donor[function]  # with the donor's helpers, so it still runs
        order = list(chosen.values())
        if rng.random() < 0.5:
            rng.shuffle(order)
        code = head + "".join(block.rstrip("\n") + "\n\n\n" for block in order)
        code = obfuscate.insert(obfuscate.rename(code, rng), rng, count=rng.randint(0, 4))
        students.append((f"s{number:04d}", code))
    return students


def measure(students: list[tuple[str, str]], starter: list[str], out: Path) -> dict[str, float]:
    """Seconds per stage for one class, and the counts."""
    settings = Settings()
    times: dict[str, float] = {}
    start = time.perf_counter()
    boilerplate = boilerplate_hashes(starter, settings)
    prints = drop_common(fingerprint_all(students, settings, boilerplate, WORKERS), settings)
    times["fingerprints"] = time.perf_counter() - start
    start = time.perf_counter()
    candidates = candidate_pairs(prints, settings)
    times["index"] = time.perf_counter() - start
    start = time.perf_counter()
    pairs = rank(prints, settings)
    analysis = Analysis(prints, pairs, clusters(len(prints), pairs, settings), settings)
    times["scoring"] = time.perf_counter() - start - times["index"]  # rank() builds the index again
    start = time.perf_counter()
    write_report(analysis, out, "bench")
    times["report"] = time.perf_counter() - start
    times["total"] = sum(times.values())
    times["candidates"] = len(candidates)
    times["all pairs"] = len(prints) * (len(prints) - 1) // 2
    times["flagged"] = len(analysis.flagged)
    return times


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 500, 1000]
    course = load_course(ROOT / "course.yml")
    starter = starter_code(ROOT, course.assignment("pool"))
    start = time.perf_counter()
    everyone = generate(max(sizes))
    print(f"generated {max(sizes)} submissions in {time.perf_counter() - start:.1f} s (not counted)")
    results = {}
    with tempfile.TemporaryDirectory() as work:
        for size in sizes:
            results[size] = measure(everyone[:size], starter, Path(work) / str(size))
    rows = ["fingerprints", "index", "scoring", "report", "total", "candidates", "all pairs", "flagged"]
    print(f"{'submissions':>14}" + "".join(f"{size:>12,}" for size in sizes))
    for row in rows:
        unit = " s" if row in ("fingerprints", "index", "scoring", "report", "total") else ""
        cells = "".join(
            f"{results[s][row]:>10.2f}{unit}" if unit else f"{int(results[s][row]):>12,}" for s in sizes
        )
        print(f"{row:>14}{cells}")
    print(
        f"({WORKERS} processes fingerprint, one scores; target: all pairs of 500 within a minute on 2 cores)"
    )


if __name__ == "__main__":
    main()
