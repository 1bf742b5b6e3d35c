"""Name a known mistake at home: fingerprints of the catalogue's variants on the public tests.

A student's checkout has neither the reference solution nor the mistake catalogue, so the
official diagnosis (`grader.diagnosis`, which replays a failed test's calls on the catalogue's
variants) cannot run there. Instead `course release` ships, next to the public tests,
assignments/<id>/tests/fingerprints.json (made by `grader.release_fingerprints`): for every call
a public test makes of a function the catalogue has mistakes of, a hash of the call's quantised
arguments, the hash of the reference's quantised outcome and, for each variant whose outcome
differs from the reference's there, the hash of the variant's outcome. Hashes cannot be turned
back into values, and only public inputs are fingerprinted: the file holds no code and nothing
hidden. The student's own calls are hashed the same way and compared.

Quantisation (so that floating-point noise does not break a match): a float array, or a float,
is rounded to SIGNIFICANT (6) significant digits of its largest finite magnitude, that
magnitude itself first rounded to 6 digits, so that 9.999999999999998 and 10.0 share a scale;
values below ABSOLUTE_FLOOR (1e-12) count as 0. Shape, dtype kind (float, integer, bool,
complex) and the positions of NaN and infinities are part of the hash; integers, booleans and
strings are exact. Its limit: a value sitting within noise of a rounding boundary (a last kept
digit ending in 5, or a largest magnitude just under 9.999995 x 10^k) may round differently
for the student than for the variant, and then that call does not match: the name is missed,
never wrongly given.

The naming rule is `grader.naming`'s, the official diagnosis' own: a call is discriminating for a
variant when the table fingerprints it as such (the variant's outcome differs from the
reference's), the variant returned a value there when its hash starts "ok:", and the student
agrees with it when the student's outcome hash equals the variant's. Calls not in the table are
ignored. The result is advice only: it never
changes a score, and a broken or tampered file names nothing rather than failing the grade.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from grader import catalogue
from grader.diagnosis import student_outcome
from grader.layout import CourseLayout
from grader.naming import Evidence, applies, first_named, names
from grader.sandbox.recording import Call

FILE = "fingerprints.json"
FORMAT = 1
SIGNIFICANT = 6  # significant digits kept of an array's largest magnitude
ABSOLUTE_FLOOR = 1e-12  # the coarsest rounding step: smaller values count as zero
HASH_CHARS = 16  # hex digits kept of a SHA-256: 64 bits, no collision among a suite's calls
MAX_FILE_BYTES = 16 * 2**20  # a larger file is not read (it was not written by `course release`)


class Unfingerprintable(ValueError):
    """A value that has no fingerprint (an object living in the child, an unknown type)."""


class Mistake(BaseModel):
    """What the student may see of a catalogue entry: its name, function and hints, no code."""

    model_config = ConfigDict(extra="forbid")
    name: str
    function: str
    hint: str
    hint_zh: str = ""


class Entry(BaseModel):
    """One call: the reference's outcome hash, and the hashes of the variants that differ there."""

    model_config = ConfigDict(extra="forbid")
    reference: str
    variants: dict[str, str]


class Table(BaseModel):
    """An assignment's fingerprints file."""

    model_config = ConfigDict(extra="forbid")
    format: Literal[1]
    assignment: str
    inputs: str  # SHA-256 of what the table was computed from, for `course release`'s staleness check
    quantisation: dict[str, float]
    mistakes: list[Mistake]
    calls: dict[str, dict[str, Entry]]  # function or "Class.method" -> argument hash -> entry


def path_for(root: Path, assignment_id: str) -> Path:
    """Where an assignment's fingerprints live: beside its released public tests."""
    return CourseLayout(root).released_tests(assignment_id) / FILE


def _scale_step(magnitude: float) -> float:
    """The rounding step for values whose largest magnitude is `magnitude`."""
    if not magnitude > 0.0:
        return ABSOLUTE_FLOOR
    exponent = int(f"{magnitude:.{SIGNIFICANT - 1}e}".split("e")[1])  # rounded first: 9.99...98 -> 1e1
    return max(10.0 ** (exponent - SIGNIFICANT + 1), ABSOLUTE_FLOOR)


def _floats(values: np.ndarray) -> list[Any]:
    """A float array quantised: [step exponent, special-value codes, rounded multiples of the step]."""
    finite = np.isfinite(values)
    magnitude = float(np.max(np.abs(values[finite]))) if finite.any() else 0.0
    step = _scale_step(magnitude)
    steps = np.rint(np.where(finite, values, 0.0) / step).astype(np.int64) + 0  # + 0 turns -0 into 0
    codes = np.where(
        np.isnan(values), 1, np.where(np.isposinf(values), 2, np.where(np.isneginf(values), 3, 0))
    )
    digest = hashlib.sha256(steps.tobytes() + codes.astype(np.int8).tobytes()).hexdigest()
    return [round(math.log10(step)), digest]


def _array(value: np.ndarray) -> list[Any]:
    kind, shape = value.dtype.kind, list(value.shape)
    if kind == "f":
        return ["a", "f", shape, *_floats(value.astype(np.float64))]
    if kind == "c":
        both = np.stack([value.real, value.imag]).astype(np.float64)
        return ["a", "c", shape, *_floats(both)]
    if kind in "iu":
        fits = kind == "i" or value.size == 0 or int(value.max()) < 2**63
        exact = value.astype("<i8" if fits else "<u8")
        return ["a", "i", shape, hashlib.sha256(exact.tobytes()).hexdigest()]
    if kind == "b":
        return ["a", "b", shape, hashlib.sha256(value.astype(np.uint8).tobytes()).hexdigest()]
    raise Unfingerprintable(f"an array of dtype {value.dtype}")


def canonical(value: Any) -> Any:
    """A JSON-able form of a value, quantised: equal for values that differ by float noise only.

    Raises:
        Unfingerprintable: for a type with no fingerprint.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return ["b", bool(value)]
    if isinstance(value, (int, np.integer)):
        return ["i", int(value)]
    if isinstance(value, (float, np.floating)):
        return ["f", *_floats(np.array([float(value)]))]
    if isinstance(value, (complex, np.complexfloating)):
        return ["c", *_floats(np.array([value.real, value.imag], dtype=np.float64))]
    if isinstance(value, np.ndarray):
        return _array(value)
    if isinstance(value, (list, tuple)):
        return ["l", [canonical(item) for item in value]]
    if isinstance(value, dict):
        return [
            "d",
            sorted([[canonical(key), canonical(item)] for key, item in value.items()], key=json.dumps),
        ]
    raise Unfingerprintable(f"a value of type {type(value).__name__}")


def digest(value: Any) -> str:
    """The short hash of a value's canonical form."""
    text = json.dumps(canonical(value), separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def call_key(name: str, call: Call) -> str | None:
    """The hash of a recorded call's quantised arguments (and object state), or None if it has none."""
    if call.args is None:
        return None
    decoded = call.decoded()
    state = decoded[3] if len(decoded) == 4 else None
    try:
        return digest([name, list(decoded[0]), decoded[1], state])
    except Unfingerprintable:
        return None


def outcome_hash(outcome: tuple[str, Any]) -> str | None:
    """ "ok:<hash of the value>" or "raised:<exception type>", or None for a value with no fingerprint."""
    if outcome[0] == "raised":
        return f"raised:{outcome[1]}"
    try:
        return f"ok:{digest(outcome[1])}"
    except Unfingerprintable:
        return None


def load(path: Path) -> Table | None:
    """An assignment's fingerprints, or None when the file is missing, too large or malformed."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        return Table.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def _evidence(table: Table, mistake: Mistake, name: str, calls: list[Call]) -> list[Evidence]:
    """The evidence of the student's calls of `name` about `mistake`, read from fingerprints."""
    known = table.calls.get(name, {})
    evidence = []
    for call in calls:
        key = call_key(name, call)
        variant = known[key].variants.get(mistake.name) if key in known else None
        if variant is None:  # not fingerprinted, or the variant answers as the reference there
            evidence.append(Evidence(False))
            continue
        agrees = outcome_hash(student_outcome(call)) == variant
        evidence.append(Evidence(True, variant_returned=variant.startswith("ok:"), student_agrees=agrees))
    return evidence


def name_at_home(path: Path, function: str, handle: Any) -> catalogue.Mistake | None:
    """The catalogue entry (name, function, hint, hint_zh; no code) the failed test's calls name.

    Args:
        path: the assignment's fingerprints file.
        function: the graded function (or class) of the failed test.
        handle: the sandboxed submission, for its call log (`calls.of`, `recorded_methods`).

    Returns:
        the entry, or None: no file, a broken one, or no match.
    """
    table = load(path)
    if table is None or not table.mistakes:
        return None

    def named(name: str) -> catalogue.Mistake | None:
        calls = [call for call in handle.calls.of(name) if call.args is not None]
        for mistake in table.mistakes if calls else []:
            if applies(mistake.function, name) and names(_evidence(table, mistake, name, calls)):
                return catalogue.Mistake(
                    mistake.name, mistake.function, mistake.hint, hint_zh=mistake.hint_zh
                )
        return None

    return first_named(function, handle.recorded_methods(function), named)
