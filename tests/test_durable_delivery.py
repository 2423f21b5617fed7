"""Deliveries as durable workflows (DBOS): the relay enqueues one workflow per due delivery, on a queue
partitioned by shop; the workflow claims, attempts and settles; enqueuing again changes nothing; the
kill switch holds a workflow already enqueued until it is released. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from dbos import DBOS

from policies.principal import Principal
from server.app import App
from server.durable.delivery import enqueue_due
from server.durable.engine import Durable, system_database_url
from server.worker import run_worker
from tests.conftest import Clock
from tests.live_store import OP, Live, approve, live_store
from tests.test_delivery_channels import INVENTORY, VENDOR, shop  # noqa: F401  (e-mail: a real SMTP server)
from tests.test_email import Inbox, smtp  # noqa: F401
from tools.actions import get_action
from tools.registry import invoke

CONTENT = Principal.for_agent("demo", "content")
RISK = Principal.for_agent("demo", "risk")


@pytest.fixture
async def live(app: App, clock: Clock) -> AsyncIterator[Live]:
    async with live_store(app) as store:
        yield store


async def _results(ids: list[str]) -> list[dict]:
    return [await (await DBOS.retrieve_workflow_async(w)).get_result() for w in ids]


async def _kill(app: App, engaged: bool) -> None:
    async with app.db.write("demo") as tx:
        await tx.kill.set("demo", engaged=engaged, reason="test" if engaged else "", by="operator",
                          now=app.deps.now())


async def test_approved_changes_reach_the_store_through_durable_workflows_once(live: Live) -> None:
    title = await approve(live.app, "content.rewrite_title", CONTENT)
    markdown = await approve(live.app, "inventory.markdown", INVENTORY)
    hold = await approve(live.app, "risk.hold_order", RISK)
    async with Durable(live.app) as durable:
        first = await enqueue_due("demo")
        assert first.enqueued_rows == 3 and len(first.workflows) == 3 and first.waiting == ""
        outcomes = await _results(first.workflows)
        assert sorted(o["status"] for o in outcomes) == ["delivered"] * 3
        assert [live.mutations(a) for a in (title, markdown, hold)] == [1, 1, 1]
        assert live.product().seo_title != "Linen Tote" and live.fulfillment_order().status == "ON_HOLD"
        for action in (title, markdown, hold):
            assert (await live.delivery(action))["state"] == "delivered"

        again = await enqueue_due("demo")  # nothing is due any more: nothing enqueued, nothing written
        assert again.workflows == [] and len(live.admin.mutations) == 3
        listed = await DBOS.list_workflows_async(name="growth.delivery")
        assert {w.workflow_id for w in listed} >= set(first.workflows)
        assert {w.status for w in listed if w.workflow_id in first.workflows} == {"SUCCESS"}
        assert durable.worker_id


async def test_a_workflow_enqueued_before_the_kill_switch_waits_for_its_release(live: Live) -> None:
    title = await approve(live.app, "content.rewrite_title", CONTENT)
    async with Durable(live.app):
        await _kill(live.app, True)
        held = await enqueue_due("demo")
        assert "kill switch" in held.waiting and held.workflows == []
        await _kill(live.app, False)
        # enqueued, then the switch engaged before it ran: it holds, asking again
        from server.durable import delivery as d
        report = await enqueue_due("demo")
        await _kill(live.app, True)
        await asyncio.sleep(1.0)
        assert live.admin.mutations == [] and (await live.delivery(title))["state"] == "pending"
        await _kill(live.app, False)
        outcome = (await _results(report.workflows))[0]
        assert outcome["status"] == "delivered" and live.mutations(title) == 1
        assert d.HOLD_MAX_SLEEP <= 5


async def test_the_worker_relays_what_an_approval_executes_without_being_asked(live: Live) -> None:
    live.app.settings.worker_interval_seconds = 60  # the approval wakes it, not the interval
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(live.app, stop=stop))
    try:
        await asyncio.sleep(0.5)
        title = await approve(live.app, "content.rewrite_title", CONTENT)
        for _ in range(100):
            if (await live.delivery(title))["state"] == "delivered":
                break
            await asyncio.sleep(0.1)
        assert (await live.delivery(title))["state"] == "delivered" and live.mutations(title) == 1
    finally:
        stop.set()
        worker.cancel()
        with pytest.raises(asyncio.CancelledError):
            await worker


def test_the_workflows_live_beside_sqlite_or_in_the_same_postgres_database(db_url: str) -> None:
    from tests.conftest import make_settings

    url = system_database_url(make_settings(db_url))
    if db_url.startswith("sqlite"):
        assert url.startswith("sqlite:///") and url.endswith(".dbos.sqlite")
    else:
        assert url.startswith("postgresql://") and url.rsplit("/", 1)[1] == db_url.rsplit("/", 1)[1]


async def test_a_purchase_order_goes_by_email_through_a_workflow_without_a_store_connection(
        shop: tuple[App, Inbox]) -> None:
    app, inbox = shop
    await invoke(app.deps, OP, "vendors.set_address", vendor="atelier nord", address=VENDOR)
    reorder = await approve(app, "inventory.reorder", INVENTORY)
    async with Durable(app):
        report = await enqueue_due("demo")
        assert "waiting for a Shopify connection" in report.waiting and len(report.workflows) == 1
        assert [o["status"] for o in await _results(report.workflows)] == ["delivered"]
    assert [env.rcpt_tos for env in inbox.received] == [[VENDOR]]
    assert (await get_action(app.deps, OP, action_id=reorder))["delivery"]["state"] == "delivered"
