"""Benchmark of the reference max pooling with switches, forward + backward, against PyTorch.

x (64, 32, 32, 32), 2x2 windows, stride 2: the reference max_pool_forward + max_pool_backward,
a naive loop version (on 2 images, scaled), and torch.nn.functional.max_pool2d(...,
return_indices=True) forward + backward in float64 at the same thread count, in one process.

    python bench/pool.py        (torch==2.13.0 from the `bench` extra, optional)
"""

from __future__ import annotations

import numpy as np
from common import blas_description, clean_blas_environment, load_reference, median_seconds

UNSET = clean_blas_environment()
SHAPE = (64, 32, 32, 32)


def naive(x, dout):
    n, c, h, w = x.shape
    out = np.zeros((n, c, h // 2, w // 2))
    dx = np.zeros_like(x)
    for i in range(h // 2):
        for j in range(w // 2):
            window = x[:, :, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2].reshape(n, c, 4)
            choice = window.argmax(axis=2)
            out[:, :, i, j] = window.max(axis=2)
            rows, cols = 2 * i + choice // 2, 2 * j + choice % 2
            for a in range(n):
                for b in range(c):
                    dx[a, b, rows[a, b], cols[a, b]] += dout[a, b, i, j]
    return out, dx


def main() -> None:
    print(f"BLAS: {blas_description()}")
    if UNSET:
        print(f"unset for this run only: {', '.join(UNSET)}")
    pool = load_reference("pool")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(SHAPE)
    dout = rng.standard_normal((64, 32, 16, 16))

    def reference():
        out, switches = pool.max_pool_forward(x, size=2, stride=2)
        return out, pool.max_pool_backward(dout, switches, x.shape)

    times = {
        "reference": median_seconds(reference),
        "naive loops": median_seconds(lambda: naive(x[:2], dout[:2]), 3, 1) * 32,
    }
    try:
        import torch
    except ImportError:
        print("PyTorch not installed: pip install torch==2.13.0")
    else:
        xt, doutt = torch.tensor(x, requires_grad=True), torch.tensor(dout)

        def torch_run():
            xt.grad = None
            out, _ = torch.nn.functional.max_pool2d(xt, 2, 2, return_indices=True)
            out.backward(doutt)
            return out

        times["pytorch"] = median_seconds(torch_run)
        out, dx = reference()
        assert np.allclose(out, torch_run().detach().numpy())
        assert np.allclose(dx, xt.grad.numpy())
        print(f"outputs and dx agree with PyTorch (threads: {torch.get_num_threads()})")
    print(f"x {SHAPE}, 2x2 max pooling with switches, forward + backward")
    for name, seconds in times.items():
        print(f"  {name:12} {seconds * 1e3:9.2f} ms")
    if "pytorch" in times:
        print(f"  reference / pytorch = {times['reference'] / times['pytorch']:.2f}x (target < 1x)")
    print(f"  naive / reference   = {times['naive loops'] / times['reference']:.0f}x")


if __name__ == "__main__":
    main()
