"""Feedback in the students' language: English and Chinese (zh-CN), chosen by course.yml.

Plain dictionaries, one per language, with the same keys (a test checks it). Mistake names and
hints come from the course's catalogue: `name` and `hint` in English, `name_zh` and `hint_zh` in
Chinese. A test's own findings are `Message`s, which carry both languages (`message()` builds one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from grader.i18n_sandbox import SANDBOX_MESSAGES

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
        "callee_returned_how": "{callee} returned {got} for {call}, where {expected} is right: {how}",
        "callee_differs": "{callee}'s answer to {call} is wrong: {how}",
        "failed_call_public": "In {call}, call {number} of {count} of {function} in this test:",
        "failed_call_hidden": "In call {number} of {count} of {function} in this test:",
        "callee_raised": "{callee} raised {error} for {call}, where {expected} is right",
        "callee_should_raise": "{callee} returned {got} for {call}, where it should raise {error}",
        "callee_also_fails": "{callees}, which {function} calls, also fails its own tests: fix it first",
        "callee_cause_many": "{function} is right: with the reference's {callees} it passes, so these "
        "points are kept; it failed only because {callees} fail their own tests",
        "callee_also_fails_many": "{callees}, which {function} calls, also fail their own tests: fix them "
        "first",
        "callee_cause_unseen": "{function} is right: with the reference's answers for {callees} it "
        "passes, so these points are kept; {callees} answered this test's calls wrongly, which the public "
        "tests of {callees} do not show (the official run's hidden tests may)",
        "callee_wrong_unseen": "{callees}, which {function} calls, answered this test's calls wrongly, "
        "though the public tests of {callees} pass: fix it first",
        "home_answers_missing": "the released answers do not hold every call made here to {callees}, so "
        "this test stays charged at home; the official run, which asks the reference, may differ",
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
        "no_penalty": "none",
        "advisory_hint": "or pass --advisory for a score that is not recorded.",
        "export.no_lms_id": "note: {ids} has no lms_id in course.yml, so Canvas will add a new column "
        "instead of filling its assignment; add `lms_id: <the Canvas assignment id>` (the number in the "
        "assignment's address) under it",
        "final_score": "final score",
        "not_decided": "not decided yet",
        "late.on_time": "on time",
        "late.late": "{days} started day(s) late",
        "late.unknown": "submission time unknown: no penalty",
        "late.file_time": "{days} started day(s) late by the file's time",
        "late.error": "submission time or extension to be checked by your instructor",
        "every_test_failed": "every test failed for one reason: {reason}",
        "tests_count": "{count} test(s)",
        "cases_passed": "{passed} of {count} cases",
        "by_function": "points per function, and what matters most for each",
        "not_graded": "not graded: see the reason above",
        "grader_failed": "the grader could not describe this failure ({error}); tell your instructor",
        "intake.missing": "{path}: no such folder or zip of submissions; check the path.",
        "intake.not_zip": "{path}: neither a folder nor a zip; grade-all expects a class folder (one "
        "folder per student), a zip of one, or an LMS's download zip (Canvas, Moodle, Gradescope, "
        "Blackboard).",
        "intake.empty": "{path}: no student folders and no LMS download in it; grade-all expects one "
        'folder per student, or the zip of Canvas\'s "Download Submissions", Moodle\'s "Download all '
        'submissions", Gradescope\'s "Export Submissions" or Blackboard\'s "Assignment File Download".',
        "intake.bad_zip": "{path}: the zip cannot be extracted ({error}); download or export it again.",
        "intake.unsafe": "{path}: the entry {member!r} points outside the archive; download or export it "
        "again.",
        "calendar.due_before_release": "assignment {id!r}: due {due} is not after its release {release}; "
        "fix one of the two dates",
        "calendar.far": "assignment {id!r}: {field} {date} is more than a year from the course's other dates "
        "(around {middle}); check the year",
        "calendar.out_of_order": "assignment {id!r}: released {release}, before {earlier!r} listed above it; "
        "list assignments in the order they are released, or fix the date",
        "calendar.more": " ({count} more date problem(s): run `course validate` to list them)",
        "official.hidden_missing": "{id}: an official grade needs the hidden suite, and {count} hidden "
        "test(s) listed in hidden.json are not here; grade officially in the instructor's course (with "
        "tests/{id}/), or pass --advisory for a score of the public tests only",
        "located.graded": "graded {file}",
        "located.expected": "graded {file}",
        "located.stub": "graded {file}, the released stub unchanged: nothing of the work is written in it",
        "located.chosen": "graded {file}; also found {others} (the rule: work that differs from the "
        "released stub, then the most graded functions written, then the module, then the latest copy)",
        "located.nothing": "nothing submitted: no {module} or {notebook} found; the folder holds {names}",
        "located.empty": "nothing submitted: no {module} or {notebook} found; the folder is empty",
        "located.zip.too_many": "{zip} was not opened: more than {count} files in it",
        "located.zip.too_large": "{zip} was not opened: more than {mb} MB once decompressed",
        "located.zip.outside": "{zip} was not opened: the name {name} points outside the zip",
        "located.zip.link": "{zip} was not opened: {name} is a symbolic link",
        "located.zip.member_large": "{zip} was not opened: {name} is larger than {mb} MB",
        "located.zip.unreadable": "{zip} was not opened: it cannot be read ({error})",
        "zip.too_many": "more than {count} files in it",
        "zip.too_large": "more than {mb} MB once decompressed",
        "zip.outside": "the name {name} points outside the zip",
        "zip.link": "{name} is a symbolic link",
        "zip.member_large": "{name} is larger than {mb} MB",
        "zip.unreadable": "it cannot be read ({error})",
        "located.not_imported": "every test failed for this reason: {reason}",
        "timeout.call_reference": "{function} timed out after {limit} s, its limit (the reference solution "
        "takes {reference} s for this call)",
        "timeout.budget_reference": "the {limit} s time budget of the whole submission is spent (the "
        "reference solution takes {reference} s)",
        "timeout.idle": "{function} spent its whole time limit idle (sleeping or waiting, not computing); "
        "not called again",
        "limits.fixed": "time limits: no recorded reference times for '{id}' (tests/{id}/timings.json; "
        "`course release` writes it), so the fixed limits applied: {call_ceiling} s per call, "
        "{submission_ceiling} s in all",
        "limits.handout": "Time limits (wall time: waiting and sleeping count): each call into your code may "
        "take {call_multiple} times as long as the instructor's solution takes for the same call, plus "
        "{call_floor} s, at most {call_ceiling} s; the whole submission {submission_multiple} times the "
        "instructor's solution's time, plus {submission_floor} s, at most {submission_ceiling} s. A function "
        "that runs over its limit twice is not called again; once, if it spent that time idle (sleeping or "
        "waiting, not computing).",
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
        "callee_returned_how": "{callee} 对 {call} 返回了 {got}，正确结果是 {expected}：{how}",
        "callee_differs": "{callee} 对 {call} 的结果不对：{how}",
        "failed_call_public": "在 {call} 中（本测试第 {number} 次调用 {function}，共 {count} 次）：",
        "failed_call_hidden": "在本测试第 {number} 次调用 {function} 时（共 {count} 次）：",
        "callee_raised": "{callee} 对 {call} 抛出了 {error}，正确结果是 {expected}",
        "callee_should_raise": "{callee} 对 {call} 返回了 {got}，这里应当抛出 {error}",
        "callee_also_fails": "{function} 调用的 {callees} 也没有通过自己的测试：请先改正它",
        "callee_cause_many": "{function} 本身是对的：换成参考答案的 {callees} 后测试通过，所以保留这些分数；"
        "它失败只是因为 {callees} 没有通过它们自己的测试",
        "callee_also_fails_many": "{function} 调用的 {callees} 也没有通过它们自己的测试：请先改正它们",
        "callee_cause_unseen": "{function} 本身是对的：换成参考答案给出的 {callees} 结果后测试通过，"
        "所以保留这些分数；{callees} 对这个测试中的调用给出了错误结果，"
        "{callees} 的公开测试没有发现这一点（正式评分的隐藏测试可能会）",
        "callee_wrong_unseen": "{function} 调用的 {callees} 对这个测试中的调用给出了错误结果，"
        "虽然 {callees} 的公开测试都通过了：请先改正它",
        "home_answers_missing": "随作业发布的参考答案没有包含这里对 {callees} 的全部调用，所以在本地这个测试"
        "仍然扣分；正式评分会询问参考答案，结果可能不同",
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
        "no_penalty": "无",
        "advisory_hint": "或加 --advisory 得到一个不记录的参考分数。",
        "export.no_lms_id": "注意：course.yml 中 {ids} 没有 lms_id，Canvas 会新建一列，而不是填入对应的作业；"
        "请在该作业下加上 `lms_id: <Canvas 作业编号>`（作业网址中的数字）",
        "final_score": "最终得分",
        "not_decided": "尚未确定",
        "late.on_time": "按时提交",
        "late.late": "迟交 {days} 天（不足一天按一天计）",
        "late.unknown": "提交时间未知：不扣分",
        "late.file_time": "按文件时间迟交 {days} 天",
        "late.error": "提交时间或延期待教师核实",
        "every_test_failed": "所有测试都因同一原因未通过：{reason}",
        "tests_count": "{count} 个测试",
        "cases_passed": "{count} 个用例中通过 {passed} 个",
        "by_function": "每个函数的得分，以及各自最要紧的一条",
        "not_graded": "未评分：原因见上",
        "grader_failed": "评分程序无法描述这次失败（{error}）；请告诉你的老师",
        "intake.missing": "{path}：没有这个提交文件夹或 zip 文件；请检查路径。",
        "intake.not_zip": "{path}：既不是文件夹也不是 zip；grade-all 需要班级文件夹（每个学生一个文件夹）、"
        "它的 zip，或学习平台（Canvas、Moodle、Gradescope、Blackboard）下载的 zip。",
        "intake.empty": "{path}：里面既没有学生文件夹，也不是学习平台的下载；"
        "grade-all 需要每个学生一个文件夹，或 Canvas「Download Submissions」、"
        "Moodle「Download all submissions」、Gradescope「Export Submissions」、"
        "Blackboard「Assignment File Download」下载的 zip。",
        "intake.bad_zip": "{path}：无法解压这个 zip（{error}）；请重新下载或导出。",
        "intake.unsafe": "{path}：条目 {member!r} 指向压缩包之外；请重新下载或导出。",
        "calendar.due_before_release": "作业 {id!r}：截止时间 {due} 不晚于发布时间 {release}；"
        "请改正其中一个日期",
        "calendar.far": "作业 {id!r}：{field} 日期 {date} 与课程其他日期（约 {middle}）相差一年以上；"
        "请检查年份",
        "calendar.out_of_order": "作业 {id!r}：发布时间 {release} 早于排在它前面的 {earlier!r}；"
        "请按发布顺序列出作业，或改正日期",
        "calendar.more": "（另有 {count} 个日期问题：运行 `course validate` 查看全部）",
        "official.hidden_missing": "{id}：正式评分需要隐藏测试，而 hidden.json 列出的 {count} 个隐藏测试"
        "不在这里；请在教师的课程目录（含 tests/{id}/）中正式评分，或加 --advisory 只对公开测试评分",
        "located.graded": "评分文件：{file}",
        "located.expected": "评分文件：{file}",
        "located.stub": "评分文件：{file}，它是未修改的发布模板：其中没有写任何作业代码",
        "located.chosen": "评分文件：{file}；还找到了 {others}（规则：先选与发布模板不同的作业，"
        "再选完成的评分函数最多的，再选 .py 模块，最后选最新的副本）",
        "located.nothing": "未提交：没有找到 {module} 或 {notebook}；文件夹中有 {names}",
        "located.empty": "未提交：没有找到 {module} 或 {notebook}；文件夹是空的",
        "located.zip.too_many": "{zip} 未被打开：其中文件超过 {count} 个",
        "located.zip.too_large": "{zip} 未被打开：解压后超过 {mb} MB",
        "located.zip.outside": "{zip} 未被打开：文件名 {name} 指向压缩包之外",
        "located.zip.link": "{zip} 未被打开：{name} 是符号链接",
        "located.zip.member_large": "{zip} 未被打开：{name} 超过 {mb} MB",
        "located.zip.unreadable": "{zip} 未被打开：无法读取（{error}）",
        "zip.too_many": "其中文件超过 {count} 个",
        "zip.too_large": "解压后超过 {mb} MB",
        "zip.outside": "文件名 {name} 指向压缩包之外",
        "zip.link": "{name} 是符号链接",
        "zip.member_large": "{name} 超过 {mb} MB",
        "zip.unreadable": "无法读取（{error}）",
        "located.not_imported": "所有测试都因这个原因失败：{reason}",
        "timeout.call_reference": "{function} 运行超过 {limit} 秒的限制，已被终止（参考解答完成这次调用用时 "
        "{reference} 秒）",
        "timeout.budget_reference": "整份提交的 {limit} 秒运行时间已经用完（参考解答用时 {reference} 秒）",
        "timeout.idle": "{function} 在整个时间限制内都处于空闲（sleep 或等待，没有计算），不再调用",
        "limits.fixed": "时间限制：'{id}' 没有记录参考解答的用时（tests/{id}/timings.json，"
        "由 `course release` 生成），因此采用固定限制："
        "每次调用 {call_ceiling} 秒，总计 {submission_ceiling} 秒",
        "limits.handout": "时间限制（按实际经过的时间计算，等待和 sleep 也计入）：每次调用你的代码，"
        "最多可用教师解答完成同一调用所用时间的 {call_multiple} 倍再加 {call_floor} 秒，"
        "且不超过 {call_ceiling} 秒；"
        "整份提交最多可用教师解答总用时的 {submission_multiple} 倍再加 {submission_floor} 秒，"
        "且不超过 {submission_ceiling} 秒。一个函数两次超时后不再被调用；"
        "如果超时期间它处于空闲（sleep 或等待，没有计算），一次超时后就不再被调用。",
    },
}


for _language in LANGUAGES:  # one catalogue: the sandbox's sentences are kept in their own module
    MESSAGES[_language].update(SANDBOX_MESSAGES[_language])


@runtime_checkable
class Localized(Protocol):
    """A value said differently in each language (a `Message`, a `Sentence`, `Quoted` words)."""

    def text(self, language: str) -> str:
        """The value in `language`."""


def text(language: str, key: str, **values: Any) -> str:
    """The message `key` in `language` (English when the language is unknown), filled with values;
    a value that is itself `Localized` is said in the same language."""
    messages = MESSAGES.get(language, MESSAGES["en"])
    localized = {k: v.text(language) if isinstance(v, Localized) else v for k, v in values.items()}
    return messages[key].format(**localized)


@dataclass(frozen=True)
class Sentence:
    """A catalogue sentence by its code and parameters, said in any language: what errors carry,
    so that code tests an error's kind (`key`) and never its text. `str()` is the English.

    Attributes:
        key: the catalogue's key ("sandbox.timed_out").
        params: the values the sentence takes; a value may itself be `Localized`.
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str) -> str:
        """The sentence in `language`."""
        return text(language, self.key, **self.params)

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Quoted:
    """Someone else's words (the student's, Python's): as they are in English, quoted in a
    translation so that a reader sees they are not ours."""

    words: str

    def text(self, language: str) -> str:
        """The words, quoted where the catalogue quotes them."""
        return text(language, "quoted", words=self.words)

    def __str__(self) -> str:
        return self.words


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
