"""Attack: a thread rewrites the arrays a call returned, after the call has returned.

The child encodes a result after it has taken the digests of the arguments (hashing lets other
threads run), so a thread that waits for the main thread to leave the function can change what the
grader reads. The student lowers the interpreter's switch interval, at import and inside each call,
so that the thread gets its turn at once.

- add returns zeros and its thread writes the right sum into them afterwards: what the grader must
  read is the zeros, so add's 3 points are lost;
- scale returns the right answer and its thread overwrites it with NaN afterwards: the grader must
  read the right answer, so scale's 3 points stay;
- norm is honest (4 points).

Expected when the grader holds: exactly 7, at every isolation level.
"""

import sys
import threading
import time

import numpy as np

sys.setswitchinterval(1e-6)
_MAIN = threading.main_thread().ident
_pending: list[tuple[str, np.ndarray, np.ndarray]] = []


def _main_is_in(name):
    frame = sys._current_frames().get(_MAIN)
    while frame is not None:
        if frame.f_code.co_name == name:
            return True
        frame = frame.f_back
    return False


def _rewriter():
    while True:
        if _pending and not _main_is_in(_pending[0][0]):
            _, returned, later = _pending.pop(0)
            returned[...] = later
        time.sleep(0)


threading.Thread(target=_rewriter, daemon=True).start()


def add(x, y):
    """Zeros now; the sum once the call has returned."""
    sys.setswitchinterval(1e-6)
    out = np.zeros(np.broadcast(x, y).shape)
    _pending.append(("add", out, x + y))
    return out


def scale(x, k=2.0):
    """The right answer now; NaN once the call has returned."""
    sys.setswitchinterval(1e-6)
    out = x * k
    _pending.append(("scale", out, np.full(out.shape, np.nan)))
    return out


def norm(x):
    """The Euclidean norm of an array, as a float."""
    return float(np.sqrt(np.sum(x * x)))
