"""grade-all on a Dask cluster whose workers share no files with the client.

A worker on another machine cannot read the client's paths, so it is sent data instead:

- the course bundle (course.yml, the suites and the mistake catalogue under tests/, solutions/,
  the released manifests of hidden tests), a zip made in memory, goes to every worker once per
  run, and each worker unpacks it once into its temporary folder, named by the bundle's hash,
  where later runs of the same course find it;
- each task carries its submission's bytes and name, and returns its result as a plain dict.

Whatever happens to one task (a worker that dies, an exception, a worker without strong
isolation) becomes that student's result; only a scheduler that cannot be reached, or has
no worker, stops the run. A bounded number of tasks is in flight at once, so that a class of
50,000 submissions never sits in the scheduler's memory.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grader.batch.pool import Finished, JobFunction, failure
from grader.batch.scores import LatePenalty
from grader.errors import GraderError, IsolationRefused
from grader.layout import CourseLayout

FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # zip entries carry no real time: the same course, the same bytes
CONNECT_TIMEOUT_S = 30  # to reach the scheduler
WORKER_WAIT_S = 60  # for its first worker


def bundle_files(root: Path) -> list[Path]:
    """The files a worker needs to grade: the course's files (`CourseLayout.course_files`:
    course.yml, tests/ but not the toolkit's, solutions/, the released manifests of hidden tests)."""
    return CourseLayout(root).course_files()


def course_bundle(root: Path) -> bytes:
    """The course as a zip in memory, byte for byte the same for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in bundle_files(root):
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=FIXED_TIME)
            info.external_attr = 0o600 << 16
            archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def digest_of(bundle: bytes) -> str:
    """The bundle's hash, which names its folder on the workers."""
    return hashlib.sha256(bundle).hexdigest()[:24]


def unpack_course(bundle: bytes, digest: str) -> Path:
    """The course on this worker: unpacked once into <temp>/grader-course-<digest>, then reused.

    Raises:
        ValueError: if the bundle does not have this hash, or holds a path outside itself.
    """
    target = Path(tempfile.gettempdir()) / f"grader-course-{digest}"
    if CourseLayout(target).course_file.is_file():
        return target
    if digest_of(bundle) != digest:
        raise ValueError("the course bundle arrived damaged (its hash differs)")
    staging = Path(tempfile.mkdtemp(prefix=f".grader-course-{digest}-"))  # mode 0700
    try:
        with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
            for name in archive.namelist():
                if name.startswith("/") or ".." in Path(name).parts:
                    raise ValueError(f"the course bundle holds an unsafe path {name!r}")
            archive.extractall(staging)
        os.rename(staging, target)  # atomic: another process may have won, and that is fine
    except OSError:
        if not CourseLayout(target).course_file.is_file():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def quiet_profiler() -> None:
    """On a Dask worker: stop its statistical profiler. Every 10 ms it walks the stack of the
    running task (pytest's are deep) on the worker's event loop, which holds the interpreter's lock
    meanwhile: a grading worker then does about a fifth less (issue 22). Idempotent; nothing
    elsewhere."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):  # not in a Dask task
        return
    for name in ("profile", "profile-cycle"):
        callback = worker.periodic_callbacks.get(name)
        if callback is not None and callback.is_running():
            worker.loop.add_callback(callback.stop)  # the loop's own thread stops it


def shipped_job(
    function: JobFunction,
    bundle: bytes,
    digest: str,
    assignment_id: str,
    name: str,
    content: bytes,
    penalty: LatePenalty,
    shown_as: str,
) -> dict[str, Any]:
    """On a worker: unpack the course (once), write the submission, grade it with `function`.

    Returns:
        the result dict, its "submission" being `shown_as` (the client's path), never the worker's.
    """
    quiet_profiler()
    try:
        course = unpack_course(bundle, digest)
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        return failure(f"the course could not be unpacked on the worker: {error}")
    folder = Path(tempfile.mkdtemp(prefix="grader-submission-"))
    try:
        submission = folder / name
        submission.write_bytes(content)
        result = function(str(course), assignment_id, str(submission), penalty, shown_as)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if "submission" in result:
        result["submission"] = shown_as
    return result


def worker_isolation(preference: str) -> str | None:
    """On a worker: why it cannot grade officially, or None when it can."""
    from grader.sandbox import choose

    try:
        choose(preference, [], official=True)
    except GraderError as refused:
        return str(refused)
    return None


Shipment = tuple[str, Path, LatePenalty]  # (assignment id, submission file, penalty)


def _connect(scheduler: str | None, dask_local: int) -> tuple[Any, Any]:
    from distributed import Client, LocalCluster

    if not scheduler:
        # a free port for the dashboard: 8787 may be another cluster's on a shared machine
        cluster = LocalCluster(
            n_workers=dask_local, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        return Client(cluster), cluster
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except (OSError, TimeoutError, ValueError) as error:
        raise GraderError(
            f"the Dask scheduler at {scheduler} cannot be reached or has no worker ({error});"
            " start one with `dask scheduler` and workers with `dask worker ADDRESS`."
        ) from None
    return client, None


def _check_workers(client: Any, scheduler: str, preference: str) -> None:
    refusals = {
        address: reason for address, reason in client.run(worker_isolation, preference).items() if reason
    }
    if refusals:
        address, reason = next(iter(sorted(refusals.items())))
        raise IsolationRefused(f"Dask worker {address} of {scheduler}: {reason}")


def run_shipped(
    function: JobFunction,
    root: Path,
    shipments: list[Shipment],
    scheduler: str | None,
    dask_local: int,
    preference: str = "auto",
    window: int = 256,
) -> Finished:
    """Grade every shipment on a Dask cluster, sending data rather than paths.

    A worker that dies takes down every task the scheduler had given it, not only the one that
    killed it, so a task that ends with KilledWorker is a suspect: it runs once more, alone on
    the cluster, and only a death there is charged to it (as the process pool does).

    Args:
        function: the job function (grade_job's arguments, plus shown_as).
        root: the course folder on the client (bundled once).
        shipments: (assignment id, submission file, penalty) per job.
        scheduler: the address of a running scheduler, or None for a local cluster.
        dask_local: the number of workers of a local cluster.
        preference: course.yml's grading.isolation, checked on every worker of a scheduler.
        window: the most tasks in flight at once.

    Returns:
        an iterator of (index into shipments, result), each index exactly once.

    Raises:
        GraderError: the scheduler cannot be reached or has no worker.
        IsolationRefused: a worker of the scheduler cannot grade officially.
    """
    bundle = course_bundle(root)
    client, cluster = _connect(scheduler, dask_local)
    try:
        if scheduler:
            _check_workers(client, scheduler, preference)
        [bundle_future] = client.scatter([bundle], broadcast=True, hash=False)
        flight = _Flight(client, (function, bundle_future, digest_of(bundle)), shipments)
        yield from flight.run(iter(range(len(shipments))), window, alone=False)
        for index in flight.suspects:
            # a worker that died may have held the last copy of the course: ship it again
            [bundle_future] = client.scatter([bundle], broadcast=True, hash=False)
            flight.course = (function, bundle_future, digest_of(bundle))
            yield from flight.run(iter([index]), 1, alone=True)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


LOST_TO_A_DEAD_WORKER = ("KilledWorker", "FutureCancelledError", "CancelledError")


class _Flight:
    """Tasks in flight on a cluster: at most `window` at once, results as they finish."""

    def __init__(self, client: Any, course: tuple[JobFunction, Any, str], shipments: list[Shipment]) -> None:
        self.client, self.course, self.shipments = client, course, shipments
        self.suspects: list[int] = []

    def run(self, indices: Iterator[int], window: int, alone: bool) -> Finished:
        """Run these shipments; a KilledWorker is a suspect unless it ran `alone`."""
        from distributed import as_completed

        futures: dict[Any, int] = {}
        running = as_completed()

        def refill() -> Finished:
            while len(futures) < window and (index := next(indices, None)) is not None:
                found = self._submit(index)
                if isinstance(found, dict):
                    yield index, found
                else:
                    futures[found] = index
                    running.add(found)

        yield from refill()
        for future in running:
            index = futures.pop(future)
            try:
                result = future.result()
            except Exception as error:  # the task's own problem: a dead worker, an exception
                # a dead worker (KilledWorker), or the course it held lost with it (cancelled)
                if type(error).__name__ in LOST_TO_A_DEAD_WORKER and not alone:
                    self.suspects.append(index)
                    yield from refill()
                    continue
                cause = "a Dask worker died grading it, alone" if alone else "the grading task failed on Dask"
                result = failure(f"{cause}: {type(error).__name__}: {error}")
            yield index, result
            yield from refill()

    def _submit(self, index: int) -> Any:
        """The future of one shipment, or its result at once if the submission cannot be read."""
        function, bundle_future, digest = self.course
        assignment_id, path, penalty = self.shipments[index]
        try:
            content = path.read_bytes()
        except OSError as error:
            return failure(f"{path.name} cannot be read ({error.strerror})")
        return self.client.submit(
            shipped_job,
            function,
            bundle_future,
            digest,
            assignment_id,
            path.name,
            content,
            penalty,
            str(path),
            pure=False,
        )
