"""The wire protocol between the grading process and a sandboxed child: both sides import it.

Only plain data crosses: None, bool, int, float, str, lists, tuples and dicts
of those (kept distinct), numeric NumPy arrays as .npy bytes (never pickle),
and handles to objects that stay in the child. Anything else is refused with
a reason naming its type.

A frame is: u64 total length, u32 header length, a JSON header, then the
.npy blobs the header refers to. Requests carry an `op` (OPS); the child's
first frame is a hello (id 0). Decoding is bounded (`Limits`): the frame size,
the header size, the nesting depth and the number of values, so that whatever
the child sends, the grading process holds at most one frame of
`Limits.frame_bytes` at a time. This module imports nothing but the standard
library and NumPy, because the child runs it too (without the grader package).
"""

from __future__ import annotations

import io
import json
import os
import struct
from typing import Any

import numpy as np

NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float
OPS = ("call", "describe", "set", "state", "substitute")  # what a request asks of the child
# While serving a request, the child may send call-out frames {"id", "callout": name, "args",
# "kwargs"} (and "state", an instance's attributes, for a method of a substituted class); the
# grader answers each with {"id", "answer": value} or {"id", "raised": type name}. A call's reply
# may list "modified": the labels of the array arguments the call changed in place.
HELLO_ID = 0  # the child's first two frames: confined (before any student code), then imported or why not
MAX_HEADER_BYTES = 8 * 2**20  # JSON text of one frame (lists of numbers included)
MAX_DEPTH = 64  # nesting of lists, tuples and dicts
MAX_VALUES = 1_000_000  # values in one frame's tree


class Limits:
    """Decoding limits of one channel: no frame, header, tree or array larger than these.

    Args:
        array_bytes: the largest array that may cross (course.yml `max_array_mb`).
    """

    __slots__ = ("array_bytes", "frame_bytes")

    def __init__(self, array_bytes: int) -> None:
        self.array_bytes = array_bytes
        self.frame_bytes = 2 * array_bytes + MAX_HEADER_BYTES


class WireError(Exception):
    """A value that is not plain data, or a frame that cannot be read.

    It carries a code of the grader's message catalogue (`grader.i18n_sandbox`, "wire.*") and its
    parameters, never a sentence: the child sends them across and the grader says them.

    Args:
        code: the catalogue's key.
        params: plain values the sentence takes.
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


class Handle:
    """A reference to an object that lives in the child (a ConvNet instance)."""

    __slots__ = ("id", "type_name")

    def __init__(self, handle_id: int, type_name: str) -> None:
        self.id = handle_id
        self.type_name = type_name


def _type_name(value: Any) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ in ("builtins", "numpy") else f"{kind.__module__}.{kind.__name__}"


def encode(value: Any, blobs: list[bytes], max_bytes: int, to_handle: Any = None) -> Any:
    """Turn a value into a JSON-able tree, appending array bytes to `blobs`.

    Args:
        value: the value to send.
        blobs: collects the .npy bytes of arrays, in order.
        max_bytes: the largest array accepted, in bytes.
        to_handle: called with a non-plain object to make a Handle of it, or None.

    Returns:
        the JSON-able tree.

    Raises:
        WireError: naming the first value that is not plain data.
    """
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return {"int": str(value)} if abs(value) >= 2**53 else value
    if kind is float:
        return {"float": repr(value)}
    if kind in (list, tuple):
        items = [encode(item, blobs, max_bytes, to_handle) for item in value]
        return items if kind is list else {"tuple": items}
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise WireError("wire.dict_keys")
        return {"dict": {key: encode(item, blobs, max_bytes, to_handle) for key, item in value.items()}}
    if kind is np.ndarray:
        return _encode_array(value, blobs, max_bytes)
    if isinstance(value, (np.integer, np.floating, np.bool_)) and kind.__module__ == "numpy":
        return encode(value.item(), blobs, max_bytes, to_handle)
    if kind is Handle:
        return {"handle": value.id, "type": value.type_name}
    if to_handle is not None:
        handle = to_handle(value)
        if handle is not None:
            return {"handle": handle.id, "type": handle.type_name}
    raise WireError("wire.type", type=_type_name(value))


def _encode_array(array: np.ndarray, blobs: list[bytes], max_bytes: int) -> Any:
    if array.dtype.kind not in NUMERIC_KINDS or array.dtype.fields is not None:
        raise WireError("wire.array_kind", dtype=str(array.dtype))
    if array.nbytes > max_bytes:
        raise WireError("wire.array_size", mb=f"{array.nbytes / 2**20:.0f}", limit=f"{max_bytes / 2**20:.0f}")
    contiguous = array if array.flags.c_contiguous else array.copy(order="C")
    header = io.BytesIO()  # the .npy header, then the raw C-order bytes, copied once
    np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(contiguous))
    data = contiguous.data.cast("B") if contiguous.size else b""  # a view with a 0 in its shape cannot cast
    blobs.append(b"".join((header.getvalue(), data)))
    return {"array": len(blobs) - 1}


def decode(tree: Any, blobs: list[Any], from_handle: Any = None) -> Any:
    """Rebuild a value from its tree; arrays are read with allow_pickle=False.

    Raises:
        WireError: if the tree or an array is malformed, nested deeper than MAX_DEPTH or holds
            more than MAX_VALUES values.
    """
    return _Decoder(blobs, from_handle).value(tree, 0)


class _Decoder:
    """One bounded decoding: counts values and depth as it goes."""

    def __init__(self, blobs: list[Any], from_handle: Any) -> None:
        self.blobs = blobs
        self.from_handle = from_handle
        self.count = 0

    def value(self, tree: Any, depth: int) -> Any:
        self.count += 1
        if depth > MAX_DEPTH or self.count > MAX_VALUES:
            raise WireError("wire.nested", depth=MAX_DEPTH, count=f"{MAX_VALUES:,}")
        if tree is None or type(tree) in (bool, str, int):
            return tree
        if type(tree) is list:
            return [self.value(item, depth + 1) for item in tree]
        if type(tree) is not dict or len(tree) not in (1, 2):
            raise WireError("wire.malformed_value", detail="")
        try:
            return self._tagged(tree, depth)
        except (TypeError, ValueError, IndexError, AttributeError, KeyError) as error:
            raise WireError("wire.malformed_value", detail=f" ({error})") from None

    def _tagged(self, tree: dict[str, Any], depth: int) -> Any:
        if "float" in tree:
            return float(tree["float"])
        if "int" in tree:
            return int(tree["int"])
        if "tuple" in tree:
            return tuple(self.value(item, depth + 1) for item in tree["tuple"])
        if "dict" in tree:
            return {str(key): self.value(item, depth + 1) for key, item in tree["dict"].items()}
        if "array" in tree:
            return _decode_array(self.blobs[int(tree["array"])])
        if "handle" in tree:
            handle = Handle(int(tree["handle"]), str(tree.get("type", "object")))
            return self.from_handle(handle) if self.from_handle else handle
        raise WireError("wire.malformed_value", detail="")


def _decode_array(blob: Any) -> np.ndarray:
    """An array from .npy bytes: the header is parsed, the data viewed in place (never unpickled)."""
    view = memoryview(blob)
    stream = io.BytesIO(view[: 65536 + 16])
    try:
        version = np.lib.format.read_magic(stream)
        if version != (1, 0):
            raise ValueError(f"version {version}")
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(stream)
    except (ValueError, OSError, SyntaxError) as error:
        raise WireError("wire.unreadable_array", error=str(error)) from None
    if dtype.hasobject or dtype.kind not in NUMERIC_KINDS or fortran_order:
        raise WireError("wire.array_kind", dtype=str(dtype))
    count = int(np.prod(shape, dtype=np.int64))
    offset = stream.tell()
    if len(view) - offset != count * dtype.itemsize:
        raise WireError("wire.array_mismatch")
    return np.frombuffer(view, dtype=dtype, count=count, offset=offset).reshape(shape)


def frame_parts(header: dict[str, Any], blobs: list[bytes]) -> list[bytes]:
    """One frame as pieces to write in order: length, header length, JSON header, blobs."""
    header = {**header, "blob_sizes": [len(blob) for blob in blobs]}
    text = json.dumps(header, allow_nan=False).encode("utf-8")
    total = 4 + len(text) + sum(len(blob) for blob in blobs)
    return [struct.pack("<QI", total, len(text)) + text, *blobs]


def refers_to_handles(header: dict[str, Any]) -> bool:
    """Whether a request refers to objects in the child (which a restart loses)."""
    values = [header.get(key) for key in ("args", "kwargs", "value")]
    return header.get("handle") is not None or '"handle"' in json.dumps(values)


def write_frame(fd: int, header: dict[str, Any], blobs: list[bytes]) -> None:
    """Send one frame on a blocking descriptor."""
    for part in frame_parts(header, blobs):
        write_all(fd, part)


def write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to a blocking descriptor."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_frame(fd: int, max_bytes: int) -> tuple[dict[str, Any], list[memoryview]]:
    """Read one whole frame from a blocking descriptor.

    Raises:
        EOFError: if the other side closed the channel.
        WireError: if the frame is larger than `max_bytes` or malformed.
    """
    (size,) = struct.unpack("<Q", read_exactly(fd, 8))
    if size > max_bytes:
        raise WireError("wire.frame_size", mb=f"{size / 2**20:.0f}", limit=f"{max_bytes / 2**20:.0f}")
    return parse_frame(read_exactly(fd, size))


def read_exactly(fd: int, size: int) -> bytearray:
    """Read `size` bytes into one buffer, or raise EOFError if the other side closed first."""
    buffer = bytearray(size)
    view, filled = memoryview(buffer), 0
    while filled < size:
        count = os.readv(fd, [view[filled:]])
        if not count:
            raise EOFError("the other side closed the channel")
        filled += count
    return buffer


def parse_frame(payload: bytes | bytearray) -> tuple[dict[str, Any], list[memoryview]]:
    """Split a frame's payload (after its length) into header and blobs (views, not copies).

    Raises:
        WireError: if the payload is malformed or its header is larger than MAX_HEADER_BYTES.
    """
    try:
        (header_size,) = struct.unpack_from("<I", payload)
        if header_size > MAX_HEADER_BYTES:
            raise WireError("wire.header_size", mb=f"{header_size / 2**20:.0f}")
        view = memoryview(payload)
        header = json.loads(bytes(view[4 : 4 + header_size]))
        offset, blobs = 4 + header_size, []
        for size in header.pop("blob_sizes"):
            blobs.append(view[offset : offset + size])
            offset += size
    except (struct.error, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise WireError("wire.malformed_frame", detail=f" ({type(error).__name__})") from None
    if not isinstance(header, dict) or offset != len(payload):
        raise WireError("wire.malformed_frame", detail="")
    return header, blobs
