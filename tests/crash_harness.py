"""Crash harness: workers that SIGKILL themselves at labelled points of an execution.

Run as ``python -m tests.crash_harness DB_URL ROUNDS SEED``. Each round forks a
fresh worker process that executes approved actions and kills itself (SIGKILL)
at a randomly chosen labelled point — before an effect, after an effect but
before the commit, just before the commit, or after the commit but before the
reply — with a random batch size, so crashes land mid-batch too. A final worker runs
without crashing. Prints a JSON summary; the test then checks the database.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys

from server.persistence.db import open_database
from tests.conftest import TEST_SECRET
from tools.deps import Deps, EngineConfig
from tools.execution import run_due

LABELS = ("before_effect", "after_effect", "before_commit", "after_commit")


def worker(db_url: str, label: str | None, occurrence: int, batch: int) -> None:
    seen = 0

    def on_step(step: str) -> None:
        nonlocal seen
        if step == label:
            seen += 1
            if seen == occurrence:
                os.kill(os.getpid(), signal.SIGKILL)

    async def main() -> None:
        db = await open_database(db_url, secret=TEST_SECRET.encode())
        deps = Deps(db=db, config=EngineConfig(secret=db.root_key, rate_limit_executions=100_000),
                    on_step=on_step)
        try:
            await run_due(deps, "demo", limit=10_000, batch=batch)
        finally:
            await db.close()

    asyncio.run(main())


def main() -> None:
    db_url, rounds, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    summary: dict[str, int] = {label: 0 for label in LABELS}
    killed = survived = 0
    for _ in range(rounds):
        label = rng.choice(LABELS)
        occurrence = rng.randint(1, 3)
        batch = rng.randint(1, 3)
        pid = os.fork()
        if pid == 0:
            try:
                worker(db_url, label, occurrence, batch)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            killed += 1
            summary[label] += 1
        else:
            survived += 1
    pid = os.fork()
    if pid == 0:
        try:
            worker(db_url, None, 0, 25)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"killed": killed, "survived": survived, "by_label": summary,
                      "final_exit": os.waitstatus_to_exitcode(status)}))


if __name__ == "__main__":
    main()
