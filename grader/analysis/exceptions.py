"""What NumPy's own error messages say about a student's shapes, in one sentence.

The student's code raised; NumPy's message names the shapes it could not combine. Two of its
messages are read here, with no knowledge of the assignment:

- "operands could not be broadcast together with shapes (1,2,3,3) (2,)": a short shape lines up
  with the last axes (a bias of shape (F,) added to (N, F, H, W)), or two shapes of one rank
  differ in one axis only (a window cut short at the edge of the input);
- "cannot reshape array of size 1296 into shape (3,3,2,2,4,4)": a size used to build the shape
  is wrong.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from grader.analysis.core import Finding
from grader.analysis.messages import say

_BROADCAST = re.compile(r"operands could not be broadcast together with shapes ((?:\([\d,]*\) ?)+)")
_RESHAPE = re.compile(r"cannot reshape array of size (\d+) into shape (\([\d, newaxis-]*\))")
_BOUNDS = re.compile(r"index (\d+) is out of bounds for axis (\d+) with size (\d+)")
_SHAPE = re.compile(r"\(([\d,]*)\)")


def _shapes(text: str) -> list[tuple[int, ...]]:
    return [tuple(int(n) for n in found.split(",") if n) for found in _SHAPE.findall(text)]


def _text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def explain_exception(message: str, language: str) -> Finding | None:
    """A finding for a NumPy shape error in the student's exception `message`, or None."""
    found = _BROADCAST.search(message)
    if found:
        shapes = _shapes(found.group(1))
        if len(shapes) == 2:
            return _broadcast(shapes[0], shapes[1], language)
    found = _RESHAPE.search(message)
    if found:
        return _reshape(int(found.group(1)), found.group(2), language)
    found = _BOUNDS.search(message)
    if found and found.group(1) == found.group(3):  # one past the end
        values = {"index": found.group(1), "axis": found.group(2), "size": found.group(3)}
        return Finding("index_one_past", say("index_one_past", language, **values), "")
    return None


def _broadcast(first: tuple[int, ...], second: tuple[int, ...], language: str) -> Finding | None:
    small, big = sorted((first, second), key=len)
    if len(small) < len(big) and len(small) == 1 and big:
        (size,) = small
        axes = [axis for axis, length in enumerate(big[:-1]) if length == size]
        if axes and big[-1] != size:
            axis = axes[-1]
            suggested = (size,) + (1,) * (len(big) - axis - 1)
            values = {"small": _text(small), "big": _text(big), "last": big[-1], "axis": axis, "size": size}
            sentence = say("broadcast_from_the_right", language, **values, suggested=_text(suggested))
            return Finding("broadcast_from_the_right", sentence, "")
    if len(first) == len(second):
        differ = [axis for axis, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(differ) == 1 and 1 not in (first[differ[0]], second[differ[0]]):
            axis = differ[0]
            values = {"first": _text(first), "second": _text(second), "axis": axis}
            sentence = say("broadcast_one_axis", language, **values, a=first[axis], b=second[axis])
            return Finding("broadcast_one_axis", sentence, "")
    return None


def _reshape(size: int, shape_text: str, language: str) -> Finding | None:
    known = [int(n) for n in re.findall(r"\d+", shape_text)]
    if "newaxis" in shape_text or "-1" in shape_text or not known:
        return None
    needed = math.prod(known)
    if needed == 0 or needed == size:
        return None
    ratio = str(Fraction(size, needed))
    sentence = say("reshape_size", language, size=size, shape=shape_text, needed=needed, ratio=ratio)
    return Finding("reshape_size", sentence, "")
