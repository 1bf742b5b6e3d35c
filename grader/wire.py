"""The plain-data wire format between the grading process and the child.

Only plain data crosses: None, bool, int, float, str, lists, tuples and dicts
of those (kept distinct), numeric NumPy arrays as .npy bytes (never pickle),
and handles to objects that stay in the child. Anything else is refused with
a reason naming its type.

A frame is: u64 total length, u32 header length, a JSON header, then the
.npy blobs the header refers to. This module imports nothing but the standard
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


class WireError(Exception):
    """A value that is not plain data, or a frame that cannot be read."""


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
            raise WireError("a dict with keys that are not all str")
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
    raise WireError(f"a {_type_name(value)}")


def _encode_array(array: np.ndarray, blobs: list[bytes], max_bytes: int) -> Any:
    if array.dtype.kind not in NUMERIC_KINDS or array.dtype.fields is not None:
        raise WireError(f"an array of {array.dtype}, not numbers")
    if array.nbytes > max_bytes:
        raise WireError(
            f"an array of {array.nbytes / 2**20:.0f} MB (the limit is {max_bytes / 2**20:.0f} MB)"
        )
    contiguous = array if array.flags.c_contiguous else array.copy(order="C")
    header = io.BytesIO()  # the .npy header, then the raw C-order bytes, copied once
    np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(contiguous))
    blobs.append(b"".join((header.getvalue(), contiguous.data.cast("B"))))
    return {"array": len(blobs) - 1}


def decode(tree: Any, blobs: list[Any], from_handle: Any = None) -> Any:
    """Rebuild a value from its tree; arrays are read with allow_pickle=False.

    Raises:
        WireError: if the tree or an array is malformed.
    """
    if tree is None or type(tree) in (bool, str, int):
        return tree
    if type(tree) is list:
        return [decode(item, blobs, from_handle) for item in tree]
    if type(tree) is not dict or len(tree) not in (1, 2):
        raise WireError("a malformed value")
    if "float" in tree:
        return float(tree["float"])
    if "int" in tree:
        return int(tree["int"])
    if "tuple" in tree:
        return tuple(decode(item, blobs, from_handle) for item in tree["tuple"])
    if "dict" in tree:
        return {str(key): decode(item, blobs, from_handle) for key, item in tree["dict"].items()}
    if "array" in tree:
        return _decode_array(blobs[int(tree["array"])])
    if "handle" in tree:
        handle = Handle(int(tree["handle"]), str(tree.get("type", "object")))
        return from_handle(handle) if from_handle else handle
    raise WireError("a malformed value")


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
        raise WireError(f"an unreadable array ({error})") from None
    if dtype.hasobject or dtype.kind not in NUMERIC_KINDS or fortran_order:
        raise WireError(f"an array of {dtype}, not numbers")
    count = int(np.prod(shape, dtype=np.int64))
    offset = stream.tell()
    if len(view) - offset != count * dtype.itemsize:
        raise WireError("an array whose size does not match its header")
    return np.frombuffer(view, dtype=dtype, count=count, offset=offset).reshape(shape)


def frame_parts(header: dict[str, Any], blobs: list[bytes]) -> list[bytes]:
    """One frame as pieces to write in order: length, header length, JSON header, blobs."""
    header = {**header, "blob_sizes": [len(blob) for blob in blobs]}
    text = json.dumps(header, allow_nan=False).encode("utf-8")
    total = 4 + len(text) + sum(len(blob) for blob in blobs)
    return [struct.pack("<QI", total, len(text)) + text, *blobs]


def write_frame(fd: int, header: dict[str, Any], blobs: list[bytes]) -> None:
    """Send one frame on a blocking descriptor."""
    for part in frame_parts(header, blobs):
        _write_all(fd, part)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


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
        WireError: if the payload is malformed.
    """
    try:
        (header_size,) = struct.unpack_from("<I", payload)
        view = memoryview(payload)
        header = json.loads(bytes(view[4 : 4 + header_size]))
        offset, blobs = 4 + header_size, []
        for size in header.pop("blob_sizes"):
            blobs.append(view[offset : offset + size])
            offset += size
    except (struct.error, ValueError, KeyError, TypeError, AttributeError) as error:
        raise WireError(f"a malformed frame ({error})") from None
    if not isinstance(header, dict) or offset != len(payload):
        raise WireError("a malformed frame")
    return header, blobs
