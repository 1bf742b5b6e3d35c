"""Known mistakes of assignment pool: each a named patch of the reference (never released)."""

MISTAKES = [
    {
        "name": "switches within the window",
        "function": "max_pool_forward",
        "hint": "a switch is the flat index h*W + w in the whole (n, c) plane, "
        "not the position in the window",
        "hint_zh": "switch 是整个 (n, c) 平面中的扁平索引 h*W + w，不是窗口内的位置",
        "replace": [("return out, corners + position_offset[choice]", "return out, choice.astype(np.int64)")],
    },
    {
        "name": "last maximum",
        "function": "max_pool_forward",
        "hint": "ties go to the first maximum in row-major order, as np.argmax",
        "hint_zh": "相同的最大值取行优先顺序中的第一个，和 np.argmax 一样",
        "replace": [("larger = candidate > out", "larger = candidate >= out")],
    },
    {
        "name": "average gradient not divided",
        "function": "avg_pool_backward",
        "hint": "each input receives dout divided by the window's area",
        "hint_zh": "每个输入得到的梯度是 dout 除以窗口面积",
        "replace": [("share = dout / (size * size)", "share = dout")],
    },
]
