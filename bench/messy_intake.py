"""Students graded right on a messy class (LMS downloads, Finder/Windows zips, Excel rosters).

Usage: python bench/messy_intake.py CODE_ROOT   (a checkout: main, or this branch). The
grading is scripted (a submission says its score): what is measured is who gets which file.
"""

import csv
import sys
import tempfile
import unicodedata
from pathlib import Path

code = Path(sys.argv[1])
sys.path.insert(0, str(code))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "toolkit"))
from lms_helpers import (  # noqa: E402
    blackboard_zip,
    canvas_zip,
    excel_csv,
    finder_zip,
    gradescope_zip,
    moodle_zip,
    windows_zip,
)

from grader.batch import grade_class  # noqa: E402
from grader.config import load_course  # noqa: E402


def scripted_job(root, assignment_id, submission, penalty, shown_as=None):
    words = Path(submission).read_text().split()
    return {"assignment": assignment_id, "score": float(words[1]), "max_score": 48.0, "tests": []}


ROSTER = [
    ["student", "name", "lms_id", "sis_id", "email", "extension_hours"],
    ["alice", "Liddell, Alice", "101", "S1", "alice@uni.edu", ""],
    ["Zoë", "Zoë Martin", "103", "S3", "zoe@uni.edu", ""],
    ["bob", "Smith, Bob", "102", "S2", "bob@uni.edu", ""],
]
WANT = {"alice": "40.0", "Zoë": "20.0", "bob": "30.0"}


def plain(folder):
    for name, s in (("Alice", 40), (unicodedata.normalize("NFD", "Zoë"), 20), ("bob ", 30)):
        (folder / name).mkdir(parents=True)
        (folder / name / "params.py").write_text(f"SCORE {s}")
    return folder


FILES = {"Alice/params.py": "SCORE 40", "Zoë/params.py": "SCORE 20", "bob/params.py": "SCORE 30"}


def cases(t):
    yield "folder: Alice, NFD Zoë, 'bob '", plain(t / "c1"), ROSTER, WANT
    yield "macOS Finder zip", finder_zip(t / "finder.zip", FILES), ROSTER, WANT
    yield "Windows zip (cp437)", windows_zip(t / "win.zip", FILES), ROSTER, WANT
    yield (
        "Canvas download",
        canvas_zip(
            t / "canvas.zip",
            {
                ("liddellalice", "101", False): {"params.py": "SCORE 40"},
                ("martinzoe", "103", False): {"params-1.py": "SCORE 20"},
                ("smithbob", "102", True): {
                    "params.py": "SCORE 30",
                    "liddellalice_101_1000_params.py": "SCORE 1",
                },
            },
        ),
        ROSTER,
        WANT,
    )
    sub = {
        ("Alice Liddell", "101"): {"params.py": "SCORE 40"},
        ("Zoë Martin", "103"): {"params.py": "SCORE 20"},
        ("Bob Smith", "777"): {"params.py": "SCORE 30"},
    }
    yield "Moodle flat", moodle_zip(t / "m1.zip", sub), ROSTER, WANT
    yield "Moodle in folders", moodle_zip(t / "m2.zip", sub, folders=True), ROSTER, WANT
    yield (
        "Gradescope export",
        gradescope_zip(
            t / "gs.zip",
            {
                1: (
                    [{"name": "Alice Liddell", "email": "alice@uni.edu"}],
                    "2026-11-01 10:00:00 +08:00",
                    {"params.py": "SCORE 40"},
                ),
                2: (
                    [{"name": "Zoë Martin", "sid": "S3"}],
                    "2026-11-01 10:00:00 +08:00",
                    {"params.py": "SCORE 20"},
                ),
                3: (
                    [{"name": "Bob Smith", "email": "bob@uni.edu"}],
                    "2026-11-04 10:00:00 +08:00",
                    {"params.py": "SCORE 40"},
                ),
            },
        ),
        ROSTER,
        {**WANT, "bob": "30.4"},
    )
    yield (
        "Blackboard download",
        blackboard_zip(
            t / "bb.zip",
            "HW 1",
            {
                ("alice", "2026-11-01-10-00-00", "Alice Liddell"): {"params.py": "SCORE 40"},
                ("S3", "2026-11-01-10-00-00", "Zoë Martin"): {"params.py": "SCORE 20"},
                ("bob", "2026-11-01-10-00-00", "Bob Smith"): {"params.py": "SCORE 30"},
            },
        ),
        ROSTER,
        WANT,
    )
    yield "folders by email / SIS id", plain2(t / "c2"), ROSTER, WANT
    yield "roster ; cp1252 (Excel fr/de)", plain(t / "c3"), ("fr", ";", "cp1252"), WANT
    yield "roster UTF-16 tabs (Unicode Text)", plain(t / "c4"), ("u16", "\t", "utf-16"), WANT


def plain2(folder):
    for name, s in (("alice@uni.edu", 40), ("S3", 20), ("BOB", 30)):
        (folder / name).mkdir(parents=True)
        (folder / name / "params.py").write_text(f"SCORE {s}")
    return folder


root = code
course = load_course(root / "course.yml")
t = Path(tempfile.mkdtemp())
right = total = 0
for label, source, roster, want in cases(t):
    spec = ("plain", ",", "utf-8-sig") if roster is ROSTER else roster
    rpath = excel_csv(t / f"roster-{spec[0]}-{total}.csv", ROSTER, spec[1], spec[2])
    out = t / f"out{total}"
    try:
        grade_class(root, course, source, out, ["params"], workers=1, job=scripted_job, roster_path=rpath)
        with (out / "gradebook.csv").open(encoding="utf-8") as h:
            table = {r["student"]: r for r in csv.DictReader(h)}
        ok = sum(1 for s, v in want.items() if table.get(s, {}).get("params") == v)
        note = f"{len(table)} rows"
    except Exception as e:
        ok, note = 0, f"error: {str(e)[:90]}"
    right += ok
    total += len(want)
    print(f"{ok}/{len(want)}  {label}  ({note})")
print(f"TOTAL {right}/{total} students graded right")
