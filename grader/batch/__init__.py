"""`course grade-all`: a class graded in parallel into a gradebook, feedback and a summary.

Modules: `submissions` (the class folder, links refused), `roster` (the roster and the LMS's
submission times), `lateness` (penalties from trusted times only), `scores` (a late penalty
and the final score it leaves), `pool` (a process pool that outlives crashed workers, or Dask),
`gradebook` (the outputs), `run` (grade_class).
"""

from grader.batch.lateness import decide_penalty, late_penalty_pct
from grader.batch.run import grade_class, grade_job
from grader.batch.scores import FinalScore, LatePenalty
from grader.batch.submissions import Job

__all__ = [
    "FinalScore",
    "Job",
    "LatePenalty",
    "decide_penalty",
    "grade_class",
    "grade_job",
    "late_penalty_pct",
]
