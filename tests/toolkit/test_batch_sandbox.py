"""An infrastructure failure is never a score (issue 19, item 4).

A bubblewrap that passes the isolation probe but kills every grading child (fake_bwrap's "dies")
breaks the sandbox: grade-all's workers grade the reference first, get 0, and the run stops with
exit 4 and caches nothing. Fixed, the next run grades every student right; a third run takes the
same scores from the cache, grading nothing.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import course_command

from .conftest import fixture_course
from .helpers import fake_bwrap

pytestmark = [
    pytest.mark.slow,  # three class runs, each worker grading the reference first
    pytest.mark.usefixtures("root_and_bubblewrap"),
]
CORRECT_NORM = "float(np.sqrt(np.sum(x * x)))"


def _class(folder: Path, reference: str) -> Path:
    """ann: the reference (10/10); bob: norm squared (6/10); cy: nothing implemented (0/10)."""
    stub = reference
    for body in ("x + y", "x * k", CORRECT_NORM):
        stub = stub.replace(f"return {body}", "raise NotImplementedError")
    works = {"ann": reference, "bob": reference.replace(CORRECT_NORM, "float(np.sum(x * x))"), "cy": stub}
    for student, text in works.items():
        (folder / student).mkdir(parents=True)
        (folder / student / "vec.py").write_text(text, encoding="utf-8")
    return folder


def _grade_all(course: Path, class_folder: Path, out: Path):
    arguments = ["grade-all", str(class_folder), "--assignment", "vec", "--out", str(out)]
    return CliRunner().invoke(course_command, [*arguments, "--workers", "2", "--course", str(course)])


def _scores(out: Path) -> dict[str, str]:
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        return {row["student"]: row["vec"] for row in csv.DictReader(handle)}


def _cached(out: Path) -> list[dict]:
    cache = out / "cache.jsonl"
    return [json.loads(line) for line in cache.read_text().splitlines()] if cache.is_file() else []


def test_a_broken_sandbox_stops_the_run_and_a_fixed_one_grades_everyone(tmp_path, monkeypatch):
    os.chmod(tmp_path, 0o700)
    course = fixture_course(tmp_path / "course")
    reference = (course / "solutions" / "vec.py").read_text(encoding="utf-8")
    class_folder = _class(tmp_path / "class", reference)
    out = tmp_path / "grades"
    path = os.environ["PATH"]

    broken = fake_bwrap(tmp_path / "broken-bin", "dies")
    monkeypatch.setenv("PATH", f"{broken}:{path}")
    first = _grade_all(course, class_folder, out)
    assert first.exit_code == 4, first.output
    assert "does not grade the reference right" in first.output
    assert "Resource temporarily unavailable" in first.output
    assert _cached(out) == []  # before: 0/10 for everyone, cached, and still 0 after the fix
    assert not (out / "gradebook.csv").exists()

    monkeypatch.setenv("PATH", path)
    second = _grade_all(course, class_folder, out)
    assert second.exit_code == 0, second.output
    assert _scores(out) == {"ann": "10.0", "bob": "6.0", "cy": "0.0"}
    cached = _cached(out)
    assert len(cached) == 3
    assert {entry["result"]["grader"] for entry in cached} == {cached[0]["result"]["grader"]}

    (out / "gradebook.csv").unlink()
    third = _grade_all(course, class_folder, out)
    assert third.exit_code == 0, third.output
    assert _scores(out) == {"ann": "10.0", "bob": "6.0", "cy": "0.0"}
    assert _cached(out) == cached  # nothing graded again
