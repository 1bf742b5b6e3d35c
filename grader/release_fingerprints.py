"""Release step: fingerprint the catalogue's variants on the public tests (see `grader.fingerprints`).

Instructor code, run by `course release` with the existing machinery: the public suite is
graded, sandboxed, on the reference and on every variant, exactly where the student's copy
of it will run (assignments/<id>/tests/test_public.py in a staging copy of the course, so a
test's id, and so its seed, is the student's); each test's call log is read. Every distinct
call is then replayed on the reference and on the variants of its function by the diagnosis'
replay child (`grader.diagnosis.Replayer`), which decides, as `diagnose` does, where a variant
differs from the reference. Only hashes are written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader import fingerprints
from grader.caches import Memo
from grader.catalogue import Mistake, load_catalogue, variant_source
from grader.config import Assignment, Course
from grader.diagnosis import REFERENCE, Replayer, same
from grader.grading import grade
from grader.layout import CourseLayout
from grader.naming import applies
from grader.sandbox import SubmissionFailure, choose
from grader.sandbox.recording import Call
from grader.session import opened_submissions

MADE: Memo[str, str] = Memo(__name__, "inputs digest -> fingerprints text (a course released again)")
MAX_REPLAYS = 100_000  # release replays every public call on every variant of its function
REPLAY_BUDGET_S = 1800.0  # the replay child's wall time at release


class _Recorder:
    """pytest plugin: after each test's call, keep the first call seen of each (function, arguments)."""

    def __init__(self, calls: dict[str, dict[str, Call]]) -> None:
        self.calls = calls

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        yield
        for handle in opened_submissions(item.config):
            log = getattr(handle, "calls", None)
            for name in list(getattr(log, "calls", {})):
                for call in log.of(name):  # type: ignore[union-attr]
                    key = fingerprints.call_key(name, call)
                    if key is not None:
                        self.calls.setdefault(name, {}).setdefault(key, call)


def inputs_digest(root: Path, assignment: Assignment, public_source: str) -> str:
    """SHA-256 of what the fingerprints are computed from: the format, the assignment's course files
    (`CourseLayout.course_files`: course.yml, the reference, the catalogue, the suites) but for those
    `course release` writes after the fingerprints (the recorded times, the manifest), and the public
    suite as released. It covers the catalogue, which students never see, so it cannot confirm a
    guess of the reference."""
    layout = CourseLayout(root)
    written_later = set(layout.release_outputs(assignment.id))
    digest = hashlib.sha256()
    quantised = f"{fingerprints.FORMAT} {fingerprints.SIGNIFICANT} {fingerprints.ABSOLUTE_FLOOR}"
    digest.update(f"{quantised}\0{assignment.id} {assignment.module}\0".encode())
    for path in layout.course_files(assignment):
        if path not in written_later:
            digest.update(layout.relative(path).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(public_source.encode("utf-8"))
    return digest.hexdigest()


def _record(stage: Path, assignment: Assignment, submission: Path, calls: dict[str, dict[str, Call]]) -> None:
    """Grade the staged public suite on `submission`, keeping its calls."""
    grade(stage, assignment, submission, plugins=(_Recorder(calls),))


def _entry(replayer: Replayer, name: str, call: Call, variants: list[str]) -> dict[str, Any] | None:
    """One call's entry: the reference's outcome hash and those of the variants that differ there."""
    try:
        reference = replayer.outcome(REFERENCE, name, call)
        outcomes = {variant: replayer.outcome(variant, name, call) for variant in variants}
    except SubmissionFailure:  # a replay that timed out or crashed: the call is left out
        return None
    reference_hash = fingerprints.outcome_hash(reference)
    if reference_hash is None:
        return None
    differing = {}
    for variant, outcome in outcomes.items():
        hashed = fingerprints.outcome_hash(outcome)
        # the same test as `diagnose` (same); a difference that quantising hides cannot be told at home
        if hashed is not None and not same(outcome, reference) and hashed != reference_hash:
            differing[variant] = hashed
    return {"reference": reference_hash, "variants": differing}


def _table(
    course: Course, reference: Path, catalogue: tuple[Mistake, ...], calls: dict[str, dict[str, Call]]
) -> dict[str, dict[str, Any]]:
    isolation = choose(course.grading.isolation, [], official=False)
    replayer = Replayer(
        reference, catalogue, course.grading, isolation, max_replays=MAX_REPLAYS, budget_s=REPLAY_BUDGET_S
    )
    table: dict[str, dict[str, Any]] = {}
    try:
        for name in sorted(calls):
            variants = [m.name for m in catalogue if applies(m.function, name)]
            if not variants:
                continue  # no known mistake of this function: nothing to name
            for key, call in calls[name].items():
                entry = _entry(replayer, name, call, variants)
                if entry is not None:
                    table.setdefault(name, {})[key] = entry
    finally:
        replayer.close()
    return table


def fingerprint_text(root: Path, course: Course, assignment: Assignment, public_source: str) -> str | None:
    """The fingerprints file of an assignment, or None when it has no catalogue or no public test.

    Args:
        root: the course folder.
        course: its course.yml.
        assignment: the assignment.
        public_source: the text of its public suite, as released.

    Returns:
        the JSON text (sorted keys, so the same inputs give the same bytes). Computed once per
        process for the same inputs (`inputs_digest`): tests release copies of a course many times.
    """
    catalogue = load_catalogue(CourseLayout(root).catalogue(assignment.id))
    if not catalogue or "def test_" not in public_source:
        return None
    inputs = inputs_digest(root, assignment, public_source)
    return MADE.get(inputs, lambda: _compute(root, course, assignment, public_source, catalogue))


def _compute(
    root: Path, course: Course, assignment: Assignment, public_source: str, catalogue: tuple[Mistake, ...]
) -> str:
    layout = CourseLayout(root)
    reference = layout.solution(assignment)
    calls: dict[str, dict[str, Call]] = {}
    with tempfile.TemporaryDirectory(prefix="grader-fingerprints-") as folder:
        stage = Path(folder)
        shutil.copyfile(layout.course_file, CourseLayout(stage).course_file)
        suite = fingerprints.path_for(stage, assignment.id).with_name("test_public.py")
        suite.parent.mkdir(parents=True)
        suite.write_text(public_source, encoding="utf-8")
        _record(stage, assignment, reference, calls)
        for number, mistake in enumerate(catalogue):
            variant = stage / "variants" / str(number) / assignment.module
            variant.parent.mkdir(parents=True)
            variant.write_text(
                variant_source(reference.read_text(encoding="utf-8"), mistake), encoding="utf-8"
            )
            _record(stage, assignment, variant, calls)
        table = _table(course, reference, catalogue, calls)
    data = {
        "format": fingerprints.FORMAT,
        "assignment": assignment.id,
        "inputs": inputs_digest(root, assignment, public_source),
        "quantisation": {
            "significant_digits": fingerprints.SIGNIFICANT,
            "absolute_floor": fingerprints.ABSOLUTE_FLOOR,
        },
        "mistakes": [
            {key: m.get(key, "") for key in ("name", "function", "hint", "hint_zh")} for m in catalogue
        ],
        "calls": table,
    }
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def stale(root: Path, course: Course, assignment: Assignment, public_source: str) -> bool:
    """Whether the released fingerprints file is missing, extra, unreadable, or made from other inputs.

    Cheaper than a fresh release: the file records the digest of its inputs (`inputs_digest`).
    """
    path = fingerprints.path_for(root, assignment.id)
    wanted = bool(load_catalogue(CourseLayout(root).catalogue(assignment.id))) and (
        "def test_" in public_source
    )
    if not wanted:
        return path.exists()
    table = fingerprints.load(path)
    return table is None or table.inputs != inputs_digest(root, assignment, public_source)
