"""Release step: the released answers of an assignment, from the recorded calls (`record`).

An entry is kept for a call of a public test when:
- it is not a call of the function the test checks (the table holds callee calls only);
- it is a call of a function the test relies on (`grader.containment.dependencies`), the only
  ones an official rerun substitutes;
- its arguments, state and answer are plain data;
- it is not, within the course's tolerance, a call that a public test of that function checks.

An entry that matches a call a hidden test leads to stops the release (`HiddenAnswer`): the table
would say a hidden test's answer. Public tests are kept whole, in the suite's order, while the
file stays under `grading.answers_max_kb`; the others are listed as omitted.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path
from typing import Any

from grader import compare
from grader.answers.record import Recorded, graded_names, record_public, watch_hidden
from grader.answers.table import FILE, FORMAT, load, path_for, signature_data
from grader.answers.values import Unencodable, encode
from grader.config import Assignment, Course
from grader.containment import dependencies, suite_uses
from grader.diagnosis import callees
from grader.errors import ReleaseError
from grader.standins import _close, load_reference

_MADE: dict[str, str] = {}  # inputs digest -> text: a process releasing a course again reuses it


class HiddenAnswer(ReleaseError):
    """An entry of the released answers is a call a hidden test leads to."""


def inputs_digest(root: Path, course: Course, assignment: Assignment, public_source: str) -> str:
    """SHA-256 of what the answers are made from: the format, the reference, every suite and the
    settings that decide what is kept."""
    suites = sorted((root / "tests" / assignment.id).glob("test_*.py"))
    parts = [
        f"{FORMAT} {assignment.id} {assignment.module}",
        f"{course.grading.rtol!r} {course.grading.atol!r} {course.grading.answers_max_kb}",
        (root / "solutions" / assignment.module).read_text(encoding="utf-8"),
        public_source,
        *(path.read_text(encoding="utf-8") for path in suites if path.name != "test_public.py"),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _key(call: Recorded) -> tuple[str, str]:
    return call.call, json.dumps([_plain_json(call.arguments), _plain_json(call.state)], sort_keys=True)


def _plain_json(value: Any) -> Any:
    try:
        return encode(value, {})
    except Unencodable:
        return repr(value)


def _matches(call: Recorded, others: list[Recorded]) -> Recorded | None:
    """The first of `others` that is the same call within the course's tolerance, or None."""
    for other in others:
        if other.call != call.call or (other.state is None) != (call.state is None):
            continue
        same_state = call.state is None or _close(call.state, other.state)
        if same_state and _close(call.arguments, other.arguments):
            return other
    return None


def _by_call(calls: list[Recorded]) -> dict[str, list[Recorded]]:
    grouped: dict[str, list[Recorded]] = {}
    for call in calls:
        if call.arguments is not None:
            grouped.setdefault(call.call, []).append(call)
    return grouped


def callee_entries(
    public: list[Recorded], public_source: str, graph: dict[str, set[str]]
) -> dict[str, list[Recorded]]:
    """Per public test, the calls kept (see the module's docstring), first of each call only."""
    uses = suite_uses(public_source)
    checked = _by_call(
        [c for c in public if c.depth == 0 and c.owner == c.function and c.arguments is not None]
    )
    kept: dict[str, list[Recorded]] = {}
    seen: set[tuple[str, tuple[str, str]]] = set()
    for call in public:
        relies_on = dependencies(call.function, uses.get(call.test.split("[")[0], set()), graph)
        key = (call.test, _key(call))
        if call.owner == call.function or call.owner not in relies_on or call.arguments is None:
            continue
        if key in seen or _matches(call, checked.get(call.call, [])) is not None:
            continue
        seen.add(key)
        kept.setdefault(call.test, []).append(call)
    return kept


def hidden_overlaps(
    root: Path, course: Course, assignment: Assignment, kept: dict[str, list[Recorded]]
) -> list[str]:
    """One sentence per kept call that a hidden test also leads to (within the course's tolerance),
    the hidden suite run on the reference."""
    every = [call for calls in kept.values() for call in calls]
    grouped = _by_call(every)
    found: dict[tuple[str, int], str] = {}

    def watch(hidden: Recorded) -> None:
        for call in grouped.get(hidden.call, []):
            if (call.test, id(call)) not in found and _matches(hidden, [call]) is not None:
                found[(call.test, id(call))] = (
                    f"the public test {call.test} leads to {call.call} with the same arguments as the "
                    f"hidden test {hidden.test}"
                )

    with compare.tolerances(course.grading.rtol, course.grading.atol):
        watch_hidden(root, assignment, {call.owner for call in every}, watch)
    return list(found.values())


def _rows(calls: list[Recorded], pool: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for call in calls:
        try:
            row = {"call": call.call, "arguments": encode(call.arguments, pool)}
            if call.state is not None:
                row["state"] = encode(call.state, pool)
            row["answer"] = encode(list(call.answer), pool)
        except Unencodable:
            continue  # not plain data: a home run cannot be answered there, and says so
        rows.append(row)
    return rows


def _capped(kept: dict[str, list[Recorded]], order: list[str], max_bytes: int) -> dict[str, Any]:
    """The tests' rows and the array pool, whole tests in suite order while under `max_bytes`."""
    pool: dict[str, dict[str, Any]] = {}
    tests: dict[str, list[dict[str, Any]]] = {}
    omitted, size = [], 0
    for test in order:
        if test not in kept:
            continue
        trial = dict(pool)
        rows = _rows(kept[test], trial)
        added = len(json.dumps(rows)) + sum(len(trial[k]["data"]) + 80 for k in trial.keys() - pool.keys())
        if size + added > max_bytes:
            omitted.append(test)
            continue
        pool, size, tests[test] = trial, size + added, rows
    return {"tests": tests, "arrays": pool, "omitted": omitted}


def _signatures(reference: Any, names: set[str], pool: dict[str, Any]) -> dict[str, list[list[Any]]]:
    signatures = {}
    for name in sorted(names):
        owner, _, method = name.partition(".")
        target = getattr(reference, owner, None)
        target = getattr(target, method, None) if method else target
        signature = inspect.signature(target)  # type: ignore[arg-type]
        if method:
            signature = signature.replace(parameters=list(signature.parameters.values())[1:])
        signatures[name] = signature_data(signature, lambda value: encode(value, pool))
    return signatures


def _compute(root: Path, course: Course, assignment: Assignment, public_source: str) -> str:
    reference_path = root / "solutions" / assignment.module
    graded = graded_names(root, assignment)
    graph = callees(reference_path.read_text(encoding="utf-8"))
    public = record_public(root, assignment, public_source, graded)
    with compare.tolerances(course.grading.rtol, course.grading.atol):
        kept = callee_entries(public, public_source, graph)
    overlaps = hidden_overlaps(root, course, assignment, kept)
    if overlaps:
        raise HiddenAnswer(
            f"tests/{assignment.id}: {overlaps[0]} ({len(overlaps)} such call(s)); a student's copy of "
            f"{FILE} would hold a hidden test's answer: change the public test's inputs."
        )
    order = list(dict.fromkeys(call.test for call in public))
    data = _capped(kept, order, course.grading.answers_max_kb * 1024)
    names = {row["call"] for rows in data["tests"].values() for row in rows}
    data.update(
        format=FORMAT,
        assignment=assignment.id,
        inputs=inputs_digest(root, course, assignment, public_source),
        callees={name: sorted(graph.get(name, set()) & graded) for name in sorted(graded)},
        signatures=_signatures(load_reference(reference_path), names, data["arrays"]),
    )
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def answers_text(root: Path, course: Course, assignment: Assignment, public_source: str) -> str | None:
    """The released answers of an assignment (JSON text, the same bytes for the same inputs), or
    None when it has no public test.

    Raises:
        HiddenAnswer: an entry would be a call a hidden test leads to.
    """
    if "def test_" not in public_source:
        return None
    inputs = inputs_digest(root, course, assignment, public_source)
    if inputs not in _MADE:
        released = path_for(root, assignment.id)
        table = load(released)
        if table is not None and table.inputs == inputs:  # made from these very inputs: the same bytes
            _MADE[inputs] = released.read_text(encoding="utf-8")
        else:
            _MADE[inputs] = _compute(root, course, assignment, public_source)
    return _MADE[inputs]


def stale(root: Path, course: Course, assignment: Assignment, public_source: str) -> bool:
    """Whether the released answers are missing, extra, unreadable or made from other inputs."""
    path = path_for(root, assignment.id)
    if "def test_" not in public_source:
        return path.exists()
    table = load(path)
    return table is None or table.inputs != inputs_digest(root, course, assignment, public_source)


def check_answers(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """`course check`: every entry of the released answers that a hidden test also leads to (the
    hidden suite run on the reference), one sentence each; none when nothing is released."""
    table = load(path_for(root, assignment.id))
    if table is None:
        return []
    kept = {
        test: [Recorded(test, "", False, e.call, e.arguments, e.state, 1, e.answer) for e in entries]
        for test, entries in table.tests.items()
    }
    released = f"assignments/{assignment.id}/tests/{FILE}"
    return [
        f"{released}: {overlap}; change the public test's inputs and run `course release`."
        for overlap in hidden_overlaps(root, course, assignment, kept)
    ]
