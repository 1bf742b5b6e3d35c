"""The reason of a failed test, in the report's language.

A suite's own findings are `compare.Failure`s and carry both languages. What the sandbox says
about the student's code (time limits, crashes, the student's own exceptions) is English text
made in `grader/sandbox/`, which knows nothing of languages: `SANDBOX` below gives the Chinese of
each of its sentences, and a test proves that every sentence the sandbox can make has one. The
student's own exception text is never translated; it is quoted.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from grader import compare, i18n
from grader.outcome import Status
from grader.sandbox import StudentException, SubmissionFailure, SubmissionTimeout

Fill = Callable[[re.Match[str]], str]
Rule = tuple[re.Pattern[str], Fill]


def _quote(text: str) -> str:
    """The student's (or Python's) own words, quoted so that a reader sees they are not ours."""
    return '"' + text.replace('"', "'") + '"'


def _frames(where: str) -> str:
    """ "line 12 in f: code; line 3 in g: code" in Chinese, the code in backticks."""
    frames = re.findall(r"line (\d+) in (\S+): (.*?)(?=; line \d+ in |$)", where, flags=re.DOTALL)
    if not frames:
        return _quote(where)
    return "；".join(f"{name} 第 {line} 行" + (f"：`{code}`" if code else "") for line, name, code in frames)


def _detail(detail: str | None) -> str:
    return f"（{_frames(detail)}）" if detail else ""


def _exit(text: str) -> str:
    """How the child process ended (client.Child.exit_reason), in Chinese."""
    rules = [
        (r"the process stopped answering", lambda m: "进程不再响应"),
        (
            r"the process was killed by (\w+)( \(CPU time limit\))?",
            lambda m: f"进程被信号 {m[1]} 终止" + ("（CPU 时间超限）" if m[2] else ""),
        ),
        (r"the process exited with code (-?\d+)", lambda m: f"进程以退出码 {m[1]} 退出"),
        (r"the process exited", lambda m: "进程退出了"),
    ]
    for pattern, zh in rules:
        found = re.match(pattern + r"(?P<rest>.*)$", text, flags=re.DOTALL)
        if found:
            return zh(found) + found["rest"]  # the rest is bubblewrap's own complaint, for the staff
    return _quote(text)


WIRE: list[tuple[str, str | Fill]] = [  # protocol.WireError: what a call returned that cannot cross
    (r"an array of (?P<d>\S+), not numbers", "{d} 数组（不是数值）"),
    (r"an array of (?P<mb>\S+) MB \(the limit is (?P<limit>\S+) MB\)", "{mb} MB 的数组（上限 {limit} MB）"),
    (r"a dict with keys that are not all str", "键不全是 str 的 dict"),
    (
        r"a value nested deeper than (?P<d>\d+) or with over (?P<n>\S+) items",
        "嵌套超过 {d} 层或多于 {n} 项的值",
    ),
    (r"an unreadable array \((?P<e>.*)\)", lambda m: f"无法读取的数组（{_quote(m['e'])}）"),
    (r"an array whose size does not match its header", "大小与头部不符的数组"),
    (r"a frame of (?P<mb>\S+) MB \(the limit is (?P<limit>\S+) MB\)", "{mb} MB 的数据帧（上限 {limit} MB）"),
    (r"a header of (?P<mb>\S+) MB", "{mb} MB 的头部"),
    (r"a malformed value \((?P<e>.*)\)|a malformed value", "格式错误的值"),
    (r"a malformed frame \((?P<e>.*)\)|a malformed frame", "格式错误的数据帧"),
    (r"an? (?P<t>\S+)", "{t} 类型的对象"),
]
CHILD: list[tuple[str, str | Fill]] = [  # the child's own words in an exception the student's code gets
    (r"your submission defines no (?P<n>\S+); check its name", "你的提交中没有定义 {n}：请检查名字是否拼对"),
    (r"input\(\) has no one to answer it while grading", "评分时没有人回答 input()：请删掉 input() 调用"),
    (
        r"writing outside the sandbox is not allowed: (?P<p>.*)",
        lambda m: f"不允许在沙箱外写文件：{_quote(m['p'])}",
    ),
    (r"(?P<e>\S+) outside the sandbox is not allowed", "不允许在沙箱外做 {e}"),
    (r"(?P<e>\S+) is not allowed while grading", "评分时不允许 {e}"),
    (r"an object from before your code was restarted", "这个对象来自你的代码重新启动之前，已经不存在了"),
    (r"cannot import (?P<p>.*)", lambda m: f"无法导入 {_quote(m['p'])}"),
    (
        r"the reference's (?P<f>\S+) raised (?P<t>\S+) on these arguments",
        "参考答案的 {f} 在这些参数上抛出了 {t}",
    ),
]


def _child(text: str) -> str:
    """An exception's message: the child's own words in Chinese, the student's quoted."""
    return _say(CHILD_RULES, text) or _quote(text)


def _returned(text: str) -> str:
    """What a call returned that cannot cross to the grader, in Chinese (or quoted)."""
    return _say(WIRE_RULES, text) or _quote(text)


SANDBOX: list[tuple[str, str | Fill]] = [
    (r"the child's first frame is not its confinement", "子进程发来的第一帧不是它的隔离确认"),
    (r"(?P<f>.+) timed out (?P<n>\d+) times already; not called again", "{f} 已经超时 {n} 次，不再调用"),
    (
        r"(?P<f>.+) spent its whole time limit idle \(sleeping or waiting, not computing\); not called again",
        "{f} 在整个时间限制内都处于空闲（sleep 或等待，没有计算），不再调用",
    ),
    (
        r"the (?P<s>\S+) s time budget of the whole submission is spent \(the reference solution takes "
        r"(?P<r>\S+) s\)",
        "整份提交的 {s} 秒运行时间已经用完（参考解答用时 {r} 秒）",
    ),
    (r"the (?P<s>\S+) s time budget of the whole submission is spent", "整份提交的 {s} 秒运行时间已经用完"),
    (
        r"(?P<f>.+) timed out after (?P<s>\S+) s, its limit \(the reference solution takes (?P<r>\S+) s for "
        r"this call\)",
        "{f} 运行超过 {s} 秒的限制，已被终止（参考解答完成这次调用用时 {r} 秒）",
    ),
    (r"(?P<f>.+) timed out after (?P<s>\S+) s", "{f} 运行超过 {s} 秒，已被终止"),
    (r"(?P<f>.+) ended the process: (?P<exit>.*)", lambda m: f"{m['f']} 使进程结束：{_exit(m['exit'])}"),
    (
        r"(?P<f>.+) broke the channel to the grader \((?P<e>.*)\)",
        lambda m: f"{m['f']} 破坏了与评分程序之间的通信（{_quote(m['e'])}）",
    ),
    (
        r"(?P<f>.+) wrote more than (?P<mb>\S+) MB or (?P<n>\S+) files \(the limit\); it was stopped",
        "{f} 写入的文件超过上限（{mb} MB 或 {n} 个文件），已被终止",
    ),
    (r"importing your code took longer than (?P<s>\S+) s", "导入你的代码用了超过 {s} 秒"),
    (
        r"importing your code ended the process: (?P<exit>.*)",
        lambda m: f"导入你的代码时进程结束：{_exit(m['exit'])}",
    ),
    (
        r"the sandbox could not install its system-call filter here",
        "沙箱无法在这台机器上安装系统调用过滤器（seccomp），请联系教师",
    ),
    (
        r"your code could not be imported: (?P<type>[^:]*): (?P<m>.*?)(?: \((?P<where>line \d+ in .*)\))?",
        lambda m: f"你的代码无法导入：{m['type']}：{_quote(m['m'])}{_detail(m['where'])}",
    ),
    (
        r"(?P<f>.+?) returned (?P<what>.*), expected numbers, strings, NumPy arrays, "
        r"or lists, tuples and dicts of them",
        lambda m: (
            f"{m['f']} 返回了{_returned(m['what'])}；只能返回数、字符串、NumPy 数组，"
            "或由它们组成的 list、tuple 和 dict"
        ),
    ),
    (r"(?P<f>\S+) returned (?P<what>.*)", lambda m: f"{m['f']} 返回了{_returned(m['what'])}"),
    (
        r"this (?P<t>\S+) was lost when your code was restarted",
        "你的代码重新启动后，这个 {t} 对象已经不存在了",
    ),
    (
        r"(?P<f>\S+) is not implemented yet(?: \((?P<where>.*)\))?",
        lambda m: f"{m['f']} 还没有实现（仍是 raise NotImplementedError）{_detail(m['where'])}",
    ),
    (
        r"(?P<f>\S+) ran out of memory(?: \((?P<where>line \d+ in .*)\))?",
        lambda m: f"{m['f']} 内存不足{_detail(m['where'])}",
    ),
    (
        r"(?P<f>\S+) raised (?P<type>[\w.]+): (?P<m>.*?)(?: \((?P<where>line \d+ in .*)\))?",
        lambda m: f"{m['f']} 抛出了 {m['type']}：{_child(m['m'])}{_detail(m['where'])}",
    ),
]
RAISED_BY = re.compile(r"(?P<m>.*) \[raised by (?P<f>[^\s\]]+)(?: \((?P<where>.*)\))?\]", re.DOTALL)


def _template(template: str) -> Fill:
    return lambda found: template.format(**found.groupdict())


def _rules(table: list[tuple[str, str | Fill]]) -> list[Rule]:
    return [(re.compile(pattern, re.DOTALL), zh if callable(zh) else _template(zh)) for pattern, zh in table]


def _say(rules: list[Rule], text: str) -> str | None:
    for pattern, fill in rules:
        found = pattern.fullmatch(text)
        if found:
            return fill(found)
    return None


RULES: list[Rule] = _rules(SANDBOX)
WIRE_RULES: list[Rule] = _rules(WIRE)
CHILD_RULES: list[Rule] = _rules(CHILD)


def sandbox_zh(text: str) -> str | None:
    """The Chinese of a sentence made by grader/sandbox/, or None when it is not one of them."""
    return _say(RULES, text)


def _student(error: BaseException, language: str) -> str:
    """An exception re-raised from the student's code: their words quoted, where it happened."""
    text = str(error)
    found = RAISED_BY.fullmatch(text)
    if language != "zh-CN":
        return text
    if found is None:
        return sandbox_zh(text) or text
    return f"{found['f']} 抛出了 {type(error).__name__}：{_child(found['m'])}{_detail(found['where'])}"


def _plain(error: BaseException, language: str) -> str:
    """An `assert` or `pytest.fail` that is not a compare.Failure (a suite not converted yet)."""
    text = str(error).split("\nassert ")[0].strip()
    raised = re.fullmatch(r"DID NOT RAISE <class '(?:\w+\.)*(\w+)'>", text)
    if raised:
        return i18n.message("should raise {kind} but returned normally", "应当抛出 {kind}，却正常返回了",
                            kind=raised[1]).text(language)  # fmt: skip
    if not text:
        return i18n.message("assertion failed", "断言不成立").text(language)
    return text


def failure_reason(error: BaseException, language: str = "en") -> tuple[Status, str]:
    """The status and a short reason, in `language`, for an exception raised by a test."""
    if isinstance(error, compare.Failure):
        return "failed", i18n.render(error.message, language)
    if isinstance(error, StudentException):
        return "failed", _student(error, language)
    if isinstance(error, SubmissionFailure):
        text = str(error)
        status: Status = "timeout" if isinstance(error, SubmissionTimeout) else "failed"
        if isinstance(error, SubmissionTimeout) and error.key is not None:
            return status, i18n.text(language, error.key, **error.params)
        return status, (sandbox_zh(text) or text) if language == "zh-CN" else text
    if isinstance(error, (AssertionError, pytest.fail.Exception)):
        return "failed", _plain(error, language)
    kind = type(error).__name__
    if language == "zh-CN":
        return "error", f"测试在检查结果时出错：{kind}：{_quote(str(error))}"
    return "error", f"{kind}: {error}"
