"""Step 1, the reason: the status and the sentence the failure itself gives."""

from __future__ import annotations

import dataclasses

from grader import compare, reasons
from grader.feedback.draft import Draft


def reason(draft: Draft) -> Draft:
    """The failure's status and reason (`grader.reasons`), and a failed comparison's arrays.

    Args:
        draft: a phase that raised.

    Returns:
        the draft with status, reason and arrays; a failure outside the call phase is an error.
    """
    error = draft.error
    arrays = None
    if isinstance(error, compare.Mismatch) and error.got is not None:
        arrays = {"expected": error.expected, "got": error.got}
    status, said = reasons.failure_reason(error, draft.language)
    if draft.when != "call" and status == "failed":
        status = "error"
    return dataclasses.replace(draft, status=status, reason=said, arrays=arrays)
