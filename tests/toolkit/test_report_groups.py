"""The report a student reads top to bottom: each function's points and the sentence that matters
most for it, then the tests, a parametrised test's cases in one row (issue 21 item 6)."""

import io
import re

from rich.console import Console

from grader import reports
from grader.report_groups import function_summaries, grouped_tests
from grader.scoring import Report, TestResult


def parametrised_report(language="en"):
    """conv_output_size with 21 cases of one parametrised test (the 8th fails), zero_pad failing
    a public test plainly and a hidden test with a named mistake, and a hidden test not run."""
    cases = [
        TestResult(f"test_output_size[{n}-3-0-1]", "conv_output_size", 0.14, 0.14, "passed", False)
        for n in range(21)
    ]
    cases[7] = TestResult(
        "test_output_size[7-3-0-1]",
        "conv_output_size",
        0.0,
        0.14,
        "failed",
        False,
        output="In conv_output_size(7, 3): returned a float (5.0) where an int is needed: use //",
    )
    pad = [
        TestResult(
            "test_zero_pad_shape",
            "zero_pad",
            0.0,
            1.0,
            "failed",
            False,
            output="shape (3, 7) expected (5, 7)",
        ),
        TestResult(
            "test_zero_pad_hidden",
            "zero_pad",
            0.0,
            2.0,
            "failed",
            True,
            output="known mistake: padding on every axis\nmore",
            mistake="padding on every axis",
        ),
        TestResult("test_forward_hidden", "conv_forward", 0.0, 5.0, "pending", True),
    ]
    return Report("conv", "conv.py", "bubblewrap", tests=[*cases, *pad], language=language)


def test_the_cases_of_one_parametrised_test_are_one_group():
    groups = grouped_tests(parametrised_report())
    assert [(g.name, len(g.tests), g.passed) for g in groups] == [
        ("test_output_size", 21, 20),
        ("test_zero_pad_shape", 1, 0),
        ("test_zero_pad_hidden", 1, 0),
        ("test_forward_hidden", 1, 0),
    ]
    first = groups[0]
    assert first.status == "failed" and first.shown.name == "test_output_size[7-3-0-1]"
    assert round(first.score, 2) == 2.80 and round(first.max_score, 2) == 2.94


def test_each_function_gets_its_points_and_the_sentence_that_matters_most():
    summaries = {s.function: s for s in function_summaries(parametrised_report())}
    assert summaries["conv_output_size"].sentence.startswith("In conv_output_size(7, 3): returned a float")
    # a named mistake is the story, before a public test's shapes
    assert summaries["zero_pad"].sentence == "known mistake: padding on every axis"
    assert (summaries["zero_pad"].score, summaries["zero_pad"].max_score) == (0.0, 3.0)
    assert summaries["conv_forward"].status == "pending"


def printed(report):
    console = Console(file=io.StringIO(), width=200, record=True)
    reports.print_report(report, console)
    return console.export_text()


def test_the_terminal_shows_functions_first_then_one_row_per_test():
    text = printed(parametrised_report())
    assert text.index("points per function") < text.index("test_output_size")
    assert "test_output_size (20 of 21 cases)" in text
    assert text.count("0.14/0.14") == 0 and "2.80/2.94" in text
    assert len(re.findall(r"test_output_size", text)) == 1
    assert "0.00/3.00" in text  # zero_pad's row in the functions' table


def test_the_grouping_speaks_chinese():
    text = printed(parametrised_report("zh-CN"))
    assert "21 个用例中通过 20 个" in text and "每个函数的得分" in text


def test_the_html_page_has_the_functions_table_and_grouped_cases():
    html = reports.to_html(parametrised_report())
    functions = html.index('id="functions"')
    tests = html.index('id="tests"')
    assert functions < tests
    assert "test_output_size (20 of 21 cases)" in html
    assert html.count("test_output_size[") == 1  # the failing case is named, once
    assert "known mistake: padding on every axis" in html[functions:tests]
