"""What the operator's words do to the store, checked on the store itself (rules brain, real graph).

Each test is a defect an exploratory chat found: a reason that named a time snoozed instead
of rejecting, an edit that was dropped and the original executed, a repeated question that
confirmed a change, a named version swapped for the current one, "the top two" narrowed to
the action last explained, one agent's name engaging the store-wide kill switch, and the
small things ("ok do it", "undo that" after a snooze, releasing a switch that is off).
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage
from sqlalchemy import func, select

from graphs.brains.openai import ModelBrain
from policies.principal import Principal
from server.app import App
from server.persistence import models as m
from tests.factories import proposal
from tests.graphs.scripted import ScriptedChatModel, tool_call
from tools.actions import get_action, propose
from tools.agent_flags import enabled_agents
from tools.killswitch import set_kill_switch
from tools.tenants import get_status

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
ANALYTICS = Principal.for_agent("demo", "analytics")


async def _detail(app: App, action_id: int) -> dict[str, Any]:
    return await get_action(app.deps, OP, action_id=action_id)


async def _status(app: App, action_id: int) -> str:
    return str((await _detail(app, action_id))["action"]["status"])


async def _executions(app: App) -> int:
    async with app.db.read("demo") as tx:
        return int((await tx.conn.execute(select(func.count()).select_from(m.Execution))).scalar_one())  # type: ignore[attr-defined]


def _pending(turn: Any) -> set[tuple[str, int | None]]:
    return {(p["verb"], p.get("action_id")) for p in turn.pending or []}


# --- 1. a time inside a rejection's reason ---------------------------------------------------------------

@pytest.mark.parametrize("say", [
    "reject {id} because our copywriter will redo it next week",
    "reject {id} because we already have a shipment of those coming next week",
    "decline {id}, the supplier says a new batch arrives tomorrow",
    "skip {id} since we're relaunching that page on monday",
])
async def test_a_time_in_the_reason_rejects_with_that_reason_and_never_snoozes(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, say.format(id=a.id), thread="t1")
    detail = await _detail(agents_app, a.id)
    assert detail["action"]["status"] == "rejected"
    reason = detail["decisions"][0]["reason"]
    assert reason and reason in say and ("week" in reason or "tomorrow" in reason or "monday" in reason)


async def test_rejecting_the_second_one_of_a_list_with_a_dated_reason_offers_a_rejection(agents_app: App) -> None:
    first = (await propose(agents_app.deps, CONTENT, proposal(revenue=5000))).action
    second = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", revenue=3000))).action
    chat = await agents_app.agents()
    await chat.send(OP, "show the pending ones", thread="t2")
    turn = await chat.send(OP, "reject the second one, we have a shipment of those coming next week", thread="t2")
    assert _pending(turn) == {("reject", second.id)}
    turn = await chat.send(OP, "yes", thread="t2")
    detail = await _detail(agents_app, second.id)
    assert detail["action"]["status"] == "rejected"
    assert detail["decisions"][0]["reason"] == "we have a shipment of those coming next week"
    assert await _status(agents_app, first.id) == "pending_approval"


async def test_i_said_reject_not_snooze_turns_the_offered_snooze_into_a_rejection(agents_app: App) -> None:
    await propose(agents_app.deps, CONTENT, proposal(revenue=5000))
    second = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", revenue=3000))).action
    chat = await agents_app.agents()
    await chat.send(OP, "show the pending ones", thread="t3")
    turn = await chat.send(OP, "snooze the second one until monday because a shipment is coming", thread="t3")
    assert _pending(turn) == {("snooze", second.id)}
    turn = await chat.send(OP, "no, I said REJECT, not snooze", thread="t3")
    assert _pending(turn) == {("reject", second.id)}  # a correction is offered, never run on its own
    assert await _status(agents_app, second.id) == "pending_approval"
    await chat.send(OP, "yes", thread="t3")
    detail = await _detail(agents_app, second.id)
    assert detail["action"]["status"] == "rejected" and detail["decisions"][0]["reason"] == "a shipment is coming"


# --- 2. "approve … but change …" ------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "say", "param", "value"), [
    ("content.rewrite_title", "approve {id} but make the title Linen Tote Bag – Handwoven | Atelier Nord",
     "new_title", "Linen Tote Bag – Handwoven | Atelier Nord"),
    ("content.rewrite_title", "approve {id} but use 'Linen Tote | Atelier Nord' as the title",
     "new_title", "Linen Tote | Atelier Nord"),
    ("content.rewrite_meta_description",
     "approve {id} but change the description to: A roomy linen tote, woven by hand. Free returns.",
     "new_description", "A roomy linen tote, woven by hand. Free returns."),
])
async def test_an_approval_with_a_new_text_executes_the_new_text(agents_app: App, kind: str, say: str, param: str,
                                                                 value: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal(kind))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, say.format(id=a.id), thread="e1")
    detail = await _detail(agents_app, a.id)
    assert detail["action"]["status"] == "executed", turn.reply
    assert detail["action"]["version"] == 2 and detail["action"]["params"][param] == value
    assert [d["verdict"] for d in detail["decisions"]] == ["edit_approve"]


@pytest.mark.parametrize(("kind", "say"), [
    ("content.add_internal_links", "approve {id} but make the anchor text 'linen apron set'"),
    ("content.rewrite_title", "approve {id} but make the title shorter"),
    ("inventory.reorder", "approve {id} but change the title to 'Linen Tote'"),
])
async def test_a_change_that_cannot_be_applied_approves_nothing(agents_app: App, kind: str, say: str) -> None:
    a = (await propose(agents_app.deps, INVENTORY if kind.startswith("inventory") else CONTENT, proposal(kind))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, say.format(id=a.id), thread="e2")
    assert await _status(agents_app, a.id) == "pending_approval" and await _executions(agents_app) == 0
    assert not turn.pending and "nothing was approved" in turn.reply


async def test_a_model_that_approves_the_original_when_a_change_was_asked_is_held(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    model = ScriptedChatModel(script=[
        AIMessage("", tool_calls=[tool_call("approve_action", {"action_id": a.id, "version": 1}, "c1")]),
        AIMessage("Approved.")])
    chat = await agents_app.agents(brain=ModelBrain(model))
    turn = await chat.send(OP, f"approve {a.id} but make the title Linen Tote Bag – Handwoven", thread="e3")
    assert await _status(agents_app, a.id) == "pending_approval"
    assert _pending(turn) == {("approve", a.id)}


# --- 3. a repeated question is not a confirmation ---------------------------------------------------------

async def test_a_why_question_that_mentions_a_level_changes_nothing_however_often_it_is_sent(agents_app: App) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action
    chat = await agents_app.agents()
    for _ in range(2):
        turn = await chat.send(OP, f"why is {a.id} still waiting? I said autonomous", thread="q1")
        assert (await get_status(agents_app.deps, OP))["autonomy_level"] == "supervised"
        assert not turn.pending and "supervised" in turn.reply
    assert await _status(agents_app, a.id) == "pending_approval"


async def test_only_a_yes_or_the_command_said_again_plainly_confirms_an_echo(agents_app: App) -> None:
    high = (await propose(agents_app.deps, INVENTORY, proposal("pricing.adjust"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, "go autonomous", thread="q2")
    assert _pending(turn) == {("autonomy", None)}
    turn = await chat.send(OP, "go autonomous, why is nothing running?", thread="q2")
    assert (await get_status(agents_app.deps, OP))["autonomy_level"] == "supervised" and turn.pending
    await chat.send(OP, "no", thread="q2")
    turn = await chat.send(OP, f"approve {high.id}", thread="q2")
    assert _pending(turn) == {("approve", high.id)}
    turn = await chat.send(OP, "approve it", thread="q2")  # points at it; does not name it
    assert await _status(agents_app, high.id) == "pending_approval" and turn.pending
    await chat.send(OP, f"approve {high.id}", thread="q2")  # the command again, plainly
    assert await _status(agents_app, high.id) == "executed"


# --- 4. a named version is decided on as named ---------------------------------------------------------

@pytest.mark.parametrize("say", ["approve version 3 of #{id}", "approve {id} v3", "reject {id} v2 because it's stale"])
async def test_a_version_that_does_not_exist_is_refused_not_replaced(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, say.format(id=a.id), thread="v1")
    detail = await _detail(agents_app, a.id)
    assert detail["action"]["status"] == "pending_approval" and detail["decisions"] == []
    assert not turn.pending and "no version" in turn.reply


# --- 5. places count in the ranked queue or the list shown, not in the last explanation ------------------

async def test_the_top_two_after_an_explanation_are_the_top_two_of_the_queue(agents_app: App) -> None:
    top = (await propose(agents_app.deps, ANALYTICS, proposal("analytics.investigate", revenue=5000))).action
    second = (await propose(agents_app.deps, CONTENT, proposal(revenue=3000))).action
    third = (await propose(agents_app.deps, CONTENT, proposal("content.rewrite_meta_description", revenue=100))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"why is number {second.id} worth that much?", thread="p1")
    turn = await chat.send(OP, "approve the top two", thread="p1")
    assert _pending(turn) == {("approve", top.id), ("approve", second.id)}
    await chat.send(OP, "yes", thread="p1")
    assert await _status(agents_app, top.id) == "executed" and await _status(agents_app, second.id) == "executed"
    assert await _status(agents_app, third.id) == "pending_approval"


async def test_the_second_one_counts_in_the_list_shown_even_after_an_acknowledgement(agents_app: App) -> None:
    await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", revenue=9000))
    first = (await propose(agents_app.deps, CONTENT, proposal(revenue=3000))).action
    second = (await propose(agents_app.deps, CONTENT, proposal("content.rewrite_meta_description", revenue=100))).action
    chat = await agents_app.agents()
    await chat.send(OP, "show the content ones", thread="p2")
    await chat.send(OP, "thanks", thread="p2")
    turn = await chat.send(OP, "approve the second one", thread="p2")
    assert _pending(turn) == {("approve", second.id)}
    assert await _status(agents_app, first.id) == "pending_approval"


# --- 6. one agent named: that agent, never the kill switch ---------------------------------------------

@pytest.mark.parametrize("say", ["stop the content agent, its suggestions are rubbish", "turn off the content agent",
                                 "turn the content agent off", "disable the seo agent"])
async def test_stopping_one_agent_switches_that_agent_off_and_never_engages_the_kill_switch(agents_app: App,
                                                                                           say: str) -> None:
    waiting = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="a1")
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"] is False
    agents = await enabled_agents(agents_app.deps, "demo")
    assert "content" not in agents and {"inventory", "analytics", "risk"} <= set(agents)
    assert not turn.pending and "content agent is switched off" in turn.reply
    # what it proposed before still waits for the operator; and it comes back on when asked
    assert await _status(agents_app, waiting.id) == "pending_approval"
    back = await chat.send(OP, "turn the content agent back on", thread="a1")
    assert "content" in await enabled_agents(agents_app.deps, "demo") and "back on" in back.reply


async def test_a_viewer_cannot_switch_an_agent_off_from_the_chat(agents_app: App) -> None:
    from policies.principal import Role

    chat = await agents_app.agents()
    viewer = Principal(Role.ASSISTANT, "demo", "token:read", scopes=frozenset({"read"}))
    await chat.send(viewer, "turn off the content agent", thread="a3")
    assert "content" in await enabled_agents(agents_app.deps, "demo")


async def test_a_model_that_engages_the_kill_switch_for_one_agent_is_held(agents_app: App) -> None:
    model = ScriptedChatModel(script=[
        AIMessage("", tool_calls=[tool_call("set_kill_switch", {"engaged": True, "reason": "rubbish"}, "c1")]),
        AIMessage("Stopped.")])
    chat = await agents_app.agents(brain=ModelBrain(model))
    turn = await chat.send(OP, "stop the content agent, its suggestions are rubbish", thread="a2")
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"] is False
    assert _pending(turn) == {("kill_on", None)}


# --- 7. "ok do it", "undo that" after a snooze, releasing a switch that is off ----------------------------

async def test_ok_do_it_after_an_explanation_offers_that_one_and_runs_nothing(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {a.id}", thread="o1")
    turn = await chat.send(OP, "ok do it", thread="o1")
    assert _pending(turn) == {("approve", a.id)} and await _status(agents_app, a.id) == "pending_approval"
    await chat.send(OP, "yes", thread="o1")
    assert await _status(agents_app, a.id) == "executed"


async def test_undo_after_a_snooze_changes_nothing_and_says_how_a_snooze_ends(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, f"snooze {a.id} until monday", thread="o2")
    assert await _status(agents_app, a.id) == "snoozed"
    turn = await chat.send(OP, "undo that", thread="o2")
    assert await _status(agents_app, a.id) == "snoozed" and not turn.pending
    assert "nothing to roll back" in turn.reply and f"approve {a.id}" in turn.reply


async def test_releasing_a_kill_switch_that_is_off_asks_nothing(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "release the kill switch", thread="o3")
    assert not turn.pending and "already off" in turn.reply
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"] is False
    await set_kill_switch(agents_app.deps, OP, engaged=True, reason="test")
    turn = await chat.send(OP, "release the kill switch", thread="o3")
    assert _pending(turn) == {("kill_off", None)}


# --- 8. a message that takes back or conditions what it asks runs nothing without a yes --------------------

@pytest.mark.parametrize("say", [
    "approve {a}, no wait, {b}",
    "approve {a} — actually no, don't",
    "approve {a}. scratch that, reject {a} because the page is being rebuilt",
    "approve {a} only if you think it's worth more than $100",
    "approve {a}, I mean {b}",
    "reject {a} because we're switching suppliers — actually, just snooze it until Friday",
])
async def test_second_thoughts_in_the_message_change_nothing_until_a_yes(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal(revenue=500))).action
    b = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown", revenue=300))).action
    chat = await agents_app.agents()
    await chat.send(OP, say.format(a=a.id, b=b.id), thread="s1")
    assert await _status(agents_app, a.id) == "pending_approval"
    assert await _status(agents_app, b.id) == "pending_approval" and await _executions(agents_app) == 0


async def test_an_agent_switched_off_does_not_run_from_the_conversation(agents_app: App) -> None:
    chat = await agents_app.agents()
    await chat.send(OP, "turn the inventory agent off, it keeps reordering socks", thread="d1")
    assert "inventory" not in await enabled_agents(agents_app.deps, "demo")
    turn = await chat.send(OP, "run the inventory agent", thread="d1")
    assert "switched off, so it did not run" in turn.reply
    async with agents_app.db.read("demo") as tx:
        runs = await tx.runs.list(limit=20)  # type: ignore[attr-defined]
    assert not [r for r in runs if r.agent == "inventory"]
