"""A test's JSON record read back (`TestResult.from_dict`, beside `to_dict`): nothing is lost between
grade-all's feedback file and the comment posted on the student's commit (issue 20, item 6)."""

import json

from grader.collect.feedback import comments
from grader.disclosure import student_copy
from grader.outcome import Notice
from grader.reports import report_from_record, to_markdown
from grader.scoring import RECORD_FIELDS, Report, TestResult


def seeded_failure(name: str, function: str, seed: int) -> TestResult:
    """A public test that drew its inputs from `rng` and failed, its output as the plugin writes it
    (the seed on the first line, then the traceback's tail)."""
    output = f"NameError: name 'np' is not defined (seed {seed})\n  vec.py:3: in {function}"
    return TestResult(name, function, 0.0, 2.0, "failed", False, output, duration_s=0.02, seed=seed)


def through_json(record: dict) -> dict:
    return json.loads(json.dumps(record, ensure_ascii=False))


def test_a_record_read_back_is_the_result_it_was_made_of():
    tests = [
        TestResult("test_add", "add", 1.0, 1.0, "passed", False, duration_s=0.01),
        seeded_failure("test_scale", "scale", 48213),
        TestResult(
            "test_norm[case-2]",
            "norm",
            0.0,
            2.0,
            "failed",
            True,
            "norm([3, 4]) returned 7, expected 5",
            mistake="l1 instead of l2",
            seed=7,
            notices=(Notice.of("hidden_not_imported"), Notice.of("finding", axis=1, function="norm")),
        ),
    ]
    for test in tests:
        assert TestResult.from_dict(through_json(test.to_dict())) == test
    assert TestResult.from_dict(through_json(tests[1].to_dict())).seed == 48213


def test_every_field_of_the_record_is_read_back():
    record = through_json(seeded_failure("test_scale", "scale", 5).to_dict())
    assert set(RECORD_FIELDS) <= set(record)
    for key in RECORD_FIELDS:  # each field changed alone comes back changed
        changed = {**record, key: "other" if isinstance(record[key], str | None) else not record[key]}
        assert getattr(TestResult.from_dict(changed), key) == changed[key], key


def test_an_older_record_reads_with_defaults_and_drops_malformed_notices():
    record = {"name": "test_add", "function": "add", "score": 0.0, "max_score": 1.0, "status": "failed"}
    read = TestResult.from_dict(
        {**record, "hidden": True, "notices": [["hidden_not_imported", {}], "x", [1]]}
    )
    assert (read.output, read.seed, read.mistake, read.duration_s) == ("", None, None, 0.0)
    assert read.notices == (Notice.of("hidden_not_imported"),)


def test_the_posted_comment_keeps_the_seed_and_says_what_the_job_summary_says(tmp_path):
    """Every public test failed for one reason, their seeds apart: the job summary says so once,
    and so must the comment posted from grade-all's feedback file (before: the seeds were dropped,
    each test's line read as a reason of its own, and the comment listed them test by test)."""
    graded = Report(
        assignment="vec",
        submission="class/alice/vec.py",
        isolation="bubblewrap",
        tests=[seeded_failure("test_add", "add", 101), seeded_failure("test_scale", "scale", 202)],
    )
    shown = student_copy(graded)
    feedback = tmp_path / "grades" / "feedback" / "alice" / "vec.json"
    feedback.parent.mkdir(parents=True)
    feedback.write_text(json.dumps(shown.to_dict(), ensure_ascii=False), encoding="utf-8")  # as grade-all
    collected = {"students": {"vec": {"alice": {"repository": "cnn-course/vec-alice", "commit": "c" * 40}}}}
    (tmp_path / "collect.json").write_text(json.dumps(collected), encoding="utf-8")

    read = report_from_record(json.loads(feedback.read_text(encoding="utf-8")))
    assert [test.seed for test in read.tests] == [101, 202]
    assert read.tests == shown.tests
    [comment] = comments(tmp_path / "grades", tmp_path / "collect.json")
    assert comment.body.startswith(to_markdown([shown]).rstrip() + "\n")
    assert "every test failed for one reason: NameError: name 'np' is not defined\n" in comment.body
    assert "| ✗ | add | 0.00/2.00 |" in comment.body


def test_a_failed_seeded_test_shows_its_seed_in_the_comment(tmp_path):
    passed = TestResult("test_add", "add", 2.0, 2.0, "passed", False, duration_s=0.01)
    failed = seeded_failure("test_scale", "scale", 31337)
    failed.output = "values differ: k ignored?"  # a reason written without the seed: it is added
    record = student_copy(Report("vec", "vec.py", "bubblewrap", tests=[passed, failed])).to_dict()
    feedback = tmp_path / "grades" / "feedback" / "bob" / "vec.json"
    feedback.parent.mkdir(parents=True)
    feedback.write_text(json.dumps(record), encoding="utf-8")
    collected = {"students": {"vec": {"bob": {"repository": "cnn-course/vec-bob", "commit": "d" * 40}}}}
    (tmp_path / "collect.json").write_text(json.dumps(collected), encoding="utf-8")
    [comment] = comments(tmp_path / "grades", tmp_path / "collect.json")
    assert "| test_scale | 0.00/2.00 | values differ: k ignored? (seed 31337) |" in comment.body
