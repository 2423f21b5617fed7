"""Answers to the operator's questions from the store's own data, each with its window and source.

"how did last week go?", "top products", "which channel dropped", "which agent proposed
the most", "did the title rewrites work?". Weeks end at the newest imported order (or
GA4 day), not at the wall clock, so a store whose exports are a day old still compares
two whole weeks. A question the data cannot answer says so and what it can answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from policies.principal import Principal
from tools.deps import Deps, Tx

WEEK = timedelta(days=7)


def _change(now: float, before: float) -> float | None:
    return round((now - before) / before, 4) if before else None


@dataclass(frozen=True)
class Windows:
    """A period asked about and the one it is compared with: first and last day, both included."""

    period: str
    this: tuple[date, date]
    before: tuple[date, date]
    #: how the reply names them ("this month so far", "the same days of October")
    label: str
    before_label: str


def windows(period: str, *, today: date, newest: date) -> Windows:
    """The days of ``period`` and of the period it is compared with, like for like.

    Rolling periods (``7d``, ``30d``) end at the newest imported order, so exports a day old still
    compare whole periods; calendar periods (today, this week, this month, …) are the calendar's,
    compared with the same days of the period before ("this month so far" with the same days of last
    month), so a month half gone is never set against a whole one.
    """
    if period in ("7d", "30d"):
        n = 7 if period == "7d" else 30
        return Windows(period, (newest - timedelta(days=n - 1), newest),
                       (newest - timedelta(days=2 * n - 1), newest - timedelta(days=n)),
                       f"last {n} days", f"the {n} days before")
    if period in ("today", "yesterday"):
        day = today if period == "today" else today - timedelta(days=1)
        before = day - timedelta(days=1)
        return Windows(period, (day, day), (before, before), period, "the day before")
    if period in ("this_week", "last_week"):
        monday = today - timedelta(days=today.weekday())
        if period == "last_week":
            start = monday - timedelta(days=7)
            return Windows(period, (start, start + timedelta(days=6)),
                           (start - timedelta(days=7), start - timedelta(days=1)), "last week", "the week before")
        return Windows(period, (monday, today), (monday - timedelta(days=7), today - timedelta(days=7)),
                       "this week so far", "the same days last week")
    if period in ("this_month", "last_month"):
        first = today.replace(day=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        if period == "last_month":
            before = (previous - timedelta(days=1)).replace(day=1)
            return Windows(period, (previous, first - timedelta(days=1)), (before, previous - timedelta(days=1)),
                           "last month", "the month before")
        end_before = min(previous + (today - first), first - timedelta(days=1))
        return Windows(period, (first, today), (previous, end_before), "this month so far",
                       f"the same days of {previous:%B}")
    raise ValueError(f"unknown period {period!r}: one of 7d, 30d, today, yesterday, this_week, last_week, "
                     "this_month, last_month")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


async def sales(deps: Deps, principal: Principal, *, period: str = "7d") -> dict[str, Any]:
    """Orders, revenue and average order value in a period against the one before (Shopify orders)."""
    async def q(tx: Tx) -> dict[str, Any]:
        newest = await tx.commerce.newest_order_at()
        if newest is None:
            return {"available": False, "source": "Shopify orders"}
        w = windows(period, today=deps.now().date(), newest=newest.date())
        current = await tx.commerce.order_value_between(_day_start(w.this[0]), _day_start(w.this[1] + timedelta(days=1)))
        previous = await tx.commerce.order_value_between(_day_start(w.before[0]),
                                                         _day_start(w.before[1] + timedelta(days=1)))
        return {"available": True, "source": "Shopify orders", "period": period,
                "current": current, "previous": previous, "label": w.label, "previous_label": w.before_label,
                "window": {"this": [d.isoformat() for d in w.this], "last": [d.isoformat() for d in w.before]},
                # orders imported up to this day: a period running past it is not complete
                "orders_to": newest.date().isoformat(),
                "revenue_change": _change(current["revenue"], previous["revenue"]),
                "orders_change": _change(current["orders"], previous["orders"])}

    return await deps.db.query(principal.tenant, q)


async def top_products(deps: Deps, principal: Principal, *, days: int = 28, limit: int = 5) -> dict[str, Any]:
    """The best-selling products by revenue over the last ``days`` days of orders."""
    async def q(tx: Tx) -> dict[str, Any]:
        newest = await tx.commerce.newest_order_at()
        if newest is None:
            return {"available": False, "source": "Shopify orders"}
        since = newest - timedelta(days=days)
        rows = await tx.commerce.top_products(since=since, limit=limit)
        return {"available": True, "source": "Shopify orders", "days": days,
                "window": [since.date().isoformat(), newest.date().isoformat()],
                "products": [{"title": r["title"], "units": int(r["units"] or 0), "revenue": float(r["revenue"] or 0)}
                             for r in rows]}

    return await deps.db.query(principal.tenant, q)


async def channels(deps: Deps, principal: Principal) -> dict[str, Any]:
    """Sessions per channel, last 7 days of GA4 against the 7 before, biggest fall first."""
    async def q(tx: Tx) -> dict[str, Any]:
        newest = await tx.ga4.newest_day()
        if newest is None:
            return {"available": False, "source": "GA4"}
        this = await tx.ga4.sessions_by_channel(newest - timedelta(days=6), newest)
        last = await tx.ga4.sessions_by_channel(newest - timedelta(days=13), newest - timedelta(days=7))
        rows = []
        for channel in sorted(set(this) | set(last)):
            now_s, before_s = this.get(channel, {}).get("sessions", 0.0), last.get(channel, {}).get("sessions", 0.0)
            rows.append({"channel": channel, "sessions": now_s, "sessions_before": before_s,
                         "change": _change(now_s, before_s)})
        rows.sort(key=lambda r: (r["change"] if r["change"] is not None else 0.0))
        return {"available": True, "source": "GA4", "window": {
            "this": [(newest - timedelta(days=6)).isoformat(), newest.isoformat()],
            "last": [(newest - timedelta(days=13)).isoformat(), (newest - timedelta(days=7)).isoformat()]},
            "channels": rows}

    return await deps.db.query(principal.tenant, q)


async def agent_activity(deps: Deps, principal: Principal) -> dict[str, Any]:
    """Proposals per agent and what became of them (every status, all time)."""
    rows = await deps.db.query(principal.tenant, lambda tx: tx.actions.stats())
    proposed: Counter[str] = Counter()
    revenue: Counter[str] = Counter()
    by_status: dict[str, Counter[str]] = {}
    for r in rows:
        if r["status"] == "superseded":
            continue
        proposed[r["agent"]] += r["count"]
        revenue[r["agent"]] += float(r["revenue"] or 0)
        by_status.setdefault(r["agent"], Counter())[r["status"]] += r["count"]
    return {"source": "the action history", "agents": [
        {"agent": a, "proposed": n, "expected_revenue": round(revenue[a], 2), "statuses": dict(by_status[a])}
        for a, n in proposed.most_common()]}


async def outcomes(deps: Deps, principal: Principal, *, kind: str | None = None) -> dict[str, Any]:
    """What executed actions of a kind did. Outcomes are not measured yet: the answer says so."""
    rows = await deps.db.query(principal.tenant, lambda tx: tx.actions.stats())
    executed = sum(r["count"] for r in rows if r["status"] == "executed" and (kind is None or r["kind"] == kind))
    return {"kind": kind, "executed": executed, "measured": False,
            "why": "outcomes of executed actions are not measured against a control yet"}

