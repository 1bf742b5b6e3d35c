"""Red team 3: a fresh set of attacks on official grading, written apart from issue 19's fixes.

A hostile student who has the grader's source (README, DESIGN, assignments/, grader/) and
nothing else. Each test grades one attack officially (`official=True`: what CI, grade-all and
the Gradescope autograder do) on a private copy of the fixture course (vec: add 3, scale 3,
norm 2 + 2 points) or of the real course, at the bubblewrap and, where it applies, the
unprivileged-uid level, with the child's audit hook off (it is not a boundary). Each asserts the
SECURE outcome. Every attack succeeded when written (the table); all are stopped now, and the
tests hold that (issue 19's fixes: student copies from a whitelist, no hidden test's duration,
private collection mirrors, obfuscation flags for decoders and long literals).
Hostile submissions are in tests/toolkit/files/redteam3/.

What each attack got when written (branch redteam3, before issue 19's fixes); every one succeeds
today, at every level it was run at (bubblewrap 0.8.0 and the uid level, as root):

| # | test (attack file) | class | today |
|---|---|---|---|
| 1 | exception_type_name (exception_type_name.py) | inputs in student copies | type name |
|   |   "LEAK_3p0000_4p0000" (the hidden 3-4-5 input) in the student copy and Gradescope JSON |
| 2 | exception_type_name (frame_name.py) | inputs in student copies | a builtin ValueError,|
|   |   no message; the function name "line 2 in LEAK_3p0000_4p0000" is shown |
| 3 | forged_reply [invalid] | inputs in student copies | "returned LEAK 3.0000 4.0000" |
| 4 | forged_reply [error] | inputs in student copies | any text as the type: "raised LEAK 3.0000 ..." |
| 5 | forged_reply [where] | inputs in student copies | builtin type, text as the place raised |
| 6 | hidden_test_durations (timing_channel.py) | inputs in student copies | duration_s 0.92 s |
|   |   / 0.3 reads back x[0] = 3.07 (hidden 3-4-5 input) |
| 7 | number_analysis (ratio_oracle.py) | answers in student copies | "times 1/5" gives the |
|   |   hidden answer 5; a lookup-table replay scores 2 of norm's 4 points (0 before) |
| 8 | classmates_mirror (classmate_mirror.py) | uid level, another's work | collect's |
|   |   OUT/mirrors is world-readable: mallory runs alice's norm from her git objects, 10/10 (6) |
| 9 | collect_does_not_write (96 MB of zeros, 100 kB in git) | one student harms others | |
|   |   written whole into class/ (grading refuses over 64 MB; collect reads it all in memory) |
| 10 | packed_copy [write-and-import] | similarity evasion | the full copy is written to |
|   |   the work folder at import and imported: grades like the original, not listed at all |
| 11 | packed_copy [hidden-exec] | similarity evasion | exec taken by a joined name from |
|   |   vars(builtins): grades like the original, not listed at all (the word exec never appears) |

Attacks 1-5 are graded at both levels (2 cases each); 6 and 7 at the strongest level; 8 at the
uid level only (bubblewrap binds nothing of the checkout).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path

import pytest

from grader import reports
from grader.config import load_course
from grader.disclosure import student_copy
from grader.grading import grade
from grader.sandbox.client import Channel

from .conftest import level_available, require_level

FILES = Path(__file__).parent / "files"
ATTACKS = FILES / "redteam3"
FIXTURE = FILES / "course"
REPO = Path(__file__).resolve().parents[2]
LEVELS = ("bubblewrap", "uid")


def strongest_level() -> str:
    for level in LEVELS:
        if not level_available(level):
            return level
    pytest.skip("neither bubblewrap nor the unprivileged-uid level works here")


@pytest.fixture(autouse=True)
def no_audit_hook(monkeypatch):
    """The audit hook is defence in depth, never a boundary: every attack runs without it."""
    monkeypatch.setattr(Channel, "audit_hook", False)


def private_course(folder: Path, level: str, source: Path = FIXTURE) -> Path:
    """A copy of the fixture course, in a folder other users cannot reach, at `level`."""
    require_level(level)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    root = folder / "course"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__"))
    text = (root / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("isolation: auto", f"isolation: {level}"), encoding="utf-8")
    return root


def submit(folder: Path, source: str, name: str = "vec.py") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return path


def attack(name: str, **replacements: str) -> str:
    source = (ATTACKS / name).read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    return source


def grade_vec(root: Path, submission: Path, functions: set[str] | None = None):
    assignment = load_course(root / "course.yml").assignment("vec")
    return grade(root, assignment, submission, official=True, only_functions=functions)


def student_texts(report) -> str:
    """Everything a student receives of a report: grade-all's feedback JSON and HTML, Gradescope's
    results.json (the staff table is not a student's)."""
    copy = student_copy(report)
    return "\n".join(
        [
            json.dumps(copy.to_dict(), ensure_ascii=False),
            json.dumps(reports.to_gradescope([report]), ensure_ascii=False),
            reports.to_html(copy),
        ]
    )


def hidden_student_tests(report) -> dict[str, object]:
    return {t.name: t for t in student_copy(report).tests if t.hidden}


# ---------------------------------------------------------------------------------------------
# 1. Hidden inputs spelled in the exception's type name (issue 19 lets the type be named).


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", ["exception_type_name.py", "frame_name.py"])
def test_exception_type_name_carries_no_hidden_input(level, name, tmp_path):
    root = private_course(tmp_path / "private", level)
    report = grade_vec(root, submit(tmp_path / "student", attack(name)), {"norm"})
    assert report.score == pytest.approx(0.0)
    texts = student_texts(report)
    assert "LEAK_" not in texts, re.findall(r"LEAK_\w{0,60}", texts)[:3]


# ---------------------------------------------------------------------------------------------
# 2, 3. A reply frame forged by the student's code: "invalid" text, or any text as the type.


@pytest.mark.parametrize("kind", ["invalid", "error", "where"])
@pytest.mark.parametrize("level", LEVELS)
def test_a_forged_reply_carries_no_hidden_input(level, kind, tmp_path):
    root = private_course(tmp_path / "private", level)
    source = attack("forged_reply.py", **{'KIND = "invalid"': f"KIND = {kind!r}"})
    report = grade_vec(root, submit(tmp_path / "student", source), {"norm"})
    assert report.score == pytest.approx(0.0)
    texts = student_texts(report)
    assert "LEAK" not in texts, re.findall(r"LEAK[ \d.m-]{0,60}", texts)[:3]


# ---------------------------------------------------------------------------------------------
# 4. A timing channel: each hidden test's duration in the student copy.


def test_hidden_test_durations_carry_no_input(tmp_path):
    root = private_course(tmp_path / "private", strongest_level())
    # scale's test runs first and takes the child's start-up; the student knows the order
    report = grade_vec(root, submit(tmp_path / "student", attack("timing_channel.py")), {"scale", "norm"})
    assert report.score == pytest.approx(3.0)
    shown = hidden_student_tests(report)["test_norm_of_three_four"]
    decoded = shown.duration_s / 0.3
    gradescope = reports.to_gradescope([report])
    assert abs(decoded - 3) > 0.5, f"duration {shown.duration_s:.2f} s reads back x[0] = {decoded:.2f}"
    assert all("execution_time" not in t or t["execution_time"] < 0.1 for t in gradescope["tests"])


# ---------------------------------------------------------------------------------------------
# 5. The number analysis as an oracle: "your number is the expected one times 1/5".


def ratios(text: str) -> list[Fraction]:
    return [Fraction(m) for m in re.findall(r"times (-?\d+(?:/\d+)?)", text)]


def test_the_number_analysis_does_not_give_hidden_answers(tmp_path):
    """norm answers 1.0; a second submission answers 1 / factor for each hidden test that named a
    factor, in call order, computing nothing: it must score what the first scored."""
    root = private_course(tmp_path / "private", strongest_level())
    first = grade_vec(root, submit(tmp_path / "one", attack("ratio_oracle.py")), {"norm"})
    assert first.score == pytest.approx(0.0)
    answers = {
        name: float(1 / factors[0])
        for name, test in hidden_student_tests(first).items()
        if (factors := ratios(test.output))
    }
    source = attack(
        "ratio_oracle.py", **{"    return 1.0": "    return _ANSWERS.pop(0) if _ANSWERS else 1.0"}
    )
    source += f"\n\n_ANSWERS = {list(answers.values())!r}\n"
    second = grade_vec(root, submit(tmp_path / "two", source), {"norm"})
    assert second.score == pytest.approx(first.score), answers


# ---------------------------------------------------------------------------------------------
# 6, 7. What `course collect` leaves beside the class: mirrors others can read, blobs of any size.


def git(folder: Path, *arguments: str) -> None:
    command = ["git", "-c", "user.name=s", "-c", "user.email=s@example.com", "-C", str(folder), *arguments]
    subprocess.run(command, check=True, capture_output=True)


def student_repository(repos: Path, student: str, files: dict[str, bytes]) -> None:
    """A student's repository `vec-<student>` with one commit holding `files`."""
    repo = repos / f"vec-{student}"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for name, content in files.items():
        (repo / name).write_bytes(content)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "work")


def collect_class(root: Path, repos: Path, out: Path) -> dict:
    """`course collect --from repos --assignment vec` during vec's window."""
    from grader.collect import LocalSource, collect

    course = load_course(root / "course.yml")
    moment = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
    return collect(course, LocalSource(repos), out, assignment_ids=["vec"], clock=lambda: moment, jobs=1)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_classmates_mirror_is_not_readable_at_the_uid_level(tmp_path):
    """The course checkout others may traverse (as on a CI runner), its protected paths private,
    the collected class private: mallory must not read alice's repository from the mirrors."""
    require_level("uid")
    public = Path(tempfile.mkdtemp(dir=tempfile.gettempdir()))
    try:
        os.chmod(public, 0o755)
        root = private_course(public / "checkout", "uid")
        os.chmod(public / "checkout", 0o755)
        for path, mode in (("tests", 0o700), ("solutions", 0o700), ("course.yml", 0o600)):
            os.chmod(root / path, mode)
        repos, out = public / "repos", root / "collected"
        student_repository(repos, "alice", {"vec.py": (FIXTURE / "solutions" / "vec.py").read_bytes()})
        source = attack("classmate_mirror.py", **{"MIRRORS-FOLDER": str(out / "mirrors")})
        student_repository(repos, "mallory", {"vec.py": source.encode()})
        collect_class(root, repos, out)
        os.chmod(out / "class", 0o700)  # what the uid level asks of the class folder
        report = grade_vec(root, out / "class" / "mallory" / "vec" / "vec.py")
    finally:
        shutil.rmtree(public)
    assert report.score == pytest.approx(6.0), [(t.name, t.score, t.output[:80]) for t in report.tests]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_collect_does_not_write_a_submission_grading_refuses(tmp_path):
    """A blob of zeros compresses to almost nothing in the repository; collect must not unpack
    more than grading accepts (64 MB) for one student."""
    root = private_course(tmp_path / "private", strongest_level())
    repos, out = tmp_path / "repos", tmp_path / "collected"
    student_repository(repos, "alice", {"vec.py": b"# " + b"0" * (96 * 2**20) + b"\n"})
    summary = collect_class(root, repos, out)
    written = out / "class" / "alice" / "vec" / "vec.py"
    size = written.stat().st_size if written.exists() else 0
    assert size <= 64 * 2**20, f"{size / 2**20:.0f} MB written for one student: {json.dumps(summary)[:300]}"


# ---------------------------------------------------------------------------------------------
# 8, 9. Similarity: a full copy that names none of exec, eval, compile, marshal or code objects.

WRITE_AND_IMPORT = '''"""My convolution."""
import base64
import os
import sys

_PACKED = {packed!r}
_HERE = os.getcwd()  # the sandbox's work folder is writable
with open(os.path.join(_HERE, "_conv_impl.py"), "w", encoding="utf-8") as _handle:
    _handle.write(base64.b64decode(_PACKED).decode())
sys.path.insert(0, _HERE)
from _conv_impl import *  # noqa: E402,F403
'''

HIDDEN_BUILTIN = '''"""My convolution."""
import base64

_PACKED = {packed!r}
_run = vars(__import__("builtins"))["".join(["e", "x", "e", "c"])]
_run(base64.b64decode(_PACKED).decode(), globals())
'''


def similarity_class(folder: Path, files: dict[str, str]) -> Path:
    for student, text in files.items():
        (folder / student).mkdir(parents=True)
        (folder / student / "conv.py").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "wrapper", [WRITE_AND_IMPORT, HIDDEN_BUILTIN], ids=["write-and-import", "hidden-exec"]
)
def test_a_packed_copy_is_flagged(wrapper, tmp_path, course_copy):
    import base64

    from grader.similarity.run import similarity_report

    original = (FILES / "similarity" / "conv" / "loops.py").read_text(encoding="utf-8")
    packed = base64.b64encode(original.encode()).decode()
    copy = wrapper.format(packed=packed)
    others = {
        name: (FILES / "similarity" / "conv" / f"{name}.py").read_text() for name in ("strided", "shifts")
    }
    classroom = similarity_class(tmp_path / "class", {"original": original, "copier": copy, **others})
    # the copy is a working submission: it grades like the original
    assignment = load_course(course_copy / "course.yml").assignment("conv")
    graded = {
        who: grade(
            course_copy,
            assignment,
            classroom / who / "conv.py",
            official=True,
            only_functions={"conv_output_size"},
        ).score
        for who in ("original", "copier")
    }
    assert graded["copier"] == graded["original"] > 0, graded
    out = tmp_path / "similarity"
    similarity_report(REPO, load_course(REPO / "course.yml"), "conv", classroom, out, workers=1)
    with (out / "pairs.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    flagged = [
        r
        for r in rows
        if {r.get("student_a"), r.get("student_b")} == {"original", "copier"} and r.get("flagged") == "1"
    ]
    page = (out / "index.html").read_text(encoding="utf-8").lower()
    named = "copier" in page and any(word in page for word in ("obfuscat", "exec", "not compared"))
    assert flagged or named, rows[:5]
