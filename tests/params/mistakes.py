"""Known mistakes of assignment params: each a named patch of the reference (never released)."""

MISTAKES = [
    {
        "name": "convolution without bias",
        "function": "conv_params",
        "hint": "each filter has one bias as well as f*f*c_in weights",
        "replace": [("return n_filters * (f * f * c_in + int(bias))", "return n_filters * f * f * c_in")],
    },
    {
        "name": "fully connected without bias",
        "function": "fc_params",
        "hint": "each output unit has a bias",
        "replace": [("return n_out * (n_in + int(bias))", "return n_out * n_in")],
    },
]
