"""Fraud holds and releases reach the live store (the Shopify test server) exactly once, on both backends.

A hold goes onto the order's open fulfillment orders with reason HIGH_RISK_OF_FRAUD and a handle
derived from the action, so a retry after a crash finds its own hold instead of placing a second;
a release, and the rollback of a hold, go through ``fulfillmentOrderReleaseHold``; an order
fulfilled or cancelled in the store since the proposal is a conflict with both states.
"""


from collections.abc import AsyncIterator

import pytest

from policies.principal import Principal
from server.app import App
from server.demo.shopify_admin.state import FulfillmentOrder, Hold
from tests.conftest import Clock
from tests.live_store import OP, Crash, Live, approve, live_store
from tests.factories import proposal
from tools.rollback import rollback
from tools.store_delivery import LEASE

RISK = Principal.for_agent("demo", "risk")


@pytest.fixture
async def live(app: App, clock: Clock) -> AsyncIterator[Live]:
    async with live_store(app) as store:
        yield store


async def test_an_approved_fraud_hold_is_placed_once_with_a_handle_derived_from_the_action(live: Live) -> None:
    hold = await approve(live.app, "risk.hold_order", RISK)
    assert live.fulfillment_order().status == "OPEN"  # executed means the engine's copy only

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"] and report.outcomes[0].mutated
    fo = live.fulfillment_order()
    assert fo.status == "ON_HOLD" and [(h.reason, h.handle) for h in fo.holds] == [
        ("HIGH_RISK_OF_FRAUD", f"demo:action:{hold}:execute")]
    assert live.mutations(hold) == 1 and live.admin.mutation_count(name="fulfillmentOrderHold") == 1

    shown = await live.delivery(hold)
    assert shown["state"] == "delivered"
    ids = shown["deliveries"][0]["remote_ids"]
    assert ids["order_id"].startswith("gid://shopify/Order/")
    assert ids["hold_ids"] == [f"gid://shopify/FulfillmentHold/{fo.holds[0].id}"]
    assert (await live.deliver()).outcomes == [] and len(live.admin.mutations) == 1


async def test_a_retry_after_a_crash_finds_the_hold_by_its_handle_and_places_no_second(live: Live,
                                                                                       clock: Clock) -> None:
    hold = await approve(live.app, "risk.hold_order", RISK)

    def die(label: str) -> None:
        if label == "after_mutation":
            raise Crash(label)

    live.app.deps.on_step = die
    with pytest.raises(Crash):
        await live.deliver()
    live.app.deps.on_step = None
    clock.advance(seconds=LEASE.total_seconds() + 1)

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"] and not report.outcomes[0].mutated
    assert live.mutations(hold) == 1 and len(live.fulfillment_order().holds) == 1
    assert (await live.delivery(hold))["deliveries"][0]["attempts"] == 2


@pytest.mark.parametrize("status, word", [("CLOSED", "fulfilled"), ("CANCELLED", "cancelled")])
async def test_an_order_fulfilled_or_cancelled_in_the_store_is_a_conflict_with_both_states(
        live: Live, status: str, word: str) -> None:
    hold = await approve(live.app, "risk.hold_order", RISK)
    live.admin.drift_order("#1042", status=status)

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["conflict"] and live.admin.mutations == []
    shown = await live.delivery(hold)
    assert shown["state"] == "conflict"
    assert f"the store's order status is {word}, the action expected open" in shown["summary"]
    d = shown["deliveries"][0]
    assert d["live"]["status"] == word and d["expected"]["status"] == "open"
    assert live.fulfillment_order().status == status


async def test_rolling_a_hold_back_releases_it_through_the_same_path(live: Live) -> None:
    hold = await approve(live.app, "risk.hold_order", RISK)
    await live.deliver()
    await rollback(live.app.deps, OP, action_id=hold, reason="false positive")

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"]
    assert live.fulfillment_order().status == "OPEN" and live.fulfillment_order().holds == []
    assert live.mutations(hold, "rollback") == 1
    assert live.admin.mutation_count(name="fulfillmentOrderReleaseHold") == 1
    shown = await live.delivery(hold)
    assert shown["state"] == "delivered" and shown["op"] == "rollback"


async def test_rolling_a_hold_back_leaves_a_hold_someone_else_placed(live: Live) -> None:
    hold = await approve(live.app, "risk.hold_order", RISK)
    await live.deliver()
    live.fulfillment_order().holds.append(Hold(live.admin.store.next_id(), "AWAITING_PAYMENT", "merchant"))
    await rollback(live.app.deps, OP, action_id=hold, reason="false positive")

    await live.deliver()
    assert [h.handle for h in live.fulfillment_order().holds] == ["merchant"]
    assert live.fulfillment_order().status == "ON_HOLD"


async def test_a_release_takes_the_fraud_hold_off_once(live: Live) -> None:
    hold = await approve(live.app, "risk.hold_order", RISK)
    await live.deliver()
    release = await approve(live.app, "risk.release_order", RISK)

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"] and report.outcomes[0].mutated
    assert live.fulfillment_order().status == "OPEN" and live.fulfillment_order().holds == []
    assert live.mutations(release) == 1 and live.mutations(hold) == 1
    assert (await live.deliver()).outcomes == []


async def test_rolling_a_release_back_holds_the_order_again_under_the_rollbacks_own_handle(live: Live) -> None:
    await approve(live.app, "risk.hold_order", RISK)
    await live.deliver()
    release = await approve(live.app, "risk.release_order", RISK)
    await live.deliver()
    await rollback(live.app.deps, OP, action_id=release, reason="the customer was not verified after all")

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"]
    assert [(h.reason, h.handle) for h in live.fulfillment_order().holds] == [
        ("HIGH_RISK_OF_FRAUD", f"demo:action:{release}:rollback")]
    assert live.mutations(release, "rollback") == 1


async def test_each_open_fulfillment_order_is_held_once_with_its_own_idempotency_key(live: Live) -> None:
    store = live.admin.store
    order = store.order_by_name("#1042")
    assert order is not None
    for status in ("OPEN", "CLOSED"):
        fo = FulfillmentOrder(store.next_id(), order.id, status)
        store.fulfillment_orders[fo.id] = fo
        order.fulfillment_order_ids.append(fo.id)
    hold = await approve(live.app, "risk.hold_order", RISK)

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"]
    fos = [store.fulfillment_orders[i] for i in order.fulfillment_order_ids]
    assert [(fo.status, len(fo.holds)) for fo in fos] == [("ON_HOLD", 1), ("ON_HOLD", 1), ("CLOSED", 0)]
    key = f"demo:action:{hold}:execute:0"
    assert live.admin.mutation_count(key) == 1 and live.admin.mutation_count(f"{key}:1") == 1
    assert len(live.admin.mutations) == 2
