"""Attack (cnn assignment): make the grader's diagnosis replay the reference on a state that is
cheap to send and ruinous to compute.

When a test of a ConvNet method fails, the grader looks for a known mistake by rebuilding the
object from the attributes the child reported (its "state") and running the catalogue's wrong
variant of the reference `loss` on it, in the grading process itself, with no time or memory
limit. This ConvNet keeps a first filter of 401 x 401 (1.3 MB, well under max_array_mb) with
weights that fit it, and answers `loss` wrongly, so test_initial_loss_is_near_log_ten fails and
is diagnosed: the reference convolution then pads twenty 8 x 8 inputs by 200 on each side and
multiplies every 401 x 401 window, about 1.6 GB in the grader, then loops 160,801 times for the
gradient. Expected when the grader holds: the replay is bounded (or sandboxed), so grading the
cnn assignment keeps the grading process under 1 GB and ends in normal time; the attack scores
no point of cnn's ConvNet tests.
"""

import numpy as np


class ConvNet:
    """A ConvNet whose shapes are chosen for the replay, not for learning."""

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
        size = 401  # odd: "same" padding of 200
        pooled = 1 * (height // 2) * (width // 2)
        self.reg = reg
        self.params = {
            "W1": np.full((1, channels, size, size), 1e-6),
            "b1": np.zeros(1),
            "W2": np.full((pooled, hidden_dim), 1e-3),
            "b2": np.zeros(hidden_dim),
            "W3": np.full((hidden_dim, num_classes), 1e-3),
            "b3": np.zeros(num_classes),
        }

    def loss(self, X, y=None):
        """Wrong on purpose: a loss of 0 and no gradients."""
        if y is None:
            return np.zeros((len(X), self.params["W3"].shape[1]))
        return 0.0, {}
