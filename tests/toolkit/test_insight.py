"""course insight on staff records written as grade-all writes them (no grading: fast)."""

import json
import stat

import numpy as np
import pytest
from click.testing import CliRunner

from grader import analysis
from grader.batch.staff import staff_record, write_staff_record
from grader.cli import course_command
from grader.insight import run_insight
from grader.insight.items import item_rest
from grader.insight.messages import MESSAGES
from grader.insight.privacy import pseudonym

from .conftest import fixture_course

TESTS = [  # (name, function, hidden)
    ("test_mean_small", "mean", False),
    ("test_variance_small", "variance", False),
    ("test_mean_of_a_grid", "mean", True),
    ("test_variance_worked[case-1]", "variance", True),
    ("test_variance_worked[case-2]", "variance", True),
]


def record(failed=None, mistake=None, kind=None, params=None, days=0):
    """A staff report of the fixture course's stats: `failed` tests fail with this finding."""
    failed = failed or {}
    tests = []
    for name, function, hidden in TESTS:
        bad = name in failed
        tests.append(
            {"name": name, "function": function, "score": 0.0 if bad else 1.0, "max_score": 1.0,
             "status": "failed" if bad else "passed", "hidden": hidden, "output": "",
             "mistake": mistake if bad else None, "duration_s": 0.1, "seed": None, "explanation": "",
             "finding": {"kind": kind, "params": params or {}, "callees": []} if bad else None}
        )  # fmt: skip
    score = sum(t["score"] for t in tests)
    final = {"raw_score": score, "max_score": 5.0, "penalty_pct": 10.0 * days, "penalty_points": 0.5 * days,
             "final_score": score - 0.5 * days, "time": "late" if days else "on_time", "days_late": days,
             "detail": ""}  # fmt: skip
    return {"assignment": "stats", "score": score, "max_score": 5.0, "tests": tests}, final


def write_class(grades, groups, section=None):
    """groups: [(count, kwargs of record)]; students are named s00, s01, ... in order."""
    number = 0
    for count, options in groups:
        for _ in range(count):
            report, final = record(**options)
            student = f"s{number:02d}"
            write_staff_record(
                grades, student, "stats", staff_record(student, "stats", report, final, section, None)
            )
            number += 1
    return grades


VARIANCE = {"test_variance_small", "test_variance_worked[case-1]", "test_variance_worked[case-2]"}
MEAN = {"test_mean_small", "test_mean_of_a_grid"}


@pytest.fixture
def grades(tmp_path):
    return write_class(
        tmp_path / "grades",
        [
            (6, {}),
            (5, {"failed": VARIANCE, "kind": "number_scale", "params": {"factor": "2", "got_shape": "(3,)"}}),
            (2, {"failed": VARIANCE, "kind": "number_scale", "params": {"factor": "3"}}),
            (
                4,
                {
                    "failed": VARIANCE,
                    "mistake": "sample variance",
                    "kind": "number_scale",
                    "params": {"factor": "2"},
                },
            ),
            (3, {"failed": MEAN, "days": 2}),
            (1, {"failed": {"test_mean_of_a_grid"}}),
        ],
    )


def test_misconceptions_are_grouped_by_code_and_ranked_by_cost(grades):
    result = run_insight(grades)
    report = json.loads((grades / "insight" / "insight.json").read_text(encoding="utf-8"))
    groups = report["assignments"][0]["misconceptions"]
    found = [(g["kind"], g["function"], g["students"], g["cost"], g["candidate"]) for g in groups]
    assert found == [
        ("finding", "variance", 5, 15.0, True),  # the shape parameter does not split the group
        ("catalogued", "variance", 4, 12.0, False),
        ("signature", "mean", 3, 6.0, False),
        ("finding", "variance", 2, 6.0, False),
        ("signature", "mean", 1, 1.0, False),
    ]
    assert groups[0]["code"] == [["number_scale", [["factor", "2"]]]]
    assert groups[0]["examples"] == ["s06", "s07", "s08"] and groups[1]["catalogued"]
    assert result["candidates"] == 1


def test_overview_counts_late_work_functions_and_sections(tmp_path):
    grades = write_class(tmp_path / "g", [(2, {}), (2, {"failed": MEAN, "days": 1})], section="L1")
    run_insight(grades)
    view = json.loads((grades / "insight" / "insight.json").read_text(encoding="utf-8"))["assignments"][0][
        "overview"
    ]
    assert view["late"]["late"] == 2 and view["late"]["penalty_points"] == 1.0
    assert [f["function"] for f in view["functions"]] == ["mean", "variance"]
    assert view["functions"][0]["lost_share"] == 1.0 and view["functions"][0]["mean"] == 1.0
    assert view["sections"] == [{"section": "L1", "students": 4, "raw": 4.0, "final": 3.75}]
    assert sum(b["count"] for b in view["raw"]["histogram"]) == 4


def test_item_analysis_flags_the_suites_weak_spots(grades):
    run_insight(grades)
    items = json.loads((grades / "insight" / "insight.json").read_text(encoding="utf-8"))["assignments"][0][
        "items"
    ]
    rows = {row["test"]: row for row in items["tests"]}
    assert rows["test_mean_small"]["difficulty"] == round(1 - 3 / 21, 3)
    assert ["test_variance_small", "test_variance_worked[case-1]"] in items["together"]
    assert ["test_mean_small", "test_mean_of_a_grid"] not in items["together"]  # s20 fails one only
    assert items["unwarned"] == ["test_mean_of_a_grid"] and rows["test_mean_of_a_grid"]["unwarned"] == 1
    assert items["unexplained"] == ["test_mean_small", "test_mean_of_a_grid"]  # no finding: not explained
    assert items["never_failed"] == [] and items["always_failed"] == []


def test_discrimination_is_the_item_rest_correlation_and_undefined_without_spread():
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 2, size=(40, 5)).astype(float)
    scores[:, 2] = 1.0  # everyone passes
    scores[:, 4] = 0.0  # no one passes
    values = item_rest(scores)
    for j in (0, 1, 3):
        rest = scores.sum(axis=1) - scores[:, j]
        assert values[j] == pytest.approx(np.corrcoef(scores[:, j], rest)[0, 1], abs=1e-3)
    assert values[2] is None and values[4] is None


def test_the_page_shows_undefined_discrimination_in_both_languages(grades):
    run_insight(grades, language="zh-CN")
    page = (grades / "insight" / "index.html").read_text(encoding="utf-8")
    assert "常见误解" in page and "建议加入错误目录" in page and "<svg" in page
    assert set(MESSAGES["en"]) == set(MESSAGES["zh-CN"])


def test_the_anonymous_form_has_pseudonyms_no_names_no_links(grades, tmp_path):
    secret_file = tmp_path / "secret"
    result = run_insight(grades, tmp_path / "shared", secret_file=secret_file)
    assert result["secret_made"] and stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    text = (tmp_path / "shared" / "insight.json").read_text(encoding="utf-8")
    page = (tmp_path / "shared" / "index.html").read_text(encoding="utf-8")
    secret = secret_file.read_bytes().strip()
    assert pseudonym("s06", secret) in text and pseudonym("s06", secret) != pseudonym("s06", b"x" * 32)
    for number in range(21):
        assert f'"s{number:02d}"' not in text and f">s{number:02d}<" not in page
    assert "<a href" not in page and "code_side_by_side" not in text
    run_insight(grades, tmp_path / "again", secret_file=secret_file)  # the same secret, the same names
    assert (tmp_path / "again" / "insight.json").read_text(encoding="utf-8") == text


def test_instructors_form_links_feedback_and_is_private(grades):
    run_insight(grades)
    page = (grades / "insight" / "index.html").read_text(encoding="utf-8")
    assert 'href="../feedback/s06/stats.html"' in page
    assert stat.S_IMODE((grades / "insight").stat().st_mode) == 0o700
    assert stat.S_IMODE((grades / "staff" / "s06").stat().st_mode) == 0o700
    assert stat.S_IMODE((grades / "staff" / "s06" / "stats.json").stat().st_mode) == 0o600


def test_candidates_show_the_students_functions_side_by_side(tmp_path):
    folder = tmp_path / "class"
    grades = tmp_path / "grades"
    for number in range(5):
        path = folder / f"s{number:02d}" / "stats.py"
        path.parent.mkdir(parents=True)
        hostile = " + len('</pre><script>document.title=1</script>')" if number == 0 else ""
        path.write_text(
            f"def mean(x):\n    return {number}\n\n\ndef variance(x):\n    return 2 * {number}{hostile}\n"
        )
        report, final = record(failed=VARIANCE, kind="number_scale", params={"factor": "2"})
        student = f"s{number:02d}"
        write_staff_record(
            grades, student, "stats", staff_record(student, "stats", report, final, None, str(path))
        )
    run_insight(grades)
    group = json.loads((grades / "insight" / "insight.json").read_text())["assignments"][0]["misconceptions"][
        0
    ]
    sources = [c["source"] for c in group["code_side_by_side"]]
    assert group["candidate"] and sources[1:] == [f"def variance(x):\n    return 2 * {n}" for n in (1, 2, 3)]
    assert sources[0].startswith("def variance(x):\n    return 2 * 0 + len('</pre><script>")
    page = (grades / "insight" / "index.html").read_text(encoding="utf-8")  # code is text, never markup
    assert "<script>" not in page and "&lt;/pre&gt;&lt;script&gt;" in page and page.count("<pre>") == 4


def test_course_insight_command_and_its_mistakes(grades, tmp_path):
    course = fixture_course(tmp_path / "course")
    runner = CliRunner()
    result = runner.invoke(course_command, ["insight", str(grades), "--course", str(course)])
    assert result.exit_code == 0, result.output
    assert "1 candidate catalogue entry" in result.output
    report = json.loads((grades / "insight" / "insight.json").read_text(encoding="utf-8"))
    catalogued = report["assignments"][0]["misconceptions"][0]
    assert catalogued["catalogue_entries"] == ["sample variance"]  # the course's catalogue is read
    assert catalogued["lecture"][0].startswith("Around the mean 3")  # the public test's docstring
    empty = runner.invoke(course_command, ["insight", str(tmp_path), "--course", str(course)])
    assert empty.exit_code == 2 and "no staff records" in empty.output
    loose = runner.invoke(course_command, ["insight", str(grades), "--anonymous", "--course", str(course)])
    assert loose.exit_code == 2 and "--secret-file" in loose.output


def test_export_by_function_and_by_test(grades, tmp_path):
    course = fixture_course(tmp_path / "course")
    rows = ["student,stats,total,notes"] + [f"s{n:02d},5,5," for n in range(21)]
    (grades / "gradebook.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    runner = CliRunner()
    for by in ("function", "test"):
        result = runner.invoke(
            course_command, ["export", str(grades / "gradebook.csv"), "--by", by, "--course", str(course)]
        )
        assert result.exit_code == 0, result.output
    lines = (grades / "by-function.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "student,stats: mean,stats: variance" and lines[7] == "s06,2,0"
    header = (grades / "by-test.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[1:3] == ["stats: test_mean_small", "stats: test_variance_small"]


def test_findings_carry_their_parameters_as_a_code():
    found = analysis.explain(np.array([2.0, 4.0, 6.0, 8.0, 10.0]), np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert found is not None and found.kind == "scale" and dict(found.params)["factor"] == "2"
    said = analysis.explain(
        np.array([2.0, 4.0, 6.0, 8.0, 10.0]), np.array([1.0, 2.0, 3.0, 4.0, 5.0]), "zh-CN"
    )
    assert said is not None and said.params == found.params and said.sentence != found.sentence
