"""Known mistakes of assignment cnn, each a wrong version of one function (never released).

A variant is solutions/cnn.py followed by the entry's code, in one namespace (grader.catalogue);
a mistake in a method is a subclass of the same name that overrides it.
"""

MISTAKES = [
    {
        "name": "softmax without subtracting the maximum",
        "name_zh": "softmax 没有先减去最大值",
        "function": "softmax_loss",
        "hint": "exp overflows for large scores: subtract each row's maximum first",
        "hint_zh": "分数很大时 exp 会溢出：先减去每行的最大值",
        "code": """
def softmax_loss(scores, y):
    n = scores.shape[0]
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
""",
    },
    {
        "name": "loss summed instead of averaged",
        "name_zh": "损失求和而不是取平均",
        "function": "softmax_loss",
        "hint": "the loss and its gradient are means over the batch",
        "hint_zh": "损失和它的梯度是对批量的平均",
        "code": """
def softmax_loss(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = scores.shape[0]
    loss = -log_probs[np.arange(n), y].sum()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
""",
    },
    {
        "name": "ReLU backward gated on dout",
        "name_zh": "ReLU 反向传播按 dout 的符号放行",
        "function": "relu_backward",
        "hint": "the gradient passes where the forward input x was positive, whatever dout's sign",
        "hint_zh": "梯度在前向输入 x 为正的地方通过，与 dout 的符号无关",
        "code": """
def relu_backward(dout, x):
    return dout * (dout > 0)
""",
    },
    {
        "name": "regularisation missing from the gradient",
        "name_zh": "梯度中漏了正则化项",
        "function": "ConvNet.loss",
        "hint": "the gradient of 0.5 * reg * sum(W**2) is reg * W",
        "hint_zh": "0.5 * reg * sum(W**2) 的梯度是 reg * W",
        "code": """
class ConvNet(ConvNet):
    def loss(self, X, y=None):
        p = self.params
        pad = (p["W1"].shape[2] - 1) // 2
        conv, conv_cache = _conv_forward(X, p["W1"], p["b1"], pad)
        relu1 = relu_forward(conv)
        pooled, pool_cache = _pool_forward(relu1)
        hidden = affine_forward(pooled, p["W2"], p["b2"])
        relu2 = relu_forward(hidden)
        scores = affine_forward(relu2, p["W3"], p["b3"])
        if y is None:
            return scores
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(float(np.sum(p[k] ** 2)) for k in ("W1", "W2", "W3"))
        grads = {}
        drelu2, grads["W3"], grads["b3"] = affine_backward(dscores, relu2, p["W3"], p["b3"])
        dhidden = relu_backward(drelu2, hidden)
        dpooled, grads["W2"], grads["b2"] = affine_backward(dhidden, pooled, p["W2"], p["b2"])
        dconv = relu_backward(_pool_backward(dpooled, pool_cache), conv)
        _, grads["W1"], grads["b1"] = _conv_backward(dconv, conv_cache)
        return loss, grads  # the loss has the penalty, the gradients do not
""",
    },
]
