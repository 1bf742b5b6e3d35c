"""`course check`: no handout gives away a graded function of an assignment still taking work.

An assignment's released stub keeps the reference's given helpers (top-level functions outside
solution regions and not graded in it). When one of them does what a graded function of an earlier
assignment does, and that earlier assignment still takes work when the later one is released (its
due date plus grace plus the late window, `grader.batch.lateness.cutoff`), students of the earlier
one can copy it from the later handout.

"Does what it does" is decided by behaviour, not by name or signature: the helper is called, in
this process (it is the instructor's own reference code, trusted), on every call the earlier
assignment's suites make of its graded function when they grade the earlier reference, and its
answers are compared with the reference's (the course's tolerances; raising where the reference
raises agrees). Names and signatures are what change when a function is given again: assignment
1's `conv_output_size(n, f, pad=0, stride=1)` comes back as `_output_size(n, f, pad, stride)`, so
each call is also tried positionally, with the earlier function's defaults filled in. A helper
that agrees on at least half of the calls, one of them returning a value, is reported: a partial
copy (stride 1 only, say) still gives those tests away.
"""

from __future__ import annotations

import copy
import importlib.util
import inspect
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.batch.lateness import cutoff
from grader.compare import Failure, assert_close, tolerances
from grader.config import Assignment, Course
from grader.grading import grade
from grader.layout import CourseLayout
from grader.release import collect_points, find_regions
from grader.release_fingerprints import _Recorder
from grader.sandbox.recording import Call

AGREEMENT = 0.5  # the share of the earlier function's calls a helper must agree on


def given_helpers(root: Path, assignment: Assignment) -> list[str]:
    """Names of the functions the stub of `assignment` gives as they are: top-level functions
    outside every solution region that no test of `assignment` grades."""
    import ast

    path = CourseLayout(root).solution(assignment)
    source = path.read_text(encoding="utf-8")
    regions = find_regions(source, path)
    graded = _graded(root, assignment)
    names = []
    for node in ast.parse(source).body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name in graded:
            continue
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        if any(region.begin <= last and first <= region.end for region in regions):
            continue  # written by students, or not released at all
        names.append(node.name)
    return names


def _graded(root: Path, assignment: Assignment) -> set[str]:
    return {test["function"] for test in collect_points(CourseLayout(root).suite_files(assignment.id), root)}


def open_earlier(course: Course, later: Assignment) -> list[Assignment]:
    """The assignments released before `later` that still take work when `later` is released."""
    found = []
    for earlier in course.assignments:
        end = cutoff(course, earlier)
        if (
            earlier.id != later.id
            and earlier.release <= later.release
            and (end is None or end > later.release)
        ):
            found.append(earlier)
    return found


def _load(path: Path) -> ModuleType:
    """A reference solution imported in this process under a name of its own."""
    spec = importlib.util.spec_from_file_location(f"_reference_{uuid.uuid4().hex}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recorded_calls(root: Path, assignment: Assignment) -> dict[str, list[Call]]:
    """Every distinct call the suites of `assignment` make of each graded function, on the reference."""
    calls: dict[str, dict[str, Call]] = {}
    grade(root, assignment, CourseLayout(root).solution(assignment), plugins=(_Recorder(calls),))
    return {name: list(by_key.values()) for name, by_key in calls.items() if "." not in name}


def _attempts(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Iterator[tuple]:
    """The ways to call a helper for a call of `function`: as made, then positionally, defaults filled."""
    yield args, kwargs
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return
    bound.apply_defaults()
    yield tuple(bound.arguments.values()), {}


def _agrees(helper: Callable[..., Any], function: Callable[..., Any], call: Call) -> tuple[bool, bool]:
    """(whether the helper agrees with the recorded answer, whether that answer was a value)."""
    args, kwargs, expected = call.decoded()[:3]
    if args is None:
        return False, False
    for positional, named in _attempts(function, tuple(args), dict(kwargs)):
        try:
            got = helper(*copy.deepcopy(positional), **copy.deepcopy(named))
        except TypeError:
            continue
        except Exception:
            return call.error is not None, False
        if call.error is not None:
            return False, False
        try:
            assert_close(got, expected)
        except Failure:
            return False, True
        return True, True
    return False, call.error is None


def implements(helper: Callable[..., Any], function: Callable[..., Any], calls: list[Call]) -> bool:
    """Whether `helper` answers at least AGREEMENT of `calls` of `function` as the reference did,
    one of them with a value."""
    results = [_agrees(helper, function, call) for call in calls]
    agreed = sum(1 for ok, _ in results if ok)
    return bool(calls) and agreed >= AGREEMENT * len(calls) and any(ok and value for ok, value in results)


def check_given_helpers(root: Path, course: Course, assignment: Assignment) -> list[str]:
    """No helper given in `assignment` implements a graded function of an assignment still open
    when `assignment` is released (see the module's docstring).

    Returns:
        one sentence per helper and function it gives away.
    """
    earlier = open_earlier(course, assignment)
    helpers = given_helpers(root, assignment)
    if not earlier or not helpers:
        return []
    layout = CourseLayout(root)
    later_module = _load(layout.solution(assignment))
    problems = []
    with tolerances(course.grading.rtol, course.grading.atol):
        for other in earlier:
            other_module = _load(layout.solution(other))
            for name, calls in recorded_calls(root, other).items():
                function = getattr(other_module, name, None)
                if not callable(function):
                    continue
                for helper_name in helpers:
                    if implements(getattr(later_module, helper_name), function, calls):
                        problems.append(
                            f"{assignment.id}: the given helper {helper_name} does what {other.id}'s graded "
                            f"{name} does, and {assignment.id} is released before {other.id} stops taking "
                            f"work; put {helper_name} in a solution region, or release {assignment.id} later."
                        )
    return problems
