"""The plain-data wire format: what round-trips, what is refused, and malformed frames."""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.sandbox import protocol as wire
from grader.sandbox.errors import wire_sentence

LIMIT = 2**20


def said(error: wire.WireError) -> str:
    """A refusal as the catalogue says it in English (the error itself carries a code)."""
    return wire_sentence(error).text("en")


def round_trip(value):
    blobs: list[bytes] = []
    tree = wire.encode(value, blobs, LIMIT)
    read, write = os.pipe()
    try:
        wire.write_frame(write, {"value": tree}, blobs)
        size = int.from_bytes(wire.read_exactly(read, 8), "little")
        header, received = wire.parse_frame(wire.read_exactly(read, size))
    finally:
        os.close(read)
        os.close(write)
    return wire.decode(header["value"], received)


scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
arrays = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.uint16, np.bool_]),
    shape=hnp.array_shapes(min_dims=0, max_dims=4, max_side=4),
)
plain = st.recursive(
    scalars | arrays,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def same(a, b):
    if isinstance(a, np.ndarray):
        kind_ok = type(b) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape
        return kind_ok and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


@settings(max_examples=150, deadline=None)
@given(plain)
def test_plain_data_round_trips_with_types_kept(value):
    """Lists stay lists, tuples stay tuples, ints stay ints (any size), arrays keep dtype and shape."""
    assert same(value, round_trip(value))


def test_special_floats_and_numpy_scalars():
    """nan and inf survive; NumPy scalars arrive as Python numbers."""
    got = round_trip([float("nan"), float("inf"), np.float64(2.5), np.int32(7), np.bool_(True)])
    assert np.isnan(got[0]) and got[1] == float("inf")
    assert got[2:] == [2.5, 7, True] and type(got[3]) is int


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (np.array([object()]), "an array of object"),
        (np.zeros(3).view(np.matrix), "a matrix"),
        (lambda: 0, "a function"),
        ((i for i in range(2)), "a generator"),
        ({1, 2}, "a set"),
        ({1: "a"}, "keys that are not all str"),
        (np.zeros(LIMIT // 8 + 1), "the limit is 1 MB"),
        (np.array(["a"]), "an array of <U1"),
    ],
)
def test_values_that_are_not_plain_data_are_refused(value, reason):
    """Callables, generators, object arrays, subclasses and oversized arrays never cross."""
    with pytest.raises(wire.WireError) as caught:
        wire.encode(value, [], LIMIT)
    assert reason in said(caught.value)


def test_arrays_are_never_unpickled():
    """An .npy blob holding a pickled object array is refused on reading."""
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(wire.WireError):
        wire.decode({"array": 0}, [buffer.getvalue()])


@pytest.mark.parametrize("payload", [b"", b"\x05\x00\x00\x00{}", b"\x02\x00\x00\x00{}extra", b"\xff" * 16])
def test_malformed_frames_are_wire_errors(payload):
    with pytest.raises(wire.WireError):
        wire.parse_frame(payload)


def test_decoding_is_bounded_in_depth_values_and_header_size():
    """A frame from a hostile child: nesting, item counts and header sizes past the limits are
    refused with WireError (never RecursionError or MemoryError in the grading process)."""
    import struct

    deep: object = 1
    for _ in range(wire.MAX_DEPTH + 2):
        deep = [deep]
    with pytest.raises(wire.WireError) as caught:
        wire.decode(deep, [])
    assert "nested deeper" in said(caught.value)
    with pytest.raises(wire.WireError) as caught:
        wire.decode(list(range(wire.MAX_VALUES + 1)), [])
    assert "items" in said(caught.value)
    nested = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(wire.WireError) as caught:
        wire.parse_frame(struct.pack("<I", len(nested)) + nested)
    assert "malformed frame" in said(caught.value)
    with pytest.raises(wire.WireError) as caught:
        wire.parse_frame(struct.pack("<I", wire.MAX_HEADER_BYTES + 1) + b"{}")
    assert "header of" in said(caught.value)
    assert wire.decode([[1, {"tuple": [2, "x"]}]], []) == [[1, (2, "x")]]


@pytest.mark.parametrize(
    "array",
    [
        np.zeros((2, 3, 0)),
        np.zeros((2, 3, 4))[:, :, 0:-0],
        np.zeros((0,), dtype=np.int64),
        np.ones((3, 0, 2)).T,
    ],
)
def test_empty_arrays_round_trip(array):
    """A crop with [pad:-pad] at pad 0 returns an empty view: it must cross the wire, not end the child."""
    back = round_trip(array)
    assert back.shape == array.shape and back.dtype == array.dtype
