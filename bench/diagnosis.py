"""Grade an evaluation set of mistakes (bench/diagnosis_cases.py) and print issue 11's figures.

For each case, the submission is the reference with the case's definitions appended; it is
graded like a student's (sandboxed, hidden tests included). Figures, over the cases:

- lost points: the case scores below full marks;
- contained: only tests of the broken functions lose points;
- fair: the points lost lie in the case's fair range (the first set's rescaled to today's points, see
  POINTS_WHEN_WRITTEN; the second set's are written on today's points and taken as they are);
- correctly explained: the failed tests' reasons hold a word of each of the case's word groups;
- misleading names: a catalogue mistake is named, but the explanation is not correct;
- English reasons in a zh-CN report (with --zh): reasons holding three English words in a row,
  outside code identifiers, numbers and the student's exception text.

Usage: python bench/diagnosis.py [--cases 1|2|3] [--zh] [--only ID_PREFIX] [--workers N]

--cases 2 grades the second, held-apart set (bench/diagnosis_cases_2.py) instead of the first;
--cases 3 the third (bench/diagnosis_cases_3.py, issue 21's set written apart from the analysers).
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import sys
import tempfile
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

# --cases: the module holding the set's CASES, and whether its fair ranges need rescaling (the
# first set's were written on POINTS_WHEN_WRITTEN, the second and third sets' on today's points)
CASE_SETS = {
    "1": ("diagnosis_cases", True),
    "2": ("diagnosis_cases_2", False),
    "3": ("diagnosis_cases_3", False),
}
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")
CODE = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\b\w+\(.*?\)|\b\w*_\w*\b|\[raised by[^\]]*\]|\(seed \d+\)")


def course_in(folder: Path, language: str) -> Path:
    """A copy of the course (course.yml, solutions, suites) in the language asked for."""
    root = folder / "course"
    root.mkdir()
    text = (ROOT / "course.yml").read_text(encoding="utf-8")
    (root / "course.yml").write_text(text.replace("language: en", f"language: {language}"), encoding="utf-8")
    shutil.copytree(ROOT / "solutions", root / "solutions")
    for suite in (ROOT / "tests").iterdir():
        if suite.is_dir() and (suite / "mistakes.py").exists():
            shutil.copytree(suite, root / "tests" / suite.name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def grade_case(case: dict[str, Any], language: str) -> dict[str, Any]:
    """Grade one case; return its tests' (function, score, max, output, mistake)."""
    from grader.config import load_course
    from grader.grading import grade

    with tempfile.TemporaryDirectory() as folder:
        root = course_in(Path(folder), language)
        assignment = load_course(root / "course.yml").assignment(case["assignment"])
        reference = (root / "solutions" / assignment.module).read_text(encoding="utf-8")
        student = Path(folder) / "student" / assignment.module
        student.parent.mkdir()
        student.write_text(reference + "\n\n" + textwrap.dedent(case["code"]), encoding="utf-8")
        report = grade(root, assignment, student)
    tests = [(t.function, t.score, t.max_score, t.output, t.mistake) for t in report.tests]
    return {"id": case["id"], "tests": tests, "max": report.max_score, "score": report.score}


def explained(outputs: str, groups: list[list[str]]) -> bool:
    text = outputs.lower()
    return all(any(word.lower() in text for word in group) for group in groups)


def english_reasons(outputs: list[str]) -> int:
    """Reasons that still hold an English sentence once code and quoted text are removed."""
    return sum(1 for output in outputs if ENGLISH_RUN.search(CODE.sub(" ", output)))


# Points per function when the cases' fair ranges were written (bench/diagnosis_cases.py's
# docstring). Coverage tests added since change them: a range is rescaled by the broken functions'
# points now over their points then, so that it keeps the share of their points it judged fair.
POINTS_WHEN_WRITTEN = {
    "conv_output_size": 5, "padded_output_size": 4, "zero_pad": 3, "conv_single_step": 4, "conv_forward": 29,
    "im2col": 17, "col2im": 8, "conv_forward_im2col": 10, "conv_backward_im2col": 7,
    "pool_output_size": 4, "max_pool_forward": 14, "max_pool_backward": 8, "avg_pool_forward": 8,
    "avg_pool_backward": 4,
    "conv_params": 16, "fc_params": 5, "unshared_conv_params": 4, "summarize": 14,
    "relu_forward": 1, "relu_backward": 3, "affine_forward": 3, "affine_backward": 4, "softmax_loss": 6,
    "ConvNet": 12, "train": 10,
}  # fmt: skip


def fair_range(case: dict[str, Any], graded: dict[str, Any], rescale: bool = True) -> tuple[float, float]:
    """The case's fair range of points lost, rescaled to the broken functions' points today unless
    `rescale` is off (a set written on today's points)."""
    if not rescale:
        return case["fair_lost"]
    broken = {owner(name) for name in case["broken"]}
    now = sum(t[2] for t in graded["tests"] if owner(t[0]) in broken)
    then = sum(POINTS_WHEN_WRITTEN[name] for name in broken)
    low, high = case["fair_lost"]
    return low * now / then, high * now / then


def owner(function: str | None) -> str:
    return (function or "").split(".")[0]


def figures(case: dict[str, Any], graded: dict[str, Any], language: str, rescale: bool) -> dict[str, Any]:
    lost = graded["max"] - graded["score"]
    failed = [t for t in graded["tests"] if t[1] < t[2]]
    broken = {owner(name) for name in case["broken"]}
    outputs = [t[3] for t in failed]
    groups = case["explanation_zh"] if language == "zh-CN" else case["explanation"]
    good = explained("\n".join(outputs), groups)
    low, high = fair_range(case, graded, rescale)
    return {
        "lost": lost > 1e-9,
        "contained": all(owner(t[0]) in broken for t in failed),
        "fair": low - 1e-9 <= lost <= high + 1e-9,
        "explained": good,
        "misleading": any(t[4] for t in failed) and not good,
        "english": english_reasons(outputs) if language == "zh-CN" else 0,
        "points": lost,
        "range": (low, high),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", choices=sorted(CASE_SETS), default="1", help="which evaluation set")
    parser.add_argument("--zh", action="store_true", help="grade in zh-CN and count English reasons")
    parser.add_argument("--only", default="", help="only the cases whose id starts with this")
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    language = "zh-CN" if options.zh else "en"
    module, rescale = CASE_SETS[options.cases]
    cases = [case for case in importlib.import_module(module).CASES if case["id"].startswith(options.only)]
    with ProcessPoolExecutor(options.workers) as pool:
        results = list(pool.map(grade_case, cases, [language] * len(cases)))
    rows = [figures(case, graded, language, rescale) for case, graded in zip(cases, results, strict=True)]
    keys = ("lost", "contained", "fair", "explained", "misleading")
    print(f"{'case':44} " + " ".join(f"{key[:4]:>4}" for key in keys))
    for case, row in zip(cases, rows, strict=True):
        marks = " ".join(f"{'x' if row[key] else '.':>4}" for key in keys)
        low, high = row["range"]
        print(f"{case['id']:44} {marks}  -{row['points']:.2f}  fair {low:.2f}-{high:.2f}")
    count = len(rows)
    targets = {"lost": ">= 95 %", "contained": ">= 95 %", "fair": ">= 90 %", "explained": ">= 70 %"}
    for key, target in targets.items():
        done = sum(row[key] for row in rows)
        print(f"{key:20} {done:3d} / {count}  {100 * done / count:5.1f} %   (target {target})")
    print(f"{'misleading names':20} {sum(row['misleading'] for row in rows):3d}          (target 0)")
    if options.zh:
        print(f"{'English reasons':20} {sum(row['english'] for row in rows):3d}          (target 0)")


if __name__ == "__main__":
    main()
