"""The default tolerances of every comparison: the one place they are written.

course.yml's `grading: {rtol, atol}` starts from these, and the comparisons (`grader.compare`),
the structural analysis (`grader.analysis`) and the diagnosis' outcome check (`grader.diagnosis`)
use them where no course's tolerances are given. Closeness is numpy.isclose's:
|got - expected| <= atol + rtol * |expected|.
"""

from __future__ import annotations

RTOL = 1e-6  # relative tolerance
ATOL = 1e-8  # absolute tolerance
