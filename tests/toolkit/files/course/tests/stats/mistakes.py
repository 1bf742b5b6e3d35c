"""Known mistakes of the fixture course's stats (never released)."""

MISTAKES = [
    {
        "name": "sample variance",
        "name_zh": "样本方差",
        "function": "variance",
        "hint": "divide by the number of values, not by one less",
        "hint_zh": "除以数值的个数，而不是个数减一",
        "code": """
def variance(x):
    centred = x - mean(x)
    return float(np.sum(centred * centred) / (x.size - 1))
""",
    },
]
