"""The price of clarity: the plain reference max pooling with switches against fast variants and PyTorch.

x (64, 32, 32, 32), 2x2 windows, stride 2, forward and forward + backward, side by side in one
process:
  - plain: solutions/pool.py, written to read like the lecture (a loop over windows that takes
    each one's argmax, a loop that routes each gradient to its switch);
  - fast argmax: bench/fast_layers.py's max_pool_forward_argmax (one argmax over a strided view
    of every window, the reference's code before issue 20) and max_pool_backward_fast (one
    bincount);
  - fast: max_pool_forward_fast (a running maximum over the size*size offsets of the window,
    small-integer choices) and max_pool_backward_fast;
  - pytorch: torch.nn.functional.max_pool2d(..., return_indices=True) in float64 at the same
    thread count, when torch is installed (its indices are the switches' h*W + w).

    python bench/pool.py        (torch==2.13.0 from the `bench` extra, optional)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from common import blas_description, clean_blas_environment, load_reference, median_seconds
from fast_layers import max_pool_backward_fast, max_pool_forward_argmax, max_pool_forward_fast

UNSET = clean_blas_environment()
SHAPE = (64, 32, 32, 32)
SIZE = STRIDE = 2


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
    """Every implementation gives the plain reference's out, switches and dx."""
    expected = results["plain"]
    for name, got in results.items():
        for label, a, b in zip(("out", "switches", "dx"), got, expected, strict=True):
            assert np.allclose(a, b), f"{name}: {label} differs from the plain reference"


def main() -> None:
    print(f"BLAS: {blas_description()}")
    if UNSET:
        print(f"unset for this run only: {', '.join(UNSET)}")
    pool = load_reference("pool")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(SHAPE)
    dout = rng.standard_normal((SHAPE[0], SHAPE[1], SHAPE[2] // STRIDE, SHAPE[3] // STRIDE))
    runs = {
        "plain": numpy_runs(pool.max_pool_forward, pool.max_pool_backward, x, dout),
        "fast argmax": numpy_runs(max_pool_forward_argmax, max_pool_backward_fast, x, dout),
        "fast": numpy_runs(max_pool_forward_fast, max_pool_backward_fast, x, dout),
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
    repeats = {"plain": (3, 1)}  # the plain loops take seconds
    times = {}
    for name, (forward, both) in runs.items():
        count, warmup = repeats.get(name, (15, 3))
        times[name] = (median_seconds(forward, count, warmup), median_seconds(both, count, warmup))
    print(f"\nx {SHAPE}, {SIZE}x{SIZE} max pooling with switches, stride {STRIDE}  (median ms)")
    print(f"  {'':22}" + "".join(f"{name:>13}" for name in times))
    for column, label in enumerate(("forward", "forward + backward")):
        print(f"  {label:22}" + "".join(f"{pair[column] * 1e3:13.2f}" for pair in times.values()))
    plain_forward, plain_total = times["plain"]
    for name, (forward, total) in times.items():
        if name != "plain":
            print(
                f"  plain / {name:11} = {plain_forward / forward:6.1f}x forward, "
                f"{plain_total / total:6.1f}x forward + backward"
            )


if __name__ == "__main__":
    main()
