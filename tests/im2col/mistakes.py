"""Known mistakes of assignment im2col: each a named patch of the reference (never released)."""

MISTAKES = [
    {
        "name": "col2im overwrites",
        "function": "col2im",
        "hint": "overlapping windows must add up in col2im, not overwrite each other",
        "replace": [("np.add(window, blocks[:, i, j], out=window)", "window[...] = blocks[:, i, j]")],
    },
    {
        "name": "filter rows and columns swapped",
        "function": "im2col",
        "hint": "row index is c*fh*fw + i*fw + j: i (height) before j (width)",
        "replace": [("windows.transpose(1, 4, 5, 0, 2, 3)", "windows.transpose(1, 5, 4, 0, 2, 3)")],
    },
    {
        "name": "bias gradient not summed",
        "function": "conv_backward_im2col",
        "hint": "db sums dout over the batch and every position",
        "replace": [("db = dout_rows.sum(axis=1)", "db = dout_rows[:, 0]")],
    },
]
