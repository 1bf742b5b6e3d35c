"""The call log keeps what a failed test's diagnosis needs, within its byte budget."""

import numpy as np

from grader.sandbox import protocol
from grader.sandbox.recording import MAX_CALLS_PER_FUNCTION, Call, CallLog


def call(result_bytes: int = 0, state_bytes: int = 0) -> Call:
    blobs: list[bytes] = []
    tree = protocol.encode(np.zeros(result_bytes // 8), blobs, 2**30)
    state = {"W": np.zeros(state_bytes // 8)} if state_bytes else None
    return Call([], {"dict": {}}, [], tree, blobs, state=state)


def test_the_log_drops_the_oldest_calls_past_its_budget():
    log = CallLog(max_bytes=10_000)
    for _ in range(5):
        log.add("f", call(result_bytes=4_000))
    assert len(log.calls["f"]) == 2  # 2 x (4,000 bytes and a .npy header) fit, 3 do not


def test_an_objects_state_counts_against_the_budget():
    """A method call keeps the object's attributes as they were (for replaying it): a hostile
    object with huge attributes must not grow the grading process past the budget."""
    log = CallLog(max_bytes=10_000)
    for _ in range(4):
        log.add("ConvNet.loss", call(state_bytes=6_000))
    assert len(log.calls["ConvNet.loss"]) == 1


def test_at_most_eight_calls_per_function():
    log = CallLog(max_bytes=2**30)
    for _ in range(MAX_CALLS_PER_FUNCTION + 3):
        log.add("f", call())
    assert len(log.calls["f"]) == MAX_CALLS_PER_FUNCTION
