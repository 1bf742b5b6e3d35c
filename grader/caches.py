"""Process-wide caches as explicit objects: each has a name, an owner and a `clear()`.

A cache kept in a module global or a `functools.cache` is invisible: nothing says who fills it,
what its keys are, or how to empty it, and a test suite's speed then depends on the order its
tests run in. Every cache of the toolkit that lives as long as the process is a `Memo` made here,
listed in `MEMOS`, so that one call (`clear_all`) starts a process afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class Memo(Generic[Key, Value]):
    """Values computed once per key for the life of the process (a failure is not remembered).

    Args:
        owner: the module that fills it ("grader.catalogue").
        holds: what a key maps to, for a reader ("a catalogue file's version -> its checked entries").
    """

    def __init__(self, owner: str, holds: str) -> None:
        self.owner, self.holds = owner, holds
        self._values: dict[Key, Value] = {}
        MEMOS.append(self)

    def get(self, key: Key, make: Callable[[], Value]) -> Value:
        """The value of `key`, made by `make()` the first time it is asked for.

        Args:
            key: what the value is computed from.
            make: computes it; an exception it raises reaches the caller and nothing is kept.

        Returns:
            the value, the same object on every later call with an equal key.
        """
        if key not in self._values:
            self._values[key] = make()
        return self._values[key]

    def clear(self) -> None:
        """Forget every value."""
        self._values.clear()

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Memo({self.owner}: {self.holds}, {len(self)} entries)"


MEMOS: list[Memo] = []  # type: ignore[type-arg]  # every Memo made, in the order made


def clear_all() -> None:
    """Forget the values of every process-wide cache (a test that must start cold)."""
    for memo in MEMOS:
        memo.clear()
