"""The one place pytest runs in this process: `grade` runs suites, `course release` and `course
check` collect their points (`grader.release.collect_points`).

pytest runs suites with --import-mode=importlib, which names a suite module after its path under
the rootdir (tests/conv/test_hidden.py -> "tests.conv.test_hidden") and reuses a module of that
name already in sys.modules. A second course, or a new release of the same one, graded or
collected in this process would then run or count the first one's tests. So every run starts
from fresh suite modules and forgets them after.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# the options every in-process run shares: the course folder as rootdir keeps tests/conv/test_hidden.py
# and tests/pool/test_hidden.py apart, and pytest's cache is never written into a course
COMMON = (
    "--import-mode=importlib",
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",  # grader's own modules are already imported here
    "-p",
    "no:cacheprovider",
)


def _name_under(path: Path, anchor: Path) -> str | None:
    """The dotted module name of `path` relative to `anchor` as importlib mode forms it ("." in a
    part becomes "_", a package's __init__ is its folder), or None when `path` is not under it."""
    try:
        parts = path.with_suffix("").relative_to(anchor).parts
    except ValueError:
        return None
    if len(parts) >= 2 and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(part.replace(".", "_") for part in parts)


def _package_root(path: Path) -> Path | None:
    """The folder above the outermost package holding `path` (folders with an __init__.py and an
    identifier for a name), or None when `path` is in no package."""
    top = None
    for parent in path.parents:
        if not (parent / "__init__.py").is_file() or not parent.name.isidentifier():
            break
        top = parent
    return top.parent if top is not None else None


def suite_module_names(files: list[Path], root: Path) -> set[str]:
    """The names importlib mode may give these suite files: by their package, when they are in one,
    and by their path under the rootdir (or under the file system's root, outside it).

    Args:
        files: the suite files.
        root: the rootdir of the run.

    Returns:
        module names, as keys of sys.modules.
    """
    names = set()
    for path in files:
        names.add(_name_under(path, root) or _name_under(path, Path(path.anchor)) or path.stem)
        package_root = _package_root(path)
        if package_root is not None:
            names.add(_name_under(path, package_root) or path.stem)
    return names


def _forget(names: set[str], files: list[Path]) -> None:
    """Drop the suite modules from sys.modules: by name, and any module loaded from a suite file."""
    suites = {str(path) for path in files}
    for name, module in list(sys.modules.items()):
        if name in names or getattr(module, "__file__", None) in suites:
            sys.modules.pop(name, None)


@contextlib.contextmanager
def fresh_suites(files: list[Path], root: Path) -> Iterator[None]:
    """Within: no module of these suite files is in sys.modules before, and none is left after.

    Args:
        files: the suite files of the run.
        root: its rootdir.
    """
    files = [path.absolute() for path in files]
    names = suite_module_names(files, root.absolute())
    _forget(names, files)
    try:
        yield
    finally:
        _forget(names, files)


def run_pytest(files: list[Path], root: Path, options: list[str], plugins: list[object]) -> int:
    """Run pytest in this process on `files`, from fresh suite modules, its output swallowed.

    Args:
        files: the suite files (none: nothing runs).
        root: the course folder, pytest's rootdir.
        options: this run's own command-line options (besides the files, the rootdir, and
            `COMMON`).
        plugins: plugin objects registered for this run only.

    Returns:
        pytest's exit code (`pytest.ExitCode.NO_TESTS_COLLECTED` when there are no files).
    """
    if not files:
        return pytest.ExitCode.NO_TESTS_COLLECTED
    arguments = [*map(str, files), f"--rootdir={root}", *COMMON, *options]
    quiet = contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO())
    with quiet[0], quiet[1], fresh_suites(files, root):
        return pytest.main(arguments, plugins=plugins)
