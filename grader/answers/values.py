"""Plain data as the released answers hold it: JSON only, never pickle.

A student's copy of the answers must never execute anything when read, so values are written as
tagged JSON: numbers, strings, booleans and None as themselves; lists, tuples and dicts tagged
(`{"list": [...]}`, `{"tuple": [...]}`, `{"dict": [[key, value], ...]}`); non-finite floats as
`{"float": "nan"}`; NumPy scalars as `{"scalar": dtype, "value": v}`; numeric arrays by reference
(`{"array": id}`) to one shared pool of arrays, each stored once as its dtype, shape and base64
bytes, so that an object's state repeated over many method calls costs its bytes once. Reading
accepts exactly this, for numeric dtypes only, and raises ValueError on anything else.
"""

from __future__ import annotations

import base64
import hashlib
import math
from typing import Any

import numpy as np

MAX_DEPTH = 16  # containers nested in one value
NUMERIC = "biuf"  # the dtype kinds an array or a scalar may have
ID_CHARS = 16  # hex digits of an array's id (SHA-256 of its dtype, shape and bytes)


class Unencodable(ValueError):
    """A value the answers cannot hold (an object, a complex or object array, too deep)."""


def _array_id(array: np.ndarray) -> str:
    digest = hashlib.sha256(f"{array.dtype.str} {array.shape}".encode())
    digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:ID_CHARS]


def encode(value: Any, pool: dict[str, dict[str, Any]], depth: int = 0) -> Any:
    """`value` as tagged JSON data, its arrays added to `pool` (id -> dtype, shape, data).

    Raises:
        Unencodable: for anything but plain data and numeric NumPy values.
    """
    if depth > MAX_DEPTH:
        raise Unencodable("nested too deep")
    if isinstance(value, np.generic):  # first: np.float64 is a float too
        if value.dtype.kind not in NUMERIC:
            raise Unencodable(f"a NumPy {value.dtype} scalar")
        return {"scalar": value.dtype.str, "value": encode(value.item(), pool, depth + 1)}
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.ndarray):
        return {"array": _pooled(value, pool)}
    if isinstance(value, (list, tuple)):
        tag = "list" if isinstance(value, list) else "tuple"
        return {tag: [encode(item, pool, depth + 1) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k, pool, depth + 1), encode(v, pool, depth + 1)] for k, v in value.items()]}
    raise Unencodable(f"a {type(value).__name__}")


def _pooled(array: np.ndarray, pool: dict[str, dict[str, Any]]) -> str:
    if array.dtype.kind not in NUMERIC:
        raise Unencodable(f"an array of {array.dtype}")
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    key = _array_id(little)
    if key not in pool:
        data = base64.b64encode(np.ascontiguousarray(little).tobytes()).decode("ascii")
        pool[key] = {"dtype": little.dtype.str, "shape": list(little.shape), "data": data}
    return key


def decode(data: Any, pool: dict[str, Any], depth: int = 0) -> Any:
    """The value `encode` wrote (arrays fresh and writable).

    Raises:
        ValueError: for anything `encode` does not write.
    """
    if depth > MAX_DEPTH:
        raise ValueError("nested too deep")
    if data is None or isinstance(data, (bool, str, int, float)):
        return data
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise ValueError("not a tagged value")
    if "array" in data:
        return _array(pool, data["array"])
    if "list" in data or "tuple" in data:
        items = data.get("list", data.get("tuple"))
        if not isinstance(items, list):
            raise ValueError("a sequence that is not a list")
        decoded = [decode(item, pool, depth + 1) for item in items]
        return decoded if "list" in data else tuple(decoded)
    if "dict" in data:
        return _dict(data["dict"], pool, depth)
    if "float" in data and data["float"] in ("nan", "inf", "-inf"):
        return float(data["float"])
    if "scalar" in data:
        dtype = _dtype(data["scalar"])
        return dtype.type(decode(data.get("value"), pool, depth + 1))
    raise ValueError("an unknown tag")


def _dict(pairs: Any, pool: dict[str, Any], depth: int) -> dict[Any, Any]:
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise ValueError("a dict that is not a list of pairs")
    result = {}
    for key, value in pairs:
        decoded_key = decode(key, pool, depth + 1)
        if not isinstance(decoded_key, (str, int, float, bool, tuple, type(None))):
            raise ValueError("an unhashable key")
        result[decoded_key] = decode(value, pool, depth + 1)
    return result


def _dtype(text: Any) -> np.dtype[Any]:
    if not isinstance(text, str) or len(text) > 8:
        raise ValueError("not a dtype")
    dtype = np.dtype(text)
    if dtype.kind not in NUMERIC or dtype.hasobject:
        raise ValueError("not a numeric dtype")
    return dtype


def _array(pool: dict[str, Any], key: Any) -> np.ndarray:
    entry = pool.get(key) if isinstance(key, str) else None
    if not isinstance(entry, dict):
        raise ValueError("an array not in the pool")
    dtype, shape = _dtype(entry.get("dtype")), entry.get("shape")
    if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ValueError("not a shape")
    raw = base64.b64decode(str(entry.get("data", "")), validate=True)
    if len(raw) != dtype.itemsize * math.prod(shape):
        raise ValueError("bytes that do not fill the shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
