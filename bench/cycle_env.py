"""What bench/cycle.py runs on: fresh copies of a built database, and CPU accounting.

A configuration runs on a copy of the tenants built once (an SQLite file, a PostgreSQL database made
from a template). CPU is read from /proc (user + system time of every thread) for the bench's
processes and the PostgreSQL backends serving its database, with the whole machine's busy time over
the same window, so a run that falls short can say whether the cores were its own.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

PG_HOST, PG_PORT = "127.0.0.1", 5432
TICK = os.sysconf("SC_CLK_TCK")


async def pg_admin(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user="postgres", database="test")
    try:
        for stmt in statements:
            await conn.execute(stmt)
    finally:
        await conn.close()


def pg_url(name: str) -> str:
    return f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{name}"


class Copies:
    """Fresh copies of a built template: SQLite files, PostgreSQL databases (dropped at the end)."""

    def __init__(self) -> None:
        self.pg: list[str] = []
        self.folders: list[Path] = []

    def sqlite(self, template_url: str) -> str:
        src = Path(template_url.removeprefix("sqlite+aiosqlite:///"))
        self.folders.append(src.parent)
        folder = Path(tempfile.mkdtemp(prefix="growth-bench-cycle-"))
        self.folders.append(folder)
        shutil.copy(src, folder / "bench.db")
        return f"sqlite+aiosqlite:///{folder / 'bench.db'}"

    def postgres(self, template: str) -> str:
        name = f"growth_bench_cycle_{uuid.uuid4().hex[:10]}"
        asyncio.run(pg_admin(f"CREATE DATABASE {name} TEMPLATE {template}"))
        self.pg.append(name)
        return pg_url(name)

    def drop(self) -> None:
        for folder in set(self.folders):
            shutil.rmtree(folder, ignore_errors=True)
        if self.pg:
            asyncio.run(pg_admin(*(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)" for n in self.pg)))


def cpu_of(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system, all threads) each live process has used."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def machine_busy() -> float:
    """Busy CPU seconds of the whole machine since boot (every core, every process)."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(parts[:8]) - parts[3] - parts[4]) / TICK


def pg_connect(attempts: int = 120) -> Any:
    """One connection for the whole window, opened before it (other clients may fill PostgreSQL's slots)."""
    import psycopg

    for attempt in range(attempts):
        try:
            return psycopg.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="test", autocommit=True)
        except psycopg.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


class Meter:
    """CPU used in a window by given processes and by the PostgreSQL backends serving one database."""

    def __init__(self, pids: list[int], db_url: str) -> None:
        self.pids, self.name = pids, db_url.rsplit("/", 1)[1]
        self.conn = pg_connect() if db_url.startswith("postgresql") else None

    def backends(self) -> list[int]:
        if self.conn is None:
            return []
        return [r[0] for r in self.conn.execute("select pid from pg_stat_activity where datname = %s", (self.name,))]

    def sample(self) -> dict[str, Any]:
        return {"ours": cpu_of(self.pids), "pg": cpu_of(self.backends()), "machine": machine_busy(), "t": time.time()}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    @staticmethod
    def delta(a: dict[str, Any], b: dict[str, Any]) -> dict[str, float]:
        def d(key: str) -> float:  # a process first seen in ``b`` started within the window
            return sum(v - a[key].get(pid, 0.0) for pid, v in b[key].items())

        each = [round(v - a["ours"].get(pid, 0.0), 1) for pid, v in b["ours"].items()]
        return {"ours": d("ours"), "pg": d("pg"), "machine": b["machine"] - a["machine"], "wall": b["t"] - a["t"],
                "each": each}
