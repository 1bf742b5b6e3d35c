import numpy as np


def conv_output_size(n, f, pad=0, stride=1):
    """Size of a convolution's output along one axis (the floor convention)."""
    if stride < 1 or pad < 0:
        raise ValueError(f"bad stride {stride} or pad {pad}")
    size = (n + 2 * pad - f) // stride + 1
    if size < 1:
        raise ValueError(f"no output for n={n}, f={f}, pad={pad}")
    return size


def padded_output_size(n, f, stride, padding):
    """Output size under "same" or "valid" padding."""
    if stride < 1:
        raise ValueError(f"bad stride {stride}")
    modes = {"same": n, "valid": n - f + 1}
    if padding not in modes:
        raise ValueError(f"unknown padding mode {padding!r}")
    if modes[padding] < 1:
        raise ValueError("filter larger than input")
    return -(-modes[padding] // stride)


def zero_pad(x, pad):
    if pad < 0:
        raise ValueError(f"bad pad {pad}")
    return np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant", constant_values=0)


def conv_single_step(a_slice, w, b):
    return float(np.tensordot(a_slice, w, axes=a_slice.ndim)) + float(b)


def conv_forward(x, w, b, stride=1, pad=0):
    if x.shape[1] != w.shape[1]:
        raise ValueError("x and w have different channel counts")
    n_filters, _, fh, fw = w.shape
    oh = conv_output_size(x.shape[2], fh, pad=pad, stride=stride)
    ow = conv_output_size(x.shape[3], fw, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    result = np.empty((x.shape[0], n_filters, oh, ow))
    for r in range(oh):
        for c in range(ow):
            patch = padded[:, :, r * stride:r * stride + fh, c * stride:c * stride + fw]
            # (N, C, fh, fw) . (F, C, fh, fw) -> (N, F)
            result[:, :, r, c] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return result
