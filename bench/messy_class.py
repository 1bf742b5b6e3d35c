"""A messy class graded with the README's commands: does every student get the score of their work?

    python bench/messy_class.py [--workers N] [--keep DIR]

Builds, in a temporary folder (or DIR with --keep), a class of `conv` submissions shaped the way
real students, editors and LMSs shape them (bench/messy_cases.py, bench/messy_lms.py; the files
themselves in bench/messy_files.py), plus a few students in the several-assignment layout
(`conv` and `params`):

- shape: module only, notebook only (Jupyter, Colab, VS Code) next to the untouched stub, both
  edited;
- name: Conv.py, CONV.PY, `conv (1).py`, `conv-1.py`, hw1/conv.py, conv/conv.py, conv.zip,
  submission.zip, Colab's `Copy of conv.ipynb`, Jupyter's `conv-Copy1.ipynb`, macOS litter
  (`__MACOSX/`, `.DS_Store`), `.ipynb_checkpoints/`, `__pycache__/`, `conv.py.bak`;
- identity: case both ways, NFD against NFC, trailing spaces (roster and folder), full-width
  letters, folders named by email (any case), LMS id or SIS id;
- LMS downloads: Canvas, Moodle (flat and in folders), Gradescope (with submission_metadata.yml),
  Blackboard (files and receipts); class zips by macOS Finder (UTF-8 NFD names without the flag)
  and Windows (cp437 names without the flag); the README's `grade-all export.zip` without
  `--assignment`;
- rosters as Excel saves them: French locale (`;`, cp1252, decimal comma), Chinese locale (GBK),
  "Unicode Text" (UTF-16, tabs), "CSV UTF-8" (byte-order mark). `--plain-rosters` writes every
  roster as "CSV UTF-8", to see the other kinds past a roster grade-all refuses.

The truth: each student's work in its canonical form (the file they meant, copied alone as
`<tmp>/alone/<...>/conv.py` or `conv.ipynb`) graded with `grade conv --submission FILE --json
OUT`; a student with nothing submitted expects 0. Then each batch is graded as an instructor
would, `course grade-all SOURCE --assignment conv --roster ROSTER --out OUT` (README, "Grading a
class"), and a student is graded right when the gradebook has exactly one row for them (ids
compared after NFKC, case folding and trimming), with the expected score. Prints students
graded right / total, per kind of mess, per batch and per roster format, and each wrong one with
what it got and the gradebook's note. Always exits 0: it is a measurement.

Before (main at 176ff2c, 2026-12-07, 68 students in 10 batches, about 2.5 minutes with 2 workers):

    python bench/messy_class.py                   -> 0 / 68 graded right
    python bench/messy_class.py --plain-rosters   -> 14 / 68 graded right

With the rosters as Excel writes them, every batch but one stops at the roster ("not UTF-8
text"), and the one in "CSV UTF-8" (the Moodle folders, Finder zip, export.zip batches) fails
on its layout. With "CSV UTF-8" rosters: controls 4/4, Windows zip 2/3 (Python's zipfile reads
cp437 names), shape 2/5, name 3/14, identity 1/11 (only a roster id with a trailing space),
several assignments 2/4, and 0 for every LMS download, the Finder zip and grade-all without
--assignment.

With --keep DIR, DIR/expected.json lists each student's batch, kind, work and expected score.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from messy_cases import Batch, Student  # noqa: E402
from messy_files import ROOT, Work, write_roster  # noqa: E402
from messy_lms import build_all  # noqa: E402

BIN = Path(sys.executable).parent
TOLERANCE = 0.01


@dataclass
class Verdict:
    """How one student came out of the class run."""

    batch: str
    student: Student
    expected: dict[str, float | None]
    got: dict[str, float | None]
    right: bool
    why: str


def key(student_id: str) -> str:
    """The comparison form of an id: NFKC, case folded, trimmed."""
    return unicodedata.normalize("NFKC", student_id).casefold().strip()


# ---------------------------------------------------------------- the truth


def grade_alone(tmp: Path, assignment: str, work: Work) -> float | None:
    """Grade one piece of work alone, in its canonical name; None when grading it failed."""
    folder = tmp / "alone" / f"{assignment}-{work.digest}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}{work.suffix}"
    path.write_bytes(work.data)
    report = folder / "report.json"
    command = [str(BIN / "grade"), assignment, "--submission", str(path), "--json", str(report)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    if not report.exists():
        print(f"  grading alone failed ({assignment}, {work.label}): {done.stderr.strip()[-300:]}")
        return None
    return float(json.loads(report.read_text(encoding="utf-8"))["score"])


def expected_scores(tmp: Path, batches: list[Batch], workers: int) -> dict[tuple[str, str], float | None]:
    """(assignment, work digest) -> the work's score graded alone, each content once."""
    unique: dict[tuple[str, str], tuple[str, Work]] = {}
    for batch in batches:
        for student in batch.students:
            for assignment, work in student.works.items():
                if work is not None:
                    unique[(assignment, work.digest)] = (assignment, work)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {k: pool.submit(grade_alone, tmp, a, w) for k, (a, w) in unique.items()}
        scores = {k: future.result() for k, future in futures.items()}
    for (assignment, _), (_, work) in unique.items():
        score = scores[(assignment, work.digest)]
        if work.label.startswith("reference") and not score:
            print(f"  warning: {assignment} {work.label} scores {score} graded alone")
    return scores


def expected_of(student: Student, scores: dict[tuple[str, str], float | None]) -> dict[str, float | None]:
    """A student's expected score per assignment (0 for nothing submitted)."""
    return {a: (0.0 if w is None else scores[(a, w.digest)]) for a, w in student.works.items()}


# ---------------------------------------------------------------- the class run


def grade_batch(tmp: Path, batch: Batch, workers: int, plain: bool) -> tuple[list[dict[str, str]], str]:
    """Write the batch's roster, run grade-all as the README says; (gradebook rows, failure).

    With `plain`, the roster is "CSV UTF-8" whatever the batch's own format (to see the other
    kinds of mess past a roster that grade-all refuses).
    """
    folder = tmp / "runs" / batch.name.replace(" ", "_")
    folder.mkdir(parents=True)
    roster = folder / "roster.csv"
    write_roster(roster, [s.roster for s in batch.students], "utf8-bom" if plain else batch.roster_style)
    out = folder / "grades"
    command = [str(BIN / "course"), "grade-all", str(batch.source)]
    for assignment in batch.assignments:
        command += ["--assignment", assignment]
    command += ["--roster", str(roster), "--out", str(out), "--workers", str(workers)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False)
    (folder / "stdout.txt").write_text(done.stdout + "\n---\n" + done.stderr, encoding="utf-8")
    gradebook = out / "gradebook.csv"
    if done.returncode != 0 or not gradebook.exists():
        lines = (done.stderr or done.stdout).strip().splitlines() or ["(no output)"]
        return [], f"grade-all exit {done.returncode}: {lines[-1]}"
    with gradebook.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle)), ""


def _cell(row: dict[str, str], assignment: str) -> float | None:
    text = (row.get(assignment) or "").strip()
    try:
        return float(text)
    except ValueError:
        return None


def judge(
    batch: Batch, student: Student, rows: list[dict[str, str]], failure: str, expected: dict
) -> Verdict:
    """Compare one student's gradebook row(s) with their expected scores."""
    mine = [row for row in rows if key(row.get("student", "")) == key(student.id)]
    got: dict[str, float | None] = {a: None for a in expected}
    if failure:
        return Verdict(batch.name, student, expected, got, False, failure)
    if not mine:
        return Verdict(batch.name, student, expected, got, False, "no gradebook row")
    got = {a: _cell(mine[0], a) for a in expected}
    notes = " | ".join(row.get("notes", "") for row in mine)
    if len(mine) > 1:
        rows_text = "; ".join(f"{r['student']!r}: {[r.get(a) for a in expected]}" for r in mine)
        return Verdict(batch.name, student, expected, got, False, f"{len(mine)} rows ({rows_text}); {notes}")
    right = all(
        e is not None and got[a] is not None and abs(float(got[a] or 0) - e) <= TOLERANCE
        for a, e in expected.items()
    )
    return Verdict(batch.name, student, expected, got, right, notes)


# ---------------------------------------------------------------- report


def _tally(verdicts: list[Verdict], label) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for verdict in verdicts:
        counts[label(verdict)][0] += verdict.right
        counts[label(verdict)][1] += 1
    return counts


def report(verdicts: list[Verdict], strays: dict[str, list[str]], batches: list[Batch], plain: bool) -> None:
    """Print the figures and the wrong ones."""
    right = sum(v.right for v in verdicts)
    print(f"\nstudents graded right: {right} / {len(verdicts)}")
    styles = {b.name: b.roster_style for b in batches}
    if plain:
        styles = dict.fromkeys(styles, "utf8-bom (--plain-rosters)")
    for title, label in (
        ("per kind of mess", lambda v: v.student.kind),
        ("per batch (input to grade-all)", lambda v: v.batch),
        ("per roster format", lambda v: styles[v.batch]),
    ):
        print(f"\n{title}:")
        for name, (ok, total) in sorted(_tally(verdicts, label).items()):
            print(f"  {ok:3d} / {total:<3d} {name}")
    wrong = [v for v in verdicts if not v.right]
    if wrong:
        print("\ngraded wrong:")
    for v in wrong:
        figures = ", ".join(f"{a} got {v.got[a]} expected {v.expected[a]}" for a in v.expected)
        print(f"  [{v.batch}] {v.student.id!r} ({v.student.kind}: {v.student.detail}): {figures}")
        print(f"      note: {v.why.strip() or '(empty)'}")
    for batch, rows in strays.items():
        print(f"\n[{batch}] rows for no roster student: {', '.join(map(repr, rows))}")


def _write_expected(path: Path, verdicts: list[Verdict]) -> None:
    records = [
        {
            "batch": v.batch,
            "student": v.student.id,
            "kind": v.student.kind,
            "detail": v.student.detail,
            "work": {a: (w.label if w else None) for a, w in v.student.works.items()},
            "expected": v.expected,
            "got": v.got,
            "right": v.right,
            "note": v.why,
        }
        for v in verdicts
    ]
    path.write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    """Build the class, compute the truth, grade the class, compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="grading processes (default 2)")
    parser.add_argument("--keep", type=Path, help="build in DIR (must not exist) and keep it")
    parser.add_argument(
        "--plain-rosters",
        action="store_true",
        help='write every roster as "CSV UTF-8" (isolates the other mess)',
    )
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True)
        tmp = args.keep.resolve()
    else:
        tmp = Path(tempfile.mkdtemp(prefix="messy-class-"))
    try:
        batches = build_all(tmp)
        total = sum(len(b.students) for b in batches)
        print(f"{total} students in {len(batches)} batches under {tmp}; grading each work alone...")
        scores = expected_scores(tmp, batches, args.workers)
        verdicts, strays = [], {}
        for batch in batches:
            print(f"grade-all: {batch.name} ({batch.source.name}, roster {batch.roster_style})")
            rows, failure = grade_batch(tmp, batch, args.workers, args.plain_rosters)
            known = {key(s.id) for s in batch.students}
            extra = [row["student"] for row in rows if key(row.get("student", "")) not in known]
            if extra:
                strays[batch.name] = extra
            for student in batch.students:
                verdicts.append(judge(batch, student, rows, failure, expected_of(student, scores)))
        report(verdicts, strays, batches, args.plain_rosters)
        if args.keep:
            _write_expected(tmp / "expected.json", verdicts)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
