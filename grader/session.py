"""One grading run's state: the course, the options, and what the run opens, under one stash key.

`grader.grading.grade` builds a `GradingSession` from typed values (the course it has read, the
isolation level it has chosen, the submission's path) and hands it to pytest as a plugin, which
keeps it under `SESSION` in the config's stash, as pytest's `junitxml` keeps its `LogXML`. When
pytest runs a grading suite by itself (`pytest tests/conv --submission=...`), the plugin builds
the session from the command line instead (`GradingSession.from_config`). Everything the plugin
and the feedback steps keep between hooks lives here: the open submissions, the replay children,
the reference's call graphs, and which functions have failed so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from grader.catalogue import Mistake, load_catalogue
from grader.config import Course, find_course_root, load_course
from grader.containment import suite_uses
from grader.diagnosis import Replayer, callees
from grader.errors import GraderError
from grader.ignored import ReplayBudget
from grader.layout import CourseLayout
from grader.signatures import MAX_SOURCE_BYTES
from grader.submission import Submission, open_submission, reference_path

if TYPE_CHECKING:
    from grader.sandbox import Isolation, SandboxedSubmission


def protected_paths(root: Path) -> list[Path]:
    """What a child must never reach: the course file, its suites, catalogue and solutions."""
    return CourseLayout(root).protected()


def assignment_of(path: Path) -> str:
    """The assignment a suite file belongs to: tests/<id>/test_x.py or assignments/<id>/tests/test_x.py."""
    folder = path.parent
    return folder.parent.name if folder.name == "tests" else folder.name


@dataclass(frozen=True)
class Options:
    """How a run grades (`grade`'s arguments, or the plugin's command-line options).

    Attributes:
        submission: the work graded (a .py file, a folder or an .ipynb); None: the reference.
        in_process: import the submission into the test process (trusted code only).
        official: the score is recorded: refuse to grade without strong isolation.
        language: the feedback's language; None: course.yml's.
        seed: the seed of every test's rng; None: each test's own, from its name.
        fixed_limits: course.yml's fixed time limits, not those from the reference's recorded times.
    """

    submission: Path | None = None
    in_process: bool = False
    official: bool = False
    language: str | None = None
    seed: int | None = None
    fixed_limits: bool = False

    @classmethod
    def from_config(cls, config: pytest.Config) -> Options:
        """The options given on pytest's command line (`grader.plugin.pytest_addoption`)."""
        chosen = config.getoption("--submission")
        return cls(
            submission=Path(chosen) if chosen else None,
            in_process=bool(config.getoption("--in-process")),
            official=bool(config.getoption("--official")),
            language=config.getoption("--lang"),
            seed=config.getoption("--seed"),
            fixed_limits=bool(config.getoption("--fixed-limits")),
        )


@dataclass(eq=False)
class GradingSession:
    """What one run of the grading suites knows and holds.

    Attributes:
        root: the course folder.
        course: course.yml, read once for the run.
        options: how the run grades.
        isolation: the level chosen once by `grade`; None: chosen when a submission is opened.
        opened: the open submissions, by (assignment, path): one child per assignment.
        replayers: the replay children (reference and catalogue), by assignment; None: none there.
        call_graphs: the reference's call graphs, by assignment (empty without a reference).
        uses: per suite file, the names each test reads from `submission`.
        failed: the graded functions with a failed test so far.
        contained: the graded functions with a test kept by containment so far (right alone, wrong
            through a failing callee: a caller's rerun answers them too).
        hidden_used: the open submissions a hidden test has used since a public test last did.
        replay_budgets: the analysis' reference answers, by assignment.
        home_answers: the released answers a home run's containment stands in with, by assignment
            (`grader.answers`; never read by an official run).
    """

    root: Path
    course: Course
    options: Options = field(default_factory=Options)
    isolation: Isolation | None = None
    opened: dict[tuple[str, str], Submission] = field(default_factory=dict)
    replayers: dict[str, Replayer | None] = field(default_factory=dict)
    call_graphs: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    uses: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    contained: set[str] = field(default_factory=set)
    hidden_used: set[tuple[str, str]] = field(default_factory=set)
    replay_budgets: dict[str, ReplayBudget] = field(default_factory=dict)
    home_answers: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: pytest.Config) -> GradingSession:
        """The session of a plain pytest run: the course above pytest's rootdir, the command line's
        options.

        Raises:
            GraderError: no course.yml above the rootdir, or a broken one.
        """
        root = find_course_root(config.rootpath)
        return cls(root, load_course(CourseLayout(root).course_file), Options.from_config(config))

    def pytest_configure(self, config: pytest.Config) -> None:
        """Given to pytest as a plugin (by `grade`): the run's session is this one."""
        config.stash[SESSION] = self

    @property
    def layout(self) -> CourseLayout:
        """Where the course's files are."""
        return CourseLayout(self.root)

    @property
    def language(self) -> str:
        """The feedback's language."""
        return self.options.language or self.course.course.language

    def open(self, assignment_id: str) -> Submission:
        """The run's one open submission of an assignment (one child process per assignment); the
        plugin gives a new one its time limits (`grader.limits`).

        Raises:
            GraderError: an unknown assignment, or a submission that cannot be opened.
        """
        assignment = self.course.assignment(assignment_id)
        path = self.options.submission or reference_path(self.root, assignment)
        key = (assignment.id, str(path))
        if key not in self.opened:
            self.opened[key] = open_submission(
                path,
                assignment.module_name,
                settings=self.course.grading,
                in_process=self.options.in_process,
                official=self.options.official,
                protected=protected_paths(self.root),
                isolation=self.isolation,
            )
        return self.opened[key]

    def handle(self, assignment_id: str) -> SandboxedSubmission | None:
        """The assignment's open sandboxed submission, if one is open."""
        from grader.sandbox import SandboxedSubmission

        for (opened_id, _), handle in self.opened.items():
            if opened_id == assignment_id and isinstance(handle, SandboxedSubmission):
                return handle
        return None

    def replayer(self, assignment_id: str) -> Replayer | None:
        """The assignment's replay child (the reference and the catalogue), made on first use;
        None without a reference or an open sandboxed submission (a student's checkout)."""
        if self.replayers.get(assignment_id) is None:
            handle = self.handle(assignment_id)
            made = None if handle is None else self._new_replayer(assignment_id, handle)
            self.replayers[assignment_id] = made
        return self.replayers[assignment_id]

    def _new_replayer(self, assignment_id: str, handle: SandboxedSubmission) -> Replayer | None:
        try:
            assignment = self.course.assignment(assignment_id)
        except GraderError:
            return None
        try:
            path = self.layout.catalogue(assignment_id)
            catalogue: tuple[Mistake, ...] = load_catalogue(path)
        except GraderError:
            catalogue = ()
        reference = self.layout.solution(assignment)
        if not reference.is_file():
            return None
        return Replayer(reference, catalogue, self.course.grading, handle.isolation_level)

    def answerer(self, assignment_id: str) -> Replayer | None:
        """What answers a failing callee's calls in a containment rerun: the reference's replay
        child where the reference is present; None at home (no reference)."""
        return self.replayer(assignment_id)

    def callees(self, assignment_id: str) -> dict[str, set[str]]:
        """The reference's call graph (empty where there is no reference: a student's checkout)."""
        if assignment_id not in self.call_graphs:
            try:
                module = self.course.assignment(assignment_id).module
                source = (self.layout.solutions / module).read_text(encoding="utf-8")
                self.call_graphs[assignment_id] = callees(source)
            except (GraderError, OSError, SyntaxError):  # a student's checkout: the released call graph
                from grader.answers.home import callees_at_home

                self.call_graphs[assignment_id] = callees_at_home(self, assignment_id)
        return self.call_graphs[assignment_id]

    def names_used(self, suite: Path, test: str) -> set[str]:
        """The names `test` of `suite` reads from `submission`, directly or through its helpers."""
        key = str(suite)
        if key not in self.uses:
            try:
                self.uses[key] = suite_uses(suite.read_text(encoding="utf-8"))
            except (OSError, SyntaxError, UnicodeDecodeError):
                self.uses[key] = {}
        return self.uses[key].get(test, set())

    def module_source(self, assignment_id: str) -> str:
        """The reference's source, else the released stub's (signatures and docstrings only)."""
        try:
            module = self.course.assignment(assignment_id).module
        except GraderError:
            return ""
        for path in (self.layout.solutions / module, self.layout.released(assignment_id) / module):
            if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES:
                return path.read_text(encoding="utf-8", errors="replace")
        return ""

    def close(self) -> None:
        """Close every open submission and replay child."""
        for handle in self.opened.values():
            handle.close()
        for replayer in self.replayers.values():
            if replayer is not None:
                replayer.close()


SESSION = pytest.StashKey[GradingSession]()


def session_of(config: pytest.Config) -> GradingSession:
    """The run's session: the one `grade` gave, else one built from the command line, once.

    Raises:
        GraderError: a plain pytest run outside a course, or with a broken course.yml.
    """
    if SESSION not in config.stash:
        config.stash[SESSION] = GradingSession.from_config(config)
    return config.stash[SESSION]


def opened_submissions(config: pytest.Config) -> list[Any]:
    """The run's open submissions (none when no session was made): for plugins reading call logs."""
    return list(config.stash[SESSION].opened.values()) if SESSION in config.stash else []
