"""One small task, graded by three tools: `grade`, nbgrader's `autograde` and otter-grader's `check`.

The task is conv's reference solution and three tests of its functions, the same three checks in
every tool (written once, in CHECKS, and put in each tool's own form):

- `grade`: a course folder with course.yml, solutions/conv.py and tests/conv/test_small.py, whose
  tests call `submission` (the child process);
- nbgrader: a course folder with a source notebook (a solution cell, three autograder test cells
  of one point each), released with `nbgrader generate_assignment`, and the reference submitted
  by one student;
- otter: a tests/ folder of three OK-format tests, checked against the reference as a .py file.

Built once, outside the timed runs; `commands(...)` gives what is timed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# where bench/peers/install.sh puts them
PEERS = Path(os.environ.get("GRADER_PEERS", Path.home() / ".cache" / "grader-peers"))

# (name, setup lines, a boolean expression): the same three checks in every tool
CHECKS = (
    ("output_size", "", "conv_output_size(7, 3, pad=1, stride=2) == 4"),
    (
        "zero_pad",
        "padded = zero_pad(np.ones((1, 1, 2, 2)), 1)",
        "padded.shape == (1, 1, 4, 4) and padded.sum() == 4",
    ),
    (
        "conv_forward",
        "out = conv_forward(np.arange(16.0).reshape(1, 1, 4, 4), np.ones((1, 1, 3, 3)), np.zeros(1))",
        "bool(np.allclose(out, [[[[45.0, 54.0], [81.0, 90.0]]]]))",
    ),
)


def grade_course(folder: Path) -> Path:
    """A course of one assignment, conv, whose suite is the three checks; returns its folder."""
    course = folder / "grade-course"
    (course / "tests" / "conv").mkdir(parents=True)
    (course / "solutions").mkdir()
    (course / "assignments" / "conv" / "tests").mkdir(parents=True)
    shutil.copyfile(ROOT / "course.yml", course / "course.yml")
    shutil.copyfile(ROOT / "solutions" / "conv.py", course / "solutions" / "conv.py")
    manifest = {"assignment": "conv", "tests": []}
    (course / "assignments" / "conv" / "tests" / "hidden.json").write_text(json.dumps(manifest))
    lines = ["import numpy as np", "import pytest", ""]
    for name, setup, check in CHECKS:
        lines += [
            "",
            "@pytest.mark.points(1)",
            f'@pytest.mark.function("{name.replace("output_size", "conv_output_size")}")',
        ]
        lines += [f"def test_{name}(submission):", "    s = submission"]
        if setup:
            lines.append("    " + _called_on(setup, "s"))
        lines += [f"    assert {_called_on(check, 's')}", ""]
    (course / "tests" / "conv" / "test_small.py").write_text("\n".join(lines), encoding="utf-8")
    return course


def _called_on(code: str, owner: str) -> str:
    for function in ("conv_output_size", "zero_pad", "conv_forward"):
        code = code.replace(f"{function}(", f"{owner}.{function}(")
    return code


def _cell(kind: str, source: str, grade_id: str | None = None, points: int = 0) -> dict:
    metadata: dict = {}
    if grade_id:
        metadata["nbgrader"] = {
            "grade": points > 0,
            "grade_id": grade_id,
            "locked": points > 0,
            "schema_version": 3,
            "solution": points == 0,
            "task": False,
            **({"points": points} if points else {}),
        }
    cell = {"cell_type": kind, "metadata": metadata, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _notebook() -> dict:
    solution = (ROOT / "solutions" / "conv.py").read_text(encoding="utf-8")
    cells = [_cell("code", "import numpy as np"), _cell("code", solution, "solution")]
    for name, setup, check in CHECKS:
        body = "\n".join(line for line in (setup, f"assert {check}") if line)
        cells.append(_cell("code", body, f"test_{name}", points=1))
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def activated(peer: str) -> dict[str, str]:
    """The environment of a shell in which the peer's venv is activated (nbgrader runs `alembic`
    and the kernel from PATH)."""
    bin_folder = PEERS / peer / "bin"
    return {
        **os.environ,
        "PATH": f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(PEERS / peer),
    }


def nbgrader_course(folder: Path) -> Path | None:
    """An nbgrader course with assignment ps1 released and submitted by student1 (None without
    nbgrader installed); returns the folder to run `nbgrader autograde ps1` in."""
    nbgrader = PEERS / "nbgrader" / "bin" / "nbgrader"
    if not nbgrader.is_file():
        return None
    course = folder / "nbgrader-course"
    source = course / "source" / "ps1"
    source.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.db_assignments = [dict(name='ps1')]\n"
        "c.CourseDirectory.db_students = [dict(id='student1')]\n"
    )
    notebook = json.dumps(_notebook(), indent=1)
    (source / "conv.ipynb").write_text(notebook, encoding="utf-8")
    subprocess.run(
        [str(nbgrader), "generate_assignment", "ps1", "--force"],
        cwd=course,
        check=True,
        capture_output=True,
        env=activated("nbgrader"),
    )
    submitted = course / "submitted" / "student1" / "ps1"
    submitted.mkdir(parents=True)
    (submitted / "conv.ipynb").write_text(notebook, encoding="utf-8")
    return course


def otter_task(folder: Path) -> Path | None:
    """The reference as conv.py beside three OK-format tests (None without otter installed)."""
    if not (PEERS / "otter" / "bin" / "otter").is_file():
        return None
    task = folder / "otter-task"
    (task / "tests").mkdir(parents=True)
    shutil.copyfile(ROOT / "solutions" / "conv.py", task / "conv.py")
    for name, setup, check in CHECKS:
        code = "".join(f">>> {line}\n" for line in ("import numpy as np", setup) if line)
        code += f">>> bool({check})\nTrue"
        test = {
            "name": name,
            "points": 1,
            "suites": [
                {
                    "cases": [{"code": code, "hidden": False, "locked": False}],
                    "scored": True,
                    "setup": "",
                    "teardown": "",
                    "type": "doctest",
                }
            ],
        }
        (task / "tests" / f"{name}.py").write_text(f"OK_FORMAT = True\n\ntest = {test!r}\n", encoding="utf-8")
    return task


Command = tuple[list[str], Path, "dict[str, str] | None"]


def commands(folder: Path) -> dict[str, Command]:
    """What is timed, per tool: (command, folder to run it in, environment or None for this one's);
    peers only where installed."""
    course = grade_course(folder)
    found = {
        "grade": (
            [
                sys.executable,
                "-m",
                "grader",
                "conv",
                "--course",
                str(course),
                "--submission",
                str(course / "solutions" / "conv.py"),
            ],
            course,
            None,
        )
    }
    nbgrader = nbgrader_course(folder)
    if nbgrader is not None:
        command = [str(PEERS / "nbgrader" / "bin" / "nbgrader"), "autograde", "ps1", "--force"]
        found["nbgrader autograde"] = (command, nbgrader, activated("nbgrader"))
    otter = otter_task(folder)
    if otter is not None:
        command = [str(PEERS / "otter" / "bin" / "otter"), "check", "conv.py", "-t", "tests"]
        found["otter check"] = (command, otter, activated("otter"))
    return found
