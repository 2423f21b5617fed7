"""Worker processes running the operations cycle for many tenants, some killed with SIGKILL mid-cycle.

Run as ``python -m tests.cycle_harness DB_URL SECONDS WORKERS KILLS SEED``. It keeps WORKERS worker
processes (the real worker loop and durable engine, forked after the imports) running against the
database for SECONDS; the tenants' cycle periods are short (their ``cycle_every_minutes`` setting), so
each tenant gets several periods. At random moments it kills a worker with SIGKILL (KILLS times) and
starts a fresh one; a live worker resumes the dead one's cycles. After SECONDS the workers stop
starting new periods (the window is the test's, not the engine's) and run until every enqueued cycle
has finished. Prints a JSON summary with the cycles' workflow ids; the test checks the database.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
import time

from server.app import create_app
from server.durable import cycle as durable_cycle
from server.worker import run_worker
from tests.conftest import make_settings
from tests.forked import spawn


def worker(db_url: str, until: float, index: int) -> None:
    real_due_cycles = durable_cycle.due_cycles

    async def windowed_due_cycles() -> list[tuple[str, str]]:
        return await real_due_cycles() if time.time() < until else []

    # the test's window: what is due is read by the passes' fan-out and by the minute schedule's tick alike
    # (the tick reads it in its own step, not through fan_out: windowing fan_out alone let a tick after the
    # window enqueue one more period while the workers were stopping)
    durable_cycle.due_cycles = windowed_due_cycles

    async def main() -> None:
        settings = make_settings(db_url, worker_interval_seconds=0.5, worker_grace_seconds=3.0,
                                 rate_limit_executions=100_000)
        app = await create_app(settings)
        stop = asyncio.Event()

        async def watch() -> None:
            from dbos import DBOS

            while True:
                await asyncio.sleep(0.5)
                if time.time() < until + 1:
                    continue
                open_ = await DBOS.list_workflows_async(name="growth.cycle", status=["ENQUEUED", "PENDING"])
                # a tick still running may yet enqueue cycles of a period that began inside the window
                ticking = await DBOS.list_workflows_async(name="growth.cycle.tick", status=["ENQUEUED", "PENDING"])
                if not open_ and not ticking:
                    stop.set()
                    return

        watcher = asyncio.create_task(watch())
        try:
            await run_worker(app, "worker", stop=stop)
        finally:
            watcher.cancel()
            await app.close()

    asyncio.run(main())


def main() -> None:
    db_url, seconds, workers, kills, seed = sys.argv[1], float(sys.argv[2]), *map(int, sys.argv[3:6])
    rng = random.Random(seed)
    began = time.time()
    until = began + seconds
    running = [spawn(worker, db_url, until, i) for i in range(workers)]
    kill_times = sorted(began + rng.uniform(seconds * 0.15, seconds * 0.85) for _ in range(kills))
    killed = 0
    for at in kill_times:
        time.sleep(max(0.0, at - time.time()))
        victim = rng.choice(running)
        os.kill(victim, signal.SIGKILL)
        os.waitpid(victim, 0)
        running[running.index(victim)] = spawn(worker, db_url, until, killed + workers)
        killed += 1
    exits = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in running]
    print(json.dumps({"killed": killed, "exits": exits, "seconds": round(time.time() - began, 1)}))


if __name__ == "__main__":
    main()
