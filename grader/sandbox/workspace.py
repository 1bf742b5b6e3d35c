"""A child's folders: staged fresh for each start, handed to the child, measured, removed.

`Workspace` owns a private base folder (0700) with the runner files and a copy of the submission,
the child's configuration, its output log, the uid it runs as at that level, and what it wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.config import GradingSettings
from grader.i18n import MESSAGES
from grader.i18n_sandbox import CHILD_CODES
from grader.sandbox import policy

RUNNER_FILES = ("child.py", "confine.py", "protocol.py")
THREADS_PER_CHILD = 32  # RLIMIT_NPROC under a uid of the child's own
DISK_CHECK_S = 0.2  # how often the grader measures what a child wrote, where no tmpfs caps it


@dataclass(frozen=True)
class Staged:
    """Where a fresh child's files are: the runner folder outside and the paths the child sees."""

    runner: Path
    inside_runner: str


def _copy_submission(source: Path, folder: Path | None, target: Path) -> None:
    """The submitted file (or folder: its plain files, no links, no hidden files) into `target`."""
    if folder is None:
        target.mkdir()
        shutil.copyfile(source, target / source.name)
        return

    def ignored(where: str, names: list[str]) -> set[str]:
        def plain(name: str) -> bool:
            path = os.path.join(where, name)
            return not os.path.islink(path) and (os.path.isfile(path) or os.path.isdir(path))

        return {n for n in names if n.startswith(".") or n == "__pycache__" or not plain(n)}

    shutil.copytree(folder, target, ignore=ignored)


class Workspace:
    """The folders of one submission's children (one at a time).

    Args:
        source: the submitted .py or .ipynb file.
        module_name: the assignment's module ("conv").
        cells: a notebook's code cells, or None for a .py file.
        folder: the submitted folder, or None when a single file was submitted.
        level: the isolation level (`policy.BUBBLEWRAP`, `policy.USER_ID`, ...).
    """

    def __init__(
        self, source: Path, module_name: str, cells: list[str] | None, folder: Path | None, level: str
    ) -> None:
        self.source, self.module_name, self.cells, self.folder = source, module_name, cells, folder
        self.level = level
        self.base = Path(tempfile.mkdtemp(prefix="grader-"))  # 0700 from its creation
        os.mkdir(self.base / "log", 0o700)  # the grader's alone, even where the base may be passed
        if level == policy.USER_ID:
            os.chmod(self.base, 0o711)  # a uid of the child's own may pass, not list
        self.uid: tuple[int, int] | None = None  # (uid, lock descriptor) at the uid level
        self.log_start = 0  # the log's size when the latest child was launched

    @property
    def work(self) -> Path:
        """The child's working folder (its copy of the submission in `submission/`)."""
        return self.base / "work"

    @property
    def log(self) -> Path:
        """Where the children's standard error goes (the student's prints), for the grader only: in
        a folder no child may enter, so that a fresh child cannot read what earlier ones wrote (its
        size, its time) and say it in a public test's reason."""
        return self.base / "log" / "output.log"

    def take_uid(self) -> None:
        """At the uid level, a uid of the child's own (kept until `close`)."""
        if self.level == policy.USER_ID and self.uid is None:
            self.uid = policy.UserIds.take()

    def stage(self, config: dict[str, Any]) -> Staged:
        """Fresh runner files and a fresh copy of the submission, with `config` (limits and the
        like) completed by the paths the child sees.

        Both folders are made private to the grader (0700, its own) and filled while they are; only
        then are they handed to the child (its uid at that level, or opened for bubblewrap's binds
        inside the private base). No other process ever has a moment to open them (issue 19).
        """
        runner, work = self.base / "runner", self.work
        self.log_start = self.log.stat().st_size if self.log.exists() else 0
        for folder in (runner, work):
            policy.remove_tree(folder)
            os.mkdir(folder, 0o700)
        for name in RUNNER_FILES:
            shutil.copyfile(Path(__file__).with_name(name), runner / name)
        submission = work / "submission"
        if self.cells is None:
            _copy_submission(self.source, self.folder, submission)
            source_name = self.source.name
        else:
            os.mkdir(submission, 0o700)
            source_name = f"{self.module_name}.py"
        for path in (submission, *submission.rglob("*"), *runner.iterdir()):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        inside_work = "/sandbox" if self.level == policy.BUBBLEWRAP else str(work)
        inside_runner = "/runner" if self.level == policy.BUBBLEWRAP else str(runner)
        self._write_config(
            runner, {**config, "work_folder": inside_work}, f"{inside_work}/submission/{source_name}"
        )
        self._hand_over(runner, work)
        return Staged(runner, inside_runner)

    def _hand_over(self, runner: Path, work: Path) -> None:
        """Give the filled folders to the child: its own uid (only it may enter them), or, at the
        other levels, read access inside the base folder that only the grader can enter."""
        if self.level == policy.USER_ID:
            assert self.uid is not None
            for folder, mode in ((work, 0o700), (runner, 0o500)):
                os.chown(folder, self.uid[0], self.uid[0])
                os.chmod(folder, mode)
        else:
            for folder in (runner, work):
                os.chmod(folder, 0o755)

    def _write_config(self, runner: Path, config: dict[str, Any], inside_source: str) -> None:
        config = {
            **config,
            "source": inside_source,
            "module": self.module_name,
            "cells": self.cells,
            "sentences": {code: MESSAGES["en"][code] for code in CHILD_CODES},
            # outside namespaces the child dies with the grader (bubblewrap's init sees to it inside)
            "parent_pid": None if self.level == policy.BUBBLEWRAP else os.getpid(),
        }
        config["limits"]["threads"] = THREADS_PER_CHILD if self.level == policy.USER_ID else 0
        (runner / "config.json").write_text(json.dumps(config), encoding="utf-8")
        os.chmod(runner / "config.json", 0o644)

    def complaint(self) -> str:
        """bubblewrap's own error, when it could not set the sandbox up (a staff problem, named),
        as " (bwrap: ...)", or "". Only what the latest child's start wrote is read: earlier
        children ran the student's code, which may print a "bwrap:" line of its own (issue 19)."""
        try:
            with self.log.open("rb") as handle:
                handle.seek(max(self.log_start, handle.seek(0, os.SEEK_END) - 2000))
                lines = handle.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return ""
        complaints = [line for line in lines if line.startswith("bwrap:")]
        return f" ({complaints[-1][:200]})" if complaints else ""

    def usage(self) -> tuple[int, int]:
        """(bytes, entries) the child wrote (its copy of the submission left out)."""
        if self.uid is not None:
            return policy.written_usage(self.uid[0], self.work)
        return policy.folder_usage(self.work, skip="submission")

    def scrub(self) -> None:
        """After a child stops: what it left in shared scratch folders, at the uid level."""
        if self.uid is not None:
            policy.clean_scratch(self.uid[0])

    def close(self) -> None:
        """Remove the folders and give the uid back."""
        policy.remove_tree(self.base)
        if self.uid is not None:
            os.close(self.uid[1])
            self.uid = None


class DiskWatch:
    """Where no tmpfs caps what a child writes, measures it (at most every `DISK_CHECK_S`).

    Args:
        workspace: the child's folders.
        settings: course.yml `grading:` (`disk_limit_mb`).
        clock: monotonic seconds (injected in tests).
    """

    def __init__(
        self, workspace: Workspace, settings: GradingSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.workspace = workspace
        self.limit_mb = settings.disk_limit_mb
        self.clock = clock
        self.last = 0.0

    @property
    def applies(self) -> bool:
        """Whether the grader must measure (bubblewrap's tmpfs caps the child itself)."""
        return self.workspace.level != policy.BUBBLEWRAP

    def over(self, force: bool = False) -> bool:
        """Whether the child wrote past the cap (measured now, or only when due unless `force`)."""
        now = self.clock()
        if not self.applies or (not force and now - self.last < DISK_CHECK_S):
            return False
        self.last = now
        written, entries = self.workspace.usage()
        return written > self.limit_mb * 2**20 or entries > policy.MAX_ENTRIES
