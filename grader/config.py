"""Read course.yml into validated pydantic models.

Config is checked once, at load time; a wrong or missing field raises a
`ConfigError` whose one-sentence message names the file and the field.
"""

from __future__ import annotations

import difflib
import re
import typing
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from grader import tolerance
from grader.errors import ConfigError, UnknownAssignmentError
from grader.layout import COURSE_FILE


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_zone(text: str) -> tzinfo:
    """A time zone from course.yml: an offset such as +08:00, Z, UTC, or a name such as Asia/Shanghai.

    Raises:
        ValueError: with a sentence saying what to write instead.
    """
    if text in ("Z", "UTC"):
        return timezone.utc
    offset = re.fullmatch(r"([+-])(\d{2}):(\d{2})", text)
    if offset:
        sign, hours, minutes = offset.groups()
        if int(hours) > 23 or int(minutes) > 59:
            raise ValueError(f"{text!r} is not an offset; write one such as +08:00")
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(text)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(
            f"{text!r} is not a time zone; write an offset such as +08:00 or a name such as Asia/Shanghai"
        ) from None


class CourseInfo(_Strict):
    name: str
    language: Literal["en", "zh-CN"] = "en"
    timezone: str = "+00:00"  # the zone handouts and commands show dates in
    # the course's conventions, shown in every handout (in the course's language)
    conventions: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        parse_zone(value)
        return value

    @property
    def zone(self) -> tzinfo:
        """The course's time zone."""
        return parse_zone(self.timezone)


class GradingSettings(_Strict):
    time_limit_s: float = Field(30.0, gt=0)
    startup_limit_s: float = Field(20.0, gt=0)
    memory_limit_mb: int = Field(2048, ge=64)
    output_limit_kb: int = Field(64, ge=1)
    max_array_mb: int = Field(256, ge=1)
    disk_limit_mb: int = Field(64, ge=1)  # everything the child may write: files, /tmp, /dev/shm
    submission_time_limit_s: float = Field(900.0, gt=0)  # wall time of all calls of one submission
    # limits from the reference's recorded times (tests/<id>/timings.json, written by `course
    # release`): a call may take call_time_multiple x the reference's time for it + call_time_floor_s
    # (at most time_limit_s); a submission submission_time_multiple x the reference's suite time +
    # submission_time_floor_s (at most submission_time_limit_s). Wall time: sleeping counts.
    call_time_multiple: float = Field(40.0, ge=1)
    call_time_floor_s: float = Field(1.5, gt=0)
    submission_time_multiple: float = Field(10.0, ge=1)
    submission_time_floor_s: float = Field(10.0, gt=0)
    isolation: Literal["auto", "bubblewrap", "uid", "process"] = "auto"
    rtol: float = Field(tolerance.RTOL, ge=0)
    atol: float = Field(tolerance.ATOL, ge=0)
    # the reference's answers to the calls public tests lead to, shipped for home runs
    # (assignments/<id>/tests/answers.json, `grader.answers`): at most this size; whole public
    # tests past it are left out (a home run then charges there, and says so)
    answers_max_kb: int = Field(2048, ge=0)


class LatePolicy(_Strict):
    grace_minutes: int = Field(0, ge=0)
    penalty_per_day_pct: float = Field(10.0, ge=0, le=100)
    max_penalty_pct: float = Field(100.0, ge=0, le=100)


class Assignment(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    module: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.py$")
    points: float = Field(gt=0)
    release: datetime
    due: datetime
    lms_id: str | None = None  # the LMS's id of this assignment (Canvas's, for `course export`)

    @field_validator("release", "due")
    @classmethod
    def _has_time_zone(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give a time zone, as in 2026-09-21T23:59:00+08:00")
        return value

    @property
    def module_name(self) -> str:
        """The import name of the module, `conv` for `conv.py`."""
        return self.module.removesuffix(".py")


class Course(_Strict):
    course: CourseInfo
    grading: GradingSettings = Field(default_factory=GradingSettings)
    late_policy: LatePolicy = Field(default_factory=LatePolicy)
    assignments: list[Assignment] = Field(default_factory=list)  # empty: a course just started

    @field_validator("assignments")
    @classmethod
    def _unique_ids(cls, assignments: list[Assignment]) -> list[Assignment]:
        ids = [a.id for a in assignments]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"assignment id {duplicates[0]!r} is listed twice")
        return assignments

    def assignment(self, assignment_id: str) -> Assignment:
        """Return the assignment with this id.

        Raises:
            UnknownAssignmentError: with the nearest id as a suggestion.
        """
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        ids = [a.id for a in self.assignments]
        close = difflib.get_close_matches(assignment_id, ids, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"choose one of {', '.join(ids)}."
        raise UnknownAssignmentError(f"no assignment {assignment_id!r}; {hint}")


def _field_path(loc: tuple[Any, ...], raw: Any) -> str:
    """Turn a pydantic error location into words: `assignment 'pool': points`."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            label = node.get("id") if isinstance(node, dict) else None
            parts[-1] = f"assignment {label!r}" if label else f"{parts[-1]}[{key}]"
            continue
        parts.append(str(key))
        node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts).replace("assignments.", "")


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The fields course.yml allows where the unknown field `loc[-1]` was found."""
    model: Any = Course
    for key in loc[:-1]:
        if isinstance(key, int) or not hasattr(model, "model_fields") or key not in model.model_fields:
            continue
        annotation = model.model_fields[key].annotation
        arguments = typing.get_args(annotation)
        model = arguments[0] if arguments else annotation
    return list(getattr(model, "model_fields", {}))


def _describe(error: dict[str, Any], raw: Any, path: Path) -> str:
    where = _field_path(tuple(error["loc"]), raw)
    kind = error["type"]
    if kind == "missing":
        *parent, field = where.split(".")
        under = f" under {parent[-1]}" if parent else ""
        return f"{path.name}: {where} is missing; add '{field}:'{under}."
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(error["loc"][-1]), _fields_at(tuple(error["loc"])), n=1)
        if close:
            return f"{path.name}: unknown field {where}; did you mean {close[0]!r}?"
        return f"{path.name}: unknown field {where}; remove it or check its spelling."
    message = error["msg"].removeprefix("Value error, ")
    return f"{path.name}: {where}: {message}."


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, leaving dates as text: pydantic reads them and names a bad one
    (2026-09-31) with its field, where YAML would raise on its own."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_course(text: str, path: Path = Path(COURSE_FILE)) -> Course:
    """Validate the text of a course.yml.

    Raises:
        ConfigError: naming the file and the first wrong field.
    """
    try:
        raw = yaml.load(text, Loader=_Loader)  # a SafeLoader that leaves dates as text
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path.name}{line}: not valid YAML; check the indentation.") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: expected a mapping with 'course' and 'assignments'.")
    try:
        return Course.model_validate(raw)
    except ValidationError as error:
        # an unknown field first: a typo such as `piont:` also makes `points` missing
        errors = sorted(error.errors(), key=lambda item: item["type"] != "extra_forbidden")
        raise ConfigError(_describe(dict(errors[0]), raw, path)) from None


def load_course(path: Path) -> Course:
    """Read and validate course.yml at `path`.

    Raises:
        ConfigError: if the file is missing or a field is wrong.
    """
    if not path.is_file():
        raise ConfigError(f"{path}: no course file here; run from the course folder or pass --course.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8.") from None
    return parse_course(text, path)


def find_course_root(start: Path | None = None) -> Path:
    """Return the nearest folder at or above `start` that holds course.yml.

    Raises:
        ConfigError: if no folder above `start` has one.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return folder
    raise ConfigError(
        f"no {COURSE_FILE} in {here} or above; run this inside the course folder, or start a course "
        "there with `course init`."
    )
