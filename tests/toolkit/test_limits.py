"""Time limits from the reference's recorded times (issue 22): `course release` records them in
tests/<id>/timings.json, grading derives each call's limit and the submission's budget from them,
and without them the fixed limits apply, with a note."""

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import i18n
from grader.batch.cluster import bundle_files
from grader.cli import course_command
from grader.config import GradingSettings, load_course
from grader.grading import grade
from grader.limits import ReferenceLimits, describe
from grader.sandbox import SandboxedSubmission, SubmissionTimeout
from grader.sandbox.timing import Budget
from grader.timings import ItemTimes, Timings, inputs_digest, load_timings, round_up, timings_path

from .conftest import fixture_course

HONEST_LOOPS = """
import math


def add(x, y):
    out = x.copy()
    for index in range(x.size):
        out.flat[index] = x.flat[index] + y.flat[index]
    return out


def scale(x, k=2.0):
    out = x.copy()
    for index in range(x.size):
        out.flat[index] = k * x.flat[index]
    return out


def norm(x):
    total = 0.0
    for value in x.flat:
        total += float(value) * float(value)
    return math.sqrt(total)
"""


def submission(folder: Path, source: str) -> Path:
    path = folder / "vec.py"
    path.write_text(source, encoding="utf-8")
    return path


def sleeping(seconds: float, in_add_only: bool = False) -> str:
    """A correct vec.py whose functions sleep (wall time, no CPU) before answering."""
    nap = f"    time.sleep({seconds})\n"
    return (
        "import time\nimport numpy as np\n\n\n"
        f"def add(x, y):\n{nap}    return x + y\n\n\n"
        f"def scale(x, k=2.0):\n{'' if in_add_only else nap}    return x * k\n\n\n"
        f"def norm(x):\n{'' if in_add_only else nap}    return float(np.sqrt(np.sum(x * x)))\n"
    )


def with_grading(root: Path, **settings: float) -> Path:
    """Set grading fields of the course's course.yml."""
    text = (root / "course.yml").read_text(encoding="utf-8")
    lines = "".join(f"  {key}: {value}\n" for key, value in settings.items() if f"  {key}:" not in text)
    for key, value in settings.items():
        if f"  {key}:" in text:
            start = text.index(f"  {key}:")
            end = text.index("\n", start)
            text = text[:start] + f"  {key}: {value}" + text[end:]
    (root / "course.yml").write_text(text.replace("grading:\n", "grading:\n" + lines, 1), encoding="utf-8")
    return root


def graded(root: Path, path: Path, language: str = "en"):
    course = load_course(root / "course.yml")
    return grade(root, course.assignment("vec"), path, language=language)


def limits_of(root: Path) -> ReferenceLimits:
    timings = load_timings(timings_path(root, "vec"))
    assert timings is not None
    return ReferenceLimits(load_course(root / "course.yml").grading, timings)


def test_the_fixture_course_ships_times_measured_on_its_reference():
    """The fixture course carries the times `course release` recorded (so that releasing a copy
    measures nothing again); they are of the reference and suites it holds now."""
    root = Path(__file__).resolve().parent / "files" / "course"
    for assignment in load_course(root / "course.yml").assignments:
        recorded = load_timings(timings_path(root, assignment.id))
        assert recorded is not None
        assert recorded.inputs == inputs_digest(root, assignment), "run `course release` on the fixture"


@pytest.mark.slow
def test_release_records_the_reference_times_and_grading_reads_them(tmp_path):
    """`course release` grades the reference and writes tests/<id>/timings.json (not in
    assignments/); a second release finds them up to date; grading states the recorded time."""
    root = fixture_course(tmp_path / "course")
    for assignment_id in ("vec", "stats"):
        timings_path(root, assignment_id).unlink()
    result = CliRunner().invoke(course_command, ["release", "--course", str(root)])
    assert result.exit_code == 0, result.output
    assert "wrote tests/vec/timings.json" in result.output
    recorded = json.loads(timings_path(root, "vec").read_text(encoding="utf-8"))
    assert set(recorded["tests"]) == {
        f"tests/vec/test_hidden.py::{name}"
        for name in ("test_add", "test_scale", "test_norm_of_three_four", "test_norm_random")
    }
    assert recorded["tests"]["tests/vec/test_hidden.py::test_scale"]["calls"].keys() == {"scale"}
    assert recorded["suite_s"] > 0 and recorded["runs"] == 3
    assert not list((root / "assignments").rglob("timings.json"))
    again = CliRunner().invoke(course_command, ["release", "--course", str(root)])
    assert "vec: times up to date" in again.output

    with_grading(root, time_limit_s=10, call_time_floor_s=2)
    report = graded(root, submission(tmp_path, sleeping(60, in_add_only=True)))
    limit = limits_of(root)
    limit.test = "tests/vec/test_hidden.py::test_add"
    call = limit.call("add")
    assert call.reference_s == recorded["tests"]["tests/vec/test_hidden.py::test_add"]["calls"]["add"]
    [add] = [t for t in report.tests if t.function == "add"]
    assert add.status == "timeout"
    expected = i18n.text("en", "timeout.call_reference", function="add", limit=f"{call.seconds:g}",
                         reference=f"{call.reference_s:g}")  # fmt: skip
    assert add.output.startswith(expected)


def test_a_sleeping_call_is_stopped_at_its_reference_based_limit(tmp_path):
    """A correct add that sleeps 60 s (no CPU) times out at 10 x the reference's time + 2 s, with a
    reason giving that limit and the reference's time, in both languages; the rest keep their points."""
    root = with_grading(fixture_course(tmp_path / "course"), time_limit_s=10, call_time_floor_s=2)
    limits = limits_of(root)
    limits.test = "tests/vec/test_hidden.py::test_add"
    call = limits.call("add")
    assert call.reference_s is not None and call.seconds < 10
    report = graded(root, submission(tmp_path, sleeping(60, in_add_only=True)), language="zh-CN")
    [add] = [t for t in report.tests if t.function == "add"]
    assert add.status == "timeout"
    values = {"function": "add", "limit": f"{call.seconds:g}", "reference": f"{call.reference_s:g}"}
    assert add.output.startswith(i18n.text("zh-CN", "timeout.call_reference", **values))
    assert report.score == report.max_score - add.max_score


def test_a_sleeping_submission_is_stopped_at_the_reference_based_budget(tmp_path):
    """Every call sleeps 2 s, under its own limit (10 x reference + 3 s), but the submission's budget
    is 1 x the reference's suite time + 4 s: later calls are timeouts stating that budget."""
    root = with_grading(
        fixture_course(tmp_path / "course"),
        time_limit_s=10,
        call_time_floor_s=3,
        submission_time_multiple=1,
        submission_time_floor_s=4,
    )
    budget = limits_of(root).budget()
    assert budget.reference_s is not None and budget.limit_s < 60  # not the fixed ceiling
    report = graded(root, submission(tmp_path, sleeping(2)))
    stated = i18n.text("en", "timeout.budget_reference", limit=f"{budget.limit_s:g}",
                       reference=f"{budget.reference_s:g}")  # fmt: skip
    stopped = [t for t in report.tests if t.output.startswith(stated)]
    assert stopped and all(t.status == "timeout" for t in stopped)
    assert stopped[-1].name == report.tests[-1].name  # once spent, every later call is a timeout
    assert report.score < report.max_score


def test_an_honest_slow_style_keeps_full_marks(tmp_path):
    """Plain Python loops where the reference is vectorised stay within the reference-based limits."""
    root = with_grading(fixture_course(tmp_path / "course"), time_limit_s=10, call_time_floor_s=2)
    report = graded(root, submission(tmp_path, HONEST_LOOPS))
    assert [t.status for t in report.tests] == ["passed"] * len(report.tests)
    assert report.score == report.max_score
    assert not any("time limits" in note for note in report.notes)


def test_without_recorded_times_the_fixed_limits_apply_with_a_note(tmp_path):
    """No timings.json: the fixed per-call limit (2 s here) and a note saying so."""
    root = fixture_course(tmp_path / "course")
    timings_path(root, "vec").unlink()
    report = graded(root, submission(tmp_path, sleeping(60, in_add_only=True)))
    [add] = [t for t in report.tests if t.function == "add"]
    assert add.status == "timeout"
    assert add.output.startswith("add timed out after 2 s")
    settings = load_course(root / "course.yml").grading
    assert i18n.text("en", "limits.fixed", id="vec", **describe(settings)) in report.notes


def test_the_times_go_with_the_course_to_every_worker(tmp_path):
    """grade-all's course bundle and the Gradescope autograder zip both carry tests/<id>/timings.json."""
    root = fixture_course(tmp_path / "course")
    names = [path.relative_to(root).as_posix() for path in bundle_files(root)]
    assert {"tests/vec/timings.json", "tests/stats/timings.json"} <= set(names)
    from grader.packaging import write_gradescope_zip

    (root / "assignments" / "vec" / "tests").mkdir(parents=True)
    archive = tmp_path / "vec.zip"
    write_gradescope_zip(root, load_course(root / "course.yml"), "vec", archive)
    with zipfile.ZipFile(archive) as opened:
        assert "tests/vec/timings.json" in opened.namelist()


def test_limits_are_a_multiple_plus_a_floor_under_the_fixed_ceilings():
    settings = GradingSettings(
        time_limit_s=30,
        call_time_multiple=10,
        call_time_floor_s=2,
        submission_time_limit_s=900,
        submission_time_multiple=5,
        submission_time_floor_s=20,
    )
    timings = Timings(
        0.3,
        4.0,
        {"t::a": ItemTimes(0.5, {"f": 0.25, "Net.loss": 0.01}), "t::b": ItemTimes(9.0, {"f": 4.0})},
    )
    limits = ReferenceLimits(settings, timings, test="t::a")
    assert limits.call("f").seconds == 4.5 and limits.call("f").reference_s == 0.25
    assert limits.call("Net.loss").seconds == pytest.approx(2.1)
    assert limits.call("unknown").seconds == 30 and limits.call("unknown").reference_s is None
    limits.test = "t::b"
    assert limits.call("f").seconds == 30 and limits.call("f").reference_s is None  # the ceiling
    assert limits.call("Net.loss").seconds == pytest.approx(2.1)  # made in another test only
    assert limits.budget() == Budget(40.0, 4.0)
    assert limits.rerun_budget("t::a") == Budget(7.0, 0.5)
    assert limits.callout("f") == limits.call("f").seconds


def test_recorded_times_are_rounded_up_to_two_digits():
    assert [round_up(s) for s in (0.01234, 0.0001, 1.0, 14.01, 0.3)] == [0.013, 0.001, 1.0, 15.0, 0.3]


def test_an_unreadable_timings_file_is_no_timings(tmp_path):
    path = tmp_path / "timings.json"
    for text in ("{", "[]", '{"startup_s": 1, "suite_s": -1, "tests": {}}', '{"tests": {"t": 3}}'):
        path.write_text(text, encoding="utf-8")
        assert load_timings(path) is None
    shutil.rmtree(tmp_path)
    assert load_timings(path) is None


def test_a_rerun_is_charged_to_a_budget_of_its_own(tmp_path):
    """Calls made within `charged_to` (a containment rerun) spend that budget, never the
    submission's; a spent rerun budget stops the rerun's calls only."""
    source = tmp_path / "naps.py"
    source.write_text("import time\n\n\ndef nap():\n    time.sleep(0.05)\n    return 1\n", encoding="utf-8")
    handle = SandboxedSubmission(source, "naps", GradingSettings(time_limit_s=5))
    try:
        assert handle.nap() == 1  # starts the child: charged to the submission
        before = handle.times()[0]
        rerun = Budget(10.0)
        with handle.charged_to(rerun):
            assert handle.nap() == 1
        assert handle.times()[0] == before
        assert rerun.spent_s > 0
        with handle.charged_to(Budget(1.0, spent_s=1.0)), pytest.raises(SubmissionTimeout, match="budget"):
            handle.nap()
        assert handle.nap() == 1
    finally:
        handle.close()


def test_a_call_that_timed_out_idle_is_not_called_again_one_that_computed_is(tmp_path):
    """A function whose call slept through its limit is not called again (it would sleep again);
    one whose call computed through it (or was kept off a CPU by a loaded machine) is given its
    second chance, as before."""
    source = tmp_path / "slow.py"
    source.write_text(
        "import time\n\n\ndef nap():\n    time.sleep(60)\n\n\ndef spin():\n    while True:\n        pass\n",
        encoding="utf-8",
    )
    handle = SandboxedSubmission(source, "slow", GradingSettings(time_limit_s=1))
    try:
        with pytest.raises(SubmissionTimeout, match="nap timed out after 1 s"):
            handle.nap()
        with pytest.raises(SubmissionTimeout) as idle:
            handle.nap()
        assert idle.value.code == "timeout.idle"
        assert str(idle.value) == i18n.text("en", "timeout.idle", function="nap")
        for _ in range(2):
            with pytest.raises(SubmissionTimeout, match="spin timed out after 1 s"):
                handle.spin()
        with pytest.raises(SubmissionTimeout, match="spin timed out 2 times already"):
            handle.spin()
    finally:
        handle.close()


def test_a_sleeping_function_costs_one_limit_and_says_why(tmp_path):
    """norm sleeps: its first call times out at its reference-based limit; its other tests do not
    call it again and say that it slept through its limit (in Chinese here); add and scale keep
    their points."""
    root = with_grading(fixture_course(tmp_path / "course"), time_limit_s=10, call_time_floor_s=2)
    source = "import time\nimport numpy as np\n\n\ndef add(x, y):\n    return x + y\n\n\n"
    source += "def scale(x, k=2.0):\n    return x * k\n\n\n"
    source += "def norm(x):\n    time.sleep(60)\n    return float(np.sqrt(np.sum(x * x)))\n"
    report = graded(root, submission(tmp_path, source), language="zh-CN")
    norm = [t for t in report.tests if t.function == "norm" and t.status != "pending"]
    assert len(norm) >= 2 and all(t.status == "timeout" for t in norm)
    limits = limits_of(root)
    limits.test = "tests/vec/test_hidden.py::" + norm[0].name
    call = limits.call("norm")
    assert call.reference_s is not None
    values = {"function": "norm", "limit": f"{call.seconds:g}", "reference": f"{call.reference_s:g}"}
    assert norm[0].output.startswith(i18n.text("zh-CN", "timeout.call_reference", **values))
    for later in norm[1:]:
        assert later.output.startswith(i18n.text("zh-CN", "timeout.idle", function="norm"))
    others = [t for t in report.tests if t.function != "norm"]
    assert all(t.status in ("passed", "pending") for t in others)


@pytest.mark.skipif(not Path("/proc/self/schedstat").exists(), reason="Linux schedstat only")
def test_busy_time_counts_computing_and_waiting_for_a_cpu_not_sleeping():
    """`busy_s` of a sleeping process barely moves; of a spinning one, by about the wall time
    (on a CPU, or waiting in the run queue on a loaded machine)."""
    import subprocess
    import sys
    import time

    from grader.sandbox.timing import busy_s

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        before = busy_s(sleeper.pid), busy_s(spinner.pid)
        time.sleep(1.0)
        after = busy_s(sleeper.pid), busy_s(spinner.pid)
    finally:
        for process in (sleeper, spinner):
            process.kill()
            process.wait()
    assert before[0] is not None and after[0] is not None and after[0] - before[0] < 0.1
    assert before[1] is not None and after[1] is not None and after[1] - before[1] > 0.5
    assert busy_s(sleeper.pid) is None  # ended: unknown


@pytest.mark.skipif(not Path("/proc/self/schedstat").exists(), reason="Linux schedstat only")
def test_the_time_a_child_waited_for_a_cpu_is_measured():
    """A spinner sharing one CPU with two others waits about two thirds of the time for it: that is
    the load's time, excused from a call (`IdleWatch.kept_off_s`); a sleeper waits for nothing."""
    import subprocess
    import sys
    import time

    from grader.sandbox.timing import IdleWatch

    spin = [sys.executable, "-c", "while True: pass"]
    spinner, *others = [subprocess.Popen(spin) for _ in range(3)]
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        for process in (spinner, *others):
            os.sched_setaffinity(process.pid, {0})
        time.sleep(0.3)
        watches = IdleWatch(spinner.pid), IdleWatch(sleeper.pid)
        for watch in watches:
            watch.mark(time.monotonic(), 0.0)
        time.sleep(1.5)
        waited = [watch.kept_off_s(time.monotonic()) for watch in watches]
    finally:
        for process in (spinner, *others, sleeper):
            process.kill()
            process.wait()
    assert waited[0] > 0.5 and waited[1] < 0.05
