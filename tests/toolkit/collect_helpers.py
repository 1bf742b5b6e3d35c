"""A stand-in GitHub Classroom organisation: a folder of bare git repositories `<prefix>-<student>.git`.

Students push commits with any date they like (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE); the
collection must ignore them. The clock of a collection is a fixed time passed in.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

FIXTURE = Path(__file__).parent / "files" / "course"
REFERENCE = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
MODULE = "assignments/vec/vec.py"  # where the student repository template keeps the stub
WRONG_SCALE = REFERENCE.replace("return x * k", "return x * 2.0")  # ignores k: loses test_scale


def git(*arguments: str, cwd: Path | None = None, date: str | None = None) -> str:
    environment = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    environment.update(
        GIT_AUTHOR_NAME="student", GIT_AUTHOR_EMAIL="s@example.org",
        GIT_COMMITTER_NAME="student", GIT_COMMITTER_EMAIL="s@example.org",
    )  # fmt: skip
    if date is not None:
        environment.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(["git", *arguments], cwd=cwd, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class Organisation:
    """Bare repositories in `folder`, each with a working clone the student pushes from."""

    def __init__(self, folder: Path, prefix: str = "vec") -> None:
        self.folder, self.prefix = folder, prefix
        folder.mkdir(parents=True, exist_ok=True)

    def bare(self, student: str) -> Path:
        path = self.folder / f"{self.prefix}-{student}.git"
        if not path.exists():
            git("init", "--quiet", "--bare", "--initial-branch=main", str(path))
        return path

    def push(
        self, student: str, files: dict[str, str], date: str, links: dict[str, str] | None = None
    ) -> str:
        """Commit `files` (path -> text) and `links` (path -> target) dated `date`, push; the sha."""
        work = self.folder.parent / "work" / f"{self.prefix}-{student}"
        if not work.exists():
            work.parent.mkdir(parents=True, exist_ok=True)
            git("clone", "--quiet", str(self.bare(student)), str(work))
            git("checkout", "--quiet", "-B", "main", cwd=work)
        for path, text in files.items():
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            (work / path).write_text(text, encoding="utf-8")
        for path, target in (links or {}).items():
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, work / path)
        git("add", "-A", cwd=work)
        git("commit", "--quiet", "-m", f"work of {date}", cwd=work, date=date)
        git("push", "--quiet", "--force", "origin", "HEAD:main", cwd=work)
        return git("rev-parse", "HEAD", cwd=work)

    def reset(self, student: str, commit: str) -> None:
        """Force-push the branch back to an earlier commit."""
        work = self.folder.parent / "work" / f"{self.prefix}-{student}"
        git("reset", "--quiet", "--hard", commit, cwd=work)
        git("push", "--quiet", "--force", "origin", "HEAD:main", cwd=work)


def fast_import(bare: Path, count: int, text: str, base: str | None = None) -> list[str]:
    """Write `count` commits onto main of `bare` in one `git fast-import` (as many pushes would),
    each writing `text` and its number into vec.py; a new history unless `base` (a sha) is given.
    Returns their shas, in order.
    """
    stream = ["reset refs/heads/main\n" + (f"from {base}\n" if base else "")]
    for number in range(1, count + 1):
        content = f"{text}# revision {number}\n".encode()
        message = f"revision {number}"
        stream.append(
            f"commit refs/heads/main\nmark :{number}\n"
            f"committer student <s@example.org> {1_700_000_000 + number} +0000\n"
            f"data {len(message)}\n{message}\n"
            f"M 100644 inline {MODULE}\ndata {len(content)}\n{content.decode()}\n"
        )
    marks = bare / "marks"
    done = subprocess.run(
        ["git", "--git-dir", str(bare), "fast-import", "--quiet", "--force", f"--export-marks={marks}"],
        input="".join(stream).encode(), capture_output=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shas = dict(line.split() for line in marks.read_text().splitlines())
    marks.unlink()
    return [shas[f":{number}"] for number in range(1, count + 1)]


def force(bare: Path, commit: str) -> None:
    """What a force-push does on the server: main now points at `commit`."""
    git("--git-dir", str(bare), "update-ref", "refs/heads/main", commit)


def at(text: str):
    """A clock stopped at `text` (ISO 8601 with a zone)."""
    moment = datetime.fromisoformat(text)
    return lambda: moment
