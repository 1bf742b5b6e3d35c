"""Course toolkit for convolutional networks: isolated grading of student submissions.

The public API, for scripts and grading suites, is listed in `__all__`. Its names are imported on
first use (PEP 562), so that `import grader` and the `grade` and `course` commands load only what
they use: `grade --help` needs neither pytest nor NumPy.
"""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:  # for type checkers and editors; at run time, `__getattr__` imports on first use
    from grader.compare import Mismatch, assert_close
    from grader.config import Course, load_course
    from grader.errors import GraderError
    from grader.grading import grade
    from grader.scoring import Report, TestResult

# each public name and the module that defines it
_HOMES = {
    "Course": "grader.config",
    "GraderError": "grader.errors",
    "Mismatch": "grader.compare",
    "Report": "grader.scoring",
    "TestResult": "grader.scoring",
    "assert_close": "grader.compare",
    "grade": "grader.grading",
    "load_course": "grader.config",
}

__all__ = [
    "Course",
    "GraderError",
    "Mismatch",
    "Report",
    "TestResult",
    "assert_close",
    "grade",
    "load_course",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> _typing.Any:
    """A public name, imported from its module on first use and kept here after.

    Raises:
        AttributeError: `name` is not part of the public API (nor a submodule already imported).
    """
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'grader' has no attribute {name!r}")
    value = getattr(_importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
