"""The one rule that names a catalogued mistake, officially and at home.

Officially (`grader.diagnosis`) the failed test's calls are replayed on the reference and on each
variant of the catalogue; at home (`grader.fingerprints`) they are compared with the released
fingerprints of those outcomes. Either way, each call of the failed test gives one `Evidence`, and
`names` decides: a variant is named when

- it differs from the reference on at least one call (a discriminating call),
- the test's last call (the failing one) is one of them,
- on at least one of them the variant returned a value (an exception type alone is too weak: a
  broadcasting ValueError is raised by many wrong versions), and
- on every one of them the student's outcome equals the variant's.

`first_named` tries a test's function, then the methods recorded of its class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

Entry = TypeVar("Entry")


@dataclass(frozen=True)
class Evidence:
    """What one recorded call says about one variant.

    Attributes:
        discriminating: the variant's outcome differs from the reference's on this call.
        variant_returned: the variant returned a value there (it did not raise).
        student_agrees: the student's outcome equals the variant's there.
    """

    discriminating: bool
    variant_returned: bool = False
    student_agrees: bool = False


def names(evidence: Sequence[Evidence]) -> bool:
    """Whether a variant is named, given the evidence of every call of the failed test, in order.

    Args:
        evidence: one per recorded call of the function, the last being the failing call.

    Returns:
        True when the rule above holds.
    """
    if not evidence or not evidence[-1].discriminating:
        return False  # the failing (last) call must tell this variant from the reference
    discriminating = [each for each in evidence if each.discriminating]
    if not any(each.variant_returned for each in discriminating):
        return False  # an exception type alone is too weak to name
    return all(each.student_agrees for each in discriminating)


def applies(function: str, name: str) -> bool:
    """Whether a catalogue entry of `function` ("conv_forward", "ConvNet.loss") is about calls of
    `name` (the function itself, or a method of the class it names)."""
    return function in (name, name.split(".")[0])


def first_named(function: str, methods: Iterable[str], named: Callable[[str], Entry | None]) -> Entry | None:
    """The first entry named on the calls of the test's function, then of its class's methods.

    Args:
        function: the test's graded function or class ("conv_forward", "ConvNet").
        methods: the methods recorded of `function` when it is a class ("ConvNet.loss").
        named: the entry the calls of one name name (by `names`), or None.

    Returns:
        the first named entry, or None.
    """
    for name in [function, *methods]:
        found = named(name)
        if found is not None:
            return found
    return None
