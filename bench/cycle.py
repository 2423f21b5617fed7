"""The operations cycle on the durable engine: demo-sized tenants cycled per minute, and what DBOS costs.

N demo-sized tenants (the demo generator's 500-product store, its seven exports imported through the
real importers, no specialist run yet) are built once per database kind into a template (an SQLite
file, a PostgreSQL template database). Every configuration then runs on a fresh copy of it, so each
starts from the same state, and cycles K periods of every tenant (N x K cycles):

1. **Direct** (the baseline, one process per database kind): ``graphs.cycle.run_cycle`` — the same four
   phases in this process without DBOS — the tenants concurrently, each one's K cycles in turn.
2. **Durable**: worker processes (``server.worker.run_worker``: the worker loop and the durable engine,
   forked after the imports) against the copy; once every worker's engine is up, the first enqueues
   the N x K cycle workflows (``enqueue_cycle``, one partition per tenant) and the workers drain the
   queue. Elapsed = from the first enqueue to the last cycle workflow seen SUCCESS (polled every 0.1 s).
   SQLite with one process; PostgreSQL with one and with two worker processes at the engine's default
   cycles per worker (4), and two with ``GROWTH_CYCLES_PER_WORKER`` at half the tenants, which splits
   them evenly (without a cap, whichever worker polls first takes the head of every tenant's partition).

Cycles per minute = N x K / elapsed x 60, the best of ``--repeats`` interleaved runs (other load on
the machine only slows a run down). Scaling = two workers / one (target >= 1.6x); overhead = durable /
direct on the same database kind, in elapsed time and in CPU per cycle (``bench.cycle_env``: the
processes', the PostgreSQL backends' serving the bench's database, and the machine's busy time).

    .venv/bin/python bench/cycle.py [--tenants 6] [--periods 2] [--products 500] [--repeats 2] [--no-pg]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SECRET, fresh_sqlite_url, machine  # noqa: E402
from bench.cycle_env import Copies, Meter, pg_admin, pg_url  # noqa: E402
from graphs.cycle import run_cycle  # noqa: E402
from policies.principal import Principal  # noqa: E402
from server.app import create_app  # noqa: E402
from server.demo.build import LEAD_TIMES, _reset, generate, write, yesterday  # noqa: E402
from server.durable import cycle as durable_cycle  # noqa: E402
from server.durable import engine  # noqa: E402
from server.persistence.migrate import upgrade  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.worker import run_worker  # noqa: E402
from tools.ingest.upload import Upload  # noqa: E402
from tools.registry import invoke  # noqa: E402


def settings(url: str, cycles_per_worker: int = 0) -> Settings:
    # 0: the engine's default (GROWTH_CYCLES_PER_WORKER unset)
    return Settings(database_url=url, secret_key=SECRET, tenant="demo", brain="rules",
                    rate_limit_executions=10_000_000,
                    **({"cycles_per_worker": cycles_per_worker} if cycles_per_worker else {}))


def tenants(n: int) -> list[str]:
    return [f"shop{i:02d}" for i in range(n)]


# --- building the tenants once per database kind -------------------------------------------------

async def seed(url: str, names: list[str], written: list[Any]) -> float:
    """Import the demo store's exports into each tenant (as ``server.demo.build.build`` does); seconds."""
    await upgrade(url)
    app = await create_app(settings(url))
    t = time.perf_counter()
    try:
        for tenant in names:
            op = Principal.operator(tenant)
            await app.deps.db.transact(tenant, lambda tx: _reset(tx, app.deps))
            for f in written:
                await invoke(app.deps, op, "telemetry.ingest", source=f.source, upload=Upload.from_path(f.path),
                             options=f.options)
            for vendor, days in LEAD_TIMES.items():
                await invoke(app.deps, op, "inventory.settings", scope="vendor", key=vendor, lead_time_days=days)
    finally:
        await app.close()
    return time.perf_counter() - t


# --- the baseline: the same operations in this process, no durable engine --------------------------

async def direct(url: str, names: list[str], periods: int) -> dict[str, Any]:
    app = await create_app(settings(url))
    meter = await asyncio.to_thread(Meter, [os.getpid()], url)
    try:
        proposed = []

        async def one(tenant: str) -> None:
            for i in range(periods):
                reflection = await run_cycle(app.deps, tenant, cycle=f"bench-direct-{i}", trigger="bench")
                proposed.append(int(reflection.as_dict()["counts"]["proposed"]))

        before = await asyncio.to_thread(meter.sample)
        t = time.perf_counter()
        await asyncio.gather(*(one(tenant) for tenant in names))
        elapsed = time.perf_counter() - t
        used = Meter.delta(before, await asyncio.to_thread(meter.sample))
    finally:
        meter.close()
        await app.close()
    return {"elapsed": elapsed, "cycles": len(names) * periods, "cpu": used, "proposed": sum(proposed)}


# --- the durable engine: forked worker processes draining the cycle queue ---------------------------

def worker(url: str, index: int, names: list[str], periods: int, ready_w: int, go_r: int, folder: Path,
           cap: int) -> None:
    from dbos import DBOS

    async def nothing_due() -> list[tuple[str, str]]:
        return []  # the bench enqueues its own cycles; the hourly period would add one more per tenant

    # what is due is read here by both the minute schedule's tick (``due_step``) and the worker pass's
    # ``fan_out``: patching the pass alone left the tick enqueuing every tenant's hourly cycle into the runs
    durable_cycle.due_cycles = nothing_due

    async def main() -> None:
        app = await create_app(settings(url, cap))
        stop = asyncio.Event()

        async def side() -> None:
            # ready: the engine launched, its queues registered, and DBOS's thread polling the cycle queue
            polling = f"queue-worker-{engine.CYCLE_QUEUE}"
            while not (engine.is_running() and engine.running()._heartbeat is not None
                       and any(t.name == polling for t in threading.enumerate())):
                await asyncio.sleep(0.05)
            os.write(ready_w, b"r")
            if index == 0:
                await asyncio.to_thread(os.read, go_r, 1)
                began = time.time()
                ids = [await durable_cycle.enqueue_cycle(tenant, f"bench-p{i}", trigger="bench")
                       for i in range(periods) for tenant in names]
                while True:  # DBOS's own timestamps are whole seconds on SQLite (Python < 3.12): poll finely
                    rows = await DBOS.list_workflows_async(workflow_ids=ids, load_input=False, load_output=False)
                    if len(rows) == len(ids) and all(r.status in ("SUCCESS", "ERROR") for r in rows):
                        break
                    await asyncio.sleep(0.1)
                ended = time.time()
                rows = await DBOS.list_workflows_async(workflow_ids=ids, load_input=False)  # with the reflections
                # any other cycle would have shared the workers with the bench's and inflated its CPU per cycle
                others = [r.workflow_id for r in await DBOS.list_workflows_async(
                    name="growth.cycle", load_input=False, load_output=False) if r.workflow_id not in set(ids)]
                out = {"elapsed": ended - began, "others": others, "rows": [
                    {"id": r.workflow_id, "status": r.status, "executor": r.executor_id, "created": r.created_at,
                     "dequeued": r.dequeued_at, "proposed": (r.output or {}).get("counts", {}).get("proposed", 0)}
                    for r in rows]}
                (folder / "result.tmp").write_text(json.dumps(out))
                (folder / "result.tmp").rename(folder / "result.json")
            while not (folder / "stop").exists():
                await asyncio.sleep(0.2)
            stop.set()

        task = asyncio.create_task(side())
        try:
            await run_worker(app, "worker", stop=stop)
        finally:
            task.cancel()
            await app.close()

    asyncio.run(main())


def spawn(*args: Any) -> int:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            worker(*args)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid


def reap(pid: int, grace: float = 120.0) -> int:
    """A worker's exit code once it has stopped; one still running after ``grace`` (stuck) is killed."""
    deadline = time.time() + grace
    while time.time() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def durable(url: str, names: list[str], periods: int, workers: int, cap: int = 0) -> dict[str, Any]:
    if threading.active_count() != 1:
        raise RuntimeError(f"{threading.active_count()} threads alive: forking the workers would copy them")
    folder = Path(tempfile.mkdtemp(prefix="growth-bench-cycle-run-"))
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pids = [spawn(url, i, names, periods, ready_w, go_r, folder, cap) for i in range(workers)]
    try:
        for _ in range(workers):  # every engine launched, its queues registered, before the clock starts
            if not select.select([ready_r], [], [], 600)[0] or not os.read(ready_r, 1):
                raise RuntimeError("a worker's durable engine did not start within 10 minutes")
        meter = Meter(pids, url)
        try:
            before = meter.sample()
            os.write(go_w, b"g")
            result = folder / "result.json"
            while not result.exists():
                for pid in pids:
                    done, status = os.waitpid(pid, os.WNOHANG)
                    if done:
                        raise RuntimeError(f"worker {pid} exited early ({os.waitstatus_to_exitcode(status)})")
                time.sleep(0.2)
            used = Meter.delta(before, meter.sample())
        finally:
            meter.close()
    finally:
        (folder / "stop").touch()
        exits = [reap(pid) for pid in pids]
        for fd in (ready_r, ready_w, go_r, go_w):
            os.close(fd)
    reported = json.loads(result.read_text())
    rows = reported["rows"]
    failed = [r["id"] for r in rows if r["status"] != "SUCCESS"]
    if failed or any(exits):
        raise RuntimeError(f"cycles not successful: {failed[:5]}; worker exits {exits}")
    if reported["others"]:
        raise RuntimeError(f"cycles other than the bench's ran beside them: {reported['others'][:5]}")
    elapsed = reported["elapsed"]  # from the first enqueue to the last cycle seen finished (within 0.1 s)
    waits = sorted((r["dequeued"] - r["created"]) / 1000 for r in rows if r["dequeued"])
    by_worker = [sum(1 for r in rows if str(r["executor"]).endswith(f":{pid}")) for pid in pids]
    # which worker ran each period's cycles: a period all on one worker ran on one core, whatever the totals
    by_period = [[sum(1 for r in rows if r["id"].endswith(f":bench-p{i}") and str(r["executor"]).endswith(f":{pid}"))
                  for pid in pids] for i in range(periods)]
    shutil.rmtree(folder, ignore_errors=True)
    return {"elapsed": elapsed, "cycles": len(rows), "cpu": used, "by_worker": by_worker, "by_period": by_period,
            "proposed": sum(r["proposed"] for r in rows),
            "queue_wait_median": waits[len(waits) // 2] if waits else 0.0}


# --- the run ------------------------------------------------------------------------------------------

def per_minute(r: dict[str, Any]) -> float:
    return r["cycles"] / r["elapsed"] * 60


def line(label: str, r: dict[str, Any]) -> str:
    cpu = r["cpu"]
    extra = f", pg backends {cpu['pg']:.1f} s" if cpu["pg"] else ""
    spread = (f", cycles per worker {r['by_worker']} (by period {r['by_period']}), cpu per worker {cpu['each']} s, "
              f"median queue wait {r['queue_wait_median']:.1f} s") if "by_worker" in r else ""
    return (f"{label}: {r['cycles']} cycles ({r['proposed']} proposals) in {r['elapsed']:.1f} s -> "
            f"{per_minute(r):.1f} cycles/min "
            f"(cpu: ours {cpu['ours']:.1f} s{extra}, {cpu['ours'] / r['cycles']:.2f} s/cycle; machine busy "
            f"{cpu['machine'] / cpu['wall']:.2f} of {os.cpu_count()} cores{spread})")


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of a configuration's runs: the machine's other load only ever slows a run down."""
    return min(runs, key=lambda r: r["elapsed"])


def report(results: dict[str, list[dict[str, Any]]], labels: list[str]) -> None:
    missing = [label for label in labels if label not in results]
    if missing:
        print(f"not measured (every run failed): {'; '.join(missing)}")
        return
    pg = any(label.startswith("PostgreSQL") for label in labels)
    b = {label: best(runs) for label, runs in results.items()}

    def rate(label: str) -> str:
        return f"{per_minute(b[label]):.1f}"

    def cpu(label: str, pg_too: bool = False) -> float:
        r = b[label]
        return (r["cpu"]["ours"] + (r["cpu"]["pg"] if pg_too else 0.0)) / r["cycles"]

    def share(r: dict[str, Any]) -> float:
        return (r["cpu"]["ours"] + r["cpu"]["pg"]) / r["cpu"]["wall"]

    def busy(r: dict[str, Any]) -> float:
        return r["cpu"]["machine"] / r["cpu"]["wall"]

    print("best of each configuration's runs:")
    for label in b:
        print(f"  {label}: {rate(label)} cycles/min")
    sd, sq = "SQLite, durable, one process", "SQLite, direct (no DBOS), one process"
    print(f"overhead, SQLite: durable {rate(sd)} vs direct {rate(sq)} cycles/min -> elapsed ratio "
          f"{b[sd]['elapsed'] / b[sq]['elapsed']:.2f}x; cpu per cycle {cpu(sd):.2f} s vs {cpu(sq):.2f} s "
          f"({cpu(sd) / cpu(sq):.2f}x)")
    if not pg:
        return
    one, two, base = "PostgreSQL, durable, 1 worker", "PostgreSQL, durable, 2 workers", \
        "PostgreSQL, direct (no DBOS), one process"
    print(f"overhead, PostgreSQL: durable 1 worker {rate(one)} vs direct {rate(base)} cycles/min -> elapsed ratio "
          f"{b[one]['elapsed'] / b[base]['elapsed']:.2f}x; cpu per cycle (process + pg backends) "
          f"{cpu(one, True):.2f} s vs {cpu(base, True):.2f} s ({cpu(one, True) / cpu(base, True):.2f}x)")
    print(f"scaling, PostgreSQL, 1 -> 2 workers: {per_minute(b[two]) / per_minute(b[one]):.2f}x (target >= 1.6x); "
          f"cpu (workers + pg backends) per cycle {cpu(one, True):.2f} s -> {cpu(two, True):.2f} s")
    capped = [label for label in b if label.startswith(two + ",")]
    for label in capped:
        print(f"  variant {label}: {per_minute(b[label]) / per_minute(b[one]):.2f}x over 1 worker")
    print(f"  cores the bench had (its processes and PostgreSQL backends, CPU / elapsed): {share(b[one]):.2f} with 1 "
          f"worker, {share(b[two]):.2f} with 2; the machine was busy on {busy(b[one]):.2f} and {busy(b[two]):.2f} "
          f"of {os.cpu_count()}")
    # a worker is one Python process (one core at most); all of it and PostgreSQL share the machine's cores
    cores = os.cpu_count() or 1
    w1, w2 = cpu(one), cpu(two)
    r1 = min(60 / w1, 60 * cores / cpu(one, True))
    r2 = min(2 * 60 / w2, 60 * cores / cpu(two, True))
    print(f"  ceiling with the {cores} cores to itself, from the CPU per cycle measured: 1 worker {r1:.1f}, "
          f"2 workers {r2:.1f} cycles/min -> {r2 / r1:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=6, help="demo-sized tenants (each imports in ~10-60 s)")
    parser.add_argument("--periods", type=int, default=2, help="cycles per tenant in each configuration")
    parser.add_argument("--products", type=int, default=500, help="the demo store's catalogue (500 is demo size)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each configuration (interleaved)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite alone")
    args = parser.parse_args()
    for name, least, why in (("tenants", 2, ": two workers need two tenants to share"), ("periods", 1, ""),
                             ("repeats", 1, ""), ("products", 10, "")):
        if getattr(args, name) < least:
            parser.error(f"--{name} must be at least {least}{why}, not {getattr(args, name)}")
    names, k = tenants(args.tenants), args.periods
    print(f"# bench/cycle.py — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {machine()}; "
          f"load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    files = Path(tempfile.mkdtemp(prefix="growth-bench-cycle-files-"))
    store = generate(end=yesterday(datetime.now(timezone.utc)), products=args.products)
    written = write(store, files)
    print(f"{len(names)} tenants x {k} periods; each tenant: {len(store.products)} products, "
          f"{len(store.visits.orders):,} orders, {len(store.search.rows):,} Search Console rows", flush=True)
    copies = Copies()
    template_pg = f"growth_bench_cycle_tpl_{os.getpid()}"
    cap = -(-len(names) // 2)
    runs: list[tuple[str, str, int, int]] = [("SQLite, direct (no DBOS), one process", "sqlite", 0, 0),
                                             ("SQLite, durable, one process", "sqlite", 1, 0)]
    if not args.no_pg:
        runs += [("PostgreSQL, direct (no DBOS), one process", "pg", 0, 0),
                 ("PostgreSQL, durable, 1 worker", "pg", 1, 0),
                 ("PostgreSQL, durable, 2 workers", "pg", 2, 0),
                 (f"PostgreSQL, durable, 2 workers, GROWTH_CYCLES_PER_WORKER={cap}", "pg", 2, cap)]
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        sqlite_tpl = fresh_sqlite_url("cycle")
        print(f"  built on SQLite in {asyncio.run(seed(sqlite_tpl, names, written)):.0f} s", flush=True)
        if not args.no_pg:
            asyncio.run(pg_admin(f"DROP DATABASE IF EXISTS {template_pg} WITH (FORCE)",
                                 f"CREATE DATABASE {template_pg}"))
            copies.pg.append(template_pg)
            print(f"  built on PostgreSQL in {asyncio.run(seed(pg_url(template_pg), names, written)):.0f} s",
                  flush=True)
        for rep in range(args.repeats):
            for label, kind, workers, limit in runs if rep % 2 == 0 else runs[::-1]:
                url = copies.sqlite(sqlite_tpl) if kind == "sqlite" else copies.postgres(template_pg)
                try:
                    r = asyncio.run(direct(url, names, k)) if workers == 0 else durable(url, names, k, workers, limit)
                except RuntimeError as exc:  # e.g. PostgreSQL out of connection slots: said, and the run goes on
                    print(f"[run {rep + 1}] {label}: FAILED — {exc}", flush=True)
                    continue
                results.setdefault(label, []).append(r)
                print(line(f"[run {rep + 1}] {label}", r), flush=True)
    finally:
        copies.drop()
        shutil.rmtree(files, ignore_errors=True)
    report(results, [label for label, *_ in runs])


if __name__ == "__main__":
    main()
