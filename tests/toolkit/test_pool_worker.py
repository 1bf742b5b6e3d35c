"""A pool worker is a warm parent (issue 22, item 3): it grades submission after submission without
starting again, and each submission gets a child and a folder of its own, gone when it is graded."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from grader.batch.pool import run_local
from grader.batch.run import grade_job
from grader.batch.scores import LatePenalty
from grader.sandbox.client import Channel

from .conftest import fixture_course

pytestmark = [
    pytest.mark.slow,  # grades three submissions and the reference in a pool worker
    pytest.mark.usefixtures("root_and_bubblewrap"),
]


def traced_job(root: str, assignment_id: str, submission: str, penalty: LatePenalty) -> dict[str, Any]:
    """grade_job, noting the worker's process and each child it starts (its process and folder)."""
    started: list[tuple[int, str]] = []
    original = Channel._start

    def start(channel: Channel, greet: bool = True) -> None:
        original(channel, greet)
        if channel.child is not None:
            started.append((channel.child.process.pid, str(channel.workspace.base)))

    Channel._start = start  # type: ignore[method-assign]
    try:
        result = grade_job(root, assignment_id, submission, penalty)
    finally:
        Channel._start = original  # type: ignore[method-assign]
    return {
        "worker": os.getpid(),
        "started": started,
        "score": result.get("score"),
        "error": result.get("error"),
    }


def test_one_warm_worker_grades_each_submission_in_a_fresh_child_and_folder(tmp_path):
    os.chmod(tmp_path, 0o700)
    course = fixture_course(tmp_path / "course")
    reference = (course / "solutions" / "vec.py").read_text(encoding="utf-8")
    works = {
        "ann": reference,
        "bob": reference.replace("float(np.sqrt(np.sum(x * x)))", "float(np.sum(x * x))"),
        "cy": reference.replace("return x + y", "raise NotImplementedError"),
    }
    calls = []
    for student, text in works.items():
        (tmp_path / student).mkdir()
        (tmp_path / student / "vec.py").write_text(text, encoding="utf-8")
        calls.append((str(course), "vec", str(tmp_path / student / "vec.py"), LatePenalty("on_time")))
    (tmp_path / "markers").mkdir()

    results = dict(run_local(traced_job, calls, workers=1, markers=tmp_path / "markers"))

    assert [results[i]["error"] for i in range(3)] == [None, None, None]
    assert [results[i]["score"] for i in range(2)] == [10.0, 6.0]
    assert results[2]["score"] < 10.0
    assert len({results[i]["worker"] for i in range(3)}) == 1  # one process, started once
    assert os.getpid() not in {results[i]["worker"] for i in range(3)}
    children = [child for i in range(3) for child in results[i]["started"]]
    assert all(results[i]["started"] for i in range(3))  # each submission started a child of its own
    assert len({pid for pid, _ in children}) == len(children)
    assert len({folder for _, folder in children}) == len(children)
    assert not [folder for _, folder in children if Path(folder).exists()]  # removed once graded
