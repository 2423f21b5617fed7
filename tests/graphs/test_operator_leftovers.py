"""Phrasings an earlier round left misread, checked on the store itself.

"the mug reorder, why 56?" answered "#56: there is no such action" beside the explanation of the
reorder of 56 mugs; "approve 2 of the reorders" asked for a change; "approve all 3 of them" offered
to change a reorder's quantity to 3; "forget all my rules" found no rule called "all my rules";
"show my rules" explained an action; "turn it back on" after switching the inventory agent off
offered to release the kill switch; "undo that" after a rejection said no executed action matched.
"""

from __future__ import annotations

from datetime import datetime, timezone

from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.chat import status_of, waiting
from tools.actions import propose
from tools.rules import list_rules

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)




async def _reorders(app: App, n: int) -> list[int]:
    return [(await propose(app.deps, INVENTORY, proposal("inventory.reorder", target=f"sku:SKU-{i}",
                                                         params={"quantity": 56 + i, "unit_cost": 9.5,
                                                                 "supplier": "Atelier Nord"},
                                                         title=f"Reorder {56 + i} x Linen Tote {i}")))
            .action.id for i in range(n)]


async def test_a_figure_of_the_action_in_view_is_not_an_action_number(agents_app: App) -> None:
    [reorder] = await _reorders(agents_app, 1)
    chat = await agents_app.agents()
    await chat.send(OP, f"show {reorder}", thread="f1")
    turn = await chat.send(OP, "why 56?", thread="f1")
    assert "no such action" not in turn.reply and f"#{reorder}" in turn.reply, turn.reply
    # a number that is not a figure of it is still an action's number, and said to be unknown
    turn = await chat.send(OP, "why 57?", thread="f1")
    assert "#57: there is no such action" in turn.reply, turn.reply


def test_some_of_a_group_is_not_a_change_nor_all_of_it() -> None:
    [approve] = parse("approve 2 of the reorders", NOW)
    assert approve.name == "approve" and approve.ref is not None and approve.ref.some == 2, approve
    [snooze] = parse("snooze some of the markdowns till friday", NOW)
    assert snooze.name == "snooze" and snooze.ref is not None and snooze.ref.some == 0 and not snooze.ref.every
    [every] = parse("approve all 3 of them", NOW)
    assert every.name == "approve" and not every.params, every  # not a quantity of 3
    assert parse("approve 8, 20 of them", NOW)[0].params == {"quantity": 20}


async def test_two_of_the_reorders_asks_which_two_and_decides_nothing(agents_app: App) -> None:
    made = await _reorders(agents_app, 3)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "approve 2 of the reorders", thread="s1")
    assert not turn.pending and "which 2 should I approve" in turn.reply, turn.reply
    assert all(f"#{i}" in turn.reply for i in made), turn.reply
    for i in made:
        assert await status_of(agents_app, i) == "pending_approval"
    # exactly two fit: those two, echoed (named by a description, never run at once)
    await chat.send(OP, f"reject {made[2]} because we have plenty", thread="s2")
    turn = await chat.send(OP, "approve 2 of the reorders", thread="s2")
    assert waiting(turn) == {("approve", made[0]), ("approve", made[1])}, turn.reply


async def test_forgetting_every_rule_is_echoed_with_each_rule_and_waits(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "forget all my rules", thread="r1")
    assert "no standing rules" in turn.reply and not turn.pending, turn.reply
    await chat.send(OP, "never discount anything linen", thread="r1")
    await chat.send(OP, "no reorders from Atelier Nord", thread="r1")
    turn = await chat.send(OP, "show my rules", thread="r1")
    assert "linen" in turn.reply.lower() and "atelier nord" in turn.reply.lower(), turn.reply
    turn = await chat.send(OP, "wipe my rules", thread="r1")
    assert "Forget all 2 rules" in turn.reply and "yes / no" in turn.reply, turn.reply
    assert len(await list_rules(agents_app.deps, OP)) == 2  # nothing forgotten before the yes
    turn = await chat.send(OP, "no", thread="r1")
    assert len(await list_rules(agents_app.deps, OP)) == 2, turn.reply
    await chat.send(OP, "forget all my rules", thread="r1")
    turn = await chat.send(OP, "yes", thread="r1")
    assert "Forgotten: all 2 rules" in turn.reply and await list_rules(agents_app.deps, OP) == [], turn.reply


async def test_turn_it_back_on_after_an_agent_was_switched_off_is_that_agent(agents_app: App) -> None:
    chat = await agents_app.agents()
    await chat.send(OP, "turn off the inventory agent", thread="a1")
    turn = await chat.send(OP, "turn it back on", thread="a1")
    assert waiting(turn) == {("agent_on", None)} and "inventory agent" in turn.reply, turn.reply
    assert "kill switch" not in turn.reply.lower(), turn.reply
    turn = await chat.send(OP, "yes", thread="a1")
    assert "inventory agent is back on" in turn.reply, turn.reply
    # without an agent just switched off, it is still the kill switch (and there is nothing to release)
    turn = await chat.send(OP, "turn it back on", thread="a2")
    assert "kill switch is already off" in turn.reply, turn.reply


async def test_undo_after_a_rejection_says_what_a_rejection_means(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"reject {title} because the title is fine", thread="u1")
    turn = await chat.send(OP, "undo that", thread="u1")
    assert f"#{title} was rejected, not executed" in turn.reply and "can't be taken back" in turn.reply, turn.reply
    assert await status_of(agents_app, title) == "rejected" and not turn.pending
