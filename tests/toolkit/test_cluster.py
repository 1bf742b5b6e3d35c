"""grade-all on Dask workers that share no files with the client: the course and submissions are shipped.

The real-cluster test starts `dask scheduler` and `dask worker` as processes; the workers run
in a mount namespace of their own (`unshare -m`) with an empty tmpfs over the course and the
class folders, as a worker on another machine would see them. Not under bubblewrap: the
workers start bubblewrap themselves, and it does not nest here.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from grader.batch import grade_class
from grader.batch.cluster import (
    _check_workers,
    bundle_files,
    course_bundle,
    digest_of,
    quiet_profiler,
    shipped_job,
    unpack_course,
    worker_isolation,
)
from grader.batch.scores import LatePenalty
from grader.config import load_course
from grader.errors import GraderError, IsolationRefused
from grader.sandbox import bubblewrap_works

from .helpers import FIXTURE, REFERENCE, WRONG_SCALE

DASK = Path(sys.executable).with_name("dask")
SUBMISSIONS = {
    "ann": REFERENCE,
    "ben": WRONG_SCALE,
    "cat": "import os\nos._exit(3)\n",  # dies at import: every test fails, the run goes on
    "dan": REFERENCE.replace("return x + y", "return x - y"),
    "eve": "crash the worker\n",  # read by crash_or_grade below
}


def make_class(folder):
    for student, text in SUBMISSIONS.items():
        (folder / student).mkdir(parents=True)
        (folder / student / "vec.py").write_text(text, encoding="utf-8")
    return folder


def gradebook(out):
    with (out / "gradebook.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_bundle_holds_what_grading_needs_and_nothing_else(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    (root / "tests" / "toolkit").mkdir()
    (root / "tests" / "toolkit" / "test_x.py").write_text("")
    (root / "tests" / "vec" / "__pycache__").mkdir()
    (root / "tests" / "vec" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (root / "tests" / "vec" / "mistakes.py").write_text("MISTAKES = []\n")
    names = [path.relative_to(root).as_posix() for path in bundle_files(root)]
    assert names == [
        "course.yml",
        "solutions/stats.py",
        "solutions/vec.py",
        "tests/stats/mistakes.py",
        "tests/stats/test_hidden.py",
        "tests/stats/test_public.py",
        "tests/stats/timings.json",
        "tests/vec/mistakes.py",
        "tests/vec/test_hidden.py",
        "tests/vec/timings.json",
    ]  # not the course's pyproject.toml, tests/toolkit or caches
    assert course_bundle(root) == course_bundle(root)  # the same course, the same bytes, the same hash


def test_course_is_unpacked_once_per_worker_by_hash(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    bundle = course_bundle(FIXTURE)
    digest = digest_of(bundle)
    calls = []
    extract = zipfile.ZipFile.extractall
    monkeypatch.setattr(zipfile.ZipFile, "extractall", lambda self, *a: calls.append(1) or extract(self, *a))
    first = unpack_course(bundle, digest)
    again = unpack_course(bundle, digest)
    assert first == again == tmp_path / f"grader-course-{digest}" and len(calls) == 1
    assert (first / "tests" / "vec" / "test_hidden.py").read_bytes() == (
        FIXTURE / "tests" / "vec" / "test_hidden.py"
    ).read_bytes()
    assert oct(first.stat().st_mode & 0o777) == "0o700"  # no other user reads the hidden tests
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]  # no staging folder left
    with pytest.raises(ValueError, match="arrived damaged"):
        unpack_course(bundle[:-1] + b"x", digest_of(bundle[:-1] + b"y"))


def test_an_unreachable_scheduler_stops_the_run_in_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr("grader.batch.cluster.CONNECT_TIMEOUT_S", 1)
    make_class(tmp_path / "class")
    course = load_course(FIXTURE / "course.yml")
    with pytest.raises(
        GraderError, match=r"^the Dask scheduler at tcp://127.0.0.1:9 cannot be reached or has no"
    ):
        grade_class(
            FIXTURE, course, tmp_path / "class", tmp_path / "out", ["vec"], scheduler="tcp://127.0.0.1:9"
        )
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_a_worker_without_strong_isolation_refuses_the_run():
    class Client:
        def run(self, function, preference):
            assert function is worker_isolation and preference == "auto"
            return {"tcp://10.0.0.5:4000": None, "tcp://10.0.0.6:4000": "bubblewrap does not work here"}

    with pytest.raises(
        IsolationRefused, match=r"^Dask worker tcp://10.0.0.6:4000 of tcp://s:8786: bubblewrap"
    ):
        _check_workers(Client(), "tcp://s:8786", "auto")


def seen_by_job(root, assignment_id, submission, penalty, shown_as):
    """A stand-in job: what a worker's job is given."""
    return {
        "submission": submission,
        "course_yml": (Path(root) / "course.yml").is_file(),
        "content": Path(submission).read_text(),
        "shown_as": shown_as,
    }


def test_shipped_job_grades_bytes_and_reports_the_clients_path(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    bundle = course_bundle(FIXTURE)
    penalty = LatePenalty("unknown")
    result = shipped_job(
        seen_by_job, bundle, digest_of(bundle), "vec", "vec.py", b"x = 1\n", penalty, "class/ann/vec.py"
    )
    assert result == {
        "submission": "class/ann/vec.py",
        "course_yml": True,
        "content": "x = 1\n",
        "shown_as": "class/ann/vec.py",
    }
    assert [p.name for p in tmp_path.iterdir()] == [
        f"grader-course-{digest_of(bundle)}"
    ]  # submission removed
    broken = shipped_job(
        seen_by_job, b"not a zip", digest_of(b"not a zip"), "vec", "vec.py", b"", penalty, "x"
    )
    assert broken["error"].startswith("the course could not be unpacked on the worker")


STAND_IN = '''
import os
from pathlib import Path

from grader.batch import grade_job


def crash_or_grade(root, assignment_id, submission, penalty, shown_as=None):
    """Kills the worker process that runs it for 'crash' submissions; grades the others."""
    if Path(submission).read_text().startswith("crash"):
        os._exit(9)
    return grade_job(root, assignment_id, submission, penalty, shown_as)
'''  # a module of the client's and the workers' (Dask sends functions by reference)


def start(command, log, **options):
    """A process in a session of its own, its output in `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            command, start_new_session=True, stdout=output, stderr=subprocess.STDOUT, **options
        )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the worker and its nanny
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    """A scheduler, and two workers in a mount namespace where the course and class folders are empty."""
    if os.geteuid() != 0 or shutil.which("unshare") is None or not DASK.exists():
        pytest.skip("needs root, unshare and the dask command")
    if not bubblewrap_works():
        pytest.skip("official grading needs bubblewrap on the workers")
    hidden = [tmp_path / "course", tmp_path / "class"]
    for folder in hidden:
        folder.mkdir()
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "standin_jobs.py").write_text(STAND_IN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "jobs"))
    scheduler_file = tmp_path / "scheduler.json"
    environment = {  # a task that kills its worker once fails at once (the default retries 3 times)
        **os.environ,
        "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
        "PYTHONPATH": str(tmp_path / "jobs"),
    }
    scheduler = start(
        [str(DASK), "scheduler", "--scheduler-file", str(scheduler_file), "--port", "0", "--no-dashboard"],
        tmp_path / "scheduler.log",
        env=environment,
    )
    worker_tmp = tmp_path / "worker-tmp"
    worker_tmp.mkdir()
    mounts = " && ".join(f"mount -t tmpfs tmpfs {folder}" for folder in hidden)
    worker_command = (
        f"{mounts} && exec {DASK} worker --scheduler-file {scheduler_file}"
        " --nworkers 2 --nthreads 1 --no-dashboard"
    )
    worker = start(
        ["unshare", "--mount", "sh", "-c", worker_command],
        tmp_path / "worker.log",
        env={**environment, "TMPDIR": str(worker_tmp)},
    )
    try:
        for _ in range(120):
            if scheduler_file.exists():
                break
            time.sleep(0.25)
        address = json.loads(scheduler_file.read_text())["address"]
        yield address, hidden, worker_tmp
    finally:
        stop(worker)
        stop(scheduler)


@pytest.mark.slow  # about 20 s: a scheduler, two workers, the class graded twice
def test_workers_that_see_no_file_of_ours_give_the_process_pools_gradebook(cluster, tmp_path):
    from distributed import Client
    from standin_jobs import crash_or_grade

    address, (course_root, class_folder), worker_tmp = cluster
    shutil.copytree(FIXTURE, course_root, dirs_exist_ok=True)
    make_class(class_folder)
    course = load_course(course_root / "course.yml")
    pool_out, dask_out = tmp_path / "pool", tmp_path / "dask"
    grade_class(course_root, course, class_folder, pool_out, ["vec"], workers=2, job=crash_or_grade)
    with Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
        seen = client.run(os.path.exists, str(course_root / "course.yml"))
        assert list(seen.values()) == [False, False]  # the workers cannot read the course
        assert list(client.run(os.listdir, str(class_folder)).values()) == [[], []]
    summary = grade_class(
        course_root, course, class_folder, dask_out, ["vec"], scheduler=address, job=crash_or_grade
    )
    rows = {row["student"]: row for row in gradebook(dask_out)}
    local = {row["student"]: row for row in gradebook(pool_out)}
    assert {s: r for s, r in rows.items() if s != "eve"} == {s: r for s, r in local.items() if s != "eve"}
    assert rows["eve"]["vec"] == local["eve"]["vec"] == ""  # a crash: not decided, in both
    assert [rows[s]["vec"] for s in ("ann", "ben", "cat", "dan")] == ["10.0", "7.0", "0.0", "7.0"]
    assert rows["eve"]["notes"].startswith(
        "vec: not graded: a Dask worker died grading it, alone: KilledWorker"
    )
    assert [p.split(":")[0] for p in summary["problems"]] == ["eve/vec"]  # one dead worker: one row
    for student in ("ann", "ben"):
        shipped = json.loads((dask_out / "feedback" / student / "vec.json").read_text())
        local = json.loads((pool_out / "feedback" / student / "vec.json").read_text())
        assert shipped["submission"] == local["submission"] == str(class_folder / student / "vec.py")
        assert [t["score"] for t in shipped["tests"]] == [t["score"] for t in local["tests"]]
    cached = [p.name for p in worker_tmp.iterdir() if p.name.startswith("grader-course-")]
    assert cached == [f"grader-course-{digest_of(course_bundle(course_root))}"]  # one folder, named by hash


def _profiling(dask_worker) -> bool:
    return dask_worker.periodic_callbacks["profile"].is_running()


@pytest.mark.filterwarnings(
    "ignore::ResourceWarning",  # distributed's own sockets, closed late by an in-process cluster
    "ignore::pytest.PytestUnraisableExceptionWarning",
)
def test_a_grading_task_stops_its_workers_statistical_profiler():
    """Every 10 ms the profiler walks the running task's stack on the worker's event loop, holding
    the interpreter's lock: a Dask worker graded about a fifth slower than a pool worker."""
    from distributed import Client, LocalCluster

    quiet_profiler()  # outside a Dask task: nothing to stop, no error
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as local,
        Client(local) as client,
    ):
        assert list(client.run(_profiling).values()) == [True]
        client.submit(quiet_profiler, pure=False).result()
        assert list(client.run(_profiling).values()) == [False]
