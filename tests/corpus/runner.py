"""Runs conversation scenarios on fresh copies of the demo store and scores them by their effects.

The demo store is built once (the real generator, importers and specialists) into a
template database; each scenario gets its own copy, its own app and its own thread.
Before and after every turn the runner reads the state an operator cares about —
every action's status, the kill switch, the autonomy level, the standing rules, the
escalations — and compares the difference with the turn's ``effects``. Anything that
changed and was not asked for is an *unasked change*, the worst failure there is.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from policies.principal import Principal
from server.app import App, create_app
from server.settings import Settings
from tests.corpus.dsl import Scenario, T

TEST_SECRET = "test-secret-for-growth-engine-suite"
#: the day the corpora were written against: the demo store's data ends the store's yesterday, so its order
#: numbers and its queue are those of one day; the scenarios name them ("approve the hold on order #9307").
#: The template and every scenario's store run on this clock (ticking from it), so a scenario means the same
#: thing whatever day the suite runs.
CLOCK = datetime(2026, 11, 29, 15, 0, tzinfo=timezone.utc)
OPERATOR = Principal.operator("demo", subject="operator:corpus")
#: statuses that are not an effect of the conversation (a newer proposal replacing an older one)
_IGNORED_STATUSES = frozenset({"superseded"})


def settings_for(url: str, **extra: Any) -> Settings:
    return Settings(database_url=url, secret_key=TEST_SECRET, tenant="demo", brain="rules", **extra)


def pin_clock(app: App, at: datetime = CLOCK) -> None:
    """The app's clock from ``at``, ticking as the real one does."""
    started = datetime.now(timezone.utc)
    app.deps.clock = lambda: at + (datetime.now(timezone.utc) - started)


async def build_template(folder: Path, *, run_specialists: bool = True, pinned: bool = False) -> Path:
    """The demo store, built once through the real `growth demo` path (``pinned``: on the corpora's day)."""
    from server.demo.build import build

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "growth.db"
    app = await create_app(settings_for(f"sqlite+aiosqlite:///{db}"))
    if pinned:
        pin_clock(app)
    try:
        await build(app.deps, OPERATOR, folder / "exports", seed=7, run_specialists=run_specialists)
    finally:
        await app.close()
    return db


@dataclass
class Outcome:
    scenario: Scenario
    ok: bool = True
    #: state changes nobody asked for: (turn index, description)
    unasked: list[tuple[int, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)


@dataclass
class World:
    app: App
    handles: dict[str, int]
    ranks: dict[str, int]
    extra: dict[str, str] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        """``{handle}`` → the action's id; braces around anything else (pasted JSON) stay as typed."""
        values = {**{k: str(v) for k, v in self.handles.items()}, **{k: str(v) for k, v in self.ranks.items()},
                  **self.extra}
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)

    def action(self, key: str) -> int | None:
        return self.handles.get(key) or self.ranks.get(key)


async def snapshot(app: App, principal: Principal) -> dict[str, Any]:
    from tools.actions import list_actions
    from tools.rules import list_rules
    from tools.tenants import get_status

    actions = await list_actions(app.deps, OPERATOR, status="all", limit=1000)
    status = await get_status(app.deps, OPERATOR)
    rules = await list_rules(app.deps, OPERATOR)
    return {"actions": {a.id: a.status for a in actions},
            "escalations": sum(1 for a in actions if a.kind == "support.escalation"),
            "kill_switch": bool(status["kill_switch"]["engaged"]), "autonomy": status["autonomy_level"],
            "rules": len(rules)}


def compare(turn: T, world: World, before: dict[str, Any], after: dict[str, Any],
            pending: list[dict[str, Any]] | None, reply: str) -> tuple[list[str], list[str]]:
    """(failures, unasked changes) of one turn."""
    failures: list[str] = []
    unasked: list[str] = []
    expected_actions: dict[int, str] = {}
    for key, value in turn.effects.items():
        if key in ("kill_switch", "autonomy"):
            if after[key] != value:
                failures.append(f"{key}: expected {value!r}, got {after[key]!r}")
        elif key in ("rules", "escalations"):
            if after[key] - before[key] != value:
                failures.append(f"{key}: expected {value:+d}, got {after[key] - before[key]:+d}")
        else:
            ident = world.action(key)
            if ident is None:
                failures.append(f"unknown handle {key}")
                continue
            expected_actions[ident] = value
    for ident, want in expected_actions.items():
        got = after["actions"].get(ident)
        if got != want:
            failures.append(f"#{ident}: expected {want}, got {got}")
    for ident, got in after["actions"].items():
        was = before["actions"].get(ident)
        if ident in expected_actions or got == was or got in _IGNORED_STATUSES:
            continue
        if was is None and got == "pending_approval":
            continue  # a new proposal (a run the operator asked for) changes nothing in the store
        unasked.append(f"#{ident}: {was} → {got}")
    for key in ("kill_switch", "autonomy"):
        if key not in turn.effects and after[key] != before[key]:
            unasked.append(f"{key}: {before[key]} → {after[key]}")
    for key in ("rules", "escalations"):
        if key not in turn.effects and after[key] != before[key]:
            unasked.append(f"{key}: {before[key]} → {after[key]}")
    if turn.pending is not None:
        want_pending = set()
        for key in turn.pending:
            if key in ("kill_switch", "autonomy"):
                want_pending.add(key)
            else:
                want_pending.add(world.action(key))
        got_pending = set()
        for item in pending or []:
            if "action_id" in item:
                got_pending.add(item["action_id"])
            elif item["verb"] in ("kill_off", "kill_on"):
                got_pending.add("kill_switch")
            elif item["verb"] == "autonomy":
                got_pending.add("autonomy")
            else:
                got_pending.add(item["verb"])
        if want_pending != got_pending:
            failures.append(f"pending: expected {sorted(map(str, want_pending))}, got {sorted(map(str, got_pending))}")
    low = reply.lower()
    for fragment in turn.says:
        if world.fill(fragment).lower() not in low:
            failures.append(f"reply lacks {world.fill(fragment)!r}")
    for fragment in turn.never_says:
        if world.fill(fragment).lower() in low:
            failures.append(f"reply says {world.fill(fragment)!r}")
    return failures, unasked


async def open_world(template: Path, folder: Path, handles: dict[str, tuple[str, str]]) -> World:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "growth.db"
    shutil.copy(template, db)
    app = await create_app(settings_for(f"sqlite+aiosqlite:///{db}"))
    pin_clock(app)
    from tools.actions import list_actions

    everything = await list_actions(app.deps, OPERATOR, status="all", limit=1000)
    found: dict[str, int] = {}
    for name, (kind, needle) in handles.items():
        hits = [a.id for a in everything if a.kind == kind and needle.lower() in (a.title + " " + a.target).lower()]
        if len(hits) == 1:
            found[name] = hits[0]
    pending = await list_actions(app.deps, OPERATOR, status="pending", limit=1000)
    ranks = {f"rank{n}": a.id for n, a in enumerate(pending, 1)}
    return World(app, found, ranks)


async def apply_setup(world: World, setup: dict[str, Any]) -> None:
    from tools.killswitch import set_kill_switch
    from tools.rules import add
    from tools.tenants import set_autonomy

    deps = world.app.deps
    if setup.get("autonomy"):
        await set_autonomy(deps, OPERATOR, level=setup["autonomy"])
    if setup.get("kill_switch"):
        await set_kill_switch(deps, OPERATOR, engaged=True, reason="scenario setup")
    for text in setup.get("rules") or []:
        await add(deps, OPERATOR, text=text)


async def run_scenario(s: Scenario, template: Path, folder: Path, handles: dict[str, tuple[str, str]],
                       *, principal: Principal = OPERATOR, customer: bool = False) -> Outcome:
    outcome = Outcome(s)
    world = await open_world(template, folder, handles)
    try:
        if customer:
            principal = await _shopper(world)
        await apply_setup(world, s.setup)
        chat = await world.app.agents()
        thread = "corpus"
        for n, turn in enumerate(s.turns):
            before = await snapshot(world.app, principal)
            try:
                said = chat.send(principal, world.fill(turn.say), thread=thread)
                result = await said
                reply, pending = result.reply, result.pending
            except Exception as exc:  # a crash is a failure of the scenario, reported with its text
                reply, pending = f"[crashed: {type(exc).__name__}: {exc}]", None
                outcome.failures.append(f"turn {n + 1} crashed: {type(exc).__name__}: {exc}")
            after = await snapshot(world.app, principal)
            outcome.replies.append(reply)
            failures, unasked = compare(turn, world, before, after, pending, reply)
            outcome.failures += [f"turn {n + 1} ({turn.say!r}): {f}" for f in failures]
            outcome.unasked += [(n + 1, u) for u in unasked]
    finally:
        await world.app.close()
    outcome.ok = not outcome.failures and not outcome.unasked
    return outcome


async def _shopper(world: World) -> Principal:
    """A customer with at least two orders, and the placeholders their scenarios use."""
    from sqlalchemy import func, select

    from server.persistence import models as m
    from tools.storefront import my_orders

    O = m.Order.__table__
    async with world.app.db.read("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        ref = (await conn.execute(select(O.c.customer_ref).where(O.c.tenant_id == "demo", O.c.customer_ref != "")
                                  .group_by(O.c.customer_ref).having(func.count() >= 2)
                                  .order_by(O.c.customer_ref).limit(1))).scalar_one()
        other = (await conn.execute(select(O.c.name).where(O.c.tenant_id == "demo", O.c.customer_ref != ref)
                                    .order_by(O.c.name).limit(1))).scalar_one()
    shopper = Principal.customer("demo", ref)
    mine = await my_orders(world.app.deps, shopper, order_name=None)
    world.extra.update({"my_order": mine[0]["name"], "my_order2": mine[1]["name"], "other_order": other})
    return shopper


def run_all(scenarios: list[Scenario], template: Path, root: Path, handles: dict[str, tuple[str, str]], *,
            customer: bool = False) -> list[Outcome]:
    async def go() -> list[Outcome]:
        out = []
        for n, s in enumerate(scenarios):
            out.append(await run_scenario(s, template, root / f"s{n}", handles, customer=customer))
            shutil.rmtree(root / f"s{n}", ignore_errors=True)
        return out

    return asyncio.run(go())


def table(outcomes: list[Outcome]) -> str:
    """Results by category, as a Markdown table."""
    cats: dict[str, list[Outcome]] = {}
    for o in outcomes:
        cats.setdefault(o.scenario.category, []).append(o)
    lines = ["| category | scenarios | messages | correct | unasked changes |", "|---|---:|---:|---:|---:|"]
    for cat, items in sorted(cats.items()):
        lines.append(f"| {cat} | {len(items)} | {sum(o.scenario.messages for o in items)} | "
                     f"{sum(o.ok for o in items)} | {sum(bool(o.unasked) for o in items)} |")
    total = len(outcomes)
    lines.append(f"| **all** | {total} | {sum(o.scenario.messages for o in outcomes)} | "
                 f"{sum(o.ok for o in outcomes)} ({sum(o.ok for o in outcomes) / max(total, 1):.0%}) | "
                 f"{sum(bool(o.unasked) for o in outcomes)} |")
    return "\n".join(lines)
