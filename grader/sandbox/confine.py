"""The child's half of the isolation policy: it confines its own process before importing a submission.

Run inside the child (copied beside child.py), so it imports only the standard
library. Three layers, in the order the child applies them:

- rlimits: address space, file size, CPU time, open files, core dumps (and,
  under a uid of its own, the number of threads);
- a seccomp allowlist: the system calls that Python and NumPy need, with their
  arguments checked where a call could reach another process (clone only for
  threads, tgkill only to itself, fcntl and ioctl without setting an owner for
  I/O signals, prlimit only on itself). Everything else fails with EPERM,
  including calls the kernel adds later (io_uring), sockets of every family,
  exec, fork, ptrace, process_vm_* and kill;
- an audit hook that refuses writes outside the work folder: defence in depth
  only, since Python code can get around it. No guarantee rests on it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import struct
import sys
from collections.abc import Callable
from typing import Any

# System calls allowed without looking at their arguments (names from the kernel's tables).
ALLOWED = """
read write readv writev pread64 pwrite64 preadv pwritev lseek close close_range dup dup2 dup3
pipe pipe2 open openat creat stat fstat lstat newfstatat statx statfs fstatfs access faccessat
faccessat2 readlink readlinkat getdents getdents64 getcwd chdir fchdir mkdir mkdirat rmdir
unlink unlinkat rename renameat renameat2 truncate ftruncate fsync fdatasync flock umask chmod
fchmod fchmodat utimensat fadvise64 fallocate mmap munmap mprotect mremap brk madvise msync
mincore mbind get_mempolicy set_mempolicy rt_sigaction rt_sigprocmask rt_sigreturn
rt_sigpending rt_sigtimedwait rt_sigsuspend sigaltstack clock_gettime clock_getres
clock_nanosleep gettimeofday nanosleep time times getitimer setitimer alarm getpid gettid
getppid getuid geteuid getgid getegid getgroups getresuid getresgid getpgrp getpgid getsid
getrusage getrlimit setrlimit uname sysinfo getcpu getpriority sched_getaffinity sched_yield
sched_getparam sched_getscheduler sched_get_priority_max sched_get_priority_min futex
set_robust_list get_robust_list set_tid_address rseq membarrier exit exit_group arch_prctl
prctl getrandom poll ppoll select pselect6 epoll_create1 epoll_ctl epoll_wait epoll_pwait
eventfd2 wait4
""".split()  # noqa: SIM905 (a table, easier read as words)

# (x86_64 number, aarch64 number); None where the architecture has no such call.
_NUMBERS: dict[str, tuple[int | None, int | None]] = {
    "read": (0, 63), "write": (1, 64), "readv": (19, 65), "writev": (20, 66),
    "pread64": (17, 67), "pwrite64": (18, 68), "preadv": (295, 69), "pwritev": (296, 70),
    "lseek": (8, 62), "close": (3, 57), "close_range": (436, 436), "dup": (32, 23),
    "dup2": (33, None), "dup3": (292, 24), "pipe": (22, None), "pipe2": (293, 59),
    "open": (2, None), "openat": (257, 56), "creat": (85, None), "stat": (4, None),
    "fstat": (5, 80), "lstat": (6, None), "newfstatat": (262, 79), "statx": (332, 291),
    "statfs": (137, 43), "fstatfs": (138, 44), "access": (21, None), "faccessat": (269, 48),
    "faccessat2": (439, 439), "readlink": (89, None), "readlinkat": (267, 78),
    "getdents": (78, None), "getdents64": (217, 61), "getcwd": (79, 17), "chdir": (80, 49),
    "fchdir": (81, 50), "mkdir": (83, None), "mkdirat": (258, 34), "rmdir": (84, None),
    "unlink": (87, None), "unlinkat": (263, 35), "rename": (82, None), "renameat": (264, 38),
    "renameat2": (316, 276), "truncate": (76, 45), "ftruncate": (77, 46), "fsync": (74, 82),
    "fdatasync": (75, 83), "flock": (73, 32), "umask": (95, 166), "chmod": (90, None),
    "fchmod": (91, 52), "fchmodat": (268, 53), "utimensat": (280, 88), "fadvise64": (221, 223),
    "fallocate": (285, 47), "mmap": (9, 222), "munmap": (11, 215), "mprotect": (10, 226),
    "mremap": (25, 216), "brk": (12, 214), "madvise": (28, 233), "msync": (26, 227),
    "mincore": (27, 232), "mbind": (237, 235), "get_mempolicy": (239, 236),
    "set_mempolicy": (238, 237), "rt_sigaction": (13, 134), "rt_sigprocmask": (14, 135),
    "rt_sigreturn": (15, 139), "rt_sigpending": (127, 136), "rt_sigtimedwait": (128, 137),
    "rt_sigsuspend": (130, 133), "sigaltstack": (131, 132), "clock_gettime": (228, 113),
    "clock_getres": (229, 114), "clock_nanosleep": (230, 115), "gettimeofday": (96, 169),
    "nanosleep": (35, 101), "time": (201, None), "times": (100, 153), "getitimer": (36, 102),
    "setitimer": (38, 103), "alarm": (37, None), "getpid": (39, 172), "gettid": (186, 178),
    "getppid": (110, 173), "getuid": (102, 174), "geteuid": (107, 175), "getgid": (104, 176),
    "getegid": (108, 177), "getgroups": (115, 158), "getresuid": (118, 148),
    "getresgid": (120, 150), "getpgrp": (111, None), "getpgid": (121, 155), "getsid": (124, 156),
    "getrusage": (98, 165), "getrlimit": (97, 163), "setrlimit": (160, 164), "uname": (63, 160),
    "sysinfo": (99, 179), "getcpu": (309, 168), "getpriority": (140, 141),
    "sched_getaffinity": (204, 123), "sched_yield": (24, 124), "sched_getparam": (143, 121),
    "sched_getscheduler": (145, 120), "sched_get_priority_max": (146, 125),
    "sched_get_priority_min": (147, 126), "futex": (202, 98), "set_robust_list": (273, 99),
    "get_robust_list": (274, 100), "set_tid_address": (218, 96), "rseq": (334, 293),
    "membarrier": (324, 283), "exit": (60, 93), "exit_group": (231, 94), "arch_prctl": (158, None),
    "prctl": (157, 167), "getrandom": (318, 278), "poll": (7, None), "ppoll": (271, 73),
    "select": (23, None), "pselect6": (270, 72), "epoll_create1": (291, 20),
    "epoll_ctl": (233, 21), "epoll_wait": (232, None), "epoll_pwait": (281, 22),
    "eventfd2": (290, 19), "wait4": (61, 260),
    # checked on their arguments below
    "clone": (56, 220), "clone3": (435, 435), "ioctl": (16, 29), "fcntl": (72, 25),
    "tgkill": (234, 131), "prlimit64": (302, 261),
}  # fmt: skip
_ARCHES = {"x86_64": (0, 0xC000003E), "aarch64": (1, 0xC00000B7)}  # column, AUDIT_ARCH_*
_X32_BIT = 0x40000000  # x86_64's x32 ABI shares its audit arch: refuse those numbers

CLONE_THREAD = 0x00010000
IOCTLS = (0x5401, 0x5413, 0x541B, 0x5450, 0x5451)  # TCGETS TIOCGWINSZ FIONREAD FIONCLEX FIOCLEX
# F_DUPFD GETFD SETFD GETFL SETFL GETLK SETLK SETLKW, OFD locks, F_DUPFD_CLOEXEC, F_GET_SEALS;
# never F_SETOWN(_EX) or F_SETSIG, which would send I/O signals to another process.
FCNTLS = (0, 1, 2, 3, 4, 5, 6, 7, 36, 37, 38, 1030, 1034)

_LOAD, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO, _KILL = 0x7FFF0000, 0x00050000, 0x80000000
_EPERM, _ENOSYS = 1, 38
_NR, _ARCH = 0, 4


def _arg(index: int) -> int:
    """Offset of the low 32 bits of a system call's argument in seccomp_data (little-endian)."""
    return 16 + 8 * index


def _allow_if_arg_in(nr: int, arg: int, values: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """Rows: for system call `nr`, allow when argument `arg` is one of `values`, else EPERM."""
    rows = [(_JEQ, 0, len(values) + 3, nr), (_LOAD, 0, 0, _arg(arg))]
    rows += [(_JEQ, len(values) - position, 0, value) for position, value in enumerate(values)]
    rows += [(_RET, 0, 0, _ERRNO | _EPERM), (_RET, 0, 0, _ALLOW)]
    return [*rows, (_LOAD, 0, 0, _NR)]


def seccomp_program(machine: str, own_pid: int) -> list[tuple[int, int, int, int]] | None:
    """A classic-BPF seccomp allowlist as (code, jt, jf, k) rows, or None on other machines.

    Args:
        machine: platform.machine(), "x86_64" or "aarch64".
        own_pid: this process's id: tgkill may signal this process only.
    """
    if machine not in _ARCHES:
        return None
    column, audit_arch = _ARCHES[machine]

    def number(name: str) -> int | None:
        return _NUMBERS[name][column]

    def required(name: str) -> int:
        nr = number(name)
        assert nr is not None, name
        return nr

    rows = [(_LOAD, 0, 0, _ARCH), (_JEQ, 1, 0, audit_arch), (_RET, 0, 0, _KILL), (_LOAD, 0, 0, _NR)]
    if machine == "x86_64":
        rows += [(_JGE, 0, 1, _X32_BIT), (_RET, 0, 0, _ERRNO | _EPERM)]
    for name in ALLOWED:
        nr = number(name)
        if nr is not None:
            rows += [(_JEQ, 0, 1, nr), (_RET, 0, 0, _ALLOW)]
    clone3 = required("clone3")
    rows += [(_JEQ, 0, 1, clone3), (_RET, 0, 0, _ERRNO | _ENOSYS)]  # libc falls back to clone
    clone = required("clone")
    rows += [(_JEQ, 0, 4, clone), (_LOAD, 0, 0, _arg(0)), (0x45, 1, 0, CLONE_THREAD)]  # JSET
    rows += [(_RET, 0, 0, _ERRNO | _EPERM), (_RET, 0, 0, _ALLOW), (_LOAD, 0, 0, _NR)]
    for name, arg, values in (
        ("ioctl", 1, IOCTLS),
        ("fcntl", 1, FCNTLS),
        ("tgkill", 0, (own_pid,)),
        ("prlimit64", 0, (0, own_pid)),
    ):
        nr = number(name)
        if nr is not None:
            rows += _allow_if_arg_in(nr, arg, values)
    return [*rows, (_RET, 0, 0, _ERRNO | _EPERM)]


def install_seccomp() -> bool:
    """Load the allowlist into this process (Linux only). Returns whether it is active."""
    rows = seccomp_program(platform.machine(), os.getpid()) if sys.platform == "linux" else None
    if rows is None:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    program = b"".join(struct.pack("<HBBI", *row) for row in rows)
    buffer = ctypes.create_string_buffer(program)

    class FilterProgram(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = FilterProgram(len(rows), ctypes.addressof(buffer))
    pr_set_no_new_privs, pr_set_seccomp, mode_filter = 38, 22, 2
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(pr_set_seccomp, mode_filter, ctypes.byref(fprog), 0, 0) == 0


def die_with_parent(parent_pid: int) -> None:
    """Be killed when the grading process ends, however it ends (Linux); exit now if it already has.

    Without this, a child whose grader was killed would live on under its uid, and could wait
    for the next submission graded under the same uid.
    """
    if sys.platform != "linux":
        return
    pr_set_pdeathsig, sigkill = 1, 9
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, sigkill, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(70)


def set_limits(limits: dict[str, int]) -> None:
    """Address space, file size, CPU time, open files, core dumps and, when given, threads."""
    wanted = {
        "RLIMIT_AS": limits["memory_bytes"],
        "RLIMIT_FSIZE": limits["file_bytes"],
        "RLIMIT_CPU": limits["cpu_seconds"],
        "RLIMIT_NOFILE": 64,
        "RLIMIT_CORE": 0,
    }
    if limits.get("threads"):  # counted per user: only meaningful under a uid of the child's own
        wanted["RLIMIT_NPROC"] = limits["threads"]
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        return
    for name, value in wanted.items():
        which = getattr(resource, name, None)
        if which is None:
            continue
        with contextlib.suppress(ValueError, OSError):  # a refused limit leaves the others
            resource.setrlimit(which, (value, value))


_WRITE_EVENTS = {
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.mkdir",
    "os.chmod",
    "os.chown",
    "os.symlink",
    "os.link",
    "os.truncate",
    "os.utime",
    "shutil.rmtree",
}
_BLOCKED_EVENTS = {
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "os.kill",
    "os.killpg",
    "socket.connect",
    "socket.bind",
    "socket.getaddrinfo",
    "ctypes.dlopen",
    "ctypes.dlsym",
    "ctypes.call_function",
    "ctypes.addressof",
    "ctypes.cdata",
}


def install_audit_hook(work_folder: str, said: Callable[..., BaseException]) -> None:
    """Refuse writes outside the work folder and process, network or ctypes escapes (defence in depth).

    Args:
        work_folder: the only folder the child may write in.
        said: makes the exception of a catalogue code (`child.said`), as `said(kind, code, **params)`.
    """
    root = os.path.realpath(work_folder) + os.sep
    allowed = {"/dev/null"}

    def inside(path: Any) -> bool:
        if isinstance(path, int):
            return True  # an already open descriptor
        name = os.path.realpath(os.fsdecode(path))
        return name in allowed or (name + os.sep).startswith(root)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            writing = (mode and any(c in str(mode) for c in "wax+")) or (flags or 0) & 0o3
            if writing and path is not None and not inside(path):
                raise said(PermissionError, "child.write_outside", path=str(path))
        elif event in _WRITE_EVENTS:
            if args and not inside(args[0]):
                raise said(PermissionError, "child.outside", event=event)
        elif event in _BLOCKED_EVENTS:
            raise said(PermissionError, "child.not_allowed", event=event)

    sys.addaudithook(hook)
