"""Misreadings found by a 35-turn exploratory chat on the demo store (2026-12-01), each checked on the store.

"approve the mug reorder with a different supplier" offered the reorder with its own supplier, the change
dropped without a word; "why did you propose it in the first place", after rejecting #17, explained the
top of the queue ("first"); "how much have the agents made me this month" asked which action was meant;
"i dont want any more landing pages" listed them instead of keeping a rule. ("Approve 8 and 9 but make 8
only 40 units" and "can you hold order 9315 please" are in their own files.)
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
from tools.decisions import decide
from tools.rules import list_rules
from tools.tenants import get_status

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("say", ["approve the reorder with a different supplier",
                                 "approve it but from another supplier", "approve it with a cheaper supplier"])
async def test_a_change_that_cannot_be_read_is_asked_never_dropped(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {a.id}", thread="w1")
    turn = await chat.send(OP, say, thread="w1")
    assert not waiting(turn) and "nothing was approved" in turn.reply, turn.reply
    await chat.send(OP, "yes", thread="w1")
    assert await status_of(agents_app, a.id) == "pending_approval"


@pytest.mark.parametrize("say", ["approve {a}, the new title looks good", "approve {a}, it's a better title"])
async def test_praise_of_the_proposal_is_not_a_change(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    turn = await (await agents_app.agents()).send(OP, say.format(a=a.id), thread="w2")
    assert await status_of(agents_app, a.id) == "executed", turn.reply


async def test_in_the_first_place_is_not_the_first_in_the_queue(agents_app: App) -> None:
    top = (await propose(agents_app.deps, CONTENT, proposal(revenue=9000))).action
    low = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", revenue=100))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"reject {low.id} because we have stock", thread="w3")
    turn = await chat.send(OP, "why did you propose it in the first place", thread="w3")
    assert turn.reply.startswith(f"#{low.id} "), turn.reply
    assert f"#{top.id}" not in turn.reply
    assert [i.ref.position for i in parse("approve the first one", NOW) if i.ref] == [1]  # a place still is one


@pytest.mark.parametrize("say", ["how much have the agents made me this month", "what have the agents earned",
                                 "did the agents make me money", "is this paying off?", "how much did you save me"])
def test_what_the_work_earned_is_asked_of_the_outcomes(say: str) -> None:
    assert [i.name for i in parse(say, NOW)] == ["outcomes"], say


@pytest.mark.parametrize("say", ["have you got the latest data", "can you save this", "did you make the changes?",
                                 "what did you make of the mug reorder", "how much will 8 make me"])
def test_other_questions_with_make_or_save_are_not_about_outcomes(say: str) -> None:
    assert "outcomes" not in [i.name for i in parse(say, NOW)], say


async def test_what_the_work_earned_answers_with_what_executed(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, "how much have the agents made me this month", thread="w4")
    assert "No actions have been executed yet" in turn.reply and not turn.pending, turn.reply
    await decide(agents_app.deps, OP, action_id=a.id, version=1, verdict="approve")
    turn = await chat.send(OP, "how much have the agents made me", thread="w4")
    assert turn.reply.startswith("1 action executed; none is measured yet"), turn.reply
    assert "growth cycle run" in turn.reply


@pytest.mark.parametrize(("say", "understood"), [
    ("i dont want any more landing pages", "no new landing pages on any product"),
    ("we don't want more internal links", "no internal links on any product"),
])
async def test_not_wanting_a_kind_of_change_is_a_standing_rule(agents_app: App, say: str, understood: str) -> None:
    turn = await (await agents_app.agents()).send(OP, say, thread="w5")
    assert understood in turn.reply, turn.reply
    assert [r["understood"] for r in await list_rules(agents_app.deps, OP)] == [understood]


# --- answering the question that waits ------------------------------------------------------------------------

@pytest.mark.parametrize("say", ["yeah go on then", "sure why not", "👍", "✅", "ok then"])
async def test_a_yes_said_casually_confirms(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action
    chat = await agents_app.agents()
    assert waiting(await chat.send(OP, f"approve {a.id}", thread="y1")) == {("approve", a.id)}
    await chat.send(OP, say, thread="y1")
    assert await status_of(agents_app, a.id) == "executed", say


@pytest.mark.parametrize("say", ["yes but only 30 units", "ok but just 30", "only 30", "yeah, but make it 30"])
async def test_a_yes_with_a_smaller_number_asks_again_with_it(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {a.id}", thread="y2")
    turn = await chat.send(OP, say, thread="y2")
    assert waiting(turn) == {("edit_approve", a.id)} and "quantity 30" in turn.reply, turn.reply
    assert await status_of(agents_app, a.id) == "pending_approval"  # asked again, never run on this message
    await chat.send(OP, "yes", thread="y2")
    detail = (await get_action(agents_app.deps, OP, action_id=a.id))["action"]
    assert (detail["status"], detail["params"]["quantity"]) == ("executed", 30)


@pytest.mark.parametrize("say", ["no, {b}", "no wait, {b}", "sorry, {b}", "no wait i meant {b}", "oops #{b}"])
async def test_another_number_said_against_the_question_asks_it_of_that_action(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target="sku:A-1"))).action
    b = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action  # the store's one SKU
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {a.id}", thread="y3")
    turn = await chat.send(OP, say.format(b=b.id), thread="y3")
    assert waiting(turn) == {("approve", b.id)}, turn.reply  # asked again: the message named no verb
    await chat.send(OP, "yes", thread="y3")
    assert (await status_of(agents_app, a.id), await status_of(agents_app, b.id)) == ("pending_approval", "executed")


async def test_a_number_with_a_unit_is_still_the_change_of_the_same_action(agents_app: App) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {a.id}", thread="y4")
    turn = await chat.send(OP, "no, 10 units", thread="y4")
    assert waiting(turn) == {("edit_approve", a.id)} and "quantity 10" in turn.reply, turn.reply


@pytest.mark.parametrize("say", ["what would happen if I said yes?", "what does yes do", "what happens if i approve it"])
async def test_asking_what_a_yes_does_explains_and_asks_again(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {a.id}", thread="y5")
    turn = await chat.send(OP, say, thread="y5")
    assert turn.reply.startswith(f"#{a.id} ") and "Rollback:" in turn.reply, turn.reply
    assert waiting(turn) == {("approve", a.id)} and await status_of(agents_app, a.id) == "pending_approval"


@pytest.mark.parametrize("say", ["that was a mistake", "oops i didnt mean that", "i shouldn't have approved that"])
async def test_regret_right_after_an_approval_offers_to_roll_it_back(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {a.id}", thread="r1")
    assert await status_of(agents_app, a.id) == "executed"
    turn = await chat.send(OP, say, thread="r1")
    assert waiting(turn) == {("rollback", a.id)}, turn.reply  # offered, never rolled back on these words alone
    await chat.send(OP, "yes", thread="r1")
    assert await status_of(agents_app, a.id) == "rolled_back"


async def test_regret_after_an_explanation_changes_nothing(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {a.id}", thread="r2")
    turn = await chat.send(OP, "that was a mistake", thread="r2")
    assert not waiting(turn) and await status_of(agents_app, a.id) == "pending_approval", turn.reply


# --- a rule corrected right after it was kept ----------------------------------------------------------------

async def test_a_rule_corrected_keeps_the_new_one_and_asks_to_forget_the_old(agents_app: App) -> None:
    chat = await agents_app.agents()
    await chat.send(OP, "never discount the linen tote", thread="c1")
    turn = await chat.send(OP, "actually make that atelier nord", thread="c1")
    assert "no markdowns and price cuts on products from Atelier Nord" in turn.reply, turn.reply
    assert waiting(turn) == {("forget_rule", None)} and "Forget the rule: “no markdowns" in turn.reply, turn.reply
    understood = sorted(r["understood"] for r in await list_rules(agents_app.deps, OP))
    assert understood == ["no markdowns and price cuts on Linen Tote",
                          "no markdowns and price cuts on products from Atelier Nord"]
    await chat.send(OP, "yes", thread="c1")
    rules = await list_rules(agents_app.deps, OP)
    assert [(r["understood"], r["text"]) for r in rules] == [
        ("no markdowns and price cuts on products from Atelier Nord", "never discount the atelier nord")]


@pytest.mark.parametrize("say", ["no, approve it", "no wait, 10", "actually forget it", "ok thanks"])
async def test_what_is_not_a_new_name_does_not_touch_the_rule(agents_app: App, say: str) -> None:
    chat = await agents_app.agents()
    await chat.send(OP, "never discount atelier nord", thread="c2")
    turn = await chat.send(OP, say, thread="c2")
    assert ("add_rule", None) not in waiting(turn), turn.reply
    assert "Atelier Nord" in " ".join(r["understood"] for r in await list_rules(agents_app.deps, OP)) or \
        say == "actually forget it"


# --- what a run found ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("say", "agent"), [("what did it find", None), ("what did the inventory agent find", "inventory"),
                                           ("what did they come up with?", None)])
def test_what_a_run_found_asks_for_the_last_run(say: str, agent: str | None) -> None:
    [intent] = parse(say, NOW)
    assert (intent.name, intent.limit, intent.agent) == ("run_status", 1, agent), intent


async def test_what_it_found_shows_the_last_runs_findings_and_new_actions(agents_app: App) -> None:
    chat = await agents_app.agents()
    await chat.send(OP, "run the inventory agent", thread="f1")
    turn = await chat.send(OP, "what did it find", thread="f1")
    assert turn.reply.startswith("Run #") and "inventory" in turn.reply.split("\n")[0], turn.reply
    assert "Several actions fit" not in turn.reply and not turn.pending


# --- numbers written with commas -----------------------------------------------------------------------------

@pytest.mark.parametrize(("say", "read"), [
    ("approve 12 with 1,000 units", [("edit_approve", (12,), {"quantity": 1000})]),  # before: quantity 0
    ("approve 12 but make it 2,500 units", [("edit_approve", (12,), {"quantity": 2500})]),  # before: 2 and 500
    ("approve 12 but make the price $1,299.99", [("edit_approve", (12,), {"new_price": 1299.99})]),
    ("approve 8,9,10 and 24", [("approve", (8, 9, 10, 24), {})]),  # before: an unreadable change on #24
    ("reject 4,22 because junk", [("reject", (4, 22), {})]),
])
def test_commas_in_numbers_are_read_as_meant(say: str, read: list[tuple[object, ...]]) -> None:
    assert [(i.name, i.ids, i.params) for i in parse(say, NOW)] == read, say


# --- the kill switch talked about ----------------------------------------------------------------------------

async def test_turn_it_on_after_asking_about_the_kill_switch_offers_to_engage_it(agents_app: App) -> None:
    chat = await agents_app.agents()
    await chat.send(OP, "is the kill switch on?", thread="k1")
    turn = await chat.send(OP, "turn it on", thread="k1")
    assert waiting(turn) == {("kill_on", None)} and "Engage the kill switch, so nothing executes" in turn.reply
    await chat.send(OP, "yes", thread="k1")
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"] is True
    turn = await chat.send(OP, "release it", thread="k1")
    assert waiting(turn) == {("kill_off", None)}, turn.reply  # released only on a yes
    await chat.send(OP, "yes", thread="k1")
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"] is False


@pytest.mark.parametrize("say", ["kill switch", "the kill switch?", "kill switch status"])
async def test_the_kill_switch_named_alone_is_asked_about(agents_app: App, say: str) -> None:
    turn = await (await agents_app.agents()).send(OP, say, thread="k2")
    assert turn.reply.startswith("The kill switch is off") and not turn.pending, turn.reply


async def test_put_everything_on_hold_stops_execution(agents_app: App) -> None:
    turn = await (await agents_app.agents()).send(OP, "put everything on hold", thread="k3")
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"] is True, turn.reply


@pytest.mark.parametrize("say", ["i'm going on holiday, run things yourself", "just decide everything without me"])
def test_handing_over_asks_for_a_level(say: str) -> None:
    assert [(i.name, i.level) for i in parse(say, NOW) if i.name == "autonomy"] == [("autonomy", None)], say


@pytest.mark.parametrize("say", ["delete 21", "dismiss 21", "trash 21"])
def test_deleting_an_action_is_rejecting_it(say: str) -> None:
    assert [(i.name, i.ids) for i in parse(say, NOW)] == [("reject", (21,))], say


# --- every action named is meant ------------------------------------------------------------------------------

@pytest.mark.parametrize(("say", "read"), [
    ("reject 8 - we're moving to a new supplier next month and 10 too",
     [("reject", (8, 10), "we're moving to a new supplier next month")]),  # before: #10 dropped into the reason
    ("reject 8 because we have stock, and 10 as well", [("reject", (8, 10), "we have stock")]),
    ("reject 8 because the 10 pack is better", [("reject", (8,), "the 10 pack is better")]),
    ("8 and 9 are fine", [("explain", (8, 9), None)]),  # before: #9 alone
    ("8, 9 and 10 are fine", [("explain", (8, 9, 10), None)]),
    ("i want to approve 8", [("approve", (8,), None)]),  # before: held back as hearsay
    ("we'd like to reject 12 because its ugly", [("reject", (12,), "its ugly")]),
    ("my mum wants me to approve 8", [("hold_back", (8,), None)]),  # hearsay still is
])
def test_every_action_named_is_read(say: str, read: list[tuple[object, ...]]) -> None:
    assert [(i.name, i.ids, i.reason) for i in parse(say, NOW)] == read, say


async def test_another_number_against_a_changed_quantity_is_the_quantity(agents_app: App) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {a.id} with 20 units", thread="y6")
    turn = await chat.send(OP, "no wait, 10", thread="y6")
    assert waiting(turn) == {("edit_approve", a.id)} and "quantity 10" in turn.reply, turn.reply


async def test_what_a_reorder_costs_is_said_beside_what_it_earns(agents_app: App) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action  # 120 × $9.50
    turn = await (await agents_app.agents()).send(OP, f"how much will {a.id} cost", thread="q1")
    assert "The order itself costs $1,140.00 (120 × $9.50 from Atelier Nord)" in turn.reply, turn.reply


async def test_a_name_that_fits_several_means_the_one_in_view_when_only_asked_about(agents_app: App) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", title="Reorder 120 x Linen Tote"))).action
    b = (await propose(agents_app.deps, CONTENT, proposal(title="Rewrite the title of the Linen Tote page"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {a.id}", thread="q2")
    turn = await chat.send(OP, "is that the linen tote one?", thread="q2")
    assert turn.reply.startswith(f"#{a.id} "), turn.reply  # the reorder in view, not "which one?"
    assert waiting(turn) == {("approve", a.id)} and await status_of(agents_app, b.id) == "pending_approval"


# --- a list just shown is what the next message counts and names in ---------------------------------------------

async def _alpaca_and_mug(app: App) -> dict[str, int]:
    made = {}
    for name, kind, target in [("Reorder 40 x Alpaca Throw", "inventory.reorder", "sku:ALP-1"),
                               ("Reorder 50 x Stoneware Mug", "inventory.reorder", "sku:MUG-1"),
                               ("Reorder 60 x Linen Apron", "inventory.reorder", "sku:APR-1"),
                               ("Mark Alpaca Scarf down 10%", "inventory.markdown", "sku:ALP-2")]:
        made[name] = (await propose(app.deps, INVENTORY, proposal(kind, target=target, title=name))).action.id
    return made


async def test_all_but_the_last_one_after_a_list_leaves_its_last_out(agents_app: App) -> None:
    made = await _alpaca_and_mug(agents_app)
    chat = await agents_app.agents()
    listed = (await chat.send(OP, "show the reorders", thread="l1")).refs
    order = [r["id"] for r in listed if r.get("type") == "action"]
    turn = await chat.send(OP, "approve all but the last one", thread="l1")
    assert waiting(turn) == {("approve", i) for i in order[:-1]}, turn.reply  # before: "Approve <the last one>?"
    assert made["Mark Alpaca Scarf down 10%"] not in {p.get("action_id") for p in turn.pending or []}


async def test_a_name_that_fits_several_means_the_one_in_the_list_shown(agents_app: App) -> None:
    made = await _alpaca_and_mug(agents_app)
    chat = await agents_app.agents()
    await chat.send(OP, "show the reorders", thread="l2")
    turn = await chat.send(OP, "reject the alpaca one because discontinued", thread="l2")
    assert waiting(turn) == {("reject", made["Reorder 40 x Alpaca Throw"])}, turn.reply  # echoed, not "which?"
    await chat.send(OP, "yes", thread="l2")
    assert await status_of(agents_app, made["Mark Alpaca Scarf down 10%"]) == "pending_approval"


@pytest.mark.parametrize(("say", "read"), [
    ("make the socks one 25%", {"percent_off": 25.0}), ("set the socks markdown to 20%", {"percent_off": 20.0})])
def test_a_depth_said_with_a_verb_of_change_is_the_change(say: str, read: dict[str, float]) -> None:
    assert [(i.name, i.params) for i in parse(say, NOW)] == [("edit_approve", read)], say


@pytest.mark.parametrize("say", ["whats next?", "what's next", "ok what now"])
def test_what_next_asks_for_the_briefing(say: str) -> None:
    assert [i.name for i in parse(say, NOW)] == ["briefing"], say
