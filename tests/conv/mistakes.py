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
        "hint_zh": "你的输出等于真正的卷积：卷积核被翻转了；课程中的卷积是互相关",
        "replace": [("windows, w, optimize=True", "windows, w[:, :, ::-1, ::-1], optimize=True")],
    },
    {
        "name": "padding ignored",
        "function": "conv_forward",
        "hint": "the input was never zero-padded",
        "hint_zh": "输入没有做零填充",
        "replace": [("sliding_window_view(zero_pad(x, pad)", "sliding_window_view(zero_pad(x, 0)")],
    },
    {
        "name": "stride ignored",
        "function": "conv_forward",
        "hint": "every window position was kept: the stride was not applied",
        "hint_zh": "保留了每个窗口位置：没有应用步长",
        "replace": [("windows[:, :, ::stride, ::stride]", "windows[:, :, ::1, ::1]")],
    },
    {
        "name": "ceil instead of floor",
        "function": "conv_output_size",
        "hint": "the lectures round the quotient down (floor), not up",
        "hint_zh": "课程中的输出尺寸向下取整（floor），不是向上取整",
        "replace": [("return (n + 2 * pad - f) // stride + 1", "return -(-(n + 2 * pad - f) // stride) + 1")],
    },
    {
        "name": "bias missing",
        "function": "conv_forward",
        "hint": "each filter's bias must be added to all of its outputs",
        "hint_zh": "每个过滤器的偏差要加到它的所有输出上",
        "replace": [("return out + b.reshape(1, -1, 1, 1)", "return out")],
    },
    {
        "name": "height and width swapped",
        "function": "conv_forward",
        "hint": "the output is (N, F, H', W'): rows (height) before columns (width)",
        "hint_zh": "输出是 (N, F, H', W')：先行（高）后列（宽）",
        "replace": [('"ncijab,fcab->nfij"', '"ncijab,fcab->nfji"')],
    },
]
