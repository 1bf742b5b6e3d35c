"""Choose the time limits from data: the slowest honest styles keep full marks on a loaded machine,
and a sleeping submission costs at most 3 times the slowest of them.

    python bench/limits.py [--call-multiple 10 --call-floor 5 --submission-multiple 10 --submission-floor 30]

In one run, side by side:
1. the reference's recorded times (`grader.timings_record.measure`, as `course release` records them, on
   the machine as it is);
2. honest styles graded with the limits derived from them while 2 x cores busy loops load the
   machine: plain Python loops where the reference is vectorised (cnn's layers, over the batch),
   loops down to single elements where the reference loops over windows only (conv's 6 nested
   loops, im2col element by element), and the reverse (conv_forward and im2col vectorised where
   the reference loops): worst score, median wall time, and the largest ratio of a call's time to
   its limit (over 1 would be a timeout; a call that timed out is not in it, the score shows it);
3. the limits those numbers give (per call and per submission);
4. the pathological sleeper of issue 22 (a correct conv.py whose conv_forward sleeps 25 s per call)
   under the same load: its total cost against the slowest honest style's.

Steps 2 and 4 run twice per round, interleaved: with the busy loops (the honest styles must keep
full marks there) and without them, on the machine as it is (where the sleeper's cost against the
honest styles is largest, since sleeping does not slow down with the load); the load average is
printed with each.

Each style is the reference module with some definitions replaced (a later `def` wins), so it is
correct by construction; only its speed differs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.config import load_course  # noqa: E402
from grader.grading import grade  # noqa: E402
from grader.limits import ReferenceLimits  # noqa: E402
from grader.timings import Timings, timings_path  # noqa: E402
from grader.timings_record import Recorder, measure  # noqa: E402

CONV_LOOPS = """
def zero_pad(x, pad):
    n, c, h, w = x.shape
    out = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    for a in range(n):
        for k in range(c):
            for i in range(h):
                for j in range(w):
                    out[a, k, i + pad, j + pad] = x[a, k, i, j]
    return out


def conv_single_step(a_slice, w, b):
    total = 0.0
    for index in np.ndindex(*a_slice.shape):
        total += a_slice[index] * w[index]
    return float(total + b)


def conv_forward(x, w, b, stride=1, pad=0):
    n, c, h, width = x.shape
    f, fc, hh, ww = w.shape
    if c != fc:
        raise ValueError("channels differ")
    out_h = conv_output_size(h, hh, pad=pad, stride=stride)
    out_w = conv_output_size(width, ww, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n, f, out_h, out_w))
    for a in range(n):                      # six nested loops, one multiply at a time
        for k in range(f):
            for i in range(out_h):
                for j in range(out_w):
                    total = b[k]
                    for ch in range(c):
                        for p in range(hh):
                            for q in range(ww):
                                total += padded[a, ch, i * stride + p, j * stride + q] * w[k, ch, p, q]
                    out[a, k, i, j] = total
    return out
"""

CONV_VECTORISED = """
from numpy.lib.stride_tricks import sliding_window_view


def conv_forward(x, w, b, stride=1, pad=0):
    n, c, h, width = x.shape
    f, fc, hh, ww = w.shape
    if c != fc:
        raise ValueError("channels differ")
    out_h = conv_output_size(h, hh, pad=pad, stride=stride)
    out_w = conv_output_size(width, ww, pad=pad, stride=stride)
    windows = sliding_window_view(zero_pad(x, pad), (hh, ww), axis=(2, 3))
    windows = windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    return np.einsum("nchwij,fcij->nfhw", windows, w) + b.reshape(1, -1, 1, 1)
"""

IM2COL_LOOPS = """
def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.zeros((channels * fh * fw, n * out_h * out_w))
    for a in range(n):                      # one element at a time
        for oh in range(out_h):
            for ow in range(out_w):
                column = (a * out_h + oh) * out_w + ow
                for c in range(channels):
                    for i in range(fh):
                        for j in range(fw):
                            row = (c * fh + i) * fw + j
                            cols[row, column] = padded[a, c, oh * stride + i, ow * stride + j]
    return cols


def col2im(cols, x_shape, fh, fw, stride=1, pad=0):
    n, channels, height, width = x_shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.zeros((n, channels, height + 2 * pad, width + 2 * pad))
    for a in range(n):
        for oh in range(out_h):
            for ow in range(out_w):
                column = (a * out_h + oh) * out_w + ow
                for c in range(channels):
                    for i in range(fh):
                        for j in range(fw):
                            row = (c * fh + i) * fw + j
                            padded[a, c, oh * stride + i, ow * stride + j] += cols[row, column]
    return padded[:, :, pad : pad + height, pad : pad + width]
"""

IM2COL_VECTORISED = """
from numpy.lib.stride_tricks import sliding_window_view


def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    windows = sliding_window_view(padded, (fh, fw), axis=(2, 3))
    windows = windows[:, :, : out_h * stride : stride, : out_w * stride : stride]
    cols = np.empty((channels, fh, fw, n, out_h, out_w), dtype=x.dtype)
    cols[...] = windows.transpose(1, 4, 5, 0, 2, 3)
    return cols.reshape(channels * fh * fw, n * out_h * out_w)
"""

CNN_LOOPS = """
def relu_forward(x):
    out = np.empty_like(x)
    for i in range(x.shape[0]):             # one sample at a time
        out[i] = np.maximum(x[i], 0)
    return out


def relu_backward(dout, x):
    dx = np.empty_like(dout)
    for i in range(x.shape[0]):
        dx[i] = dout[i] * (x[i] > 0)
    return dx


def affine_forward(x, w, b):
    rows = x.reshape(x.shape[0], -1)
    out = np.empty((rows.shape[0], w.shape[1]))
    for i in range(rows.shape[0]):
        out[i] = rows[i] @ w + b
    return out


def affine_backward(dout, x, w, b):
    rows = x.reshape(x.shape[0], -1)
    dx, dw = np.empty_like(rows), np.zeros_like(w)
    for i in range(rows.shape[0]):
        dx[i] = w @ dout[i]
        dw += np.outer(rows[i], dout[i])
    return dx.reshape(x.shape), dw, dout.sum(axis=0)


def softmax_loss(scores, y):
    n = scores.shape[0]
    loss, dscores = 0.0, np.zeros_like(scores)
    for i in range(n):
        row = scores[i] - scores[i].max()
        probs = np.exp(row) / np.exp(row).sum()
        loss -= np.log(probs[y[i]])
        probs[y[i]] -= 1
        dscores[i] = probs / n
    return float(loss / n), dscores
"""

SLEEPER = """
_honest_conv_forward = conv_forward


def conv_forward(x, w, b, stride=1, pad=0):
    import time
    time.sleep(25)
    return _honest_conv_forward(x, w, b, stride=stride, pad=pad)
"""

SLEEPER_NAME = "sleeper: conv_forward sleeps 25 s"
STYLES = [  # (name, assignment, definitions that replace the reference's)
    ("conv: 6 nested loops", "conv", CONV_LOOPS),
    ("conv: vectorised (the reverse)", "conv", CONV_VECTORISED),
    ("im2col: element loops", "im2col", IM2COL_LOOPS),
    ("im2col: vectorised (the reverse)", "im2col", IM2COL_VECTORISED),
    ("cnn: loops over the batch", "cnn", CNN_LOOPS),
]


def course_copy(folder: Path, assignments: list[str], overrides: dict[str, float]) -> Path:
    """The course's file, solutions and suites of `assignments` in `folder`, with `overrides`."""
    data = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    data["grading"].update(overrides)
    folder.mkdir()
    (folder / "course.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shutil.copytree(ROOT / "solutions", folder / "solutions")
    for name in assignments:
        ignored = shutil.ignore_patterns("__pycache__", "timings.json")  # measured afresh below
        shutil.copytree(ROOT / "tests" / name, folder / "tests" / name, ignore=ignored)
        manifest = ROOT / "assignments" / name / "tests" / "hidden.json"
        (folder / "assignments" / name / "tests").mkdir(parents=True)
        shutil.copyfile(manifest, folder / "assignments" / name / "tests" / "hidden.json")
    return folder


@contextmanager
def loaded(processes: int) -> Iterator[None]:
    """`processes` busy loops for the duration of the block."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        time.sleep(0.5)
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def graded(root: Path, assignment_id: str, source: Path) -> tuple[float, float, float, float, Recorder]:
    """(score, max, seconds, the largest ratio of a call's time to its limit, the recorder)."""
    course = load_course(root / "course.yml")
    recorder = Recorder()
    started = time.perf_counter()
    report = grade(root, course.assignment(assignment_id), source, plugins=(recorder,))
    seconds = time.perf_counter() - started
    from grader.timings import load_timings

    timings = load_timings(timings_path(root, assignment_id))
    assert timings is not None
    limits = ReferenceLimits(course.grading, timings)
    worst = 0.0
    for test, times in recorder.tests.items():
        limits.test = test
        for label, took in times.calls.items():
            worst = max(worst, took / limits.call(label).seconds)
    return report.score, report.max_score, seconds, worst, recorder


def style_source(folder: Path, assignment_id: str, module: str, extra: str, name: str) -> Path:
    path = folder / name / module
    path.parent.mkdir(parents=True)
    reference = (ROOT / "solutions" / module).read_text(encoding="utf-8")
    path.write_text(reference + "\n\n" + extra, encoding="utf-8")
    return path


def limits_line(timings: Timings, course_root: Path, assignment_id: str) -> str:
    settings = load_course(course_root / "course.yml").grading
    limits = ReferenceLimits(settings, timings)
    calls = []
    for test, times in timings.tests.items():
        limits.test = test
        calls += [(limits.call(label).seconds, label, seconds) for label, seconds in times.calls.items()]
    slowest = max(calls)
    budget = limits.budget()
    return (
        f"{assignment_id:7} reference suite {timings.suite_s:6.2f} s (start {timings.startup_s:.2f} s) | "
        f"budget {budget.limit_s:6.1f} s | largest call limit {slowest[0]:5.2f} s "
        f"({slowest[1]}: reference {slowest[2]:.3f} s)"
    )


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = load_course(ROOT / "course.yml").grading
    parser.add_argument("--call-multiple", type=float, default=defaults.call_time_multiple)
    parser.add_argument("--call-floor", type=float, default=defaults.call_time_floor_s)
    parser.add_argument("--submission-multiple", type=float, default=defaults.submission_time_multiple)
    parser.add_argument("--submission-floor", type=float, default=defaults.submission_time_floor_s)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are shown")
    parser.add_argument("--only", nargs="*", help="only these assignments (conv, im2col, cnn)")
    return parser.parse_args()


def record_reference(root: Path, assignments: list[str]) -> None:
    """Step 1 and 3: the reference's times, as `course release` records them, and the limits."""
    print("\n1. the reference's recorded times (minimum of 3 runs, no added load) and 3. the limits")
    course = load_course(root / "course.yml")
    for assignment_id in assignments:
        timings = measure(root, course.assignment(assignment_id))
        timings_path(root, assignment_id).write_text(timings.to_json(assignment_id), encoding="utf-8")
        print("  " + limits_line(timings, root, assignment_id))


def run_rows(
    root: Path, folder: Path, rows: list[tuple[str, str, str]], rounds: int, busy: int
) -> dict[str, dict[str, list]]:
    """Steps 2 and 4, interleaved: each row graded once per round with `busy` busy loops and once
    without, in the same order; the results per condition ("loaded", "as is")."""
    course = load_course(root / "course.yml")
    sources = {}
    for name, assignment_id, extra in rows:
        label = name.replace(" ", "_").replace(":", "").replace("(", "").replace(")", "")
        sources[name] = style_source(
            folder, assignment_id, course.assignment(assignment_id).module, extra, label
        )
    results: dict[str, dict[str, list]] = {"loaded": {}, "as is": {}}
    for _ in range(rounds):
        for condition in results:
            with loaded(busy if condition == "loaded" else 0):
                before = os.getloadavg()[0]
                for name, assignment_id, _ in rows:
                    results[condition].setdefault(name, []).append(
                        graded(root, assignment_id, sources[name])[:4]
                    )
                after = os.getloadavg()[0]
            print(f"  ({condition}: load average {before:.1f} -> {after:.1f})", flush=True)
    return results


def report(rows: list[tuple[str, str, str]], results: dict[str, list], condition: str) -> None:
    print(f"\n  {condition}:")
    print(f"  {'style':34} {'score (worst)':>13} {'median s':>9} {'largest call/limit':>19}")
    slowest: dict[str, float] = {}
    for name, assignment_id, extra in rows:
        runs = results[name]
        seconds = statistics.median(run[2] for run in runs)
        score = min(run[0] for run in runs)
        if extra and name != SLEEPER_NAME:
            slowest[assignment_id] = max(slowest.get(assignment_id, 0.0), seconds)
        worst = max(run[3] for run in runs)
        print(f"  {name:34} {score:6g}/{runs[0][1]:<6g} {seconds:9.1f} {worst:19.2f}")
    if SLEEPER_NAME in results:
        cost = statistics.median(run[2] for run in results[SLEEPER_NAME])
        conv, worst = slowest["conv"], max(slowest.values())
        print(f"\n4. the sleeper costs {cost:.1f} s = {cost / conv:.2f} x the slowest honest conv style "
              f"({conv:.1f} s), {cost / worst:.2f} x the slowest honest style of all ({worst:.1f} s) "
              f"({condition}; the goal: at most 3 x)")  # fmt: skip


def main() -> None:
    chosen = options()
    overrides = {
        "call_time_multiple": chosen.call_multiple,
        "call_time_floor_s": chosen.call_floor,
        "submission_time_multiple": chosen.submission_multiple,
        "submission_time_floor_s": chosen.submission_floor,
    }
    cores = os.cpu_count() or 1
    print(f"limits: call {chosen.call_multiple:g} x reference + {chosen.call_floor:g} s; submission "
          f"{chosen.submission_multiple:g} x reference + {chosen.submission_floor:g} s; load {2 * cores} "
          f"busy loops on {cores} cores; {chosen.rounds} interleaved rounds")  # fmt: skip
    styles = [
        row for row in [*STYLES, (SLEEPER_NAME, "conv", SLEEPER)] if not chosen.only or row[1] in chosen.only
    ]
    assignments = sorted({assignment_id for _, assignment_id, _ in styles})
    rows = [("reference: " + a, a, "") for a in assignments] + styles
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as scratch:
        folder = Path(scratch)
        root = course_copy(folder / "course", assignments, overrides)
        record_reference(root, assignments)
        print(f"\n2. honest styles and the sleeper, with {2 * cores} busy loops and without, interleaved")
        results = run_rows(root, folder, rows, chosen.rounds, 2 * cores)
        for condition, found in results.items():
            report(rows, found, condition)


if __name__ == "__main__":
    main()
