"""`course collect`: student repositories -> a class folder and trusted submission times for grade-all.

Modules: `sources` (a GitHub organisation or a local folder of repositories), `github` (the
REST requests), `git` (fetching without writing a credential anywhere), `record` (when each
commit was first seen), `export` (the work of a commit, by `grader.locate`'s rule), `run`
(collect: fetch, record, pick the graded commit, write the outputs), `feedback` (post each
student's feedback on their graded commit).
"""

from grader.collect.record import Record
from grader.collect.run import collect, open_assignments
from grader.collect.sources import GitHubSource, LocalSource, github_source

__all__ = ["GitHubSource", "LocalSource", "Record", "collect", "github_source", "open_assignments"]
