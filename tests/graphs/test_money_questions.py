"""Money questions in the conversation: what one action is worth, and what the waiting queue adds up to.

Before, "how much will 8 make me" was not understood (the 8 was not read as the action) and "what's the
total upside in the queue?" listed the queue without a total.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.chat import status_of
from tools.actions import propose

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("said", ["how much will 8 make me", "what will 8 earn", "how much would 8 make",
                                  "what's 8 worth", "how much is 8 worth?", "whats the upside on 8",
                                  "whats 8 worth", "whats 8 worth?"])
def test_a_money_question_about_an_action_reads_the_action(said: str) -> None:
    [intent] = parse(said, NOW)
    assert (intent.name, intent.ids, intent.said_as) == ("explain", (8,), "worth"), said


def test_what_before_a_count_is_not_an_action() -> None:
    assert all(8 not in i.ids and 3 not in i.ids for i in parse("what 3 actions are waiting", NOW))


@pytest.mark.parametrize("said", ["approve 8, it will pay off", "snooze 7, 3 days will do", "it will 5 days"])
def test_will_before_a_number_does_not_change_what_a_request_does(said: str) -> None:
    assert all(i.name != "explain" for i in parse(said, NOW)), said


async def test_how_much_will_it_make_answers_with_the_money_and_how_it_is_worked_out(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", revenue=1234.5))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"how much will {reorder} make me", thread="m1")
    reply = " ".join(turn.reply.split())
    assert f"#{reorder}" in reply and "expected profit $1,234" in reply and "four weeks" in reply, reply
    assert f'"explain {reorder}"' in reply, reply
    assert not turn.pending and await status_of(agents_app, reorder) == "pending_approval"


async def test_the_waiting_list_says_what_it_adds_up_to(agents_app: App) -> None:
    await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", revenue=1000.0))
    await propose(agents_app.deps, CONTENT, proposal(revenue=250.5))
    chat = await agents_app.agents()
    turn = await chat.send(OP, "what's the total upside in the queue?", thread="m2")
    assert "(2, estimated $1,250 together)" in turn.reply, turn.reply
    turn = await chat.send(OP, "show me the reorders", thread="m3")
    assert "together" not in turn.reply.splitlines()[0], turn.reply  # one action: nothing to add up
