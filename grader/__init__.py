"""Course toolkit for convolutional networks: isolated grading of student submissions.

The public API, for scripts and grading suites:
"""

from grader.compare import Mismatch, assert_close
from grader.config import Course, load_course
from grader.errors import GraderError
from grader.grading import grade
from grader.scoring import Report, TestResult

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
