"""A child's folders, alone (no child started): what is staged, what the child is told, removal."""

from __future__ import annotations

import json
import os
import stat

from grader.i18n import MESSAGES
from grader.i18n_sandbox import CHILD_CODES
from grader.sandbox import policy
from grader.sandbox.workspace import RUNNER_FILES, Workspace


def test_a_submitted_folder_is_staged_without_links_or_hidden_files(tmp_path):
    submitted = tmp_path / "work"
    (submitted / "data").mkdir(parents=True)
    (submitted / "conv.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    (submitted / "data" / "w.txt").write_text("1 2 3\n", encoding="utf-8")
    (submitted / ".git").mkdir()
    (submitted / "secret").symlink_to("/etc/hostname")
    workspace = Workspace(submitted / "conv.py", "conv", None, submitted, policy.PROCESS)
    try:
        limits = {"memory_bytes": 1, "file_bytes": 2, "cpu_seconds": 3}
        staged = workspace.stage({"limits": limits, "audit_hook": True, "max_array_bytes": 4})
        copy = workspace.work / "submission"
        assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*")) == [
            "conv.py",
            "data",
            "data/w.txt",
        ]
        assert sorted(p.name for p in staged.runner.iterdir()) == sorted([*RUNNER_FILES, "config.json"])
        assert stat.S_IMODE(os.stat(copy / "conv.py").st_mode) == 0o644
        config = json.loads((staged.runner / "config.json").read_text(encoding="utf-8"))
        assert config["source"] == f"{workspace.work}/submission/conv.py"
        assert config["work_folder"] == str(workspace.work) and config["limits"]["threads"] == 0
        assert config["sentences"] == {code: MESSAGES["en"][code] for code in CHILD_CODES}
    finally:
        workspace.close()
    assert not workspace.base.exists()


def test_a_notebook_is_staged_as_its_cells_and_bubblewrap_sees_inside_paths(tmp_path):
    notebook = tmp_path / "conv.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    workspace = Workspace(notebook, "conv", ["x = 1"], None, policy.BUBBLEWRAP)
    try:
        staged = workspace.stage({"limits": {}, "audit_hook": False, "max_array_bytes": 4})
        config = json.loads((staged.runner / "config.json").read_text(encoding="utf-8"))
        assert staged.inside_runner == "/runner" and config["work_folder"] == "/sandbox"
        assert config["source"] == "/sandbox/submission/conv.py" and config["cells"] == ["x = 1"]
        assert config["parent_pid"] is None  # bubblewrap's init ends the child with the grader
        assert not list((workspace.work / "submission").iterdir())
        assert workspace.complaint() == ""  # no log yet: nothing bubblewrap said
        workspace.log.write_text("hello\nbwrap: Can't mount proc\n", encoding="utf-8")
        assert workspace.complaint() == " (bwrap: Can't mount proc)"
    finally:
        workspace.close()
