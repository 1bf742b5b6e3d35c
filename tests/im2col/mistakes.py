"""Known mistakes of assignment im2col: each a named patch of the reference (never released)."""

MISTAKES = [
    {
        "name": "col2im overwrites",
        "function": "col2im",
        "hint": "overlapping windows must add up in col2im, not overwrite each other",
        "hint_zh": "col2im 中重叠窗口的贡献要相加，不能互相覆盖",
        "replace": [("np.add(window, blocks[:, i, j], out=window)", "window[...] = blocks[:, i, j]")],
    },
    {
        "name": "filter rows and columns swapped",
        "function": "im2col",
        "hint": "row index is c*fh*fw + i*fw + j: i (height) before j (width)",
        "hint_zh": "行索引是 c*fh*fw + i*fw + j：先 i（高）后 j（宽）",
        "replace": [("windows.transpose(1, 4, 5, 0, 2, 3)", "windows.transpose(1, 5, 4, 0, 2, 3)")],
    },
    {
        "name": "bias gradient not summed",
        "function": "conv_backward_im2col",
        "hint": "db sums dout over the batch and every position",
        "hint_zh": "db 要对整个批次和所有位置求和",
        "replace": [("db = dout_rows.sum(axis=1)", "db = dout_rows[:, 0]")],
    },
    {
        "name": "weight gradient not summed over the batch",
        "function": "conv_backward_im2col",
        "hint": "dw adds the contributions of every image in the batch, not only the first",
        "hint_zh": "dw 要累加批次中每张图像的贡献，而不只是第一张",
        "replace": [
            (
                "dw = (dout_rows @ cols.T).reshape(w.shape)",
                "first = dout.shape[2] * dout.shape[3]\n"
                "    dw = (dout_rows[:, :first] @ cols[:, :first].T).reshape(w.shape)",
            )
        ],
    },
]
