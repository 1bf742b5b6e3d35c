"""Issue 18's figure: how many students of a messy class grade-all gives the score of their work
graded alone.

The class is tests/toolkit/messy_class.py's (the fixture course's `vec`, released first): a notebook
beside the untouched stub as Jupyter, Colab and VS Code save it, `Vec.py`, `hw1/vec.py`,
`vec (1).py`, Canvas resubmissions, a zip, both files edited, only the stub, nothing. Each row of
`course grade-all` is compared with `grade` on the intended file alone.

    python bench/locate_messy_class.py
"""

from __future__ import annotations

import csv
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "toolkit"))
from messy_class import FIXTURE, intended_file, make_messy_class  # noqa: E402

from grader.batch import grade_class  # noqa: E402
from grader.config import load_course  # noqa: E402
from grader.grading import grade  # noqa: E402
from grader.release import release  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        root = work / "course"
        shutil.copytree(FIXTURE, root)
        course = load_course(root / "course.yml")
        release(root, course)
        intended = make_messy_class(work / "class", root)
        grade_class(root, course, work / "class", work / "out", ["vec"], workers=2)
        with (work / "out" / "gradebook.csv").open(encoding="utf-8") as handle:
            rows = {row["student"]: row for row in csv.DictReader(handle)}
        right = 0
        for student, relative in sorted(intended.items()):
            expected = 0.0
            if relative is not None:
                path = intended_file(work / "class", student, relative, work / "alone")
                expected = round(grade(root, course.assignment("vec"), path, official=True).score, 2)
            got = rows[student]["vec"]
            ok = got != "" and abs(float(got) - expected) < 1e-6
            right += ok
            print(f"{student:12} alone {expected:5} grade-all {got:5} {'right' if ok else 'WRONG'}")
        print(f"graded right: {right} / {len(intended)}")


if __name__ == "__main__":
    main()
