"""Conversations through the real graph (rules brain, real checkpointer) on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from policies.principal import Principal
from server.app import App
from server.persistence import models as m
from tests.factories import proposal
from tests.graphs.conftest import add_customer_orders
from tools.actions import get_action, propose
from tools.decisions import decide
from tools.errors import Forbidden

OP = Principal.operator("demo")
INVENTORY = Principal.for_agent("demo", "inventory")
CONTENT = Principal.for_agent("demo", "content")


async def executions(app: App) -> int:
    async with app.db.read("demo") as tx:
        return int((await tx.conn.execute(select(func.count()).select_from(m.Execution))).scalar_one())  # type: ignore[attr-defined]


async def test_briefing_lists_the_best_actions_first(agents_app: App) -> None:
    await propose(agents_app.deps, CONTENT, proposal(revenue=300))
    big = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", revenue=5000))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, "what should I do today?", thread="b1")
    assert turn.trace == ["ceo_front"]
    assert turn.reply.index(f"#{big.id}") < turn.reply.index("content.rewrite_title")
    assert {"type": "action", "id": big.id} in turn.refs
    assert "I'd start with" in turn.reply


async def test_medium_approval_runs_at_once_and_critical_waits_for_confirmation(agents_app: App) -> None:
    medium = (await propose(agents_app.deps, CONTENT, proposal())).action
    critical = (await propose(agents_app.deps, INVENTORY, proposal(
        "pricing.adjust", params={"current_price": 40.0, "new_price": 48.0}))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {medium.id}", thread="c1")
    assert "executed" in turn.reply and turn.pending is None
    turn = await chat.send(OP, f"approve {critical.id}", thread="c1")
    assert turn.pending and turn.pending[0]["action_id"] == critical.id and turn.pending[0]["risk_tier"] == "critical"
    assert f"Approve #{critical.id}" in turn.reply and "yes / no" in turn.reply and "can be undone" in turn.reply
    assert (await get_action(agents_app.deps, OP, action_id=critical.id))["action"]["status"] == "pending_approval"
    # a stale answer (wrong version) approves nothing
    turn = await chat.resume(OP, "c1", [{"action_id": critical.id, "version": 2, "approve": True}])
    assert "not done" in turn.reply
    assert (await get_action(agents_app.deps, OP, action_id=critical.id))["action"]["status"] == "pending_approval"
    # ask again, confirm with the exact id and version: it executes once
    turn = await chat.send(OP, f"approve {critical.id}", thread="c1")
    turn = await chat.resume(OP, "c1", [{"action_id": critical.id, "version": 1, "approve": True}])
    assert f"#{critical.id} executed" in turn.reply
    assert turn.trace == ["confirm"]
    repeat = await chat.resume(OP, "c1", [{"action_id": critical.id, "version": 1, "approve": True}])
    assert "Nothing is waiting" in repeat.reply
    assert await executions(agents_app) == 2


async def test_a_decision_taken_elsewhere_while_paused_is_honoured(agents_app: App) -> None:
    critical = (await propose(agents_app.deps, INVENTORY, proposal(
        "pricing.adjust", params={"current_price": 40.0, "new_price": 48.0}))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {critical.id}", thread="e1")
    assert turn.pending
    await decide(agents_app.deps, Principal.operator("demo", "operator:cli"), action_id=critical.id, version=1,
                 verdict="reject", reason="decided at the terminal")
    turn = await chat.send(OP, "yes", thread="e1")
    assert "decided elsewhere" in turn.reply
    assert (await get_action(agents_app.deps, OP, action_id=critical.id))["action"]["status"] == "rejected"
    assert await executions(agents_app) == 0


async def test_declining_a_confirmation_changes_nothing(agents_app: App) -> None:
    critical = (await propose(agents_app.deps, CONTENT, proposal("email.send"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {critical.id}", thread="d1")
    turn = await chat.send(OP, "no", thread="d1")
    assert f"#{critical.id}: not done — it is still waiting for you" in turn.reply
    assert (await get_action(agents_app.deps, OP, action_id=critical.id))["action"]["status"] == "pending_approval"


async def test_references_bulk_and_edits(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    b = (await propose(agents_app.deps, CONTENT, proposal("content.rewrite_meta_description"))).action
    c = (await propose(agents_app.deps, INVENTORY, proposal("pricing.adjust"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, "approve everything from the content agent", thread="r1")
    assert {p["action_id"] for p in turn.pending or []} == {a.id, b.id}  # described, not named: asked first
    turn = await chat.send(OP, "yes", thread="r1")
    assert f"#{a.id} executed" in turn.reply and f"#{b.id} executed" in turn.reply
    turn = await chat.send(OP, f"approve {c.id} but make the price 41", thread="r1")
    assert turn.pending and turn.pending[0]["params"]["new_price"] == 41.0  # high: confirm first
    turn = await chat.send(OP, "yes", thread="r1")
    assert f"#{c.id} executed" in turn.reply
    detail = await get_action(agents_app.deps, OP, action_id=c.id)
    assert detail["action"]["version"] == 2 and detail["execution"]["after"]["price"] == 41.0


async def test_reject_asks_for_a_reason_and_uses_it(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"reject {a.id}", thread="j1")
    assert "Tell me why" in turn.reply
    turn = await chat.send(OP, f"reject {a.id} because the tone is off-brand", thread="j1")
    assert "rejected" in turn.reply
    detail = await get_action(agents_app.deps, OP, action_id=a.id)
    assert detail["decisions"][0]["reason"] == "the tone is off-brand"


async def test_delegation_goes_through_the_contract_and_reports_back(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "ask the content agent to review our titles", thread="g1")
    assert turn.trace == ["ceo_front", "content", "ceo_front"]
    assert "content agent is done" in turn.reply and "No data to work on yet" in turn.reply
    from tools.handoffs import handoff_log

    rows = await handoff_log(agents_app.deps, OP)
    assert [(r["from"], r["to"], r["allowed"]) for r in rows][:2] == [("content", "ceo_front", True),
                                                                      ("ceo_front", "content", True)]
    turn = await chat.send(OP, "how did the last run go?", thread="g1")
    assert "content (delegate): succeeded" in turn.reply


async def test_standing_rules_are_echoed_as_understood_and_enforced(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "never discount brand Atelier Nord", thread="p1")
    assert "no markdowns and price cuts on products from Atelier Nord" in turn.reply
    with pytest.raises(Forbidden) as e:
        await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))
    assert e.value.code == "rule_forbids"
    # a price rise on the same brand is not a discount
    await propose(agents_app.deps, INVENTORY, proposal("pricing.adjust"))
    turn = await chat.send(OP, "what rules have I set?", thread="p1")
    assert "Atelier Nord" in turn.reply
    turn = await chat.send(OP, "forget the rule about Atelier Nord", thread="p1")
    assert "Forgotten" in turn.reply
    await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))


async def test_a_rule_it_cannot_enforce_is_refused_not_stored(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "never discount anything from Nobody Knows Co", thread="p2")
    assert "can't enforce" in turn.reply
    turn = await chat.send(OP, "never discount anything before January", thread="p2")
    assert "on any product until 1 Jan" in turn.reply
    from tools.rules import list_rules

    assert [r["rule"]["subject"] for r in await list_rules(agents_app.deps, OP)] == [["all", ""]]


async def test_kill_switch_and_autonomy_from_chat(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "stop everything", thread="k1")
    assert "Kill switch engaged" in turn.reply
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    turn = await chat.send(OP, f"approve {a.id}", thread="k1")
    assert "held by the kill switch" in turn.reply
    turn = await chat.send(OP, "resume executions", thread="k1")
    assert turn.pending and "Release the kill switch" in turn.reply  # releasing always waits for a yes
    turn = await chat.send(OP, "yes", thread="k1")
    assert "1 approved action(s) ran" in turn.reply
    turn = await chat.send(OP, "go semi-autonomous", thread="k1")
    assert turn.pending and "semi-autonomous" in turn.reply  # more autonomy is critical: asked first
    turn = await chat.send(OP, "yes", thread="k1")
    assert "Autonomy is now semi-autonomous" in turn.reply


async def test_shopper_asks_about_products_policies_and_their_order(agents_app: App) -> None:
    ref = await add_customer_orders(agents_app, "jane@example.com", ["#2001", "#2002"])
    await add_customer_orders(agents_app, "someone.else@example.com", ["#3001"])
    shopper = Principal.customer("demo", ref)
    chat = await agents_app.agents()
    turn = await chat.send(shopper, "do you have linen totes?", thread="s1")
    assert "Linen Tote" in turn.reply and "https://shop.example/products/linen-tote" in turn.reply
    turn = await chat.send(shopper, "how much is the linen tote?", thread="s1")
    assert "$40.00" in turn.reply
    turn = await chat.send(shopper, "what's your return policy?", thread="s1")
    assert "30 days" in turn.reply
    turn = await chat.send(shopper, "where is my order #2002?", thread="s1")
    assert turn.trace == ["customer_front", "accounts", "customer_front"]
    assert "#2002" in turn.reply and "unfulfilled" in turn.reply
    turn = await chat.send(shopper, "and order #3001?", thread="s1")
    assert "can't find an order #3001" in turn.reply  # another customer's order: no leak


async def test_shopper_escalation_lands_in_the_operator_inbox_redacted(agents_app: App) -> None:
    ref = await add_customer_orders(agents_app, "jane@example.com", ["#2001"])
    chat = await agents_app.agents()
    turn = await chat.send(Principal.customer("demo", ref),
                           "my tote arrived damaged, call me on +44 20 7946 0958", thread="s2")
    assert "passed this to the team" in turn.reply
    from tools.actions import list_actions

    inbox = await list_actions(agents_app.deps, OP, kind="support.escalation")
    assert len(inbox) == 1
    summary = inbox[0].params["summary"]
    assert "7946" not in summary and "[phone:ph_" in summary


async def test_a_thread_belongs_to_its_owner(agents_app: App) -> None:
    a_ref = await add_customer_orders(agents_app, "a@example.com", ["#4001"])
    b_ref = await add_customer_orders(agents_app, "b@example.com", ["#4002"])
    chat = await agents_app.agents()
    await chat.send(Principal.customer("demo", a_ref), "hello", thread="own1")
    with pytest.raises(Forbidden):
        await chat.send(Principal.customer("demo", b_ref), "hello", thread="own1")
    with pytest.raises(Forbidden):
        await chat.send(OP, "hello", thread="own1")


async def test_people_waiting_are_listed_apart_and_marked_handled(agents_app: App) -> None:
    ref = await add_customer_orders(agents_app, "jane@example.com", ["#2001"])
    shopper = Principal.customer("demo", ref)
    chat = await agents_app.agents()
    first = await chat.send(shopper, "my tote from #2001 arrived damaged, I want to talk to someone", thread="e1")
    again = await chat.send(shopper, "hello?? still waiting for someone about the damaged tote", thread="e2")
    assert "passed this to the team" in first.reply and "added this to your open request" in again.reply
    from tools.actions import list_actions

    waiting = await list_actions(agents_app.deps, OP, kind="support.escalation", status="pending")
    assert len(waiting) == 1  # one open request per customer, whatever the thread
    await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", revenue=9000))
    turn = await chat.send(OP, "what should I do today?", thread="e-op")
    assert f"People waiting (1): #{waiting[0].id}" in turn.reply
    turn = await chat.send(OP, f"explain {waiting[0].id}", thread="e-op")
    assert "reveal_pii" in turn.reply and "jane" not in turn.reply.lower()
    turn = await chat.send(OP, f"mark {waiting[0].id} handled", thread="e-op")
    assert (await get_action(agents_app.deps, OP, action_id=waiting[0].id))["action"]["status"] == "executed"
