"""Feedback in the students' language: English and Chinese (zh-CN), chosen by course.yml.

Plain dictionaries, one per language, with the same keys (a test checks it). Mistake names and
hints come from the course's catalogue: `name` and `hint` in English, `name_zh` and `hint_zh` in
Chinese. A test's own findings are `Message`s, which carry both languages (`message()` builds one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "zh-CN")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "test": "test",
        "function": "function",
        "points": "points",
        "reason": "reason",
        "hidden": "hidden",
        "total": "total {score} / {max_score} ({percent} %)",
        "pending_points": "{points} points pending (hidden tests)",
        "isolation": "isolation",
        "submission": "submission",
        "mistake": "mistake",
        "pending_reason": "hidden test: runs when your work is graded officially",
        "hidden_detail": "the inputs and expected values of hidden tests are not shown",
        "hidden_call": "{function} gave a wrong result at call {position} of this test",
        "hidden_wrong": "{function} gave a wrong result in this test",
        "hidden_region": "where the results differ: {region}",
        "hidden_category": "what differs: {category}",
        "hidden_raised": "{function} raised {error_type} (a hidden test's messages are not shown)",
        "hidden_timeout": "{function} ran out of time in this test",
        "hidden_failed": "{function} stopped, or returned something that cannot be graded",
        "hidden_not_imported": "your code could not be imported: {error_type} "
        "(run `grade` at home to see where)",
        "known_mistake": "looks like the known mistake '{name}': {hint}",
        "callee_cause": "{function} is right: with the reference's {callees} it passes, so these points "
        "are kept; it failed only because {callees} fails its own tests",
        "callee_returned": "{callee} returned {got} for {call}, where {expected} is right",
        "callee_raised": "{callee} raised {error} for {call}, where {expected} is right",
        "callee_should_raise": "{callee} returned {got} for {call}, where it should raise {error}",
        "callee_also_fails": "{callees}, which {function} calls, also fails its own tests: fix it first",
        "course_total": "course total {score} / {max_score} ({percent} %)",
        "expected": "expected",
        "got": "got",
        "difference": "difference",
        "training_curve": "training curve",
        "status.passed": "passed",
        "status.failed": "failed",
        "status.error": "error",
        "status.timeout": "timeout",
        "status.pending": "pending",
        "raw_score": "raw score",
        "late_penalty": "late penalty",
        "final_score": "final score",
        "not_decided": "not decided yet",
        "late.on_time": "on time",
        "late.late": "{days} started day(s) late",
        "late.unknown": "submission time unknown: no penalty",
        "late.file_time": "{days} started day(s) late by the file's time",
        "late.error": "submission time or extension to be checked by your instructor",
        "every_test_failed": "every test failed for one reason: {reason}",
        "tests_count": "{count} test(s)",
        "not_graded": "not graded: see the reason above",
        "grader_failed": "the grader could not describe this failure ({error}); tell your instructor",
    },
    "zh-CN": {
        "test": "测试",
        "function": "函数",
        "points": "得分",
        "reason": "原因",
        "hidden": "隐藏",
        "total": "总分 {score} / {max_score}（{percent} %）",
        "pending_points": "{points} 分待定（隐藏测试）",
        "isolation": "隔离方式",
        "submission": "提交",
        "mistake": "常见错误",
        "pending_reason": "隐藏测试：正式评分时运行",
        "hidden_detail": "隐藏测试的输入和期望值不予显示",
        "hidden_call": "{function} 在本测试的第 {position} 次调用中结果错误",
        "hidden_wrong": "{function} 在本测试中结果错误",
        "hidden_region": "结果不同的位置：{region}",
        "hidden_category": "差异类型：{category}",
        "hidden_raised": "{function} 抛出了 {error_type}（隐藏测试的出错信息不予显示）",
        "hidden_timeout": "{function} 在本测试中运行超时",
        "hidden_failed": "{function} 中途停止，或返回了无法评分的结果",
        "hidden_not_imported": "你的代码无法导入：{error_type}"
        "（在自己的电脑上运行 `grade` 可以看到出错位置）",
        "known_mistake": "看起来是常见错误「{name}」：{hint}",
        "callee_cause": "{function} 本身是对的：换成参考答案的 {callees} 后测试通过，所以保留这些分数；"
        "它失败只是因为 {callees} 没有通过自己的测试",
        "callee_returned": "{callee} 对 {call} 返回了 {got}，正确结果是 {expected}",
        "callee_raised": "{callee} 对 {call} 抛出了 {error}，正确结果是 {expected}",
        "callee_should_raise": "{callee} 对 {call} 返回了 {got}，这里应当抛出 {error}",
        "callee_also_fails": "{function} 调用的 {callees} 也没有通过自己的测试：请先改正它",
        "course_total": "课程总分 {score} / {max_score}（{percent} %）",
        "expected": "期望",
        "got": "你的结果",
        "difference": "差值",
        "training_curve": "训练曲线",
        "status.passed": "通过",
        "status.failed": "未通过",
        "status.error": "错误",
        "status.timeout": "超时",
        "status.pending": "待定",
        "raw_score": "原始得分",
        "late_penalty": "迟交扣分",
        "final_score": "最终得分",
        "not_decided": "尚未确定",
        "late.on_time": "按时提交",
        "late.late": "迟交 {days} 天（不足一天按一天计）",
        "late.unknown": "提交时间未知：不扣分",
        "late.file_time": "按文件时间迟交 {days} 天",
        "late.error": "提交时间或延期待教师核实",
        "every_test_failed": "所有测试都因同一原因未通过：{reason}",
        "tests_count": "{count} 个测试",
        "not_graded": "未评分：原因见上",
        "grader_failed": "评分程序无法描述这次失败（{error}）；请告诉你的老师",
    },
}


def text(language: str, key: str, **values: Any) -> str:
    """The message `key` in `language` (English when the language is unknown), filled with values."""
    messages = MESSAGES.get(language, MESSAGES["en"])
    return messages[key].format(**values)


def hint(mistake: dict[str, Any], language: str) -> str:
    """A catalogue entry's hint in the students' language."""
    return str(mistake.get("hint_zh") if language == "zh-CN" and mistake.get("hint_zh") else mistake["hint"])


def mistake_name(mistake: dict[str, Any], language: str) -> str:
    """A catalogue entry's name in the students' language (`name_zh` in Chinese, else `name`).

    The English `name` stays the entry's identifier in reports (the `mistake` field)."""
    chinese = mistake.get("name_zh")
    return str(chinese if language == "zh-CN" and chinese else mistake["name"])


@dataclass(frozen=True)
class Message:
    """One sentence in English and in Chinese; `str()` is the English, so logs and staff tools
    that read `str(error)` are unchanged. Build one with `message()`."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en

    def text(self, language: str) -> str:
        """The sentence in `language` (English unless zh-CN)."""
        return self.zh if language == "zh-CN" else self.en


Text = str | Message  # what a test may say: plain text (numbers, code) or a sentence in both languages


def render(value: Any, language: str) -> str:
    """A Message in `language`; anything else as str()."""
    return value.text(language) if isinstance(value, Message) else str(value)


def message(en: str, zh: str, **values: Any) -> Message:
    """Both templates (str.format syntax) filled with the same values; a Message value is filled
    in each language, anything else as it is.

    >>> message("{what}: shape {got}", "{what}：形状为 {got}", what=message("dx", "dx"), got=(2, 3)).zh
    'dx：形状为 (2, 3)'
    """

    def filled(template: str, language: str) -> str:
        return template.format(
            **{k: v.text(language) if isinstance(v, Message) else v for k, v in values.items()}
        )

    return Message(filled(en, "en"), filled(zh, "zh-CN"))
