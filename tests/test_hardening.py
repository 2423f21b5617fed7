"""Findings of the attack run that live below the transport: reveals throttled, threads owned."""

from __future__ import annotations

import pytest

from graphs.service import owner_of
from policies.principal import Principal, Role
from server.app import App
from tests.factories import seed_store
from tools.audit import recent
from tools.errors import Forbidden, InvalidInput
from tools.pii import REVEAL_ALERT, REVEAL_LIMIT, reveal

OP = Principal.operator("demo")


async def test_reveals_are_throttled_and_bulk_use_raises_an_alert(app: App) -> None:
    async with app.db.write("demo") as tx:
        await tx.tenants.ensure(name="demo", now=app.deps.now())
        await tx.pii.store(ref="em_test", entity="email", value="jane@example.com", now=app.deps.now())
    for _ in range(REVEAL_LIMIT):
        assert (await reveal(app.deps, OP, ref="em_test", reason="answering her request"))["value"]
    with pytest.raises(InvalidInput) as refused:
        await reveal(app.deps, OP, ref="em_test", reason="answering her request")
    assert refused.value.code == "rate_limited"
    alerts = [e for e in await recent(app.deps, "demo", limit=200) if e["event"] == "alert.pii_bulk_reveal"]
    assert len(alerts) == 1 and alerts[0]["data"]["reveals"] == REVEAL_ALERT


def test_a_conversation_belongs_to_the_principal_that_opened_it() -> None:
    reader = Principal(role=Role.ASSISTANT, tenant="demo", subject="token:ge_abc", scopes=frozenset({"read"}))
    assert owner_of(reader) != owner_of(OP)
    assert owner_of(Principal.operator("demo", "operator:cli")) == owner_of(Principal.operator("demo", "token:x"))


async def test_a_read_only_assistant_cannot_continue_the_operators_thread(app: App) -> None:
    await seed_store(app)
    chat = await app.agents()
    await chat.send(OP, "what should I do today?", thread="op-thread")
    reader = Principal(role=Role.ASSISTANT, tenant="demo", subject="token:ge_abc", scopes=frozenset({"read"}))
    with pytest.raises(Forbidden):
        await chat.send(reader, "yes", thread="op-thread")


async def test_a_customer_cannot_flood_the_operators_inbox(app: App) -> None:
    from tools.actions import list_actions
    from tools.escalation import NEW_PER_DAY, escalate

    await seed_store(app)
    customer = Principal.customer("demo", "cus_flood")
    outcomes = []
    for n in range(70):
        result = await escalate(app.deps, customer, summary=f"help me now ({n})", conversation=f"c{n}",
                                customer_ref="cus_flood")
        outcomes.append(result["outcome"])
        if result["action_id"] is not None and n % 2 == 0:
            # the operator handles it: the customer may open another, up to the day's limit
            from tools.decisions import decide

            await decide(app.deps, OP, action_id=result["action_id"], version=1, verdict="reject",
                         reason="handled on the phone")
    waiting = await list_actions(app.deps, OP, kind="support.escalation", status="all")
    assert len(waiting) <= NEW_PER_DAY and "throttled" in outcomes
    follow_ups = [e for e in await recent(app.deps, "demo", limit=500) if e["event"] == "escalation.followed_up"]
    assert len(follow_ups) <= 10 * NEW_PER_DAY
