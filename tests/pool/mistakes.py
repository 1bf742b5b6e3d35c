"""Known mistakes of assignment pool, each a wrong version of one function (never released).

A variant is solutions/pool.py followed by the entry's code, in one namespace (grader.catalogue).
"""

MISTAKES = [
    {
        "name": "switches within the window",
        "name_zh": "switch 记成了窗口内的位置",
        "function": "max_pool_forward",
        "hint": "a switch is the flat index h*W + w in the whole (n, c) plane, "
        "not the position in the window",
        "hint_zh": "switch 是整个 (n, c) 平面中的扁平索引 h*W + w，不是窗口内的位置",
        "code": """
def max_pool_forward(x, size=2, stride=2):
    windows = pool_windows(x, size, stride)
    n, channels, out_h, out_w = windows.shape[:4]
    flat = windows.reshape(n, channels, out_h, out_w, size * size)
    return flat.max(axis=-1), flat.argmax(axis=-1)
""",
    },
    {
        "name": "last maximum",
        "name_zh": "取了最后一个最大值",
        "function": "max_pool_forward",
        "hint": "ties go to the first maximum in row-major order, as np.argmax",
        "hint_zh": "相同的最大值取行优先顺序中的第一个，和 np.argmax 一样",
        "code": """
def max_pool_forward(x, size=2, stride=2):
    windows = pool_windows(x, size, stride)
    n, channels, out_h, out_w = windows.shape[:4]
    out = np.full((n, channels, out_h, out_w), -np.inf)
    switches = np.zeros((n, channels, out_h, out_w), dtype=np.int64)
    rows = np.arange(out_h).reshape(-1, 1) * stride
    columns = np.arange(out_w) * stride
    for di in range(size):
        for dj in range(size):
            candidate = windows[:, :, :, :, di, dj]
            larger = candidate >= out  # a tie moves the switch to the later input
            out = np.where(larger, candidate, out)
            switches = np.where(larger, (rows + di) * x.shape[3] + columns + dj, switches)
    return out, switches
""",
    },
    {
        "name": "average gradient not divided",
        "name_zh": "平均池化的梯度没有除以窗口面积",
        "function": "avg_pool_backward",
        "hint": "each input receives dout divided by the window's area",
        "hint_zh": "每个输入得到的梯度是 dout 除以窗口面积",
        "code": """
def avg_pool_backward(dout, x_shape, size=2, stride=2):
    out_h, out_w = dout.shape[2:]
    dx = np.zeros(x_shape)
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            dx[:, :, top : top + size, left : left + size] += dout[:, :, i, j][:, :, None, None]
    return dx
""",
    },
    {
        "name": "windows not moved by the stride",
        "name_zh": "窗口没有按步长移动",
        "function": "pool_windows",
        "hint": "window (i, j) starts at row i*stride and column j*stride, not at (i, j)",
        "hint_zh": "窗口 (i, j) 从第 i*stride 行、第 j*stride 列开始，而不是从 (i, j) 开始",
        "code": """
def pool_windows(x, size, stride):
    out_h = pool_output_size(x.shape[2], size, stride)
    out_w = pool_output_size(x.shape[3], size, stride)
    windows = np.empty((x.shape[0], x.shape[1], out_h, out_w, size, size))
    for i in range(out_h):
        for j in range(out_w):
            windows[:, :, i, j] = x[:, :, i : i + size, j : j + size]
    return windows
""",
    },
]
