"""One grading run's state (grader.session): built once by `grade` from typed values, read by the
plugin from one stash key; course.yml read once and the isolation chosen once per run."""

import pytest

from grader import grading, session, submission
from grader.config import load_course
from grader.sandbox import SandboxedSubmission, choose
from grader.session import SESSION, GradingSession, session_of

from .conftest import fixture_course

pytest_plugins = ["pytester"]


class _Probe:
    """Reads, while pytest runs, the session the plugin sees and the grader's command-line options."""

    def __init__(self):
        self.seen = {}

    def pytest_collection_finish(self, session):
        config = session.config
        self.seen = {
            "session": config.stash[SESSION],
            "options": {name: config.getoption(name) for name in ("--submission", "--lang", "--official")},
            "attributes": [name for name in ("_grader_course", "_grader_root") if hasattr(config, name)],
        }


def _counting(monkeypatch, module, name):
    calls = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_grade_gives_the_plugin_its_typed_session(tmp_path, monkeypatch):
    """The plugin reads the session `grade` built (the course object it was given, the submission
    path, the language), never options parsed back from strings; course.yml is not read again."""
    root = fixture_course(tmp_path / "course")
    course = load_course(root / "course.yml")
    reads = [_counting(monkeypatch, grading, "load_course"), _counting(monkeypatch, session, "load_course")]
    probe = _Probe()
    work = root / "solutions" / "vec.py"
    report = grading.grade(
        root,
        course.assignment("vec"),
        work,
        in_process=True,
        language="zh-CN",
        plugins=(probe,),
        course=course,
    )
    assert report.score == report.max_score
    made = probe.seen["session"]
    assert isinstance(made, GradingSession) and made.course is course
    assert made.options.submission == work and made.options.in_process and made.language == "zh-CN"
    assert probe.seen["options"] == {"--submission": None, "--lang": None, "--official": False}
    assert probe.seen["attributes"] == []
    assert reads == [[], []]


def test_a_grade_run_reads_course_yml_once_and_chooses_isolation_once(tmp_path, monkeypatch):
    root = fixture_course(tmp_path / "course")
    course = load_course(root / "course.yml")
    reads = [_counting(monkeypatch, grading, "load_course"), _counting(monkeypatch, session, "load_course")]
    chosen = _counting(monkeypatch, grading, "choose")
    import grader.sandbox

    chosen_again = _counting(monkeypatch, grader.sandbox, "choose")  # where open_submission looks
    probe = _Probe()
    report = grading.grade(
        root, course.assignment("stats"), root / "solutions" / "stats.py", plugins=(probe,)
    )
    assert report.score == report.max_score
    assert [len(calls) for calls in reads] == [1, 0]
    assert len(chosen) == 1 and chosen_again == []
    made = probe.seen["session"]
    assert made.isolation is not None and made.isolation.level in report.isolation.split(" ")[0]
    assert all(isinstance(handle, SandboxedSubmission) for handle in made.opened.values())


def test_open_submission_uses_the_isolation_it_is_given(tmp_path, monkeypatch):
    """The level chosen once for the run is the child's: nothing chooses again."""
    root = fixture_course(tmp_path / "course")
    course = load_course(root / "course.yml")
    level = choose(course.grading.isolation, [], official=False)
    import grader.sandbox

    monkeypatch.setattr(grader.sandbox, "choose", lambda *args: pytest.fail("chose again"))
    opened = submission.open_submission(
        root / "solutions" / "stats.py", "stats", course.grading, isolation=level
    )
    try:
        assert opened.isolation_level is level
    finally:
        opened.close()


PLAIN_RUN = """
from grader.session import session_of


def pytest_collection_finish(session):
    made = session_of(session.config)
    print(f"session: {made.course.course.name} {made.options.submission} seed={made.options.seed}")
"""


def test_plain_pytest_builds_the_session_from_the_command_line(pytester):
    """`pytest tests/<id>` without `grade`: the session comes from course.yml above the rootdir and
    the command line's options."""
    root = fixture_course(pytester.path / "course")
    (root / "conftest.py").write_text(PLAIN_RUN)
    work = root / "solutions" / "stats.py"
    result = pytester.runpytest_subprocess(
        str(root / "tests" / "stats"),
        f"--rootdir={root}",
        f"--submission={work}",
        "--seed=7",
        "-s",
        "-p",
        "no:cacheprovider",
    )
    result.stdout.fnmatch_lines([f"session: * {work} seed=7"])
    assert result.ret == 0


def test_session_of_makes_one_session_per_config(pytester):
    fixture_course(pytester.path / "course")
    config = pytester.parseconfigure(f"--rootdir={pytester.path / 'course'}")
    assert session_of(config) is session_of(config)


def test_grade_all_reads_course_yml_once_per_submission(tmp_path, monkeypatch):
    """A grade-all worker reads course.yml once for a submission, and `grade` uses what it read."""
    import grader.config
    from grader.batch import run
    from grader.batch.scores import LatePenalty

    root = fixture_course(tmp_path / "course")
    reads = [
        _counting(monkeypatch, grader.config, "load_course"),
        _counting(monkeypatch, grading, "load_course"),
        _counting(monkeypatch, session, "load_course"),
    ]
    graded = run.grade_job(str(root), "stats", str(root / "solutions" / "stats.py"), LatePenalty("unknown"))
    assert "error" not in graded and graded["score"] == graded["max_score"]
    assert [len(calls) for calls in reads] == [1, 0, 0]
