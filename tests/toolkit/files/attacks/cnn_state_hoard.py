"""Attack (cnn assignment): fill the grader's log of calls through objects' state, which its
byte budget does not count.

Before each method call on a submission's object the grader asks for the object's attributes
(its "state") and keeps them with the call, for diagnosing a failure: the latest eight calls per
method. The log's byte budget counts arrays of arguments and results only, and an array decoded
from a frame keeps that whole frame alive. This ConvNet carries a ballast array of 256 MB (the
real course's max_array_mb) and answers `loss` normally, so the gradient-check test calls it a
dozen times: eight states of 256 MB each stay in the grading process, about 2 GB. Expected when
the grader holds: the grading process stays under 1 GB.
"""

import numpy as np


class ConvNet:
    """Right shapes, zero gradients, and a large attribute that does nothing."""

    def __init__(
        self,
        input_dim=(1, 8, 8),
        num_filters=8,
        filter_size=3,
        hidden_dim=64,
        num_classes=10,
        weight_scale=1e-2,
        reg=0.0,
        seed=0,
    ):
        channels, height, width = input_dim
        pooled = num_filters * (height // 2) * (width // 2)
        self.reg = reg
        self.calls = 0
        self.ballast = np.zeros(2**25)  # 256 MB of float64
        self.params = {
            "W1": np.zeros((num_filters, channels, filter_size, filter_size)),
            "b1": np.zeros(num_filters),
            "W2": np.zeros((pooled, hidden_dim)),
            "b2": np.zeros(hidden_dim),
            "W3": np.zeros((hidden_dim, num_classes)),
            "b3": np.zeros(num_classes),
        }

    def loss(self, X, y=None):
        """A constant loss and zero gradients; gives up after a dozen calls."""
        self.calls += 1
        if self.calls > 12:
            raise RuntimeError("enough")
        if y is None:
            return np.zeros((len(X), self.params["W3"].shape[1]))
        return 2.3, {name: np.zeros_like(value) for name, value in self.params.items()}
