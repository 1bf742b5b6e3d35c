"""The course folder's layout: the one owner of every path in it, as nbgrader's `CourseDirectory` is.

    course.yml                          the course: assignments, points, dates, grading settings
    solutions/<module>                  the reference solutions (instructor only)
    tests/<id>/test_*.py                the suites, public and hidden (instructor only)
    tests/<id>/mistakes.py              the mistake catalogue (instructor only, never shipped)
    tests/<id>/timings.json             the reference's recorded times (written by `course release`)
    assignments/<id>/                   what students get: stub, notebook, handout (released)
    assignments/<id>/tests/             the public suite, hidden.json, stub.json, fingerprints.json

Every module asks this one for a path instead of joining strings, and "the course's files" has
one definition, `CourseLayout.course_files`: grade-all's result cache key, its Dask bundle, the
fingerprints' digest and the Gradescope autograder zip are all made from it, so that none of
them can go stale while another sees a change. The repository's own tests (tests/toolkit/) are
not course files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

COURSE_FILE = "course.yml"
SOLUTIONS = "solutions"
TESTS = "tests"
ASSIGNMENTS = "assignments"
TOOLKIT = "toolkit"  # tests/toolkit/: the toolkit's own tests, when the course lives in its repository
CATALOGUE_FILE = "mistakes.py"
TIMINGS_FILE = "timings.json"
MANIFEST_FILE = "hidden.json"
SUITE_PATTERN = "test_*.py"


class AssignmentLike(Protocol):
    """What the layout needs of an assignment (`grader.config.Assignment` has it)."""

    @property
    def id(self) -> str: ...

    @property
    def module(self) -> str: ...


def _ignored(parts: tuple[str, ...]) -> bool:
    """Caches, hidden files and compiled bytecode are never course files."""
    return any(part.startswith(".") or part == "__pycache__" for part in parts) or parts[-1].endswith(".pyc")


@dataclass(frozen=True)
class CourseLayout:
    """The paths of one course folder.

    Args:
        root: the course folder (the one holding course.yml).
    """

    root: Path

    @property
    def course_file(self) -> Path:
        """course.yml."""
        return self.root / COURSE_FILE

    @property
    def solutions(self) -> Path:
        """solutions/: the reference solutions."""
        return self.root / SOLUTIONS

    @property
    def tests(self) -> Path:
        """tests/: the instructor's suites and catalogues, one folder per assignment."""
        return self.root / TESTS

    @property
    def assignments(self) -> Path:
        """assignments/: the released student material, one folder per assignment."""
        return self.root / ASSIGNMENTS

    def solution(self, assignment: AssignmentLike) -> Path:
        """The reference solution of an assignment: solutions/<module>."""
        return self.solutions / assignment.module

    def suites(self, assignment_id: str) -> Path:
        """The instructor's suites of an assignment: tests/<id>/."""
        return self.tests / assignment_id

    def suite_files(self, assignment_id: str) -> list[Path]:
        """The instructor's suite files of an assignment, tests/<id>/test_*.py, sorted."""
        return sorted(self.suites(assignment_id).glob(SUITE_PATTERN))

    def hidden_suite(self, assignment_id: str) -> Path:
        """tests/<id>/test_hidden.py."""
        return self.suites(assignment_id) / "test_hidden.py"

    def catalogue(self, assignment_id: str) -> Path:
        """The mistake catalogue of an assignment: tests/<id>/mistakes.py."""
        return self.suites(assignment_id) / CATALOGUE_FILE

    def timings(self, assignment_id: str) -> Path:
        """The reference's recorded times of an assignment: tests/<id>/timings.json."""
        return self.suites(assignment_id) / TIMINGS_FILE

    def released(self, assignment_id: str) -> Path:
        """The released folder of an assignment: assignments/<id>/ (the student's working folder)."""
        return self.assignments / assignment_id

    def released_module(self, assignment: AssignmentLike) -> Path:
        """The released stub of an assignment: assignments/<id>/<module>."""
        return self.released(assignment.id) / assignment.module

    def released_tests(self, assignment_id: str) -> Path:
        """The released tests of an assignment: assignments/<id>/tests/."""
        return self.released(assignment_id) / TESTS

    def manifest(self, assignment_id: str) -> Path:
        """The released manifest of hidden tests (ids and points only): assignments/<id>/tests/hidden.json."""
        return self.released_tests(assignment_id) / MANIFEST_FILE

    def suite_folder(self, assignment_id: str) -> Path:
        """The suites `grade` runs: the instructor's (tests/<id>/) when present, else the released
        public tests (a student's checkout)."""
        instructor = self.suites(assignment_id)
        return instructor if instructor.is_dir() else self.released_tests(assignment_id)

    def protected(self) -> list[Path]:
        """What a sandboxed child must never reach: the course file, its suites, catalogues and
        solutions, and the repository's history."""
        return [self.course_file, self.tests, self.solutions, self.root / ".git"]

    def _under(self, folder: Path) -> list[Path]:
        """The course files under one folder: caches, hidden files and tests/toolkit/ left out."""
        found = []
        for path in folder.rglob("*"):
            parts = path.relative_to(self.root).parts
            if parts[:2] != (TESTS, TOOLKIT) and not _ignored(parts) and path.is_file():
                found.append(path)
        return found

    def course_files(self, assignment: AssignmentLike | None = None) -> list[Path]:
        """The course's files, sorted: what grading reads besides the submission.

        Args:
            assignment: only the files one assignment is graded with (course.yml, its reference,
                tests/<id>/, its released manifest); None: the whole course (also tests/ outside
                any assignment's folder and every file of solutions/).

        Returns:
            existing files: course.yml, solutions/, tests/ (not tests/toolkit/) and every
            assignments/<id>/tests/hidden.json; caches, hidden files and bytecode left out.
        """
        if assignment is None:
            found = [*self._under(self.tests), *self._under(self.solutions)]
            found += self.assignments.glob(f"*/{TESTS}/{MANIFEST_FILE}")
        else:
            found = [self.solution(assignment), *self._under(self.suites(assignment.id))]
            found.append(self.manifest(assignment.id))
        found.append(self.course_file)
        return sorted({path for path in found if path.is_file()})

    def release_outputs(self, assignment_id: str) -> list[Path]:
        """The course files `course release` writes (after the fingerprints, which therefore cannot
        depend on them): the recorded times and the released manifest."""
        return [self.timings(assignment_id), self.manifest(assignment_id)]

    def relative(self, path: Path) -> str:
        """A course path as the course names it: relative to the root, with forward slashes."""
        return path.relative_to(self.root).as_posix()


FEEDBACK = "feedback"
STAFF = "staff"  # the instructor's records: full reports, findings, sources (a 0700 folder)
CACHE_FILE = "cache.jsonl"


@dataclass(frozen=True)
class GradesLayout:
    """grade-all's output folder (`--out`, grades/ by default), which `collect`, `export` and
    `insight` read back.

    Args:
        root: the output folder.
    """

    root: Path

    @property
    def cache(self) -> Path:
        """cache.jsonl: the results by content, course version and conditions (resumes a run)."""
        return self.root / CACHE_FILE

    @property
    def feedback_folder(self) -> Path:
        """feedback/: what each student receives, one folder per student."""
        return self.root / FEEDBACK

    def feedback(self, student: str, assignment_id: str, suffix: str = ".json") -> Path:
        """One student's feedback on one assignment: feedback/<student>/<id>.json (or .html)."""
        return self.feedback_folder / student / f"{assignment_id}{suffix}"

    @property
    def staff_folder(self) -> Path:
        """staff/: the instructor's private records, one folder per student."""
        return self.root / STAFF

    def staff(self, student: str, assignment_id: str) -> Path:
        """One staff record: staff/<student>/<id>.json."""
        return self.staff_folder / student / f"{assignment_id}.json"
