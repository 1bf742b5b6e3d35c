"""grade-all's worker check (grader.batch.selfcheck): the reference first, and again after
repeated children that died before the student's code ran; the grading itself is replaced here
(test_batch_sandbox.py runs it for real)."""

from __future__ import annotations

from typing import Any

import pytest

from grader.batch import selfcheck


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The reference checks made, and a sandbox that breaks after the first one."""
    made: list[str] = []

    def reference_problem(root: str, assignment_id: str) -> str | None:
        made.append(assignment_id)
        return None if len(made) == 1 else "the reference of 'vec' gets 0/10 here"

    monkeypatch.setattr(selfcheck, "reference_problem", reference_problem)
    monkeypatch.setattr(selfcheck, "_checked", set())
    monkeypatch.setattr(selfcheck, "_deaths", {})
    return made


def graded(root: str, assignment_id: str, submission: str) -> dict[str, Any]:
    return {"score": 10.0, "max_score": 10.0}


def died(root: str, assignment_id: str, submission: str) -> dict[str, Any]:
    return {"error": "vec: the sandbox could not start a child", "not_started": True}


def test_the_reference_is_graded_once_before_the_first_submission(checks):
    for student in ("ann", "bob", "cy"):
        assert selfcheck.checked_job(graded, "/course", "vec", student) == {"score": 10.0, "max_score": 10.0}
    assert checks == ["vec"]


def test_repeated_start_up_deaths_grade_the_reference_again(checks):
    results = [selfcheck.checked_job(died, "/course", "vec", s) for s in ("ann", "bob", "cy")]
    assert checks == ["vec", "vec"]  # once before ann, once after the third death in a row
    assert [bool(r.get("sandbox_broken")) for r in results] == [False, False, True]
    assert all(r["error"].startswith("vec: the sandbox could not start") for r in results)


def test_a_worker_whose_reference_fails_grades_nothing(monkeypatch):
    monkeypatch.setattr(selfcheck, "reference_problem", lambda root, assignment: "gets 0/10 here")
    monkeypatch.setattr(selfcheck, "_checked", set())

    def never(*arguments: Any) -> dict[str, Any]:
        raise AssertionError("a submission was graded by a broken worker")

    result = selfcheck.checked_job(never, "/course", "vec", "ann")
    assert result == {"error": "gets 0/10 here", "sandbox_broken": "gets 0/10 here"}
