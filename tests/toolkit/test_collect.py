"""course collect: first-seen times from a stand-in organisation, the deadline cut-off, then grade-all.

The fixture course's `vec` is due 2026-01-12T23:59Z with no grace, 10 % per started day and
at most 50 %: the late window is 5 days, so the cut-off is 2026-01-17T23:59Z (plus any
extension). Four collections run at C1..C4 below; students push between them, with commit
dates of their choosing, which must change nothing.
"""

import csv
import json
import shutil
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from grader.batch import grade_class
from grader.batch.lateness import cutoff, late_window
from grader.cli import course_command
from grader.collect import LocalSource, Record, collect, open_assignments
from grader.config import load_course
from grader.errors import GraderError

from .helpers import FIXTURE, REFERENCE, WRONG_SCALE, Organisation, at, fast_import, force, git

C1, C2, C3, C4 = (
    "2026-01-11T12:00:00+00:00",
    "2026-01-14T11:59:00+00:00",
    "2026-01-16T00:00:00+00:00",
    ("2026-01-18T12:00:00+00:00"),
)
MODULE = "assignments/vec/vec.py"  # where the student repository template keeps the stub
ROSTER = "student,extension_hours\nalice,\nbob,\ncarol,48\ndave,\nerin,\nfrank,\ngrace,\n"


def run_collection(org, out, when, roster=None):
    course = load_course(FIXTURE / "course.yml")
    return collect(course, LocalSource(org.folder), out, clock=at(when), roster_path=roster, jobs=2)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """Seven students, four collections; returns the folders and each collection's summary."""
    base = tmp_path_factory.mktemp("collect")
    org, out = Organisation(base / "org"), base / "collected"
    (base / "roster.csv").write_text(ROSTER, encoding="utf-8")
    shas = {}
    shas["alice"] = org.push("alice", {MODULE: REFERENCE}, "2026-01-10T09:00:00+00:00")
    shas["carol1"] = org.push("carol", {MODULE: WRONG_SCALE}, "2026-01-10T09:00:00+00:00")
    org.push("dave", {}, "2026-01-10T09:00:00+00:00", links={MODULE: "../../../solutions/vec.py"})
    org.bare("erin")  # an empty repository: nothing pushed
    org.bare("bob")  # accepted the assignment, pushes later
    shas["grace_a"] = org.push("grace", {MODULE: REFERENCE}, "2026-01-10T09:00:00+00:00")
    summaries = [run_collection(org, out, C1, base / "roster.csv")]
    # after the deadline, dated before it: the commit date must not count
    shas["bob"] = org.push("bob", {"vec.py": REFERENCE}, "2026-01-09T00:00:00+00:00")
    shas["carol2"] = org.push("carol", {MODULE: REFERENCE}, "2026-01-14T10:00:00+00:00")
    org.push("grace", {MODULE: WRONG_SCALE}, "2026-01-14T10:00:00+00:00")
    summaries.append(run_collection(org, out, C2, base / "roster.csv"))
    org.reset("grace", shas["grace_a"])  # back to her first commit, seen on time
    summaries.append(run_collection(org, out, C3, base / "roster.csv"))
    # after the cut-off: ignored, however they are dated
    org.push("alice", {MODULE: WRONG_SCALE}, "2026-01-05T00:00:00+00:00")
    org.push("frank", {MODULE: REFERENCE}, "2026-01-01T00:00:00+00:00")
    summaries.append(run_collection(org, out, C4, base / "roster.csv"))
    return base, out, shas, summaries


def read_csv(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_late_window_is_where_the_penalty_reaches_its_cap():
    course = load_course(FIXTURE / "course.yml")  # 10 % per started day, at most 50 %
    assert late_window(course) == timedelta(days=5)
    due = datetime.fromisoformat("2026-01-12T23:59:00+00:00")
    assert cutoff(course, course.assignment("vec")) == due + timedelta(days=5)
    assert cutoff(course, course.assignment("vec"), timedelta(hours=48)) == due + timedelta(days=7)
    never = course.model_copy(
        update={"late_policy": course.late_policy.model_copy(update={"penalty_per_day_pct": 0})}
    )
    assert late_window(never) is None  # the cap is never reached: late work always counts
    hard = course.model_copy(
        update={"late_policy": course.late_policy.model_copy(update={"max_penalty_pct": 0})}
    )
    assert late_window(hard) == timedelta()  # no late work at all


def test_times_are_first_seen_times_never_commit_dates(collected):
    _, out, shas, _ = collected
    times = {row["student"]: row for row in read_csv(out / "times.csv")}
    assert {s: (t["submitted_at"], t["commit"]) for s, t in times.items()} == {
        "alice": ("2026-01-11T12:00:00Z", shas["alice"]),  # her later commit came after the cut-off
        "bob": ("2026-01-14T11:59:00Z", shas["bob"]),  # dated 2026-01-09, first seen at C2
        "carol": ("2026-01-14T11:59:00Z", shas["carol2"]),
        "dave": (times["dave"]["submitted_at"], times["dave"]["commit"]),
        "grace": ("2026-01-11T12:00:00Z", shas["grace_a"]),  # forced back: the first time it was seen
    }
    assert times["dave"]["submitted_at"] == "2026-01-11T12:00:00Z"
    assert all(row["assignment"] == "vec" for row in times.values())


def test_class_folder_holds_the_graded_commit_only(collected):
    _, out, _, summaries = collected
    assert (out / "class" / "alice" / "vec" / "vec.py").read_text() == REFERENCE  # not the late one
    assert (out / "class" / "bob" / "vec" / "vec.py").read_text() == REFERENCE  # found at the top level
    assert (out / "class" / "carol" / "vec" / "vec.py").read_text() == REFERENCE
    assert (out / "class" / "dave" / "vec" / "vec.py").is_symlink()  # grade-all refuses it, naming it
    assert not (out / "class" / "erin").exists() and not (out / "class" / "frank").exists()
    last = summaries[-1]["students"]["vec"]
    assert last["frank"]["note"] == "no commit seen before the cutoff"
    assert last["erin"]["note"] == "no commit seen before the cutoff"
    assert last["carol"]["cutoff"] == "2026-01-19T23:59:00Z"  # 48 h of extension


def test_record_keeps_first_seen_times_and_tips(collected):
    _, out, shas, summaries = collected
    record = json.loads((out / "first-seen.json").read_text())
    grace = record["assignments"]["vec"]["grace"]
    assert [tip["seen"] for tip in grace["tips"]] == [
        "2026-01-11T12:00:00Z", "2026-01-14T11:59:00Z", "2026-01-16T00:00:00Z",
    ]  # fmt: skip
    assert grace["tips"][-1] == {  # forced back to her first commit: it keeps its first time
        "commit": shas["grace_a"],
        "seen": "2026-01-16T00:00:00Z",
        "after": "2026-01-14T11:59:00Z",
        "first_seen": "2026-01-11T12:00:00Z",
        "first_after": None,
    }
    assert record["schema_version"] == 2 and "commits" not in grace
    assert record["assignments"]["vec"]["bob"]["tips"] == [
        {
            "commit": shas["bob"],
            "seen": "2026-01-14T11:59:00Z",
            "after": "2026-01-11T12:00:00Z",
            "first_seen": "2026-01-14T11:59:00Z",
            "first_after": "2026-01-11T12:00:00Z",
        }
    ]
    assert [s["new_commits"] for s in summaries] == [4, 3, 0, 2]


def test_a_push_between_a_check_before_and_one_after_the_deadline_is_flagged(collected):
    _, _, _, summaries = collected
    at_c2 = summaries[1]["warnings"]  # bob's commit, and grace's second (her tip then)
    assert [w.split(":")[0] for w in at_c2] == ["bob/vec", "grace/vec"]
    assert "after the check at 2026-01-11T12:00:00Z" in at_c2[0] and "charged as late" in at_c2[0]
    assert [w.split(":")[0] for w in summaries[-1]["warnings"]] == ["bob/vec"]  # grace went back


def test_collected_class_is_graded_officially_with_the_cut_off(collected, tmp_path):
    base, out, _, _ = collected
    course_root = tmp_path / "course"
    shutil.copytree(FIXTURE, course_root)
    course = load_course(course_root / "course.yml")
    summary = grade_class(
        course_root,
        course,
        out / "class",
        tmp_path / "grades",
        ["vec"],
        roster_path=base / "roster.csv",
        times_path=out / "times.csv",
        workers=2,
    )
    rows = {row["student"]: row for row in read_csv(tmp_path / "grades" / "gradebook.csv")}
    cells = {student: (row["vec"], row["notes"]) for student, row in rows.items()}
    assert cells == {
        "alice": ("10.0", ""),
        "bob": (
            "8.0",
            "vec: late: raw 10.00, -20% of the maximum 10 = -2.00, final 8.00 "
            "(submitted 2026-01-14T11:59:00+00:00 (times.csv))",
        ),
        "carol": ("10.0", ""),  # on time with her extension
        "dave": ("0.0", cells["dave"][1]),
        "erin": ("0.0", "vec: nothing submitted"),
        "frank": ("0.0", "vec: nothing submitted"),  # pushed only after the cut-off
        "grace": ("10.0", ""),
    }
    assert "dave/vec/vec.py is a symbolic link" in cells["dave"][1]
    assert summary["time_unknown"] == []


def test_a_clock_before_the_last_collection_is_refused(collected, tmp_path):
    base, out, _, _ = collected
    (tmp_path / "first-seen.json").write_bytes((out / "first-seen.json").read_bytes())
    course = load_course(FIXTURE / "course.yml")
    with pytest.raises(GraderError, match=r"last collection was at 2026-01-18T12:00:00Z, after now"):
        collect(
            course,
            LocalSource(base / "org"),
            tmp_path / "again",
            record_path=tmp_path / "first-seen.json",
            clock=at(C3),
        )


def test_a_record_alone_decides_again_with_a_corrected_roster(collected, tmp_path):
    base, out, _, _ = collected
    (tmp_path / "first-seen.json").write_bytes((out / "first-seen.json").read_bytes())
    (tmp_path / "roster.csv").write_text("student,extension_hours\nbob,36\ncarol,48\n", encoding="utf-8")
    course = load_course(FIXTURE / "course.yml")
    record = Record.load(tmp_path / "first-seen.json")
    bob = record.graded("vec", "bob", cutoff(course, course.assignment("vec")))
    assert bob is not None and bob.seen.isoformat() == "2026-01-14T11:59:00+00:00"
    empty = tmp_path / "no-repositories"
    empty.mkdir()
    shutil.copytree(out / "mirrors", tmp_path / "again" / "mirrors")  # the fetched commits, kept
    summary = collect(  # no repository reachable now: the record and the mirrors decide
        course,
        LocalSource(empty),
        tmp_path / "again",
        record_path=tmp_path / "first-seen.json",
        roster_path=tmp_path / "roster.csv",
        clock=at(C4),
        assignment_ids=["vec"],
    )
    assert summary["problems"] == []
    assert summary["warnings"] == []  # 36 h of extension: bob's commit seen at C2 is on time
    assert summary["students"]["vec"]["bob"]["submitted_at"] == "2026-01-14T11:59:00Z"


def test_open_assignments_follow_release_and_late_window():
    course = load_course(FIXTURE / "course.yml")  # vec: released 01-05 09:00Z; stats: 01-12 09:00Z

    def ids(text, roster=None):
        return [a.id for a in open_assignments(course, roster or {}, datetime.fromisoformat(text))]

    assert ids("2026-01-05T08:59:00+00:00") == []
    assert ids(C1) == ["vec"]
    assert ids("2026-01-17T23:59:00+00:00") == ["vec", "stats"]
    assert ids("2026-01-18T00:00:00+00:00") == ["stats"]  # vec's late window ended (due + 5 days)
    assert ids("2026-01-24T23:59:00+00:00") == ["stats"]
    assert ids("2026-01-25T00:00:00+00:00") == []


def test_nothing_open_collects_nothing(tmp_path):
    course = load_course(FIXTURE / "course.yml")
    summary = collect(course, LocalSource(tmp_path), tmp_path / "out", clock=at("2027-01-01T00:00:00+00:00"))
    assert summary["assignments"] == [] and read_csv(tmp_path / "out" / "times.csv") == []


def test_cli_collects_and_tells_github_actions_what_to_grade(tmp_path, monkeypatch):
    org = Organisation(tmp_path / "org")
    org.push("alice", {MODULE: REFERENCE}, "2026-01-10T09:00:00+00:00")
    monkeypatch.setattr("grader.cli.collect.now", at(C1))
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "step-output"))
    monkeypatch.chdir(tmp_path)
    arguments = ["collect", "--from", "org", "--record", "records/first-seen.json", "--course", str(FIXTURE)]
    result = CliRunner().invoke(course_command, arguments)
    assert result.exit_code == 0, result.output
    assert "vec: 1 students, 1 submissions to grade, 0 with nothing to grade" in result.output
    assert (tmp_path / "step-output").read_text() == "assignments=vec\n"
    assert (tmp_path / "records" / "first-seen.json").is_file()
    assert (tmp_path / "collected" / "class" / "alice" / "vec" / "vec.py").is_file()
    config = (tmp_path / "collected" / "mirrors" / "vec-alice.git" / "config").read_text()
    assert "url" not in config  # fetched from the URL given each time, never kept as a remote


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        ([], "give the repositories with one of --from DIR or --github ORG."),
        (["--from", "a", "--github", "b"], "give the repositories with one of --from DIR or --github ORG."),
        (["--from", "nowhere", "--assignment", "vec"], "nowhere: no such folder of repositories"),
        (["--github", "cnn-course", "--assignment", "vec"], "needs a token in the GITHUB_TOKEN environment"),
        (["--from", ".", "--prefix", "x"], "--prefix names the repositories of one assignment"),
        (["--from", ".", "--assignment", "vecc"], "did you mean 'vec'?"),
    ],
)
def test_cli_mistakes_are_one_sentence(tmp_path, monkeypatch, arguments, sentence):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(course_command, ["collect", *arguments, "--course", str(FIXTURE)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and sentence in lines[0], result.output


def test_a_broken_repository_or_roster_row_harms_only_its_student(tmp_path):
    org = Organisation(tmp_path / "org")
    org.push("alice", {MODULE: REFERENCE}, "2026-01-10T09:00:00+00:00")
    org.push("bob", {MODULE: REFERENCE}, "2026-01-10T09:00:00+00:00")
    (org.folder / "vec-zed.git").mkdir()  # not a repository at all
    (tmp_path / "roster.csv").write_text("student,extension_hours\nalice,soon\nbob,\n", encoding="utf-8")
    summary = run_collection(org, tmp_path / "out", C1, tmp_path / "roster.csv")
    problems = sorted(summary["problems"])
    assert len(problems) == 2
    assert problems[0].startswith("alice/vec: roster.csv row 2: extension_hours 'soon' is not a number")
    assert problems[0].endswith("; picked with no extension, grade-all leaves it open")
    assert problems[1].startswith("zed/vec: vec-zed.git cannot be fetched: ")
    assert summary["students"]["vec"]["zed"]["note"].startswith("vec-zed.git cannot be fetched: ")
    assert sorted(p.name for p in (tmp_path / "out" / "class").iterdir()) == ["alice", "bob"]


@pytest.mark.slow
def test_a_record_stays_small_after_100000_commits_and_force_pushes(tmp_path):
    """Its size grows with the checks that saw a push, never with commits (was 11.2 MB, then 24.0 MB)."""
    org, out, record_path = (
        Organisation(tmp_path / "org"),
        tmp_path / "collected",
        tmp_path / "first-seen.json",
    )
    bare = org.bare("heidi")
    course = load_course(FIXTURE / "course.yml")

    def collect_at(when):
        return collect(
            course,
            LocalSource(org.folder),
            out,
            clock=at(when),
            record_path=record_path,
            assignment_ids=["vec"],
        )

    first = fast_import(bare, 100_000, REFERENCE)
    assert collect_at(C1)["new_commits"] == 100_000
    force(bare, first[49_999])  # back to a commit pushed with the others, never a tip
    summary = collect_at(C2)
    assert summary["new_commits"] == 0 and summary["warnings"] == []  # first seen at C1: on time
    second = fast_import(bare, 100_000, WRONG_SCALE)  # a new history, forced over the old one
    assert collect_at(C3)["new_commits"] == 100_000
    assert record_path.stat().st_size < 2_000, record_path.read_text()
    record = Record.load(record_path)  # the record alone decides any cut-off again
    due = datetime.fromisoformat("2026-01-12T23:59:00+00:00")
    decided = {
        when: record.graded("vec", "heidi", when)
        for when in (due, due + timedelta(days=2), due + timedelta(days=4))
    }
    assert [(seen.commit, seen.seen.isoformat()) for seen in decided.values()] == [
        (first[-1], C1),
        (first[49_999], C1),  # forced back: the time the commit was first seen, not C2
        (second[-1], C3),
    ]
    assert decided[due + timedelta(days=4)].after == datetime.fromisoformat(C2)


def test_a_record_of_schema_1_is_read_and_written_as_schema_2(tmp_path):
    """A record written before the tips alone were kept: every commit, with when it was first seen."""
    old = {
        "schema_version": 1,
        "assignments": {
            "vec": {
                "ivan": {
                    "repository": "vec-ivan",
                    "checked": "2026-01-16T00:00:00Z",
                    "commits": {
                        "a" * 40: {"seen": "2026-01-11T12:00:00Z", "after": None},
                        "b" * 40: {"seen": "2026-01-11T12:00:00Z", "after": None},
                        "c" * 40: {"seen": "2026-01-14T11:59:00Z", "after": "2026-01-11T12:00:00Z"},
                    },
                    "tips": [
                        {"seen": "2026-01-11T12:00:00Z", "commit": "b" * 40},
                        {"seen": "2026-01-14T11:59:00Z", "commit": "c" * 40},
                        {"seen": "2026-01-16T00:00:00Z", "commit": "a" * 40},  # forced back
                    ],
                }
            }
        },
    }
    path = tmp_path / "first-seen.json"
    path.write_text(json.dumps(old, indent=1), encoding="utf-8")
    record = Record.load(path)
    due = datetime.fromisoformat("2026-01-12T23:59:00+00:00")
    on_time = record.graded("vec", "ivan", due)
    late = record.graded("vec", "ivan", due + timedelta(days=2))
    forced = record.graded("vec", "ivan", None)
    assert (on_time.commit, on_time.seen.isoformat(), on_time.after) == ("b" * 40, C1, None)
    assert (late.commit, late.seen.isoformat(), late.after.isoformat()) == ("c" * 40, C2, C1)
    assert (forced.commit, forced.seen.isoformat(), forced.after) == ("a" * 40, C1, None)
    record.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["schema_version"] == 2 and "commits" not in saved["assignments"]["vec"]["ivan"]
    assert [tip["after"] for tip in saved["assignments"]["vec"]["ivan"]["tips"]] == [
        None, "2026-01-11T12:00:00Z", "2026-01-14T11:59:00Z",
    ]  # fmt: skip
    assert Record.load(path).graded("vec", "ivan", None) == forced


@pytest.mark.parametrize("server_keeps_old_commits", [True, False])
def test_a_branch_forced_back_after_the_mirrors_were_lost(tmp_path, server_keeps_old_commits):
    """The mirrors live in a cache that may be evicted: the recorded tip is fetched again by sha
    where the server still has it (GitHub keeps commits a force-push left behind), so the commit
    keeps its first time; only a commit gone everywhere counts from the check that saw it."""
    org, out, record_path = (
        Organisation(tmp_path / "org"),
        tmp_path / "collected",
        tmp_path / "first-seen.json",
    )
    course = load_course(FIXTURE / "course.yml")
    first = org.push("judy", {MODULE: REFERENCE}, "2026-01-10T09:00:00+00:00")
    org.push("judy", {MODULE: WRONG_SCALE}, "2026-01-10T10:00:00+00:00")

    def collect_at(when):
        return collect(
            course,
            LocalSource(org.folder),
            out,
            clock=at(when),
            record_path=record_path,
            assignment_ids=["vec"],
        )

    collect_at(C1)
    shutil.rmtree(out / "mirrors")
    bare = org.bare("judy")
    force(bare, first)  # the second commit is now reachable from no branch
    if not server_keeps_old_commits:
        git("--git-dir", str(bare), "reflog", "expire", "--expire=now", "--all")
        git("--git-dir", str(bare), "gc", "--quiet", "--prune=now")
    collect_at(C2)
    graded = Record.load(record_path).graded("vec", "judy", None)
    assert graded.commit == first
    assert graded.seen.isoformat() == (C1 if server_keeps_old_commits else C2)
