"""Each threat a submission can pose, made inside its own test: the grading process survives,
the report is complete, and the score is exactly what the honest part of the submission earns.

The hostile code replaces conv_single_step in an otherwise correct conv.py. A threat grades the
tests of conv_single_step and of one neighbour, conv_forward (`grade(only_functions=...)`), whose
tests run in the same child after the attack and must all still pass: the points of conv_forward's
tests are the honest score.
"""

import json
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader.config import load_course
from grader.errors import SubmissionError
from grader.grading import grade
from grader.sandbox import client
from grader.sandbox.policy import bubblewrap_works

from .conftest import ROOT, reference_with

CONV_POINTS = load_course(ROOT / "course.yml").assignment("conv").points  # conv's total
ATTACKED = frozenset({"conv_single_step", "conv_forward"})  # the function attacked and one neighbour


def grade_conv(course: Path, submission: Path, only: frozenset[str] | None = ATTACKED):
    """Grade `submission` on the tests of the functions in `only` (every test of conv if None)."""
    assignment = load_course(course / "course.yml").assignment("conv")
    return grade(course, assignment, submission, only_functions=None if only is None else set(only))


def hostile(tmp_path: Path, body: str, prelude: str = "") -> Path:
    folder = tmp_path / "student"
    folder.mkdir()
    path = folder / "conv.py"
    path.write_text(reference_with("conv_single_step", body, prelude), encoding="utf-8")
    return path


def single_step_results(report):
    return [t for t in report.tests if t.function == "conv_single_step"]


def assert_only_single_step_lost(report, reason_part: str | tuple[str, ...], status: str | None = "failed"):
    """conv_single_step's tests score 0 (one of them with `reason_part` and `status`), and every
    test of the neighbour scores full marks."""
    neighbour = [t for t in report.tests if t.function != "conv_single_step"]
    assert {t.function for t in neighbour} == ATTACKED - {"conv_single_step"}, "the neighbour was not graded"
    assert report.score == pytest.approx(sum(t.max_score for t in neighbour)), [
        (t.name, t.output) for t in report.tests if t.score < t.max_score
    ]
    lost = single_step_results(report)
    assert lost, "the conv_single_step tests are missing from the report"
    assert all(t.score == 0 for t in lost)
    parts = (reason_part,) if isinstance(reason_part, str) else reason_part
    assert any(part in t.output for part in parts for t in lost), [t.output for t in lost]
    assert status is None or any(t.status == status for t in lost), [t.status for t in lost]


THREATS = {
    "sys_exit": ("sys.exit(0)", "import sys\n", "SystemExit"),
    "os_exit": ("os._exit(3)", "import os\n", "exited with code 3"),
    "base_exception": ("class Boom(BaseException):\n    pass\nraise Boom('no')", "", "raised Boom"),
    "memory_bomb": ("block = bytearray(64 * 2**30)\nreturn 0.0", "", "ran out of memory"),
    "fork_loop": ("while True:\n    os.fork()", "import os\n", "not allowed"),
    "subprocess": (
        "subprocess.run(['sh', '-c', 'echo hi'])\nreturn 0.0",
        "import subprocess\n",
        "not allowed",
    ),
    "network": (
        "socket.create_connection(('127.0.0.1', 9), timeout=1)\nreturn 0.0",
        "import socket\n",
        "not allowed",
    ),
    "huge_output": ("print('x' * 10**8)\nreturn 0.0", "", "File too large"),
    "returns_generator": ("return (v for v in range(3))", "", "returned a generator"),
    "returns_function": ("return print", "", "returned a builtin_function_or_method"),
    "returns_object_array": ("return np.array([object()])", "", "returned an array of object"),
}


@pytest.mark.parametrize("threat", sorted(THREATS))
def test_threat_fails_only_its_own_tests(course_copy, tmp_path, threat):
    """sys.exit, os._exit, BaseException, memory bombs, forks, processes, sockets, floods, odd
    return values: the grader records failed tests with a reason and goes on."""
    body, prelude, reason = THREATS[threat]
    report = grade_conv(course_copy, hostile(tmp_path, body, prelude))
    assert_only_single_step_lost(report, reason)


@pytest.mark.slow  # waits for time limits
def test_infinite_loop_ignoring_sigterm_times_out(course_copy, tmp_path):
    """A loop that ignores SIGTERM is killed at the time limit; later calls of the same function
    fail at once instead of waiting again; the other functions still score."""
    body = "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass"
    report = grade_conv(course_copy, hostile(tmp_path, body, "import signal\n"))
    # 2 s, or less where the course's recorded reference times give a shorter limit (grader.limits)
    assert_only_single_step_lost(report, "conv_single_step timed out after", status="timeout")
    assert sum(t.duration_s for t in report.tests) < 20, "each timeout must cost the time limit at most twice"


def test_lying_values_are_refused(course_copy, tmp_path):
    """A float subclass whose __eq__ always agrees, and an ndarray subclass, are not plain data."""
    prelude = textwrap.dedent(
        """
        class Liar(float):
            def __eq__(self, other):
                return True
            __hash__ = float.__hash__
        class LyingArray(np.ndarray):
            def __eq__(self, other):
                return np.ones(np.shape(other), dtype=bool)
        """
    )
    body = "return Liar(0.0) if np.ndim(w) == 3 and w.shape[0] > 1 else np.zeros(1).view(LyingArray)"
    report = grade_conv(course_copy, hostile(tmp_path, body, "import numpy as np\n" + prelude))
    assert_only_single_step_lost(report, "returned a")


def test_patching_numpy_and_builtins_stays_in_the_child(course_copy, tmp_path):
    """The child patches numpy's comparisons and builtins; the grading process compares with its own."""
    body = textwrap.dedent(
        """
        np.isclose = lambda *a, **k: True
        np.allclose = lambda *a, **k: True
        builtins.abs = lambda *a: 0
        builtins.round = lambda *a, **k: 0
        return 12345.0
        """
    )
    report = grade_conv(course_copy, hostile(tmp_path, body, "import builtins\nimport numpy as np\n"))
    assert_only_single_step_lost(report, "expected")
    assert np.isclose(1.0, 2.0) == np.False_


def test_fake_results_files_and_output_change_nothing(course_copy, tmp_path):
    """Writing a conftest.py and a results file beside itself, or printing pytest and JSON lines
    (to sys.stdout, sys.__stdout__ and fd 1), does not change the score."""
    body = textwrap.dedent(
        """
        for name, text in [("conftest.py", "import pytest\\n"), ("results.json", '{"score": 100}')]:
            with open(name, "w") as handle:
                handle.write(text)
        print("==== 130 passed in 0.01s ====")
        sys.__stdout__.write('{"score": 52, "max_score": 52}\\n')
        os.write(1, b"PASSED tests/conv/test_hidden.py\\n")
        return 1.0
        """
    )
    submission = hostile(tmp_path, body, "import os\nimport sys\n")
    report = grade_conv(course_copy, submission)
    assert_only_single_step_lost(report, "expected")
    assert not (submission.parent / "conftest.py").exists(), "the child wrote into the original folder"
    assert not (course_copy / "tests" / "conv" / "conftest.py").exists()


def test_writes_outside_the_sandbox_are_refused(course_copy, tmp_path):
    """Overwriting the suites or the grader is refused (read-only or invisible), and nothing changes."""
    target = course_copy / "tests" / "conv" / "test_public.py"
    before = target.read_bytes()
    body = f"open({str(target)!r}, 'w').write('')\nreturn 0.0"
    report = grade_conv(course_copy, hostile(tmp_path, body))
    # invisible (no such file in the sandbox) or refused by the audit hook, whichever comes first
    reason = "No such file" if "No such file" in str([t.output for t in report.tests]) else "not allowed"
    assert_only_single_step_lost(report, reason)
    assert target.read_bytes() == before


def test_threads_that_keep_running(course_copy, tmp_path):
    """A thread that spins forever and one that writes junk into every descriptor: later calls
    are still answered correctly (a corrupted channel gets a clean child and one retry). While a
    call runs, the child's threads switch only when the running one waits (so that none runs
    between a call's return and the copy of its result): the spinning thread, started inside
    conv_single_step, keeps the interpreter and the call times out, a cost to that function alone."""
    body = textwrap.dedent(
        """
        def spin():
            while True:
                pass
        def scribble():
            while True:
                for fd in range(3, 12):
                    try:
                        os.write(fd, b"\\xff" * 64)
                    except OSError:
                        pass
                time.sleep(0.01)
        threading.Thread(target=spin, daemon=True).start()
        threading.Thread(target=scribble, daemon=True).start()
        return 99.0
        """
    )
    report = grade_conv(course_copy, hostile(tmp_path, body, "import os\nimport threading\nimport time\n"))
    # the junk may land before the retried call's reply too (the same race): either way, no points
    assert_only_single_step_lost(report, ("expected", "broke the channel", "timed out"), status=None)


def test_import_error_fails_every_test_with_one_reason(course_copy, tmp_path):
    """A syntax error: every test fails with the line of the error; the report is complete."""
    path = tmp_path / "conv.py"
    path.write_text("def conv_forward(x, w, b\n    return x\n", encoding="utf-8")
    report = grade_conv(course_copy, path)
    assert report.score == 0 and {t.function for t in report.tests} == ATTACKED
    assert all("could not be imported: SyntaxError" in t.output for t in report.tests)


@pytest.mark.slow  # waits for time limits
def test_import_that_hangs_is_given_up_once(course_copy, tmp_path, monkeypatch):
    """A module that loops at import time costs the start-up limit twice at most, not once per
    test: it is tried once more in a fresh child (a stalled machine must not cost an honest
    student every test), then given up for the whole run (children counted, not timed)."""
    started = []
    real = subprocess.Popen

    def counting(command, **options):
        if any(str(part).endswith("/child.py") for part in command):  # not bubblewrap's probe
            started.append(command)
        return real(command, **options)

    monkeypatch.setattr(client.subprocess, "Popen", counting)
    path = tmp_path / "conv.py"
    path.write_text("while True:\n    pass\n", encoding="utf-8")
    report = grade_conv(course_copy, path)
    assert report.score == 0
    assert all("importing your code took longer than" in t.output for t in report.tests), [
        t.output for t in report.tests
    ]
    assert len(started) == 2, f"{len(started)} children started for one hanging import"


def test_notebook_cells_run_in_order(course_copy, tmp_path):
    """Magics and shell lines are skipped with a note, input() gets end-of-file, a raising cell is
    reported and the following cells still run: the reference in a notebook scores full marks."""
    import nbformat

    source = (ROOT / "solutions" / "conv.py").read_text(encoding="utf-8")
    cells = [
        "%matplotlib inline\n!pip install numpy",
        "name = input('your name? ')",
        "1 / 0",
        source,
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    path = tmp_path / "conv.ipynb"
    nbformat.write(notebook, path)
    report = grade_conv(course_copy, path, only=None)
    assert report.score == pytest.approx(CONV_POINTS)
    assert any("IPython line '%matplotlib inline'" in note for note in report.notes)
    assert any("cell 2 raised EOFError" in note for note in report.notes)
    assert any("cell 3 raised ZeroDivisionError" in note for note in report.notes)


def test_malformed_notebook_is_one_sentence(course_copy, tmp_path):
    """A notebook that is not JSON: every test is an error with one sentence, no traceback."""
    path = tmp_path / "conv.ipynb"
    path.write_text("{ not json", encoding="utf-8")
    report = grade_conv(course_copy, path)
    assert report.score == 0
    assert {t.status for t in report.tests} == {"error"}
    assert all(
        "is not a readable Jupyter notebook" in t.output and "\n" not in t.output for t in report.tests
    )


def test_folder_submission_with_a_helper_module(course_copy, tmp_path):
    """A folder holding conv.py and a helper it imports is graded as a whole."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "helpers.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    body = "import helpers\nreturn float(helpers.add(np.sum(a_slice * w), b))"
    (folder / "conv.py").write_text(reference_with("conv_single_step", body), encoding="utf-8")
    report = grade_conv(course_copy, folder)
    assert single_step_results(report) and report.score == pytest.approx(report.max_score)


def test_reference_through_the_child_scores_full_marks(course_copy):
    """The reference through the isolated child: every test passes; the report names the isolation."""
    report = grade_conv(course_copy, ROOT / "solutions" / "conv.py", only=None)
    assert report.score == report.max_score == pytest.approx(CONV_POINTS)
    expected = "bubblewrap" if bubblewrap_works() else "child process"
    assert expected in report.isolation
    json.dumps(report.to_dict())


def test_seccomp_alone_blocks_processes_and_signals(tmp_path):
    """The filter on its own, without the audit hook: fork, exec and kill fail with EPERM,
    while threads still start."""
    import subprocess
    import sys

    script = textwrap.dedent(
        f"""
        import os, sys, threading
        sys.path.insert(0, {str(ROOT / "grader" / "sandbox")!r})
        from confine import install_seccomp
        assert install_seccomp()
        threading.Thread(target=lambda: None).start()
        for name, action in [("fork", os.fork), ("kill", lambda: os.kill(os.getppid(), 0)),
                             ("exec", lambda: os.execv("/bin/true", ["true"]))]:
            try:
                action()
                print(name, "allowed")
            except PermissionError:
                print(name, "blocked")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["fork", "blocked", "kill", "blocked", "exec", "blocked"], result.stderr


def test_without_bubblewrap_the_child_keeps_its_other_layers(course_copy, tmp_path, monkeypatch):
    """Where bubblewrap is missing (a student's laptop), the same child runs with seccomp, rlimits
    and the audit hook, and the report says so."""
    from grader.sandbox import policy

    monkeypatch.setattr(policy, "bubblewrap_works", lambda: False)
    monkeypatch.setattr(policy, "_is_root", lambda: False)
    target = course_copy / "tests" / "conv" / "test_public.py"
    body = f"open({str(target)!r}, 'a').write('# changed')\nos.fork()"
    report = grade_conv(course_copy, hostile(tmp_path, body, "import os\n"))
    assert_only_single_step_lost(report, "not allowed")
    assert report.isolation.startswith("child process (advisory")
    assert "# changed" not in target.read_text(encoding="utf-8")


def test_only_the_submission_enters_the_sandbox(course_copy, tmp_path):
    """A file submission brings no neighbour; a folder submission brings no file a symlink points to."""
    secret = tmp_path / "secret.txt"
    secret.write_text("hidden expected value 42", encoding="utf-8")
    body = "import os\nreturn float(sum(len(files) for _, _, files in os.walk('.')))"
    lone = hostile(tmp_path, body)
    (lone.parent / "neighbour.txt").write_text("x", encoding="utf-8")
    report = grade_conv(course_copy, lone)
    outputs = " ".join(t.output for t in single_step_results(report))
    assert "got 1," in outputs, outputs  # conv.py alone
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "conv.py").write_text(
        reference_with("conv_single_step", "return float(open('link.txt').read() == '')")
    )
    (folder / "link.txt").symlink_to(secret)
    with pytest.raises(SubmissionError, match="link.txt is a symbolic link"):
        grade_conv(course_copy, folder)
    alias = tmp_path / "alias.py"
    alias.symlink_to(lone)
    with pytest.raises(SubmissionError, match="may not be a symbolic link"):
        grade_conv(course_copy, alias)
