"""One message, several requests: what each does to the store when they touch the same actions.

Found by a chat on the demo store: "approve 12 and reject 12" executed #12; "approve the reorders and
snooze the mug reorder till friday" snoozed the mug and offered to approve it too; "approve all the
reorders except the mug and the bowl" approved the mug and the bowl; "… except the mug, snooze that
one" asked which; "hold 9315 but let 9345 ship" dropped its second half; "approve 12 but not 13" did
nothing; "do the top 3", "same for 15" and "the other one" were not understood; the same rule said
twice was stored twice; "because of the freeze" kept "of" in the reason.
"""

from __future__ import annotations

from typing import Any

import pytest

from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tools.actions import get_action, propose
from tools.rules import list_rules

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
RISK = Principal.for_agent("demo", "risk")


async def _status(app: App, action_id: int) -> str:
    return str((await get_action(app.deps, OP, action_id=action_id))["action"]["status"])


def _pending(turn: Any) -> set[tuple[str, int | None]]:
    return {(p["verb"], p.get("action_id")) for p in turn.pending or []}


async def _reorders(app: App) -> dict[str, int]:
    """Four reorders named as a person would: the tee, the blanket, the mug and the bowl (best first)."""
    made = {}
    for n, (name, sku) in enumerate([("Pebble Cotton Tee", "TEE-1"), ("Alpaca Throw Blanket", "BLA-1"),
                                     ("Birch Stoneware Mug", "MUG-1"), ("North Serving Bowl", "BOW-1")]):
        a = (await propose(app.deps, INVENTORY, proposal("inventory.reorder", target=f"sku:{sku}",
                                                         revenue=4000 - n * 500,
                                                         title=f"Reorder 50 x {name}: stock runs out"))).action
        made[name.split()[-1].lower()] = a.id
    return made


async def test_approving_and_rejecting_the_same_action_in_one_message_does_neither(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {a.id} and reject {a.id} because meh", thread="o1")
    assert await _status(agents_app, a.id) == "pending_approval", turn.reply
    assert not _pending(turn)
    assert f"did nothing to #{a.id}" in turn.reply and "approve" in turn.reply and "reject" in turn.reply


async def test_snoozing_the_same_action_to_two_times_does_neither(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"snooze {a.id} till friday and snooze {a.id} till monday", thread="o2")
    assert await _status(agents_app, a.id) == "pending_approval", turn.reply
    assert "two different ways" in turn.reply


async def test_the_same_request_twice_is_done_once(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {a.id} and approve it", thread="o3")
    detail = await get_action(agents_app.deps, OP, action_id=a.id)
    assert [d["verdict"] for d in detail["decisions"]] == ["approve"], turn.reply
    assert "did nothing" not in turn.reply


async def test_an_action_named_on_its_own_leaves_the_group_that_also_meant_it(agents_app: App) -> None:
    r = await _reorders(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "approve the reorders and snooze the mug reorder till friday", thread="o4")
    # the group is echoed without the mug; the mug, named on its own, is snoozed (or offered) — never both
    approvals = {i for v, i in _pending(turn) if v == "approve"}
    assert approvals == {r["tee"], r["blanket"], r["bowl"]}, turn.reply
    if ("snooze", r["mug"]) in _pending(turn):
        await chat.send(OP, "yes", thread="o4")
    else:
        await chat.send(OP, "no", thread="o4")
    assert await _status(agents_app, r["mug"]) == "snoozed"
    assert f"#{r['mug']} is left out" in turn.reply


@pytest.mark.parametrize("say", ["approve all the reorders except the mug and the bowl",
                                 "approve every reorder apart from the bowl and the mug"])
async def test_an_exception_of_two_names_leaves_both_out(agents_app: App, say: str) -> None:
    r = await _reorders(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="o5")
    assert {i for _, i in _pending(turn)} == {r["tee"], r["blanket"]}, turn.reply


async def test_that_one_after_an_exception_is_what_it_left_out(agents_app: App) -> None:
    r = await _reorders(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "approve all the reorders except the mug, snooze that one till friday", thread="o6")
    pending = _pending(turn)
    assert ("snooze", r["mug"]) in pending or await _status(agents_app, r["mug"]) == "snoozed", turn.reply
    assert {i for v, i in pending if v == "approve"} == {r["tee"], r["blanket"], r["bowl"]}, turn.reply


async def test_holding_one_order_and_letting_another_ship_offers_both(agents_app: App) -> None:
    held = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1042"))).action
    shipped = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1043"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, "hold 1042 but let 1043 ship", thread="o7")
    assert _pending(turn) == {("approve", held.id), ("reject", shipped.id)}, turn.reply
    await chat.send(OP, "yes", thread="o7")
    assert await _status(agents_app, shipped.id) == "rejected"
    assert await _status(agents_app, held.id) in ("executed", "approved", "failed")


@pytest.mark.parametrize("say", ["approve {a} but not {b}", "approve {a}, not {b}", "approve {a} and not {b}"])
async def test_a_number_said_not_to_be_approved_is_left_and_the_other_approved(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    b = (await propose(agents_app.deps, CONTENT, proposal(target="page:/products/b"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, say.format(a=a.id, b=b.id), thread="o8")
    if _pending(turn):
        assert _pending(turn) == {("approve", a.id)}, turn.reply
        await chat.send(OP, "yes", thread="o8")
    detail = await get_action(agents_app.deps, OP, action_id=a.id)
    assert [d["verdict"] for d in detail["decisions"]] == ["approve"], turn.reply
    assert await _status(agents_app, b.id) == "pending_approval"


async def test_do_the_top_two_offers_their_approval_and_waits(agents_app: App) -> None:
    r = await _reorders(agents_app)
    chat = await agents_app.agents()
    await chat.send(OP, "show the reorders", thread="o9")
    turn = await chat.send(OP, "do the top 2", thread="o9")
    assert _pending(turn) == {("approve", r["tee"]), ("approve", r["blanket"])}, turn.reply
    assert await _status(agents_app, r["tee"]) == "pending_approval"
    await chat.send(OP, "no", thread="o9")
    assert await _status(agents_app, r["tee"]) == "pending_approval"


@pytest.mark.parametrize("say", ["same for {b}", "do the same for {b}", "ditto for {b}"])
async def test_same_for_another_offers_the_same_request_for_it(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    b = (await propose(agents_app.deps, CONTENT, proposal(target="page:/products/b"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"snooze {a.id} till friday", thread="o10")
    turn = await chat.send(OP, say.format(b=b.id), thread="o10")
    assert _pending(turn) == {("snooze", b.id)}, turn.reply
    await chat.send(OP, "yes", thread="o10")
    first, second = [(await get_action(agents_app.deps, OP, action_id=i))["action"] for i in (a.id, b.id)]
    assert second["status"] == "snoozed" and second["snoozed_until"] == first["snoozed_until"]


async def test_same_for_a_name_several_actions_share_means_the_kind_just_decided(agents_app: App) -> None:
    r = await _reorders(agents_app)
    # the bowl also has a page whose title waits for a rewrite: "same for the bowl" after a reorder is its reorder
    page = (await propose(agents_app.deps, CONTENT, proposal(target="page:/products/north-serving-bowl",
                                                             title="Rewrite the title of the North Serving Bowl page",
                                                             revenue=5000))).action
    chat = await agents_app.agents()
    await chat.send(OP, "reject the mug reorder because the supplier is closed in december", thread="o12")
    turn = await chat.send(OP, "same for the bowl", thread="o12")
    assert _pending(turn) == {("reject", r["bowl"])}, turn.reply  # echoed: the message named no verb
    await chat.send(OP, "yes", thread="o12")
    detail = await get_action(agents_app.deps, OP, action_id=r["bowl"])
    assert detail["decisions"][0]["reason"] == "the supplier is closed in december"
    assert await _status(agents_app, page.id) == "pending_approval"
    # with nothing just decided, the name still fits two actions: asked, never guessed
    turn = await chat.send(OP, "same for the bowl", thread="o13")
    assert not _pending(turn) and "which one" in turn.reply.lower(), turn.reply


async def test_the_other_one_after_a_list_of_two_is_the_one_left(agents_app: App) -> None:
    one = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1042",
                                                         revenue=3000))).action
    other = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1043"))).action
    chat = await agents_app.agents()
    await chat.send(OP, "show the holds", thread="o11")
    turn = await chat.send(OP, "reject the first one because regular customer", thread="o11")
    if _pending(turn):
        await chat.send(OP, "yes", thread="o11")
    assert await _status(agents_app, one.id) == "rejected"
    turn = await chat.send(OP, "and the other one", thread="o11")
    assert _pending(turn) == {("reject", other.id)}, turn.reply
    await chat.send(OP, "yes", thread="o11")
    detail = await get_action(agents_app.deps, OP, action_id=other.id)
    assert detail["action"]["status"] == "rejected" and detail["decisions"][0]["reason"] == "regular customer"


async def test_the_other_one_when_several_are_left_asks_which(agents_app: App) -> None:
    r = await _reorders(agents_app)
    chat = await agents_app.agents()
    await chat.send(OP, "show the reorders", thread="o12")
    turn = await chat.send(OP, "approve the other one", thread="o12")
    assert not _pending(turn) and "which" in turn.reply.lower(), turn.reply
    assert all([await _status(agents_app, i) == "pending_approval" for i in r.values()])


async def test_a_rule_said_twice_is_kept_once_and_the_reply_says_so(agents_app: App) -> None:
    chat = await agents_app.agents()
    await chat.send(OP, "never discount Atelier Nord", thread="o13")
    turn = await chat.send(OP, "do not mark down Atelier Nord products", thread="o13")
    if _pending(turn) and any(v == "add_rule" for v, _ in _pending(turn)):
        turn = await chat.send(OP, "yes", thread="o13")
    assert "already have that rule" in turn.reply, turn.reply
    assert len(await list_rules(agents_app.deps, OP)) == 1


@pytest.mark.parametrize(("say", "reason"), [("reject {id} because of the holiday freeze", "the holiday freeze"),
                                             ("reject {id} cuz of supplier issues", "supplier issues")])
async def test_because_of_gives_the_reason_without_of(agents_app: App, say: str, reason: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, say.format(id=a.id), thread="o14")
    detail = await get_action(agents_app.deps, OP, action_id=a.id)
    assert detail["action"]["status"] == "rejected" and detail["decisions"][0]["reason"] == reason
