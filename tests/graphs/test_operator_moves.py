"""Moving, holding and taking back, as a tester phrased them, checked on the store itself.

"push the tshirt reorder to the 15th" offered to *approve* the reorder, and "yes" raised the purchase
order; "actually scrap that rule" rejected the action the rule forbade and kept the rule; "push back
the serving bowl reorder a couple weeks" snoozed until tomorrow ("no time given"); "hold it" after
explaining a reorder offered to approve the reorder; a reason that named a product ("we dont sell
backpacks") was read as a request to explain one; "y" and "yse" were not a yes.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.conftest import add_customer_orders
from tools.actions import get_action, propose

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
RISK = Principal.for_agent("demo", "risk")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # a Monday


async def _status(app: App, action_id: int) -> str:
    return str((await get_action(app.deps, OP, action_id=action_id))["action"]["status"])


def _pending(turn: Any) -> set[tuple[str, int | None]]:
    return {(p["verb"], p.get("action_id")) for p in turn.pending or []}


def test_moving_a_named_action_to_a_day_is_a_snooze() -> None:
    for said, day in (("push the tote reorder to the 15th", 15), ("move the linen tote reorder to monday", 7),
                      ("push back the tote reorder a couple weeks", 14), ("push the reorder till dec 15", 15)):
        [intent] = parse(said, NOW)
        assert intent.name == "snooze" and intent.until is not None and intent.until.day == day, (said, intent)
    # a number that is not a day is a change, never a time
    assert parse("push 9 to 30 units", NOW)[0].name == "edit_approve"
    assert parse("push the price of 7 to 45", NOW)[0].name == "edit_approve"


async def test_pushing_a_reorder_to_a_day_never_approves_it(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, "push the tote reorder to the 15th", thread="p1")
    assert ("approve", reorder) not in _pending(turn), turn.reply
    if turn.pending:
        turn = await chat.send(OP, "yes", thread="p1")
    assert await _status(agents_app, reorder) == "snoozed", turn.reply


async def test_scrapping_a_rule_forgets_the_rule_and_decides_nothing(agents_app: App) -> None:
    markdown = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, "never discount anything linen", thread="k1")
    assert ("reject", markdown) in _pending(turn), turn.reply  # the rule offers to reject what it forbids
    await chat.send(OP, "no", thread="k1")
    turn = await chat.send(OP, "actually scrap that rule, i changed my mind", thread="k1")
    assert "Forgotten" in turn.reply and ("reject", markdown) not in _pending(turn), turn.reply
    await chat.send(OP, "yes", thread="k1")
    assert await _status(agents_app, markdown) == "pending_approval"
    turn = await chat.send(OP, "what rules do i have?", thread="k1")
    assert "linen" not in turn.reply.lower(), turn.reply


async def test_hold_it_is_a_fraud_hold_only_when_a_hold_is_in_view(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    hold = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1042"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {reorder}", thread="o1")
    turn = await chat.send(OP, "hold it", thread="o1")
    assert not turn.pending and await _status(agents_app, reorder) == "pending_approval", turn.reply
    await chat.send(OP, f"explain {hold}", thread="o2")
    turn = await chat.send(OP, "ok whatever, hold it", thread="o2")
    assert _pending(turn) == {("approve", hold)}, turn.reply


async def test_a_reason_may_name_things_and_a_short_yes_is_a_yes(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    hold = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1042"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"reject {title}", thread="y1")
    turn = await chat.send(OP, "we dont sell linen totes online, never have", thread="y1")
    assert await _status(agents_app, title) == "rejected", turn.reply
    await add_customer_orders(agents_app, "buyer@example.com", ["#1043"])
    other = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1043"))).action.id
    for n, (yes, action) in enumerate((("y", hold), ("yse", other))):
        turn = await chat.send(OP, f"approve {action}", thread=f"y{n + 2}")
        assert _pending(turn) == {("approve", action)}, turn.reply
        turn = await chat.send(OP, yes, thread=f"y{n + 2}")
        assert await _status(agents_app, action) == "executed", (yes, turn.reply)


async def test_a_day_said_after_a_snooze_with_no_time_moves_it(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"snooze {title}", thread="z1")
    assert "No time given" in turn.reply and "say a day to move it" in turn.reply, turn.reply
    turn = await chat.send(OP, "friday", thread="z1")
    assert f"#{title} snoozed until Fri" in turn.reply, turn.reply
    assert await _status(agents_app, title) == "snoozed"


def test_numbers_beside_an_approval_are_read_or_asked_about_never_dropped() -> None:
    def read(said: str) -> list[tuple[str, tuple[int, ...], dict[str, Any]]]:
        return [(i.name, i.ids, i.params) for i in parse(said, NOW)]

    assert read("approve 15-17 except 16") == [("approve", (15, 17), {})]
    assert read("approve 15 to 17 except 16") == [("approve", (15, 17), {})]
    assert read("approve 9 x 20") == [("edit_approve", (9,), {"quantity": 20})]
    for said, params in (("approve 5 at 10%", {"percent_off": 10.0}), ("approve 7 (15%)", {"percent_off": 15.0}),
                         ("approve 7, 15% not 20", {"percent_off": 15.0}), ("approve 10 qty 25", {"quantity": 25}),
                         ("approve 8 but order 60", {"quantity": 60}), ("approve 6 but just 12", {"quantity": 12}),
                         ("approve 8, 20 of them", {"quantity": 20})):
        assert read(said) == [("edit_approve", (int(said.split()[1].strip(",")),), params)], said
    # a number that is neither the action nor a change read from it: an edit with nothing in it (asked about)
    assert read("approve 7 but 15") == [("edit_approve", (7,), {})]
    # what is not a change stays a plain approval
    for said in ("approve 12 and 13", "approve 13, conversion fell 15%", "approve 12 but 13 too", "approve order 9315",
                 "approve the top 3", "approve version 2 of 12"):
        assert parse(said, NOW)[0].name == "approve", said


async def test_an_edit_said_beside_an_approval_is_applied_or_nothing_runs(agents_app: App) -> None:
    markdown = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {markdown} at 10%", thread="x1")
    assert _pending(turn) == {("edit_approve", markdown)} and "percent off 10" in turn.reply, turn.reply
    await chat.send(OP, "yes", thread="x1")
    found = await get_action(agents_app.deps, OP, action_id=markdown)
    assert found["action"]["params"]["percent_off"] == 10 and found["action"]["status"] == "executed"
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    turn = await chat.send(OP, f"approve {title} but 15", thread="x2")
    assert await _status(agents_app, title) == "pending_approval" and "nothing was approved" in turn.reply, turn.reply


async def test_removing_a_rule_named_in_several_words_forgets_it(agents_app: App) -> None:
    markdown = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, "never discount linen totes", thread="d1")
    await chat.send(OP, "no", thread="d1")
    turn = await chat.send(OP, "remove the linen tote rule", thread="d1")
    assert "Forgotten" in turn.reply and "why you reject" not in turn.reply, turn.reply
    assert await _status(agents_app, markdown) == "pending_approval"


async def test_releasing_the_kill_switch_names_what_will_then_run(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    await chat.send(OP, "stop everything", thread="r1")
    await chat.send(OP, f"approve {title}", thread="r1")
    assert await _status(agents_app, title) == "approved"
    turn = await chat.send(OP, "resume", thread="r1")
    assert f"#{title} (" in turn.reply and "will then run" in turn.reply, turn.reply
    await chat.send(OP, "no", thread="r1")
    assert await _status(agents_app, title) == "approved"


async def _two_holds(app: App) -> tuple[int, int]:
    """Fraud holds on orders #1042 (the seeded store's) and #1043 (added here)."""
    await add_customer_orders(app, "buyer@example.com", ["#1043"])
    return tuple([(await propose(app.deps, RISK, proposal("risk.hold_order", target=f"order:#{n}"))).action.id
                  for n in (1042, 1043)])  # type: ignore[return-value]


async def test_and_one_more_too_adds_to_the_question_and_a_new_one_says_what_it_drops(agents_app: App) -> None:
    hold, other = await _two_holds(agents_app)
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {hold}", thread="a1")
    turn = await chat.send(OP, f"and {other} too", thread="a1")
    assert _pending(turn) == {("approve", hold), ("approve", other)}, turn.reply
    await chat.send(OP, "yes", thread="a1")
    assert await _status(agents_app, hold) == "executed" and await _status(agents_app, other) == "executed"


async def test_a_new_request_says_the_question_it_replaces_is_dropped(agents_app: App) -> None:
    hold, other = await _two_holds(agents_app)
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {hold}", thread="a2")
    turn = await chat.send(OP, f"approve {other}", thread="a2")
    assert _pending(turn) == {("approve", other)} and f"question about #{hold} is dropped" in turn.reply, turn.reply


def test_unsnooze_names_its_number_whatever_follows() -> None:
    for said in ("unsnooze 8 please", "actually unsnooze 8, i want to do it now", "bring 8 back"):
        assert [(i.name, i.ids) for i in parse(said, NOW)] == [("unsnooze", (8,))], said


async def test_hold_by_number_holds_only_fraud_holds(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    hold = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1042"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"hold {hold}", thread="h1")
    assert _pending(turn) == {("approve", hold)}, turn.reply
    turn = await chat.send(OP, f"hold {reorder}", thread="h2")
    assert not turn.pending and "is not a fraud hold" in turn.reply, turn.reply
    assert await _status(agents_app, reorder) == "pending_approval"


async def test_same_reason_is_the_reason_given_before(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    meta = (await propose(agents_app.deps, CONTENT, proposal("content.rewrite_meta_description"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"reject {title} because the copywriter redoes that page", thread="s1")
    await chat.send(OP, f"reject {meta}, same reason", thread="s1")
    found = await get_action(agents_app.deps, OP, action_id=meta)
    assert found["action"]["status"] == "rejected"
    assert [d["reason"] for d in found["decisions"]] == ["the copywriter redoes that page"]
    # with no reason before, "same reason" is no reason: asked for one
    links = (await propose(agents_app.deps, CONTENT, proposal("content.add_internal_links"))).action.id
    turn = await chat.send(OP, f"reject {links}, same reason", thread="s2")
    assert "why you reject" in turn.reply and await _status(agents_app, links) == "pending_approval", turn.reply


async def test_rules_about_a_kind_in_the_words_a_tester_used(agents_app: App) -> None:
    page = (await propose(agents_app.deps, CONTENT, proposal("content.create_landing_page"))).action.id
    links = (await propose(agents_app.deps, CONTENT, proposal("content.add_internal_links"))).action.id
    chat = await agents_app.agents()
    for n, (said, forbidden) in enumerate((("no more landing pages", page), ("never create landing pages", page),
                                           ("never propose landing pages", page), ("never add internal links", links))):
        turn = await chat.send(OP, said, thread=f"u{n}")
        assert "Rule saved" in turn.reply and ("reject", forbidden) in _pending(turn), (said, turn.reply)
        await chat.send(OP, "no", thread=f"u{n}")
        await chat.send(OP, "forget that rule", thread=f"u{n}")
