"""Suite text a student reads: every sentence a grading suite can fail with has a Chinese version.

A report in Chinese (`language: zh-CN`, `--lang zh-CN`) shows a failed test's own words, so each
suite says them through the bilingual helpers of `grader.compare` (`expect`, `fail`,
`expect_raises`, `message`, and `what=` on the comparisons). This module reads a suite's source
(never runs it) and names what would stay English: a bare `assert`, `pytest.fail` or
`pytest.raises`, a helper whose Chinese text has no Chinese in it, and an English phrase given
as `what=` or as a parametrized value.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

# three English words in a row, once code, quoted text and the seed are taken out (bench/diagnosis.py)
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")
CODE = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\b\w+\(.*?\)|\b\w*_\w*\b|\[raised by[^\]]*\]|\(seed \d+\)")
CHINESE = re.compile(r"[\u3400-\u9fff]")
ZH_POSITION = {"expect": 2, "fail": 1, "message": 1}  # where each helper takes its Chinese text
AVOID = {
    "fail": "pytest.fail is English only: use grader.compare.fail(en, zh)",
    "raises": "pytest.raises fails in English: use grader.compare.expect_raises(kind, what)",
}


def english(text: str) -> bool:
    """Whether `text` holds an English phrase outside code, quotes and numbers."""
    return bool(ENGLISH_RUN.search(CODE.sub(" ", text)))


def _literal(node: ast.AST | None) -> str | None:
    """The text of a str constant or an f-string (its constant parts), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(str(part.value) for part in node.values if isinstance(part, ast.Constant))
    return None


def _name(call: ast.Call) -> tuple[str, str]:
    """(the object a function is read from, or "", the function's name)."""
    if isinstance(call.func, ast.Attribute):
        owner = call.func.value.id if isinstance(call.func.value, ast.Name) else ""
        return owner, call.func.attr
    return "", call.func.id if isinstance(call.func, ast.Name) else ""


def _outside_messages(node: ast.AST) -> list[ast.AST]:
    """`node` and the nodes under it, except what message() calls hold (they are bilingual)."""
    if isinstance(node, ast.Call) and _name(node)[1] == "message":
        return []
    return [node, *(found for child in ast.iter_child_nodes(node) for found in _outside_messages(child))]


def _untranslated(name: str, call: ast.Call, position: int) -> str | None:
    """The problem with a helper's Chinese text, if it is English or a copy of the English."""
    chinese = _literal(call.args[position])
    english_text = _literal(call.args[position - 1])
    if chinese is None or CHINESE.search(chinese):
        return None
    copied = chinese == english_text and re.search(r"[A-Za-z]{2,}", CODE.sub(" ", chinese))
    if english(chinese) or copied:
        return f"the Chinese text of {name}() is not Chinese: {chinese[:60]!r}"
    return None


def _call_problems(call: ast.Call) -> list[str]:
    owner, name = _name(call)
    problems = []
    if owner == "pytest" and name in AVOID:
        problems.append(AVOID[name])
    position = ZH_POSITION.get(name)
    if position is not None and len(call.args) > position:
        problems += [problem for problem in [_untranslated(name, call, position)] if problem]
    shown: list[ast.AST] = [keyword.value for keyword in call.keywords if keyword.arg == "what"]
    if name == "expect_raises" and len(call.args) > 1:
        shown.append(call.args[1])
    if name == "parametrize":
        shown += [node for value in call.args[1:2] for node in _outside_messages(value)]
    for node in shown:
        text = _literal(node)
        if text is not None and english(text):
            problems.append(f"English only: {text[:60]!r}; write it as message(en, zh)")
    return problems


def english_only(path: Path) -> list[str]:
    """The places in a suite file whose failure text would be English in a Chinese report.

    Returns:
        one "file:line: what to do" per place, in line order; [] for a file that says everything
        in both languages.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            found.append((node.lineno, "a bare assert fails in English: use expect(condition, en, zh)"))
        elif isinstance(node, ast.Call):
            found += [(node.lineno, problem) for problem in _call_problems(node)]
    return [f"{path}:{line}: {problem}" for line, problem in sorted(set(found))]
