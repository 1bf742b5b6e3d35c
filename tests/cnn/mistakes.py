"""Known mistakes of assignment cnn: each a named patch of the reference (never released)."""

MISTAKES = [
    {
        "name": "softmax without subtracting the maximum",
        "function": "softmax_loss",
        "hint": "exp overflows for large scores: subtract each row's maximum first",
        "hint_zh": "分数很大时 exp 会溢出：先减去每行的最大值",
        "replace": [("shifted = scores - scores.max(axis=1, keepdims=True)", "shifted = scores")],
    },
    {
        "name": "loss summed instead of averaged",
        "function": "softmax_loss",
        "hint": "the loss and its gradient are means over the batch",
        "hint_zh": "损失和它的梯度是对批次的平均",
        "replace": [
            ("loss = -log_probs[np.arange(n), y].mean()", "loss = -log_probs[np.arange(n), y].sum()")
        ],
    },
    {
        "name": "ReLU backward gated on dout",
        "function": "relu_backward",
        "hint": "the gradient passes where the forward input x was positive, whatever dout's sign",
        "hint_zh": "梯度在前向输入 x 为正的地方通过，与 dout 的符号无关",
        "replace": [("return dout * (x > 0)", "return dout * (dout > 0)")],
    },
    {
        "name": "regularisation missing from the gradient",
        "function": "ConvNet",
        "hint": "the gradient of 0.5 * reg * sum(W**2) is reg * W",
        "hint_zh": "0.5 * reg * sum(W**2) 的梯度是 reg * W",
        "replace": [("grads[k] = grads[k] + self.reg * p[k]", "grads[k] = grads[k]")],
    },
]
