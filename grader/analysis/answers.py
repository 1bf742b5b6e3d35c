"""How one answer differs from the right one, whatever its type: the sentence that localises a
wrong call ("conv_output_size returned ... for conv_output_size(3, 2)").

A type that differs is named as a type ("a float where an int is needed: use //"); arrays are
described by the structural finding (`grader.analysis.explain`), never by shapes that read the
same; a tuple or list by its first item that differs. None when nothing more can be said than the
two values themselves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.analysis.core import Finding
from grader.analysis.messages import say

_NUMBER_KINDS = "biuf"
MAX_DEPTH = 3


def _kind(value: Any) -> str:
    """A value's kind as a student names it: int, float, bool, array, tuple, list, dict, str."""
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, np.ndarray):
        return "array"
    return type(value).__name__


def _named(kind: str, language: str) -> str:
    """A kind in a sentence: "an array", "a float" (English), "`array`" (Chinese)."""
    if language != "en":
        return f"`{kind}`"
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def difference(got: Any, expected: Any, language: str, depth: int = 0) -> str | None:
    """One sentence on how `got` differs from `expected` (they differ), or None.

    Args:
        got: the student's answer (decoded plain data: numbers, arrays, tuples, lists, dicts).
        expected: the right answer.
        language: "en" or "zh-CN".
        depth: how deep in nested tuples this answer is (kept under MAX_DEPTH).

    Returns:
        a sentence naming a type, a structural finding, or an item, or None.
    """
    got_kind, expected_kind = _kind(got), _kind(expected)
    if got_kind != expected_kind:
        if got_kind == "float" and expected_kind == "int":
            return say("answer_float_for_int", language)
        return say(
            "answer_type", language, got=_named(got_kind, language), expected=_named(expected_kind, language)
        )
    if got_kind == "array":
        return _arrays(got, expected, language)
    if got_kind == "float":  # a loss: a simple ratio, a sign, if any (whole counts say their values)
        return _arrays(np.asarray(got), np.asarray(expected), language)
    if got_kind in ("tuple", "list") and len(got) == len(expected) and depth < MAX_DEPTH:
        return _items(got, expected, language, depth)
    return None


def _arrays(got: np.ndarray, expected: np.ndarray, language: str) -> str | None:
    if got.dtype.kind not in _NUMBER_KINDS or expected.dtype.kind not in _NUMBER_KINDS:
        return None
    from grader.analysis import explain  # the package imports this module

    found = explain(got, expected, language)
    if found is None:
        return None
    return f"{found.sentence} ({found.where})" if found.where else found.sentence


def _agree(got: Any, expected: Any) -> bool:
    """Whether two items are the same answer: one kind, and numbers close (as the rerun's tight
    tolerance), else equal."""
    if _kind(got) != _kind(expected):
        return False
    if isinstance(got, (tuple, list)):  # items may be arrays: compared one by one
        return len(got) == len(expected) and all(_agree(g, e) for g, e in zip(got, expected, strict=True))
    if isinstance(got, dict):
        return got.keys() == expected.keys() and all(_agree(got[k], expected[k]) for k in got)
    try:
        first, second = np.asarray(got), np.asarray(expected)
        if first.dtype.kind in _NUMBER_KINDS and second.dtype.kind in _NUMBER_KINDS:
            return first.shape == second.shape and bool(np.allclose(first, second, rtol=1e-6, atol=1e-9))
        return bool(got == expected)
    except (TypeError, ValueError):
        return False


def _items(got: Any, expected: Any, language: str, depth: int) -> str | None:
    for index, (item, right) in enumerate(zip(got, expected, strict=True)):
        if not _agree(item, right):
            inner = difference(item, right, language, depth + 1)
            return say("answer_item", language, index=index, inner=inner) if inner else None
    return None


def records(got: Any, expected: Any, language: str) -> Finding | None:
    """How a list of records (dicts, a summary table) differs as a whole: a number that is the
    running total of the expected ones, or a tuple whose entries come in another order, the same
    order in every record. None when neither fits (or the lists do not line up)."""
    if not (isinstance(got, list) and isinstance(expected, list)) or len(got) != len(expected) or not got:
        return None
    if not all(
        isinstance(g, dict) and isinstance(e, dict) and g.keys() == e.keys()
        for g, e in zip(got, expected, strict=True)
    ):
        return None
    for key in expected[0]:
        column = [(g[key], e[key]) for g, e in zip(got, expected, strict=True)]
        found = _running_total(key, column, language) or _entries_reordered(key, column, language)
        if found is not None:
            return found
    return None


def _running_total(key: str, column: list[tuple[Any, Any]], language: str) -> Finding | None:
    if not all(_kind(g) in ("int", "float") and _kind(e) in ("int", "float") for g, e in column):
        return None
    got = np.array([float(g) for g, _ in column])
    expected = np.array([float(e) for _, e in column])
    if np.allclose(got, expected) or not np.allclose(got, np.cumsum(expected)):
        return None
    return _finding("records_running_total", language, field=repr(key))


def _entries_reordered(key: str, column: list[tuple[Any, Any]], language: str) -> Finding | None:
    orders = set()
    for got, expected in column:  # a record computed from a reordered one may differ otherwise
        if not isinstance(got, (tuple, list)) or not isinstance(expected, (tuple, list)):
            return None
        same_entries = len(got) == len(expected) >= 3 and sorted(map(str, got)) == sorted(map(str, expected))
        if same_entries and not _agree(list(got), list(expected)):
            orders.add(_order(list(got), list(expected)))
    if len(orders) != 1 or None in orders:
        return None
    return _finding("records_reordered", language, field=repr(key), order=str(next(iter(orders))))


def _order(got: list[Any], expected: list[Any]) -> tuple[int, ...] | None:
    """The positions of expected's entries that got lists, in got's order, when it is one order."""
    taken: list[int] = []
    for entry in got:
        index = next((i for i, e in enumerate(expected) if _agree(e, entry) and i not in taken), None)
        if index is None:
            return None
        taken.append(index)
    return tuple(taken)


def _finding(kind: str, language: str, **values: str) -> Finding:
    params = tuple(sorted(values.items()))
    return Finding(kind, say(kind, language, **values), "", params, dict(values))


def swapped(got: Any, expected: Any, language: str, path: str = "", depth: int = 0) -> Finding | None:
    """Two items of a tuple or list answer exchanged (a cache's stride and pad): each holds the
    other's right value and every other item is right. Searched up to three levels deep."""
    if not isinstance(got, (tuple, list)) or type(got) is not type(expected) or len(got) != len(expected):
        return None
    wrong = [i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if not _agree(g, e)]
    if len(wrong) == 2:
        first, second = wrong
        if _agree(got[first], expected[second]) and _agree(got[second], expected[first]):
            return _finding("items_swapped", language, first=f"{path}[{first}]", second=f"{path}[{second}]")
    if len(wrong) == 1 and depth < MAX_DEPTH:
        return swapped(got[wrong[0]], expected[wrong[0]], language, f"{path}[{wrong[0]}]", depth + 1)
    return None
