"""Shared helpers of the benchmarks: a clean BLAS environment, the reference modules, timing."""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
MACHINE_TUNING = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def clean_blas_environment() -> list[str]:
    """Re-run this script without OpenBLAS overrides set on the machine (for this run only).

    Returns the names that were unset (empty on the first run, or when none were set).
    """
    found = [name for name in MACHINE_TUNING if name in os.environ]
    if found and os.environ.get("_BENCH_CLEAN") != "1":
        environment = {k: v for k, v in os.environ.items() if k not in MACHINE_TUNING}
        environment["_BENCH_CLEAN"] = "1"
        environment["_BENCH_UNSET"] = ",".join(found)
        os.execve(sys.executable, [sys.executable, *sys.argv], environment)
    unset = os.environ.get("_BENCH_UNSET", "")
    return [name for name in unset.split(",") if name]


def load_reference(name: str) -> ModuleType:
    """Import solutions/<name>.py (trusted: the instructor's reference)."""
    spec = importlib.util.spec_from_file_location(f"reference_{name}", ROOT / "solutions" / f"{name}.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_seconds(function: Callable[[], object], repeats: int = 15, warmup: int = 3) -> float:
    """Median wall time of `function` over `repeats` runs after `warmup` runs."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def blas_description() -> str:
    """The BLAS NumPy uses and its thread count (threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (install threadpoolctl)"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return "; ".join(
        f"{p['internal_api']} {p.get('version')} ({p['num_threads']} threads, {p.get('architecture')})"
        for p in pools
    )
