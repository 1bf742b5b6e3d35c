"""The house stays readable: no module of the package grows past what a reader holds at once.

Issue 20 set "about 400 lines"; the limit here leaves a little room for a docstring or two, and a
module that needs more is split by responsibility (as `grader.pictures` left `grader.reports`).
"""

from pathlib import Path

import grader

MAX_LINES = 440


def test_no_module_of_the_package_is_over_the_limit():
    package = Path(grader.__file__).parent
    sizes = {
        str(path.relative_to(package.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in package.rglob("*.py")
    }
    assert len(sizes) > 100, "the package was not found where expected"
    over = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert not over, f"split these modules by responsibility (over {MAX_LINES} lines): {over}"
