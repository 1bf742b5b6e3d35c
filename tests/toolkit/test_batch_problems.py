"""grade-all: every per-student problem ends as that student's row, and the gradebook is always written.

Most tests inject a stand-in job function (dependency injection into grade_class) that reads
what to do from the submission's text, so that they run in a fraction of a second: a score,
or a real crash of the worker process (os._exit, SIGKILL), or an exception.
"""

import json
import os
import signal
from pathlib import Path

import pytest

from grader.batch import grade_class, grade_job
from grader.batch.scores import LatePenalty
from grader.config import load_course
from grader.scoring import Report, TestResult

from .conftest import ROOT
from .helpers import make_class, rows, scripted_job

COURSE = ROOT  # read only: the jobs below never grade for real


def run(tmp_path, submissions, workers=2, **options):
    folder = make_class(tmp_path / "class", submissions)
    out = tmp_path / "out"
    course = load_course(COURSE / "course.yml")
    summary = grade_class(
        COURSE, course, folder, out, ["params"], workers=workers, job=scripted_job, **options
    )
    return rows(out), summary, folder


def test_crashed_workers_are_charged_to_their_own_student_and_the_run_goes_on(tmp_path):
    submissions = {
        "ann": "SCORE 30",
        "bob": "EXIT 7",
        "cat": "SCORE 20",
        "dan": "KILL",
        "eve": "RAISE",
        "fay": "SCORE 10",
        "gus": "SCORE 39",
    }
    found, summary, folder = run(tmp_path, submissions)
    expected = {
        "ann": ("30.0", "params: time unknown, no penalty"),
        "bob": ("", "params: not graded: the grading process exited with code 7 before it finished"),
        "cat": ("20.0", "params: time unknown, no penalty"),
        "dan": (
            "",
            "params: not graded: the grading process was killed by SIGKILL (out of memory, or killed by "
            "the system)",
        ),
        "eve": ("", "params: not graded: the grading job failed: RuntimeError: a report hook broke"),
        "fay": ("10.0", "params: time unknown, no penalty"),
        "gus": ("39.0", "params: time unknown, no penalty"),
    }
    assert {s: (r["params"], r["notes"]) for s, r in found.items()} == expected
    assert {s: r["total"] for s, r in found.items()} == {s: cell for s, (cell, _) in expected.items()}
    assert summary["problems"] == [f"{student}/{expected[student][1]}" for student in ("bob", "dan", "eve")]
    assert summary["mean"] == round((30 + 20 + 10 + 39) / 4, 2) and summary["decided"] == 4
    runs = (folder / "runs.log").read_text().split()
    for student in ("ann", "cat", "fay", "gus", "eve"):  # caught in a break: run once more, alone
        assert 1 <= runs.count(student) <= 2, runs
    for student in ("bob", "dan"):  # a crash is charged only after the suspect crashed alone
        assert runs.count(student) == 2, runs


def test_the_gradebook_is_written_when_every_job_fails(tmp_path):
    found, summary, _ = run(tmp_path, {"a": "EXIT 1", "b": "KILL", "c": "EXIT 2"})
    assert {s: (r["params"], r["total"]) for s, r in found.items()} == {
        "a": ("", ""),
        "b": ("", ""),
        "c": ("", ""),
    }
    assert summary["mean"] is None and summary["decided"] == 0 and len(summary["problems"]) == 3
    assert summary["files"] == ["gradebook.csv", "summary.json"]  # nothing to draw, no feedback
    assert not (tmp_path / "out" / "histogram.png").exists()
    assert json.loads((tmp_path / "out" / "summary.json").read_text()) == summary


def test_a_single_worker_pool_also_recovers(tmp_path):
    found, _, _ = run(tmp_path, {"a": "SCORE 5", "b": "EXIT 3", "c": "SCORE 6"}, workers=1)
    assert {s: r["params"] for s, r in found.items()} == {"a": "5.0", "b": "", "c": "6.0"}


LINKED = {
    "the file is a link": ({"params.py": "->../../solutions/params.py"}, "s/params.py"),
    "a link beside it": ({"params.py": "SCORE 30", "helper.py": "->/etc/hostname"}, "s/helper.py"),
    "a folder link inside": ({"params.py": "SCORE 30", "lib": "->../../solutions"}, "s/lib"),
    "a link deep inside": (
        {"params.py": "SCORE 30", "a/b/c.py": "->../../../../solutions/params.py"},
        "s/a/b/c.py",
    ),
    "a broken link": ({"params.py": "->nowhere.py"}, "s/params.py"),
    "the student folder is a link": ({"": "->../elsewhere"}, "s"),
}


@pytest.mark.parametrize("case", LINKED, ids=list(LINKED))
def test_a_submission_that_is_or_contains_a_link_is_refused(tmp_path, case):
    files, culprit = LINKED[case]
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "params.py").write_text("SCORE 39")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "params.py").write_text("SCORE 39")
    folder = tmp_path / "class"
    (folder / "ok").mkdir(parents=True)
    (folder / "ok" / "params.py").write_text("SCORE 12")
    for name, text in files.items():
        path = folder / "s" / name if name else folder / "s"
        path.parent.mkdir(parents=True, exist_ok=True)
        if text.startswith("->"):
            path.symlink_to(text[2:])
        else:
            path.write_text(text)
    out = tmp_path / "out"
    course = load_course(COURSE / "course.yml")
    summary = grade_class(COURSE, course, folder, out, ["params"], workers=1, job=scripted_job)
    reason = f"refused: {culprit} is a symbolic link; submit plain files and folders, never links"
    assert rows(out)["s"] == {"student": "s", "params": "0.0", "total": "0.0", "notes": f"params: {reason}"}
    assert rows(out)["ok"]["params"] == "12.0"
    assert summary["problems"] == [f"s/params: {reason}"]
    assert (folder / "runs.log").read_text().split() == ["ok"]  # the link was never read
    feedback = json.loads((out / "feedback" / "s" / "params.json").read_text())
    assert feedback == {"assignment": "params", "score": 0.0, "refused": reason}


def _raises(error):
    def raiser(*args, **kwargs):
        raise error

    return raiser


def _one_test_report(root, assignment, submission, official=False, course=None):
    test = TestResult("test_x", "conv_params", 0.5, 1.0, "failed", hidden=False, output="off by one")
    return Report(assignment=assignment.id, submission=str(submission), isolation="test", tests=[test])


@pytest.mark.parametrize(
    ("target", "replacement", "error"),
    [
        (
            "grader.grading.grade",
            _raises(RuntimeError("INTERNALERROR in a hook")),
            "RuntimeError: INTERNALERROR in a hook",
        ),
        ("grader.grading.grade", _raises(SystemExit(3)), "SystemExit: 3"),
        (
            "grader.reports.to_html",
            _raises(ValueError("cannot draw a 1-element loss")),
            "ValueError: cannot draw a 1-element loss",
        ),
    ],
    ids=["grading raises", "grading exits", "the HTML report raises"],
)
def test_grade_job_turns_a_raising_step_into_that_students_error(monkeypatch, target, replacement, error):
    monkeypatch.setattr("grader.grading.grade", _one_test_report)
    monkeypatch.setattr(target, replacement)
    result = grade_job(str(ROOT), "params", str(ROOT / "solutions" / "params.py"), LatePenalty("unknown"))
    assert result == {"error": f"grading stopped: {error}"}


def test_grade_job_renders_the_final_score_into_the_html(monkeypatch):
    monkeypatch.setattr("grader.grading.grade", _one_test_report)
    result = grade_job(str(ROOT), "params", "x.py", LatePenalty("late", 10.0, 1, "submitted ..."))
    assert result["score"] == 0.5
    assert 'id="final-score">0.00<' in result["html"]  # 0.5 - 4.8, never below 0
    assert 'id="penalty">-4.80<' in result["html"]


def crash_or_grade(root, assignment_id, submission, penalty):
    """The real grade_job, except that a submission saying 'KILL' kills its worker first."""
    if Path(submission).read_text().startswith("KILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    return grade_job(root, assignment_id, submission, penalty)


def test_real_grading_survives_a_killed_worker(course_copy, tmp_path):
    reference = (ROOT / "solutions" / "params.py").read_text()
    folder = make_class(tmp_path / "class", {"a": reference, "b": "KILL", "c": reference})
    out = tmp_path / "out"
    course = load_course(course_copy / "course.yml")
    grade_class(course_copy, course, folder, out, ["params"], workers=2, job=crash_or_grade)
    found = rows(out)
    assert {s: r["params"] for s, r in found.items()} == {"a": "48.0", "b": "", "c": "48.0"}
    assert "killed by SIGKILL" in found["b"]["notes"]
    assert (out / "feedback" / "a" / "params.html").is_file() and (
        out / "feedback" / "c" / "params.html"
    ).is_file()
    assert not (out / "feedback" / "b").exists()


def test_a_sandbox_that_did_not_start_is_tried_again_before_the_student_is_left_ungraded(monkeypatch):
    """Under load the child may not confirm its confinement in time; that is never the student's doing."""
    from grader.errors import SandboxBroken

    attempts = []

    def fails_twice(**arguments):
        attempts.append(arguments["submission"])
        if len(attempts) < 3:
            raise SandboxBroken("params: the sandbox did not start a child in time")
        return _one_test_report(**arguments)

    monkeypatch.setattr("grader.grading.grade", fails_twice)
    result = grade_job(str(ROOT), "params", "x.py", LatePenalty("unknown"))
    assert result["score"] == 0.5 and len(attempts) == 3
    attempts.clear()
    monkeypatch.setattr("grader.grading.grade", _raises(SandboxBroken("params: the sandbox is broken")))
    result = grade_job(str(ROOT), "params", "x.py", LatePenalty("unknown"))
    assert result["not_started"] is True and "the sandbox is broken" in result["error"]
