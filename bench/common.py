"""Shared helpers for the benchmarks: timing, percentiles, a fresh database, machine facts."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

SECRET = "bench-secret-not-for-production-use-only"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def timed(fn: Callable[[], Awaitable[object]], runs: int, warmup: int = 20) -> list[float]:
    """Milliseconds per call, ``runs`` calls after ``warmup`` discarded ones."""
    for _ in range(warmup):
        await fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.3f} ms, p99 {percentile(values, 99):.3f} ms"


def fresh_sqlite_url(name: str) -> str:
    folder = Path(tempfile.mkdtemp(prefix=f"growth-bench-{name}-"))
    return f"sqlite+aiosqlite:///{folder / 'bench.db'}"


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
