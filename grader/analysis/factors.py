"""The right values in another order along one axis of a flattened array: which factors moved.

A matrix whose rows flatten several indices (im2col's rows are (channel, kernel row, kernel
column) flattened) holds the right values in another order when the student flattened them in
another order ((kernel row, kernel column, channel)). Each axis's length is split into 2 or 3
factors, each order of the factors is tried, and the one that gives the student's array names
the factors that moved: by the caller's names for the sizes when they are known (the call's
arguments), else by their sizes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

import numpy as np

from grader.analysis.core import MIN_EVIDENCE, Case, Finding
from grader.analysis.messages import place
from grader.analysis.where import axis_name, summary

_MAX_LENGTH = 4096  # longer axes are not factored
_MAX_SPLITS = 64  # factorisations tried per axis


def factored(case: Case) -> Finding | None:
    """got is expected with one axis split into factors, the factors reordered, and flattened back."""
    if case.got.shape != case.expected.shape or case.got.size < MIN_EVIDENCE or not case.same_values:
        return None
    for axis in range(case.got.ndim):
        length = case.got.shape[axis]
        if length < 4 or length > _MAX_LENGTH:
            continue
        for split in _candidates(length, case.factors or {}):
            for order in itertools.permutations(range(len(split))):
                if order != tuple(range(len(split))) and case.agree(
                    case.got, _reordered(case, axis, split, order)
                ):
                    return _finding(case, axis, split, order)
    return None


def _candidates(length: int, names: Mapping[str, int]) -> list[tuple[int, ...]]:
    """The factorisations to try, those whose factors all have a name first (3 factors before 2:
    (C, HH, WW) says more than (C, HH*WW))."""
    splits = list(itertools.islice(_splits(length), _MAX_SPLITS))
    sizes = {int(size) for size in names.values()}
    named = sorted((s for s in splits if set(s) <= sizes), key=lambda s: -len(s))
    return named + [s for s in splits if s not in named]


def _splits(length: int) -> Iterator[tuple[int, ...]]:
    """Ordered factorisations of `length` into 2 factors, then 3, each at least 2."""
    twos = [(a, length // a) for a in range(2, length // 2 + 1) if length % a == 0 and length // a >= 2]
    yield from twos
    for a, rest in twos:
        for b in range(2, rest // 2 + 1):
            if rest % b == 0:
                yield (a, b, rest // b)


def _reordered(case: Case, axis: int, split: tuple[int, ...], order: tuple[int, ...]) -> np.ndarray:
    """expected with `axis` split as `split`, its factors put in `order`, flattened back."""
    shape = case.expected.shape
    full = case.expected.reshape(shape[:axis] + split + shape[axis + 1 :])
    axes = list(range(axis)) + [axis + i for i in order] + list(range(axis + len(split), full.ndim))
    return full.transpose(axes).reshape(shape)


def _finding(case: Case, axis: int, split: tuple[int, ...], order: tuple[int, ...]) -> Finding:
    labels = _labels(split, case.factors or {}, case.language)
    expected = "(" + ", ".join(labels) + ")"
    got = "(" + ", ".join(labels[i] for i in order) + ")"
    where = axis_name(axis, case.got.ndim, case.language)
    return case.finding(
        "factors_reordered", summary(case.differ, case.language), axis=where, got=got, expected=expected
    )


def _labels(split: tuple[int, ...], names: Mapping[str, int], language: str) -> list[str]:
    """Each factor's name ("fh=3") where the caller names its size exactly as many times as there
    are factors of that size (given in the caller's order); else its size ("size 3"): a name that
    may be another's (stride=2 next to 2 channels) is not given, nor one starting with "#" (a value
    the student may not see, which only makes the others unsure)."""
    labels = [place("factors.size", language, size=size) for size in split]
    for size in set(split):
        named = [name for name, value in names.items() if int(value) == size]
        if len(named) == split.count(size) and not any(name.startswith("#") for name in named):
            taken = iter(named)
            for position, factor in enumerate(split):
                if factor == size:
                    labels[position] = f"{next(taken)}={size}"
    return labels
