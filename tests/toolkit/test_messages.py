"""Feedback in both languages: the message helper, the suites' helpers, the reasons of failures
(the sandbox's sentences included) and a zh-CN report of failing work on the fixture course."""

import ast
import json
import re
import shutil
import string
from pathlib import Path

import numpy as np
import pytest

from grader import i18n, reasons
from grader.check import check_stub
from grader.compare import Failure, Mismatch, assert_close, assert_shape, expect, expect_raises, fail
from grader.config import load_course
from grader.errors import ConfigError, IsolationRefused
from grader.grading import grade
from grader.i18n import Message, Sentence, message, render
from grader.i18n_sandbox import CHILD_CODES, NOTE_CODES, WIRE_CODES
from grader.lint import english, english_only
from grader.sandbox import SubmissionCrashed, SubmissionFailure, SubmissionTimeout
from grader.sandbox.child import describe_error
from grader.sandbox.client import import_failure
from grader.sandbox.errors import raise_student_error, wire_sentence
from grader.sandbox.protocol import WireError
from grader.testing import assert_gradient

from .conftest import fixture_course

SANDBOX = Path(__file__).resolve().parents[2] / "grader" / "sandbox"


def zh(error: BaseException) -> str:
    return reasons.failure_reason(error, "zh-CN")[1]


def test_a_message_is_filled_in_each_language_and_reads_as_english():
    inner = message("first row", "第一行")
    said = message(
        "{what}: got {got}, expected {n:,}", "{what}：你的结果 {got}，期望 {n:,}", what=inner, got=3, n=4000
    )
    assert said == Message("first row: got 3, expected 4,000", "第一行：你的结果 3，期望 4,000")
    assert str(said) == said.text("en") == said.en and said.text("zh-CN") == said.zh
    assert render(said, "zh-CN") == said.zh and render("dx", "zh-CN") == "dx"


def test_fail_and_expect_carry_both_languages():
    with pytest.raises(Failure) as caught:
        fail("{what} should be {n}", "{what} 应为 {n}", what="dx", n=2)
    assert str(caught.value) == "dx should be 2" and zh(caught.value) == "dx 应为 2"
    expect(1 + 1 == 2, "never said", "不会出现")
    with pytest.raises(Failure) as caught:
        expect([], "empty", "空的")
    assert reasons.failure_reason(caught.value, "en") == ("failed", "empty")


def test_expect_raises_accepts_the_kind_and_its_subclasses_and_passes_others_through():
    with expect_raises(ArithmeticError, "f(0)"):
        raise ZeroDivisionError
    with pytest.raises(Failure) as caught, expect_raises(ValueError, message("a call", "一次调用")):
        pass
    assert str(caught.value) == "a call should raise ValueError but returned normally"
    assert zh(caught.value) == "一次调用 应当抛出 ValueError，却正常返回了"
    with pytest.raises(KeyError), expect_raises(ValueError, "f(0)"):
        raise KeyError("not the one expected")


@pytest.mark.parametrize(
    ("got", "expected", "english_words", "chinese_words"),
    [
        (3, 4, "output: got 3, expected 4", "输出：你的结果 3，期望 4"),
        (3.0, 4, "output: returned a float (3.0) where an int is needed: use //", "这里需要整数 int"),
        (np.ones((1, 2, 5, 5)), np.ones((1, 2, 3, 3)), "padding missing or added twice?", "零填充"),
        (
            np.ones(3),
            np.array([1.0, 2.0, 1.0]),
            "1 of 3 values differ; largest error 1",
            "3 个值中有 1 个不对",
        ),
        ({"a": 1}, {"b": 1}, "output: key 'b' is missing", "输出：缺少键 'b'"),
        ((1, 2), (1, 3), "output[1]: got 2, expected 3", "输出[1]：你的结果 2，期望 3"),
    ],
)
def test_comparisons_explain_themselves_in_both_languages(got, expected, english_words, chinese_words):
    with pytest.raises(Mismatch) as caught:
        assert_close(got, expected)
    assert english_words in str(caught.value)
    assert chinese_words in zh(caught.value) and not english(zh(caught.value))


def test_shapes_and_gradients_fail_in_both_languages():
    with pytest.raises(Mismatch) as caught:
        assert_shape(np.zeros((2, 3)), (3, 2), what="dw")
    assert str(caught.value) == "dw: shape (2, 3) expected (3, 2): axes in the wrong order?"
    assert zh(caught.value) == "dw：形状为 (2, 3)，应为 (3, 2)：轴的顺序不对？"
    with pytest.raises(Mismatch) as caught:
        assert_gradient(np.array([1.0, 2.0]), np.array([1.0, 4.0]), what="dx")
    assert "relative error 3.33e-01" in str(caught.value)  # |2 - 4| / (2 + 4)
    assert zh(caught.value).startswith("dx：与数值梯度的相对误差为 3.33e-01")
    assert caught.value.arrays is not None  # the structural analysis reads both arrays


def test_the_students_exception_is_quoted_and_placed_in_chinese():
    with pytest.raises(ValueError, match="broadcast") as caught:
        raise_student_error(
            "conv_forward",
            {
                "type": "ValueError",
                "message": "operands could not be broadcast",
                "where": [{"line": 3, "name": "f", "code": "y = x + b"}],
            },
        )
    assert (
        str(caught.value)
        == "operands could not be broadcast [raised by conv_forward (line 3 in f: y = x + b)]"
    )
    assert (
        zh(caught.value)
        == 'conv_forward 抛出了 ValueError："operands could not be broadcast"（f 第 3 行：`y = x + b`）'
    )
    with pytest.raises(NotImplementedError) as caught:
        raise_student_error("zero_pad", {"type": "NotImplementedError"})
    assert zh(caught.value) == "zero_pad 还没有实现（仍是 raise NotImplementedError）"


def _returned_a(type_name: str) -> Sentence:
    return wire_sentence(WireError("wire.type", type=type_name))


@pytest.mark.parametrize(
    ("error", "english_text", "chinese"),
    [
        (
            SubmissionTimeout("sandbox.timed_out", function="conv_forward", limit="2"),
            "conv_forward timed out after 2 s",
            "conv_forward 运行超过 2 秒，已被终止",
        ),
        (
            SubmissionTimeout("sandbox.budget_spent", limit="60"),
            "the 60 s time budget of the whole submission is spent",
            "整份提交的 60 秒运行时间已经用完",
        ),
        (
            SubmissionCrashed(
                "sandbox.crashed", function="train", exit=Sentence("sandbox.exit.cpu", {"signal": "SIGXCPU"})
            ),
            "train ended the process: the process was killed by SIGXCPU (CPU time limit)",
            "train 使进程结束：进程被信号 SIGXCPU 终止（CPU 时间超限）",
        ),
        (
            SubmissionFailure(
                "sandbox.not_imported",
                **import_failure(
                    {
                        "type": "SyntaxError",
                        "message": "invalid syntax",
                        "where": [{"line": 4, "name": "<module>", "code": "def f("}],
                    }
                ).params,
            ),
            "your code could not be imported: SyntaxError: invalid syntax (line 4 in <module>: def f()",
            '你的代码无法导入：SyntaxError："invalid syntax"（<module> 第 4 行：`def f(`）',
        ),
        (
            SubmissionFailure("sandbox.disk", function="im2col", mb=8, count="10,000"),
            "im2col wrote more than 8 MB or 10,000 files (the limit); it was stopped",
            "已被终止",
        ),
        (
            SubmissionFailure("sandbox.returned", function="relu_forward", what=_returned_a("function")),
            "relu_forward returned a function",
            "relu_forward 返回了function 类型的对象",
        ),
    ],
)
def test_the_sandboxs_sentences_are_said_in_chinese(error, english_text, chinese):
    """The sandbox's errors carry a code: the catalogue says them, unchanged in English."""
    status, reason = reasons.failure_reason(error, "zh-CN")
    assert chinese in reason and not english(reason)
    assert status == ("timeout" if isinstance(error, SubmissionTimeout) else "failed")
    assert reasons.failure_reason(error, "en")[1] == str(error) == english_text


CODE = re.compile(r"(sandbox|wire|child|note|timeout|isolation)\.(?!py$)[a-z_.]+")  # not "child.py"


def _codes_used() -> list[tuple[str, str]]:
    """(where, code) of every string in grader/sandbox/ that names a catalogue code."""
    found = []
    for path in sorted(SANDBOX.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                found.append((f"{path.name}:{node.lineno}", node.value))
    return found


def _raised_sentences() -> list[str]:
    """Where grader/sandbox/ raises one of its own errors with a finished sentence, not a code."""
    own = {"SubmissionFailure", "SubmissionTimeout", "SubmissionCrashed", "ChannelCorrupted", "WireError"}
    own |= {"IsolationRefused", "SandboxBroken"}  # the sandbox's GraderErrors: a catalogue Sentence
    found = []
    for path in sorted(SANDBOX.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] in own and node.args:
                first = node.args[0]
                if isinstance(first, ast.Call) and ast.unparse(first.func) == "Sentence" and first.args:
                    first = first.args[0]
                if not (isinstance(first, ast.Constant) and CODE.fullmatch(str(first.value))):
                    found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_sandbox_says_codes_of_the_catalogue_never_sentences():
    """Every code grader/sandbox/ names is in the catalogue in both languages, and none of its errors
    is raised with a sentence of its own (a reworded sentence changes the catalogue alone)."""
    used = _codes_used()
    assert len({code for _, code in used}) >= 45
    assert not [(where, code) for where, code in used if code not in i18n.MESSAGES["en"]]
    assert not _raised_sentences()
    assert set(CHILD_CODES + NOTE_CODES + WIRE_CODES) <= set(i18n.MESSAGES["zh-CN"])


def test_every_catalogue_key_has_both_languages_and_renders_with_its_params():
    assert set(i18n.MESSAGES["en"]) == set(i18n.MESSAGES["zh-CN"])
    for key, template in i18n.MESSAGES["en"].items():
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        values = {name: f"<{name}>" for name in fields}
        for language in i18n.LANGUAGES:
            said = i18n.Sentence(key, values).text(language)
            assert all(
                value in said
                for name, value in values.items()
                if name != "type" or key != "sandbox.raised_by"
            )


def test_a_sentence_says_its_parameters_in_its_own_language():
    """A parameter that is itself a sentence (how the process ended) or quoted words is said in the
    sentence's language; plain values are said as they are."""
    ended = i18n.Sentence("sandbox.exit.code", {"code": 3})
    said = i18n.Sentence("sandbox.import_crashed", {"exit": ended, "complaint": " (bwrap: no)"})
    assert (
        said.text("en")
        == str(said)
        == "importing your code ended the process: the process exited with code 3 (bwrap: no)"
    )
    assert said.text("zh-CN") == "导入你的代码时进程结束：进程以退出码 3 退出 (bwrap: no)"
    quoted = i18n.Sentence(
        "sandbox.raised", {"function": "f", "type": "KeyError", "message": i18n.Quoted("'a'"), "where": ""}
    )
    assert (
        quoted.text("en") == "f raised KeyError: 'a'" and quoted.text("zh-CN") == "f 抛出了 KeyError：\"'a'\""
    )


@pytest.mark.parametrize(
    ("said", "chinese"),
    [
        (
            {"code": "child.no_name", "params": {"name": "conv_forward"}},
            "你的提交中没有定义 'conv_forward'：请检查名字是否拼对",
        ),
        ({"code": "child.write_outside", "params": {"path": "/etc/x"}}, '不允许在沙箱外写文件："/etc/x"'),
        ({"code": "child.not_allowed", "params": {"event": "socket.connect"}}, "评分时不允许 socket.connect"),
        ({"code": "child.no_name", "params": {}}, '"forged"'),  # a code without its params: quoted
        ({"code": "sandbox.budget_spent", "params": {"limit": "1"}}, '"forged"'),  # not the child's code
        ({"code": "child.no_name", "params": {"name": ["a"]}}, '"forged"'),  # not plain
    ],
)
def test_the_childs_own_words_in_a_students_exception_are_chinese(said, chinese):
    """The child sends its sentence's code and params; anything else is the student's, quoted."""
    with pytest.raises(AttributeError) as caught:
        raise_student_error("f", {"type": "AttributeError", "message": "forged", "said": said})
    assert zh(caught.value) == f"f 抛出了 AttributeError：{chinese}"


def test_the_child_sends_a_sentence_code_only_as_plain_data():
    """A code the student's own exception carries crosses only as plain data (a frame of anything
    else would end the child), and the grader renders it only if it is one of the child's."""
    error = ValueError("x")
    error.grader_said = {"code": "child.no_name", "params": {"name": object()}}  # type: ignore[attr-defined]
    assert "said" not in describe_error(error, "s.py")
    error.grader_said = {"code": "child.no_name", "params": {"name": "f"}}  # type: ignore[attr-defined]
    described = describe_error(error, "s.py")
    assert json.loads(json.dumps(described))["said"] == {"code": "child.no_name", "params": {"name": "f"}}


def test_the_lint_names_what_stays_english(tmp_path):
    suite = tmp_path / "test_x.py"
    suite.write_text(
        "import pytest\n"
        "from grader.compare import assert_close, expect, message\n"
        "def test_a(submission):\n"
        "    assert submission.f() == 1\n"
        "    expect(True, 'must be one', 'must be one')\n"
        "    assert_close(1, 1, what='the first row of it')\n"
        "    assert_close(1, 1, what=message('the first row', '第一行'))\n"
        "    with pytest.raises(ValueError):\n"
        "        pass\n"
        "@pytest.mark.parametrize('source', ['002: it gives four', message('a b c', '甲')])\n"
        "def test_b(source):\n"
        "    expect(True, 'fine', '好')\n",
        encoding="utf-8",
    )
    problems = english_only(suite)
    lines = [int(problem.split(":")[1]) for problem in problems]
    assert lines == [4, 5, 6, 8, 10], problems


@pytest.fixture(scope="module")
def chinese_course(tmp_path_factory):
    root = fixture_course(tmp_path_factory.mktemp("zh") / "course")
    config = root / "course.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("language: en", "language: zh-CN"), encoding="utf-8"
    )
    return root


def _failing_outputs(root: Path, assignment: str, source: str, folder: Path) -> list[str]:
    path = folder / f"{assignment}.py"
    path.write_text(source, encoding="utf-8")
    report = grade(root, load_course(root / "course.yml").assignment(assignment), path)
    return [t.output for t in report.tests if t.score < t.max_score]


VEC = [
    ("return x + y\n", "return x - y\n"),  # wrong values
    ("return x + y\n", "return (x + y)[:1]\n"),  # wrong shape
    ("return x * k\n", 'raise ValueError("k is bad")\n'),  # the student's own exception
    ("return float(np.sqrt(np.sum(x * x)))\n", "return int(np.sum(x))\n"),  # a wrong type
]


@pytest.mark.parametrize(("old", "new"), VEC)
def test_a_chinese_report_of_failing_work_has_no_english_sentence(chinese_course, tmp_path, old, new):
    source = (chinese_course / "solutions" / "vec.py").read_text(encoding="utf-8")
    assert source.count(old) == 1
    outputs = _failing_outputs(chinese_course, "vec", source.replace(old, new), tmp_path)
    assert outputs
    assert not [output for output in outputs if english(output)]
    assert all(re.search(r"[\u4e00-\u9fff]", output) for output in outputs)


def test_a_chinese_report_names_the_mistake_and_the_unimportable_in_chinese(chinese_course, tmp_path):
    source = (chinese_course / "solutions" / "stats.py").read_text(encoding="utf-8")
    old = "return float(np.sum(centred * centred) / x.size)"
    assert source.count(old) == 1
    wrong = source.replace(old, "return float(np.sum(centred * centred) / (x.size - 1))")  # the catalogue's
    outputs = _failing_outputs(chinese_course, "stats", wrong, tmp_path)
    assert any("常见错误" in output for output in outputs), outputs
    assert not [output for output in outputs if english(output)]
    broken = _failing_outputs(chinese_course, "stats", "def mean(:\n", tmp_path)
    assert broken and all(output.startswith("你的代码无法导入") for output in broken), broken


@pytest.mark.parametrize("source", ["def mean(:\n", "import os\nos._exit(3)\n"])
def test_course_check_knows_a_stub_that_does_not_import_by_its_kind_in_any_language(
    chinese_course, tmp_path, source
):
    """`course check` tests the loading failure's kind, never its words: a Chinese report says
    "无法导入" nowhere for a stub whose import ends the process, and it is named all the same."""
    course = load_course(chinese_course / "course.yml")
    assignment = course.assignment("stats")
    stub = chinese_course / "assignments" / "stats" / assignment.module
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text(source, encoding="utf-8")
    try:
        problems = check_stub(chinese_course, course, assignment)
    finally:
        shutil.rmtree(stub.parent.parent)
    assert problems and problems[0].startswith("stats: the stub does not import: "), problems
    assert not english(problems[0].split(": the stub does not import: ")[1])


def test_a_grader_error_carries_its_kind_and_a_catalogue_sentence_its_params():
    refused = IsolationRefused(Sentence("isolation.uids_taken", {"count": 1000}))
    assert str(refused) == "all 1000 sandbox uids are in use; grade fewer at once."
    assert (refused.code, refused.params) == ("isolation.uids_taken", {"count": 1000})
    assert refused.text("zh-CN") == "沙箱的 1000 个 uid 都在使用中；请减少同时评分的数量。"
    plain = ConfigError("course.yml: assignment 'pool' has no points; add 'points:' under it.")
    assert (plain.code, plain.params, plain.text("zh-CN")) == ("config", {}, str(plain))
