"""course collect --github and course post-feedback, against recorded GitHub responses (no network).

Every request goes through a fake `Http` that serves the JSON files of files/github/ and
records what was asked. Cloning is pointed at local bare repositories by git's own
`url.<base>.insteadOf`, so the whole path runs while the token reaches no file and no output.
"""

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.batch.scores import FinalScore, LatePenalty
from grader.cli import course_command
from grader.collect import github_source
from grader.collect.feedback import comments, post
from grader.collect.git import Credentials
from grader.collect.github import GitHub, Response
from grader.errors import GraderError
from grader.scoring import Report, TestResult

from .helpers import FIXTURE, REFERENCE, Organisation, at

FILES = Path(__file__).parent / "files" / "github"
TOKEN = "ghp_TESTtoken0123456789abcdefABCDEF0123"
PAGE1 = "https://api.github.com/orgs/cnn-course/repos?type=all&per_page=100"
PAGE2 = "https://api.github.com/organizations/9919/repos?type=all&per_page=100&page=2"


class FakeGitHub:
    """Serves recorded responses by (method, url) and keeps every request it was sent."""

    def __init__(self, routes):
        self.routes = routes
        self.requests = []

    def __call__(self, method, url, headers, body):
        self.requests.append((method, url, dict(headers), body))
        status, extra, name = self.routes[(method, url)]
        return Response(
            status, {"content-type": "application/json; charset=utf-8", **extra}, (FILES / name).read_bytes()
        )


def listing_routes(next_page=PAGE2):
    link = f'<{next_page}>; rel="next", <{next_page}>; rel="last"'
    return {
        ("GET", PAGE1): (200, {"link": link}, "org-repos-page1.json"),
        ("GET", PAGE2): (
            200,
            {"link": f'<{PAGE1}&page=1>; rel="prev", <{PAGE1}&page=1>; rel="first"'},
            "org-repos-page2.json",
        ),
    }


def test_listing_follows_pages_and_keeps_the_prefix(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    fake = FakeGitHub(listing_routes())
    found = github_source("cnn-course", fake).repositories("vec")
    assert [(r.student, r.name, r.url) for r in found] == [
        ("alice", "cnn-course/vec-alice", "https://github.com/cnn-course/vec-alice.git"),
        ("bob", "cnn-course/vec-bob", "https://github.com/cnn-course/vec-bob.git"),
        ("carol", "cnn-course/vec-carol", "https://github.com/cnn-course/vec-carol.git"),
    ]  # not the template, not conv-alice, not vecx-dan
    assert [(method, url) for method, url, _, _ in fake.requests] == [("GET", PAGE1), ("GET", PAGE2)]
    for _, _, headers, body in fake.requests:
        assert headers["Authorization"] == f"Bearer {TOKEN}" and body is None
        assert headers["Accept"] == "application/vnd.github+json"
        assert headers["X-GitHub-Api-Version"] == "2022-11-28"


def test_a_refused_token_is_one_sentence_without_the_token(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    fake = FakeGitHub({("GET", PAGE1): (401, {}, "bad-credentials.json")})
    with pytest.raises(GraderError) as caught:
        github_source("cnn-course", fake).repositories("vec")
    assert str(caught.value) == (
        "listing the repositories of cnn-course: GitHub refused the token in GITHUB_TOKEN; make a new one"
        " (HTTP 401: Bad credentials)."
    )


def test_the_token_never_follows_a_link_to_another_host(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    fake = FakeGitHub(listing_routes(next_page="https://collector.example.net/repos?page=2"))
    with pytest.raises(GraderError, match="the token goes to https://api.github.com only"):
        github_source("cnn-course", fake).repositories("vec")
    assert [url for _, url, _, _ in fake.requests] == [PAGE1]


def test_git_gets_the_token_as_a_header_in_its_environment_only(monkeypatch):
    monkeypatch.delenv("GIT_CONFIG_COUNT", raising=False)
    credentials = Credentials(TOKEN)
    environment = credentials.environment()
    assert environment["GIT_CONFIG_KEY_0"] == "http.https://github.com/.extraheader"
    scheme, value = environment["GIT_CONFIG_VALUE_0"].split(": ")[1].split()
    assert scheme == "basic" and base64.b64decode(value).decode() == f"x-access-token:{TOKEN}"
    message = f"fatal: header AUTHORIZATION: basic {value} refused for {TOKEN}"
    assert TOKEN not in credentials.redact(message) and value not in credentials.redact(message)


@pytest.fixture
def organisation(tmp_path, monkeypatch):
    """Local bare repositories that git fetches in place of https://github.com/cnn-course/."""
    org = Organisation(tmp_path / "org")
    org.push("alice", {"assignments/vec/vec.py": REFERENCE}, "2026-01-10T09:00:00+00:00")
    org.push("bob", {"vec.py": REFERENCE}, "2026-01-01T00:00:00+00:00")
    org.bare("carol")
    config = tmp_path / "gitconfig"
    config.write_text(f'[url "file://{org.folder}/"]\n\tinsteadOf = https://github.com/cnn-course/\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    return org


def test_collect_from_github_writes_no_token_anywhere(organisation, tmp_path, monkeypatch):
    fake = FakeGitHub(listing_routes())
    monkeypatch.setattr("grader.collect.sources.urllib_http", fake)
    monkeypatch.setattr("grader.cli.collect.now", at("2026-01-11T12:00:00+00:00"))
    monkeypatch.chdir(tmp_path)
    arguments = ["collect", "--github", "cnn-course", "--record", "record.json", "--course", str(FIXTURE)]
    result = CliRunner().invoke(course_command, arguments)
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "collected" / "collect.json").read_text())
    assert {s: (r["repository"], r.get("file")) for s, r in summary["students"]["vec"].items()} == {
        "alice": ("cnn-course/vec-alice", "assignments/vec/vec.py"),
        "bob": ("cnn-course/vec-bob", "vec.py"),
        "carol": ("cnn-course/vec-carol", None),  # empty so far
    }
    written = [p for p in [*(tmp_path / "collected").rglob("*"), tmp_path / "record.json"] if p.is_file()]
    assert len(written) > 20  # the mirrors' files too
    encoded = base64.b64encode(f"x-access-token:{TOKEN}".encode())
    for path in written:
        data = path.read_bytes()
        assert TOKEN.encode() not in data and encoded not in data, path
    assert TOKEN not in result.output


def feedback_record(student_folder, final_pct):
    report = Report(
        assignment="vec",
        submission="class/alice/vec/vec.py",
        isolation="bubblewrap",
        tests=[
            TestResult("test_add", "add", 3.0, 3.0, "passed", True),
            TestResult("test_scale", "scale", 0.0, 3.0, "failed", False, "values differ: k ignored?"),
            # a hidden test's own output never reaches the comment (the student copy renders it)
            TestResult("test_norm", "norm", 0.0, 4.0, "failed", True, "norm([3, 4]) returned 7, expected 5"),
        ],
    )
    record = report.to_dict()
    penalty = LatePenalty("late" if final_pct else "on_time", final_pct, 1 if final_pct else 0, "submitted X")
    record["final"] = FinalScore(report.score, 10.0, penalty).to_dict()
    student_folder.mkdir(parents=True)
    (student_folder / "vec.json").write_text(json.dumps(record))


def test_feedback_is_posted_on_each_graded_commit(tmp_path):
    grades, sha_a, sha_b = tmp_path / "grades", "a" * 40, "b" * 40
    feedback_record(grades / "feedback" / "alice", 10.0)
    feedback_record(grades / "feedback" / "bob", 0.0)
    students = {
        "alice": {"repository": "cnn-course/vec-alice", "commit": sha_a, "file": "vec.py"},
        "bob": {"repository": "cnn-course/vec-bob", "commit": sha_b, "file": "vec.py"},
        "carol": {"repository": "cnn-course/vec-carol", "note": "no commit seen before the cutoff"},
    }
    (tmp_path / "collect.json").write_text(json.dumps({"students": {"vec": students}}))
    alice = f"https://api.github.com/repos/cnn-course/vec-alice/commits/{sha_a}/comments"
    bob = f"https://api.github.com/repos/cnn-course/vec-bob/commits/{sha_b}/comments"
    fake = FakeGitHub(
        {
            ("POST", alice): (201, {}, "commit-comment-created.json"),
            ("POST", bob): (404, {}, "bad-credentials.json"),
        }
    )
    posted, problems = post(comments(grades, tmp_path / "collect.json"), GitHub(TOKEN, fake))
    assert [url for _, url, _, _ in fake.requests] == [alice, bob]  # carol has nothing graded
    body = json.loads(fake.requests[0][3])["body"]
    assert "test_scale | 0.00/3.00 | values differ: k ignored?" in body
    assert "test_norm" in body and "norm([3, 4])" not in body and "expected 5" not in body
    assert "late penalty: -1.0 (submitted X)" in body and "**final score: 2.0**" in body
    assert f"graded commit `{sha_a[:12]}`" in body
    assert fake.requests[0][2]["Content-Type"] == "application/json"
    assert posted == ["alice/vec: https://github.com/cnn-course/vec-alice/commit/SHA#commitcomment-1401"]
    assert len(problems) == 1 and problems[0].startswith(
        "bob/vec: commenting on cnn-course/vec-bob@bbbbbbb: "
    )


def test_post_feedback_command_dry_run_and_missing_token(tmp_path, monkeypatch):
    feedback_record(tmp_path / "grades" / "feedback" / "alice", 0.0)
    students = {"alice": {"repository": "cnn-course/vec-alice", "commit": "c" * 40, "file": "vec.py"}}
    (tmp_path / "collect.json").write_text(json.dumps({"students": {"vec": students}}))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    arguments = ["post-feedback", str(tmp_path / "grades"), "--collected", str(tmp_path / "collect.json")]
    shown = CliRunner().invoke(course_command, [*arguments, "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("--- cnn-course/vec-alice@ccccccc\n### vec: 3.00 / 10.00 (30 %)")
    assert "**final score: 3.0**" in shown.output and shown.output.endswith("1 comments to post\n")
    refused = CliRunner().invoke(course_command, arguments)
    assert refused.exit_code == 2
    assert (
        refused.output == "error: posting feedback needs a token in the GITHUB_TOKEN environment variable.\n"
    )
