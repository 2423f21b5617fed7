"""'Next', 'and the next one', 'previous one': walking the list one action at a time.

Found by an exploratory chat: after "explain the mug reorder", "and the next one" was not understood,
so reviewing a queue meant typing every number. Walking explains; it never decides anything.
"""

from __future__ import annotations

import pytest

from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tools.actions import get_action, propose

OP = Principal.operator("demo")
RISK = Principal.for_agent("demo", "risk")
INVENTORY = Principal.for_agent("demo", "inventory")


async def _three_holds_and_a_reorder(app: App) -> list[int]:
    ids = [(await propose(app.deps, RISK, proposal("risk.hold_order", target=f"order:#10{n}", revenue=3000 - n * 500,
                                                   title=f"Hold order #10{n}: likely fraud"))).action.id
           for n in range(3)]
    await propose(app.deps, INVENTORY, proposal("inventory.reorder", revenue=2200))  # ranks between the holds
    return ids


def _explained(reply: str) -> int:
    return int(reply.split()[0].lstrip("#"))


async def test_next_and_previous_walk_the_list_shown(agents_app: App) -> None:
    first, second, third = await _three_holds_and_a_reorder(agents_app)
    chat = await agents_app.agents()
    await chat.send(OP, "show the holds", thread="w1")
    assert _explained((await chat.send(OP, "explain the first one", thread="w1")).reply) == first
    assert _explained((await chat.send(OP, "and the next one", thread="w1")).reply) == second
    turn = await chat.send(OP, "next", thread="w1")
    assert _explained(turn.reply) == third and not turn.pending, turn.reply  # the reorder is not in the list
    turn = await chat.send(OP, "next please", thread="w1")
    assert turn.reply.startswith(f"#{third} is the last one in the list"), turn.reply
    assert _explained((await chat.send(OP, "previous one", thread="w1")).reply) == second
    # walking decided nothing, and "approve it" now means the one in view alone
    for i in (first, second, third):
        assert (await get_action(agents_app.deps, OP, action_id=i))["action"]["status"] == "pending_approval"
    turn = await chat.send(OP, "approve it", thread="w1")
    assert {p.get("action_id") for p in turn.pending or []} == {second}, turn.reply


async def test_next_after_a_decision_is_the_next_waiting_action(agents_app: App) -> None:
    first, second, _ = await _three_holds_and_a_reorder(agents_app)
    chat = await agents_app.agents()
    await chat.send(OP, f"reject {first} because regular customer", thread="w2")
    turn = await chat.send(OP, "next", thread="w2")
    assert _explained(turn.reply) == second and not turn.pending, turn.reply


@pytest.mark.parametrize("say", ["next", "the next one", "what about the next one"])
async def test_next_with_nothing_in_view_says_how_to_start(agents_app: App, say: str) -> None:
    await _three_holds_and_a_reorder(agents_app)
    turn = await (await agents_app.agents()).send(OP, say, thread="w3")
    assert "Nothing is in view" in turn.reply and not turn.pending, turn.reply
