"""A fourth exploratory chat (about 90 conversations on the demo store), checked on the store itself.

Severe before: a new title's own numbers ran other actions ("approve 12 but make the title 'Flint Runner,
14 and 18 inch'" also retitled #18 with it, at once); "stop it" and "kill it, socks sell fine in winter"
right after an explanation engaged the store-wide kill switch; "put 24 on hold" snoozed a fraud hold (the
order was not held); "hmm actually 15" while a 25 % markdown waited showed #15, and the next yes ran
25 %. Also: "approve 11 and the candle ones" approved #11 and dropped the rest without a word; "hmm let
me think" was answered "you said no"; "no markdowns till after christmas" was stored without its end;
"go back to manual" and "turn off autonomy" were not understood; a question asked twice in one message
was answered twice.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from graphs.language.intents import parse
from policies import preferences as prefs
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.chat import waiting
from tools.actions import get_action, propose
from tools.rules import list_rules
from tools.tenants import get_status

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
RISK = Principal.for_agent("demo", "risk")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


async def _action(app: App, action_id: int) -> dict[str, Any]:
    return dict((await get_action(app.deps, OP, action_id=action_id))["action"])



def test_numbers_and_ands_inside_a_new_text_are_the_texts() -> None:
    for said, field, text in (
            ("approve 12 but make the title 'Flint Cotton Table Runner, 14 and 18 inch'", "new_title",
             "Flint Cotton Table Runner, 14 and 18 inch"),
            ("approve 12 but make the title Sparrow Cushion Cover – Set of 2 and 4 colours", "new_title",
             "Sparrow Cushion Cover – Set of 2 and 4 colours"),
            ("approve 12 but make the description 'Jute tote, 2 pockets. Fits 13 and 15 inch laptops'",
             "new_description", "Jute tote, 2 pockets. Fits 13 and 15 inch laptops")):
        [intent] = parse(said, NOW)
        assert (intent.name, intent.ids, intent.params) == ("edit_approve", (12,), {field: text}), said
    two = parse('approve 12 with title "Runner 2" and 18 with title "Cushion 4"', NOW)
    assert [(i.ids, i.params) for i in two] == [((12,), {"new_title": "Runner 2"}), ((18,), {"new_title": "Cushion 4"})]


async def test_a_title_that_names_numbers_changes_only_its_own_action(agents_app: App) -> None:
    one = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    others = [(await propose(agents_app.deps, CONTENT, proposal(target=f"page:https://shop.example/products/p{i}")))
              .action.id for i in range(2)]
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {one} but make the title 'Linen Tote, {others[0]} and {others[1]} inch'",
                           thread="t1")
    assert (await _action(agents_app, one))["params"]["new_title"] == f"Linen Tote, {others[0]} and {others[1]} inch"
    for other in others:
        assert (await _action(agents_app, other))["status"] == "pending_approval", turn.reply


async def test_stop_it_and_kill_it_about_the_action_in_view_never_engage_the_kill_switch(agents_app: App) -> None:
    markdown = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action.id
    chat = await agents_app.agents()
    for n, said in enumerate(("stop it", "stop that one")):
        await chat.send(OP, f"explain {markdown}", thread=f"k{n}")
        turn = await chat.send(OP, said, thread=f"k{n}")
        assert f"Stop #{markdown}" in turn.reply and not turn.pending, turn.reply
        assert not (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"]
    await chat.send(OP, f"explain {markdown}", thread="k3")
    turn = await chat.send(OP, "nah kill it, socks sell fine in winter", thread="k3")
    assert waiting(turn) == {("reject", markdown)}, turn.reply
    assert not (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"]
    await chat.send(OP, "yes", thread="k3")
    assert (await _action(agents_app, markdown))["status"] == "rejected"
    # with nothing in view, "stop it" is still the emergency stop
    turn = await chat.send(OP, "stop it", thread="k4")
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"], turn.reply


async def test_on_hold_about_a_fraud_hold_asks_which_hold_is_meant(agents_app: App) -> None:
    hold = (await propose(agents_app.deps, RISK, proposal("risk.hold_order"))).action.id
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    chat = await agents_app.agents()
    for n, said in enumerate((f"put {hold} on hold", f"hold {hold} till friday")):
        turn = await chat.send(OP, said, thread=f"h{n}")
        assert "is a fraud hold" in turn.reply and not turn.pending, turn.reply
        assert (await _action(agents_app, hold))["status"] == "pending_approval"
    turn = await chat.send(OP, f"put {reorder} on hold till friday", thread="h3")  # not a hold: set aside
    assert (await _action(agents_app, reorder))["status"] == "snoozed", turn.reply


async def test_a_corrected_value_replaces_the_one_waiting(agents_app: App) -> None:
    markdown = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {markdown} but 25% off instead", thread="c1")
    assert "percent off 25" in turn.reply, turn.reply
    turn = await chat.send(OP, "hmm actually 15", thread="c1")
    assert "percent off 15" in turn.reply and waiting(turn) == {("edit_approve", markdown)}, turn.reply
    await chat.send(OP, "yes", thread="c1")
    assert (await _action(agents_app, markdown))["params"]["percent_off"] == 15


async def test_numbers_and_a_name_in_one_request_are_all_decided(agents_app: App) -> None:
    meta = (await propose(agents_app.deps, CONTENT, proposal("content.rewrite_meta_description"))).action.id
    reorders = [(await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target=f"sku:SKU-{i}")))
                .action.id for i in range(2)]
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {meta} and the reorders", thread="n1")
    # the number runs at once (medium risk, named); the reorders, named by a description, are echoed
    assert (await _action(agents_app, meta))["status"] == "executed", turn.reply
    assert waiting(turn) == {("approve", r) for r in reorders}, turn.reply


async def test_thinking_aloud_is_not_reported_as_a_no(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {reorder}", thread="l1")
    turn = await chat.send(OP, "hmm let me think", thread="l1")
    assert "you said no" not in turn.reply and "still waiting for you" in turn.reply, turn.reply
    assert (await _action(agents_app, reorder))["status"] == "pending_approval"


def test_a_rule_keeps_its_end_or_is_refused() -> None:
    today = date(2026, 11, 30)

    def read(said: str) -> prefs.Parsed:
        return prefs.parse_rule(said, today=today, vendors=["Wick Studio"], products=[])

    assert read("no markdowns till after christmas").rule.until == date(2026, 12, 26)  # type: ignore[union-attr]
    assert read("dont mark anything down until after christmas").rule.until == date(2026, 12, 26)  # type: ignore
    assert read("no discounts until after the holidays").rule.until == date(2027, 1, 2)  # type: ignore[union-attr]
    for said in ("no markdowns till the sale ends", "never discount Wick Studio for a while"):
        parsed = read(said)
        assert parsed.rule is None and "I can't tell when" in parsed.problem, said
    assert read("no discounts for now").rule is not None  # until forgotten


async def test_a_rule_with_an_end_said_in_chat_keeps_it(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "no markdowns till after christmas", thread="r1")
    [rule] = await list_rules(agents_app.deps, OP)
    assert rule["rule"]["until"] is not None and "until" in turn.reply, turn.reply


def test_manual_is_supervised() -> None:
    for said in ("ok go back to manual", "turn off autonomy", "manual mode please", "switch autopilot off"):
        [intent] = parse(said, NOW)
        assert (intent.name, intent.level) == ("autonomy", "supervised"), said


async def test_the_same_question_twice_in_a_message_is_answered_once(agents_app: App) -> None:
    hold = (await propose(agents_app.deps, RISK, proposal("risk.hold_order"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, "what about order 1042, is that legit?", thread="q1")
    assert turn.reply.count(f"#{hold} ") == 1, turn.reply


def test_a_not_in_the_reason_leaves_nothing_out() -> None:
    [reject] = parse("reject them, we're not doing landing pages this quarter", NOW)
    assert reject.ref is not None and reject.ref.focus and not reject.ref.excluding, reject
    for said in ("approve them not 16", "approve them, not #16"):
        [approve] = parse(said, NOW)
        assert approve.ids == () and approve.ref is not None and approve.ref.excluding == ("16",), said


def test_phrasings_that_were_not_read() -> None:
    def read(said: str) -> tuple[str, tuple[int, ...]]:
        [intent] = parse(said, NOW)
        return intent.name, intent.ids

    assert read("explain 2 in plain english pls") == ("explain", (2,))
    assert read("explain 2 in simple terms") == ("explain", (2,))
    assert read("whats 2 about") == ("explain", (2,))
    [undo] = parse("undo", NOW)
    assert undo.name == "rollback" and undo.ref is not None and undo.ref.focus


async def test_cancel_that_after_an_execution_offers_to_roll_it_back(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {title}", thread="x1")
    assert (await _action(agents_app, title))["status"] == "executed"
    for n, said in enumerate(("cancel that", "undo")):
        turn = await chat.send(OP, said, thread="x1")
        assert waiting(turn) == {("rollback", title)}, (said, turn.reply)
        await chat.send(OP, "no", thread="x1")
    assert (await _action(agents_app, title))["status"] == "executed"


async def test_stopping_one_named_action_asks_how_for_that_one(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target="sku:OTHER-1"))
    chat = await agents_app.agents()
    turn = await chat.send(OP, "stop the linen tote reorder", thread="s1")
    assert f"Stop #{reorder}" in turn.reply and not turn.pending, turn.reply


async def test_a_snoozed_action_is_listed_with_when_it_comes_back(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"snooze {title} until 3 december", thread="z1")
    turn = await chat.send(OP, "show snoozed", thread="z1")
    assert "snoozed until Thu 3 Dec 09:00 UTC" in turn.reply, turn.reply


async def test_an_edit_the_action_refuses_is_said_in_words(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {reorder}", thread="e1")
    turn = await chat.send(OP, "make it 0", thread="e1")
    if turn.pending:
        turn = await chat.send(OP, "yes", thread="e1")
    assert "quantity should be greater than 0" in turn.reply and "Input should" not in turn.reply, turn.reply
    assert "edit approve" not in turn.reply, turn.reply


def test_the_activity_digest_speaks_plainly() -> None:
    from graphs.brains.rules.activity import audit_digest

    events = [{"event": "action.proposed", "actor": "agent:content", "subject": "action:1", "at": "2026-11-30T09:00"},
              {"event": "inventory.settings_changed", "actor": "operator:cli", "subject": "sku:1",
               "at": "2026-11-30T09:01"},
              {"event": "action.executed", "actor": "operator:alice", "subject": "action:1", "at": "2026-11-30T09:02"}]
    text = audit_digest(events, window="today")
    assert "actions proposed" in text and "inventory settings changed" in text, text
    assert "you (command line)" in text and "the content agent" in text and "by operator alice" in text, text
    assert "action.proposed" not in text and "operator:cli" not in text, text


def test_a_price_keeps_its_cents() -> None:
    from tools import plain

    assert plain.number(155.99) == "155.99" and plain.number(156) == "156" and plain.number(0.0123) == "0.0123"


async def test_and_another_keeps_both_in_view(agents_app: App) -> None:
    made = [(await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target=f"sku:SKU-{i}")))
            .action.id for i in range(2)]
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {made[0]}", thread="b1")
    await chat.send(OP, f"and {made[1]}?", thread="b1")
    turn = await chat.send(OP, "ok approve both", thread="b1")
    assert waiting(turn) == {("approve", made[0]), ("approve", made[1])}, turn.reply


async def test_keep_it_answering_a_rejection_is_a_no(agents_app: App) -> None:
    markdown = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, "never discount anything linen", thread="p1")
    assert ("reject", markdown) in waiting(turn), turn.reply
    turn = await chat.send(OP, f"no keep {markdown} for now", thread="p1")
    assert f"#{markdown}: not done" in turn.reply and not turn.pending, turn.reply
    assert (await _action(agents_app, markdown))["status"] == "pending_approval"


def test_a_day_written_with_a_slash() -> None:
    [snooze] = parse("snooze 11 until 12/15", NOW)
    assert snooze.until is not None and (snooze.until.month, snooze.until.day) == (12, 15), snooze
    [unsure] = parse("snooze 11 until 3/4", NOW)  # March 4 or 3 April: asked, never guessed
    assert unsure.until is None and unsure.when_said, unsure


async def test_an_edit_that_does_not_fit_says_what_can_change(agents_app: App) -> None:
    markdown = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {markdown} but set the price to 129", thread="f1")
    assert f"approve {markdown} but only 15% off" in turn.reply and not turn.pending, turn.reply


async def test_an_edited_action_says_what_changed_beside_the_agents_reasons(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {reorder} but make it 40 units", thread="v1")
    await chat.send(OP, "yes", thread="v1")
    turn = await chat.send(OP, f"show {reorder}", thread="v1")
    assert "Changed in version 2: quantity 120 → 40" in turn.reply, turn.reply


async def test_do_it_after_the_briefing_offers_its_suggestion_and_thanks_does_nothing(agents_app: App) -> None:
    best = (await propose(agents_app.deps, CONTENT, proposal(revenue=9000))).action.id
    await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", revenue=100))
    chat = await agents_app.agents()
    turn = await chat.send(OP, "what should i do today", thread="d1")
    assert f"I'd start with #{best}" in turn.reply, turn.reply
    turn = await chat.send(OP, "ok thanks", thread="d1")
    assert not turn.pending and (await _action(agents_app, best))["status"] == "pending_approval", turn.reply
    await chat.send(OP, "what should i do today", thread="d2")
    turn = await chat.send(OP, "ok do it", thread="d2")
    assert waiting(turn) == {("approve", best)}, turn.reply  # offered, never run on "do it" alone
    assert (await _action(agents_app, best))["status"] == "pending_approval"


async def test_a_question_about_a_named_action_explains_that_one(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target="sku:OTHER-1"))
    chat = await agents_app.agents()
    turn = await chat.send(OP, "what happens if i dont reorder the linen totes?", thread="w1")
    assert turn.reply.startswith(f"#{reorder} ") and "which one" not in turn.reply, turn.reply


async def test_whats_waiting_from_a_vendor_lists_its_actions(agents_app: App) -> None:
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action.id
    markdown = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, "whats waiting from atelier nord?", thread="w2")
    assert f"#{reorder} " in turn.reply and f"#{markdown} " in turn.reply and "which one" not in turn.reply, turn.reply


async def test_rolling_back_a_new_page_says_it_is_withdrawn(agents_app: App) -> None:
    page = (await propose(agents_app.deps, CONTENT, proposal("content.create_landing_page"))).action.id
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {page}", thread="w3")
    turn = await chat.send(OP, f"roll back {page}", thread="w3")
    if turn.pending:
        turn = await chat.send(OP, "yes", thread="w3")
    assert "it made is withdrawn" in turn.reply and ": none" not in turn.reply, turn.reply


def test_short_plurals_fit_their_names() -> None:
    from graphs.language.words import stem, word_matches

    assert word_matches("mugs", frozenset({"mug"})) and word_matches("tees", frozenset({"tee"}))
    assert stem("glass") == "glass" and stem("boxes") == "box"


async def test_what_does_that_mean_after_a_setting_explains_the_setting(agents_app: App) -> None:
    chat = await agents_app.agents()
    await chat.send(OP, "go semi autonomous", thread="m1")
    turn = await chat.send(OP, "what does that mean exactly", thread="m1")
    assert "Autonomy is" in turn.reply and "Which action" not in turn.reply, turn.reply
