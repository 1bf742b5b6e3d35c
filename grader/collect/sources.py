"""Where student repositories come from: a GitHub organisation, or a local folder standing in for one.

Either way a student's repository of an assignment is named `<prefix>-<student>` (GitHub
Classroom's naming, the prefix being the assignment's), and the student id is the rest of
the name: on GitHub, their user name, which the roster's `student` column then uses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from grader.batch.roster import valid_student_id
from grader.collect.git import Credentials
from grader.collect.github import GitHub, Http, urllib_http
from grader.errors import GraderError

TOKEN_VARIABLE = "GITHUB_TOKEN"


@dataclass(frozen=True)
class Repository:
    """One student's repository: who, its name as shown (owner/name on GitHub), where to fetch it."""

    student: str
    name: str
    url: str


class Source(Protocol):
    """Lists the repositories of an assignment and says how to fetch them."""

    credentials: Credentials | None
    kind: str

    def repositories(self, prefix: str) -> list[Repository]:
        """The repositories named `<prefix>-<student>`, in student order."""
        ...


def student_of(name: str, prefix: str) -> str | None:
    """The student of repository `name` (`<prefix>-<student>`, a trailing .git dropped), or None."""
    name = name.removesuffix(".git")
    if not name.startswith(prefix + "-"):
        return None
    student = name[len(prefix) + 1 :]
    return student if valid_student_id(student) else None


@dataclass
class LocalSource:
    """A folder of git repositories (bare or not) named `<prefix>-<student>`: an organisation's stand-in."""

    folder: Path
    credentials: Credentials | None = None
    kind: str = "folder"

    def repositories(self, prefix: str) -> list[Repository]:
        """The repositories of this prefix in the folder.

        Raises:
            GraderError: if the folder does not exist.
        """
        if not self.folder.is_dir():
            raise GraderError(f"{self.folder}: no such folder of repositories; check --from.")
        found = []
        for entry in sorted(self.folder.iterdir()):
            student = student_of(entry.name, prefix)
            if student is not None and entry.is_dir():
                found.append(Repository(student, entry.name, str(entry.resolve())))
        return found


@dataclass
class GitHubSource:
    """The repositories of a GitHub organisation, read with a token from GITHUB_TOKEN."""

    org: str
    github: GitHub
    credentials: Credentials | None = None
    kind: str = "github"

    def repositories(self, prefix: str) -> list[Repository]:
        """The organisation's repositories of this prefix (templates left out), from the REST API.

        Raises:
            GraderError: if GitHub refuses the listing.
        """
        found = []
        for item in self.github.org_repositories(self.org):
            name, url = str(item.get("name", "")), str(item.get("clone_url", ""))
            student = student_of(name, prefix)
            if student is None or item.get("is_template") or not url.startswith("https://"):
                continue
            found.append(Repository(student, str(item.get("full_name", name)), url))
        return sorted(found, key=lambda repository: repository.student)


def github_source(org: str, http: Http | None = None) -> GitHubSource:
    """A GitHub organisation as a source, with the token from the environment.

    Raises:
        GraderError: if GITHUB_TOKEN is not set.
    """
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise GraderError(
            f"--github needs a token in the {TOKEN_VARIABLE} environment variable "
            "(one that can read the organisation's repositories)."
        )
    return GitHubSource(org, GitHub(token, http or urllib_http), Credentials(token))
