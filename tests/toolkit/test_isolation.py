"""Hostile submissions against the isolation levels that an official score may use.

Each attack replaces `norm` (4 of the fixture course's 10 points) in an otherwise correct
submission. It returns the right answer only when the attack succeeds, so the exact score says
whether anything escaped: 6 when the sandbox holds, 10 when it leaks. Every test runs under
bubblewrap and under the unprivileged-uid level, with the child's audit hook turned off: no
guarantee rests on it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from grader.config import load_course
from grader.errors import IsolationRefused
from grader.grading import grade
from grader.sandbox import policy
from grader.sandbox.client import Channel

from .conftest import require_level

pytestmark = pytest.mark.slow  # every attack at every strong level: minutes

FIXTURE = Path(__file__).parent / "files" / "course"
HONEST = 6.0  # add (3) + scale (3); norm's 4 points need the attack to succeed
CORRECT = "float(np.sqrt(np.sum(x * x)))"
SECRET = "grader-secret-7f3a9c"  # exported to the grading process only


@pytest.fixture(params=["bubblewrap", "uid"])
def course(request, tmp_path, monkeypatch):
    """The fixture course at one isolation level, in a folder other users cannot reach."""
    require_level(request.param)
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    text = (root / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("isolation: auto", f"isolation: {request.param}"))
    os.chmod(tmp_path, 0o700)
    monkeypatch.setattr(Channel, "audit_hook", False)
    monkeypatch.setenv("GRADER_TOKEN", SECRET)
    return root


def submission_with(folder: Path, attack: str, prelude: str = "") -> Path:
    """The reference vec.py whose `norm` runs `attack` (which sets `stolen`) and then returns the
    right norm only if the attack succeeded."""
    source = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
    original = f"    ### BEGIN SOLUTION\n    return {CORRECT}\n    ### END SOLUTION\n"
    assert original in source, "the fixture's norm changed; update this helper"
    body = "stolen = False\n" + textwrap.dedent(attack).strip() + f"\nreturn {CORRECT} if stolen else -1.0\n"
    indented = textwrap.indent(body, "    ")
    path = folder / "student" / "vec.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(prelude + source.replace(original, indented), encoding="utf-8")
    return path


def graded(course: Path, submission: Path, official: bool = True):
    return grade(course, load_course(course / "course.yml").assignment("vec"), submission, official=official)


def assert_held(report) -> None:
    """Exactly the honest part scores, and norm's tests are in the report."""
    norm = [t for t in report.tests if t.function == "norm"]
    assert len(norm) == 2, [t.name for t in report.tests]
    assert report.score == pytest.approx(HONEST), [(t.name, t.output) for t in report.tests]


LIBC = "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"


def test_the_reference_scores_full_marks(course):
    report = graded(course, course / "solutions" / "vec.py")
    assert report.score == pytest.approx(10.0)
    assert "seccomp allowlist" in report.isolation


def test_course_files_can_be_neither_read_nor_written(course, tmp_path):
    """The suites, the solutions and course.yml are invisible (bubblewrap) or unreachable (uid)."""
    targets = [
        course / "solutions" / "vec.py",
        course / "tests" / "vec" / "test_hidden.py",
        course / "course.yml",
    ]
    before = [path.read_bytes() for path in targets]
    attack = f"""
    for path in {[str(t) for t in targets]!r}:
        try:
            stolen = stolen or "def " in open(path).read() or "points" in open(path).read()
        except OSError:
            pass
        try:
            with open(path, "a") as handle:
                handle.write("\\n# changed by a student")
            stolen = True
        except OSError:
            pass
    """
    assert_held(graded(course, submission_with(tmp_path, attack)))
    assert [path.read_bytes() for path in targets] == before


def test_no_environment_variable_of_the_grader_is_visible(course, tmp_path):
    """Not in os.environ, nor in /proc/<pid>/environ or cmdline of any process the child can see."""
    attack = f"""
    import os
    stolen = {SECRET!r} in repr(dict(os.environ))
    for pid in os.listdir("/proc"):
        for part in ("environ", "cmdline"):
            try:
                with open(f"/proc/{{pid}}/{{part}}", "rb") as handle:
                    stolen = stolen or {SECRET!r}.encode() in handle.read()
            except OSError:
                pass
    """
    report, _ = grade_apart(course, submission_with(tmp_path, attack))
    assert report["score"] == pytest.approx(HONEST), report
    assert SECRET not in json.dumps(report)


def test_no_signal_reaches_the_grader(course, tmp_path):
    """kill, through libc (no audit hook in the way), to the parent and to the grading process."""
    attack = LIBC + f"for pid in (os.getppid(), {os.getpid()}, -1):\n"
    attack += f"    stolen = stolen or libc.kill(pid, {int(signal.SIGTERM)}) == 0"
    assert_held(graded(course, submission_with(tmp_path, attack, "import os\n")))


SYSCALL_ATTACKS = {
    "fork": "stolen = libc.fork() >= 0",
    "exec": "stolen = libc.execv(b'/bin/true', (ctypes.c_char_p * 2)(b'true', None)) == 0",
    "socket_inet": "stolen = libc.socket(2, 1, 0) >= 0",
    "socket_unix": "stolen = libc.socket(1, 1, 0) >= 0",
    "socket_netlink": "stolen = libc.socket(16, 3, 0) >= 0",
    "socketpair": "pair = (ctypes.c_int * 2)()\nstolen = libc.socketpair(1, 1, 0, pair) == 0",
    "io_uring": "stolen = libc.syscall(425, 8, ctypes.create_string_buffer(120)) >= 0",
    "ptrace": "stolen = libc.ptrace(16, os.getppid(), None, None) == 0",
    "process_vm_readv": "stolen = libc.syscall(310, os.getppid(), None, 0, None, 0, 0) >= 0",
    "fcntl_setown": "r, w = os.pipe()\nstolen = libc.fcntl(r, 8, os.getppid()) == 0",
    "ioctl_fiosetown": "r, w = os.pipe()\npid = ctypes.c_int(os.getppid())\n"
    "stolen = libc.ioctl(r, 0x8901, ctypes.byref(pid)) == 0",
    "clone_process": "stolen = libc.syscall(56, 17, None, None, None, None) >= 0",
    "x32_abi": "stolen = libc.syscall(0x40000000 | 39) > 0",
    "unshare": "stolen = libc.unshare(0x10000000) == 0",
    "memfd": "stolen = libc.memfd_create(b'x', 0) >= 0",
}


@pytest.mark.parametrize("attack", sorted(SYSCALL_ATTACKS))
def test_system_calls_outside_the_allowlist_fail(course, tmp_path, attack):
    """Processes, exec, sockets of every family, io_uring, ptrace, I/O-signal ownership: refused
    by the seccomp allowlist (x86_64 numbers; the clone flags ask for a new process)."""
    if os.uname().machine != "x86_64" and attack in (
        "io_uring",
        "process_vm_readv",
        "clone_process",
        "x32_abi",
    ):
        pytest.skip("the attack uses x86_64 system-call numbers")
    code = LIBC + SYSCALL_ATTACKS[attack]
    assert_held(graded(course, submission_with(tmp_path, code, "import os\n")))


def test_files_are_capped_in_total(course, tmp_path):
    """Many small files (each under the per-file limit) in every writable place stop at the
    course's disk cap (8 MB): the child is stopped or its writes fail; nothing is left behind."""
    attack = """
    import os
    written = 0
    for folder in (".", "/tmp", "/dev/shm", "/var/tmp"):
        for number in range(400):
            try:
                with open(os.path.join(folder, f"fill-{os.getpid()}-{number}"), "wb") as handle:
                    handle.write(b"x" * 60_000)
                written += 60_000
            except OSError:
                break
    stolen = written > 64 * 2**20
    """
    report = graded(course, submission_with(tmp_path, attack))
    assert_held(report)
    leftovers = [p for folder in policy.SCRATCH for p in Path(folder).glob("fill-*") if p.exists()]
    assert not leftovers, leftovers[:3]


def test_the_submission_budget_ends_an_endless_submission(course, tmp_path):
    """With a 1.5 s budget for the whole submission (the call limit is 2 s), the first endless call
    ends when the budget does, and every later call is a timeout at once."""
    text = (course / "course.yml").read_text(encoding="utf-8")
    (course / "course.yml").write_text(
        text.replace("submission_time_limit_s: 60", "submission_time_limit_s: 1.5")
    )
    report = graded(course, submission_with(tmp_path, "while True:\n    pass"))
    assert_held(report)
    statuses = [t.status for t in report.tests if t.function == "norm"]
    assert statuses == ["timeout", "timeout"]
    assert "budget" in [t.output for t in report.tests if t.function == "norm"][-1]


GRADE_SCRIPT = """
import json, resource, sys
from pathlib import Path
from grader.grading import grade
from grader.config import load_course
from grader.sandbox.client import Channel
Channel.audit_hook = False
root = Path(sys.argv[1])
report = grade(root, load_course(root / "course.yml").assignment("vec"), Path(sys.argv[2]),
               official=sys.argv[3] == "official")
# this process's own high-water mark (VmHWM starts afresh with the new image, where ru_maxrss
# carries over fork and exec) and its children's (the sandbox, forked from this small process)
own = int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0])
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"report": report.to_dict(), "peak_kb": max(own, children)}))
"""


def grade_apart(course: Path, submission: Path, official: bool = True) -> tuple[dict, float]:
    """Grade in a process of its own, started with SECRET in its environment: (report, peak MB)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            GRADE_SCRIPT,
            str(course),
            str(submission),
            "official" if official else "advisory",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "GRADER_TOKEN": SECRET},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout.splitlines()[-1])
    return measured["report"], measured["peak_kb"] / 1024


def grading_peak_mb(course: Path, submission: Path) -> float:
    """The peak resident memory of an official grading process run on its own (the honest score)."""
    report, peak = grade_apart(course, submission)
    assert report["score"] == pytest.approx(HONEST), report
    return peak


def test_forged_frames_cannot_grow_the_grader(course, tmp_path):
    """The child writes forged frames on every descriptor: a frame announcing 64 GB, a header of
    deeply nested lists, a million-item list: the grader refuses each and stays under 1 GB."""
    attack = """
    import os, struct, json
    nested = b"[" * 200_000 + b"]" * 200_000
    wide = json.dumps({"id": 1, "ok": list(range(2_000_000)), "blob_sizes": []}).encode()[: 8 * 2**20 - 1]
    frames = [struct.pack("<Q", 64 * 2**30)]
    frames += [struct.pack("<QI", 4 + len(text), len(text)) + text for text in (nested, wide)]
    for fd in range(3, 12):
        for payload in frames:
            try:
                os.write(fd, payload)
            except OSError:
                pass
    """
    submission = submission_with(tmp_path, attack)
    assert grading_peak_mb(course, submission) < 1024


def test_large_results_are_not_all_kept_for_diagnosis(course, tmp_path):
    """norm answers 300 calls with the largest array allowed (8 MB); the grader keeps a bounded
    log of calls and stays under 1 GB."""
    source = (FIXTURE / "tests" / "vec" / "test_hidden.py").read_text(encoding="utf-8")
    source += textwrap.dedent(
        """

        @pytest.mark.points(0)
        @pytest.mark.function("norm")
        def test_norm_many_times(submission):
            for _ in range(300):
                submission.norm(np.ones(3))
        """
    )
    (course / "tests" / "vec" / "test_hidden.py").write_text(source, encoding="utf-8")
    attack = "stolen = False\nreturn np.ones(2**20)"
    submission = submission_with(tmp_path, attack)
    assert grading_peak_mb(course, submission) < 1024


def test_official_runs_refuse_weak_isolation(tmp_path, monkeypatch):
    """A machine without namespaces or root: an official run stops with exit code 3's error; an
    advisory run grades and says it is advisory."""
    monkeypatch.setattr(policy, "bubblewrap_works", lambda: False)
    monkeypatch.setattr(policy, "_is_root", lambda: False)
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    with pytest.raises(IsolationRefused, match="install bubblewrap") as refused:
        graded(root, root / "solutions" / "vec.py", official=True)
    assert refused.value.exit_code == 3
    report = graded(root, root / "solutions" / "vec.py", official=False)
    assert report.score == pytest.approx(10.0)
    assert report.isolation.startswith("child process (advisory")


def test_the_uid_level_refuses_a_course_others_can_read(tmp_path, monkeypatch):
    """As root without namespaces, a world-readable course is not graded officially: one sentence
    says which folder to make private."""
    require_level("uid")
    monkeypatch.setattr(policy, "bubblewrap_works", lambda: False)
    public = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        os.chmod(public, 0o755)
        root = public / "course"
        shutil.copytree(FIXTURE, root)
        with pytest.raises(IsolationRefused, match="chmod o-rx"):
            graded(root, root / "solutions" / "vec.py", official=True)
    finally:
        shutil.rmtree(public)


def test_the_attacks_do_score_where_nothing_isolates(tmp_path, monkeypatch):
    """The control: at the advisory process level (same user, no namespaces, no audit hook) the
    file and environment attacks succeed and score 10, so the tests above can fail."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    text = (root / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("isolation: auto", "isolation: process"))
    monkeypatch.setattr(Channel, "audit_hook", False)
    monkeypatch.setenv("GRADER_TOKEN", SECRET)
    read = f"stolen = 'points' in open({str(root / 'course.yml')!r}).read()"
    assert graded(root, submission_with(tmp_path / "a", read), official=False).score == pytest.approx(10.0)
    environ = f"stolen = {SECRET!r}.encode() in open(f'/proc/{{os.getppid()}}/environ', 'rb').read()"
    leaked, _ = grade_apart(root, submission_with(tmp_path / "b", environ, "import os\n"), official=False)
    assert leaked["score"] == pytest.approx(10.0)


def test_an_interpreter_kept_under_tmp_is_still_bound(tmp_path, monkeypatch):
    """A virtual environment under /tmp (a CI clone there) stays visible in the sandbox, whose
    /tmp is a tmpfs of its own: the honest reference still scores full marks."""
    require_level("bubblewrap")
    extra = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        roots = policy.python_roots()
        monkeypatch.setattr(policy, "python_roots", lambda: [*roots, str(extra)])
        root = tmp_path / "course"
        shutil.copytree(FIXTURE, root)
        text = (root / "course.yml").read_text(encoding="utf-8")
        (root / "course.yml").write_text(text.replace("isolation: auto", "isolation: bubblewrap"))
        assert graded(root, root / "solutions" / "vec.py").score == pytest.approx(10.0)
    finally:
        shutil.rmtree(extra)
