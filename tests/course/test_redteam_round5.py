"""Red team, round 5: new attacks of issue 19's classes, written apart from its fixes.

A student who reads the toolkit's source and wants points without computing the right answers,
or wants to see hidden inputs. Each test grades the attack as it would meet grading (`grade
--official`'s function, or `course grade-all` run as a command) and asserts the SAFE outcome.
None of these repeats an attack of tests/course/test_redteam_*.py or tests/toolkit/test_redteam*.

| # | test | class | before the fixes (branch redteam, 2026-12-07) |
|---|---|---|---|
| 1 | grade_all_output [similarity-page] | a window the uid child can reach | mallory's vec.py reads |
|   |   the last run's similarity page (OUT/similarity/vec/pairs/*.html, 0644 in a 0755 folder), |
|   |   runs alice's code from it: 10/10 computing nothing (0 when she wrote no code) |
| 2 | grade_all_output [gradebook] | same | mallory's code reads OUT/gradebook.csv: every |
|   |   classmate's grade (add scores 3 only when it could) |
| 3 | factor_channel (bubblewrap, uid) | hidden input in a student copy | a right `add` times |
|   |   1 + code/1000: "times 1519/1000" in the student copy reads back x[0, 0] = 0.19 of the hidden |
|   |   test (the least-squares factor was shown with any denominator up to 1000) |
| 4 | packed_as_numbers [write-and-import] | similarity evasion | a full copy as a list of byte |
|   |   values, written to the work folder and imported: grades like the original, not listed |
| 5 | packed_as_numbers [exec-by-name] | similarity evasion | the same run through |
|   |   getattr(sys.modules["bu" + "iltins"], "ex" + "ec"): grades like the original, not listed |
| 6 | packed_as_numbers [comments] | similarity evasion | the copy in comments, read back from |
|   |   __file__ and run through print.__self__: comments are dropped before comparing: not listed |
| 7 | earlier_hidden_results (uid) | a window the uid child can reach | Gradescope's |
|   |   submission_metadata.json (0644) holds earlier submissions' results.json; the import reads it |
|   |   and raises with it: "PREVIOUS test_add=3.0 ... test_norm_random=2.0" in the visible output, |
|   |   before grades are published (hidden tests are after_published) |
| 8 | output_log_size (uid) | hidden input in a student copy | a public test runs in a fresh |
|   |   child, which stats ../output.log: its size (5000 + 1000 x[0, 0] bytes a hidden test wrote) |
|   |   is in the public test's reason: x[0, 0] = -1.462 read back |
| 9 | cpu_limit (bubblewrap, uid) | same | the fresh child's RLIMIT_CPU is the budget left: |
|   |   18 s at first, 16 (15) after a hidden test slept 1.5 s: the hidden tests' time, read back |
| 10 | line_an_earlier_child_printed (bubblewrap, uid) | same | a hidden test writes |
|   |   "bwrap: LEAK -1.4622" to stderr; the next import (told by its CPU limit) ends the process: |
|   |   "importing your code ended the process: ... (bwrap: LEAK -1.4622)" in the student copy |
| 11 | where_results_differ (bubblewrap, uid) | same | a right add, one more on a block of |
|   |   rows and columns chosen from x[0, 0] (84 blocks): "row (axis 0) index 0–1; column (axis 1) |
|   |   index 2" reads back x[0, 0] = 0.19 to 0.05 (any index ranges were listed) |

Attacks 1-2, 7 and 8 run at the unprivileged-uid level only (bubblewrap binds nothing of the
output folder or of /autograder); 3, 9, 10 and 11 at both levels; 4-6 are about the report (the copy
is graded at the strongest level). Every one succeeded when written; each is stopped now.
"""

from __future__ import annotations

import csv
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from grader.config import load_course
from grader.disclosure import student_copy
from grader.grading import grade
from grader.sandbox import policy
from grader.sandbox.client import Channel

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "toolkit" / "files" / "course"  # vec: add 3, scale 3, norm 2 + 2
SIMILAR = ROOT / "tests" / "toolkit" / "files" / "similarity" / "conv"
COURSE_COMMAND = Path(sys.executable).with_name("course")


def level_problem(level: str) -> str | None:
    """Why the isolation `level` cannot run here, or None."""
    if level == "bubblewrap":
        return None if policy.bubblewrap_works() else "bubblewrap does not work here"
    if sys.platform != "linux" or os.geteuid() != 0:
        return "the unprivileged-uid level needs root"
    blocked = [path for path in policy.interpreter_paths() if not policy.reachable_by_others(path)]
    return f"{blocked[0]} is not readable by other users" if blocked else None


def require(level: str) -> None:
    problem = level_problem(level)
    if problem and os.environ.get("GRADER_SECURITY_STRICT"):
        pytest.fail(problem)
    if problem:
        pytest.skip(problem)


@pytest.fixture
def no_audit_hook(monkeypatch):
    """The child's audit hook is defence in depth, never a boundary: in-process grading runs
    without it (the command-line attacks below keep it on, and do not need it off)."""
    monkeypatch.setattr(Channel, "audit_hook", False)


@pytest.fixture
def open_folder():
    """A folder other users may pass through (0755), under the temporary folder: where a server's
    course lives (/srv/course), unlike pytest's private tmp_path."""
    folder = Path(tempfile.mkdtemp(prefix="round5-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# 1, 2. grade-all's output folder, read by a later student's child at the uid level.

THIEF_HEAD = '''"""vec, done my way."""

import glob
import html
import os
import re


def _outputs():
    """The output folders of the grade-all runs on this machine (their command lines are public)."""
    found = []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(cmdline, "rb") as handle:
                words = handle.read().decode(errors="replace").split("\\0")
        except OSError:
            continue
        if "grade-all" in words and "--out" in words:
            found.append(words[words.index("--out") + 1])
    return found
'''
SIMILARITY_THIEF = (
    THIEF_HEAD
    + '''

def _borrowed():
    """A classmate's vec.py, from a side of a similarity page of an earlier run."""
    for out in _outputs():
        pattern = os.path.join(out, "similarity", "vec", "**", "*.html")
        for page in sorted(glob.glob(pattern, recursive=True)):
            try:
                with open(page, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            for block in re.findall(r"<pre>(.*?)</pre>", text, re.S):
                code = html.unescape(re.sub(r"<[^>]+>", "", block))
                if "def norm" in code and "_borrowed" not in code:
                    return code
    return None


def _solve(name, *args):
    code = _borrowed()
    if code is None:
        raise NotImplementedError(name)
    space = {}
    getattr(print.__self__, "ex" + "ec")(code, space)
    return space[name](*args)


def add(x, y):
    return _solve("add", x, y)


def scale(x, k=2.0):
    return _solve("scale", x, k)


def norm(x):
    return _solve("norm", x)
'''
)
GRADEBOOK_THIEF = (
    THIEF_HEAD
    + """

def _read_the_gradebook():
    for out in _outputs():
        try:
            with open(os.path.join(out, "gradebook.csv"), encoding="utf-8") as handle:
                return "alice," in handle.read()
        except OSError:
            pass
    return False


def add(x, y):
    if _read_the_gradebook():  # the grades of the whole class, names and all
        return x + y
    raise NotImplementedError("add")


def scale(x, k=2.0):
    raise NotImplementedError("scale")


def norm(x):
    raise NotImplementedError("norm")
"""
)


def server_course(folder: Path) -> Path:
    """The fixture course released and installed as on a grading server: the course folder
    passable (0755), its course.yml, suites and solutions private, graded at the uid level."""
    root = folder / "course"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__"))
    text = (root / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("isolation: auto", "isolation: uid"), encoding="utf-8")
    run_course(root, "release")
    os.chmod(root, 0o755)
    for private in ("tests", "solutions"):
        os.chmod(root / private, 0o700)
    os.chmod(root / "course.yml", 0o600)
    return root


def run_course(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`course ARGUMENTS` run in the course folder, as the instructor types it."""
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    done = subprocess.run(
        [str(COURSE_COMMAND), *arguments], cwd=root, capture_output=True, text=True, env=environment
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def gradebook(out: Path) -> dict[str, float]:
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        return {row["student"]: float(row["vec"]) for row in csv.DictReader(handle)}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("thief", "honest"),
    [(SIMILARITY_THIEF, 0.0), (GRADEBOOK_THIEF, 0.0)],
    ids=["similarity-page", "gradebook"],
)
def test_grade_all_output_is_not_readable_by_a_later_child(open_folder, thief, honest):
    """Run 1 grades alice, bob (alice's code, reworded) and mallory with --similarity; mallory
    resubmits the same attack; run 2 grades her again. Her child (another uid) must read nothing
    of OUT: she scores what her code earns without it (0)."""
    require("uid")
    root = server_course(open_folder)
    klass = open_folder / "class"
    reference = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
    for student, text in {
        "alice": reference,
        "bob": reference.replace("x * k", "k * x"),
        "mallory": thief,
    }.items():
        (klass / student).mkdir(parents=True)
        (klass / student / "vec.py").write_text(text, encoding="utf-8")
    os.chmod(klass, 0o700)
    out = root / "grades"
    run_course(root, "grade-all", str(klass), "--assignment", "vec", "--out", str(out), "--similarity")
    assert gradebook(out) == {"alice": 10.0, "bob": 10.0, "mallory": honest}
    with (klass / "mallory" / "vec.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# resubmitted\n")
    run_course(root, "grade-all", str(klass), "--assignment", "vec", "--out", str(out))
    assert gradebook(out)["mallory"] == honest


# ---------------------------------------------------------------------------------------------
# 3. The least-squares factor of a hidden test's "scale" finding as a channel for hidden inputs.

FACTOR_CHANNEL = '''"""vec: right, and times a factor that carries a hidden input."""

import numpy as np


def add(x, y):
    code = int(round(float(np.asarray(x).flat[0]) * 100)) + 500  # x[0, 0] to 2 decimals
    return (x + y) * (1 + code / 1000)


def scale(x, k=2.0):
    return x * k


def norm(x):
    return float(np.sqrt(np.sum(x * x)))
'''
FACTOR = re.compile(r"times (-?\d+(?:\.\d+)?(?:/\d+)?)")
SEED = re.compile(r"\(seed (\d+)\)")


def private_fixture(folder: Path, level: str) -> Path:
    folder.mkdir(parents=True)
    os.chmod(folder, 0o700)
    root = folder / "course"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__"))
    text = (root / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("isolation: auto", f"isolation: {level}"), encoding="utf-8")
    return root


def hidden_add_seen(level: str, tmp_path, text: str) -> tuple:
    """Grade `text` as vec.py officially at `level`: the hidden test_add's x (recomputed from the
    seed in the staff record) and the reason the student copy shows for it."""
    require(level)
    root = private_fixture(tmp_path / "private", level)
    submission = tmp_path / "work" / "vec.py"
    submission.parent.mkdir()
    submission.write_text(text, encoding="utf-8")
    report = grade(root, load_course(root / "course.yml").assignment("vec"), submission, official=True)
    staff = next(t for t in report.tests if t.name == "test_add")
    x, _ = np.random.default_rng(int(SEED.search(staff.output)[1])).standard_normal((2, 3, 4))
    return x, next(t for t in student_copy(report).tests if t.name == "test_add").output


@pytest.mark.parametrize("level", ["bubblewrap", "uid"])
def test_a_scale_factor_does_not_carry_a_hidden_input(level, tmp_path, no_audit_hook):
    """add is right but scaled by 1 + (100 x[0, 0] + 500) / 1000. The student copy of the hidden
    test must not let the student read x[0, 0] (recomputed here from the test's seed)."""
    x, shown = hidden_add_seen(level, tmp_path, FACTOR_CHANNEL)
    read = [(float(Fraction(f)) - 1) * 1000 - 500 for f in FACTOR.findall(shown)]
    assert not [value for value in read if abs(value / 100 - x[0, 0]) < 0.006], shown


# ---------------------------------------------------------------------------------------------
# 4-6. A whole copy packed as numbers or comments: no decoder, no long string, no exec by name.

WRITE_AND_IMPORT = '''"""My convolution."""
import os
import sys

_CODE = {codes!r}
_HERE = os.getcwd()
with open(os.path.join(_HERE, "_conv_impl.py"), "w", encoding="utf-8") as _handle:
    _handle.write(bytes(_CODE).decode())
sys.path.insert(0, _HERE)
from _conv_impl import *  # noqa: E402,F403
'''
EXEC_BY_NAME = '''"""My convolution."""
import sys

_CODE = {codes!r}
_run = getattr(sys.modules["bu" + "iltins"], "ex" + "ec")
_run(bytes(_CODE).decode(), globals())
'''
COMMENTS = '''"""My convolution."""

with open(__file__, encoding="utf-8") as _handle:
    _mine = [line[2:] for line in _handle if line.startswith("# ")]
getattr(print.__self__, "ex" + "ec")("".join(_mine), globals())

{commented}
'''


def packed(wrapper: str, original: str) -> str:
    commented = "".join(f"# {line}\n" for line in original.splitlines())
    return wrapper.format(codes=list(original.encode()), commented=commented)


@pytest.mark.slow
@pytest.mark.parametrize(
    "wrapper",
    [WRITE_AND_IMPORT, EXEC_BY_NAME, COMMENTS],
    ids=["write-and-import", "exec-by-name", "comments"],
)
def test_a_copy_packed_as_numbers_or_comments_is_flagged(wrapper, course, tmp_path):
    from grader.similarity.run import similarity_report

    original = (SIMILAR / "loops.py").read_text(encoding="utf-8")
    files = {
        "original": original,
        "copier": packed(wrapper, original),
        "strided": (SIMILAR / "strided.py").read_text(encoding="utf-8"),
        "shifts": (SIMILAR / "shifts.py").read_text(encoding="utf-8"),
    }
    klass = tmp_path / "class"
    for student, text in files.items():
        (klass / student).mkdir(parents=True)
        (klass / student / "conv.py").write_text(text, encoding="utf-8")
    assignment = load_course(course / "course.yml").assignment("conv")
    scores = {
        who: grade(
            course, assignment, klass / who / "conv.py", official=True, only_functions={"conv_output_size"}
        ).score
        for who in ("original", "copier")
    }
    assert scores["copier"] == scores["original"] > 0, scores  # a working copy
    out = tmp_path / "similarity"
    similarity_report(ROOT, load_course(ROOT / "course.yml"), "conv", klass, out, workers=1)
    with (out / "pairs.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    flagged = [
        row
        for row in rows
        if {row["student_a"], row["student_b"]} == {"original", "copier"} and row.get("flagged") == "1"
    ]
    with (out / "problems.csv").open(encoding="utf-8") as handle:
        problems = [row for row in csv.DictReader(handle) if "copier" in row.values()]
    assert flagged or problems, rows[:3]


# ---------------------------------------------------------------------------------------------
# 7. Gradescope's submission_metadata.json at the uid level: earlier submissions' hidden results.

METADATA_THIEF = '''"""vec: what my earlier submissions got on the hidden tests, before publication."""

import glob
import json
import os


def _autograder_root():
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(cmdline, "rb") as handle:
                words = handle.read().decode(errors="replace").split("\\0")
        except OSError:
            continue
        if "--course" in words and "--gradescope" in words:
            return os.path.dirname(words[words.index("--course") + 1])
    return "/autograder"


try:
    with open(os.path.join(_autograder_root(), "submission_metadata.json"), encoding="utf-8") as _handle:
        _earlier = json.load(_handle)["previous_submissions"]
except OSError:
    _earlier = None
if _earlier is not None:
    _seen = [f"{t['name']}={t['score']}" for s in _earlier for t in s["results"]["tests"]]
    raise ValueError("PREVIOUS " + " ".join(_seen))
'''


def gradescope_image(folder: Path) -> Path:
    """/autograder as Gradescope's Docker image holds it (a folder every user may pass), with the
    fixture course's autograder unzipped in source/ and graded at the uid level (Gradescope's
    bwrap may not create namespaces). The grader is this one (setup.sh's install is skipped)."""
    course = folder / "course"
    shutil.copytree(FIXTURE, course, ignore=shutil.ignore_patterns("__pycache__"))
    run_course(course, "release", "--gradescope", "vec", "--out", str(folder / "vec.zip"))
    root = folder / "autograder"
    shutil.unpack_archive(folder / "vec.zip", root / "source")
    text = (root / "source" / "course.yml").read_text(encoding="utf-8")
    (root / "source" / "course.yml").write_text(text.replace("isolation: auto", "isolation: uid"))
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    os.chmod(root, 0o755)
    return root


def run_autograder(root: Path, source: str) -> dict:
    """One Gradescope run: a fresh submission/ and results/, then run_autograder as root."""
    import json

    for name in ("submission", "results"):
        shutil.rmtree(root / name, ignore_errors=True)
    (root / "submission").mkdir()
    (root / "submission" / "vec.py").write_text(source, encoding="utf-8")
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    environment = {**os.environ, "GRADESCOPE_ROOT": str(root), "PATH": path, "CI": ""}
    done = subprocess.run(
        ["bash", str(root / "run_autograder")], env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_earlier_hidden_results_are_not_read_before_publication(open_folder):
    """A first submission is graded; Gradescope writes submission_metadata.json (0644) with its
    results.json among previous_submissions. The next submission's import reads it and raises
    with what it found: the student's text at import is shown at once (a reason common to every
    test), so the hidden tests' results (visibility after_published) would be read early."""
    import json

    require("uid")
    root = gradescope_image(open_folder)
    first = run_autograder(root, (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8"))
    assert first["score"] == pytest.approx(10.0) and "unprivileged uid" in first["output"], first["output"]
    assert {test["visibility"] for test in first["tests"]} == {"after_published"}
    metadata = {"previous_submissions": [{"submission_time": "2026-01-10T12:00:00Z", "results": first}]}
    (root / "submission_metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    os.chmod(root / "submission_metadata.json", 0o644)
    second = run_autograder(root, METADATA_THIEF)
    visible = [second["output"], *(t["output"] for t in second["tests"] if t["visibility"] == "visible")]
    assert not [text for text in visible if "PREVIOUS" in text], second["output"]


# ---------------------------------------------------------------------------------------------
# 8-10. What a fresh child can learn of the hidden tests before it: a public test never runs in
# a process a hidden test used, but the next child reads the output log the earlier ones wrote
# (its size, at the uid level; its last "bwrap:" line, quoted when an import ends the process)
# and its CPU limit (the budget left). The public test's reason is shown whole.

PROBE = """import resource
raise ValueError(f"CPU {resource.getrlimit(resource.RLIMIT_CPU)[0]}")
"""
LOG_SIZE = '''"""stats: the hidden grid's x[0, 0] as the output log's size, read back in a public test."""
import os
import sys

import numpy as np


def mean(x):
    x = np.asarray(x, dtype=float)
    if x.size == 12:  # the hidden grid
        sys.stderr.write("#" * (int(round(x.flat[0] * 1000)) + 5000))
        sys.stderr.flush()
    return float(np.mean(x))


def variance(x):
    size = os.stat(os.path.join(os.getcwd(), "..", "output.log")).st_size
    raise ValueError(f"SIZE {size}")
'''
CPU_LEFT = '''"""stats: the time the hidden grid's test took, read back as the next child's CPU limit."""
import resource
import time

import numpy as np


def mean(x):
    x = np.asarray(x, dtype=float)
    if x.size == 12:  # the hidden grid: a time that could encode its values
        time.sleep(1.5)
    return float(np.mean(x))


def variance(x):
    raise ValueError(f"CPU {resource.getrlimit(resource.RLIMIT_CPU)[0]}")
'''
COMPLAINT = '''"""stats: the hidden grid's x[0, 0] in a line quoted when an import ends the process."""
import os
import resource
import sys
import time

import numpy as np

if resource.getrlimit(resource.RLIMIT_CPU)[0] < {first}:  # a fresh child after the hidden test
    os._exit(7)


def mean(x):
    x = np.asarray(x, dtype=float)
    if x.size == 12:  # the hidden grid
        sys.stderr.write(f"bwrap: LEAK {{x.flat[0]:.4f}}\\n")
        sys.stderr.flush()
        time.sleep(1.5)
    return float(np.mean(x))


def variance(x):
    return float(np.var(x))
'''
NUMBER = re.compile(r"(SIZE|CPU|LEAK) (-?\d+(?:\.\d+)?)")


def graded_stats(root: Path, folder: Path, source: str):
    submission = folder / "stats.py"
    submission.parent.mkdir(parents=True, exist_ok=True)
    submission.write_text(source, encoding="utf-8")
    return grade(root, load_course(root / "course.yml").assignment("stats"), submission, official=True)


def shown_numbers(report) -> dict[str, list[float]]:
    """Every SIZE, CPU or LEAK number in the student copy: its tests' reasons and its notes."""
    copy = student_copy(report)
    found: dict[str, list[float]] = {}
    for text in [*(t.output for t in copy.tests), *copy.notes]:
        for kind, number in NUMBER.findall(text):
            found.setdefault(kind, []).append(float(number))
    return found


def hidden_grid_corner() -> float:
    from grader.plugin import seed_for

    rng = np.random.default_rng(seed_for("tests/stats/test_hidden.py::test_mean_of_a_grid"))
    return float(rng.standard_normal((3, 4))[0, 0])


def first_cpu_limit(root: Path, folder: Path) -> int:
    """The CPU limit a first child gets, as a student learns it from a probe submission."""
    return int(shown_numbers(graded_stats(root, folder, PROBE))["CPU"][0])


def test_the_output_log_size_does_not_reach_a_public_test(tmp_path, no_audit_hook):
    require("uid")
    root = private_fixture(tmp_path / "private", "uid")
    report = graded_stats(root, tmp_path / "work", LOG_SIZE)
    read = [(size - 5000) / 1000 for size in shown_numbers(report).get("SIZE", [])]
    assert not [value for value in read if abs(value - hidden_grid_corner()) < 0.0006], read


@pytest.mark.parametrize("level", ["bubblewrap", "uid"])
def test_the_cpu_limit_does_not_tell_a_public_test_the_time_hidden_tests_took(level, tmp_path, no_audit_hook):
    require(level)
    root = private_fixture(tmp_path / "private", level)
    first = first_cpu_limit(root, tmp_path / "probe")
    report = graded_stats(root, tmp_path / "work", CPU_LEFT)
    assert set(shown_numbers(report).get("CPU", [])) <= {first}, (first, shown_numbers(report))


@pytest.mark.parametrize("level", ["bubblewrap", "uid"])
def test_a_line_an_earlier_child_printed_is_not_quoted(level, tmp_path, no_audit_hook):
    require(level)
    root = private_fixture(tmp_path / "private", level)
    first = first_cpu_limit(root, tmp_path / "probe")
    report = graded_stats(root, tmp_path / "work", COMPLAINT.format(first=first))
    read = shown_numbers(report).get("LEAK", [])
    assert not [value for value in read if abs(value - hidden_grid_corner()) < 0.00006], read


# ---------------------------------------------------------------------------------------------
# 11. Where results differ as a channel: a right answer changed on chosen rows and columns.

REGION_CHANNEL = '''"""vec: right, but wrong on the rows and columns that spell a hidden input."""
import itertools

import numpy as np

_ROWS = [s for k in (1, 2) for s in itertools.combinations(range(3), k)]  # 6 proper subsets
_COLS = [s for k in (1, 2, 3) for s in itertools.combinations(range(4), k)]  # 14


def add(x, y):
    out = np.asarray(x) + np.asarray(y)
    if out.shape != (3, 4):
        return out
    code = min(max(int(round((float(np.asarray(x)[0, 0]) + 2) * 20)), 0), 83)
    out[np.ix_(_ROWS[code // 14], _COLS[code % 14])] += 1.0
    return out


def scale(x, k=2.0):
    return x * k


def norm(x):
    return float(np.sqrt(np.sum(x * x)))
'''
ROWS = [s for k in (1, 2) for s in itertools.combinations(range(3), k)]
COLUMNS = [s for k in (1, 2, 3) for s in itertools.combinations(range(4), k)]


def indices(text: str, axis: str) -> tuple[int, ...] | None:
    """The indices a region names along `axis` ("row (axis 0) index 0–1, 3"), or None."""
    found = re.search(rf"{re.escape(axis)} index ([\d–, ]+)", text)
    if found is None:
        return None
    named: list[int] = []
    for run in found[1].split(", "):
        start, _, end = run.partition("–")
        named += range(int(start), int(end or start) + 1)
    return tuple(named)


@pytest.mark.parametrize("level", ["bubblewrap", "uid"])
def test_where_results_differ_does_not_spell_a_hidden_input(level, tmp_path, no_audit_hook):
    """add is right but one more on a block of rows and columns chosen from x[0, 0] (84 blocks):
    the student copy names where results differ; it must not tell x[0, 0] to 0.05."""
    x, shown = hidden_add_seen(level, tmp_path, REGION_CHANNEL)
    rows, columns = indices(shown, "row (axis 0)"), indices(shown, "column (axis 1)")
    if rows in ROWS and columns in COLUMNS:
        code = ROWS.index(rows) * 14 + COLUMNS.index(columns)
        assert abs(code / 20 - 2 - x[0, 0]) > 0.03, shown


def test_grade_all_refuses_an_output_folder_that_holds_the_interpreter(tmp_path, monkeypatch):
    """OUT is made private (0700) before grading; one that holds the Python the children run
    (`--out .` in a course with its .venv) would hide it from them: refused in one sentence, and
    left as it was."""
    from click.testing import CliRunner

    from grader.cli import course_command

    root = private_fixture(tmp_path / "private", "auto")
    (tmp_path / "class" / "alice").mkdir(parents=True)
    shutil.copy(FIXTURE / "solutions" / "vec.py", tmp_path / "class" / "alice" / "vec.py")
    out = tmp_path / "grades"
    interpreter = out / ".venv" / "bin" / "python3"
    interpreter.parent.mkdir(parents=True)
    os.chmod(out, 0o755)
    monkeypatch.setattr(policy, "interpreter_paths", lambda: [interpreter])
    arguments = ["grade-all", str(tmp_path / "class"), "--assignment", "vec", "--out", str(out)]
    result = CliRunner().invoke(course_command, [*arguments, "--course", str(root), "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert "holds" in result.output and "choose another --out" in result.output
    assert os.stat(out).st_mode & 0o777 == 0o755
