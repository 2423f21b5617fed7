"""Executed actions reach the live store (the Shopify test server) exactly once, on both backends.

The relay delivers each outbox event by reading the live value first: a change made in the store
since the proposal is a conflict (nothing written), a value already there is recorded as delivered
without a second mutation (the crash between the mutation and the record), and the result is read
back. The test server counts mutations per idempotency key (the outbox event's identity).
"""


import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from policies.principal import Principal
from server.app import App
from server.cli_views import action_lines
from server.connectors.shopify_live import ShopifyLiveStores
from tests.conftest import Clock
from tests.live_store import OP, Crash, Live, approve, live_store
from tests.factories import proposal, seed_store
from tools.actions import get_action, propose
from tools.decisions import decide
from tools.connections import connect
from tools.rollback import rollback
from tools.store_delivery import LEASE, NO_CONNECTION, deliver_pending

CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
NEW_TITLE = "Linen Tote Bag – Handwoven, Washable"


@pytest.fixture
async def live(app: App, clock: Clock) -> AsyncIterator[Live]:
    async with live_store(app) as store:
        yield store


async def test_an_approved_title_rewrite_and_markdown_reach_the_store_once(live: Live) -> None:
    title = await approve(live.app, "content.rewrite_title", CONTENT)
    markdown = await approve(live.app, "inventory.markdown", INVENTORY)
    assert live.product().seo_title == "Linen Tote"  # executed means the engine's copy only
    assert (await live.delivery(title))["state"] == "not_delivered"

    report = await live.deliver()
    assert sorted(o.status for o in report.outcomes) == ["delivered", "delivered"]
    assert live.product().seo_title == NEW_TITLE
    assert (live.variant().price, live.variant().compare_at_price) == (Decimal("32.00"), Decimal("40.00"))
    assert live.mutations(title) == 1 and live.mutations(markdown) == 1

    shown = await live.delivery(markdown)
    assert shown["state"] == "delivered" and "delivered to the live store at" in shown["summary"]
    assert shown["deliveries"][0]["remote_ids"]["variant_id"].startswith("gid://shopify/ProductVariant/")
    detail = await get_action(live.app.deps, OP, action_id=title)
    assert detail["action"]["status"] == "executed"  # the lifecycle status is untouched; delivery sits beside it
    assert detail["outbox"][0]["delivered_at"] is not None

    again = await live.deliver()
    assert again.outcomes == [] and len(live.admin.mutations) == 2


async def test_a_value_changed_in_the_store_since_the_proposal_is_a_conflict(live: Live) -> None:
    markdown = await approve(live.app, "inventory.markdown", INVENTORY)
    live.admin.drift_variant("LIN-TOT-01", price="41.00")

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["conflict"]
    assert live.variant().price == Decimal("41.00") and live.admin.mutations == []
    shown = await live.delivery(markdown)
    assert shown["state"] == "conflict"
    assert "the store's price is $41.00, the action expected $40.00" in shown["summary"]
    assert shown["deliveries"][0]["live"]["price"] == 41.0 and shown["deliveries"][0]["expected"]["price"] == 40.0
    text = "\n".join(str(line.renderables if hasattr(line, "renderables") else line)
                     for line in action_lines(await get_action(live.app.deps, OP, action_id=markdown)))
    assert "$41.00" in text and "$40.00" in text


async def test_a_crash_after_the_mutation_is_recorded_as_delivered_with_no_second_mutation(live: Live,
                                                                                           clock: Clock) -> None:
    title = await approve(live.app, "content.rewrite_title", CONTENT)

    def die(label: str) -> None:
        if label == "after_mutation":
            raise Crash(label)

    live.app.deps.on_step = die
    with pytest.raises(Crash):
        await live.deliver()
    live.app.deps.on_step = None
    assert live.mutations(title) == 1 and (await live.delivery(title))["state"] == "delivering"
    assert (await live.deliver()).outcomes == []  # the dead worker's claim still holds
    clock.advance(seconds=LEASE.total_seconds() + 1)

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"] and not report.outcomes[0].mutated
    assert live.mutations(title) == 1 and live.product().seo_title == NEW_TITLE
    assert (await live.delivery(title))["deliveries"][0]["attempts"] == 2


async def test_an_answer_lost_after_the_store_applied_it_is_not_applied_twice(live: Live, clock: Clock) -> None:
    markdown = await approve(live.app, "inventory.markdown", INVENTORY)
    live.admin.fail(1, status=502, after_apply=True, mutations_only=True)

    first = await live.deliver()
    assert [o.status for o in first.outcomes] == ["retrying"]
    assert (await live.delivery(markdown))["state"] == "pending"
    clock.advance(seconds=60)
    second = await live.deliver()
    assert [o.status for o in second.outcomes] == ["delivered"] and not second.outcomes[0].mutated
    assert live.mutations(markdown) == 1 and live.variant().price == Decimal("32.00")


async def test_two_concurrent_worker_passes_make_one_mutation_per_event(live: Live) -> None:
    # proposed together, as a specialist run does (once the title is changed, the page is not changed again
    # until that is measured), then approved: each executed locally
    made = [(await propose(live.app.deps, who, proposal(kind))).action for kind, who in (
        ("content.rewrite_title", CONTENT), ("content.rewrite_meta_description", CONTENT),
        ("inventory.markdown", INVENTORY))]
    for a in made:
        assert (await decide(live.app.deps, OP, action_id=a.id, version=1, verdict="approve")).execution
    ids = [a.id for a in made]
    reports = await asyncio.gather(live.deliver(), live.deliver(), live.deliver())
    delivered = [o.action_id for r in reports for o in r.outcomes if o.status == "delivered"]
    assert sorted(delivered) == sorted(ids)
    assert [live.mutations(i) for i in ids] == [1, 1, 1] and len(live.admin.mutations) == 3


async def test_nothing_is_delivered_while_the_kill_switch_is_engaged(live: Live) -> None:
    title = await approve(live.app, "content.rewrite_title", CONTENT)
    async with live.app.db.write("demo") as tx:
        await tx.kill.set("demo", engaged=True, reason="test", by="operator", now=live.app.deps.now())
    held = await live.deliver()
    assert "kill switch" in held.waiting and held.outcomes == [] and live.admin.mutations == []
    assert (await live.delivery(title))["state"] == "pending"
    async with live.app.db.write("demo") as tx:
        await tx.kill.set("demo", engaged=False, reason="", by="operator", now=live.app.deps.now())
    assert [o.status for o in (await live.deliver()).outcomes] == ["delivered"]


async def test_rollback_restores_the_stores_previous_values_through_the_same_path(live: Live) -> None:
    title = await approve(live.app, "content.rewrite_title", CONTENT)
    markdown = await approve(live.app, "inventory.markdown", INVENTORY)
    await live.deliver()
    await rollback(live.app.deps, OP, action_id=title, reason="test")
    await rollback(live.app.deps, OP, action_id=markdown, reason="test")

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered", "delivered"]
    assert live.product().seo_title == "Linen Tote"
    assert (live.variant().price, live.variant().compare_at_price) == (Decimal("40.00"), None)
    assert live.mutations(title, "rollback") == 1 and live.mutations(markdown, "rollback") == 1
    shown = await live.delivery(markdown)
    assert shown["state"] == "delivered" and shown["op"] == "rollback"


async def test_rollback_refuses_to_overwrite_a_change_made_in_the_store_since_the_delivery(live: Live) -> None:
    markdown = await approve(live.app, "inventory.markdown", INVENTORY)
    await live.deliver()
    live.admin.drift_variant("LIN-TOT-01", price="29.00")
    await rollback(live.app.deps, OP, action_id=markdown, reason="test")

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["conflict"]
    assert live.variant().price == Decimal("29.00") and live.mutations(markdown, "rollback") == 0
    assert "the store's price is $29.00, the action expected $32.00" in (await live.delivery(markdown))["summary"]


async def test_a_change_rolled_back_before_it_was_delivered_never_reaches_the_store(live: Live) -> None:
    title = await approve(live.app, "content.rewrite_title", CONTENT)
    await rollback(live.app.deps, OP, action_id=title, reason="changed my mind")
    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["cancelled", "cancelled"]
    assert live.admin.mutations == [] and live.product().seo_title == "Linen Tote"


async def test_a_product_the_store_does_not_have_is_a_coded_failure(live: Live) -> None:
    title = await approve(live.app, "content.rewrite_title", CONTENT)
    live.admin.drift_product("linen-tote", handle="linen-tote-bag")
    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivery_failed"]
    shown = await live.delivery(title)
    assert shown["deliveries"][0]["error_code"] == "target_not_found" and live.admin.mutations == []


async def test_without_a_connection_deliveries_wait_pending_with_a_reason(app: App) -> None:
    await seed_store(app)
    title = await approve(app, "content.rewrite_title", CONTENT)
    report = await deliver_pending(app.deps, "demo", stores=ShopifyLiveStores(api_version="2025-10"))
    assert report.waiting == NO_CONNECTION and report.outcomes == []
    shown = (await get_action(app.deps, OP, action_id=title))["delivery"]
    assert shown["state"] == "pending" and "growth connect shopify" in shown["summary"]



async def test_an_outcome_is_measured_only_once_the_change_reached_the_store(live: Live, clock: Clock) -> None:
    from tools.store_delivery import enqueue

    title = await approve(live.app, "content.rewrite_title", CONTENT)
    await enqueue(live.app.deps, "demo")  # on its way: nothing changed out there yet

    async def measured() -> dict[int, object]:
        rows = await live.app.db.query("demo", lambda tx: tx.outcomes.executed())
        return {r["id"]: r["executed_at"] for r in rows}

    assert title not in await measured()
    clock.advance(minutes=7)
    assert [o.status for o in (await live.deliver()).outcomes] == ["delivered"]
    delivered_at = (await live.delivery(title))["deliveries"][0]["delivered_at"]
    assert (await measured())[title] == delivered_at  # measured from when the store changed
