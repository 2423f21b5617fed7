"""Approvals that acted on a misreading: "as is", a day, a text that points elsewhere, keeping the current one.

Tried on the demo store, each of these changed the store: "approve 18 as suggested, thanks" rewrote a page's
title to "suggested, thanks" and executed it ("approve N as …" was read as a new text, whatever followed);
"approve 18 and set the title to what you proposed" made the title "what you proposed", and "… title: same as
before" approved the new title; "approve 18 on friday", "… first thing monday", "… after the sale" executed at
once; "approve 18 but keep the old title" executed the new one. And "approve 9 but only 40 units, and 10 as is"
echoed both reorders cut to 40 units. Now an approval "as is" approves the proposal unchanged, a change that
points at a text instead of giving one is asked about, an approval with a day is refused with the snooze that
does it, keeping the current value is not an approval, and a change said of one action stays with that one.
"""

from __future__ import annotations

from typing import Any

import pytest

from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.chat import status_of, waiting
from tools.actions import get_action, propose

OP = Principal.operator("demo")


async def _made(app: App, kind: str, **extra: Any) -> int:
    agent = Principal.for_agent("demo", kind.split(".")[0])
    return (await propose(app.deps, agent, proposal(kind, **extra))).action.id


async def _params(app: App, action_id: int) -> dict[str, Any]:
    return dict((await get_action(app.deps, OP, action_id=action_id))["action"]["params"])


@pytest.mark.parametrize("say", ["approve {n} as suggested, thanks", "approve {n} as is", "Approve {n} as it is please",
                                 "approve {n} as proposed", "ok approve {n} unchanged", "approve #{n} as-is"])
async def test_approving_as_proposed_approves_the_proposal_unchanged(agents_app: App, say: str) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    before = await _params(agents_app, title)
    turn = await (await agents_app.agents()).send(OP, say.format(n=title), thread="as1")
    assert await status_of(agents_app, title) != "pending_approval", turn.reply
    assert await _params(agents_app, title) == before, turn.reply
    assert "suggested" not in turn.reply and "with title" not in turn.reply, turn.reply


@pytest.mark.parametrize("say", [
    # a lower-case text after "as"
    "approve {n} as sparrow velvet cushion", "approve {n} as linen tote for laptops",
    # words that point at a text instead of giving one
    "approve {n} and set the title to what you proposed", "change the title of {n} to the one you suggested and approve",
    "approve {n} with title: same as before"])
async def test_a_change_it_cannot_read_is_asked_never_dropped_nor_approved(agents_app: App, say: str) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    before = await _params(agents_app, title)
    turn = await (await agents_app.agents()).send(OP, say.format(n=title), thread="as2")
    assert await status_of(agents_app, title) == "pending_approval", turn.reply
    assert await _params(agents_app, title) == before
    assert not turn.pending and "couldn't read the change" in turn.reply, turn.reply


async def test_a_capitalised_or_quoted_text_after_as_is_still_the_new_title(agents_app: App) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {title} as 'Linen Tote | Handwoven in Lisbon'", thread="as3")
    assert await status_of(agents_app, title) != "pending_approval", turn.reply
    assert (await _params(agents_app, title))["new_title"] == "Linen Tote | Handwoven in Lisbon"


@pytest.mark.parametrize("say", ["approve {a} but only 40 units, and {b} as is",
                                 "approve {b} as is and {a} but only 40 units",
                                 "approve {a} (40 units) and {b} unchanged",
                                 "approve {a} at 40 units and {b} as it is, thanks"])
async def test_a_change_said_of_one_action_stays_with_that_one(agents_app: App, say: str) -> None:
    a = await _made(agents_app, "inventory.reorder")
    b = await _made(agents_app, "inventory.reorder", target="sku:LIN-TOT-02")
    chat = await agents_app.agents()
    turn = await chat.send(OP, say.format(a=a, b=b), thread="as4")
    assert waiting(turn) == {("edit_approve", a), ("approve", b)}, turn.reply
    assert "quantity 40" in turn.reply and turn.reply.count("quantity 40") == 1, turn.reply
    await chat.send(OP, "yes", thread="as4")
    assert (await _params(agents_app, a))["quantity"] == 40
    assert (await _params(agents_app, b))["quantity"] == 120
    assert {await status_of(agents_app, a), await status_of(agents_app, b)} <= {"executed", "failed", "approved"}


@pytest.mark.parametrize("say", ["approve {n} on friday", "approve {n} first thing monday", "approve {n} after the sale",
                                 "go ahead with {n} on monday", "approve {n} tomorrow", "approve {n} tonight"])
async def test_an_approval_said_with_a_later_time_is_refused_with_the_snooze_that_does_it(agents_app: App,
                                                                                          say: str) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    turn = await (await agents_app.agents()).send(OP, say.format(n=title), thread="later1")
    assert await status_of(agents_app, title) == "pending_approval", turn.reply
    assert not turn.pending and "An approval runs at once" in turn.reply and f"snooze {title}" in turn.reply, turn.reply


@pytest.mark.parametrize("say", ["approve {n} now", "approve {n} by friday", "approve {n} today please"])
async def test_an_approval_now_or_by_a_day_still_approves(agents_app: App, say: str) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    turn = await (await agents_app.agents()).send(OP, say.format(n=title), thread="later2")
    assert await status_of(agents_app, title) != "pending_approval", turn.reply


async def test_a_snooze_said_the_way_the_refusal_suggests_snoozes(agents_app: App) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {title} first thing monday", thread="later3")
    turn = await chat.send(OP, f"snooze {title} first thing monday", thread="later3")
    assert await status_of(agents_app, title) == "snoozed", turn.reply


@pytest.mark.parametrize("say", ["approve {n} but keep the old title", "approve {n} with the original title",
                                 "approve {n}, leave the current title"])
async def test_keeping_the_current_value_is_not_an_approval(agents_app: App, say: str) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    turn = await (await agents_app.agents()).send(OP, say.format(n=title), thread="keep")
    assert await status_of(agents_app, title) == "pending_approval", turn.reply
    assert not turn.pending and "keeping the current one means not approving it" in turn.reply, turn.reply


async def test_a_quoted_text_compared_in_the_reason_is_not_the_new_title(agents_app: App) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    before = await _params(agents_app, title)
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {title} — the new title is much better than 'Linen Tote | Old Shop'",
                           thread="cmp1")
    assert await status_of(agents_app, title) != "pending_approval", turn.reply
    assert await _params(agents_app, title) == before, turn.reply


async def test_a_title_changed_from_one_text_to_another_takes_the_second(agents_app: App) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {title} but change the title from 'Linen Tote' to 'Linen Tote | Handwoven'",
                    thread="cmp2")
    assert (await _params(agents_app, title))["new_title"] == "Linen Tote | Handwoven"


@pytest.mark.parametrize(("say", "quantity"), [("approve {n}, 50 is plenty", 50), ("approve {n} - 60 will do", 60)])
async def test_an_amount_said_as_enough_is_the_quantity_never_an_action(agents_app: App, say: str,
                                                                       quantity: int) -> None:
    reorder = await _made(agents_app, "inventory.reorder")
    turn = await (await agents_app.agents()).send(OP, say.format(n=reorder), thread="enough")
    assert waiting(turn) == {("edit_approve", reorder)}, turn.reply
    assert f"quantity {quantity}" in turn.reply and "no such action" not in turn.reply, turn.reply


async def test_weeks_of_stock_is_not_a_quantity(agents_app: App) -> None:
    reorder = await _made(agents_app, "inventory.reorder")
    turn = await (await agents_app.agents()).send(OP, f"approve {reorder} but make it 2 weeks of stock", thread="wk")
    assert not turn.pending and "couldn't read the change" in turn.reply, turn.reply
    assert (await _params(agents_app, reorder))["quantity"] == 120
