"""The action lifecycle end to end on both backends: propose, decide, execute, roll back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from policies.lifecycle import Status
from policies.principal import Principal
from policies.tiers import RiskTier
from server.app import App
from tests.conftest import Clock
from tests.factories import proposal, seed_store
from tools.actions import get_action, list_actions, propose
from tools.audit import verify
from tools.decisions import decide
from tools.errors import Conflict, InvalidInput
from tools.execution import run_due
from tools.rollback import rollback

OP = Principal.operator("demo")
AGENT = Principal.for_agent("demo", "content")


async def test_proposal_waits_for_the_operator_when_supervised(app: App) -> None:
    res = await propose(app.deps, AGENT, proposal())
    assert res.outcome == "created"
    assert res.action.status == "pending_approval"
    assert res.action.risk_tier == "medium"
    assert res.action.score == pytest.approx(1000 * 0.8 * 0.9)
    assert res.action.expires_at is not None


async def test_approve_executes_once_and_records_before_state(app: App) -> None:
    await seed_store(app)
    a = (await propose(app.deps, AGENT, proposal())).action
    res = await decide(app.deps, OP, action_id=a.id, version=a.version, verdict="approve")
    assert res.execution and res.execution["status"] == "executed"
    assert res.action.status == "executed"
    detail = await get_action(app.deps, OP, action_id=a.id)
    assert detail["execution"]["before"] == {"seo_title": "Linen Tote"}
    assert detail["execution"]["after"] == {"seo_title": "Linen Tote Bag – Handwoven, Washable"}
    assert [o["topic"] for o in detail["outbox"]] == ["page.seo_updated"]
    async with app.db.read("demo") as tx:
        product = await tx.store.product_by_handle("linen-tote")
    assert product and product["seo_title"] == "Linen Tote Bag – Handwoven, Washable"


async def test_rollback_restores_the_before_state_once(app: App) -> None:
    await seed_store(app)
    a = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal("pricing.adjust"))).action
    await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    async with app.db.read("demo") as tx:
        assert (await tx.store.variant("LIN-TOT-01"))["price"] == 42.0  # type: ignore[index]
    res = await rollback(app.deps, OP, action_id=a.id, reason="test")
    assert res["status"] == "rolled_back"
    async with app.db.read("demo") as tx:
        assert (await tx.store.variant("LIN-TOT-01"))["price"] == 40.0  # type: ignore[index]
    with pytest.raises(Conflict) as e:
        await rollback(app.deps, OP, action_id=a.id)
    assert e.value.code == "already_rolled_back"


async def test_a_rollback_under_the_kill_switch_says_the_live_store_waits_for_its_release(app: App) -> None:
    from server.cli_views import restored_line
    from tools.killswitch import set_kill_switch

    await seed_store(app)
    a = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal("pricing.adjust"))).action
    await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    await set_kill_switch(app.deps, OP, engaged=True, reason="something is off")
    res = await rollback(app.deps, OP, action_id=a.id, reason="undo it")
    assert res["status"] == "rolled_back" and "kill switch is engaged (something is off)" in res["held"]
    assert "live store is restored once it is released" in restored_line(res)
    await set_kill_switch(app.deps, OP, engaged=False, reason="all clear")
    b = (await propose(app.deps, AGENT, proposal())).action
    await decide(app.deps, OP, action_id=b.id, version=1, verdict="approve")
    assert (await rollback(app.deps, OP, action_id=b.id))["held"] == ""


async def test_a_purchase_order_is_named_by_its_number_not_its_row(app: App) -> None:
    from tools.plain import mapping

    await seed_store(app)
    made = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal("inventory.reorder"))).action
    await decide(app.deps, OP, action_id=made.id, version=1, verdict="approve")
    detail = await get_action(app.deps, OP, action_id=made.id)
    number = f"PO-{made.id:06d}"
    assert detail["execution"]["after"]["purchase_order"] == number
    # (PostgreSQL's JSON keeps its own key order)
    assert set(mapping(detail["execution"]["after"]).split(", ")) == {f"purchase order: {number}", "status: draft"}
    assert set(mapping(detail["outbox"][0]["payload"]).split(", ")) == {
        f"purchase order: {number}", "sku: LIN-TOT-01", "quantity: 120"}
    # and undone by that name too
    assert (await rollback(app.deps, OP, action_id=made.id))["status"] == "rolled_back"


async def test_rollback_refuses_when_the_target_changed_since(app: App) -> None:
    await seed_store(app)
    a = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal("pricing.adjust"))).action
    await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    async with app.db.write("demo") as tx:
        await tx.store.set_variant_price("LIN-TOT-01", price=55.0, compare_at_price=None, now=app.deps.now())
    with pytest.raises(Conflict) as e:
        await rollback(app.deps, OP, action_id=a.id)
    assert e.value.code == "rollback_conflict"


async def test_email_cannot_be_rolled_back(app: App) -> None:
    a = (await propose(app.deps, AGENT, proposal("email.send"))).action
    assert a.risk_tier == "critical"
    await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    with pytest.raises(Conflict) as e:
        await rollback(app.deps, OP, action_id=a.id)
    assert e.value.code == "not_reversible"


async def test_execution_fails_cleanly_when_the_target_is_missing(app: App) -> None:
    a = (await propose(app.deps, AGENT, proposal())).action  # no store seeded: the page does not exist
    res = await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    assert res.execution and res.execution["status"] == "failed"
    assert res.execution["error_code"] == "target_not_found"
    assert res.action.status == "failed"


async def test_pricing_execution_fails_closed_when_the_price_moved(app: App) -> None:
    await seed_store(app)
    a = (await propose(app.deps, Principal.for_agent("demo", "inventory"),
                       proposal("pricing.adjust", params={"current_price": 39.0, "new_price": 41.0}))).action
    res = await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    assert res.execution and res.execution["error_code"] == "state_changed"
    async with app.db.read("demo") as tx:
        assert (await tx.store.variant("LIN-TOT-01"))["price"] == 40.0  # type: ignore[index]


async def test_reject_needs_a_reason_and_then_never_executes(app: App) -> None:
    a = (await propose(app.deps, AGENT, proposal())).action
    with pytest.raises(InvalidInput) as e:
        await decide(app.deps, OP, action_id=a.id, version=1, verdict="reject")
    assert e.value.code == "reason_required"
    res = await decide(app.deps, OP, action_id=a.id, version=1, verdict="reject", reason="off-brand wording")
    assert res.action.status == "rejected"
    with pytest.raises(Conflict) as e2:
        await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    assert e2.value.code == "already_decided"


async def test_a_newer_proposal_supersedes_the_live_one(app: App) -> None:
    first = (await propose(app.deps, AGENT, proposal())).action
    again = await propose(app.deps, AGENT, proposal())
    assert again.outcome == "unchanged" and again.action.id == first.id
    newer = await propose(app.deps, AGENT, proposal(params={"new_title": "Linen Tote Bag – Made in Portugal"}))
    assert newer.outcome == "superseded" and newer.superseded_id == first.id
    detail = await get_action(app.deps, OP, action_id=first.id)
    assert detail["action"]["status"] == "superseded"
    assert detail["action"]["superseded_by"] == newer.action.id
    live = await list_actions(app.deps, OP)
    assert [a.id for a in live] == [newer.action.id]
    with pytest.raises(Conflict) as e:
        await decide(app.deps, OP, action_id=first.id, version=1, verdict="approve")
    assert e.value.code == "already_decided"


async def test_a_proposal_for_a_target_in_flight_is_refused(app: App) -> None:
    a = (await propose(app.deps, AGENT, proposal())).action
    await app.deps.db.transact("demo", lambda tx: tx.actions.transition(
        a.id, from_statuses=frozenset({Status.PENDING_APPROVAL}), to=Status.APPROVED, now=app.deps.now()))
    async with app.db.write("demo") as tx:
        await tx.kill.set("demo", engaged=True, reason="hold", by="test", now=app.deps.now())
    with pytest.raises(Conflict) as e:
        await propose(app.deps, AGENT, proposal(params={"new_title": "Another Linen Tote Title"}))
    assert e.value.code == "in_flight"


async def test_decision_on_an_old_version_fails_closed(app: App) -> None:
    await seed_store(app)
    a = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal("pricing.adjust"))).action
    edited = await decide(app.deps, OP, action_id=a.id, version=1, verdict="snooze",
                          until=app.deps.now() + timedelta(hours=1))
    assert edited.action.status == "snoozed"
    res = await decide(app.deps, OP, action_id=a.id, version=1, verdict="edit_approve",
                       params={"new_price": 41.0})
    assert res.action.version == 2
    with pytest.raises(Conflict) as e:
        await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    assert e.value.code == "already_decided"


async def test_edit_and_approve_reclassifies_a_bigger_price_change_as_critical(app: App) -> None:
    await seed_store(app)
    a = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal("pricing.adjust"))).action
    assert a.risk_tier == "high"
    res = await decide(app.deps, OP, action_id=a.id, version=1, verdict="edit_approve", params={"new_price": 48.0})
    assert res.reclassified == {"from": "high", "to": "critical"}
    assert res.action.risk_tier == "critical"
    assert res.action.version == 2
    detail = await get_action(app.deps, OP, action_id=a.id)
    assert [v["risk_tier"] for v in detail["versions"]] == ["high", "critical"]


async def test_version_mismatch_is_reported_with_the_current_version(app: App) -> None:
    a = (await propose(app.deps, AGENT, proposal())).action
    async with app.db.write("demo") as tx:
        await tx.actions.new_version(a.id, expected_version=1, params={**a.params, "new_title": "Changed Title Here"},
                                     digest="x" * 64, risk_tier=RiskTier(a.risk_tier), by="test", now=app.deps.now())
    with pytest.raises(Conflict) as e:
        await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    assert e.value.code == "version_mismatch"
    assert e.value.details["current_version"] == 2


async def test_pending_actions_expire_unexecuted(app: App, clock: Clock) -> None:
    a = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal("pricing.adjust"))).action
    clock.advance(days=3, seconds=1)  # high tier: 3 days
    with pytest.raises(Conflict) as e:
        await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    assert e.value.code == "expired"
    detail = await get_action(app.deps, OP, action_id=a.id)
    assert detail["action"]["status"] == "expired" and detail["execution"] is None


async def test_worker_pass_expires_and_wakes(app: App, clock: Clock) -> None:
    stale = (await propose(app.deps, AGENT, proposal("content.rewrite_title"))).action
    snoozed = (await propose(app.deps, AGENT, proposal("content.rewrite_meta_description"))).action
    await decide(app.deps, OP, action_id=snoozed.id, version=1, verdict="snooze", until=clock.now + timedelta(days=8))
    clock.advance(days=7, seconds=1)
    report = await run_due(app.deps, "demo")
    assert report.expired == [stale.id] and report.woken == []
    clock.advance(days=1)
    report = await run_due(app.deps, "demo")
    assert report.woken == [snoozed.id]
    detail = await get_action(app.deps, OP, action_id=snoozed.id)
    assert detail["action"]["status"] == "pending_approval"


async def test_semi_autonomous_auto_executes_low_risk_only(app: App) -> None:
    from tools.tenants import set_autonomy

    await seed_store(app)
    await set_autonomy(app.deps, OP, level="semi_autonomous")
    low = await propose(app.deps, Principal.for_agent("demo", "analytics"), proposal("analytics.investigate"))
    assert low.action.status == "executed" and low.execution and low.execution["status"] == "executed"
    medium = await propose(app.deps, AGENT, proposal())
    assert medium.action.status == "pending_approval"


async def test_raising_autonomy_says_what_already_waits_still_waits_and_a_no_change_is_not_audited(
        app: App) -> None:
    from tools.tenants import set_autonomy

    await seed_store(app)
    waiting = (await propose(app.deps, AGENT, proposal())).action
    raised = await set_autonomy(app.deps, OP, level="autonomous")
    assert raised["changed"] and raised["still_waiting"] == 1 and "already waiting still wait" in raised["note"]
    assert (await get_action(app.deps, OP, action_id=waiting.id))["action"]["status"] == "pending_approval"
    again = await set_autonomy(app.deps, OP, level="autonomous")
    assert not again["changed"] and again["note"] == ""
    events = await app.db.query("demo", lambda tx: tx.audit.recent(limit=50, event_prefix="autonomy."))
    assert [e.event for e in events] == ["autonomy.changed"]


async def test_human_work_never_auto_executes_even_when_autonomous(app: App) -> None:
    from tools.tenants import set_autonomy

    await set_autonomy(app.deps, OP, level="autonomous")
    res = await propose(app.deps, AGENT, proposal("perf.repair_page"))
    assert res.action.status == "pending_approval"
    res2 = await propose(app.deps, Principal.for_agent("demo", "customer_front"), proposal("support.escalation"))
    assert res2.action.status == "pending_approval"


async def test_everything_is_audited_and_the_chain_verifies(app: App) -> None:
    await seed_store(app)
    a = (await propose(app.deps, AGENT, proposal())).action
    await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    await rollback(app.deps, OP, action_id=a.id)
    from tools.audit import recent

    events = [e["event"] for e in reversed(await recent(app.deps, "demo"))]
    assert events == ["action.proposed", "action.approved", "action.executed", "action.rolled_back"]
    report = await verify(app.deps, "demo")
    assert report.ok and report.events == 4


async def test_tenants_never_see_each_other(app: App) -> None:
    a = (await propose(app.deps, AGENT, proposal())).action
    other = Principal.operator("other")
    assert await list_actions(app.deps, other) == []
    from tools.errors import NotFound

    with pytest.raises(NotFound):
        await get_action(app.deps, other, action_id=a.id)
    with pytest.raises(NotFound):
        await decide(app.deps, other, action_id=a.id, version=1, verdict="approve")
