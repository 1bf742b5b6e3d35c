"""Known mistakes of assignment pool: each a named patch of the reference (never released)."""

MISTAKES = [
    {
        "name": "switches within the window",
        "function": "max_pool_forward",
        "hint": "a switch is the flat index h*W + w in the whole (n, c) plane, "
        "not the position in the window",
        "replace": [("return out, corners + position_offset[choice]", "return out, choice.astype(np.int64)")],
    },
    {
        "name": "last maximum",
        "function": "max_pool_forward",
        "hint": "ties go to the first maximum in row-major order, as np.argmax",
        "replace": [("larger = candidate > out", "larger = candidate >= out")],
    },
    {
        "name": "average gradient not divided",
        "function": "avg_pool_backward",
        "hint": "each input receives dout divided by the window's area",
        "replace": [("share = dout / (size * size)", "share = dout")],
    },
]
