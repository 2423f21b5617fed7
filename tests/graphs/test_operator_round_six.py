"""A sixth exploratory chat on the demo store: the queue read in another order than its ranking, an
action's age, and requests put as a delegation or as an amount.

Each of these was "not understood", or misread: "the riskiest", "the 3 biggest", "the cheapest reorder",
"what expires first?", "explain the top two" and "how long has 8 been waiting?" were not understood; "the
best one" was read as a product named "best"; "the least risky one" as the risk agent's actions; "can you
remind me what I rejected" as a rejection (by name, it would have rejected); "approve every reorder under
$500" as an edit to $500; "go with your recommendation" and "you decide" as nothing. None of them decides
anything by itself: a decision said with one is echoed, or asked which when several share the top.
"""

from __future__ import annotations

import re

import pytest

from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.chat import status_of, waiting
from tools.actions import propose

OP = Principal.operator("demo")


async def _queue(app: App, *, critical: bool) -> dict[str, int]:
    """A title rewrite ranked first (medium risk), two reorders (high), an investigation (low) worth the most,
    and, if ``critical``, an e-mail (critical) worth the least."""
    made = {}
    for name, kind, revenue, confidence, extra in (
            ("title", "content.rewrite_title", 2500, 0.95, {}),
            ("reorder_a", "inventory.reorder", 900, 0.8, {}),
            ("reorder_b", "inventory.reorder", 700, 0.8, {"target": "sku:LIN-TOT-02"}),
            ("investigate", "analytics.investigate", 4000, 0.1, {}),
            *((("email", "email.send", 50, 0.5, {}),) if critical else ())):
        agent = Principal.for_agent("demo", kind.split(".")[0].replace("email", "content"))
        made[name] = (await propose(app.deps, agent, proposal(kind, revenue=revenue, confidence=confidence,
                                                              **extra))).action.id
    return made


def _listed(reply: str) -> list[int]:
    return [int(n) for n in re.findall(r"^· #(\d+)", reply, re.M)]


async def _unchanged(app: App, ids: dict[str, int]) -> None:
    for i in ids.values():
        assert await status_of(app, i) == "pending_approval"


@pytest.mark.parametrize("say", ["whats the riskiest one?", "which is the riskiest", "what's the most risky action",
                                 "whats the biggest risk right now"])
async def test_the_riskiest_is_explained_when_one_is_riskiest(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=True)
    turn = await (await agents_app.agents()).send(OP, say, thread="r1")
    assert turn.reply.startswith(f"#{ids['email']} "), turn.reply
    assert not turn.pending
    await _unchanged(agents_app, ids)


async def test_the_riskiest_when_several_share_the_top_asks_which_and_so_does_approving_it(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "whats the riskiest one", thread="r2")
    assert "which one" in turn.reply and f"#{ids['reorder_a']}" in turn.reply and f"#{ids['reorder_b']}" in turn.reply
    assert f"#{ids['title']}" not in turn.reply, turn.reply
    turn = await chat.send(OP, "approve the riskiest one", thread="r3")
    assert not turn.pending and "which one" in turn.reply, turn.reply
    await _unchanged(agents_app, ids)


async def test_superlative_lists_are_in_that_order_and_say_so(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=True)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "show me the riskiest ones", thread="r4")
    order = _listed(turn.reply)
    assert order[0] == ids["email"] and set(order[1:3]) == {ids["reorder_a"], ids["reorder_b"]}, turn.reply
    assert order[-1] == ids["investigate"] and "riskiest first" in turn.reply
    turn = await chat.send(OP, "what are the 3 biggest", thread="r5")
    assert _listed(turn.reply) == [ids["investigate"], ids["title"], ids["reorder_a"]], turn.reply
    assert "highest estimate first" in turn.reply
    turn = await chat.send(OP, "the 2 safest", thread="r6")
    assert _listed(turn.reply) == [ids["investigate"], ids["title"]], turn.reply
    # a place in that list is a place in that order
    turn = await chat.send(OP, "show me the riskiest ones", thread="r7")
    turn = await chat.send(OP, "approve the first one", thread="r7")
    assert waiting(turn) == {("approve", ids["email"])}, turn.reply
    await _unchanged(agents_app, ids)


@pytest.mark.parametrize("say", ["approve the most valuable one", "approve the least risky one"])
async def test_a_superlative_decision_is_echoed_never_run(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    turn = await (await agents_app.agents()).send(OP, say, thread="r8")
    # "risky" is read "risk" by the typo fixer: never the risk agent's actions
    assert waiting(turn) == {("approve", ids["investigate"])}, turn.reply  # low risk, yet asked: a description
    await _unchanged(agents_app, ids)


@pytest.mark.parametrize("say", ["explain the top two", "tell me about the first two", "explain the best 2"])
async def test_explain_the_top_two_explains_both(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    turn = await (await agents_app.agents()).send(OP, say, thread="t2")
    explained = [int(n) for n in re.findall(r"^#(\d+) ", turn.reply, re.M)]
    assert explained == [ids["title"], ids["reorder_a"]], turn.reply
    await _unchanged(agents_app, ids)


async def test_the_best_one_is_the_top_of_the_ranking_not_a_product_called_best(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=False)
    turn = await (await agents_app.agents()).send(OP, "whats the best one", thread="b1")
    assert turn.reply.startswith(f"#{ids['title']} "), turn.reply


@pytest.mark.parametrize("say", ["how long has {id} been waiting?", "when does {id} expire", "when was {id} proposed",
                                 "how long has the linen tote reorder been waiting"])
async def test_how_long_an_action_has_waited_and_when_it_expires(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    turn = await (await agents_app.agents()).send(OP, say.format(id=ids["reorder_a"]), thread="h1")
    assert turn.reply.startswith(f"#{ids['reorder_a']} "), turn.reply
    line = next(x for x in turn.reply.splitlines() if x.startswith("Waiting since"))
    assert re.search(r"\((?:under a minute|\d+ minutes?)\); expires \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in \d+ days?", line), line
    assert not turn.pending
    await _unchanged(agents_app, ids)


async def test_cheapest_counts_what_a_reorder_spends_and_says_a_markdown_spends_nothing(agents_app: App) -> None:
    inventory = Principal.for_agent("demo", "inventory")
    big = (await propose(agents_app.deps, inventory, proposal(
        "inventory.reorder", revenue=900, params={"quantity": 100, "unit_cost": 9.5, "supplier": "Atelier Nord"}))).action.id
    small = (await propose(agents_app.deps, inventory, proposal(
        "inventory.reorder", target="sku:LIN-TOT-02", revenue=300,
        params={"quantity": 20, "unit_cost": 9.5, "supplier": "Atelier Nord"}))).action.id
    markdown = (await propose(agents_app.deps, inventory, proposal("inventory.markdown", revenue=50))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, "show the reorders cheapest first", thread="c1")
    assert _listed(turn.reply) == [small, big] and "would spend $190" in turn.reply, turn.reply
    turn = await chat.send(OP, "what's the cheapest reorder", thread="c2")
    assert turn.reply.startswith(f"#{small} "), turn.reply
    turn = await chat.send(OP, "approve the most expensive one", thread="c3")
    assert waiting(turn) == {("approve", big)}, turn.reply
    for say in ("whats the cheapest markdown", "the 2 cheapest markdowns"):
        turn = await chat.send(OP, say, thread="c4")
        # not "no markdowns waiting": there is one, and it spends nothing
        assert "spend nothing" in turn.reply and not turn.pending, turn.reply
    for i in (big, small, markdown):
        assert await status_of(agents_app, i) == "pending_approval"


@pytest.mark.parametrize("say", ["what's the worst case if {id} goes wrong", "what if {id} goes wrong?",
                                 "and if {id} backfires?"])
async def test_what_if_it_goes_wrong_explains_it(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    turn = await (await agents_app.agents()).send(OP, say.format(id=ids["reorder_b"]), thread="w1")
    assert turn.reply.startswith(f"#{ids['reorder_b']} ") and "Rollback:" in turn.reply, turn.reply
    await _unchanged(agents_app, ids)


@pytest.mark.parametrize("say", ["can you remind me what I rejected last week", "remind me what i declined",
                                 "tell me which ones we rejected"])
async def test_remind_me_what_i_rejected_lists_the_rejections_and_rejects_nothing(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    await chat.send(OP, f"reject {ids['reorder_b']} because we have stock coming", thread="m0")
    turn = await chat.send(OP, say, thread="m1")
    assert _listed(turn.reply) == [ids["reorder_b"]], turn.reply
    assert not turn.pending
    assert [await status_of(agents_app, i) for i in (ids["title"], ids["reorder_a"], ids["investigate"])] == [
        "pending_approval"] * 3


@pytest.mark.parametrize("say", ["show me what's been done today", "what got done today"])
async def test_what_has_been_done_is_the_activity_not_the_briefing(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    await chat.send(OP, f"approve {ids['title']}", thread="d0")
    turn = await chat.send(OP, say, thread="d1")
    assert f"#{ids['title']}" in turn.reply and "waiting for you. The top" not in turn.reply, turn.reply


@pytest.mark.parametrize("say", ["approve every reorder under $500", "approve the reorders that cost less than 1,000 dollars",
                                 "reject all reorders over $100"])
async def test_an_amount_that_picks_actions_is_answered_with_the_figures_never_read_as_an_edit(
        agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    turn = await (await agents_app.agents()).send(OP, say, thread="a1")
    assert "can't pick actions by an amount" in turn.reply and not turn.pending, turn.reply
    assert set(_listed(turn.reply)) == {ids["reorder_a"], ids["reorder_b"]} and "would spend $1,140" in turn.reply
    await _unchanged(agents_app, ids)


async def test_what_expires_first_and_what_is_about_to_expire(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=True)  # an e-mail expires within a day, reorders in three, pages in 7-14
    chat = await agents_app.agents()
    turn = await chat.send(OP, "what expires first?", thread="e1")
    assert turn.reply.startswith(f"#{ids['email']} "), turn.reply
    turn = await chat.send(OP, "is anything about to expire?", thread="e2")
    order = _listed(turn.reply)
    assert order[0] == ids["email"] and set(order[1:3]) == {ids["reorder_a"], ids["reorder_b"]}, turn.reply
    assert "soonest to expire first" in turn.reply and " · expires " in turn.reply
    await _unchanged(agents_app, ids)


async def test_a_superlative_after_a_list_counts_in_that_list(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    await chat.send(OP, "show me the reorders", thread="l1")
    turn = await chat.send(OP, "the biggest one looks fine", thread="l1")  # the investigation is bigger, not listed
    assert turn.reply.startswith(f"#{ids['reorder_a']} ") and not turn.pending, turn.reply
    turn = await chat.send(OP, "approve the smallest", thread="l1")
    assert waiting(turn) == {("approve", ids["reorder_b"])}, turn.reply
    await _unchanged(agents_app, ids)


@pytest.mark.parametrize("say", ["fine, go with your recommendation", "do whatever you think is best", "you decide",
                                 "i trust you, handle it", "approve what you'd approve", "your call"])
async def test_a_delegated_decision_is_the_recommended_action_echoed(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="y1")
    assert waiting(turn) == {("approve", ids["title"])}, turn.reply  # the top of the ranking, asked first
    await _unchanged(agents_app, ids)
    await chat.send(OP, "show me the reorders", thread="y2")
    turn = await chat.send(OP, say, thread="y2")
    assert waiting(turn) == {("approve", ids["reorder_a"])}, turn.reply  # the top of the list shown
    turn = await chat.send(OP, "yes", thread="y2")
    assert await status_of(agents_app, ids["reorder_a"]) == "executed"
    assert [await status_of(agents_app, i) for i in (ids["title"], ids["reorder_b"], ids["investigate"])] == [
        "pending_approval"] * 3


async def test_a_snoozed_action_says_when_it_comes_back_not_an_expiry_it_does_not_have(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    await chat.send(OP, f"snooze {ids['reorder_a']} until next month", thread="s1")
    turn = await chat.send(OP, "when will it come back", thread="s1")
    line = next(x for x in turn.reply.splitlines() if x.startswith("Waiting since"))
    # the sweep never expires a snoozed action; it wakes with a new deadline
    assert "comes back then, with a fresh deadline" in line and "expires" not in line, line


async def test_a_figure_of_the_action_in_view_asked_again_explains_it(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {ids['reorder_a']}", thread="f1")
    assert waiting(turn) == {("approve", ids["reorder_a"])}
    turn = await chat.send(OP, "how many units was that again", thread="f1")
    assert turn.reply.startswith(f"#{ids['reorder_a']} ") and "quantity: 120" in turn.reply, turn.reply
    turn = await chat.send(OP, "yes", thread="f1")  # the question still waits, and is still the approval
    assert await status_of(agents_app, ids["reorder_a"]) == "executed"


@pytest.mark.parametrize("say", ["what's our refund rate", "how are refunds looking"])
async def test_the_stores_refund_rate_is_the_stores_not_one_investigation(agents_app: App, say: str) -> None:
    turn = await (await agents_app.agents()).send(OP, say, thread="rr")
    assert turn.reply.startswith("Refunds, ") or "no orders" in turn.reply.lower(), turn.reply


@pytest.mark.parametrize("say", ["never approve anything over $1000 without asking me",
                                 "dont let the agents spend more than $2000 a week on stock",
                                 "only ever discount up to 20%",
                                 "can you make sure nothing gets discounted more than 30 percent",
                                 "dont reorder more than 100 units of anything"])
async def test_a_limit_on_an_amount_is_refused_as_a_rule_and_decides_nothing(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="lim")
    # before: not understood, "couldn't read the change", or "nothing is approved" as if it were a refusal
    assert turn.reply.startswith("I can't keep a limit on an amount") and "30%" in turn.reply, turn.reply
    assert not turn.pending
    turn = await chat.send(OP, "what are my rules", thread="lim")
    assert "no standing rules" in turn.reply, turn.reply
    await _unchanged(agents_app, ids)


async def test_up_to_an_amount_in_a_change_is_that_amount_and_a_strict_bound_is_asked(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {ids['reorder_a']} but only up to 50 units", thread="up")
    assert waiting(turn) == {("edit_approve", ids["reorder_a"])} and "quantity 50" in turn.reply, turn.reply
    turn = await chat.send(OP, f"approve {ids['reorder_b']} but under 50 units", thread="up2")
    assert not turn.pending and "couldn't read the change" in turn.reply, turn.reply
    await _unchanged(agents_app, ids)


async def test_the_new_words_survive_typos(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=True)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "aprove the riskest one", thread="ty1")
    assert waiting(turn) == {("approve", ids["email"])}, turn.reply
    turn = await chat.send(OP, "whats the bigest reorder", thread="ty2")
    assert turn.reply.startswith(f"#{ids['reorder_a']} "), turn.reply
    turn = await chat.send(OP, f"how long has {ids['reorder_b']} ben waiting", thread="ty3")
    assert turn.reply.startswith(f"#{ids['reorder_b']} ") and "Waiting since" in turn.reply, turn.reply
    await _unchanged(agents_app, ids)


@pytest.mark.parametrize("say", ["deal with the reorders", "sort out the reorders", "can you take care of the reorders",
                                 "get the reorders done", "handle the reorders"])
async def test_a_request_with_no_verb_of_decision_asks_which_and_then_means_them(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="v1")
    assert turn.reply.startswith("Do what with them — approve, reject or snooze? Nothing was done."), turn.reply
    assert f"#{ids['reorder_a']}" in turn.reply and f"#{ids['reorder_b']}" in turn.reply and not turn.pending
    await _unchanged(agents_app, ids)  # before: explained, or a list: now asked, and "them" means them
    turn = await chat.send(OP, "approve them", thread="v1")
    assert waiting(turn) == {("approve", ids["reorder_a"]), ("approve", ids["reorder_b"])}, turn.reply


async def test_by_cost_risk_or_deadline_is_the_whole_group_in_that_order(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=True)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "show me everything by risk", thread="o1")
    assert _listed(turn.reply)[0] == ids["email"] and "riskiest first" in turn.reply, turn.reply
    turn = await chat.send(OP, "list pending ordered by deadline", thread="o2")
    assert _listed(turn.reply)[0] == ids["email"] and "soonest to expire first" in turn.reply, turn.reply


@pytest.mark.parametrize("say", ["what would you do first", "which one should I do first", "where do i start"])
async def test_where_to_start_is_the_briefing(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    turn = await (await agents_app.agents()).send(OP, say, thread="st")
    assert f"I'd start with #{ids['title']}" in turn.reply, turn.reply


@pytest.mark.parametrize("say", ["what can wait", "is there anything I can ignore", "anything I should reject?"])
async def test_what_can_wait_is_the_least_at_stake_first_and_rejects_nothing(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    turn = await (await agents_app.agents()).send(OP, say, thread="cw")
    assert _listed(turn.reply)[:2] == [ids["reorder_b"], ids["reorder_a"]], turn.reply
    assert "lowest estimate first" in turn.reply and not turn.pending
    await _unchanged(agents_app, ids)


async def test_safe_to_approve_means_low_risk_even_after_everything(agents_app: App) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "what's safe to approve", thread="sf")
    assert _listed(turn.reply) == [ids["investigate"]], turn.reply
    # before: "everything that's safe to approve" asked to approve everything, high risk included
    turn = await chat.send(OP, "approve everything that's safe to approve", thread="sf2")
    assert waiting(turn) == {("approve", ids["investigate"])}, turn.reply
    await _unchanged(agents_app, ids)


@pytest.mark.parametrize("say", ["show me what's live on the store", "what's been delivered to shopify"])
async def test_whats_live_lists_the_executed_actions_and_where_each_stands(agents_app: App, say: str) -> None:
    ids = await _queue(agents_app, critical=False)
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="lv0")
    assert turn.reply == "Nothing has been executed yet, so nothing has gone to the live store.", turn.reply
    await chat.send(OP, f"approve {ids['title']}", thread="lv1")
    turn = await chat.send(OP, say, thread="lv1")
    # before: the pending queue, as if waiting actions were what is live
    assert turn.reply.startswith("Executed actions and the live store:"), turn.reply
    assert f"#{ids['title']} " in turn.reply and "not delivered to the live store yet" in turn.reply
    assert f"#{ids['reorder_a']}" not in turn.reply


def test_how_the_changes_made_are_doing_asks_for_outcomes() -> None:
    from datetime import datetime, timezone

    from graphs.language.intents import parse

    now = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    assert [i.name for i in parse("how are the changes you made doing", now)] == ["outcomes"]
    assert [i.name for i in parse("how are things going", now)] != ["outcomes"]


@pytest.mark.parametrize("say", ["is shopify connected", "are we connected to the store?"])
async def test_whether_the_store_is_connected_is_answered(agents_app: App, say: str) -> None:
    from tools.connections import connect

    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="cn")
    assert turn.reply.startswith("No Shopify store is connected"), turn.reply  # before: not understood
    await connect(agents_app.deps, OP, provider="shopify", shop="demo-store.myshopify.com", token="shpat_" + "x" * 32)
    turn = await chat.send(OP, say, thread="cn2")
    assert turn.reply.startswith("A Shopify store is connected but not checked yet"), turn.reply
    assert "shpat_" not in turn.reply


async def test_a_checked_connection_says_which_scopes_the_token_lacks(agents_app: App) -> None:
    from datetime import datetime, timezone

    from tools.connections import connect
    from tools.records import ProbeResult

    await connect(agents_app.deps, OP, provider="shopify", shop="demo-store.myshopify.com", token="shpat_" + "x" * 32)
    async with agents_app.db.write("demo") as tx:  # what a check of a token with product scopes only records
        await tx.connections.record_check("shopify", ProbeResult("reachable", "Demo", ["read_products", "write_products"]),
                                          now=datetime.now(timezone.utc))
    turn = await (await agents_app.agents()).send(OP, "is shopify connected?", thread="cs")
    assert turn.reply.startswith("Shopify is connected and answered the last check."), turn.reply
    assert "scopes fall short" in turn.reply and "risk lacks" in turn.reply, turn.reply
