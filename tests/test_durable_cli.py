"""``growth workflows`` and ``growth worker`` as the operator runs them: the command line enqueues and
steers through a DBOS client; a worker (here: the durable engine in the test process, then a real
``growth worker`` process) runs the workflow. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from dbos import DBOS

from server.app import App
from server.durable.engine import Durable
from tests.conftest import TEST_SECRET
from tests.factories import seed_store

GROWTH = str(Path(sys.executable).with_name("growth"))


def _env(db_url: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")} | {
        "GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo"}


async def _growth(db_url: str, *args: str, ok: bool | None = True) -> subprocess.CompletedProcess[str]:
    done = await asyncio.to_thread(subprocess.run, [GROWTH, *args], env=_env(db_url), capture_output=True,
                                   text=True, timeout=180)
    if ok is not None:
        assert (done.returncode == 0) == ok, done.stderr
    return done


async def test_the_command_line_starts_lists_and_shows_a_workflow_a_worker_runs(app: App, db_url: str) -> None:
    await seed_store(app)
    if db_url.startswith("sqlite"):
        refused = await _growth(db_url, "workflows", "list", ok=False)
        assert "has not run on this database yet" in refused.stderr
    async with Durable(app):
        started = json.loads((await _growth(db_url, "workflows", "start", "fraud-sweep", "--json")).stdout)
        assert started["state"] in ("queued", "running", "done")
        await (await DBOS.retrieve_workflow_async(started["id"])).get_result()
    listed = json.loads((await _growth(db_url, "workflows", "list", "--json")).stdout)
    assert [(w["id"], w["state"], w["progress"]) for w in listed] == [(started["id"], "done", "3/3 steps")]
    shown = (await _growth(db_url, "workflows", "show", started["id"])).stdout
    assert "sync shopify-orders: skipped — no live connection" in shown and "run risk:" in shown
    bad = await _growth(db_url, "workflows", "start", "nightly", ok=False)
    assert "unknown workflow 'nightly'" in bad.stderr


async def test_a_growth_worker_process_runs_what_the_command_line_starts(app: App, db_url: str) -> None:
    await seed_store(app)
    env = _env(db_url) | {"GROWTH_WORKER_INTERVAL_SECONDS": "0.5"}
    worker = subprocess.Popen([GROWTH, "worker", "--id", "test-worker"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):  # the worker creates the durable engine's tables on its first start
            if (await _growth(db_url, "workflows", "list", ok=None)).returncode == 0:
                break
            await asyncio.sleep(0.2)
        started = json.loads((await _growth(db_url, "workflows", "start", "restock-check", "--json")).stdout)
        for _ in range(300):
            shown = json.loads((await _growth(db_url, "workflows", "show", started["id"], "--json")).stdout)
            if shown["state"] == "done":
                break
            await asyncio.sleep(0.3)
        assert shown["state"] == "done" and shown["progress"] == "3/3 steps", shown
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = await asyncio.to_thread(worker.communicate, timeout=60)
    assert worker.returncode == 0, err
    assert "growth worker" in err and "Ctrl-C stops it" in err
