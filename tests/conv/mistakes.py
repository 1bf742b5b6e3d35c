"""Known mistakes of assignment conv: each a named patch of the reference (never released).

`course check` applies each patch to solutions/conv.py and requires that the tests of its
function lose points.
"""

MISTAKES = [
    {
        "name": "flipped kernel",
        "function": "conv_forward",
        "hint": "your output equals a true convolution: the kernel is flipped; "
        "the lecture's convolution is cross-correlation",
        "replace": [("windows, w, optimize=True", "windows, w[:, :, ::-1, ::-1], optimize=True")],
    },
    {
        "name": "padding ignored",
        "function": "conv_forward",
        "hint": "the input was never zero-padded",
        "replace": [("sliding_window_view(zero_pad(x, pad)", "sliding_window_view(zero_pad(x, 0)")],
    },
    {
        "name": "stride ignored",
        "function": "conv_forward",
        "hint": "every window position was kept: the stride was not applied",
        "replace": [("windows[:, :, ::stride, ::stride]", "windows[:, :, ::1, ::1]")],
    },
    {
        "name": "ceil instead of floor",
        "function": "conv_output_size",
        "hint": "the lectures round the quotient down (floor), not up",
        "replace": [("return (n + 2 * pad - f) // stride + 1", "return -(-(n + 2 * pad - f) // stride) + 1")],
    },
    {
        "name": "bias missing",
        "function": "conv_forward",
        "hint": "each filter's bias must be added to all of its outputs",
        "replace": [("return out + b.reshape(1, -1, 1, 1)", "return out")],
    },
]
