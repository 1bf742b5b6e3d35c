"""No window in the folders the grader stages for a child (issue 19, item 2).

The replay child holds the reference and the mistake catalogue (variants.py). A process running
as another sandbox uid (a student's child, graded at the same time) watches the grader's
temporary folder and opens every folder and file it can, as fast as it can, while the replay
child is staged and started, many times over. Every handle it gets is kept and read through
later, as an attacker holding a descriptor would. It must never read a byte of the reference.

At each start, the grader also waits inside the staging (after the reference is copied, before
the child runs) until the watcher has tried once more: the window, if there is one, is tried
on every start, not only when the scheduler happens to open it.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from grader.config import load_course
from grader.diagnosis import Replayer
from grader.sandbox import policy, workspace

from .conftest import require_level

pytestmark = pytest.mark.slow  # dozens of replay children

FIXTURE = Path(__file__).parent / "files" / "course"
CANARY = "canary-of-the-reference-5d21"
STARTS = 30

WATCHER = r'''
import os, sys, threading

root, canary = sys.argv[1], sys.argv[2].encode()
held, leaks, lock = [], set(), threading.Lock()


def grab(path, dir_fd=None, shown=None):
    """Open `path` (a folder or a file) if this uid can, keep the handle, read what it can."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
    except OSError:
        return
    with lock:
        held.append((fd, shown or path))
    read(fd, shown or path)


def read(fd, name):
    try:
        entries = os.listdir(fd)
    except NotADirectoryError:
        try:
            if canary in os.pread(fd, 1 << 22, 0):
                with lock:
                    leaks.add(name)
        except OSError:
            pass
        return
    except OSError:
        return
    for entry in entries:
        grab(entry, dir_fd=fd, shown=name + "/" + entry)


def sweep():
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        base = os.path.join(root, name)
        for inner in ("", "work", "work/submission", "work/submission/variants.py", "runner"):
            grab(os.path.join(base, inner) if inner else base)
    with lock:
        kept = list(held)
    for fd, shown in kept:  # a handle taken in a window is still read after the window closed
        read(fd, shown)


def free_running():
    while True:
        sweep()


threading.Thread(target=free_running, daemon=True).start()
for line in sys.stdin:
    if line.strip() == "probe":
        sweep()
        print("done", flush=True)
    else:
        with lock:
            print("leaks " + " ".join(sorted(leaks)), flush=True)
'''


class Watcher:
    """The watcher process, running as a sandbox uid of its own (taken like a child's)."""

    def __init__(self, root: Path) -> None:
        self.uid, self.lock = policy.UserIds.take()
        self.process = subprocess.Popen(
            ["/usr/bin/python3", "-I", "-S", "-c", WATCHER, str(root), CANARY],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            user=self.uid,
            group=self.uid,
            extra_groups=[],
        )

    def ask(self, line: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        policy.kill_processes(self.uid)
        os.close(self.lock)


@pytest.fixture
def staging_root(tmp_path, monkeypatch) -> Iterator[Path]:
    """The grader's temporary folder: one any user may list, as /tmp is (made after tmp_path, so
    that pytest's own folders stay where they were)."""
    root = Path(tempfile.mkdtemp(prefix="staging-"))
    os.chmod(root, 0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    yield root
    policy.remove_tree(root)


@pytest.mark.parametrize("level", [policy.USER_ID, policy.BUBBLEWRAP])
def test_a_watcher_never_reads_the_reference_of_a_replay_child(staging_root, tmp_path, monkeypatch, level):
    """Before: the watcher read variants.py on 30 of 30 starts at the uid level (work/ was 0755
    until the reference was in), and at the bubblewrap level for the child's whole life (the
    base folder let every user pass, and work/ stayed 0755)."""
    require_level("bubblewrap" if level == policy.BUBBLEWRAP else "uid")
    reference = tmp_path / "private" / "vec.py"
    reference.parent.mkdir(mode=0o700)
    source = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
    reference.write_text(f"CANARY = {CANARY!r}\n{source}", encoding="utf-8")
    catalogue = [
        {
            "name": "squared_norm",
            "function": "norm",
            "code": "def norm(x):\n    return float(np.sum(x * x))\n",
        }
    ]
    settings = load_course(FIXTURE / "course.yml").grading
    watcher = Watcher(staging_root)
    copy = workspace._copy_submission

    def copy_then_wait(*args: object) -> None:  # the reference is in place: let the watcher try
        copy(*args)
        assert watcher.ask("probe") == "done"

    monkeypatch.setattr(workspace, "_copy_submission", copy_then_wait)
    try:
        for _ in range(STARTS):
            replayer = Replayer(reference, catalogue, settings, policy.Isolation(level))
            try:
                kind, value = replayer.answer("add", [np.ones(2), np.ones(2)], {})
            finally:
                replayer.close()
            assert kind == "ok" and np.array_equal(value, [2.0, 2.0])
            assert watcher.ask("probe") == "done"
        leaks = watcher.ask("report")
    finally:
        watcher.close()
    starts = {Path(path).relative_to(staging_root).parts[0] for path in leaks.split()[1:]}
    assert leaks == "leaks", f"the reference was read on {len(starts)} of {STARTS} starts"
