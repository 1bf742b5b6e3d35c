"""course grade-all: a generated class through the process pool and a real Dask LocalCluster."""

import csv
import json
import shutil
import zipfile
from datetime import datetime, timedelta

import pytest

from grader.batch import grade_class, late_penalty_pct
from grader.config import load_course

from .conftest import ROOT

# grade-all's own worker pools: timed grading on a machine the parallel suite already fills
# measures the suite, not the class (a test lost or kept under load)
pytestmark = pytest.mark.serial

REFERENCE = (ROOT / "solutions" / "params.py").read_text(encoding="utf-8")
VARIANTS = {
    "correct": REFERENCE,
    "no_fc_bias": REFERENCE.replace("return n_out * (n_in + int(bias))", "return n_out * n_in"),
    "no_conv_bias": REFERENCE.replace(
        "return n_filters * (f * f * c_in + int(bias))", "return n_filters * f * f * c_in"
    ),
    "exits": "import os\nos._exit(3)\n",
    "hangs": REFERENCE.replace(
        '    """Parameters of a fully connected layer.', '    while True:\n        pass\n    """x'
    ),
}


FC_PARAMS_POINTS = 7  # tests/params: fc_params's tests, public and hidden (1 + 2 + 2 + 1 + 1)


def make_class(folder, students=10):
    """Students cycling through the variants (in sorted order: correct, exits, hangs, no_conv_bias, ...)."""
    for number in range(students):
        variant = sorted(VARIANTS)[number % len(VARIANTS)]
        student = folder / f"s{number:02d}"
        student.mkdir(parents=True)
        (student / "params.py").write_text(VARIANTS[variant], encoding="utf-8")
    return folder


def gradebook(out):
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def graded(course_copy, tmp_path_factory):
    """The class graded once with two local processes."""
    folder = make_class(tmp_path_factory.mktemp("class"))
    out = tmp_path_factory.mktemp("grades")
    course = load_course(course_copy / "course.yml")
    summary = grade_class(course_copy, course, folder, out, ["params"], workers=2)
    return folder, out, summary


@pytest.mark.slow  # grades a class
def test_gradebook_scores_every_variant(graded):
    _, out, summary = graded
    rows = {row["student"]: row for row in gradebook(out)}
    assert len(rows) == 10 and summary["students"] == 10
    unknown = "params: time unknown, no penalty"  # no --times: nobody is charged a penalty
    assert rows["s00"] == {"student": "s00", "params": "48.0", "total": "48.0", "notes": unknown}
    exits = (  # the gradebook says why, where it said nothing
        "every test failed for this reason: importing your code ended the process: "
        "the process exited with code 3"
    )
    assert rows["s01"] == {"student": "s01", "params": "0.0", "total": "0.0", "notes": f"{unknown}; {exits}"}
    assert float(rows["s02"]["params"]) == 48 - FC_PARAMS_POINTS  # fc_params hangs: only its points lost
    assert 0 < float(rows["s03"]["params"]) < 48 and 0 < float(rows["s04"]["params"]) < 48
    assert (out / "histogram.png").stat().st_size > 1000
    assert (out / "feedback" / "s03" / "params.html").is_file()
    record = json.loads((out / "feedback" / "s03" / "params.json").read_text())
    assert record["assignment"] == "params"
    assert record["final"]["final_score"] == float(rows["s03"]["params"]) == round(record["score"], 2)
    assert record["final"]["time"] == "unknown" and record["final"]["penalty_points"] == 0
    assert summary["most_failed_tests"]


@pytest.mark.slow  # grades a class
def test_dask_local_cluster_gives_the_same_gradebook(course_copy, graded, tmp_path):
    """The same scores on both engines (a hanging callee once cost its caller's rerun 2 points on
    one engine only: whether the rerun could run depended on how the callee's timeouts were
    counted; see test_containment's hanging callee)."""
    folder, out, _ = graded
    course = load_course(course_copy / "course.yml")
    grade_class(course_copy, course, folder, tmp_path / "dask", ["params"], dask_local=2)
    assert gradebook(tmp_path / "dask") == gradebook(out)


@pytest.mark.slow  # grades a class
def test_rerun_resumes_and_regrades_only_what_changed(course_copy, graded, tmp_path):
    folder, out, _ = graded
    course = load_course(course_copy / "course.yml")
    copy = tmp_path / "grades"
    shutil.copytree(out, copy)
    totals = []
    grade_class(
        course_copy, course, folder, copy, ["params"], workers=2, progress=lambda d, f, t: totals.append(t)
    )
    assert totals[-1] == 0, "nothing changed, nothing regraded"
    (folder / "s00" / "params.py").write_text(VARIANTS["no_fc_bias"], encoding="utf-8")
    try:
        totals.clear()
        grade_class(
            course_copy,
            course,
            folder,
            copy,
            ["params"],
            workers=2,
            progress=lambda d, f, t: totals.append(t),
        )
        assert totals[-1] == 1
        assert float({r["student"]: r for r in gradebook(copy)}["s00"]["params"]) < 48
    finally:
        (folder / "s00" / "params.py").write_text(VARIANTS["correct"], encoding="utf-8")


@pytest.mark.slow  # grades a class
def test_zip_export_and_roster(course_copy, tmp_path):
    folder = make_class(tmp_path / "class", students=3)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in folder.rglob("*"):
            handle.write(path, path.relative_to(tmp_path))
    roster = tmp_path / "roster.csv"
    roster.write_text("student\ns00\ns01\ns02\nabsent\n", encoding="utf-8")
    course = load_course(course_copy / "course.yml")
    grade_class(course_copy, course, archive, tmp_path / "out", ["params"], roster_path=roster, workers=1)
    rows = {row["student"]: row for row in gradebook(tmp_path / "out")}
    assert set(rows) == {"s00", "s01", "s02", "absent"}
    assert rows["absent"] == {
        "student": "absent",
        "params": "0.0",
        "total": "0.0",
        "notes": "params: nothing submitted",
    }
    assert rows["s00"]["params"] == "48.0"


def test_late_penalty_per_started_day_with_grace_extension_and_cap():
    course = load_course(ROOT / "course.yml")  # grace 15 min, 10 % per day, at most 50 %
    assignment = course.assignment("params")
    due = assignment.due

    def penalty(after, extension=timedelta()):
        return late_penalty_pct(course, assignment, due + after, extension)

    assert penalty(timedelta(minutes=10)) == (0, 0)
    assert penalty(timedelta(minutes=16)) == (10, 1)
    assert penalty(timedelta(days=1, minutes=16)) == (20, 2)
    assert penalty(timedelta(days=30)) == (50, 30)
    assert penalty(timedelta(hours=20), extension=timedelta(days=1)) == (0, 0)
    assert isinstance(due, datetime)
