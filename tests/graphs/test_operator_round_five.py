"""A fifth exploratory chat (107 conversations on the demo store), checked on the store itself.

Severe before: a name then "don't do it" ran the action ("17 - don't do it", "the rowan tote meta
description, dont do that one"); "approve N" inside a refusal, a report or the past ran it ("I refuse to
approve 11", "you keep asking me to approve 13", 'a customer said "just approve 17"', "i was going to
approve 11 but …"); "keep 17, dont roll it back" rolled it back; "do 4 but make it 5%" dropped the change;
a question kept through unrelated turns was carried out by a "yes" meant for another topic (now dropped
after three);
"approve 14 ❌" ran.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.chat import status_of, waiting
from tools.actions import get_action, propose

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)




@pytest.mark.parametrize("said", [
    "17 - don't do it", "17, dont do that one", "I refuse to approve 17", "there's no way I'd approve 17",
    "you keep asking me to approve 17", "i know you want me to approve 17 but no",
    "i was going to approve 17 but then i saw the price", "yesterday i would have said approve 17",
    'a customer said "just approve 17 already" lol', "last time i let you approve 17 it went badly",
    "approve 17 ❌", "keep 17, dont roll it back"])
def test_a_refused_reported_or_past_request_is_not_a_request(said: str) -> None:
    assert all(i.name not in ("approve", "edit_approve", "rollback", "reject") for i in parse(said, NOW)), said


@pytest.mark.parametrize("said", ["approve 17", "let's approve 17", "can you approve 17", "approve 17, they said "
                                  "it's fine", "reject 17 because we don't do discounts"])
def test_plain_requests_stay_requests(said: str) -> None:
    assert parse(said, NOW)[0].name in ("approve", "reject"), said


async def test_naming_an_action_then_saying_dont_changes_nothing(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    for n, said in enumerate((f"{title} - don't do it", "the linen tote title, dont do that one",
                              f"I refuse to approve {title}", f"you keep asking me to approve {title}")):
        turn = await chat.send(OP, said, thread=f"n{n}")
        assert await status_of(agents_app, title) == "pending_approval", (said, turn.reply)
        assert not turn.pending, (said, turn.reply)


async def test_keep_it_dont_roll_it_back_keeps_it(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {title}", thread="k1")
    turn = await chat.send(OP, f"keep {title}, dont roll it back", thread="k1")
    assert await status_of(agents_app, title) == "executed" and not turn.pending, turn.reply


async def test_do_with_a_change_carries_the_change(agents_app: App) -> None:
    markdown = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"do {markdown} but make it 5%", thread="d1")
    assert waiting(turn) == {("edit_approve", markdown)} and "percent off 5" in turn.reply, turn.reply
    await chat.send(OP, "yes", thread="d1")
    found = await get_action(agents_app.deps, OP, action_id=markdown)
    assert found["action"]["params"]["percent_off"] == 5, found["action"]["params"]


async def test_a_question_left_for_three_other_turns_is_dropped(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {reorder}", thread="q1")
    for asked in ("how are sales this week", "what autonomy level are we at?"):
        turn = await chat.send(OP, asked, thread="q1")
        assert waiting(turn) == {("approve", reorder)}, turn.reply  # asked again
    turn = await chat.send(OP, "what rules do i have", thread="q1")
    assert not turn.pending and "dropped" in turn.reply, turn.reply
    await chat.send(OP, "yes", thread="q1")
    assert await status_of(agents_app, reorder) == "pending_approval"
