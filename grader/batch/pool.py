"""Run grading jobs in parallel: a local process pool that outlives crashed workers, or Dask.

A worker that dies (killed for memory, a crash in a library, os._exit) breaks a
ProcessPoolExecutor: every unfinished job then fails with BrokenProcessPool. The pool is
rebuilt and the run goes on. A job that had not started (it left no marker file) is
innocent: it has not run yet, and goes into the new pool. A job that had started is a
suspect: it runs once more, alone in a process of its own, so that a crash there is its
own, and its result then says how that process ended. So no job runs more than twice.

A job function takes plain arguments and returns a plain dict; {"error": reason} says that
the submission could not be graded. (Dask, which ships data instead of paths, is in cluster.py.)
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Generator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

JobFunction = Callable[..., dict[str, Any]]
Call = tuple[Any, ...]
Finished = Generator[tuple[int, dict[str, Any]], None, None]  # (index of the call, result) as they finish


def failure(reason: str) -> dict[str, Any]:
    """The result of a job that could not grade its submission."""
    return {"error": reason}


def describe_exit(code: int | None) -> str:
    """How a grading process that sent no result ended, in words."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        cause = " (out of memory, or killed by the system)" if -code == signal.SIGKILL else ""
        return f"the grading process was killed by {name}{cause}"
    if code:
        return f"the grading process exited with code {code} before it finished"
    return "the grading process ended without a result"


def _marked(function: JobFunction, marker: Path, call: Call) -> dict[str, Any]:
    """Leave a marker that this job started, then run it (in a pool worker)."""
    marker.touch()
    return function(*call)


def _one_pool(
    function: JobFunction,
    calls: list[Call],
    indices: list[int],
    workers: int,
    markers: Path,
    broken: list[int],
) -> Finished:
    """Run these calls in one pool; the indices caught in a break go into `broken`."""
    pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(indices))))
    try:
        futures = {}
        for index in indices:
            try:
                futures[pool.submit(_marked, function, markers / str(index), calls[index])] = index
            except BrokenProcessPool:  # broken while submitting: this job never started
                broken.append(index)
        for future in as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                broken.append(index)
                continue
            except (Exception, SystemExit) as error:  # the job function raised: this job's problem only
                result = failure(f"the grading job failed: {type(error).__name__}: {error}")
            yield index, result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _send(function: JobFunction, call: Call, sender: Connection) -> None:
    try:
        result = function(*call)
    except (Exception, SystemExit) as error:
        result = failure(f"the grading job failed: {type(error).__name__}: {error}")
    sender.send(result)


def run_alone(function: JobFunction, call: Call) -> dict[str, Any]:
    """Run one call in a process of its own; if that process dies, say how."""
    context = multiprocessing.get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_send, args=(function, call, sender))
    process.start()
    sender.close()
    try:
        result: dict[str, Any] | None = receiver.recv()
    except (EOFError, OSError):
        result = None
    finally:
        receiver.close()
    process.join()
    return result if result is not None else failure(describe_exit(process.exitcode))


def run_local(function: JobFunction, calls: list[Call], workers: int, markers: Path) -> Finished:
    """Run every call in a local process pool, rebuilding it whenever a worker dies.

    Args:
        function: the job function (module level, so that it can be pickled).
        calls: its arguments, one tuple per job.
        workers: the number of worker processes.
        markers: an empty folder for the marker files of started jobs.

    Returns:
        an iterator of (index into calls, result), each index exactly once.
    """
    remaining = list(range(len(calls)))
    while remaining:  # each round finishes a job or finds a suspect, so this ends
        broken: list[int] = []
        finished = 0
        for item in _one_pool(function, calls, remaining, workers, markers, broken):
            finished += 1
            yield item
        suspects = [i for i in broken if (markers / str(i)).exists()]
        remaining = [i for i in broken if i not in suspects]
        if not finished and not suspects:  # the pool broke before any job started: try each alone
            suspects, remaining = remaining, []
        for index in suspects:
            yield index, run_alone(function, calls[index])
