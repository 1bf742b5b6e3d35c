"""The child process that holds a student's submission (run as a script, never imported
by the grading process except for `seccomp_program`).

It lowers its own limits, installs a seccomp filter (no new processes, no
signals to others, no sockets) and an audit hook (writes only in its work
folder), imports the submission, then answers requests on one descriptor (requests in)
and another (replies out), both named in its configuration, until the grading process closes the channel.
It sees only the standard library, NumPy, and wire.py beside it.
"""

from __future__ import annotations

import builtins
import contextlib
import ctypes
import importlib.util
import json
import os
import platform
import struct
import sys
import traceback
import types
from typing import Any

MAX_REQUEST_BYTES = 1 << 31

# seccomp: syscall numbers per architecture (audit arch, {name: nr})
_SYSCALLS = {
    "x86_64": (
        0xC000003E,
        {
            "clone": 56,
            "fork": 57,
            "vfork": 58,
            "execve": 59,
            "execveat": 322,
            "clone3": 435,
            "kill": 62,
            "tkill": 200,
            "tgkill": 234,
            "pidfd_send_signal": 424,
            "ptrace": 101,
            "socket": 41,
            "connect": 42,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "clone": 220,
            "execve": 221,
            "execveat": 281,
            "clone3": 435,
            "kill": 129,
            "tkill": 130,
            "tgkill": 131,
            "pidfd_send_signal": 424,
            "ptrace": 117,
            "socket": 198,
            "connect": 203,
        },
    ),
}
_CLONE_THREAD = 0x00010000
_RET_ALLOW, _RET_ERRNO, _RET_KILL = 0x7FFF0000, 0x00050000, 0x80000000
_EPERM, _ENOSYS = 1, 38


def seccomp_program(machine: str) -> list[tuple[int, int, int, int]] | None:
    """A classic-BPF seccomp filter as (code, jt, jf, k) rows, or None on other machines.

    Threads are allowed (clone with CLONE_THREAD); new processes, exec, signals to
    other processes, ptrace and sockets fail with EPERM; clone3 answers ENOSYS so
    that the C library falls back to clone, whose flags the filter can read.
    """
    if machine not in _SYSCALLS:
        return None
    arch, numbers = _SYSCALLS[machine]
    load_word, jump_eq, jump_set, ret = 0x20, 0x15, 0x45, 0x06
    denied = [nr for name, nr in numbers.items() if name not in ("clone", "clone3")]
    rows = [(load_word, 0, 0, 4), (jump_eq, 1, 0, arch), (ret, 0, 0, _RET_KILL), (load_word, 0, 0, 0)]
    rows += [(jump_eq, 0, 1, numbers["clone3"]), (ret, 0, 0, _RET_ERRNO | _ENOSYS)]
    for nr in denied:
        rows += [(jump_eq, 0, 1, nr), (ret, 0, 0, _RET_ERRNO | _EPERM)]
    rows += [(jump_eq, 0, 3, numbers["clone"]), (load_word, 0, 0, 16)]
    rows += [(jump_set, 1, 0, _CLONE_THREAD), (ret, 0, 0, _RET_ERRNO | _EPERM)]
    rows += [(ret, 0, 0, _RET_ALLOW)]
    return rows


def install_seccomp() -> bool:
    """Load the filter into this process (Linux only). Returns whether it is active."""
    rows = seccomp_program(platform.machine()) if sys.platform == "linux" else None
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


def set_limits(limits: dict[str, int]) -> None:
    """Address space, file size, CPU time, open files and core dumps of this process."""
    wanted = {
        "RLIMIT_AS": limits["memory_bytes"],
        "RLIMIT_FSIZE": limits["file_bytes"],
        "RLIMIT_CPU": limits["cpu_seconds"],
        "RLIMIT_NOFILE": 64,
        "RLIMIT_CORE": 0,
    }
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


def install_audit_hook(work_folder: str) -> None:
    """Refuse writes outside the work folder and process, network or ctypes escapes."""
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
                raise PermissionError(f"writing outside the sandbox is not allowed: {path}")
        elif event in _WRITE_EVENTS:
            if args and not inside(args[0]):
                raise PermissionError(f"{event} outside the sandbox is not allowed")
        elif event in _BLOCKED_EVENTS:
            raise PermissionError(f"{event} is not allowed while grading")

    sys.addaudithook(hook)


class Runner:
    """Holds the submission's namespace and the objects handed out as handles."""

    def __init__(self, namespace: dict[str, Any], max_bytes: int) -> None:
        import wire  # beside this file

        self.wire = wire
        self.namespace = namespace
        self.max_bytes = max_bytes
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}

    def to_handle(self, value: Any) -> Any:
        kind = type(value)
        if isinstance(value, type) or callable(value) or kind.__module__ in ("builtins", "numpy"):
            return None
        if self.namespace.get(kind.__name__) is not kind:
            return None  # only instances of the submission's own classes become handles
        if id(value) not in self.ids:
            handle_id = len(self.objects) + 1
            self.objects[handle_id], self.ids[id(value)] = value, handle_id
        return self.wire.Handle(self.ids[id(value)], kind.__name__)

    def from_handle(self, handle: Any) -> Any:
        if handle.id not in self.objects:
            raise LookupError("an object from before your code was restarted")
        return self.objects[handle.id]

    def target(self, request: dict[str, Any]) -> Any:
        if request.get("handle") is None:
            return self.namespace, request["name"]
        return self.from_handle(self.wire.Handle(request["handle"], "")), request["name"]

    def handle(self, request: dict[str, Any], blobs: list[bytes]) -> Any:
        if request["op"] == "state":  # an object's attributes, for diagnosing a method's output
            return dict(vars(self.from_handle(self.wire.Handle(request["handle"], ""))))
        owner, name = self.target(request)
        if request["op"] == "set":
            value = self.wire.decode(request["value"], blobs, self.from_handle)
            setattr(owner, name, value)
            return None
        if isinstance(owner, dict) and name not in owner:
            raise AttributeError(f"your submission defines no {name!r}; check its name")
        attribute = owner[name] if isinstance(owner, dict) else getattr(owner, name)
        if request["op"] == "describe":
            return {"callable": True} if callable(attribute) else {"value": attribute}
        args = self.wire.decode(request["args"], blobs, self.from_handle)
        kwargs = self.wire.decode(request["kwargs"], blobs, self.from_handle)
        return attribute(*args, **kwargs)


def load_namespace(
    source_path: str, module_name: str, cells: list[str] | None
) -> tuple[dict[str, Any], list[str]]:
    """Import a .py file, or run a notebook's code cells in order; return (namespace, notes)."""
    notes: list[str] = []
    folder = os.path.dirname(source_path)
    sys.path.insert(0, folder)
    if cells is None:
        spec = importlib.util.spec_from_file_location(module_name, source_path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {source_path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        return vars(module), notes
    module = types.ModuleType(module_name)
    sys.modules[module_name] = module
    for number, cell in enumerate(cells, start=1):
        kept = []
        for line in cell.splitlines():
            if line.lstrip().startswith(("%", "!")):
                notes.append(f"cell {number}: skipped the IPython line {line.strip()[:40]!r}")
                kept.append("")
            else:
                kept.append(line)
        try:
            exec(compile("\n".join(kept), f"<cell {number}>", "exec"), vars(module))
        except Exception as error:  # a broken cell is reported; later cells still run
            notes.append(f"cell {number} raised {type(error).__name__}: {str(error)[:200]}")
    return vars(module), notes


def describe_error(error: BaseException, source_path: str) -> dict[str, Any]:
    """Type, message and the student's own frames of an exception."""
    frames = [
        f"line {frame.lineno} in {frame.name}: {(frame.line or '').strip()[:80]}"
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == source_path or frame.filename.startswith("<cell")
    ]
    return {"type": type(error).__name__, "message": str(error)[:500], "where": frames[-3:]}


def serve(runner: Runner, source_path: str, requests_fd: int, replies_fd: int) -> None:
    wire = runner.wire
    while True:
        try:
            (size,) = struct.unpack("<Q", wire.read_exactly(requests_fd, 8))
        except EOFError:
            return
        if size > MAX_REQUEST_BYTES:
            return
        header, blobs = wire.parse_frame(wire.read_exactly(requests_fd, size))
        reply_blobs: list[bytes] = []
        try:
            result = runner.handle(header, blobs)
        except BaseException as error:  # the student's exception, even SystemExit, is a reply
            reply = {"id": header["id"], "error": describe_error(error, source_path)}
        else:
            try:
                tree = wire.encode(result, reply_blobs, runner.max_bytes, runner.to_handle)
                reply = {"id": header["id"], "ok": tree}
            except (wire.WireError, RecursionError) as error:
                reply_blobs = []
                reply = {"id": header["id"], "invalid": str(error)}
        wire.write_frame(replies_fd, reply, reply_blobs)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as config_file:
        config = json.load(config_file)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import numpy  # noqa: F401  (loaded before the limits and filters)
    import wire

    requests_fd, replies_fd = config["requests_fd"], config["replies_fd"]
    set_limits(config["limits"])
    seccomp = install_seccomp()
    install_audit_hook(config["work_folder"])
    builtins.input = _no_input  # type: ignore[assignment]
    try:
        namespace, notes = load_namespace(config["source"], config["module"], config.get("cells"))
        hello = {"id": 0, "ready": True, "notes": notes, "seccomp": seccomp}
    except BaseException as error:
        hello = {
            "id": 0,
            "ready": False,
            "import_error": describe_error(error, config["source"]),
            "seccomp": seccomp,
        }
        wire.write_frame(replies_fd, hello, [])
        return
    wire.write_frame(replies_fd, hello, [])
    serve(Runner(namespace, config["max_array_bytes"]), config["source"], requests_fd, replies_fd)


def _no_input(prompt: object = "") -> str:
    raise EOFError("input() has no one to answer it while grading")


if __name__ == "__main__":
    main()
