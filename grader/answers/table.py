"""The released answers of one assignment: what a home run's stand-ins may answer.

assignments/<id>/tests/answers.json, written by `course release` (`grader.answers.record`):

- `tests`: per public test (its name, parameters included), the calls of graded functions that
  the reference makes while the test runs on it, directly from the test or through a caller,
  except the calls of the function the test checks: each call's arguments as the function's
  parameters receive them, the object's state before a method call, and the reference's answer
  (for a method, [answer, state after]);
- `signatures`: how to bind a call-out's arguments to those parameters (names, kinds, defaults);
- `callees`: the reference's call graph among graded functions, so that a home run knows which
  functions a test relies on (`grader.containment`) without the reference;
- `omitted`: public tests left out to keep the file under the course's size cap.

A call matches an entry by `grader.standins`' rule, the one the official stand-ins use: the same
function, and arguments (and state) equal within the course's tolerance.
"""

from __future__ import annotations

import copy
import inspect
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.answers.values import decode
from grader.standins import _close

FILE = "answers.json"
FORMAT = 1
MAX_READ_BYTES = 64 * 2**20  # a larger file was not written by `course release`: not read
KINDS = {  # a parameter's kind by its name
    kind.name: kind
    for kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.VAR_POSITIONAL,
        inspect.Parameter.KEYWORD_ONLY,
        inspect.Parameter.VAR_KEYWORD,
    )
}


@dataclass(frozen=True)
class Entry:
    """One call a public test leads to: who is called, with what, on what state, and the answer."""

    call: str
    arguments: dict[str, Any]
    state: dict[str, Any] | None
    answer: tuple[str, Any]


@dataclass
class Answers:
    """An assignment's released answers, read back."""

    assignment: str
    inputs: str
    callees: dict[str, set[str]]
    signatures: dict[str, inspect.Signature]
    tests: dict[str, list[Entry]]
    omitted: set[str] = field(default_factory=set)

    def bind(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any] | None:
        """The call's arguments as `name`'s parameters receive them (defaults filled), or None."""
        signature = self.signatures.get(name)
        if signature is None:
            return None
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return None
        bound.apply_defaults()
        return dict(bound.arguments)

    def lookup(
        self, test: str, name: str, args: list[Any], kwargs: dict[str, Any], state: dict[str, Any] | None
    ) -> tuple[str, Any] | None:
        """The reference's answer (a fresh copy) to a call-out the test's run makes, or None when
        the released answers do not hold a call like it."""
        bound = self.bind(name, args, kwargs)
        if bound is None:
            return None
        for entry in self.tests.get(test, ()):
            if entry.call != name or (entry.state is None) != (state is None):
                continue
            if _close(bound, entry.arguments) and (state is None or _close(state, entry.state)):
                return copy.deepcopy(entry.answer)
        return None


def path_for(root: Path, assignment_id: str) -> Path:
    """Where an assignment's released answers live."""
    return root / "assignments" / assignment_id / "tests" / FILE


def signature_data(signature: inspect.Signature, encode: Any) -> list[list[Any]]:
    """A signature as [name, kind] or [name, kind, encoded default] per parameter."""
    rows: list[list[Any]] = []
    for parameter in signature.parameters.values():
        row = [parameter.name, parameter.kind.name]
        if parameter.default is not inspect.Parameter.empty:
            row.append(encode(parameter.default))
        rows.append(row)
    return rows


def _signature(rows: Any, pool: dict[str, Any]) -> inspect.Signature:
    if not isinstance(rows, list):
        raise ValueError("a signature that is not a list")
    parameters = []
    for row in rows:
        if not isinstance(row, list) or len(row) not in (2, 3) or row[1] not in KINDS:
            raise ValueError("a parameter that is not [name, kind(, default)]")
        default = decode(row[2], pool) if len(row) == 3 else inspect.Parameter.empty
        parameters.append(inspect.Parameter(str(row[0]), KINDS[row[1]], default=default))
    return inspect.Signature(parameters)


def _entry(row: Any, pool: dict[str, Any]) -> Entry:
    if not isinstance(row, dict) or not {"call", "arguments", "answer"} <= row.keys():
        raise ValueError("an entry without call, arguments and answer")
    arguments, state = decode(row["arguments"], pool), decode(row.get("state"), pool)
    answer = decode(row["answer"], pool)
    valid = isinstance(arguments, dict) and (state is None or isinstance(state, dict))
    if not valid or not isinstance(answer, list) or len(answer) != 2 or answer[0] not in ("ok", "raised"):
        raise ValueError("an entry of the wrong shape")
    return Entry(str(row["call"]), arguments, state, (answer[0], answer[1]))


def parse(data: Any) -> Answers:
    """The answers from the file's JSON data.

    Raises:
        ValueError: the data is not what `course release` writes.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not an answers file of this format")
    pool = data.get("arrays", {})
    tests, callees = data.get("tests", {}), data.get("callees", {})
    if not isinstance(pool, dict) or not isinstance(tests, dict) or not isinstance(callees, dict):
        raise ValueError("arrays, tests or callees is not a table")
    return Answers(
        assignment=str(data.get("assignment", "")),
        inputs=str(data.get("inputs", "")),
        callees={str(name): {str(c) for c in called} for name, called in callees.items()},
        signatures={str(name): _signature(rows, pool) for name, rows in data.get("signatures", {}).items()},
        tests={str(name): [_entry(row, pool) for row in rows] for name, rows in tests.items()},
        omitted={str(name) for name in data.get("omitted", [])},
    )


def load(path: Path) -> Answers | None:
    """The released answers at `path`, or None when missing, too large, unreadable or malformed
    (a broken or tampered file answers nothing: the home run then charges, as without it)."""
    try:
        if path.stat().st_size > MAX_READ_BYTES:
            return None
        return parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
