"""`course similarity`: find a class's submissions of one assignment, compare them, write the report.

The starter code (the released stub with its docstrings and given helpers, and the code cells of
the released notebook) is boilerplate: its fingerprints are removed from every submission first.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from grader.config import Assignment, Course
from grader.errors import GraderError, SubmissionError
from grader.layout import CourseLayout
from grader.similarity.analysis import Analysis, Problem
from grader.similarity.compare import clusters, drop_common, rank
from grader.similarity.fingerprint import Fingerprint, Settings, boilerplate_hashes, fingerprint
from grader.similarity.screen import MAX_CODE_CHARACTERS, NOT_COMPARED, not_compared
from grader.similarity.tokens import read_code

PARALLEL_FROM = 200  # fewer submissions are fingerprinted faster than worker processes start


def find_submissions(class_folder: Path, assignment: Assignment) -> list[tuple[str, Path]]:
    """(student, file) for each student folder holding this assignment, sorted by student.

    Looks for DIR/<student>/<module>, DIR/<student>/<id>.ipynb and the same under DIR/<student>/<id>/.
    """
    found = []
    for folder in sorted(p for p in class_folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        candidates = [
            folder / assignment.module,
            folder / f"{assignment.id}.ipynb",
            folder / assignment.id / assignment.module,
            folder / assignment.id / f"{assignment.id}.ipynb",
        ]
        path = next((c for c in candidates if c.is_file() and not c.is_symlink()), None)
        if path is not None:
            found.append((folder.name, path))
    return found


def starter_code(root: Path, assignment: Assignment) -> list[str]:
    """The code students were given: the released stub and notebook (the stub made afresh if unreleased).

    Raises:
        GraderError: if neither a released stub nor a reference solution exists.
    """
    layout = CourseLayout(root)
    folder = layout.released(assignment.id)
    stub, notebook = layout.released_module(assignment), folder / f"{assignment.id}.ipynb"
    if stub.is_file():
        return [read_code(stub)] + ([read_code(notebook)] if notebook.is_file() else [])
    from grader.release import make_stub, templates

    solution = layout.solution(assignment)
    if not solution.is_file():
        raise GraderError(f"{stub}: no starter code to ignore; run `course release` first.")
    return [make_stub(solution.read_text(encoding="utf-8"), solution, templates(root))]


def analyse(
    sources: list[tuple[str, str]], starter: list[str], settings: Settings, workers: int = 1
) -> Analysis:
    """Fingerprint every (student, code), compare the candidate pairs and group them.

    Args:
        sources: (student, code) for each submission.
        starter: the code students were given, ignored wherever it appears.
        settings: fingerprint size and thresholds.
        workers: processes that fingerprint (the hashes are the same in every process).
    """
    boilerplate = boilerplate_hashes(starter, settings)
    every = fingerprint_all(sources, settings, boilerplate, workers)
    problems = [Problem(f.name, found.kind, found.detail) for f in every for found in f.findings]
    prints = drop_common([f for f in every if f.compared], settings)
    pairs = rank(prints, settings)
    return Analysis(prints, pairs, clusters(len(prints), pairs, settings), settings, problems)


def fingerprint_all(
    sources: list[tuple[str, str]], settings: Settings, boilerplate: np.ndarray, workers: int
) -> list[Fingerprint]:
    """`fingerprint` of every (student, code), in `workers` processes when there are enough to share."""
    if workers <= 1 or len(sources) < PARALLEL_FROM:
        return [fingerprint(name, code, settings, boilerplate) for name, code in sources]
    names, codes = zip(*sources, strict=True)
    size = len(sources)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(
            pool.map(
                fingerprint,
                names,
                codes,
                [settings] * size,
                [boilerplate] * size,
                chunksize=max(1, size // (4 * workers)),
            )
        )


def read_all(submissions: list[tuple[str, Path]]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(student, code) of each submission that can be read, and a problem line for each other one.

    A file larger than the code compared is not read at all; a notebook that cannot be read, for
    whatever reason, is its student's problem, never the class's.
    """
    sources, problems = [], []
    for name, path in submissions:
        try:
            size = path.stat().st_size
            if path.suffix != ".ipynb" and size > MAX_CODE_CHARACTERS:
                found = not_compared(
                    f"{path.name} is {size:,} bytes, over the {MAX_CODE_CHARACTERS:,} compared"
                )
                problems.append(Problem(name, found.kind, found.detail))
                continue
            sources.append((name, read_code(path)))
        except SubmissionError as error:
            problems.append(Problem(name, NOT_COMPARED, f"not compared: {error}"))
        except Exception as error:  # a malformed file harms its student's line only
            found = not_compared(f"{path.name} cannot be read ({type(error).__name__}: {error})")
            problems.append(Problem(name, found.kind, found.detail))
    return sources, problems


def similarity_report(
    root: Path,
    course: Course,
    assignment_id: str,
    source: Path,
    out: Path,
    settings: Settings | None = None,
    extra_boilerplate: tuple[Path, ...] = (),
    workers: int | None = None,
) -> dict[str, Any]:
    """Compare a class's submissions of one assignment and write pairs.csv, clusters.csv and HTML.

    Args:
        root: the course folder.
        course: its course.yml.
        assignment_id: which assignment.
        source: the class folder (one folder per student) or a zip export of it.
        out: where the report goes (created).
        settings: thresholds; the defaults of `Settings` when None.
        extra_boilerplate: more files of given code to ignore (.py or .ipynb).
        workers: processes that fingerprint (default: the number of cores).

    Returns:
        a summary: counts, the files written and the time taken.

    Raises:
        GraderError: for an unknown assignment, a missing path or a class with no submission.
    """
    from grader.batch.submissions import unpack
    from grader.similarity.report import write_report

    settings = settings or Settings()
    assignment = course.assignment(assignment_id)
    started = time.perf_counter()
    for path in extra_boilerplate:
        if not path.is_file():
            raise GraderError(f"{path}: no such file; check the path given to --boilerplate.")
    with tempfile.TemporaryDirectory() as work:
        if not source.exists():
            raise GraderError(f"{source}: no such folder or zip of submissions.")
        class_folder = unpack(source, Path(work))
        submissions = find_submissions(class_folder, assignment)
        if not submissions:
            raise GraderError(
                f"{source}: no student folder holds {assignment.module} or {assignment.id}.ipynb; "
                f"expected {source.name}/<student>/{assignment.module}."
            )
        sources, unread = read_all(submissions)
    starter = starter_code(root, assignment) + [read_code(path) for path in extra_boilerplate]
    analysis = analyse(sources, starter, settings, workers or os.cpu_count() or 1)
    analysis.problems = sorted(unread + analysis.problems, key=lambda problem: problem.student)
    files = write_report(analysis, out, f"{course.course.name}: {assignment.title}")
    return {
        "submissions": len(analysis.fingerprints),
        "compared": len(analysis.pairs),
        "flagged": len(analysis.flagged),
        "clusters": len(analysis.clusters),
        "problems": [problem.sentence() for problem in analysis.problems],
        "files": files,
        "seconds": round(time.perf_counter() - started, 2),
    }
