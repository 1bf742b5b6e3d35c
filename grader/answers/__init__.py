"""Home tells the truth on public tests: the reference's answers to the calls they lead to.

Officially, when a graded function fails, a test of its caller is rerun with the reference child
answering the function's calls (`grader.rerun`), so one mistake costs its own points once. A
student's checkout has no reference. So `course release` ships, beside the public tests,
assignments/<id>/tests/answers.json (`grader.answers.build`): for each public test, the
reference's answers to the calls of the graded functions it relies on, keyed by their arguments
(public inputs, and answers a correct function gives on them) and, for methods, by the object's
state. A home run (`grader.answers.home`) answers a failing callee from it, matching calls by the
official stand-ins' rule (`grader.standins`); a call it does not hold stays charged, with a note
that the official run may differ there. An official run never reads it.

Nothing hidden ships: no call a hidden test leads to (the release refuses), no call a public test
checks, no code.
"""

from grader.answers.table import FILE, Answers, load, path_for

__all__ = ["FILE", "Answers", "load", "path_for"]
