"""The git side of collection: fetch a repository's default branch, list its commits and files.

Each student repository is fetched into a bare repository of our own (`mirrors/`), from its
URL given on the command line, never stored as a remote: nothing written to disk holds a
credential. On GitHub the token goes to git as an HTTP header through the environment of the
git process (GIT_CONFIG_COUNT), so it is in no URL, no file and no command line, and every
message git prints passes through `redact`.
"""

from __future__ import annotations

import base64
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

TIP_REF = "refs/collect/tip"
SEEN_REFS = "refs/collect/seen/"  # every recorded tip, so a force-push never lets git prune it
FILE, LINK = "100644", "120000"


class GitFailed(Exception):
    """A git command failed; the message is git's, with any credential removed."""


@dataclass(frozen=True)
class Credentials:
    """A token for HTTPS fetches from one host, sent as a header (GitHub's `x-access-token`)."""

    token: str
    host: str = "https://github.com/"

    def header(self) -> str:
        basic = base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
        return f"AUTHORIZATION: basic {basic}"

    def environment(self) -> dict[str, str]:
        """Variables that make git send the header to this host only, added after any given ones."""
        count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
        return {
            "GIT_CONFIG_COUNT": str(count + 1),
            f"GIT_CONFIG_KEY_{count}": f"http.{self.host}.extraheader",
            f"GIT_CONFIG_VALUE_{count}": self.header(),
        }

    def redact(self, text: str) -> str:
        """`text` with the token, and the header that carries it, replaced by ***."""
        for secret in (self.header().split()[-1], self.token):
            text = text.replace(secret, "***")
        return text


def _git(
    arguments: list[str],
    credentials: Credentials | None = None,
    timeout: float = 300,
    given: bytes | None = None,
) -> bytes:
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "/bin/false", "LC_ALL": "C"}
    if credentials is not None:
        environment.update(credentials.environment())
    try:
        done = subprocess.run(
            ["git", *arguments],
            input=given,
            capture_output=True,
            env=environment,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitFailed(f"git {arguments[0]} took more than {timeout:g} s") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        text = message[-1] if message else f"git {arguments[0]} exited with {done.returncode}"
        if credentials is not None:
            text = credentials.redact(text)
        raise GitFailed(text)
    return done.stdout


def fetch_tip(mirror: Path, url: str, credentials: Credentials | None = None) -> str | None:
    """Fetch the default branch of `url` into the bare repository `mirror` (made if needed).

    Returns:
        the sha of its tip, or None when the repository has no commit on its default branch.

    Raises:
        GitFailed: if the repository cannot be reached or read.
    """
    # every student's code is in the mirrors: private to the instructor, whatever the umask (a
    # student's code graded at the uid level must not read a classmate's history there)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(mirror.parent, 0o700)
    if not (mirror / "HEAD").is_file():
        mirror.mkdir(mode=0o700, exist_ok=True)
        _git(["init", "--quiet", "--bare", str(mirror)])
    try:
        _git(
            ["--git-dir", str(mirror), "fetch", "--quiet", "--no-tags", url, f"+HEAD:{TIP_REF}"],
            credentials,
        )
    except GitFailed as error:
        if "couldn't find remote ref HEAD" in str(error):
            return None
        raise
    return _git(["--git-dir", str(mirror), "rev-parse", TIP_REF]).decode().strip()


def keep(mirror: Path, tips: list[str]) -> list[str]:
    """Keep these commits in `mirror` under refs/collect/seen/; returns those it does not hold."""
    if not tips:
        return []
    listing = _git(
        ["--git-dir", str(mirror), "cat-file", "--batch-check"],
        given="".join(f"{t}\n" for t in tips).encode(),
    )
    present = [line.split()[0] for line in listing.decode().splitlines() if line.split()[1:2] == ["commit"]]
    commands = "".join(f"update {SEEN_REFS}{sha} {sha}\n" for sha in present)
    if commands:
        _git(["--git-dir", str(mirror), "update-ref", "--stdin"], given=commands.encode())
    return [sha for sha in tips if sha not in set(present)]


def fetch_commits(mirror: Path, url: str, commits: list[str], credentials: Credentials | None = None) -> None:
    """Fetch these commits by sha, where the server still gives them (GitHub gives commits a
    force-push left behind); any it refuses stay missing."""
    for sha in commits:
        try:
            _git(["--git-dir", str(mirror), "fetch", "--quiet", "--no-tags", url, sha], credentials)
        except GitFailed:
            continue


def containing(mirror: Path, tip: str) -> set[str]:
    """The kept commits (see `keep`) that `tip` is reachable from, itself included if kept."""
    listing = _git(
        ["--git-dir", str(mirror), "for-each-ref", "--contains", tip, "--format=%(objectname)", SEEN_REFS]
    )
    return set(listing.decode().split())


def count_new(mirror: Path, tip: str) -> int:
    """How many commits reachable from `tip` no kept commit reaches (the commits new since then)."""
    counted = _git(["--git-dir", str(mirror), "rev-list", "--count", tip, "--not", f"--glob={SEEN_REFS}*"])
    return int(counted.decode().strip() or 0)


@dataclass(frozen=True)
class TreeEntry:
    """One file of a commit: its mode (FILE, LINK, ...), blob sha, size in bytes and path."""

    mode: str
    sha: str
    size: int
    path: str


def list_files(mirror: Path, commit: str) -> list[TreeEntry]:
    """Every file (blob) of `commit`, at any depth."""
    listing = _git(["--git-dir", str(mirror), "ls-tree", "-r", "-z", "--long", commit]).decode(
        errors="surrogateescape"
    )
    entries = []
    for line in filter(None, listing.split("\0")):
        meta, _, path = line.partition("\t")
        mode, kind, sha, size = meta.split()
        if kind == "blob":
            entries.append(TreeEntry(mode, sha, int(size) if size.isdigit() else 0, path))
    return entries


def read_blob(mirror: Path, sha: str) -> bytes:
    """The bytes of one blob (a link's bytes are its target)."""
    return _git(["--git-dir", str(mirror), "cat-file", "blob", sha])
