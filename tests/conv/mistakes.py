"""Known mistakes of assignment conv, each a wrong version of one function (never released).

A variant is solutions/conv.py followed by the entry's code, in one namespace (grader.catalogue):
the wrong definition replaces the reference's. `course check` requires that the tests of the
entry's function lose points and name the mistake.
"""

MISTAKES = [
    {
        "name": "flipped kernel",
        "name_zh": "卷积核被翻转",
        "function": "conv_forward",
        "hint": "your output equals a true convolution: the kernel is flipped; "
        "the lecture's convolution is cross-correlation",
        "hint_zh": "你的输出等于真正的卷积：卷积核被翻转了；课程中的卷积是互相关",
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, _, height, width = x.shape
    n_filters, _, hh, ww = w.shape
    out_h = conv_output_size(height, hh, pad=pad, stride=stride)
    out_w = conv_output_size(width, ww, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            kernel = w[f, :, ::-1, ::-1]  # flipped, as in the mathematical convolution
            for i in range(out_h):
                for j in range(out_w):
                    window = padded[n, :, i * stride : i * stride + hh, j * stride : j * stride + ww]
                    out[n, f, i, j] = conv_single_step(window, kernel, b[f])
    return out
""",
    },
    {
        "name": "padding ignored",
        "name_zh": "忽略了零填充",
        "function": "conv_forward",
        "hint": "the input was never zero-padded",
        "hint_zh": "输入没有做零填充",
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, _, height, width = x.shape
    n_filters, _, hh, ww = w.shape
    out_h = conv_output_size(height, hh, stride=stride)
    out_w = conv_output_size(width, ww, stride=stride)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    window = x[n, :, i * stride : i * stride + hh, j * stride : j * stride + ww]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
    {
        "name": "stride ignored",
        "name_zh": "忽略了步长",
        "function": "conv_forward",
        "hint": "every window position was kept: the stride was not applied",
        "hint_zh": "保留了每个窗口位置：没有应用步长",
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, _, height, width = x.shape
    n_filters, _, hh, ww = w.shape
    out_h = conv_output_size(height, hh, pad=pad)
    out_w = conv_output_size(width, ww, pad=pad)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    window = padded[n, :, i : i + hh, j : j + ww]
                    out[n, f, i, j] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
    {
        "name": "ceil instead of floor",
        "name_zh": "向上取整而不是向下取整",
        "function": "conv_output_size",
        "hint": "the lectures round the quotient down (floor), not up",
        "hint_zh": "课程中的输出尺寸向下取整（floor），不是向上取整",
        "code": """
def conv_output_size(n, f, pad=0, stride=1):
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    if n + 2 * pad < f:
        raise ValueError(f"a filter of size {f} does not fit in {n} + 2*{pad}")
    return math.ceil((n + 2 * pad - f) / stride) + 1
""",
    },
    {
        "name": "bias missing",
        "name_zh": "漏了偏置",
        "function": "conv_forward",
        "hint": "each filter's bias must be added to all of its outputs",
        "hint_zh": "每个过滤器的偏置要加到它的所有输出上",
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, _, height, width = x.shape
    n_filters, _, hh, ww = w.shape
    out_h = conv_output_size(height, hh, pad=pad, stride=stride)
    out_w = conv_output_size(width, ww, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_h, out_w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    window = padded[n, :, i * stride : i * stride + hh, j * stride : j * stride + ww]
                    out[n, f, i, j] = conv_single_step(window, w[f], 0.0)
    return out
""",
    },
    {
        "name": "height and width swapped",
        "name_zh": "高和宽对调",
        "function": "conv_forward",
        "hint": "the output is (N, F, H', W'): rows (height) before columns (width)",
        "hint_zh": "输出是 (N, F, H', W')：先行（高）后列（宽）",
        "code": """
def conv_forward(x, w, b, stride=1, pad=0):
    n_images, _, height, width = x.shape
    n_filters, _, hh, ww = w.shape
    out_h = conv_output_size(height, hh, pad=pad, stride=stride)
    out_w = conv_output_size(width, ww, pad=pad, stride=stride)
    padded = zero_pad(x, pad)
    out = np.zeros((n_images, n_filters, out_w, out_h))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    window = padded[n, :, i * stride : i * stride + hh, j * stride : j * stride + ww]
                    out[n, f, j, i] = conv_single_step(window, w[f], b[f])
    return out
""",
    },
]
