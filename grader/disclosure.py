"""What a student may see: the student copy of a report, built from the full record by a whitelist.

Every record a student reads (Gradescope's results.json and the autograder's standard output,
grade-all's feedback JSON and HTML, the comments posted back, the terminal of an official run) is
`student_copy(report)`. It copies named fields: the report's `REPORT_FIELDS`, a public test's
`PUBLIC_FIELDS` and a hidden test's `HIDDEN_FIELDS`. A hidden test's reason is never the staff's
text: it is rendered here from its notices (`grader.outcome.Notice`), each a template of
`TEMPLATES` whose parameters are all listed in `PARAMETERS`: the function, the position of the
call in the test, the finding's category, the axis, channel or region where results differ, and
a factor. Never an input, an argument, a returned or expected value, or text the student's code
produced (its exception messages, its printed output); the exception's type may be named.

The staff's copy (the report itself) keeps everything.
"""

from __future__ import annotations

import builtins
import re
import string
from collections.abc import Callable
from dataclasses import fields, replace
from fractions import Fraction
from typing import Any

from grader import i18n
from grader.analysis import SENTENCES, Finding
from grader.outcome import Notice
from grader.scoring import Report, TestResult

REPORT_FIELDS = ("assignment", "submission", "isolation", "duration_s", "notes", "language", "schema_version")
PUBLIC_FIELDS = tuple(f.name for f in fields(TestResult))  # a public test's inputs are public
HIDDEN_FIELDS = (
    "name",
    "function",
    "score",
    "max_score",
    "status",
    "hidden",
    "mistake",
    "notices",
)  # no duration: a submission that sleeps in proportion to its inputs would read them back

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")
_ERROR_TYPES = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}


def _identifier(value: Any) -> bool:
    return isinstance(value, str) and _IDENTIFIER.fullmatch(value) is not None


def _identifiers(value: Any) -> bool:
    return isinstance(value, str) and all(_identifier(name) for name in value.split(", "))


def _short_text(limit: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and len(value) <= limit


def _code_names(value: Any) -> bool:
    """A product of parameter names in backticks, as a count's formula names them (`c_in*f*f`)."""
    return isinstance(value, str) and re.fullmatch(r"`[A-Za-z_][A-Za-z0-9_*]{0,80}`", value) is not None


def _position(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10_000


MAX_FACTOR_TERM = 16  # a factor shown of a hidden test: p/q with |p| and q up to this,
MAX_FACTOR_WHOLE = 64  # or n and 1/n up to this (a window's area, a batch, the stride squared)


def _factor(value: Any) -> bool:
    """A factor a mistake makes (2, 1/9, 3/4), never any least-squares fit: a right answer times
    1 + code/1000 would carry a hidden input in the digits of "1449/1000"."""
    if not isinstance(value, str) or re.fullmatch(r"-?\d{1,3}(/[1-9]\d{0,2})?", value) is None:
        return False
    ratio = Fraction(value)
    top, bottom = abs(ratio.numerator), ratio.denominator
    small = top <= MAX_FACTOR_TERM and bottom <= MAX_FACTOR_TERM
    return small or (top == 1 and bottom <= MAX_FACTOR_WHOLE) or (bottom == 1 and top <= MAX_FACTOR_WHOLE)


# Findings whose factor may be shown: a least-squares scale over a whole array. A single number's
# ratio, or a constant array's, would be the expected value itself seen through the student's
# own constant (return 1 and read 1/4), so those kinds show their category only.
FACTOR_KINDS = {"scale"}


# Every parameter a student-visible sentence about a hidden test may carry, with its check.
PARAMETERS: dict[str, Callable[[Any], bool]] = {
    "function": _identifier,  # the graded function (or class) the test checks
    "callees": _identifiers,  # graded functions it calls that fail their own tests
    "position": _position,  # which call of the test (1 = the first)
    "category": lambda value: isinstance(value, str) and value in SENTENCES,  # the finding's kind
    "axis": _short_text(80),  # axes named by the structural analysis ("channel (axis 1)")
    "axes": _short_text(160),
    "order": lambda value: isinstance(value, str) and re.fullmatch(r"\([\d, ]{1,30}\)", value) is not None,
    "region": _short_text(200),  # where results differ: axes and their indices, border, interior
    "factor": _factor,  # a simple ratio between the student's result and the expected one
    "error_type": lambda value: value in _ERROR_TYPES,  # a builtin exception's type, never its text
    "name": _short_text(120),  # a catalogue mistake's name and hint: the course's own words
    "hint": _short_text(400),
    # a count's formula and an argument ignored (grader.analysis.formulas, grader.located): the
    # signature's parameter names in backticks, their docstring descriptions, a default, 1 or 0
    "product": _code_names,
    "term": _code_names,
    "flag": _code_names,
    "wrong": _code_names,
    "right": _code_names,
    "gloss": _short_text(300),
    "value": lambda value: isinstance(value, str) and len(value) <= 20 and value.count("`") == 0,
}
# The templates (i18n keys) a hidden test's notices may use, and the parameters each takes.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "hidden_call": ("function", "position"),
    "hidden_wrong": ("function",),
    "hidden_region": ("region",),
    "hidden_category": ("category",),
    "hidden_raised": ("function", "error_type"),
    "hidden_timeout": ("function",),
    "hidden_failed": ("function",),
    "hidden_not_imported": ("error_type",),
    "callee_cause": ("function", "callees"),
    "callee_cause_many": ("function", "callees"),
    "callee_also_fails": ("function", "callees"),
    "callee_also_fails_many": ("function", "callees"),
    "known_mistake": ("name", "hint"),
    "finding": (  # the analysis' own sentence
        *("category", "axis", "axes", "order", "factor"),
        *("name", "product", "term", "flag", "wrong", "right", "gloss", "value"),
    ),
}
HIDDEN_DETAIL = "hidden_detail"  # said when a hidden test failed and no notice can be shown


def allowed(notice: Notice) -> bool:
    """Whether `notice` uses a listed template with listed parameters that pass their checks."""
    taken = TEMPLATES.get(notice.key)
    if taken is None:
        return False
    return all(key in taken and PARAMETERS[key](value) for key, value in notice.params)


def render(notice: Notice, language: str) -> str:
    """One notice in `language`; "" for a notice that is not allowed."""
    if not allowed(notice):
        return ""
    params = dict(notice.params)
    if notice.key == "finding":
        template = SENTENCES[params["category"]].get(language) or SENTENCES[params["category"]]["en"]
        needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        if not needed <= params.keys():
            return i18n.text(language, "hidden_category", category=params["category"])
        return template.format(**params)
    return i18n.text(language, notice.key, **params)


def finding_notices(finding: Finding) -> list[Notice]:
    """A structural finding as notices: its own sentence when every value it shows is allowed
    (axes, an axis order, a factor), else only its category."""
    template = SENTENCES.get(finding.kind, {}).get("en", "")
    needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    values = {key: str(value) for key, value in finding.values.items() if key in needed}
    if "factor" in needed and finding.kind not in FACTOR_KINDS:
        values.pop("factor", None)
    notice = Notice.of("finding", category=finding.kind, **values)
    if needed <= values.keys() and allowed(notice):
        return [notice]
    return [Notice.of("hidden_category", category=finding.kind)] if finding.kind in SENTENCES else []


_INDEXED = re.compile(r"^(?P<axis>.+?)(?: index |下标 )(?P<indices>\S.*)$")  # where.place("indices")


def bounded_region(region: str) -> str:
    """Where a hidden test's results differ, with one index at most: the axes, border or interior,
    and the first axis differing at a single index ("channel (axis 1) index 2"). Index ranges
    along several axes would spell anything a right answer changed on chosen rows and columns:
    "row (axis 0) index 0–1; column (axis 1) index 2" read back a hidden input (issue 19)."""
    joiner = "；" if "；" in region else "; "
    kept: list[str] = []
    indexed = False
    for part in region.split(joiner):
        found = _INDEXED.match(part)
        if found is None:
            kept.append(part)
        elif found["indices"].isdigit() and not indexed:
            kept.append(part)
            indexed = True
        else:
            kept.append(found["axis"])
    return joiner.join(kept)


def _bounded(notice: Notice) -> Notice:
    if notice.key != "hidden_region":
        return notice
    return Notice.of("hidden_region", region=bounded_region(str(dict(notice.params)["region"])))


def student_test(test: TestResult, language: str) -> TestResult:
    """What a student may see of one test: all of a public one; of a hidden one the named
    fields of HIDDEN_FIELDS, and a reason rendered from its allowed notices only."""
    if not test.hidden:
        return TestResult(**{key: getattr(test, key) for key in PUBLIC_FIELDS})
    blank = TestResult(name="", function=None, score=0.0, max_score=0.0, status="failed", hidden=True)
    kept = replace(blank, **{key: getattr(test, key) for key in HIDDEN_FIELDS})
    notices = tuple(_bounded(notice) for notice in test.notices if allowed(notice))
    lines = [line for line in (render(notice, language) for notice in notices) if line]
    if test.status == "pending":
        lines = [i18n.text(language, "pending_reason")]
    elif not lines and test.status != "passed":
        lines = [i18n.text(language, HIDDEN_DETAIL)]
    return replace(kept, notices=notices, output="\n".join(lines))


def student_copy(report: Report) -> Report:
    """The report a student may see, copied field by field from the staff's full report."""
    copied = {key: getattr(report, key) for key in REPORT_FIELDS}
    copied["notes"] = list(report.notes)
    # the run's time is the public tests' alone: the hidden ones' would be a timing channel
    copied["duration_s"] = sum(test.duration_s for test in report.tests if not test.hidden)
    tests = [student_test(test, report.language) for test in report.tests]
    return Report(tests=tests, **copied)
