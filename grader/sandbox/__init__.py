"""Run a submission in an isolated child process and talk to it in plain data.

The grading process never imports student code. The package is split by responsibility:

- `policy`: the isolation levels (bubblewrap, an unprivileged uid, a plain child process),
  choosing one, and the command that starts a child at it; `confine` is the child's half
  (rlimits, the seccomp allowlist, the audit hook);
- `protocol`: frames, operations and decoding limits, imported by both sides;
- `client`: the channel to one child (start, deadlines, budget, restarts);
- `proxy`: what tests hold (the module, its functions, remote objects);
- `recording`: the calls each test made, for diagnosis.
"""

from grader.sandbox.errors import (
    ChannelCorrupted,
    StudentException,
    SubmissionCrashed,
    SubmissionFailure,
    SubmissionTimeout,
)
from grader.sandbox.policy import Isolation, bubblewrap_works, choose
from grader.sandbox.proxy import SandboxedSubmission

__all__ = [
    "ChannelCorrupted",
    "Isolation",
    "SandboxedSubmission",
    "StudentException",
    "SubmissionCrashed",
    "SubmissionFailure",
    "SubmissionTimeout",
    "bubblewrap_works",
    "choose",
]
