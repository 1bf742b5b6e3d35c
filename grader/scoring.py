"""Points, partial credit, hidden and pending tests: from pytest items to result records.

`ResultCollector` is a pytest plugin object: `grade` registers it for one run
and reads `results` afterwards. Only `grader/reports.py` renders the records.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

import pytest

from grader import i18n
from grader.outcome import Notice, Outcome, recorded
from grader.provenance import grader_digest

SCHEMA_VERSION = 1
STATUSES = ("passed", "failed", "error", "timeout", "pending")
# a test's JSON record, in order (DESIGN.md, "Results and reports"); hidden tests add their notices
RECORD_FIELDS = (
    "name",
    "function",
    "score",
    "max_score",
    "status",
    "hidden",
    "output",
    "mistake",
    "duration_s",
    "seed",
)


@dataclass
class TestResult:
    """One test's outcome, as every report shows it."""

    __test__ = False  # not a pytest test class

    name: str
    function: str | None
    score: float
    max_score: float
    status: str
    hidden: bool
    output: str = ""
    mistake: str | None = None
    duration_s: float = 0.0
    seed: int | None = None  # the seed of the test's random inputs, when it failed and had one
    # what a student may see of a hidden test: templated sentences (grader.disclosure renders them)
    notices: tuple[Notice, ...] = field(default=(), repr=False)
    # for the HTML report only (never in JSON): the arrays of a failed comparison, a training history
    arrays: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    curve: dict[str, list[float]] | None = field(default=None, repr=False, compare=False)
    # staff only (never in to_dict, so never in a student's copy): the finding as a code
    finding: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON record."""
        record = {key: getattr(self, key) for key in RECORD_FIELDS}
        if self.hidden:  # a hidden test's notices, from which a student copy renders its reason
            record["notices"] = [notice.to_list() for notice in self.notices]
        return record

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> TestResult:
        """The TestResult a JSON record (`to_dict`'s, as a grade-all feedback file keeps it) was made of.

        Args:
            record: the record; a field it lacks takes the field's default (None for a required one),
                and a notice that is not a `[key, {params}]` pair is dropped.

        Returns:
            the test's result, as `to_dict` saw it (the HTML's arrays and the staff's finding, which
            never go into a record, are absent).
        """
        defaults = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
        values = {key: record.get(key, defaults.get(key)) for key in RECORD_FIELDS}
        listed = record.get("notices")
        notices = [Notice.from_list(entry) for entry in listed] if isinstance(listed, list) else []
        return cls(**values, notices=tuple(notice for notice in notices if notice is not None))


@dataclass
class Report:
    """A graded submission: its tests, total and how it was isolated."""

    assignment: str
    submission: str
    isolation: str
    tests: list[TestResult] = field(default_factory=list)
    duration_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    language: str = "en"
    schema_version: int = SCHEMA_VERSION
    # staff only (never in to_dict): why the submission could not be loaded, as a code (`i18n.Sentence`)
    loading_failure: i18n.Sentence | None = field(default=None, repr=False, compare=False)

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 4)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 4)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON report: the records of "Results and reports" in DESIGN.md."""
        return {
            "schema_version": self.schema_version,
            "assignment": self.assignment,
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "isolation": self.isolation,
            "grader": grader_digest(),  # the grader that made this report (its source's hash)
            "language": self.language,
            "duration_s": round(self.duration_s, 3),
            "notes": self.notes,
            "tests": [t.to_dict() for t in self.tests],
        }


def marker_value(item: pytest.Item, name: str, default: Any = None) -> Any:
    marker = item.get_closest_marker(name)
    return marker.args[0] if marker and marker.args else default


def item_points(item: pytest.Item, group_sizes: Counter[tuple[str, str]]) -> float:
    """The test's points; a parametrized test's points are shared by its cases."""
    points = float(marker_value(item, "points", 1.0))
    return points / group_sizes[group_key(item)]


def group_key(item: pytest.Item) -> tuple[str, str]:
    return (str(item.path), getattr(item, "originalname", item.name))


def shown_names(items: list[pytest.Item]) -> dict[str, str]:
    """nodeid -> the name reports show: a hidden parametrized test is `test_x[case-2]`.

    pytest names a parametrized test after its parameter values, and a hidden test's values
    (inputs and expected answers) must never reach a student: its cases are numbered instead,
    in collection order, from 1. Public tests keep pytest's names, with the non-ASCII characters
    pytest escapes in ids given back ("000 §1.9", not "000 \\xa71.9").
    """
    seen: Counter[tuple[str, str]] = Counter()
    names = {}
    for item in items:
        hidden = item.get_closest_marker("hidden") is not None
        if hidden and getattr(item, "callspec", None) is not None:
            seen[group_key(item)] += 1
            names[item.nodeid] = f"{group_key(item)[1]}[case-{seen[group_key(item)]}]"
        else:
            names[item.nodeid] = readable(item.name)
    return names


def readable(name: str) -> str:
    """A test name with pytest's escapes of non-ASCII id characters undone (\\xa7 -> §)."""
    if not name.isascii() or "\\" not in name:
        return name
    try:
        return name.encode("ascii").decode("unicode_escape")
    except UnicodeDecodeError:
        return name


def load_manifest(path: Path) -> list[dict[str, Any]]:
    """The hidden tests' manifest (tests/hidden.json): ids, functions and points only."""
    if not path.is_file():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")).get("tests", []))


class ResultCollector:
    """pytest plugin object that turns each test's outcome into a TestResult."""

    def __init__(self) -> None:
        self.results: dict[str, TestResult] = {}
        self.points: dict[str, float] = {}
        self.items: dict[str, pytest.Item] = {}
        self.names: dict[str, str] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        sizes = Counter(group_key(item) for item in items)
        self.names = shown_names(items)
        for item in items:
            self.points[item.nodeid] = item_points(item, sizes)
            self.items[item.nodeid] = item

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        item = self.items.get(report.nodeid)
        if item is None or (report.passed and report.when != "call"):
            return
        self.results[report.nodeid] = self._result(item, report)

    def _result(self, item: pytest.Item, report: pytest.TestReport) -> TestResult:
        max_score = self.points[item.nodeid]
        properties: dict[str, Any] = dict(report.user_properties)
        # the plugin gives every failure its status (setup and teardown failures are errors)
        outcome = recorded(item, report.when) or Outcome("passed" if report.passed else "error")
        fraction = 1.0 if outcome.status == "passed" else float(properties.get("partial", 0.0))
        return TestResult(
            name=self.names[item.nodeid],
            function=marker_value(item, "function"),
            score=max_score * fraction,
            max_score=max_score,
            status=outcome.status,
            hidden=item.get_closest_marker("hidden") is not None,
            output=outcome.reason or ("" if outcome.status == "passed" else "failed"),
            mistake=outcome.mistake,
            duration_s=round(report.duration, 4),
            seed=outcome.seed,
            notices=outcome.notices,
            arrays=outcome.arrays,
            curve=outcome.curve,
            finding=outcome.finding,
        )


def pending_results(
    manifest: list[dict[str, Any]], present: set[str], language: str = "en"
) -> list[TestResult]:
    """Hidden tests listed in the manifest but not run here: shown as pending with their points."""
    return [
        TestResult(
            name=entry["name"],
            function=entry.get("function"),
            score=0.0,
            max_score=float(entry["points"]),
            status="pending",
            hidden=True,
            output=i18n.text(language, "pending_reason"),
        )
        for entry in manifest
        if entry["name"] not in present
    ]
