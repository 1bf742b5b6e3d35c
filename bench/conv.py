"""Benchmark of the im2col convolution, forward + backward: the plain reference against fast layers.

In one process and one run, side by side:
  - plain: solutions/im2col.py's conv_forward_im2col + conv_backward_im2col, whose im2col and
    col2im copy one receptive field per loop step (written to be read);
  - fast: bench/fast_layers.py's conv_forward_fast + conv_backward_fast, the same matrix products
    with a stride-trick im2col and a col2im that adds one filter offset at a time (the
    reference's code before issue 20);
  - im2col and col2im alone, plain and fast;
  - a naive loop version over output positions (smaller batch, scaled to the full batch);
  - PyTorch CPU conv2d forward + backward in float64 at the same thread count;
  - the three matrix products im2col convolution cannot avoid (forward, dW, dcols), timed alone:
    the practical limit on this CPU.

    python bench/conv.py        (torch==2.13.0 from the `bench` extra, optional)
"""

from __future__ import annotations

import numpy as np
from common import blas_description, clean_blas_environment, load_reference, median_seconds
from fast_layers import col2im_fast, conv_backward_fast, conv_forward_fast, im2col_fast

UNSET = clean_blas_environment()
CASES = [
    ("x (50, 3, 32, 32), w (32, 3, 7, 7), pad 3", (50, 3, 32, 32), (32, 3, 7, 7), 3),
    ("x (64, 16, 16, 16), w (32, 16, 3, 3), pad 1", (64, 16, 16, 16), (32, 16, 3, 3), 1),
]
NAIVE_BATCH = 2


def naive_forward_backward(x, w, b, dout, pad):
    """Loops over every output position: the baseline a student starts from."""
    n, _, height, width = x.shape
    filters, _, fh, fw = w.shape
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out_h, out_w = height + 2 * pad - fh + 1, width + 2 * pad - fw + 1
    out = np.zeros((n, filters, out_h, out_w))
    dpadded, dw = np.zeros_like(padded), np.zeros_like(w)
    for i in range(out_h):
        for j in range(out_w):
            window = padded[:, :, i : i + fh, j : j + fw]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
            dw += np.tensordot(dout[:, :, i, j], window, axes=([0], [0]))
            dpadded[:, :, i : i + fh, j : j + fw] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    return out, dpadded[:, :, pad : pad + height, pad : pad + width], dw, dout.sum(axis=(0, 2, 3))


def torch_runner(x, w, b, dout, pad):
    try:
        import torch
    except ImportError:
        return None, None
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    doutt = torch.tensor(dout)

    def run():
        for tensor in (xt, wt, bt):
            tensor.grad = None
        out = torch.nn.functional.conv2d(xt, wt, bt, padding=pad)
        out.backward(doutt)
        return out

    run()
    return run, (xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy())


def check_plain_equals_fast(plain, fast) -> None:
    """The plain and fast versions agree on out and every gradient."""
    for name, got, expected in zip(("out", "dx", "dw", "db"), plain, fast, strict=True):
        assert np.allclose(got, expected, rtol=1e-10, atol=1e-10), f"{name}: plain and fast differ"


def time_layers(im2col, x, w, b, dout, pad):
    """Median seconds of plain and fast: the whole layer, im2col alone and col2im alone."""
    fh, fw = w.shape[2:]
    cols = im2col_fast(x, fh, fw, pad=pad)

    def plain():
        out, cache = im2col.conv_forward_im2col(x, w, b, pad=pad)
        return (out, *im2col.conv_backward_im2col(dout, cache))

    def fast():
        out, cache = conv_forward_fast(x, w, b, pad=pad)
        return (out, *conv_backward_fast(dout, cache))

    check_plain_equals_fast(plain(), fast())
    return {
        "plain": median_seconds(plain, 5, 1),
        "fast": median_seconds(fast),
        "im2col plain": median_seconds(lambda: im2col.im2col(x, fh, fw, pad=pad), 5, 1),
        "im2col fast": median_seconds(lambda: im2col_fast(x, fh, fw, pad=pad)),
        "col2im plain": median_seconds(lambda: im2col.col2im(cols, x.shape, fh, fw, pad=pad), 5, 1),
        "col2im fast": median_seconds(lambda: col2im_fast(cols, x.shape, fh, fw, pad=pad)),
    }, fast


def bench_case(im2col, label, x_shape, w_shape, pad, rng):
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0])
    out, cache = conv_forward_fast(x, w, b, pad=pad)
    dout = rng.standard_normal(out.shape)
    times, fast = time_layers(im2col, x, w, b, dout, pad)

    cols = cache[5]
    w_rows = w.reshape(w.shape[0], -1)
    dout_rows = np.ascontiguousarray(dout.transpose(1, 0, 2, 3).reshape(w.shape[0], -1))

    def products_alone():
        w_rows @ cols
        dout_rows @ cols.T
        w_rows.T @ dout_rows

    small = slice(0, NAIVE_BATCH)
    times["matmuls alone"] = median_seconds(products_alone)
    times["naive loops"] = (
        median_seconds(lambda: naive_forward_backward(x[small], w, b, dout[small], pad), 3, 1)
        * x.shape[0]
        / NAIVE_BATCH
    )
    torch_run, torch_grads = torch_runner(x, w, b, dout, pad)
    if torch_run is not None:
        import torch

        times["pytorch"] = median_seconds(torch_run)
        for name, got, expected in zip(("dx", "dw", "db"), fast()[1:], torch_grads, strict=True):
            assert np.allclose(got, expected, rtol=1e-9, atol=1e-9), f"{name} differs from PyTorch"
        agree = f"gradients agree with PyTorch (threads: {torch.get_num_threads()})"
    else:
        agree = "PyTorch not installed: pip install torch==2.13.0"
    print(f"\n{label}   [plain and fast agree; {agree}]")
    for name, seconds in times.items():
        print(f"  {name:15} {seconds * 1e3:9.2f} ms")
    print_ratios(times)


def print_ratios(times: dict[str, float]) -> None:
    print(f"  plain / fast              = {times['plain'] / times['fast']:.1f}x (forward + backward)")
    print(f"  im2col plain / fast       = {times['im2col plain'] / times['im2col fast']:.1f}x")
    print(f"  col2im plain / fast       = {times['col2im plain'] / times['col2im fast']:.1f}x")
    print(f"  fast / matmuls alone      = {times['fast'] / times['matmuls alone']:.2f}x (target <= 1.5x)")
    if "pytorch" in times:
        print(f"  fast / pytorch            = {times['fast'] / times['pytorch']:.2f}x (target < 1x)")
        print(f"  plain / pytorch           = {times['plain'] / times['pytorch']:.1f}x")
    print(f"  naive / plain             = {times['naive loops'] / times['plain']:.1f}x")
    print(f"  naive / fast              = {times['naive loops'] / times['fast']:.0f}x")


def main() -> None:
    print(f"BLAS: {blas_description()}")
    if UNSET:
        print(f"unset for this run only: {', '.join(UNSET)}")
    im2col = load_reference("im2col")
    rng = np.random.default_rng(0)
    for case in CASES:
        bench_case(im2col, *case, rng)


if __name__ == "__main__":
    main()
