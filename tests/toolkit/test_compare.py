"""Comparisons explain themselves: type, shape and dtype first, then the largest error and where."""

import numpy as np
import pytest

from grader.compare import Mismatch, assert_close


def message(got, expected, **options):
    with pytest.raises(Mismatch) as error:
        assert_close(got, expected, **options)
    return str(error.value)


def test_equal_values_pass():
    assert_close((np.ones(3), 2, {"a": [1.0]}), (np.ones(3) + 1e-12, 2, {"a": [1.0]}))


def test_shape_comes_first_with_a_hint():
    text = message(np.zeros((2, 3, 4, 4)), np.zeros((2, 3, 6, 6)))
    assert text == "output: shape (2, 3, 4, 4) expected (2, 3, 6, 6): padding missing or added twice?"
    assert "wrong order" in message(np.zeros((3, 2)), np.zeros((2, 3)))


def test_largest_error_and_its_index():
    expected = np.zeros((2, 2))
    got = expected.copy()
    got[1, 0] = 0.5
    got[0, 1] = 0.1
    text = message(got, expected, what="dx")
    assert "2 of 4 values differ; largest error 0.5 at index" in text, "no relative error where 0 is expected"
    assert "relative" not in text
    assert "largest error 0.5 (relative 0.5) at index (0,)" in message(
        np.array([1.5, 2.0]), np.array([1.0, 2.0])
    )
    assert "at index (1, 0): got 0.5, expected 0" in text
    assert "expected:\n" in text, "small arrays are shown whole"


def test_big_arrays_have_no_excerpt():
    got = np.zeros(100)
    got[42] = 1.0
    text = message(got, np.zeros(100))
    assert "index (42,)" in text and "expected:\n" not in text


def test_types_are_named():
    assert message([1.0], np.array([1.0])) == "output: returned a list, expected an array"
    assert message([1, 2], (1, 2)) == "output: returned a list, expected a tuple of 2"
    assert (
        message(3.0, 3)
        == "output: returned a float (3.0) where an int is needed: use // (integer division), not /"
    )
    assert message(np.int64(3), 4) == "output: got 3, expected 4"
    assert message({"a": 1}, {"a": 1, "b": 2}) == "output: key 'b' is missing"
    assert "got 280, expected 28" not in message(28, 280) and "expected 280" in message(28, 280)


def test_nan_where_a_number_is_expected():
    text = message(np.array([np.nan, 1.0]), np.array([0.0, 1.0]))
    assert "largest error inf" in text and "index (0,)" in text
