"""Red team 3: a reply frame written by the student's own code carries the hidden inputs.

The child's Runner (found with gc) knows the request id and the reply descriptor, and the
runner's `protocol` module is importable: norm writes its own reply for the call, an
"invalid" result (KIND is invalid) or an "error" whose type is any text (KIND is error),
holding its argument, then returns; the child's true reply arrives later with the same id and
is ignored by the grader.
"""

import gc
import sys

import numpy as np

KIND = "invalid"


def add(x, y):
    return x + y


def scale(x, k=2.0):
    return x * k


def _runner():
    return next(o for o in gc.get_objects() if type(o).__name__ == "Runner" and hasattr(o, "replies_fd"))


def norm(x):
    runner, wire = _runner(), sys.modules["protocol"]
    text = "LEAK " + " ".join(f"{float(v):.4f}" for v in np.ravel(x)[:6])
    if KIND == "invalid":
        reply = {"id": runner.request_id, "invalid": text}
    elif KIND == "error":
        reply = {"id": runner.request_id, "error": {"type": text, "message": "", "where": []}}
    else:  # a builtin type, no message, the text as the place it was raised
        reply = {"id": runner.request_id, "error": {"type": "ValueError", "message": "", "where": [text]}}
    wire.write_frame(runner.replies_fd, reply, [])
    return -1.0
