"""A report as a student reads it top to bottom: each function's points and the one sentence that
matters most for it, then the tests, the cases of one parametrised test in one row.

The records stay one per test (JSON, Gradescope, JUnit, the gradebook); only the terminal table and
the HTML page (`grader.reports`) are grouped, from these pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.scoring import Report, TestResult

_FAILED = ("error", "timeout", "failed")  # the worst status first


def reason_line(test: TestResult) -> str:
    """The reason a person reads first: the output's first line, whole, with the test's seed."""
    line = test.output.strip().splitlines()[0] if test.output.strip() else ""
    if test.seed is not None and f"seed {test.seed}" not in line:
        line += f" (seed {test.seed})"
    return line


def base_name(name: str) -> str:
    """A test's name without its parameters: "test_x[3-2]" -> "test_x"."""
    return name.split("[", 1)[0]


@dataclass
class TestGroup:
    """The cases of one test function (one case for a test without parameters).

    Attributes:
        name: the test's name without parameters (its full name when it has one case).
        function: the graded function it checks.
        hidden: whether it is a hidden test.
        tests: its cases, in the report's order.
    """

    __test__ = False  # not a pytest test class

    name: str
    function: str | None
    hidden: bool
    tests: list[TestResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tests)

    @property
    def passed(self) -> int:
        return sum(t.status == "passed" for t in self.tests)

    @property
    def status(self) -> str:
        """The worst status of its cases: an error, a timeout, a failure, pending, else passed."""
        statuses = {t.status for t in self.tests}
        for status in (*_FAILED, "pending"):
            if status in statuses:
                return status
        return "passed"

    @property
    def shown(self) -> TestResult:
        """The case whose reason the row shows: the first that did not pass, else the first with a
        note (a callee named), else the first."""
        failed = [t for t in self.tests if t.status in _FAILED]
        noted = [t for t in self.tests if t.output.strip()]
        return (failed or noted or self.tests)[0]


def grouped_tests(report: Report) -> list[TestGroup]:
    """The report's tests grouped by test function (parametrised cases together), in the order of
    their first case."""
    groups: dict[tuple[str, str | None, bool], TestGroup] = {}
    for test in report.tests:
        name = base_name(test.name)
        group = groups.setdefault(
            (name, test.function, test.hidden), TestGroup(name, test.function, test.hidden)
        )
        group.tests.append(test)
    for group in groups.values():
        if len(group.tests) == 1:
            group.name = group.tests[0].name
    return list(groups.values())


@dataclass
class FunctionSummary:
    """What one graded function earned, and the one sentence that matters most for it.

    Attributes:
        function: the function's name (the test's name for a test that names none).
        score: points earned; max_score: points available; pending: points of tests not run here.
        sentence: the first line of the reason that matters most ("" when every test passed
            without a note).
        status: "passed", "failed" (some points lost) or "pending" (no test of it ran).
    """

    function: str
    score: float = 0.0
    max_score: float = 0.0
    pending: float = 0.0
    sentence: str = ""
    status: str = "passed"


def _importance(test: TestResult) -> tuple[int, int, float]:
    """Sort key of the reasons of one function: a named mistake first, then a public test (a
    student can act on its inputs), then the most points lost."""
    return (0 if test.mistake else 1, 1 if test.hidden else 0, test.score - test.max_score)


def function_summaries(report: Report) -> list[FunctionSummary]:
    """One summary per graded function, in the order of the report's tests."""
    tests: dict[str, list[TestResult]] = {}
    for test in report.tests:
        tests.setdefault(test.function or test.name, []).append(test)
    summaries = []
    for function, own in tests.items():
        summary = FunctionSummary(function)
        summary.score = sum(t.score for t in own)
        summary.max_score = sum(t.max_score for t in own)
        summary.pending = sum(t.max_score for t in own if t.status == "pending")
        failed = sorted((t for t in own if t.status in _FAILED), key=_importance)
        noted = [t for t in own if t.status == "passed" and t.output.strip()]
        if failed:
            summary.status, summary.sentence = "failed", reason_line(failed[0])
        elif noted:
            summary.sentence = reason_line(noted[0])
        if summary.pending and summary.pending == summary.max_score:
            summary.status = "pending"
        summaries.append(summary)
    return summaries
