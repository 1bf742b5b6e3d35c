"""The price of clarity: the reference max pooling with switches against a fast variant and PyTorch.

x (64, 32, 32, 32), 2x2 windows, stride 2, forward and forward + backward, side by side in one
process:
  - reference: solutions/pool.py, written to read like the lecture (a window per output,
    argmax, a loop that routes each gradient to its switch);
  - fast: the variant below, kept here and not in the solution (a running maximum over the
    size*size offsets of the window, small-integer choices, one bincount for the backward pass);
  - pytorch: torch.nn.functional.max_pool2d(..., return_indices=True) in float64 at the same
    thread count, when torch is installed (its indices are the switches' h*W + w).

    python bench/pool.py        (torch==2.13.0 from the `bench` extra, optional)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from common import blas_description, clean_blas_environment, load_reference, median_seconds

UNSET = clean_blas_environment()
SHAPE = (64, 32, 32, 32)
SIZE = STRIDE = 2


def fast_max_pool_forward(x: np.ndarray, size: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """max_pool_forward as a running maximum over the window's offsets, each a strided view of x.

    Returns (out, switches) exactly as the reference does: a strict > keeps the first maximum in
    row-major window order, as np.argmax does.
    """
    width = x.shape[3]
    out_h = (x.shape[2] - size) // stride + 1
    out_w = (width - size) // stride + 1
    out = x[:, :, : out_h * stride : stride, : out_w * stride : stride].copy()
    choice = np.zeros(out.shape, dtype=np.uint16)  # position in the window; small ints are fast
    for offset in range(1, size * size):
        i, j = divmod(offset, size)
        candidate = x[:, :, i : i + out_h * stride : stride, j : j + out_w * stride : stride]
        larger = candidate > out
        choice += larger * (np.uint16(offset) - choice)  # offset where larger, unchanged elsewhere
        np.maximum(out, candidate, out=out)
    corners = (np.arange(out_h).reshape(-1, 1) * width + np.arange(out_w)) * stride
    position_offset = np.array([i * width + j for i in range(size) for j in range(size)], dtype=np.int64)
    return out, corners + position_offset[choice]


def fast_max_pool_backward(
    dout: np.ndarray, switches: np.ndarray, x_shape: tuple[int, int, int, int]
) -> np.ndarray:
    """max_pool_backward as one bincount over switches offset by their (n, c) plane."""
    n, channels, height, width = x_shape
    plane = height * width
    offsets = np.arange(n * channels).reshape(n, channels, 1, 1) * plane
    flat_index = (switches + offsets).ravel()
    dx = np.bincount(flat_index, weights=dout.ravel(), minlength=n * channels * plane)
    return dx.reshape(x_shape)


def numpy_runs(forward: Callable, backward: Callable, x: np.ndarray, dout: np.ndarray) -> tuple:
    """(forward only, forward + backward) as callables for one implementation."""

    def both():
        out, switches = forward(x, SIZE, STRIDE)
        return out, switches, backward(dout, switches, x.shape)

    return (lambda: forward(x, SIZE, STRIDE)), both


def torch_runs(x: np.ndarray, dout: np.ndarray) -> tuple | None:
    """(forward only, forward + backward) in PyTorch, or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    xt, doutt = torch.tensor(x, requires_grad=True), torch.tensor(dout)

    def forward():
        return torch.nn.functional.max_pool2d(xt, SIZE, STRIDE, return_indices=True)

    def both():
        xt.grad = None
        out, indices = forward()
        out.backward(doutt)
        return out.detach().numpy(), indices.numpy(), xt.grad.numpy()

    return forward, both


def check_agreement(results: dict[str, tuple]) -> None:
    """Every implementation gives the reference's out, switches and dx."""
    expected = results["reference"]
    for name, got in results.items():
        for label, a, b in zip(("out", "switches", "dx"), got, expected, strict=True):
            assert np.allclose(a, b), f"{name}: {label} differs from the reference"


def main() -> None:
    print(f"BLAS: {blas_description()}")
    if UNSET:
        print(f"unset for this run only: {', '.join(UNSET)}")
    pool = load_reference("pool")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(SHAPE)
    dout = rng.standard_normal((SHAPE[0], SHAPE[1], SHAPE[2] // STRIDE, SHAPE[3] // STRIDE))
    runs = {
        "reference": numpy_runs(pool.max_pool_forward, pool.max_pool_backward, x, dout),
        "fast": numpy_runs(fast_max_pool_forward, fast_max_pool_backward, x, dout),
    }
    torch_pair = torch_runs(x, dout)
    if torch_pair is None:
        print("PyTorch not installed (pip install torch==2.13.0): its column is skipped")
    else:
        import torch

        runs["pytorch"] = torch_pair
        print(f"PyTorch {torch.__version__}, threads: {torch.get_num_threads()}")
    check_agreement({name: both() for name, (_, both) in runs.items()})
    print("out, switches and dx agree")
    repeats = {"reference": (3, 1)}  # the plain backward loop takes about a second
    times = {}
    for name, (forward, both) in runs.items():
        count, warmup = repeats.get(name, (15, 3))
        times[name] = (median_seconds(forward, count, warmup), median_seconds(both, count, warmup))
    print(f"\nx {SHAPE}, {SIZE}x{SIZE} max pooling with switches, stride {STRIDE}  (median ms)")
    print(f"  {'':22}" + "".join(f"{name:>12}" for name in times))
    for column, label in enumerate(("forward", "forward + backward")):
        print(f"  {label:22}" + "".join(f"{pair[column] * 1e3:12.2f}" for pair in times.values()))
    reference_total = times["reference"][1]
    for name in times:
        if name != "reference":
            print(f"  reference / {name:8} = {reference_total / times[name][1]:.1f}x (forward + backward)")


if __name__ == "__main__":
    main()
