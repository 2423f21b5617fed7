"""The engine remembers what the operator said: refusals stick, limits hold across actions, stats are honest.

The property test drives random sequences of propose / reject / approve / rollback /
time passing / evidence changing on SQLite and PostgreSQL and checks the one promise: a
refused proposal never comes back inside its cooldown unless its evidence changed by the
kind's stated measure, and when it does come back it says what was decided before.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies import memory
from policies.principal import Principal
from policies.tiers import RiskTier
from server.app import App, create_app
from tests.conftest import Clock, make_settings
from tests.factories import proposal, seed_store
from tools.actions import get_action, propose
from tools.decisions import decide
from tools.errors import Conflict, Forbidden
from tools.execution import execute
from tools.performance import agent_performance
from tools.rollback import rollback
from tools.rules import add as add_rule
from tools.standing import MEASURED_DAYS
from tools.tenants import set_autonomy

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
COOLDOWN = memory.cooldown("content.rewrite_title", RiskTier.MEDIUM)


def title(clicks: float, n: int, at: datetime) -> dict[str, Any]:
    """A title rewrite standing on ``clicks``; ``n`` makes each proposal's params (its version) differ."""
    return proposal("content.rewrite_title", params={"new_title": f"Linen Tote Bag – take {n}"},
                    evidence=[{"source": "gsc", "query": "page=linen-tote", "metric": "clicks", "value": clicks,
                               "window": "28d", "observed_at": (at - timedelta(hours=1)).isoformat()}])


Step = tuple[str, int]
steps = st.lists(st.one_of(
    st.tuples(st.just("propose"), st.integers(min_value=0, max_value=2)),   # 0: same clicks, 1: -35 %, 2: +10 %
    st.tuples(st.just("reject"), st.just(0)),
    st.tuples(st.just("approve"), st.just(0)),
    st.tuples(st.just("rollback"), st.just(0)),
    st.tuples(st.just("wait"), st.sampled_from([1, 10, 29, 31, 45])),
), min_size=3, max_size=12)


async def _run_sequence(app: App, clock: Clock, seq: list[Step]) -> None:
    clicks = 300.0
    refused_at: datetime | None = None
    refused_clicks: float | None = None
    reason_seen = ""
    current: int | None = None
    executed_at: datetime | None = None  # the executed title, while it stands (not rolled back)
    for n, (op, arg) in enumerate(seq):
        if op == "wait":
            clock.advance(days=arg)
            continue
        if op == "propose":
            clicks = {0: clicks, 1: clicks * 0.65, 2: clicks * 1.1}[arg]
            inside = refused_at is not None and clock.now < refused_at + COOLDOWN
            changed = refused_clicks is not None and clicks <= refused_clicks * 0.7
            try:
                result = await propose(app.deps, CONTENT, title(clicks, n, clock.now), execute_now=False)
            except Conflict as exc:
                if exc.code == "in_flight":
                    continue
                if exc.code == "being_measured":  # an executed title is measured before the page changes again
                    assert executed_at is not None and clock.now < executed_at + timedelta(days=MEASURED_DAYS)
                    continue
                assert exc.code == "recently_refused", exc
                assert inside and not changed, (clock.now, refused_at, clicks, refused_clicks)
                continue
            if result.outcome == "unchanged":
                continue
            # it came: it was allowed to (outside the cooldown, or the evidence moved enough), and no executed
            # change of the page is still being measured
            assert not inside or changed, (clock.now, refused_at, clicks, refused_clicks)
            assert executed_at is None or clock.now >= executed_at + timedelta(days=MEASURED_DAYS)
            if refused_at is not None:
                assert "You " in result.action.rationale and reason_seen in result.action.rationale
            current = result.action.id
            continue
        if current is None:
            continue
        status = (await get_action(app.deps, OP, action_id=current))["action"]
        try:
            if op == "reject" and status["status"] == "pending_approval":
                await decide(app.deps, OP, action_id=current, version=status["version"], verdict="reject",
                             reason=f"not now, take {n}")
                reason_seen = f"not now, take {n}"
                refused_at, refused_clicks, current = clock.now, clicks, None
            elif op == "approve" and status["status"] == "pending_approval":
                done = await decide(app.deps, OP, action_id=current, version=status["version"], verdict="approve")
                if done.action.status == "executed":
                    executed_at = clock.now
        except Conflict as exc:
            assert exc.code == "expired", exc  # waited past its deadline: expired, not refused
            current = None
            continue
        if op == "rollback" and status["status"] == "executed":
            reason_seen = f"it hurt sales, take {n}"
            await rollback(app.deps, OP, action_id=current, reason=reason_seen)
            refused_at, refused_clicks, current, executed_at = clock.now, clicks, None, None


@pytest.mark.slow
def test_a_refused_proposal_stays_away_for_its_cooldown_unless_its_evidence_changes(db_url: str) -> None:
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(seq=steps)
    def check(seq: list[Step]) -> None:
        async def go() -> None:
            app = await create_app(make_settings(db_url))
            clock = Clock(START)
            app.deps.clock = clock
            try:
                await _reset(app)
                await _run_sequence(app, clock, seq)
            finally:
                await app.close()

        asyncio.run(go())

    check()


async def _reset(app: App) -> None:
    """Each example starts from an empty store (the database is shared by the examples of one test)."""
    from sqlalchemy import text

    async with app.db.write("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        for table in ("outbox_events", "executions", "decisions", "action_versions", "actions", "variants",
                      "products", "orders", "standing_rules"):
            await conn.execute(text(f"DELETE FROM {table} WHERE tenant_id = 'demo'"))
    await seed_store(app)


async def test_a_rejection_comes_back_with_its_reason_after_the_cooldown(app: App, clock: Clock) -> None:
    await seed_store(app)
    first = (await propose(app.deps, CONTENT, title(300, 1, clock.now))).action
    await decide(app.deps, OP, action_id=first.id, version=1, verdict="reject", reason="seasonal item")
    with pytest.raises(Conflict) as refused:
        await propose(app.deps, CONTENT, title(300, 2, clock.now))
    assert refused.value.code == "recently_refused" and "seasonal item" in refused.value.message
    clock.advance(days=31)
    back = (await propose(app.deps, CONTENT, title(300, 3, clock.now))).action
    assert "You rejected this on" in back.rationale and "seasonal item" in back.rationale
    assert back.confidence == pytest.approx(0.8 * memory.RETURNING_CONFIDENCE)  # and it ranks lower


async def test_evidence_that_moved_enough_brings_it_back_early(app: App, clock: Clock) -> None:
    await seed_store(app)
    first = (await propose(app.deps, CONTENT, title(300, 1, clock.now))).action
    await decide(app.deps, OP, action_id=first.id, version=1, verdict="reject", reason="fine as is")
    with pytest.raises(Conflict):
        await propose(app.deps, CONTENT, title(240, 2, clock.now))  # clicks down 20 %: not enough
    back = (await propose(app.deps, CONTENT, title(200, 3, clock.now))).action  # down 33 %: material
    assert "clicks down another 30 %" in back.rationale


# --- limits across actions ---------------------------------------------------------------------------

MARKDOWN_STEPS = [
    # (executed markdowns before, the next one, its tier)
    ([], 25.0, "high"),
    ([], 35.0, "critical"),
    ([20.0], 10.0, "high"),           # 28 % in total
    ([20.0], 15.0, "critical"),       # 32 % in total: past 30 % only in total
    ([10.0, 10.0], 15.0, "critical"),  # 31.2 %
    ([35.0], 25.0, "critical"),       # 51.25 %
]


@pytest.mark.parametrize("level", ["supervised", "semi_autonomous", "autonomous"])
@pytest.mark.parametrize(("before", "next_pct", "tier"), MARKDOWN_STEPS)
async def test_markdowns_classify_by_their_total(app: App, clock: Clock, level: str, before: list[float],
                                                 next_pct: float, tier: str) -> None:
    await seed_store(app)
    for n, pct in enumerate(before):
        a = (await propose(app.deps, INVENTORY, markdown(pct, clock))).action
        await decide(app.deps, OP, action_id=a.id, version=a.version, verdict="approve")
        assert (await get_action(app.deps, OP, action_id=a.id))["action"]["status"] == "executed"
        clock.advance(days=MEASURED_DAYS)  # the next markdown waits until this one's outcome is measured
    await set_autonomy(app.deps, OP, level=level)
    nxt = (await propose(app.deps, INVENTORY, markdown(next_pct, clock))).action
    assert nxt.risk_tier == tier
    if tier == "critical":
        # whatever the autonomy, a markdown past 30 % in total never runs without the operator
        assert nxt.status == "pending_approval"


def markdown(pct: float, clock: Clock) -> dict[str, Any]:
    return proposal("inventory.markdown", params={"percent_off": pct}, observed_at=clock.now - timedelta(hours=1))


async def test_a_markdown_is_not_proposed_again_while_the_last_one_is_measured(app: App, clock: Clock) -> None:
    await seed_store(app)
    first = (await propose(app.deps, INVENTORY, markdown(20.0, clock))).action
    await decide(app.deps, OP, action_id=first.id, version=first.version, verdict="approve")
    clock.advance(days=MEASURED_DAYS - 1)
    with pytest.raises(Conflict) as held:
        await propose(app.deps, INVENTORY, markdown(10.0, clock))
    assert held.value.code == "being_measured" and f"#{first.id}" in held.value.message
    # rolled back, it holds nothing (what the operator said about it is remembered instead)
    await rollback(app.deps, OP, action_id=first.id, reason="too deep")
    clock.advance(days=1)
    with pytest.raises(Conflict) as refused:
        await propose(app.deps, INVENTORY, markdown(10.0, clock))
    assert refused.value.code == "recently_refused"


async def test_an_assistant_cannot_approve_a_markdown_that_is_critical_in_total(app: App, clock: Clock) -> None:
    from policies.principal import Role

    await seed_store(app)
    first = (await propose(app.deps, INVENTORY, markdown(20.0, clock))).action
    await decide(app.deps, OP, action_id=first.id, version=first.version, verdict="approve")
    clock.advance(days=MEASURED_DAYS)
    nxt = (await propose(app.deps, INVENTORY, markdown(15.0, clock))).action
    assert nxt.risk_tier == "critical"  # 15 % alone is high; 32 % in total is not
    assistant = Principal(tenant="demo", subject="assistant:ide", role=Role.ASSISTANT,
                          scopes=frozenset({"read", "decide"}))
    with pytest.raises(Forbidden):
        await decide(app.deps, assistant, action_id=nxt.id, version=nxt.version, verdict="approve")


async def test_a_rule_made_after_a_proposal_blocks_its_approval_and_its_execution(app: App) -> None:
    await seed_store(app)
    markdown = (await propose(app.deps, INVENTORY, proposal("inventory.markdown"))).action
    await add_rule(app.deps, OP, text="never discount Atelier Nord")
    with pytest.raises(Conflict) as e:
        await decide(app.deps, OP, action_id=markdown.id, version=1, verdict="approve")
    assert e.value.code == "rule_forbids"


async def test_an_approved_action_that_a_new_rule_forbids_never_executes(app: App, clock: Clock) -> None:
    from tools.killswitch import set_kill_switch

    await seed_store(app)
    markdown = (await propose(app.deps, INVENTORY, proposal("inventory.markdown"))).action
    await set_kill_switch(app.deps, OP, engaged=True, reason="hold everything")
    await decide(app.deps, OP, action_id=markdown.id, version=1, verdict="approve")  # approved, held
    await add_rule(app.deps, OP, text="never discount Atelier Nord")
    await set_kill_switch(app.deps, OP, engaged=False, reason="carry on")
    outcome = await execute(app.deps, "demo", markdown.id)
    assert outcome.status in ("failed", "already", "not_approved")
    detail = await get_action(app.deps, OP, action_id=markdown.id)
    assert detail["action"]["status"] == "failed" and detail["execution"] is None


# --- honest statistics ----------------------------------------------------------------------------

async def test_auto_approvals_alone_show_no_approval_rate(app: App) -> None:
    await seed_store(app)
    await set_autonomy(app.deps, OP, level="autonomous")
    for n in range(3):
        await propose(app.deps, CONTENT, proposal(target=f"page:https://shop.example/products/p{n}"))
    rows = await agent_performance(app.deps, OP)
    row = next(r for r in rows if r["kind"] == "content.rewrite_title")
    assert row["auto_approved"] == 3 and row["approved"] == 0 and row["approval_rate"] is None


async def test_an_operator_who_always_rejects_a_kind_drives_its_rate_down(app: App) -> None:
    await seed_store(app)
    rates = []
    for n in range(4):
        a = (await propose(app.deps, CONTENT, proposal(target=f"page:https://shop.example/products/p{n}"))).action
        verdict = "approve" if n == 0 else "reject"
        await decide(app.deps, OP, action_id=a.id, version=1, verdict=verdict, reason="no")
        row = next(r for r in await agent_performance(app.deps, OP) if r["kind"] == "content.rewrite_title")
        rates.append(row["approval_rate"])
    assert rates == [1.0, 0.5, pytest.approx(0.333, abs=0.001), 0.25]


async def test_a_rollback_counts_against_the_approval_it_undid(app: App) -> None:
    await seed_store(app)
    a = (await propose(app.deps, CONTENT, proposal())).action
    await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    await rollback(app.deps, OP, action_id=a.id, reason="it hurt sales")
    row = next(r for r in await agent_performance(app.deps, OP) if r["kind"] == "content.rewrite_title")
    assert row["approved"] == 0 and row["rolled_back"] == 1 and row["approval_rate"] == 0.0


# --- edits re-derive what they change ----------------------------------------------------------------

async def test_an_edited_markdown_says_its_new_depth_and_reworks_its_revenue(app: App) -> None:
    from graphs.specialists.arithmetic import Factor, multiply

    await seed_store(app)
    revenue = multiply(Factor("extra units sold in 4 weeks", 40.0, "orders", "count"),
                       Factor("marked-down price", 30.0, "Variant Price less 25%", "money"))
    raw = proposal("inventory.markdown", params={"percent_off": 25.0}, revenue=revenue.value,
                   revenue_inputs=revenue.inputs, revenue_formula=revenue.formula)
    raw["title"] = "Mark Linen Tote down 25%: 400 in stock is 300 days of sales"
    a = (await propose(app.deps, INVENTORY, raw)).action
    result = await decide(app.deps, OP, action_id=a.id, version=1, verdict="edit_approve",
                          params={"percent_off": 35.0})
    edited = (await get_action(app.deps, OP, action_id=a.id))["action"]
    assert edited["title"].startswith("Mark Linen Tote down 35%")
    # 40 units x 35/25 = 56 units; $30 x 0.65/0.75 = $26.00; 56 x 26 = $1,456
    assert edited["expected_revenue"] == pytest.approx(1456.0)
    assert "= $1,456.00" in edited["revenue_formula"] and "edited" in edited["revenue_inputs"][0]["source"]
    assert result.reclassified == {"from": "high", "to": "critical"}
