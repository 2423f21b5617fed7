"""Starting and stopping DBOS for this process, its queues, and the workers' heartbeats.

DBOS is one instance per process. ``Durable.start`` launches it on the running event loop (so the
workflows' steps use the app's database engine on the loop that owns it), registers the queues, and
runs the heartbeat: every worker writes ``seen_at`` to the ``workers`` table; a worker not seen for
``worker_grace_seconds`` is taken for dead, and the first live worker to mark it recovers its pending
workflows (DBOS re-enqueues them; one runner takes each).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import anyio
from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import make_url

from server.app import App
from server.persistence import models_workers as mw
from server.settings import Settings

log = logging.getLogger("growth.durable")

APP_NAME = "growth-engine"
#: one workflow per store delivery, partitioned by shop: one store's throttling never slows another's
DELIVERY_QUEUE = "growth-deliveries"
#: deliveries of one shop in flight at once (its query-cost bucket is the real bound)
DELIVERY_PARTITION_CONCURRENCY = 2
#: one operations cycle per tenant at a time, anywhere
CYCLE_QUEUE = "growth-cycles"
#: operator-started workflows (templates) and the specialists they launch
WORKFLOW_QUEUE = "growth-workflows"

_running: Durable | None = None
#: a worker silent for this many graces is gone for good: its recovery is final
SETTLED = 10


def running() -> Durable:
    """This process's durable engine (``Durable.start``); the workflows' steps run against its App."""
    if _running is None:
        raise RuntimeError("the durable engine is not started in this process (growth serve / growth worker)")
    return _running


def is_running() -> bool:
    return _running is not None


def current_app() -> App:
    return running().app


def system_database_url(settings: Settings) -> str:
    """Where DBOS keeps its workflows: beside an SQLite database, or in the same PostgreSQL database."""
    if settings.durable_database_url:
        return settings.durable_database_url
    path = settings.sqlite_path()
    if path is not None:
        return f"sqlite:///{path.with_name(path.stem + '.dbos.sqlite')}"
    if settings.is_sqlite:
        raise RuntimeError("an in-memory SQLite database has no place for the durable engine's workflows: set "
                           "GROWTH_DURABLE_DATABASE_URL or use a database file")
    url = make_url(settings.database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def default_worker_id(settings: Settings) -> str:
    return settings.worker_id or f"{socket.gethostname()}:{os.getpid()}"


async def _stop_dequeuing() -> None:
    """Stop DBOS's queue threads and wait for them: a workflow dequeued after the cancellation below would start
    on an executor ``DBOS.destroy`` has shut down, and fail (``cannot schedule new futures after shutdown``)
    instead of staying pending for the next worker. ``destroy`` sets the same events again."""
    from dbos._dbos import _get_dbos_instance

    dbos = _get_dbos_instance()
    for event in dbos.background_thread_stop_events:
        event.set()
    managers = [t for t in dbos._background_threads if "queue_thread" in t.name and t.is_alive()]
    if not managers:  # DBOS named its thread otherwise: say so rather than stop on a race again
        log.warning("no DBOS queue manager thread found to stop before the workflows are cancelled")
    for thread in managers:  # the manager joins each of its per-queue threads (up to 10 s each) before it ends
        await asyncio.to_thread(thread.join, 60.0)
        if thread.is_alive():
            log.warning("DBOS's queue manager had not stopped after 60 s; stopping the engine anyway")
    await asyncio.sleep(0)


async def _cancel_workflow_tasks() -> None:
    """Stop this process's workflows where they stand (a held delivery sleeping, a cycle mid-step): they stay
    pending in the system database, and a live worker (or this one, restarted) resumes them. DBOS would
    otherwise leave them running on this loop after it is destroyed."""
    from dbos._dbos import _get_dbos_instance

    await _stop_dequeuing()
    loop = asyncio.get_running_loop()
    tasks = [t for t in list(_get_dbos_instance()._workflow_tasks) if t.get_loop() is loop and not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


@dataclass
class Durable:
    """DBOS in this process: ``await start()``, ``await stop()`` (or ``async with``)."""

    app: App
    role: str = "worker"
    worker_id: str = ""
    queues: dict[str, Any] = field(default_factory=dict)
    #: workflow ids this engine enqueued (insertion-ordered), so a relay pass does not enqueue them again
    enqueued: dict[str, None] = field(default_factory=dict)
    _heartbeat: asyncio.Task[None] | None = None
    #: silent workers this one has already reported
    _told: set[str] = field(default_factory=set)

    async def start(self) -> Durable:
        global _running
        from dbos import DBOS

        # the workflows must be registered before launch, which recovers this executor's own pending ones
        from server.durable import cycle, delivery, workflows  # noqa: F401

        settings = self.app.settings
        self.worker_id = self.worker_id or default_worker_id(settings)
        if _running is not None:
            raise RuntimeError("the durable engine is already running in this process")
        _running = self
        try:
            DBOS(config={"name": APP_NAME, "system_database_url": system_database_url(settings),
                         "executor_id": self.worker_id, "log_level": "WARNING",
                         # one version for every worker: any of them may resume any workflow
                         "application_version": "growth-engine-1"})
            DBOS.launch()
        except BaseException:
            _running = None
            raise
        self.queues[DELIVERY_QUEUE] = await DBOS.register_queue_async(
            DELIVERY_QUEUE, partition_concurrency=DELIVERY_PARTITION_CONCURRENCY, polling_interval_sec=0.2)
        # one cycle per tenant at a time anywhere, and a few per worker (GROWTH_CYCLES_PER_WORKER), so the
        # tenants spread over the workers
        self.queues[CYCLE_QUEUE] = await DBOS.register_queue_async(
            CYCLE_QUEUE, partition_concurrency=1, worker_concurrency=settings.cycles_per_worker,
            polling_interval_sec=0.5)
        self.queues[WORKFLOW_QUEUE] = await DBOS.register_queue_async(
            WORKFLOW_QUEUE, worker_concurrency=8, polling_interval_sec=0.5)
        await cycle.ensure_schedule()
        await self._beat(first=True)
        self._heartbeat = asyncio.create_task(self._heartbeat_loop(), name="growth-durable-heartbeat")
        return self

    async def stop(self) -> None:
        global _running
        from dbos import DBOS
        from server.durable.delivery import STORES

        if self._heartbeat is not None:
            self._heartbeat.cancel()
            try:
                await self._heartbeat
            except asyncio.CancelledError:
                pass
            self._heartbeat = None
        await _cancel_workflow_tasks()
        try:
            await self._mark_stopped()
        except Exception:  # a database already closed: the heartbeat's grace will say it stopped
            log.warning("could not record that worker %s stopped", self.worker_id, exc_info=True)
        await asyncio.to_thread(DBOS.destroy)
        # DBOS made its own (now shut down) pool this loop's default executor: give the loop a fresh one, so
        # asyncio.to_thread keeps working after the engine stops (tests, a server shutting down)
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(thread_name_prefix="growth-"))
        await STORES.close()
        _running = None

    async def __aenter__(self) -> Durable:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        # a server shutting down cancels the worker: stopping must still run to the end (the heartbeat's row,
        # DBOS's threads, the open stores), so it is shielded from that cancellation
        with anyio.CancelScope(shield=True):
            await self.stop()

    # --- heartbeats and taking over a dead worker's workflows ---------------------------------

    def _now(self) -> datetime:
        return self.app.deps.now()

    async def _beat(self, *, first: bool = False) -> None:
        now = self._now()
        me = self.worker_id

        async def q(tx: Any) -> None:
            # alive: a mark left by a worker that took this one for dead while it was only slow is cleared, so
            # its real death later is noticed again
            done = await tx.conn.execute(update(mw.Worker).where(mw.Worker.id == me).values(
                seen_at=now, recovered_by=None, **({"started_at": now, "stopped_at": None} if first else {})))
            if not done.rowcount:
                await tx.conn.execute(insert(mw.Worker).values(id=me, host=socket.gethostname(), pid=os.getpid(),
                                                               role=self.role, started_at=now, seen_at=now))

        await self.app.db.transact("*", q)

    async def _mark_stopped(self) -> None:
        now, me = self._now(), self.worker_id

        async def q(tx: Any) -> None:
            await tx.conn.execute(update(mw.Worker).where(mw.Worker.id == me).values(stopped_at=now, seen_at=now))

        await self.app.db.transact("*", q)

    async def _dead(self, cutoff: datetime) -> list[str]:
        """Workers not seen since ``cutoff`` whose workflows nobody has finished recovering yet."""
        me = self.worker_id

        async def q(tx: Any) -> list[str]:
            return list((await tx.conn.execute(select(mw.Worker.id).where(
                mw.Worker.seen_at < cutoff, mw.Worker.recovered_by.is_(None), mw.Worker.id != me))).scalars())

        return await self.app.db.query("*", q)

    async def recover_dead(self) -> list[str]:
        """Recover the pending workflows of every worker that went silent; returns their ids.

        Recovery is idempotent (DBOS re-enqueues a workflow only while it is still pending on the silent
        worker), so it is asked again on every beat, by every live worker, for as long as the worker may
        still be alive but slow: one that dequeued again after an earlier recovery is recovered again. A
        worker silent for ``SETTLED`` graces is surely gone; once a recovery has run after that, it is
        marked recovered and left alone.
        """
        from dbos import DBOS

        grace = timedelta(seconds=self.app.settings.worker_grace_seconds)
        now = self._now()
        silent = await self._dead(now - grace)
        if not silent:
            return []
        if news := [w for w in silent if w not in self._told]:
            log.warning("worker(s) %s stopped answering: worker %s resumes their workflows", ", ".join(news),
                        self.worker_id)
            self._told.update(news)
        await asyncio.to_thread(DBOS._recover_pending_workflows, silent)
        me, gone = self.worker_id, now - grace * SETTLED

        async def mark(tx: Any) -> None:
            await tx.conn.execute(update(mw.Worker).where(
                and_(mw.Worker.id.in_(silent), mw.Worker.recovered_by.is_(None), mw.Worker.seen_at < gone)
            ).values(recovered_by=me))

        await self.app.db.transact("*", mark)
        return silent

    async def _heartbeat_loop(self) -> None:
        every = max(0.2, self.app.settings.worker_grace_seconds / 3)
        while True:
            await asyncio.sleep(every)
            try:
                await self._beat()
                await self.recover_dead()
            except Exception:  # a database hiccup must not stop the heartbeat; logged, tried again next beat
                log.exception("worker heartbeat failed")
