"""Known mistakes of assignment im2col, each a wrong version of one function (never released).

A variant is solutions/im2col.py followed by the entry's code, in one namespace (grader.catalogue).
"""

MISTAKES = [
    {
        "name": "col2im overwrites",
        "name_zh": "col2im 覆盖而不是累加",
        "function": "col2im",
        "hint": "overlapping windows must add up in col2im, not overwrite each other",
        "hint_zh": "col2im 中重叠窗口的贡献要相加，不能互相覆盖",
        "code": """
def col2im(cols, x_shape, fh, fw, stride=1, pad=0):
    n, channels, height, width = x_shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    blocks = cols.reshape(channels, fh, fw, n, out_h, out_w)
    padded = np.zeros((n, channels, height + 2 * pad, width + 2 * pad))
    for i in range(fh):
        for j in range(fw):
            rows = slice(i, i + stride * out_h, stride)
            columns = slice(j, j + stride * out_w, stride)
            padded[:, :, rows, columns] = blocks[:, i, j].transpose(1, 0, 2, 3)
    return padded[:, :, pad : pad + height, pad : pad + width]
""",
    },
    {
        "name": "filter rows and columns swapped",
        "name_zh": "卷积核的行和列对调",
        "function": "im2col",
        "hint": "row index is c*fh*fw + i*fw + j: i (height) before j (width)",
        "hint_zh": "行索引是 c*fh*fw + i*fw + j：先 i（高）后 j（宽）",
        "code": """
def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = _output_size(height, fh, pad, stride)
    out_w = _output_size(width, fw, pad, stride)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.zeros((channels * fh * fw, n * out_h * out_w))
    for image in range(n):
        for oh in range(out_h):
            for ow in range(out_w):
                top, left = oh * stride, ow * stride
                field = padded[image, :, top : top + fh, left : left + fw]
                # (c, j, i): the filter's columns vary slowest
                cols[:, (image * out_h + oh) * out_w + ow] = field.transpose(0, 2, 1).reshape(-1)
    return cols
""",
    },
    {
        "name": "bias gradient not summed",
        "name_zh": "偏置的梯度没有求和",
        "function": "conv_backward_im2col",
        "hint": "db sums dout over the batch and every position",
        "hint_zh": "db 要对整个批量和所有位置求和",
        "code": """
def conv_backward_im2col(dout, cache):
    x, w, _, stride, pad, cols = cache
    n_filters = w.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(n_filters, -1)
    dw = (dout_rows @ cols.T).reshape(w.shape)
    db = dout_rows[:, 0]
    dcols = w.reshape(n_filters, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, w.shape[2], w.shape[3], stride=stride, pad=pad)
    return dx, dw, db
""",
    },
    {
        "name": "weight gradient not summed over the batch",
        "name_zh": "权重梯度没有对整个批量求和",
        "function": "conv_backward_im2col",
        "hint": "dw adds the contributions of every image in the batch, not only the first",
        "hint_zh": "dw 要累加批量中每张图像的贡献，而不只是第一张",
        "code": """
def conv_backward_im2col(dout, cache):
    x, w, _, stride, pad, cols = cache
    n_filters = w.shape[0]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(n_filters, -1)
    first = dout.shape[2] * dout.shape[3]  # the columns of the first image only
    dw = (dout_rows[:, :first] @ cols[:, :first].T).reshape(w.shape)
    db = dout_rows.sum(axis=1)
    dcols = w.reshape(n_filters, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, w.shape[2], w.shape[3], stride=stride, pad=pad)
    return dx, dw, db
""",
    },
]
