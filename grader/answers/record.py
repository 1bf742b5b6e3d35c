"""Release step: record the reference's answers to the calls the public tests lead to.

Instructor code, run by `course release`: the public suite runs in process on the reference
(trusted code), staged where the student's copy of it will run (assignments/<id>/tests/, so a
test's id, and so its seed, is the student's), with every graded function and every public
method of a graded class wrapped to record its calls at any depth: the arguments bound to the
parameters, the object's state before a method call, and the answer. The hidden suite runs the
same way on the course as it is, to know every call a hidden test leads to.
"""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from grader.config import Assignment
from grader.errors import ReleaseError
from grader.grading import grade
from grader.session import opened_submissions
from grader.standins import _bound, plain

MAX_CALLS = 200_000  # calls recorded per suite run: a hidden suite's loops stay bounded


@dataclass
class Recorded:
    """One call of a graded function (or method) made while a test ran on the reference."""

    test: str
    function: str  # the graded function the test checks
    hidden: bool
    call: str  # "conv_single_step", "ConvNet.loss"
    arguments: dict[str, Any] | None  # bound to the parameters; None when not plain data
    state: dict[str, Any] | None  # an object's attributes before a method call
    depth: int  # 0: the test called it itself
    answer: tuple[str, Any] = ("ok", None)

    @property
    def owner(self) -> str:
        """The graded name a call belongs to: the function, or a method's class."""
        return self.call.split(".", 1)[0]


class _Recorder:
    """pytest plugin: while each test's call phase runs in process, wrap the graded names of the
    submission's module so that their calls, nested ones included, are kept in `self.calls`."""

    def __init__(self, graded: set[str], watch: Callable[[Recorded], None] | None = None) -> None:
        self.graded = graded
        self.calls: list[Recorded] = []
        self.depth = 0
        self.watch = watch  # given: each call is shown to it, uncopied, before it runs, and not kept

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        module = _module_of(item)
        marker = item.get_closest_marker("function")
        if module is None or marker is None:
            yield
            return
        hidden = item.get_closest_marker("hidden") is not None
        made = functools.partial(Recorded, item.name, str(marker.args[0]), hidden)
        restore = self._wrap(module, made)
        try:
            yield
        finally:
            for target, name, original in restore:
                setattr(target, name, original)

    def _wrap(self, module: ModuleType, made: Callable[..., Recorded]) -> list[tuple[Any, str, Any]]:
        restore: list[tuple[Any, str, Any]] = []
        for name in sorted(self.graded):
            original = getattr(module, name, None)
            if inspect.isfunction(original):
                restore.append((module, name, original))
                setattr(module, name, self._recording(name, original, made, method=False))
            elif inspect.isclass(original):
                for attribute, method in list(vars(original).items()):
                    public = attribute == "__init__" or not attribute.startswith("_")
                    if inspect.isfunction(method) and public:
                        restore.append((original, attribute, method))
                        label = f"{name}.{attribute}"
                        setattr(original, attribute, self._recording(label, method, made, method=True))
        return restore

    def _recording(
        self, label: str, original: Any, made: Callable[..., Recorded], method: bool
    ) -> Callable[..., Any]:
        recorder = self

        @functools.wraps(original)
        def recording(*args: Any, **kwargs: Any) -> Any:
            if len(recorder.calls) >= MAX_CALLS:
                return original(*args, **kwargs)
            instance = args[0] if method else None
            bound = _bound(original, list(args), kwargs)
            if bound is not None and method:
                bound.pop(next(iter(bound)))  # self
            if recorder.watch is not None:
                state = dict(vars(instance)) if method else None
                recorder.watch(made(label, bound, state, recorder.depth))
                return original(*args, **kwargs)
            state = copy.deepcopy(dict(vars(instance))) if method else None
            kept = copy.deepcopy(bound) if bound is not None and plain(bound) else None
            call = made(label, kept, state, recorder.depth)
            recorder.calls.append(call)
            recorder.depth += 1
            try:
                result = original(*args, **kwargs)
            except Exception as error:
                call.answer = ("raised", type(error).__name__)
                raise
            finally:
                recorder.depth -= 1
            value = [result, dict(vars(instance))] if method else result
            call.answer = ("ok", copy.deepcopy(value))
            return result

        return recording


def _module_of(item: pytest.Item) -> ModuleType | None:
    """The module of the run's in-process submission (the reference)."""
    for handle in opened_submissions(item.config):
        module = getattr(handle, "_module", None)
        if isinstance(module, ModuleType):
            return module
    return None


def record_public(root: Path, assignment: Assignment, public_source: str, graded: set[str]) -> list[Recorded]:
    """Every call the public suite leads to, run in process on the reference where a student's copy
    of the suite runs (so each test has the student's id and seed)."""
    recorder = _Recorder(graded)
    with tempfile.TemporaryDirectory(prefix="grader-answers-") as folder:
        stage = Path(folder)
        shutil.copyfile(root / "course.yml", stage / "course.yml")
        suite = stage / "assignments" / assignment.id / "tests" / "test_public.py"
        suite.parent.mkdir(parents=True)
        suite.write_text(public_source, encoding="utf-8")
        grade(stage, assignment, root / "solutions" / assignment.module, in_process=True, plugins=(recorder,))
    return recorder.calls


def watch_hidden(
    root: Path, assignment: Assignment, names: set[str], watch: Callable[[Recorded], None]
) -> None:
    """Show `watch` every call of `names` (graded names) that the hidden suite leads to, run in
    process on the reference in the course itself, uncopied, before each call runs.

    Raises:
        ReleaseError: the reference fails a hidden test, so its calls are not all known.
    """
    if not names or not list((root / "tests" / assignment.id).glob("test_hidden*.py")):
        return
    errors: list[Exception] = []

    def hidden_only(call: Recorded) -> None:
        if call.hidden:
            try:
                watch(call)
            except Exception as error:  # never lost inside the test that made the call
                errors.append(error)

    recorder = _Recorder(names, hidden_only)
    report = grade(
        root, assignment, root / "solutions" / assignment.module, in_process=True, plugins=(recorder,)
    )
    if errors:
        raise errors[0]
    failed = [test.name for test in report.tests if test.hidden and test.status != "passed"]
    if failed:
        raise ReleaseError(
            f"tests/{assignment.id}: the reference fails the hidden test {failed[0]}, so the calls the "
            "hidden tests lead to are not all known; run `course check` and fix it."
        )


def graded_names(root: Path, assignment: Assignment) -> set[str]:
    """The graded functions and classes: those a suite of the assignment names in a
    `@pytest.mark.function("...")` marker, read from the syntax trees (nothing is run)."""
    names = set()
    for path in sorted((root / "tests" / assignment.id).glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "function"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names.add(node.args[0].value)
    return names
