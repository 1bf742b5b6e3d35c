"""Known mistakes of assignment params, each a wrong version of one function (never released).

A variant is solutions/params.py followed by the entry's code, in one namespace (grader.catalogue).
"""

MISTAKES = [
    {
        "name": "convolution without bias",
        "name_zh": "卷积层漏算了偏置",
        "function": "conv_params",
        "hint": "each filter has one bias as well as f*f*c_in weights",
        "hint_zh": "每个过滤器除了 f*f*c_in 个权重，还有一个偏置",
        "code": """
def conv_params(f, c_in, n_filters, bias=True):
    return n_filters * f * f * c_in
""",
    },
    {
        "name": "fully connected without bias",
        "name_zh": "全连接层漏算了偏置",
        "function": "fc_params",
        "hint": "each output unit has a bias",
        "hint_zh": "每个输出单元都有一个偏置",
        "code": """
def fc_params(n_in, n_out, bias=True):
    return n_out * n_in
""",
    },
    {
        "name": "parameters counted with weight sharing",
        "name_zh": "按权重共享计算了参数",
        "function": "unshared_conv_params",
        "hint": "a locally connected layer has its own weights at every output position",
        "hint_zh": "局部连接层在每个输出位置都有自己的权重",
        "code": """
def unshared_conv_params(out_h, out_w, f, c_in, n_filters, bias=True):
    return n_filters * (f * f * c_in + int(bias))
""",
    },
]
