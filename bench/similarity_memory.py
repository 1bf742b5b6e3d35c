"""Peak memory of `course similarity` on one oversized file: a class of the reference and one big copy.

The big file is the reference conv.py (docstrings out, comments gone) repeated under new
function names until it reaches the size asked (real code, not comments: the worst case for the
tokenizer and the syntax tree). Each
size runs `course similarity` in a fresh process, whose peak resident memory (VmHWM, read by the
process itself at the end) is printed with the time and what the report said of the big file.

    python bench/similarity_memory.py            # 0.88 MB (the most code still parsed), 2 and 8 MB
    python bench/similarity_memory.py 0.5 2      # sizes in MB
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

CHILD = """
import sys
from pathlib import Path
from click.testing import CliRunner
from grader.cli import course_command
result = CliRunner().invoke(course_command, ["similarity", sys.argv[1], "--assignment", "conv",
                                             "--out", sys.argv[2], "--course", sys.argv[3]])
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(f"exit {result.exit_code} peak {int(status) / 1024:.0f} MB")
print(result.output.strip().replace(chr(10), " | ")[-400:])
"""


def big_copy(size: int) -> str:
    """The reference conv.py without docstrings, its functions repeated under new names, `size`
    characters at least."""
    tree = ast.parse((ROOT / "solutions" / "conv.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # docstrings out: tokens, not text, cost memory
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            body[0] = ast.Pass() if isinstance(first.value.value, str) else first  # type: ignore[index]
    reference = ast.unparse(tree)
    parts, copy = [reference], 0
    while sum(map(len, parts)) < size:
        copy += 1
        parts.append(reference.replace("def ", f"def copy{copy}_"))
    return "\n\n".join(parts)


def measure(megabytes: float) -> str:
    """One run on a class holding the reference and one file of `megabytes` MB; the child's figures."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "class"
        for name, text in (("small", (ROOT / "solutions" / "conv.py").read_text(encoding="utf-8")),
                           ("big", big_copy(int(megabytes * 2**20)))):  # fmt: skip
            (folder / name).mkdir(parents=True)
            (folder / name / "conv.py").write_text(text, encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(folder), str(Path(work) / "report"), str(ROOT)],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        if done.returncode:
            return (
                f"child exited {done.returncode}: {done.stderr.strip().splitlines()[-1:]} ({seconds:.1f} s)"
            )
        return f"{seconds:.1f} s, {done.stdout.strip()}"


def main() -> None:
    sizes = [float(size) for size in sys.argv[1:]] or [0.88, 2.0, 8.0]
    for size in sizes:
        print(f"{size:g} MB: {measure(size)}")  # noqa: T201


if __name__ == "__main__":
    main()
