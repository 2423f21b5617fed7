"""Misreadings found by a 150-turn exploratory chat on the demo store, each checked on the store itself.

"what about the two fraud holds? approve both" got an empty reply; "approve both", answered with a
question, left an older question waiting that a later "yes" confirmed; "I already approved the mug
reorder by phone" and "my mum said to approve everything" offered approvals; "pause everything until
monday" offered to snooze twenty actions; "snooze 11 until the 5th" meant the 1st of May; "fifty
units" read as "fifth units"; "what's on hold right now?" said no order was held while two were;
"hmm, undo the last one" said it did not understand and asked to roll back in the same reply;
"ok I'm back, resume", "actually release order 1042 …" and "I'd rather not hold order 1042" were not
understood. A second, terse chat: "approve the 3 mugs" offered the top three actions; "no wait dont",
answering "why do you reject it?", rejected with that reason; "can we do 70 instead" read 70 as an
action; "the grey one but 20% off" dropped the change; "it" after "reject 6" (asked why) meant the
action explained before; "snooze 12 to next wk" snoozed until tomorrow; "dont do 10" crashed the chat.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from graphs.language.dates import parse_when
from graphs.language.intents import parse
from graphs.language.normalize import normalize
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.conftest import add_customer_orders
from tools.actions import get_action, propose
from tools.decisions import decide
from tools.killswitch import set_kill_switch
from tools.tenants import get_status

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
RISK = Principal.for_agent("demo", "risk")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # a Monday morning


def _pending(turn: Any) -> set[tuple[str, int | None]]:
    return {(p["verb"], p.get("action_id")) for p in turn.pending or []}


async def _status(app: App, action_id: int) -> str:
    return str((await get_action(app.deps, OP, action_id=action_id))["action"]["status"])


async def _holds(app: App) -> tuple[int, int]:
    """Two fraud holds, on orders #1042 (the seeded store's) and #1043 (added here)."""
    await add_customer_orders(app, "buyer@example.com", ["#1043"])
    one = (await propose(app.deps, RISK, proposal("risk.hold_order", target="order:#1042", revenue=3000))).action
    two = (await propose(app.deps, RISK, proposal("risk.hold_order", target="order:#1043"))).action
    return one.id, two.id


async def test_a_question_then_a_request_about_the_same_actions_both_answer(agents_app: App) -> None:
    one, two = await _holds(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "what about the two fraud holds? approve both", thread="m1")
    assert turn.reply.strip() and _pending(turn) == {("approve", one), ("approve", two)}, turn.reply
    turn = await chat.send(OP, f"explain {one} then approve it", thread="m2")
    assert f"#{one}" in turn.reply and _pending(turn) == {("approve", one)}, turn.reply


async def test_a_new_request_that_asks_which_drops_the_older_question(agents_app: App) -> None:
    one, two = await _holds(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {one}", thread="m3")
    assert _pending(turn) == {("approve", one)}, turn.reply  # a high-risk approval waits for a yes
    turn = await chat.send(OP, "approve both", thread="m3")
    assert not _pending(turn) and "earlier question is dropped" in turn.reply, turn.reply
    await chat.send(OP, "yes", thread="m3")
    assert await _status(agents_app, one) == "pending_approval"
    assert await _status(agents_app, two) == "pending_approval"


async def test_both_with_one_action_in_view_says_so(agents_app: App) -> None:
    one, _ = await _holds(agents_app)
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {one}", thread="m4")
    turn = await chat.send(OP, "approve both", thread="m4")
    assert not _pending(turn) and f"only #{one} is in view" in turn.reply, turn.reply


@pytest.mark.parametrize("say", ["I already approved the linen tote reorder with the supplier by phone this morning",
                                 "my mum said to approve everything but I don't trust her",
                                 "we just rejected {id} on the call"])
async def test_a_report_or_hearsay_is_not_a_request(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, Principal.for_agent("demo", "inventory"), proposal("inventory.reorder"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, say.format(id=a.id), thread="m5")
    assert not _pending(turn) and await _status(agents_app, a.id) == "pending_approval", turn.reply


async def test_pause_everything_until_monday_engages_the_kill_switch_and_says_it_has_no_timer(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, "pause everything until monday", thread="m6")
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"] is True, turn.reply
    assert "until monday" in turn.reply and await _status(agents_app, a.id) == "pending_approval"
    turn = await chat.send(OP, "ok I'm back, resume", thread="m6")
    assert _pending(turn) == {("kill_off", None)}, turn.reply
    await chat.send(OP, "yes", thread="m6")
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"] is False


@pytest.mark.parametrize(("text", "day"), [("snooze 11 until the 5th", 5), ("until 3rd", 3), ("till the 31st", 31),
                                           ("until the 1st", 1)])
def test_a_day_of_the_month_alone_is_this_months_or_the_next(text: str, day: int) -> None:
    when = parse_when(text, NOW)
    assert when is not None and when.day == day and when.month in (11, 12) and when.year == 2026, when


@pytest.mark.parametrize(("text", "params"), [("approve 10 but make it fifty units", {"quantity": 50}),
                                              ("approve 10 but only sixty five units", {"quantity": 65})])
def test_number_words_are_numbers_not_ordinals(text: str, params: dict[str, Any]) -> None:
    assert "fifth" not in normalize(text)
    [intent] = parse(text, NOW)
    assert intent.name == "edit_approve" and intent.params == params, intent


async def test_what_is_on_hold_lists_the_holds_in_force(agents_app: App) -> None:
    one, two = await _holds(agents_app)
    for action_id in (one, two):
        await decide(agents_app.deps, OP, action_id=action_id, verdict="approve", version=1)
    chat = await agents_app.agents()
    said = " ".join((await chat.send(OP, "whats on hold right now?", thread="m7")).reply.split())
    assert "Orders on hold (2)" in said and f"#{one}" in said and f"#{two}" in said, said
    said = " ".join((await chat.send(OP, "show the holds", thread="m7")).reply.split())
    assert "No order holds waiting for you" in said, said


async def test_a_filler_clause_before_a_request_is_not_reported_as_not_understood(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    await decide(agents_app.deps, OP, action_id=a.id, verdict="approve", version=1)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "hmm, undo the last one", thread="m8")
    assert "didn't understand" not in turn.reply and "didn't read" not in turn.reply, turn.reply


@pytest.mark.parametrize("say", ["actually release order 1042, I called the customer",
                                 "I'd rather not hold order 1042, the customer is a friend"])
async def test_releasing_an_order_said_loosely_offers_to_reject_its_hold(agents_app: App, say: str) -> None:
    one, two = await _holds(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="m9")
    assert _pending(turn) == {("reject", one)}, turn.reply
    await chat.send(OP, "yes", thread="m9")
    assert await _status(agents_app, one) == "rejected" and await _status(agents_app, two) == "pending_approval"


@pytest.mark.parametrize("say", ["can you hold order 1042 please", "could you hold order 1042", "ok just hold order 1042"])
async def test_holding_an_order_asked_politely_offers_its_hold(agents_app: App, say: str) -> None:
    one, two = await _holds(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="m11")
    assert _pending(turn) == {("approve", one)}, turn.reply  # before: the hold was explained, nothing offered
    await chat.send(OP, "yes", thread="m11")
    assert await _status(agents_app, one) == "executed" and await _status(agents_app, two) == "pending_approval"


async def test_no_turn_ends_in_an_empty_reply(agents_app: App) -> None:
    await _holds(agents_app)
    await set_kill_switch(agents_app.deps, OP, engaged=False, reason="test")
    chat = await agents_app.agents()
    for say in ["what about the two fraud holds? approve both", "no", "hmm", "...", "and?", "ok"]:
        assert (await chat.send(OP, say, thread="m10")).reply.strip(), say


@pytest.mark.parametrize(("text", "ids"), [("compare 10 and 6", (10, 6)), ("compare 3 vs 4", (3, 4))])
def test_compare_explains_both(text: str, ids: tuple[int, ...]) -> None:
    [intent] = parse(text, NOW)
    assert intent.name == "explain" and intent.ids == ids, intent


# --- a second exploratory chat (terse, on a phone) -----------------------------------------------------------

async def _reorder(app: App, title: str = "Reorder 56 x Birch Stoneware Mug: stock runs out", sku: str = "MUG-1",
                   revenue: float = 500.0) -> int:
    inventory = Principal.for_agent("demo", "inventory")
    return (await propose(app.deps, inventory, proposal("inventory.reorder", target=f"sku:{sku}", revenue=revenue,
                                                       title=title))).action.id


@pytest.mark.parametrize("say", ["approve the 3 mugs", "approve the 56 mugs"])
async def test_a_number_before_a_name_is_part_of_the_name_not_a_count(agents_app: App, say: str) -> None:
    mug = await _reorder(agents_app)
    others = [(await propose(agents_app.deps, CONTENT, proposal(target=f"page:/p/{n}", revenue=5000))).action.id
              for n in range(3)]
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="p1")
    assert {i for _, i in _pending(turn)} <= {mug} and not set(others) & {i for _, i in _pending(turn)}, turn.reply
    for other in others:
        assert await _status(agents_app, other) == "pending_approval"


@pytest.mark.parametrize("answer", ["no wait dont", "nvm", "hold on", "?"])
async def test_calling_off_a_rejection_when_asked_why_rejects_nothing(agents_app: App, answer: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"reject {a.id}", thread="p2")
    assert "why" in turn.reply.lower(), turn.reply
    await chat.send(OP, answer, thread="p2")
    assert await _status(agents_app, a.id) == "pending_approval"


@pytest.mark.parametrize("offer", ["can we do 70 instead", "how about 70", "no, 70 units", "make it 70"])
async def test_a_counter_offer_changes_the_waiting_approval(agents_app: App, offer: str) -> None:
    mug = await _reorder(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {mug} but only 60 units", thread="p3")
    assert _pending(turn) == {("edit_approve", mug)}, turn.reply
    turn = await chat.send(OP, offer, thread="p3")
    assert _pending(turn) == {("edit_approve", mug)} and "quantity 70" in turn.reply, turn.reply
    await chat.send(OP, "yes", thread="p3")
    assert (await get_action(agents_app.deps, OP, action_id=mug))["action"]["params"]["quantity"] == 70


async def test_a_change_said_with_the_answer_to_which_one_is_kept(agents_app: App) -> None:
    grey = await _reorder(agents_app, "Reorder 40 x Orchard Alpaca Throw Grey: low", "BLA-G")
    rust = await _reorder(agents_app, "Reorder 30 x Prairie Alpaca Throw Rust: low", "BLA-R")
    chat = await agents_app.agents()
    turn = await chat.send(OP, "approve the alpaca one", thread="p4")
    assert "which" in turn.reply.lower() and not _pending(turn), turn.reply
    turn = await chat.send(OP, "the grey one but 20 units", thread="p4")
    assert _pending(turn) == {("edit_approve", grey)} and "quantity 20" in turn.reply, turn.reply
    assert await _status(agents_app, rust) == "pending_approval"


async def test_it_after_a_question_about_one_action_is_that_action(agents_app: App) -> None:
    first = await _reorder(agents_app)
    second = await _reorder(agents_app, "Reorder 51 x North Serving Bowl: low", "BOW-1")
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {first}", thread="p5")
    await chat.send(OP, f"reject {second}", thread="p5")  # asks why: the conversation is now about #second
    turn = await chat.send(OP, "actually approve it", thread="p5")
    assert _pending(turn) == {("approve", second)}, turn.reply


@pytest.mark.parametrize(("text", "until_day"), [("snooze 12 to next wk", 7), ("snooze 12 till tmrw", 1)])
def test_shorthand_times_are_read(text: str, until_day: int) -> None:
    [intent] = parse(text, NOW)
    assert intent.name == "snooze" and intent.until is not None and intent.until.day == until_day, intent


def test_shorthand_settings_are_read() -> None:
    [intent] = parse("go semi auto", NOW)
    assert (intent.name, intent.level) == ("autonomy", "semi_autonomous")


async def test_forget_that_rule_forgets_the_only_rule(agents_app: App) -> None:
    from tools.rules import list_rules

    chat = await agents_app.agents()
    await chat.send(OP, "never discount Atelier Nord", thread="p6")
    turn = await chat.send(OP, "forget that rule", thread="p6")
    assert "Forgotten" in turn.reply and await list_rules(agents_app.deps, OP) == [], turn.reply


async def test_a_held_back_decision_never_crashes(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    for say in (f"dont do {a.id}", f"hold off on {a.id}"):
        turn = await chat.send(OP, say, thread="p7")
        assert turn.reply.strip() and await _status(agents_app, a.id) == "pending_approval", turn.reply


@pytest.mark.parametrize(("text", "ids"), [("what happened to 9", (9,)), ("did 9 go thru?", (9,)),
                                           ("has 12 been approved?", (12,)), ("what's happening with #7", (7,))])
def test_a_question_about_one_actions_fate_explains_it(text: str, ids: tuple[int, ...]) -> None:
    [intent] = parse(text, NOW)
    assert (intent.name, intent.ids) == ("explain", ids), intent


def test_what_happened_overnight_is_still_the_log() -> None:
    assert parse("what happened overnight?", NOW)[0].name == "audit_digest"


@pytest.mark.parametrize(("text", "name"), [
    ("I was wondering whether you could stop everything while I'm away?", "kill_on"),
    ("i was wondering if you could snooze 12 till friday?", "snooze"),
    ("im wondering if we should approve 12", "hold_back"),
])
def test_a_polite_wondering_is_the_request_it_wraps(text: str, name: str) -> None:
    assert parse(text, NOW)[0].name == name, parse(text, NOW)


# --- what a review of these fixes found they must not do ------------------------------------------------------

@pytest.mark.parametrize("number", ["no, 9", "9", "do 9", "maybe 10"])
async def test_a_number_alone_is_not_a_counter_offer(agents_app: App, number: str) -> None:
    mug = await _reorder(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {mug}", thread="q1")
    assert _pending(turn) == {("approve", mug)}, turn.reply
    turn = await chat.send(OP, number, thread="q1")
    assert "quantity" not in turn.reply, turn.reply
    await chat.send(OP, "yes", thread="q1")
    params = (await get_action(agents_app.deps, OP, action_id=mug))["action"]["params"]
    assert params["quantity"] == 120, params  # never the number said alone


@pytest.mark.parametrize("reason", ["no budget this month", "dont need it right now"])
async def test_a_reason_that_opens_with_no_is_still_a_reason(agents_app: App, reason: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, f"reject {a.id}", thread="q2")
    await chat.send(OP, reason, thread="q2")
    detail = await get_action(agents_app.deps, OP, action_id=a.id)
    assert detail["action"]["status"] == "rejected" and detail["decisions"][0]["reason"] == reason


@pytest.mark.parametrize(("text", "name"), [("approve 9 like we approved the mug one", "approve"),
                                            ("reject 10 the supplier says to reject anything late", "reject"),
                                            ("never auto reorder flint", "add_rule")])
def test_a_report_inside_a_request_leaves_the_request(text: str, name: str) -> None:
    assert parse(text, NOW)[0].name == name, parse(text, NOW)


async def test_a_count_in_a_story_is_not_what_it_means(agents_app: App) -> None:
    first = (await propose(agents_app.deps, CONTENT, proposal(target="page:/p/1"))).action
    (await propose(agents_app.deps, CONTENT, proposal(target="page:/p/2"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {first.id}", thread="q3")
    turn = await chat.send(OP, f"we had {first.id + 1} visitors on that page yesterday, approve it", thread="q3")
    assert _pending(turn) in (set(), {("approve", first.id)}), turn.reply


@pytest.mark.parametrize("text", ["how much did we sell last week vs the week before",
                                  "how many orders did we sell on shopify last week"])
def test_store_sales_questions_stay_store_sales(text: str) -> None:
    assert parse(text, NOW)[0].name == "sales", parse(text, NOW)


def test_on_hold_with_another_kind_or_status_is_not_the_holds_in_force() -> None:
    from graphs.language.questions import status_in
    assert status_in("which reorders are on hold?") is None
    assert status_in("list the snoozed ones i put on hold") == "snoozed"
    assert status_in("whats on hold right now") == "executed"


def test_the_zeroth_is_no_day() -> None:
    assert parse_when("snooze 12 till the 0th", NOW) is None


@pytest.mark.parametrize("text", ["reject 9 pls", "reject 9 please thanks", "please reject 9 now please"])
def test_politeness_is_not_a_reason(text: str) -> None:
    [intent] = parse(text, NOW)
    assert (intent.name, intent.ids, intent.reason) == ("reject", (9,), None), intent
