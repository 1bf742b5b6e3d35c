"""The isolation policy, grader side: which level this machine gives, and how to start a child in it.

Levels, strongest first (README "What the sandbox does" says what each stops):

- ``bubblewrap``: fresh namespaces (no network, no other process, no file of
  the machine but the interpreter and a read-only copy of the submission), a
  uid of nobody, one size-limited tmpfs for everything the child can write.
- ``unprivileged uid`` (root without namespaces, as in Docker-based autograders):
  the child runs under a uid and gid of its own (one per concurrent child), so
  it can neither read a course the uid cannot reach nor signal the grader; the
  grader measures what the uid writes and stops the child past the cap.
- ``child process``: the same user as the grader; seccomp and rlimits only.
  Advisory: it cannot hide the grader's files or environment.

The child's half of the policy (seccomp allowlist, rlimits, audit hook) is
`confine.py` beside this module.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.caches import Memo
from grader.errors import IsolationRefused
from grader.i18n import Sentence

BUBBLEWRAP, USER_ID, PROCESS = "bubblewrap", "unprivileged uid", "child process"
CHOICES = {"auto": None, "bubblewrap": BUBBLEWRAP, "uid": USER_ID, "process": PROCESS}
UID_RANGE = range(61000, 62000)  # uids (and gids) handed to children, one per concurrent child
# where any user may write, outside namespaces (the uid level measures and cleans these)
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock", "/dev/mqueue")
MAX_ENTRIES = 20_000  # files and folders a child may make at the uid level (each costs kernel memory)
INSTALL = "install bubblewrap (apt-get install bubblewrap) or run the grader as root"
AS_YOURSELF = f"student code would run as your own user, without namespaces: {INSTALL}"
BUBBLEWRAP_NEEDED = (0, 7, 0)  # grading's --size (a tmpfs with a cap) came in bubblewrap 0.7.0
NEEDED = ".".join(map(str, BUBBLEWRAP_NEEDED))
UPGRADE = f"install bubblewrap {NEEDED} or later where it may create namespaces, or run the grader as root"


@dataclass(frozen=True)
class Isolation:
    """The level a child runs at, and why it is only advisory when it is."""

    level: str
    weakness: str = ""  # empty when the level is strong enough for an official score

    @property
    def strong(self) -> bool:
        return not self.weakness

    def describe(self) -> str:
        """The report's `isolation`: the level, and "advisory" when it is not strong."""
        return self.level if self.strong else f"{self.level} (advisory: {self.weakness})"


def bubblewrap_works() -> bool:
    """Whether bubblewrap is installed and starts a child here with grading's own arguments."""
    return bubblewrap_problem() is None


def bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot start a grading child here (one clause), or None when it can."""
    if sys.platform != "linux":
        return "bubblewrap needs Linux"
    found = shutil.which("bwrap")
    if found is None:
        return "bubblewrap is not installed"
    return PROBES.get(found, functools.partial(_probe, found))


PROBES: Memo[str, str | None] = Memo(__name__, "a bwrap executable -> why it cannot start a grading child")


def _probe(bwrap: str) -> str | None:
    """Start `bwrap` with the very arguments grading uses (its options, binds and tmpfs caps) on
    the grading interpreter; a bubblewrap that refuses any of them is no bubblewrap."""
    with tempfile.TemporaryDirectory(prefix="grader-probe-") as folder:
        runner, submission = Path(folder) / "runner", Path(folder) / "submission"
        runner.mkdir()
        submission.mkdir()
        command = bubblewrap_command(runner, submission, 2**20, bwrap)
        command += [sys.executable, "-I", "-S", "-c", ""]
        try:
            run = subprocess.run(command, capture_output=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
        except (OSError, subprocess.SubprocessError) as error:
            return f"bubblewrap could not be started ({error})"
    if run.returncode == 0:
        return None
    version = _version(bwrap)
    complaint = run.stderr.decode("utf-8", "replace").strip().splitlines()
    said = complaint[-1][:200] if complaint else f"exit code {run.returncode}"
    shown = ".".join(map(str, version)) if version else "installed"
    if "Unknown option" in said:
        return f"bubblewrap {shown} is too old: grading needs bubblewrap {NEEDED} or later ({said})"
    older = version is not None and version < BUBBLEWRAP_NEEDED
    return f"bubblewrap cannot create its sandbox here ({said})" + (
        f", and bubblewrap {shown} is older than the {NEEDED} grading needs" if older else ""
    )


def _version(bwrap: str) -> tuple[int, ...] | None:
    """bubblewrap's version ("bubblewrap 0.6.1" -> (0, 6, 1)), or None when it does not say."""
    try:
        said = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", said)
    return tuple(int(part or 0) for part in found.groups()) if found else None


def choose(preference: str, protected: list[Path], official: bool) -> Isolation:
    """The isolation for a child, given course.yml's `grading.isolation` and what must stay hidden.

    Args:
        preference: "auto" (the strongest available), "bubblewrap", "uid" or "process".
        protected: the course's files (suites, solutions, course.yml) and the original submission.
        official: the score will be recorded; weak isolation is refused.

    Raises:
        IsolationRefused: an official run without strong isolation, or a level that is not here.
    """
    wanted = CHOICES[preference]
    isolation = _best(protected) if wanted is None else _exactly(wanted, protected)
    if official and not isolation.strong:
        raise IsolationRefused(Sentence("isolation.official_weak", {"weakness": isolation.weakness}))
    return isolation


def _best(protected: list[Path]) -> Isolation:
    if bubblewrap_works():
        return Isolation(BUBBLEWRAP)
    if _is_root():
        try:
            return _exactly(USER_ID, protected)
        except IsolationRefused as refused:  # as root, bubblewrap is the other way: name both
            missing = bubblewrap_problem() or "bubblewrap does not work here"
            fix = f"install bubblewrap {NEEDED} or later (apt-get install bubblewrap)"
            return Isolation(PROCESS, f"{missing} ({fix}), and {str(refused).rstrip('.')}")
    problem = bubblewrap_problem()
    if problem and problem != "bubblewrap is not installed":  # there, but not one grading can use
        return Isolation(PROCESS, f"student code would run as your own user: {problem}; {UPGRADE}")
    return Isolation(PROCESS, AS_YOURSELF)


def _exactly(level: str, protected: list[Path]) -> Isolation:
    if level == BUBBLEWRAP:
        if not bubblewrap_works():
            problem = bubblewrap_problem() or "it does not work here"
            raise IsolationRefused(
                Sentence("isolation.no_bubblewrap", {"problem": problem, "upgrade": UPGRADE})
            )
        return Isolation(BUBBLEWRAP)
    if level == PROCESS:
        return Isolation(PROCESS, AS_YOURSELF)
    if not _is_root():
        raise IsolationRefused(Sentence("isolation.uid_needs_root"))
    for path in interpreter_paths():
        if not reachable_by_others(path):
            raise IsolationRefused(Sentence("isolation.interpreter_hidden", {"path": str(path)}))
    scratch = Path(tempfile.gettempdir())
    if not reachable_by_others(scratch):
        raise IsolationRefused(Sentence("isolation.scratch_hidden", {"scratch": str(scratch)}))
    exposed = [path for path in protected if path.exists() and reachable_by_others(path)]
    if exposed:
        return Isolation(
            USER_ID,
            f"other users can read {exposed[0]}: make a parent folder private (chmod o-rx) first",
        )
    return Isolation(USER_ID)


def _is_root() -> bool:
    return sys.platform == "linux" and os.geteuid() == 0


def reachable_by_others(path: Path) -> bool:
    """Whether a user other than the owner (and outside its group) can reach and read `path`.

    Every folder on the way needs search permission for others, and the path itself read
    permission (search too, for a folder). ACLs are not considered.
    """
    path = Path(os.path.realpath(path))
    for folder in reversed(path.parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    mode = os.stat(path).st_mode
    needed = stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)
    return mode & needed == needed


def interpreter_paths() -> list[Path]:
    """The interpreter and the folders of its packages, which a child must be able to read."""
    return [Path(os.path.realpath(sys.executable)), *map(Path, python_roots())]


def python_roots() -> list[str]:
    """Folders the interpreter and its packages live in (outermost only)."""
    import site
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    roots.update(site.getsitepackages())
    roots.update(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))
    existing = sorted({os.path.realpath(root) for root in roots if os.path.isdir(root)})
    return [root for root in existing if not any(root.startswith(other + os.sep) for other in existing)]


def child_environment(home: str) -> dict[str, str]:
    """The child's whole environment: nothing of the grader's."""
    single_thread = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        **single_thread,
    }


def bubblewrap_command(runner: Path, submission: Path, disk_bytes: int, bwrap: str = "bwrap") -> list[str]:
    """bwrap arguments: fresh namespaces, read-only system, `disk_bytes` of tmpfs to write in.

    Inside, the runner is at /runner, the submission (read-only) at /sandbox/submission; the
    working folder /sandbox and /tmp are two tmpfs of half of `disk_bytes` each, and /dev is
    read-only (no /dev/shm to fill). /tmp is mounted before the interpreter's folders, so that an
    interpreter kept under /tmp (a virtual environment there) is still bound inside it.
    """
    command = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    command += ["--uid", "65534", "--gid", "65534", "--clearenv"]
    command += ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev"]
    command += ["--size", str(disk_bytes // 2), "--perms", "1777", "--tmpfs", "/tmp"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            command += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            command += ["--ro-bind", top, top]
    if os.path.exists("/etc/ld.so.cache"):
        command += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for root in python_roots():
        if not root.startswith("/usr/"):
            command += ["--ro-bind", root, root]
    command += ["--size", str(disk_bytes - disk_bytes // 2), "--perms", "0777", "--tmpfs", "/sandbox"]
    command += ["--ro-bind", str(submission), "/sandbox/submission", "--ro-bind", str(runner), "/runner"]
    # bubblewrap's own root (where it made /opt, /work... as mount points) is a tmpfs without a cap:
    # read-only, like /dev; only /sandbox and /tmp take writes
    command += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/sandbox"]
    for key, value in child_environment("/sandbox").items():
        command += ["--setenv", key, value]
    return command


class UserIds:
    """Hands out a uid (and gid of the same number) per concurrent child, across processes.

    A lock file per uid in one folder of the machine that only root can enter (the same for
    every grader, whatever its TMPDIR); the lock is held while the child lives. A uid is handed
    out only after whatever an earlier child of it left is gone: processes killed, files removed.
    """

    folder = Path("/run/grader-uids" if os.path.isdir("/run") else "/tmp/grader-uids")

    @classmethod
    def take(cls) -> tuple[int, int]:
        """A free uid and the descriptor holding its lock (close it to give the uid back).

        Raises:
            IsolationRefused: when every uid of UID_RANGE is taken.
        """
        import fcntl  # POSIX only, like this level; the module itself must import on Windows

        cls.folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(cls.folder, 0o700)
        for uid in UID_RANGE:
            fd = os.open(cls.folder / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            kill_processes(uid)  # a child that outlived a grader killed abruptly
            clean_scratch(uid)
            return uid, fd
        raise IsolationRefused(Sentence("isolation.uids_taken", {"count": len(UID_RANGE)}))


def kill_processes(uid: int) -> None:
    """SIGKILL every process whose real or effective uid is `uid` (Linux /proc)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                line = next((text for text in status if text.startswith("Uid:")), "")
            if str(uid) in line.split()[1:3]:
                os.kill(int(entry), signal.SIGKILL)


def _owned_entries(uid: int) -> list[str]:
    entries = []
    for folder in dict.fromkeys(os.path.realpath(folder) for folder in SCRATCH):  # /var/lock -> /run/lock
        with contextlib.suppress(OSError), os.scandir(folder) as scan:
            entries += [e.path for e in scan if e.stat(follow_symlinks=False).st_uid == uid]
    return entries


def folder_usage(path: str | Path, skip: str | None = None) -> tuple[int, int]:
    """(bytes on disk, entries) under `path`, walked with folder descriptors (so no path is ever
    too long or too deep to measure), links not followed; the top-level entry `skip` is left out.

    Bytes are st_blocks, so sparse files count as written.
    """
    try:
        info = os.lstat(path)
    except OSError:
        return 0, 0
    if not stat.S_ISDIR(info.st_mode):
        return info.st_blocks * 512, 1
    total, entries = info.st_blocks * 512, 1
    stack = [os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)]
    first = True
    while stack:
        fd = stack.pop()
        try:
            for entry in os.scandir(fd):
                if first and entry.name == skip:
                    continue
                with contextlib.suppress(OSError):
                    child = entry.stat(follow_symlinks=False)
                    total, entries = total + child.st_blocks * 512, entries + 1
                    if stat.S_ISDIR(child.st_mode):
                        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
                        stack.append(os.open(entry.name, flags, dir_fd=fd))
        except OSError:
            pass
        finally:
            os.close(fd)
            first = False
    return total, entries


def written_usage(uid: int, work: Path) -> tuple[int, int]:
    """(bytes, entries) a child of `uid` wrote: its work folder (not the submission the grader
    copied there) and its entries in the scratch folders."""
    usages = [folder_usage(work, skip="submission"), *(folder_usage(p) for p in _owned_entries(uid))]
    return sum(u[0] for u in usages), sum(u[1] for u in usages)


def remove_tree(path: str | Path) -> None:
    """Remove a file or folder however deep or long its paths (rm works with descriptors)."""
    if os.path.lexists(path):
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)], capture_output=True, check=False)


def clean_scratch(uid: int) -> None:
    """Remove what `uid` left in the scratch folders."""
    for path in _owned_entries(uid):
        remove_tree(path)
