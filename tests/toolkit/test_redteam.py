"""The red team's hostile submissions (tests/toolkit/files/attacks/), graded officially.

Each test grades one attack on a private copy of the fixture course (vec: add 3, scale 3, norm 4
points) at one isolation level, with the child's audit hook off (it is not a boundary) and a
secret in the grader's environment, and asserts the exact honest score and that nothing escaped:
the course unchanged, the secret absent, no grader folder or process left, every report
renderable. An attack that succeeds today is marked xfail(strict=True) with what it does; the
marker goes when the hole is fixed.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console

from grader import reports
from grader.config import load_course
from grader.disclosure import student_copy
from grader.errors import SubmissionError
from grader.grading import grade
from grader.sandbox import policy
from grader.sandbox.client import Channel

from .conftest import level_available, require_level

FILES = Path(__file__).parent / "files"
ATTACKS = FILES / "attacks"
FIXTURE = FILES / "course"
REPO = Path(__file__).resolve().parents[2]
SECRET = "redteam-secret-5d1e"
LEVELS = ("bubblewrap", "uid")


def strongest_level() -> str:
    for level in LEVELS:
        if not level_available(level):
            return level
    pytest.skip("neither bubblewrap nor the unprivileged-uid level works here")


def private_course(folder: Path, level: str, source: Path = FIXTURE) -> Path:
    """A copy of the fixture course, in a folder other users cannot reach, at `level`."""
    require_level(level)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    root = folder / "course"
    shutil.copytree(source, root)
    text = (root / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("isolation: auto", f"isolation: {level}"))
    return root


def fingerprint(root: Path) -> str:
    """A digest of every file of the course (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def grader_folders() -> set[str]:
    return {str(p) for p in Path(tempfile.gettempdir()).glob("grader-*") if p.name != "grader-uids"}


def processes_mentioning(texts: set[str]) -> list[str]:
    """Processes whose command line names one of `texts` (a grader folder of this test)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if any(text in command for text in texts):
                found.append(f"{entry.name}: {command[:120]}")
    return found


def remove(path: Path) -> None:
    """Remove a file or a tree of any depth (rm copes with depths that shutil.rmtree does not)."""
    subprocess.run(["rm", "-rf", "--one-file-system", str(path)], check=False, capture_output=True)


class Watch:
    """What a test leaves behind: grader folders it created, their processes, an attack's traces."""

    def __init__(self) -> None:
        self.before = grader_folders()
        self.traces: list[str] = []  # glob patterns of what the attack writes if it escapes

    def created(self) -> set[str]:
        return grader_folders() - self.before

    def traced(self) -> list[str]:
        return sorted(path for pattern in self.traces for path in glob.glob(pattern))

    def leftovers(self) -> list[str]:
        """Grader folders and processes of this test still there, and the attack's traces."""
        created = self.created()
        return sorted(created) + processes_mentioning(created) + self.traced()

    def clean(self) -> None:
        for path in [*self.created(), *self.traced()]:
            remove(Path(path))


@pytest.fixture
def watch(monkeypatch):
    """The audit hook off and the secret set; afterwards, whatever the test left is removed."""
    monkeypatch.setattr(Channel, "audit_hook", False)
    monkeypatch.setenv("GRADER_TOKEN", SECRET)
    watcher = Watch()
    yield watcher
    watcher.clean()


def rendered(report) -> dict[str, str]:
    """Every report the CLI writes, each written to a UTF-8 file as the CLI does; raises if one
    cannot be made."""
    console = Console(file=io.StringIO(), width=120, force_terminal=False, color_system=None)
    reports.print_report(report, console)
    texts = {
        "terminal": console.file.getvalue(),
        "json": reports.to_json(report),
        "gradescope": json.dumps(reports.to_gradescope([report]), ensure_ascii=False),
        "junit": reports.to_junit([report]),
        "html": reports.to_html(report),
        "markdown": reports.to_markdown([report]),
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, text in texts.items():
            Path(folder, name).write_text(text, encoding="utf-8")
    ET.fromstring(texts["junit"].encode("utf-8"))
    return texts


def assert_held(report, honest: float, root: Path, digest: str, watch: Watch) -> dict[str, str]:
    """The exact honest score, every test present, the course unchanged, nothing left behind, the
    secret absent, every report renderable and free of escape characters."""
    assert len(report.tests) == 4, [t.name for t in report.tests]
    assert report.score == pytest.approx(honest), [(t.name, t.status, t.output[:200]) for t in report.tests]
    assert fingerprint(root) == digest, "the course changed"
    assert not watch.leftovers(), f"left behind: {watch.leftovers()[:3]}"
    texts = rendered(report)
    assert SECRET not in json.dumps(texts)
    assert "\x1b" not in texts["terminal"], "an escape sequence reached the terminal"
    return texts


@dataclass(frozen=True)
class Attack:
    """One file of tests/toolkit/files/attacks/ and what grading it must give."""

    name: str
    honest: float = 6.0
    escapes: tuple[str, ...] = ()  # levels at which it succeeds today
    why: str = ""
    traces: tuple[str, ...] = ()  # what it leaves behind if it escapes (removed afterwards)
    literal: str = ""  # text of the student's that every report must show as it is


ATTACK_LIST = [
    Attack(
        "deep_folders_work.py",
        why="uid level: rmtree of a 3,000-deep work folder raises RecursionError in close(): "
        "grading crashes with no report and the folder stays",
    ),
    Attack(
        "deep_folders_tmp.py",
        why="uid level: 3,000 nested folders in /tmp crash grading (RecursionError in clean_scratch) "
        "and stay, so the next grading given that uid loses a test",
        traces=("/tmp/redteam-deep",),
    ),
    Attack(
        "long_path_hides_files.py",
        why="uid level: files below a path longer than PATH_MAX are invisible to the disk check "
        "(lstat fails, counted as 0): 128 MB written to /dev/shm against an 8 MB cap",
    ),
    Attack(
        "unwatched_writable_folder.py",
        why="uid level: /run/lock (world-writable) is neither measured nor cleaned: 16 MB written "
        "and left behind",
        traces=("/run/lock/redteam-*", "/var/lock/redteam-*"),
    ),
    Attack(
        "empty_files_flood.py",
        escapes=("bubblewrap",),
        why="bubblewrap: empty files cost no bytes but ~1.3 KB of kernel memory each, and bwrap's "
        "tmpfs has no inode cap: 20,000 made across the calls of norm (the uid level counts entries "
        "and stops the child)",
        traces=("/dev/shm/flood-*",),
    ),
    Attack(
        "many_threads.py",
        escapes=("bubblewrap",),
        why="bubblewrap: no RLIMIT_NPROC, 2,000 threads (host pids) start; a few children exhaust pid_max",
    ),
    Attack("environment_everywhere.py"),
    Attack("network.py"),
    Attack("stop_itself.py"),
    Attack("raise_limits.py"),
    Attack("odd_objects.py", honest=3.0),
    Attack("nonfinite_numbers.py", honest=3.0),
    Attack("nonfinite_array_picture.py", honest=7.0),
    Attack("returned_array_rewritten.py", honest=7.0),
    Attack("huge_error_description.py"),
    Attack("shadowing_folder", traces=("/tmp/redteam-shadow-*",)),
    Attack(
        "markup_in_reason.py",
        why="rich parses the reason as markup: '[/]' raises MarkupError in print_report (no report "
        "at all from the CLI)",
        literal="[/][bold green]looks fine",
    ),
    Attack(
        "markup_in_notebook_notes.ipynb",
        why="loading notes are printed as rich markup: a cell raising '[/]' crashes print_report",
        literal="[/] closing tag",
    ),
    Attack(
        "escape_sequences_in_reason.py",
        why="ESC reaches the terminal table as it is (and makes the JUnit file invalid XML)",
    ),
    Attack(
        "control_characters_in_reason.py",
        why="control characters are written into the JUnit XML as they are: not well-formed",
    ),
    Attack(
        "lone_surrogate_in_reason.py",
        why="a lone surrogate cannot be encoded as UTF-8: writing the reports raises",
    ),
    Attack(
        "html_in_summary.py",
        why="the GitHub job summary (markdown) carries the student's HTML as it is",
    ),
    Attack(
        "forged_hello.py",
        why="the submission writes its own hello frame during import: its notes appear as the grader's",
    ),
]


def attack_cases() -> list:
    cases = []
    for attack in ATTACK_LIST:
        for level in LEVELS:
            marks = [pytest.mark.xfail(strict=True, reason=attack.why)] if level in attack.escapes else []
            cases.append(pytest.param(attack, level, id=f"{attack.name}-{level}", marks=marks))
    return cases


def submit(folder: Path, source: Path) -> Path:
    """A copy of the attack as the student's submission (vec.py, vec.ipynb or a folder vec/)."""
    folder.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        target = folder / "vec"
        shutil.copytree(source, target)
        return target
    target = folder / f"vec{source.suffix}"
    shutil.copyfile(source, target)
    return target


@contextlib.contextmanager
def one_at_a_time(name: str, tmp_path_factory: pytest.TempPathFactory):
    """Hold a lock named `name`, shared by the workers of one test run (pytest-xdist): an attack that
    writes to a fixed path (/tmp/redteam-deep) must not see the same attack's traces at the other
    level, graded at the same time by another worker."""
    with open(tmp_path_factory.getbasetemp().parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.mark.parametrize(("attack", "level"), attack_cases())
def test_attack_is_contained(attack, level, tmp_path, watch, tmp_path_factory):
    watch.traces = list(attack.traces)
    with one_at_a_time(f"redteam-{attack.name}", tmp_path_factory):
        check_attack(attack, level, tmp_path, watch)


def check_attack(attack: Attack, level: str, tmp_path: Path, watch: Watch) -> None:
    """Grade `attack` officially at `level` and assert that it is contained."""
    root = private_course(tmp_path / "private", level)
    digest = fingerprint(root)
    submission = submit(tmp_path / "student", ATTACKS / attack.name)
    report = grade(root, load_course(root / "course.yml").assignment("vec"), submission, official=True)
    texts = assert_held(report, attack.honest, root, digest, watch)
    if attack.literal:
        assert attack.literal in texts["terminal"], texts["terminal"][-1500:]
    if attack.name == "html_in_summary.py":
        assert "<h1>vec: 10.00" not in texts["markdown"] and "<img" not in texts["markdown"]
    if attack.name == "forged_hello.py":
        assert not [note for note in report.notes if "verified this submission" in note], report.notes


LEAK = (
    "reasons of hidden tests say 'expected 4.3684146': a second submission answers those numbers "
    "in call order and scores 10 of 10 without computing a norm"
)


@pytest.mark.parametrize("level", LEVELS)
def test_hidden_expected_values_do_not_leak(level, tmp_path, watch):
    """expected_values_leak.py, then a submission built from its report that computes nothing."""
    root = private_course(tmp_path / "private", level)
    assignment = load_course(root / "course.yml").assignment("vec")
    first = grade(
        root, assignment, submit(tmp_path / "one", ATTACKS / "expected_values_leak.py"), official=True
    )
    assert first.score == pytest.approx(6.0)
    numbers = [
        float(m.group(1))
        for t in student_copy(first).tests  # what a student sees (Gradescope, grade-all feedback)
        for m in re.finditer(r"expected (-?[\d.]+(?:e[-+]?\d+)?)", t.output)
    ]
    source = (ATTACKS / "expected_values_leak.py").read_text(encoding="utf-8")
    source = source.replace(
        "    return -1.0 + 0.0 * float(np.size(x))", "    return _ANSWERS.pop(0) if _ANSWERS else -1.0"
    )
    source += f"\n\n_ANSWERS = {numbers!r}\n"
    second = tmp_path / "two" / "vec.py"
    second.parent.mkdir()
    second.write_text(source, encoding="utf-8")
    assert grade(root, assignment, second, official=True).score == pytest.approx(6.0)


GRADE_SCRIPT = """
import json, sys
from pathlib import Path
from grader.config import load_course
from grader.grading import grade
from grader.sandbox.client import Channel
Channel.audit_hook = False
root, assignment, submission = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
report = grade(root, load_course(root / "course.yml").assignment(assignment), submission, official=True)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a large test process
# would pass its own size on to this one; a new image starts a new VmHWM
status = Path("/proc/self/status").read_text()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"report": report.to_dict(), "peak_mb": peak}))
"""


def start_grading(root: Path, assignment: str, submission: Path) -> subprocess.Popen[str]:
    """Grade in a process of its own (the secret in its environment), for its memory or its death."""
    command = [sys.executable, "-c", GRADE_SCRIPT, str(root), assignment, str(submission)]
    environment = {**os.environ, "GRADER_TOKEN": SECRET}
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    )


def grade_apart(root: Path, assignment: str, submission: Path) -> tuple[dict, float]:
    """(report, peak resident MB of the grading process itself, not its children)."""
    process = start_grading(root, assignment, submission)
    output, errors = process.communicate(timeout=900)
    assert process.returncode == 0, errors[-2000:]
    result = json.loads(output.splitlines()[-1])
    assert SECRET not in output
    return result["report"], result["peak_mb"]


def cnn_course(folder: Path, level: str) -> Path:
    """The real course's cnn assignment (course.yml, solutions, tests/cnn) at `level`, private."""
    require_level(level)
    folder.mkdir(parents=True)
    os.chmod(folder, 0o700)
    root = folder / "course"
    (root / "tests").mkdir(parents=True)
    text = (REPO / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("grading:\n", f"grading:\n  isolation: {level}\n", 1))
    shutil.copytree(REPO / "solutions", root / "solutions")
    shutil.copytree(
        REPO / "tests" / "cnn", root / "tests" / "cnn", ignore=shutil.ignore_patterns("__pycache__")
    )
    return root


@pytest.mark.parametrize(
    ("name", "why"),
    [
        pytest.param(
            "cnn_replay_blowup.py",
            "diagnosis replays the reference's ConvNet.loss on the student's state in the grading "
            "process, unbounded: a 401 x 401 filter takes it to ~3.3 GB and 24 s",
            id="replay",
        ),
        pytest.param(
            "cnn_state_hoard.py",
            "the call log keeps each method call's state outside its byte budget: eight states of "
            "256 MB take the grading process to ~2.4 GB",
            id="state",
        ),
    ],
)
def test_cnn_diagnosis_keeps_the_grader_small(name, why, tmp_path, watch, request):
    """The real course's cnn suite on a hostile ConvNet: the grading process stays under 1 GB,
    four times the course's max_array_mb (the README: "a small multiple of max_array_mb")."""
    root = cnn_course(tmp_path / "private", strongest_level())
    submission = tmp_path / "student" / "cnn.py"
    submission.parent.mkdir()
    shutil.copyfile(ATTACKS / name, submission)
    _, peak = grade_apart(root, "cnn", submission)
    assert peak < 1024, f"the grading process reached {peak:.0f} MB (max_array_mb is 256)"


def test_a_notebook_of_many_cells_keeps_the_grader_small(tmp_path, watch):
    """A 90 MB notebook of empty cells is refused with one sentence before nbformat reads it
    (it would take the grading process to ~1.5 GB)."""
    generated = load_generated()
    root = private_course(tmp_path / "private", strongest_level())
    folder = tmp_path / "student"
    folder.mkdir()
    with pytest.raises(SubmissionError, match="larger than"):
        grade(root, load_course(root / "course.yml").assignment("vec"), generated.notebook_cell_flood(folder))


def load_generated():
    spec = importlib.util.spec_from_file_location("redteam_generated", ATTACKS / "generated.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_deep_folder_submission_is_refused(tmp_path, watch):
    """1,500 nested folders: refused with one sentence (no RecursionError, nothing copied)."""
    root = private_course(tmp_path / "private", strongest_level())
    folder = tmp_path / "student"
    folder.mkdir()
    submission = load_generated().deep_folder_submission(folder)
    try:
        with pytest.raises(SubmissionError, match="nested deeper than"):
            grade(root, load_course(root / "course.yml").assignment("vec"), submission, official=True)
    finally:
        remove(submission)  # pytest's own clean-up of tmp_path recurses too


def test_a_large_submission_is_not_copied_whole(tmp_path, watch):
    """A folder with a sparse 256 MB file is refused with one sentence before anything is copied."""
    root = private_course(tmp_path / "private", strongest_level())
    folder = tmp_path / "student"
    folder.mkdir()
    submission = load_generated().big_folder_submission(folder)
    before, peak, done = grader_folders(), [0], []

    def sample() -> None:
        while not done:
            new = grader_folders() - before
            peak[0] = max([peak[0], *(policy.folder_usage(path)[0] for path in new)])
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with pytest.raises(SubmissionError, match="larger than 64 MB"):
            grade(root, load_course(root / "course.yml").assignment("vec"), submission, official=True)
    finally:
        done.append(True)
        sampler.join()
    assert peak[0] < 16 * 2**20, f"the grader's folder held {peak[0] / 2**20:.0f} MB"


def level_cases(escapes: tuple[str, ...], why: str) -> list:
    marks = {
        level: [pytest.mark.xfail(strict=True, reason=why)] if level in escapes else [] for level in LEVELS
    }
    return [pytest.param(level, marks=marks[level]) for level in LEVELS]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def victim_is_running(before: set[str]) -> bool:
    for folder in grader_folders() - before:
        with contextlib.suppress(OSError):
            if "VICTIM-SECRET-CELL" in Path(folder, "runner", "config.json").read_text(encoding="utf-8"):
                return True
    return False


@pytest.mark.parametrize(
    "level",
    level_cases(
        (),
        "uid level: another child's runner/config.json (a notebook's cells) and "
        "output.log are world-readable in a grader folder found by listing the temporary folder",
    ),
)
def test_a_child_cannot_read_another_childs_files(level, tmp_path, watch):
    """victim_notebook.ipynb (honest, slow, prints) and other_childs_files.py graded at once."""
    root = private_course(tmp_path / "private", level)
    before = grader_folders()
    victim = start_grading(root, "vec", submit(tmp_path / "victim", ATTACKS / "victim_notebook.ipynb"))
    try:
        assert wait_for(lambda: victim_is_running(before), 30), "the victim's child did not start"
        attacker = submit(tmp_path / "attacker", ATTACKS / "other_childs_files.py")
        report = grade(root, load_course(root / "course.yml").assignment("vec"), attacker, official=True)
    finally:
        output, errors = victim.communicate(timeout=120)
    assert json.loads(output.splitlines()[-1])["report"]["score"] == pytest.approx(10.0), errors[-1000:]
    assert report.score == pytest.approx(6.0), [(t.name, t.output) for t in report.tests]


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, frontier = [], [pid]
    while frontier:
        children = parents.get(frontier.pop(), [])
        found += children
        frontier += children
    return found


def describe(pid: int) -> str:
    with contextlib.suppress(OSError):
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        return f"{pid} ({Path(f'/proc/{pid}/stat').read_text().split()[2]}): {command[:80]}"
    return str(pid)


def threads(pid: int) -> int:
    """How many threads process `pid` runs (0 when it is gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path(f"/proc/{pid}/status").read_text().split("Threads:")[1].split()[0])
    return 0


def alive(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


@pytest.mark.parametrize(
    "level",
    level_cases(
        (),
        "uid level: a child outlives a grader killed with SIGKILL (a non-daemon thread), "
        "its uid is handed to the next student, whose submission it replaces: 6 instead of 10",
    ),
)
def test_a_killed_grader_takes_its_child_along(level, tmp_path, watch):
    """outlive_the_grader.py's grader is killed during a call; then an honest student is graded."""
    root = private_course(tmp_path / "private", level)
    grader = start_grading(root, "vec", submit(tmp_path / "attacker", ATTACKS / "outlive_the_grader.py"))
    children: list[int] = []
    try:
        # norm is running once its hunter thread has started (a child has no thread of its own)
        started = wait_for(lambda: any(threads(pid) > 1 for pid in descendants(grader.pid)), 60)
        assert started, "norm's thread did not start"
        children = descendants(grader.pid)
        os.kill(grader.pid, signal.SIGKILL)
        grader.communicate(timeout=30)
        wait_for(lambda: not any(alive(pid) for pid in children), 5)  # dying takes a moment
        honest = submit(tmp_path / "honest", FIXTURE / "solutions" / "vec.py")
        report = grade(root, load_course(root / "course.yml").assignment("vec"), honest, official=True)
        survivors = [describe(pid) for pid in children if alive(pid)]
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    assert not survivors, f"still running after the grader died: {survivors}"
    assert report.score == pytest.approx(10.0), [(t.name, t.output) for t in report.tests]


def test_sandbox_uids_are_not_shared_between_temporary_folders(tmp_path, monkeypatch):
    require_level("uid")
    monkeypatch.setattr(policy, "clean_scratch", lambda uid: None)  # never touch another run's files
    taken = []
    try:
        for name in ("one", "two"):  # two graders with different temporary folders
            (tmp_path / name).mkdir()
            monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / name))
            taken.append(policy.UserIds.take())
    finally:
        for _, descriptor in taken:
            os.close(descriptor)
    assert taken[0][0] != taken[1][0]


@pytest.mark.parametrize(
    "level",
    level_cases(
        (),
        "uid level: only course.yml, tests/ and solutions/ are checked; the course's "
        ".git (found from the grader's --course in /proc) holds every solution, readable by all",
    ),
)
def test_the_course_history_is_not_readable(level, tmp_path, watch):
    """A course in a git checkout whose root others may traverse, its three protected paths
    private: course_git_history.py through the CLI, as the README runs it."""
    require_level(level)
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    public = Path(tempfile.mkdtemp(dir=tempfile.gettempdir()))
    try:
        os.chmod(public, 0o755)
        root = private_course(public / "open", level)
        os.chmod(public / "open", 0o755)
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(root)]
        for arguments in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "course"]):
            subprocess.run(git + arguments, check=True, capture_output=True)
        for path, mode in (("tests", 0o700), ("solutions", 0o700), ("course.yml", 0o600)):
            os.chmod(root / path, mode)
        submission = submit(tmp_path / "student", ATTACKS / "course_git_history.py")
        command = [sys.executable, "-m", "grader", "vec", "--course", str(root), "--submission"]
        command += [str(submission), "--official", "--json", str(tmp_path / "report.json")]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(public)
    if level == "bubblewrap":  # the checkout is not even visible in the sandbox
        assert result.returncode == 0, result.stderr[-2000:]
        report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
        assert report["score"] == pytest.approx(6.0), report
        return
    # at the uid level the course's .git is protected too: an official run refuses, naming it
    assert result.returncode == 3, result.stderr[-2000:]
    assert ".git" in result.stderr and "chmod o-rx" in result.stderr
