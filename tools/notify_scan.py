"""What is worth telling the operator, found by one pass over the store (the worker's, or a cycle's end).

Each finding becomes a ``tools.notify.Event`` with a key naming exactly that event, so a pass that runs
twice (or two workers that both run it) tells it once:

- a new proposal waiting for approval at high or critical risk (``approval:<id>:v<version>``);
- a failed specialist run, execution or delivery, and a kill switch that moved (from the audit log);
- a source not imported within its freshness limit (once per source and import day);
- a cycle that failed; unusual proposal or execution volume against the trailing normal; repeated
  executor failures (alerts);
- the daily digest, once per local day, at the store's digest hour.

The audit log is read from where the last pass stopped (kept in the tenant's settings).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from policies.freshness import NEEDS, judge
from tools.deps import Deps, Tx
from tools.notify import Event, load_settings, notify
from tools.readiness import newest_by_source

#: the audit position the last pass read up to
CURSOR = "notify_cursor"
#: an alert when the last day's count is more than this many times its trailing daily mean (and at least MIN)
VOLUME_FACTOR = 3.0
VOLUME_MIN = 10
TRAILING_DAYS = 7
#: executor failures within a day that make an alert
FAILURES_ALERT = 3


def _audit_events(rec: Any) -> list[Event]:
    data = json.loads(rec.data)
    subject = rec.subject
    match rec.event:
        case "action.failed":
            return [Event("execution_failed", f"failed:{subject}:{rec.seq}", f"Execution failed: {subject}",
                          f"{data.get('code', '')}: {data.get('error', '')}", "warning", {"subject": subject})]
        case "action.delivery_failed" | "action.delivery_conflict":
            what = "conflict" if rec.event.endswith("conflict") else "failed"
            return [Event("delivery_failed", f"delivery:{subject}:{data.get('delivery')}:{what}",
                          f"Delivery {what}: {subject} to {data.get('channel', 'the store')}",
                          str(data.get("reason") or data.get("error") or ""), "warning", {"subject": subject})]
        case "kill_switch.engaged" | "kill_switch.released":
            engaged = rec.event.endswith("engaged")
            return [Event("kill_switch", f"kill:{rec.seq}",
                          f"Kill switch {'engaged' if engaged else 'released'} ({data.get('scope', 'tenant')})",
                          f"by {rec.actor}: {data.get('reason', '')}", "critical" if engaged else "warning",
                          {"engaged": engaged})]
    return []


async def _pending_high(tx: Tx) -> list[Event]:
    from policies.lifecycle import Status

    rows = await tx.actions.ranked(statuses=frozenset({Status.PENDING_APPROVAL}), limit=200)
    return [Event("approval_needed", f"approval:{a.id}:v{a.version}",
                  f"Approval needed ({a.risk_tier.value}): {a.title}",
                  f"#{a.id} {a.kind} on {a.target}, expected {a.expected_revenue:,.0f}; `growth actions show {a.id}`",
                  "critical" if a.risk_tier.value == "critical" else "warning", {"action_id": a.id})
            for a in rows if a.risk_tier.value in ("high", "critical")]


async def _runs_and_cycles(tx: Tx) -> list[Event]:
    out = [Event("run_failed", f"run:{r.id}", f"The {r.agent} run #{r.id} failed", r.error[:500], "warning",
                 {"run_id": r.id, "agent": r.agent}) for r in await tx.runs.list(limit=20) if r.status == "failed"]
    out += [Event("cycle_failed", f"cycle:{c.key}", f"The cycle {c.key} failed", c.error[:500], "critical",
                  {"cycle": c.key}) for c in await tx.cycles.recent(limit=10) if c.status == "failed"]
    return out


def _stale(newest: dict[str, datetime | None], now: datetime) -> list[Event]:
    seen: dict[str, Event] = {}
    for agent in NEEDS:
        fresh = judge(agent, newest, now)
        for s in fresh.stale:
            day = s.newest.date().isoformat() if s.newest else "never"
            agents = [a for a in NEEDS if s.source in NEEDS[a]]
            seen[s.source] = Event("stale_data", f"stale:{s.source}:{day}", f"{s.source} data is stale",
                                   f"{fresh.reason()}; {', '.join(agents)} propose nothing until it is refreshed",
                                   "warning", {"source": s.source, "age_days": s.age_days, "agents": agents})
    return list(seen.values())


def _volume(events: list[Any], now: datetime) -> list[Event]:
    """Alerts: the last 24 hours against the trailing days' daily mean, for proposals and executions."""
    out: list[Event] = []
    day = timedelta(days=1)
    for event, label in (("action.proposed", "proposals"), ("action.executed", "executions")):
        stamps = [datetime.fromisoformat(e.ts) for e in events if e.event == event]
        last = sum(1 for t in stamps if t > now - day)
        trailing = sum(1 for t in stamps if now - day * (TRAILING_DAYS + 1) < t <= now - day) / TRAILING_DAYS
        if last >= VOLUME_MIN and last > VOLUME_FACTOR * max(trailing, 1.0):
            out.append(Event("alert_volume", f"volume:{label}:{now.date().isoformat()}",
                             f"Unusual volume: {last} {label} in the last 24 hours",
                             f"the trailing {TRAILING_DAYS}-day normal is {trailing:.1f} a day", "warning",
                             {"what": label, "last_day": last, "trailing_daily": round(trailing, 2)}))
    failures = [e for e in events if e.event == "action.failed" and datetime.fromisoformat(e.ts) > now - day]
    if len(failures) >= FAILURES_ALERT:
        out.append(Event("alert_executor_failures", f"executor_failures:{now.date().isoformat()}",
                         f"{len(failures)} executions failed in the last 24 hours",
                         "read `growth audit tail --event action.failed`; a target may be gone or a price stale",
                         "critical", {"count": len(failures)}))
    return out


async def digest_event(deps: Deps, tenant: str) -> Event | None:
    """Today's digest, if the store's local time has reached its digest hour (None before)."""
    async def q(tx: Tx) -> tuple[Any, ...]:
        return (await load_settings(tx), await tx.actions.count_by_status(), await tx.cycles.latest(with_reflection=True),
                await tx.notifications.recent(limit=200, since=deps.now() - timedelta(days=1)))

    settings, counts, cycle, recent = await deps.db.query(tenant, q)
    local = settings.local(deps.now())
    if local.hour < settings.digest_hour:
        return None
    held = [n for n in recent if (n.channels or {}).get("email") == "held:quiet_hours"]
    lines = [f"Daily digest for {tenant}, {local:%A %d %B %Y} ({settings.timezone})",
             f"Waiting for your decision: {counts.get('pending_approval', 0)}; approved and not yet run: "
             f"{counts.get('approved', 0)}; executed so far: {counts.get('executed', 0)}."]
    if cycle is not None and cycle.reflection:
        lines.append(f"Last cycle ({cycle.key}, {cycle.reflection.get('status')}): {cycle.reflection.get('summary')}")
        lines += [f"- {h}" for h in cycle.reflection.get("hints") or []]
    if held:
        lines.append(f"Held during quiet hours ({len(held)}):")
        lines += [f"- [{n.severity}] {n.title}" for n in held]
    return Event("digest", f"digest:{local.date().isoformat()}", f"Daily digest — {local:%d %b %Y}", "\n".join(lines),
                 "info", {"local_date": local.date().isoformat(), "timezone": settings.timezone})


#: audit events a pass reads after its cursor (the next pass reads on from where it stopped)
AUDIT_PAGE = 5000


async def notify_pass(deps: Deps, tenant: str) -> list[int]:
    """Find what is worth telling and tell each thing once; returns the new notifications' ids."""
    now = deps.now()

    async def q(tx: Tx) -> tuple[Any, ...]:
        cursor = int((await tx.settings.all()).get(CURSOR) or 0)
        # every event since the cursor, however many or old (a page a pass: the cursor moves to the last read)
        unread = await tx.audit.after(cursor, limit=AUDIT_PAGE)
        recent = await tx.audit.recent(limit=5000, since=(now - timedelta(days=TRAILING_DAYS + 2)).isoformat())
        return (cursor, unread, recent, await _pending_high(tx), await _runs_and_cycles(tx),
                await newest_by_source(tx))

    cursor, unread, recent, pending, failures, newest = await deps.db.query(tenant, q)
    head = unread[-1].seq if unread else cursor
    events: list[Event] = []
    for rec in unread:
        events += _audit_events(rec)
    events += pending + failures + _stale(newest, now) + _volume(recent, now)
    digest = await digest_event(deps, tenant)
    if digest is not None:
        events.append(digest)
    told = [n.id for e in events if (n := await notify(deps, tenant, e)) is not None]
    await deps.db.transact(tenant, lambda tx: tx.settings.set(CURSOR, head, now=now))
    return told
