"""Find a submission on disk and open it as an object whose attributes are its functions.

`open_submission` returns the isolated proxy of `grader.sandbox` unless the
caller asks for `in_process` (the reference, benchmarks: trusted code only).
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from grader.config import Assignment, GradingSettings
from grader.errors import SubmissionError
from grader.i18n import Sentence
from grader.layout import CourseLayout
from grader.sandbox.recording import CallLog

if TYPE_CHECKING:
    from grader.sandbox import Isolation


class Submission(Protocol):
    """What a grading test and the plugin see of a submission.

    Tests read the graded names as attributes. The plugin reads `isolation` and `notes` for the
    report, and `calls` (the running test's calls, recorded where the submission runs in a
    sandbox; None in process) for diagnosis, training curves and in-place checks.
    """

    @property
    def isolation(self) -> str: ...

    @property
    def notes(self) -> Sequence[Sentence]: ...

    @property
    def broken(self) -> Sentence | None:
        """Why the submission could not be loaded (an import that failed), or None."""

    @property
    def calls(self) -> CallLog | None: ...

    @property
    def not_started(self) -> Sentence | None:
        """Why the sandbox failed before any code of the student's ran (None when it did not)."""

    def forget_calls(self) -> None:
        """Start a new test's record of calls."""

    def __getattr__(self, name: str) -> Any: ...

    def close(self) -> None: ...


def reference_path(root: Path, assignment: Assignment) -> Path:
    """The instructor's reference solution of an assignment."""
    return CourseLayout(root).solution(assignment)


MAX_SUBMISSION_BYTES = 64 * 2**20  # a whole submission, as its files say (sparse files count whole)
MAX_DEPTH = 16  # folders inside a folder submission
MAX_FILES = 2_000  # files and folders in a folder submission
MAX_NOTEBOOK_BYTES = 32 * 2**20  # a notebook is parsed in the grading process: keep it small


def refuse_links(path: Path) -> None:
    """Refuse a submission that is, or contains, a symbolic link (a link to the solutions is easy
    to guess, and a git clone keeps links), or that is too large, too deep or has too many files
    to be copied into a sandbox.

    Raises:
        SubmissionError: naming the first link found, or the limit passed.
    """
    if path.is_symlink():
        raise SubmissionError(f"{path}: a submission may not be a symbolic link; submit the file itself.")
    total, count, stack = 0, 0, [(path, 0)]
    while stack:  # by hand, not os.walk: a folder 1,000 levels deep must not exhaust the recursion
        folder, depth = stack.pop()
        entries = sorted(folder.iterdir()) if folder.is_dir() else [folder]
        for entry in entries:
            info = entry.lstat()
            count, total = count + 1, total + info.st_size
            if entry.is_symlink():
                raise SubmissionError(
                    f"{path}: {entry.relative_to(path)} is a symbolic link; submissions may not contain "
                    "links, replace it with the file itself."
                )
            if total > MAX_SUBMISSION_BYTES or count > MAX_FILES:
                raise SubmissionError(
                    f"{path}: larger than {MAX_SUBMISSION_BYTES // 2**20} MB or {MAX_FILES:,} files; "
                    "submit your code without data files."
                )
            if entry.is_dir() and entry != folder:
                if depth + 1 > MAX_DEPTH:
                    raise SubmissionError(f"{path}: folders nested deeper than {MAX_DEPTH}; flatten them.")
                stack.append((entry, depth + 1))


def resolve_source(path: Path, module_file: str) -> Path:
    """The file to load: `path` itself, or `path/<module_file>` for a folder.

    Raises:
        SubmissionError: if nothing is there, or the submission is or holds a symbolic link.
    """
    refuse_links(path)
    if path.is_dir():
        candidate = path / module_file
        if not candidate.is_file():
            raise SubmissionError(f"{path}: no {module_file} in this folder; submit it there.")
        return candidate
    if not path.is_file():
        raise SubmissionError(f"{path}: no such file; check the path given to --submission.")
    if path.suffix.casefold() not in (".py", ".ipynb"):
        raise SubmissionError(f"{path}: a submission is a .py file, a folder or an .ipynb notebook.")
    return path


class InProcessSubmission:
    """A trusted module imported into this process (no isolation at all, nothing recorded)."""

    isolation = "none (in-process)"
    notes: tuple[Sentence, ...] = ()
    broken: Sentence | None = None
    not_started: Sentence | None = None
    calls: CallLog | None = None

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def forget_calls(self) -> None:
        """Nothing is recorded in process."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def close(self) -> None:
        sys.modules.pop(self._module.__name__, None)


def import_file(source: Path, module_name: str) -> ModuleType:
    """Import a .py file under a private name so that two submissions never clash."""
    unique = f"_submission_{module_name}_{abs(hash(source.resolve()))}"
    spec = importlib.util.spec_from_file_location(unique, source)
    if spec is None or spec.loader is None:
        raise SubmissionError(f"{source}: cannot be imported as Python.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module
    spec.loader.exec_module(module)
    return module


def open_submission(
    path: Path,
    module_name: str,
    settings: GradingSettings,
    in_process: bool = False,
    official: bool = False,
    protected: list[Path] | None = None,
    isolation: Isolation | None = None,
) -> Submission:
    """Open the work at `path` for grading.

    Args:
        path: a .py file, a folder holding `<module_name>.py`, or an .ipynb.
        module_name: the assignment's module, `conv` for conv.py.
        settings: limits of the child process (course.yml `grading:`).
        in_process: import into this process instead of a child (trusted code only).
        official: the score is recorded: refuse weak isolation.
        protected: what the child must not reach (the course's suites and solutions).
        isolation: the level already chosen for this run (`grade` chooses once); None: chosen here.

    Returns:
        an object whose attributes are the submission's functions and classes.

    Raises:
        SubmissionError: if the path holds no submission.
        IsolationRefused: an official run where strong isolation is not available.
    """
    source = resolve_source(path, f"{module_name}.py")
    cells = notebook_code_cells(source) if source.suffix.casefold() == ".ipynb" else None
    if in_process:
        if cells is not None:
            raise SubmissionError(f"{source}: notebooks are only graded in the sandbox.")
        return InProcessSubmission(import_file(source, module_name))
    from grader.sandbox import SandboxedSubmission, choose

    if isolation is None:
        isolation = choose(settings.isolation, [*(protected or []), path], official)
    folder = path if path.is_dir() else None
    return SandboxedSubmission(source, module_name, settings, cells, folder=folder, isolation=isolation)


def notebook_code_cells(path: Path) -> list[str]:
    """The sources of a notebook's code cells, in order.

    Raises:
        SubmissionError: if the file is not a readable Jupyter notebook.
    """
    import nbformat

    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        limit = MAX_NOTEBOOK_BYTES // 2**20
        raise SubmissionError(f"{path.name} is larger than {limit} MB; clear its outputs and save it again.")
    try:
        with warnings.catch_warnings():  # an older Jupyter's notebook (no cell ids) is fine
            warnings.simplefilter("ignore")
            notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises many types for a broken file
        first = str(error).strip().splitlines()[0][:120] if str(error).strip() else type(error).__name__
        raise SubmissionError(
            f"{path.name} is not a readable Jupyter notebook ({first}); save it again from Jupyter."
        ) from None
    return [cell.source for cell in notebook.cells if cell.cell_type == "code" and not _is_test_cell(cell)]


def _is_test_cell(cell: Any) -> bool:
    """nbgrader's graded test cells (and their setup) check the work; they are not part of it."""
    metadata = cell.get("metadata")
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    if not isinstance(nbgrader, dict):  # a student's editor may write anything there
        return False
    return bool(nbgrader.get("grade")) or nbgrader.get("grade_id") == "test_setup"
