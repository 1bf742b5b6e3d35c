"""The child process that holds a student's submission: run as a script inside the sandbox.

It confines itself (`confine.py`: rlimits, the seccomp allowlist, the audit
hook), imports the submission, then answers requests until the grading
process closes the channel. The channel is its standard input (requests) and
standard output (replies), taken over before the submission is imported: what
the student prints goes to standard error, which the grader keeps in a log.
Nothing else is needed, so the same channel works on Linux, macOS and Windows.
It sees only the standard library, NumPy, and the runner files beside it
(`confine.py`, `protocol.py`): never the grader package.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib.machinery
import importlib.util
import json
import linecache
import os
import sys
import traceback
import types
from typing import Any

MAX_WATCHED_ITEMS = 1_000  # a list or dict argument this long or shorter is watched as a whole
# While a request is served, a thread of the submission gets the interpreter only when the
# running one gives it up (sleeps, waits, does I/O), never at the usual 5 ms tick: so none can
# run between the moment a call returns and the copy of its result (`frozen`).
CALL_SWITCH_INTERVAL_S = 1e6
SENTENCES: dict[str, str] = {}  # code -> English, from the grader's catalogue (the config's "sentences")


def said(kind: type[BaseException], code: str, **params: Any) -> BaseException:
    """An exception of `kind` saying the catalogue's sentence `code`: in English for the student's
    code that reads it, with the code and parameters kept for the grader (`describe_error`)."""
    error = kind(SENTENCES.get(code, code).format(**params))
    error.grader_said = {"code": code, "params": params}  # type: ignore[attr-defined]
    return error


class Runner:
    """Holds the submission's namespace and the objects handed out as handles.

    A function of the namespace can be substituted: its name then answers by a call-out, a
    frame to the grader (which asks the reference) and the answer read back, within the
    request being served. The student's own callers call it through their module's globals.
    """

    def __init__(self, namespace: dict[str, Any], max_bytes: int, channel: tuple[int, int, int]) -> None:
        import protocol  # beside this file

        self.wire = protocol
        self.namespace = namespace
        self.max_bytes = max_bytes
        self.requests_fd, self.replies_fd, self.max_frame = channel
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}
        self.substituted: dict[str, Any] = {}
        self.request_id = 0
        self.modified: list[str] = []  # the arguments the last call changed in place

    def substitute(self, name: str, on: bool) -> None:
        """Answer `name` from the reference (on) or from the student's own code again (off)."""
        if on and name not in self.substituted:
            original = self.namespace.get(name)
            self.substituted[name] = original
            stand_in = self._stand_in_class if isinstance(original, type) else self._call_out
            self.namespace[name] = stand_in(name)
        elif not on and name in self.substituted:
            self.namespace[name] = self.substituted.pop(name)

    def _ask_reference(self, name: str, args: Any, kwargs: Any, state: Any = None) -> Any:
        """Send a call-out frame for `name` and return the decoded answer (or raise its type)."""
        wire = self.wire
        blobs: list[bytes] = []
        header = {
            "id": self.request_id,
            "callout": name,
            "args": wire.encode(list(args), blobs, self.max_bytes),
            "kwargs": wire.encode(dict(kwargs), blobs, self.max_bytes),
        }
        if state is not None:
            header["state"] = wire.encode(state, blobs, self.max_bytes)
        wire.write_frame(self.replies_fd, header, blobs)
        answer, answer_blobs = wire.read_frame(self.requests_fd, self.max_frame)
        if "raised" in answer:
            error = getattr(builtins, str(answer["raised"]), None)
            kind = error if isinstance(error, type) and issubclass(error, Exception) else RuntimeError
            raise said(kind, "child.reference_raised", name=name, raised=str(answer["raised"]))
        return wire.decode(answer.get("answer"), answer_blobs)

    def _call_out(self, name: str) -> Any:
        def answered_by_the_reference(*args: Any, **kwargs: Any) -> Any:
            return self._ask_reference(name, args, kwargs)

        answered_by_the_reference.__name__ = name
        return answered_by_the_reference

    def _stand_in_class(self, name: str) -> type:
        """A class whose instances keep their attributes here, as data, and run every method in
        the reference: each call sends the instance's attributes and takes back the new ones."""
        runner = self

        def method_of(instance: Any, method: str) -> Any:
            def answered_by_the_reference(*args: Any, **kwargs: Any) -> Any:
                result, state = runner._ask_reference(f"{name}.{method}", args, kwargs, dict(vars(instance)))
                vars(instance).clear()
                vars(instance).update(state)
                return result

            return answered_by_the_reference

        def __init__(instance: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
            method_of(instance, "__init__")(*args, **kwargs)

        def __getattr__(instance: Any, attribute: str) -> Any:  # noqa: N807
            if attribute.startswith("__"):
                raise AttributeError(attribute)
            return method_of(instance, attribute)

        return type(name, (), {"__init__": __init__, "__getattr__": __getattr__})

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
            raise said(LookupError, "child.lost_object")
        return self.objects[handle.id]

    def target(self, request: dict[str, Any]) -> Any:
        if request.get("handle") is None:
            return self.namespace, request["name"]
        return self.from_handle(self.wire.Handle(request["handle"], "")), request["name"]

    def handle(self, request: dict[str, Any], blobs: list[bytes]) -> Any:
        self.request_id = request["id"]
        if request["op"] == "substitute":
            self.substitute(str(request["name"]), bool(self.wire.decode(request["value"], blobs)))
            return None
        if request["op"] == "state":  # an object's attributes, for diagnosing a method's output
            return frozen(dict(vars(self.from_handle(self.wire.Handle(request["handle"], "")))))
        owner, name = self.target(request)
        if request["op"] == "set":
            value = self.wire.decode(request["value"], blobs, self.from_handle)
            setattr(owner, name, value)
            return None
        if isinstance(owner, dict) and name not in owner:
            raise said(AttributeError, "child.no_name", name=name)
        attribute = owner[name] if isinstance(owner, dict) else getattr(owner, name)
        if request["op"] == "describe":
            return {"callable": True} if callable(attribute) else {"value": frozen(attribute)}
        args = self.wire.decode(request["args"], blobs, self.from_handle)
        kwargs = self.wire.decode(request["kwargs"], blobs, self.from_handle)
        before = array_digests(args, kwargs)
        self.modified = []
        try:
            return _returned(attribute(*args, **kwargs))
        finally:
            after = array_digests(args, kwargs)
            self.modified = [label for label, digest in before.items() if after.get(label) != digest]


def _returned(result: Any) -> Any:
    """What a call returned, copied before any other thread of the submission can run: the switch
    interval is set again first, in case the submission lowered it during the call."""
    sys.setswitchinterval(CALL_SWITCH_INTERVAL_S)
    return frozen(result)


def frozen(value: Any) -> Any:
    """A copy of a call's result, made as it returns: NumPy arrays (by `tobytes`, which holds the
    GIL throughout), and the lists, tuples and dicts around them. What a thread of the submission
    writes into the returned array afterwards never reaches the grader. Other values (objects that
    become handles, numbers, strings) are returned as they are."""
    import numpy

    kind = type(value)
    if kind is numpy.ndarray and value.dtype.kind in "biufc" and value.dtype.fields is None:
        return numpy.frombuffer(value.tobytes(), dtype=value.dtype).reshape(value.shape)
    if kind in (list, tuple):
        return kind(frozen(item) for item in value)
    if kind is dict:
        return {key: frozen(item) for key, item in value.items()}
    return value


def array_digests(args: list[Any], kwargs: dict[str, Any]) -> dict[str, bytes]:
    """A digest of each argument that a call could change in place, by label ("0", "x", "1[2]"):
    NumPy arrays, at the top and inside a tuple, list or dict argument, and a list or dict
    argument as a whole (a layer description whose keys are popped). A change changes a digest.

    Every argument's bytes are taken first (`tobytes` and `repr` hold the GIL), then hashed (hashlib
    lets other threads run while it hashes): a thread of the submission cannot undo a change to one
    argument while another is being hashed."""
    import numpy

    taken: dict[str, bytes] = {}
    tops = [(str(i), value) for i, value in enumerate(args)] + [(str(k), v) for k, v in kwargs.items()]
    for label, value in tops:
        inner: Any = ()
        if isinstance(value, dict):
            inner = value.items()
        elif isinstance(value, (list, tuple)):
            inner = enumerate(value)
        items = (
            list(value.values() if isinstance(value, dict) else value)
            if isinstance(value, (list, dict))
            else []
        )
        if items and len(items) <= MAX_WATCHED_ITEMS and not any(isinstance(v, numpy.ndarray) for v in items):
            taken[label] = repr(value).encode()
        for where, array in [(label, value), *((f"{label}[{key!r}]", item) for key, item in inner)]:
            if isinstance(array, numpy.ndarray) and array.dtype.kind in "biufc":
                taken[where] = array.tobytes() + repr(array.shape).encode()
    return {label: hashlib.blake2b(data, digest_size=16).digest() for label, data in taken.items()}


def load_namespace(
    source_path: str, module_name: str, cells: list[str] | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Import a .py file, or run a notebook's code cells in order; return (namespace, notes), each
    note a code of the grader's catalogue and its parameters."""
    notes: list[dict[str, Any]] = []
    folder = os.path.dirname(source_path)
    sys.path.insert(0, folder)
    if cells is None:
        # a loader named explicitly: a student's CONV.PY is Python too, whatever its suffix's case
        loader = importlib.machinery.SourceFileLoader(module_name, source_path)
        spec = importlib.util.spec_from_file_location(module_name, source_path, loader=loader)
        if spec is None or spec.loader is None:
            raise said(ImportError, "child.cannot_import", path=source_path)
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
                notes.append(
                    {"code": "note.skipped_line", "params": {"cell": number, "line": line.strip()[:40]}}
                )
                kept.append("")
            else:
                kept.append(line)
        source, name = "\n".join(kept), f"<cell {number}>"
        # a traceback quotes a cell's line from linecache: without it, "line 33 in conv_forward: "
        linecache.cache[name] = (len(source), None, source.splitlines(keepends=True), name)
        try:
            exec(compile(source, name, "exec"), vars(module))
        except Exception as error:  # a broken cell is reported; later cells still run
            raised = {"cell": number, "type": type(error).__name__, "message": str(error)[:200]}
            notes.append({"code": "note.cell_raised", "params": raised})
    return vars(module), notes


def describe_error(error: BaseException, source_path: str) -> dict[str, Any]:
    """Type, message and the student's own frames of an exception, and the code and parameters
    of the sentence it says when the child made it (`said`)."""
    frames = [
        {"line": frame.lineno, "name": frame.name, "code": (frame.line or "").strip()[:80]}
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == source_path or frame.filename.startswith("<cell")
    ]
    described = {"type": type(error).__name__, "message": str(error)[:500], "where": frames[-3:]}
    said = getattr(error, "grader_said", None)  # the student's code may set one too: plain data only
    if not isinstance(said, dict):
        return described
    params = said.get("params")
    if not isinstance(params, dict) or not isinstance(said.get("code"), str):
        return described
    if not all(type(key) is str and type(value) in (str, int, float) for key, value in params.items()):
        return described
    return {**described, "said": {"code": said["code"], "params": dict(params)}}


def take_channel() -> tuple[int, int]:
    """Descriptors for requests (the old stdin) and replies (the old stdout); the student's prints
    and reads then go to stderr and to an empty input."""
    requests, replies = os.dup(0), os.dup(1)
    empty = os.open(os.devnull, os.O_RDONLY)
    os.dup2(empty, 0)
    os.close(empty)
    os.dup2(2, 1)
    return requests, replies


def serve(runner: Runner, source_path: str, requests_fd: int, replies_fd: int, max_frame: int) -> None:
    wire = runner.wire
    while True:
        try:
            header, blobs = wire.read_frame(requests_fd, max_frame)
        except (EOFError, wire.WireError):
            return
        switching = sys.getswitchinterval()
        sys.setswitchinterval(CALL_SWITCH_INTERVAL_S)
        try:
            reply, reply_blobs = _reply(runner, header, blobs, source_path)
        finally:
            sys.setswitchinterval(switching)
        wire.write_frame(replies_fd, reply, reply_blobs)


def _reply(
    runner: Runner, header: dict[str, Any], blobs: list[bytes], source_path: str
) -> tuple[Any, list[bytes]]:
    """The reply to one request and its array bytes: the result, or the exception it raised."""
    wire = runner.wire
    reply_blobs: list[bytes] = []
    try:
        result = runner.handle(header, blobs)
    except BaseException as error:  # the student's exception, even SystemExit, is a reply
        return {"id": header["id"], "error": describe_error(error, source_path)}, []
    try:
        tree = wire.encode(result, reply_blobs, runner.max_bytes, runner.to_handle)
    except wire.WireError as error:
        return {"id": header["id"], "invalid": {"code": error.code, "params": error.params}}, []
    except RecursionError:
        nested = {"depth": wire.MAX_DEPTH, "count": f"{wire.MAX_VALUES:,}"}
        return {"id": header["id"], "invalid": {"code": "wire.nested", "params": nested}}, []
    reply = {"id": header["id"], "ok": tree}
    if runner.modified:
        reply["modified"] = runner.modified[:16]
    return reply, reply_blobs


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as config_file:
        config = json.load(config_file)
    SENTENCES.update(config.get("sentences") or {})
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import confine
    import numpy  # noqa: F401  (loaded before the limits and filters)
    import protocol

    requests_fd, replies_fd = take_channel()
    if config.get("parent_pid"):
        confine.die_with_parent(config["parent_pid"])
    confine.set_limits(config["limits"])
    seccomp = confine.install_seccomp()
    if config.get("audit_hook", True):
        confine.install_audit_hook(config["work_folder"], said)
    os.chdir(config["work_folder"])
    builtins.input = _no_input  # type: ignore[assignment]
    # confined, and nothing of the student's has run yet: a death before this frame is never theirs
    protocol.write_frame(replies_fd, {"id": protocol.HELLO_ID, "confined": True, "seccomp": seccomp}, [])
    hello: dict[str, Any] = {"id": protocol.HELLO_ID}
    try:
        namespace, notes = load_namespace(config["source"], config["module"], config.get("cells"))
    except BaseException as error:
        protocol.write_frame(
            replies_fd, {**hello, "ready": False, "import_error": describe_error(error, config["source"])}, []
        )
        return
    protocol.write_frame(replies_fd, {**hello, "ready": True, "notes": notes}, [])
    limits = protocol.Limits(config["max_array_bytes"])
    runner = Runner(namespace, limits.array_bytes, (requests_fd, replies_fd, limits.frame_bytes))
    serve(runner, config["source"], requests_fd, replies_fd, limits.frame_bytes)


def _no_input(prompt: object = "") -> str:
    raise said(EOFError, "child.no_input")


if __name__ == "__main__":
    main()
