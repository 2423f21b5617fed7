"""Answers to the operator's questions from the store's own data, each with its window and source.

"how did last week go?", "top products", "which channel dropped", "which agent proposed
the most", "did the title rewrites work?". Weeks end at the newest imported order (or
GA4 day), not at the wall clock, so a store whose exports are a day old still compares
two whole weeks. A question the data cannot answer says so and what it can answer.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from policies.principal import Principal
from tools.deps import Deps, Tx

WEEK = timedelta(days=7)


def _change(now: float, before: float) -> float | None:
    return round((now - before) / before, 4) if before else None


async def sales(deps: Deps, principal: Principal) -> dict[str, Any]:
    """Orders, revenue and average order value: the last 7 days against the 7 before (Shopify orders)."""
    async def q(tx: Tx) -> dict[str, Any]:
        newest = await tx.commerce.newest_order_at()
        if newest is None:
            return {"available": False, "source": "Shopify orders"}
        end = newest.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        this = await tx.commerce.order_value_between(end - WEEK, end)
        last = await tx.commerce.order_value_between(end - 2 * WEEK, end - WEEK)
        return {"available": True, "source": "Shopify orders", "this_week": this, "last_week": last,
                "window": {"this": [(end - WEEK).date().isoformat(), (end - timedelta(days=1)).date().isoformat()],
                           "last": [(end - 2 * WEEK).date().isoformat(), (end - WEEK - timedelta(days=1)).date()
                                    .isoformat()]},
                "revenue_change": _change(this["revenue"], last["revenue"]),
                "orders_change": _change(this["orders"], last["orders"])}

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

