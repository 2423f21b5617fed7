"""Benchmark the action queue, in one run, on one database.

1. Top-10 pending query over 100,000 actions (the ranked ``actions.list`` operation)
   against raw SQL ``ORDER BY score DESC LIMIT 10`` on the same table.
2. Approve-and-execute round trip on SQLite (decision, execution, audit, reply).
3. Executions per second with 8 concurrent workers against a raw
   ``UPDATE ... RETURNING`` claim loop over the same kind of backlog.
4. Proposing 1,000 actions (as a specialist run does) for a store with 50 standing rules
   and 2,000 remembered decisions, against the same store without rules or memory
   (target: at most 1.3x).

Run: ``.venv/bin/python bench/actions.py [--pg]`` (``--pg`` adds PostgreSQL figures).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from bench.common import SECRET, fresh_sqlite_url, machine, summary, timed  # noqa: E402
from policies.principal import Principal  # noqa: E402
from server.app import create_app  # noqa: E402
from server.persistence import models as m  # noqa: E402
from server.persistence.migrate import upgrade  # noqa: E402
from server.settings import Settings  # noqa: E402
from tools.actions import list_actions, propose  # noqa: E402
from tools.decisions import decide  # noqa: E402
from tools.execution import run_due  # noqa: E402

TENANT = "bench"
OP = Principal.operator(TENANT)
NOW = datetime.now(timezone.utc)


def settings(url: str) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, tenant=TENANT, rate_limit_executions=10_000_000)


def action_rows(n: int, *, status: str, start: int = 0) -> list[dict[str, Any]]:
    rows = []
    for i in range(start, start + n):
        score = (i * 7919) % 100_000 / 10.0
        rows.append(dict(
            tenant_id=TENANT, kind="content.rewrite_title", target=f"page:https://shop.example/products/p{i}",
            agent="content", title=f"Rewrite title {i}", rationale="", status=status, version=1, digest="0" * 64,
            params={"new_title": f"New product title {i}", "current_title": ""}, risk_tier="medium", tier_rank=1,
            expected_revenue=score / 0.72, confidence=0.8, ease=0.9, score=score, evidence=[],
            evidence_at=NOW - timedelta(minutes=i % 500), rollback_plan={"description": "restore"}, revenue_inputs=[],
            revenue_formula="", created_at=NOW, updated_at=NOW))
    return rows


async def seed(app: Any, rows: list[dict[str, Any]], products: int = 0) -> None:
    async with app.db.write(TENANT) as tx:
        await tx.tenants.ensure(name=TENANT, now=NOW)
        conn = tx.conn
        for chunk in range(0, len(rows), 5000):
            await conn.execute(insert(m.Action), rows[chunk:chunk + 5000])
        if products:
            await conn.execute(insert(m.Product), [dict(tenant_id=TENANT, handle=f"p{i}", title=f"P{i}", updated_at=NOW)
                                                  for i in range(products)])


async def bench_top10(url: str) -> dict[str, Any]:
    await upgrade(url)
    app = await create_app(settings(url))
    try:
        await seed(app, action_rows(90_000, status="pending_approval")
                   + action_rows(10_000, status="executed", start=90_000))
        ours = await timed(lambda: list_actions(app.deps, OP, status="pending", limit=10), 300)
        raw_sql = ("SELECT * FROM actions WHERE tenant_id = :t AND status = 'pending_approval' "
                   "ORDER BY score DESC LIMIT 10")

        async def same_path() -> object:
            return await app.db.query(TENANT, lambda tx: _fetch(tx.conn, raw_sql))

        raw_same = await timed(same_path, 300)
        driver = None
        if app.db.dialect == "sqlite":
            con = sqlite3.connect(url.split(":///", 1)[1])

            async def bare() -> object:
                return con.execute(raw_sql.replace(":t", "?"), (TENANT,)).fetchall()

            driver = await timed(bare, 300)
            con.close()
    finally:
        await app.close()
    return {"ours": ours, "raw_same_path": raw_same, "raw_driver": driver}


async def _fetch(conn: Any, sql: str) -> list[Any]:
    return list((await conn.execute(text(sql), {"t": TENANT})).all())


async def bench_approve(url: str, n: int = 400) -> list[float]:
    await upgrade(url)
    app = await create_app(settings(url))
    try:
        await seed(app, [], products=n)
        agent = Principal.for_agent(TENANT, "content")
        ids = []
        for i in range(n):
            ids.append((await propose(app.deps, agent, {
                "kind": "content.rewrite_title", "target": f"page:https://shop.example/products/p{i}",
                "params": {"new_title": f"Better product title {i}"}, "agent": "content", "title": "t",
                "expected_revenue": 100, "confidence": 0.5, "ease": 0.5,
                "evidence": [{"source": "gsc", "query": "q", "metric": "ctr", "value": 0.01, "window": "28d",
                              "observed_at": NOW.isoformat()}],
                "rollback_plan": {"description": "restore the title"}})).action.id)
        it = iter(ids)

        async def approve() -> None:
            res = await decide(app.deps, OP, action_id=next(it), version=1, verdict="approve")
            assert res.execution and res.execution["status"] == "executed", res.execution

        return await timed(approve, n - 40, warmup=40)
    finally:
        await app.close()


async def bench_workers(url: str, n: int = 4000, workers: int = 8) -> dict[str, float]:
    await upgrade(url)
    app = await create_app(settings(url))
    try:
        await seed(app, action_rows(n, status="approved"), products=n)

        async def worker() -> None:
            while True:
                report = await run_due(app.deps, TENANT, limit=25)
                if not report.executed and not report.failed:
                    return

        t = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        ours = n / (time.perf_counter() - t)
        async with app.db.read(TENANT) as tx:
            done = (await tx.conn.execute(text("SELECT count(*) FROM executions"))).scalar_one()
        assert done == n, done
        # the baselines: the same backlog again, claimed by bare UPDATE ... RETURNING loops with what the
        # engine has (its pragmas, 25 rows per transaction, one writer at a time on SQLite): 8 workers, then one
        lock = " FOR UPDATE SKIP LOCKED" if app.db.dialect == "postgresql" else ""
        claim = ("UPDATE actions SET status = 'executing' WHERE id IN (SELECT id FROM actions WHERE tenant_id = '{t}' "
                 "AND status = 'approved' ORDER BY id LIMIT {batch}{lock}) RETURNING id").format(
            t=TENANT, batch=BATCH, lock=lock)
        baseline = {}
        for label, count in (("workers", workers), ("single", 1)):
            await seed(app, action_rows(n, status="approved", start=n * (2 if label == "single" else 1)))
            baseline[label] = await _raw_claim_loop(app, url, claim, n, count)
    finally:
        await app.close()
    return {"ours": ours, "baseline": baseline["workers"], "single": baseline["single"]}


#: rows claimed per transaction, by the engine's workers (run_due's limit) and by the baselines
BATCH = 25


async def _raw_claim_loop(app: Any, url: str, claim: str, n: int, workers: int) -> float:
    """Rows per second claimed by ``workers`` bare loops of ``claim`` (each a transaction of BATCH rows)."""
    if app.db.dialect == "sqlite":
        import threading

        path = url.split(":///", 1)[1]
        writer = threading.Lock()  # the engine's single writer (its asyncio write lock), not busy-timeout retries

        def thread_worker() -> None:
            con = sqlite3.connect(path, timeout=30, isolation_level=None)
            for pragma in ("journal_mode=WAL", "busy_timeout=30000", "synchronous=NORMAL", "foreign_keys=ON"):
                con.execute(f"PRAGMA {pragma}")  # the engine's own (server/persistence/db.py)
            while True:
                with writer:
                    con.execute("BEGIN IMMEDIATE")
                    got = con.execute(claim).fetchall()
                    con.execute("COMMIT")
                if not got:
                    break
            con.close()

        t = time.perf_counter()
        await asyncio.gather(*(asyncio.to_thread(thread_worker) for _ in range(workers)))
        return n / (time.perf_counter() - t)
    import asyncpg
    from sqlalchemy.engine import make_url

    u = make_url(url)

    async def pg_worker() -> None:
        con = await asyncpg.connect(host=u.host, port=u.port, user=u.username, database=u.database)
        while True:
            async with con.transaction():
                got = await con.fetch(claim)
            if not got:
                break
        await con.close()

    t = time.perf_counter()
    await asyncio.gather(*(pg_worker() for _ in range(workers)))
    return n / (time.perf_counter() - t)


async def pg_url(name: str) -> str:
    import asyncpg

    con = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="test")
    await con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await con.execute(f"CREATE DATABASE {name}")
    await con.close()
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


async def _store_for_memory(url: str, *, loaded: bool) -> Any:
    """1,000 products from 50 vendors; with ``loaded``, 50 rules and 2,000 refused actions to remember."""
    await upgrade(url)
    app = await create_app(settings(url))
    long_ago = NOW - timedelta(days=120)
    async with app.db.write(TENANT) as tx:
        await tx.tenants.ensure(name=TENANT, now=NOW)
        conn = tx.conn  # type: ignore[attr-defined]
        await conn.execute(insert(m.Product), [dict(
            tenant_id=TENANT, handle=f"p{i}", title=f"Product {i}", vendor=f"Maker {i % 50}", seo_title="",
            seo_description="", updated_at=NOW) for i in range(1000)])
        if loaded:
            rows = action_rows(2000, status="rejected")
            for n, r in enumerate(rows):
                # half remember the very targets about to be proposed (long ago: they may come back, noted)
                r["target"] = f"page:https://shop.example/products/p{n}" if n < 1000 else r["target"]
                r["updated_at"] = long_ago
            await conn.execute(insert(m.Action), rows)
    if loaded:
        from tools.rules import add

        for v in range(50):
            await add(app.deps, OP, text=f"never discount Maker {v}")
    return app


async def bench_memory(url_plain: str, url_loaded: str) -> dict[str, float]:
    """Seconds to propose 1,000 title rewrites in one batch, without and with rules and memory."""
    from tools.actions import propose_many

    out = {}
    for name, url in (("plain", url_plain), ("loaded", url_loaded)):
        app = await _store_for_memory(url, loaded=name == "loaded")
        try:
            agent = Principal.for_agent(TENANT, "content")
            now = datetime.now(timezone.utc).isoformat()
            raws = [{"kind": "content.rewrite_title", "target": f"page:https://shop.example/products/p{i}",
                     "agent": "content", "title": f"Rewrite {i}", "expected_revenue": 100.0, "confidence": 0.6,
                     "ease": 0.7, "params": {"new_title": f"A better title for product {i}"},
                     "evidence": [{"source": "gsc", "query": "q", "metric": "clicks", "value": 100.0,
                                   "window": "28d", "observed_at": now}],
                     "rollback_plan": {"description": "restore the previous title"}} for i in range(1000)]
            t = time.perf_counter()
            results = await propose_many(app.deps, agent, raws)
            out[name] = time.perf_counter() - t
            assert all(not isinstance(r, Exception) for r in results), [r for r in results if isinstance(r, Exception)][:3]
        finally:
            await app.close()
    return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", action="store_true", help="also run on PostgreSQL (127.0.0.1:5432)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=("top10", "approve", "workers", "memory"), help="run one figure only")
    args = parser.parse_args()
    print(f"# bench/actions.py — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {machine()}")
    results: dict[str, Any] = {}
    backends = [("sqlite", lambda n: fresh_sqlite_url(n))] + ([("postgresql", None)] if args.pg else [])
    for backend, _ in backends:
        want = {args.only} if args.only else {"top10", "approve", "workers", "memory"}
        if "top10" in want:
            url = fresh_sqlite_url("top10") if backend == "sqlite" else await pg_url("growth_bench_top10")
            top = await bench_top10(url)
            ratio = statistics.median(top["ours"]) / statistics.median(top["raw_same_path"])
            print(f"[{backend}] top-10 pending over 100,000 actions: ours {summary(top['ours'])}")
            print(f"[{backend}]   raw SQL ORDER BY score DESC LIMIT 10, same connection path: {summary(top['raw_same_path'])}"
                  f" -> ratio {ratio:.2f}x (target <= 1.5x)")
            if top["raw_driver"]:
                print(f"[{backend}]   raw SQL on the bare sqlite3 driver (no thread hop, no mapping): "
                      f"{summary(top['raw_driver'])}")
            results[f"{backend}.top10_ratio"] = ratio
        if "approve" in want:
            url = fresh_sqlite_url("approve") if backend == "sqlite" else await pg_url("growth_bench_approve")
            lat = await bench_approve(url)
            print(f"[{backend}] approve-and-execute round trip: {summary(lat)}"
                  + (" (target p50 <= 5 ms)" if backend == "sqlite" else ""))
            results[f"{backend}.approve_p50_ms"] = statistics.median(lat)
        if "workers" in want:
            url = fresh_sqlite_url("workers") if backend == "sqlite" else await pg_url("growth_bench_workers")
            w = await bench_workers(url)
            print(f"[{backend}] executions/s with 8 workers: ours {w['ours']:.0f}/s, bare UPDATE ... RETURNING claim loop "
                  f"with the engine's pragmas and {BATCH} rows per transaction, 8 workers: {w['baseline']:.0f}/s -> ratio "
                  f"{w['ours'] / w['baseline']:.2f}x (target >= 0.5x); one connection: {w['single']:.0f}/s -> ratio "
                  f"{w['ours'] / w['single']:.2f}x")
            results[f"{backend}.workers_ratio"] = w["ours"] / w["baseline"]
            results[f"{backend}.workers_single_ratio"] = w["ours"] / w["single"]
        if backend == "sqlite" and "memory" in want:
            mem = await bench_memory(fresh_sqlite_url("memory-plain"), fresh_sqlite_url("memory-loaded"))
            print(f"[{backend}] proposing 1,000 actions with 50 rules and 2,000 remembered decisions: "
                  f"{mem['loaded']:.2f} s; without rules or memory: {mem['plain']:.2f} s -> ratio "
                  f"{mem['loaded'] / mem['plain']:.2f}x (target <= 1.3x)")
            results[f"{backend}.memory_ratio"] = mem["loaded"] / mem["plain"]
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
