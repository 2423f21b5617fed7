"""'Yes, and also approve 17': a yes to the waiting question, then a request of its own.

Before, the whole message was read as a new request: #17 ran and the question the operator had just said
yes to was dropped ("nothing of it was done"). Now the yes answers the question as echoed and the rest is a
turn of its own; and wherever the rest could narrow or take back the yes, nothing is split and nothing of
the question is done.
"""

from __future__ import annotations

import pytest

from graphs.language.confirm import yes_then
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.chat import status_of, waiting
from tools.actions import get_action, propose

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")


@pytest.mark.parametrize(("said", "rest"), [
    ("yes and also approve 17", "approve 17"), ("Yes, and approve 17 too", "approve 17 too"),
    ("ok and snooze 17 till monday", "snooze 17 till monday"),
    ("yes please, and reject 17 because it won't sell", "reject 17 because it won't sell")])
def test_a_yes_then_a_request_of_its_own_is_split(said: str, rest: str) -> None:
    assert yes_then(said, [8]) == (said.split()[0].lower().rstrip(",") + (" please" if "please" in said else ""),
                                   rest)


@pytest.mark.parametrize("said", [
    "yes and no", "yes and thanks", "yes", "yes, and actually only 17", "yes but also approve 17",
    "yes and approve 17 if 8 works", "yes and don't do 17", "yes and reject 8", "yes and approve it",
    "yes and approve all the rest", "yes and what's 17?", "yes and never discount wick studio",
    "yes and approve 17 instead", "yes and approve 17, not 8"])
def test_a_yes_the_rest_could_narrow_or_take_back_is_not_split(said: str) -> None:
    assert yes_then(said, [8]) is None, said


def test_asked_about_several_the_rest_must_name_others_by_id() -> None:
    assert yes_then("yes and also approve 17", [8, 9]) == ("yes", "approve 17")
    assert yes_then("yes and reject the mug reorder", [8, 9]) is None  # the mug may be one of them
    assert yes_then("yes and reject 9", [8, 9]) is None
    assert yes_then("yes and approve 17", []) is None  # nothing was asked


async def test_yes_and_also_approve_carries_out_both(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {reorder}", thread="y1")
    assert waiting(turn) == {("approve", reorder)}, turn.reply
    turn = await chat.send(OP, f"yes and also approve {title}", thread="y1")
    assert await status_of(agents_app, reorder) == "executed", turn.reply
    assert await status_of(agents_app, title) == "executed", turn.reply
    assert "dropped" not in turn.reply and not turn.pending, turn.reply


async def test_yes_and_a_high_risk_request_asks_about_that_one(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    other = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target="sku:OTHER-1"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {reorder}", thread="y2")
    turn = await chat.send(OP, f"yes, and approve {other} too", thread="y2")
    assert await status_of(agents_app, reorder) == "executed", turn.reply
    assert await status_of(agents_app, other) == "pending_approval", turn.reply
    assert waiting(turn) == {("approve", other)}, turn.reply


async def test_a_yes_whose_rest_takes_it_back_does_nothing_of_the_question(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    chat = await agents_app.agents()
    for n, said in enumerate(("yes and don't do it", f"yes, and actually reject {reorder}",
                              f"yes and approve {reorder} if the supplier confirms")):
        await chat.send(OP, f"approve {reorder}", thread=f"y3{n}")
        turn = await chat.send(OP, said, thread=f"y3{n}")
        assert await status_of(agents_app, reorder) == "pending_approval", (said, turn.reply)


async def test_the_rests_reason_is_kept_as_the_operator_wrote_it(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {reorder}", thread="y4")
    await chat.send(OP, f"Yes please, and reject {title} because Wick Studio won't allow it", thread="y4")
    assert await status_of(agents_app, reorder) == "executed"
    found = await get_action(agents_app.deps, OP, action_id=title)
    assert found["action"]["status"] == "rejected"
    assert found["decisions"][-1]["reason"] == "Wick Studio won't allow it", found["decisions"]
