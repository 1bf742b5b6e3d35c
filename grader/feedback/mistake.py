"""Step 4, the named mistake: the catalogue entry the failed test's calls name, put first.

Officially the calls are replayed on the catalogue's variants in a sandboxed replay child
(`grader.diagnosis`); without a catalogue (a student's checkout, a Gradescope autograder) they are
compared with the released fingerprints (`grader.fingerprints`). Both apply `grader.naming`'s rule.
"""

from __future__ import annotations

import dataclasses

from grader import analysis, i18n
from grader.catalogue import Mistake
from grader.diagnosis import diagnose
from grader.feedback.draft import Draft
from grader.naming import first_named
from grader.outcome import Notice


def diagnosis(draft: Draft) -> Mistake | None:
    """The known mistake the test's calls name, where a catalogue or released fingerprints are."""
    function, session, assignment = draft.function, draft.session, draft.assignment
    if function is None:
        return None
    replayer, handle = session.replayer(assignment), session.handle(assignment)
    if handle is None:
        return None
    if replayer is None or not replayer.catalogue:  # no catalogue here: the released fingerprints
        from grader import fingerprints

        return fingerprints.name_at_home(fingerprints.path_for(session.root, assignment), function, handle)
    methods = handle.recorded_methods(function)
    found = first_named(
        function, methods, lambda name: diagnose(replayer, replayer.catalogue, name, handle.calls.of(name))
    )
    return found if found is None or isinstance(found, Mistake) else Mistake.of(found)


def named_mistake(draft: Draft) -> Draft:
    """A failed call not explained by a failing callee: the mistake it names, first in the reason
    and the notices. A named mistake is the story: no second guess at the numbers beside it.

    Args:
        draft: a phase after containment (step 3).

    Returns:
        the draft with its mistake, or unchanged.
    """
    if draft.when != "call" or draft.status != "failed" or draft.culprits:
        return draft
    try:
        mistake = diagnosis(draft)
    except Exception:  # a diagnosis that fails leaves the plain reason
        return draft
    if mistake is None:
        return draft
    name, hint = mistake.said_name(draft.language), mistake.said_hint(draft.language)
    sentence = i18n.text(draft.language, "known_mistake", name=name, hint=hint)
    reason, notices = draft.reason, list(draft.notices)
    if draft.found is not None and draft.found.kind in analysis.GUESSES:  # the call stays named
        reason = reason.replace(draft.finding, draft.label, 1)
        notices = [notice for notice in notices if notice.key not in ("finding", "hidden_category")]
    notices.insert(0, Notice.of("known_mistake", name=name, hint=hint))
    return dataclasses.replace(draft, reason=f"{sentence}\n{reason}", notices=tuple(notices), mistake=mistake)
