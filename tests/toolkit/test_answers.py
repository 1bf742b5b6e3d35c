"""Localisation is exact (issue 21 item 2): a wrong callee answer is described by how it differs,
a type as a type, an array by its structural finding, never by shapes that read the same."""

import numpy as np
import pytest

from grader.analysis.answers import difference, records, swapped
from grader.rerun import _sentence


def test_a_float_where_an_int_is_needed_is_named_as_a_type():
    call = "conv_output_size(3, 2, pad=0, stride=1)"
    text = _sentence("en", "conv_output_size", call, ("ok", 2.0), ("ok", 2))
    assert text.endswith("a float where an int is needed: use // (integer division), not /")
    zh = _sentence("zh-CN", "conv_output_size", call, ("ok", 2.0), ("ok", 2))
    assert "整除 `//`" in zh and "浮点数" in zh


def test_an_array_answer_is_described_by_its_structure_not_by_equal_shapes():
    x = np.random.default_rng(3).standard_normal((1, 3, 5, 5))
    right = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    one_side = np.pad(x, ((0, 0), (0, 0), (2, 0), (2, 0)))
    text = _sentence("en", "zero_pad", "zero_pad(array(1, 3, 5, 5), 1)", ("ok", one_side), ("ok", right))
    assert "array(1, 3, 7, 7)" not in text
    assert "zero padding on one side only" in text and text.startswith("zero_pad's answer to zero_pad(")
    zh = _sentence("zh-CN", "zero_pad", "zero_pad(array(1, 3, 5, 5), 1)", ("ok", one_side), ("ok", right))
    assert "array(1, 3, 7, 7)" not in zh and "零填充" in zh


def test_a_small_array_keeps_its_values_and_gets_its_scale():
    text = _sentence("en", "f", "f(x)", ("ok", np.array([1.0, 1.5])), ("ok", np.array([2.0, 3.0])))
    assert "[1. , 1.5]" in text and "times 1/2" in text


@pytest.mark.parametrize(
    ("got", "expected", "words"),
    [
        (
            (1, np.array([1.0, 1.5])),
            (1, np.array([2.0, 3.0])),
            "item 1: Every value is the expected one times 1/2",
        ),
        ([1, 2], (1, 2), "a list where a tuple is needed"),
        ((9.2, np.ones(2)), (2.3, np.ones(2)), "item 0: Your number is the expected one times 4"),
        (np.array([1.0]), 1.0, "an array where a float is needed"),
    ],
)
def test_other_answers(got, expected, words):
    assert words in difference(got, expected, "en")


def test_answers_that_say_nothing_more_than_their_values():
    assert difference(3, 4, "en") is None
    assert difference("a", "b", "en") is None


def summary(shapes, params):
    kinds = ["conv", "pool", "flatten", "fc"]
    return [
        {"type": k, "output_shape": s, "params": p} for k, s, p in zip(kinds, shapes, params, strict=True)
    ]


RIGHT = summary([(6, 28, 28), (6, 14, 14), (1176,), (10,)], [456, 0, 0, 11770])


def test_a_running_total_of_a_table_is_named():
    found = records(summary([(6, 28, 28), (6, 14, 14), (1176,), (10,)], [456, 456, 456, 12226]), RIGHT, "en")
    assert found.kind == "records_running_total" and "'params' is the running total" in found.sentence


def test_shapes_channels_last_in_every_record_are_one_order():
    wrong = summary([(28, 28, 6), (14, 14, 6), (1176,), (10,)], [456, 0, 0, 11770])
    found = records(wrong, RIGHT, "zh-CN")
    assert found.kind == "records_reordered" and "(1, 2, 0)" in found.sentence and "通道" in found.sentence


def test_tables_that_differ_otherwise_get_no_story():
    assert (
        records(summary([(6, 28, 28), (6, 14, 14), (1176,), (10,)], [456, 0, 0, 11760]), RIGHT, "en") is None
    )
    assert records(RIGHT[:3], RIGHT, "en") is None


def test_a_gradient_of_the_wrong_shape_keeps_both_arrays_for_the_analysis():
    """affine_backward's dx returned flat, (N, D) for x of shape (N, 3, 2): the analysis can say
    "reshape the result" only if the comparison keeps both arrays."""
    from grader.analysis import explain
    from grader.compare import Mismatch
    from grader.testing import assert_gradient

    expected = np.random.default_rng(2).standard_normal((2, 3, 2))
    with pytest.raises(Mismatch) as caught:
        assert_gradient(expected.reshape(2, 6), expected, what="dx")
    assert str(caught.value).startswith("dx: shape (2, 6) expected (2, 3, 2)")
    assert explain(*caught.value.arrays).kind == "reshaped"


def test_two_items_of_a_cache_swapped_are_named_by_position():
    """conv_forward_im2col's cache (x, w, b, stride, pad, cols) written with pad before stride."""
    x = np.ones((1, 1, 3, 3))
    right = (x, (x, x, 0.5, 2, 1, x))
    found = swapped((x, (x, x, 0.5, 1, 2, x)), right, "en")
    assert (
        found.kind == "items_swapped"
        and "Items [1][3] and [1][4] of your answer are swapped" in found.sentence
    )
    assert "互换" in swapped((x, (x, x, 0.5, 1, 2, x)), right, "zh-CN").sentence
    assert swapped((x, (x, x, 0.5, 1, 3, x)), right, "en") is None


def test_every_finding_can_become_a_hidden_tests_notice():
    """A finding's values become a notice's parameters: none may be named like Notice.of's own
    `key` (a hidden summarize test read "the grader could not describe this failure")."""
    import string

    from grader.analysis import SENTENCES, Finding
    from grader.disclosure import finding_notices

    for kind, entry in SENTENCES.items():
        names = {name for _, name, _, _ in string.Formatter().parse(entry["en"]) if name}
        assert "key" not in names, kind
        finding = Finding(kind, "", "", values={name: "x" for name in names})
        assert finding_notices(finding)


def test_answers_holding_arrays_in_tuples_are_compared_item_by_item():
    """conv_forward_im2col's (out, cache): a wrong out beside a cache of arrays is no swap, and the
    comparison never asks NumPy for the truth of an array (it stopped the grader's description)."""
    x, other = np.ones((2, 2)), np.zeros((2, 2))
    assert swapped((other, (x, x, 0.5, 2, 1, x)), (x, (x, x, 0.5, 2, 1, x)), "en") is None
    assert records([{"a": x}], [{"a": other}], "en") is None
