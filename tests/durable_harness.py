"""Crash harness for durable delivery: worker processes that SIGKILL themselves at labelled points.

Run as ``python -m tests.durable_harness DB_URL DELIVERIES KILLS WORKERS SEED``. It keeps WORKERS
``growth worker`` processes (the real worker loop and durable engine, forked after the imports) running
against the database; each one dies by SIGKILL at a randomly chosen labelled point of a delivery —
just after its claim commits, before the mutation, after the mutation before the record, after the
record before the workflow checkpoints it — on a random occurrence, and is replaced, until KILLS
workers have died. A lone worker restarts under its own identity and resumes its own workflows at once; of several,
a live one takes over a dead one's workflows once its heartbeat lapses. Then
WORKERS workers run without crashing until every delivery is settled. Prints a JSON summary; the test
checks the store's mutation counts and the database.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys

from sqlalchemy import func, select

from server.app import create_app
from server.persistence import models_deliveries as md
from server.worker import run_worker
from tests.conftest import make_settings
from tests.forked import spawn

LABELS = ("after_claim", "before_mutation", "after_mutation", "after_record")


async def _open_rows(app: object, expected: int) -> int:
    async def q(tx: object) -> int:
        SD = md.StoreDelivery
        total = (await tx.conn.execute(select(func.count()).select_from(SD))).scalar_one()  # type: ignore[attr-defined]
        open_ = (await tx.conn.execute(select(func.count()).select_from(SD).where(  # type: ignore[attr-defined]
            SD.state.in_(("pending", "delivering"))))).scalar_one()
        return open_ + max(0, expected - total)

    return await app.db.query("demo", q)  # type: ignore[attr-defined]


def worker(db_url: str, expected: int, label: str | None, occurrence: int, worker_id: str | None) -> None:
    seen = 0

    def on_step(step: str) -> None:
        nonlocal seen
        if step == label:
            seen += 1
            if seen == occurrence:
                os.kill(os.getpid(), signal.SIGKILL)

    async def main() -> None:
        settings = make_settings(db_url, worker_interval_seconds=0.3, worker_grace_seconds=2.0,
                                 rate_limit_executions=100_000, worker_id=worker_id)
        app = await create_app(settings)
        app.deps.on_step = on_step
        stop = asyncio.Event()

        async def watch() -> None:
            while await _open_rows(app, expected):
                await asyncio.sleep(0.3)
            stop.set()

        watcher = asyncio.create_task(watch())
        try:
            await run_worker(app, "worker", stop=stop)
        finally:
            watcher.cancel()
            await app.close()

    asyncio.run(main())


def main() -> None:
    db_url, expected, kills, workers, seed = sys.argv[1], *map(int, sys.argv[2:6])
    rng = random.Random(seed)
    by_label = {label: 0 for label in LABELS}
    running: dict[int, str] = {}
    killed = survived = failed = 0
    # one worker restarts under its own identity (as a restarted `growth worker --id`): it resumes its own
    # workflows on start; several take fresh ones, and a live worker recovers a dead one's after its grace
    stable = "worker-0" if workers == 1 else None
    while killed < kills:
        while len(running) < workers:
            label = rng.choice(LABELS)
            running[spawn(worker, db_url, expected, label, rng.randint(1, 3), stable)] = label
        pid, status = os.wait()
        label = running.pop(pid)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            killed += 1
            by_label[label] += 1
        elif os.waitstatus_to_exitcode(status) == 0:
            survived += 1  # everything settled before its point came: the crash loop is over
            break
        else:
            failed += 1
            break
    for pid in list(running):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    finals = [spawn(worker, db_url, expected, None, 0, stable) for _ in range(workers)]
    exits = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in finals]
    print(json.dumps({"killed": killed, "survived": survived, "failed": failed, "by_label": by_label,
                      "final_exits": exits}))


if __name__ == "__main__":
    main()
