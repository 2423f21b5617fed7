"""Answers to the operator's questions from the store's own data, each with its window and source.

"how did last week go?", "top products", "how many linen totes did we sell last week?",
"which channel dropped", "which agent proposed the most", "did the title rewrites work?".
Weeks end at the newest imported order (or GA4 day), not at the wall clock, so a store
whose exports are a day old still compares two whole weeks. A question the data cannot
answer says so and what it can answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from policies.lifecycle import Status
from policies.principal import Principal
from tools.deps import Deps, Tx
from tools.executors import po_number
from tools.reflection import outcome_summary
from tools.storefront import search_products, tokens_of

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
    if period in ("7d", "28d", "30d"):
        n = int(period[:-1])
        return Windows(period, (newest - timedelta(days=n - 1), newest),
                       (newest - timedelta(days=2 * n - 1), newest - timedelta(days=n)),
                       f"last {n} days", f"the {n} days before")
    named = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if named and 1 <= int(named.group(2)) <= 12:
        first = date(int(named.group(1)), int(named.group(2)), 1)
        following = (first + timedelta(days=32)).replace(day=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        return Windows(period, (first, min(following - timedelta(days=1), max(today, first))),
                       (previous, first - timedelta(days=1)), f"{first:%B %Y}", f"{previous:%B}")
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
    raise ValueError(f"unknown period {period!r}: one of 7d, 28d, 30d, today, yesterday, this_week, last_week, "
                     "this_month, last_month, or a month as YYYY-MM")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


Span = tuple[datetime, datetime]


def _bounds(w: Windows, newest: datetime) -> tuple[Span, Span, datetime | None]:
    """The two periods as [start, end) instants, like for like: when the orders imported stop inside the
    period (today at 04:41), the period before stops at the same point of it; and that cut, if any."""
    start, end = _day_start(w.this[0]), _day_start(w.this[1] + timedelta(days=1))
    before_start, before_end = _day_start(w.before[0]), _day_start(w.before[1] + timedelta(days=1))
    cut = newest + timedelta(microseconds=1) if start <= newest < end else None
    if cut is not None:
        end, before_end = cut, min(before_end, before_start + (cut - start))
    return (start, end), (before_start, before_end), cut


async def sales(deps: Deps, principal: Principal, *, period: str = "7d") -> dict[str, Any]:
    """Orders, revenue and average order value in a period against the one before (Shopify orders).

    Like for like: when the orders imported stop inside the period (today at 04:41, say), the period
    before is counted to the same point (the same weekday at 04:41 a week earlier), so a morning is
    never set against a whole day.
    """
    async def q(tx: Tx) -> dict[str, Any]:
        newest = await tx.commerce.newest_order_at()
        if newest is None:
            return {"available": False, "source": "Shopify orders"}
        newest = newest if newest.tzinfo else newest.replace(tzinfo=timezone.utc)
        w = windows(period, today=deps.now().date(), newest=newest.date())
        (start, end), (before_start, before_end), cut = _bounds(w, newest)
        current = await tx.commerce.order_value_between(start, end)
        previous = await tx.commerce.order_value_between(before_start, before_end)
        return {"available": True, "source": "Shopify orders", "period": period,
                "current": current, "previous": previous, "label": w.label, "previous_label": w.before_label,
                "window": {"this": [d.isoformat() for d in w.this], "last": [d.isoformat() for d in w.before]},
                # orders are imported up to this moment; when it falls inside the period, both sides stop there
                "cut_at": newest.isoformat(timespec="minutes") if cut is not None else None,
                "revenue_change": _change(current["revenue"], previous["revenue"]),
                "orders_change": _change(current["orders"], previous["orders"])}

    return await deps.db.query(principal.tenant, q)


async def top_products(deps: Deps, principal: Principal, *, period: str = "28d", limit: int = 5) -> dict[str, Any]:
    """The best-selling products by revenue in a period (the last 28 days of orders by default)."""
    async def q(tx: Tx) -> dict[str, Any]:
        newest = await tx.commerce.newest_order_at()
        if newest is None:
            return {"available": False, "source": "Shopify orders"}
        w = windows(period, today=deps.now().date(), newest=newest.date())
        rows = await tx.commerce.top_products(since=_day_start(w.this[0]),
                                              until=_day_start(w.this[1] + timedelta(days=1)), limit=limit)
        return {"available": True, "source": "Shopify orders", "period": period, "label": w.label,
                "window": [d.isoformat() for d in w.this],
                "products": [{"title": r["title"], "units": int(r["units"] or 0), "revenue": float(r["revenue"] or 0)}
                             for r in rows]}

    return await deps.db.query(principal.tenant, q)


async def on_order(deps: Deps, principal: Principal) -> dict[str, Any]:
    """What is on order: open purchase orders (executed reorders not cancelled) and reorders still waiting."""
    async def q(tx: Tx) -> dict[str, Any]:
        placed = [{"purchase_order": po_number(p["action_id"]), "action_id": p["action_id"], "sku": p["sku"],
                   "title": p["title"] or p["sku"], "quantity": int(p["quantity"]), "unit_cost": float(p["unit_cost"]),
                   "supplier": p["supplier"] or "", "placed": p["created_at"].date().isoformat()}
                  for p in await tx.commerce.open_purchase_orders()]
        return {"open": placed,
                "waiting": [{"action_id": a.id, "title": a.title, "quantity": int(a.params.get("quantity") or 0),
                             "unit_cost": float(a.params.get("unit_cost") or 0.0),
                             "supplier": str(a.params.get("supplier") or "")}
                            for a in await tx.actions.ranked(statuses=frozenset({Status.PENDING_APPROVAL}),
                                                             kind="inventory.reorder", limit=100)]}

    return await deps.db.query(principal.tenant, q)


async def traffic(deps: Deps, principal: Principal, *, period: str = "7d") -> dict[str, Any]:
    """Sessions, purchases and the conversion rate (GA4) in a period against the one before it."""
    async def q(tx: Tx) -> dict[str, Any]:
        newest = await tx.ga4.newest_day()
        if newest is None:
            return {"available": False, "source": "GA4"}
        w = windows(period, today=deps.now().date(), newest=newest)
        if w.this[0] > newest:
            return {"available": True, "source": "GA4", "label": w.label, "empty": True,
                    "imported_to": newest.isoformat()}

        def totals(rows: dict[str, dict[str, float]]) -> dict[str, float]:
            sessions = sum(r["sessions"] for r in rows.values())
            purchases = sum(r["purchases"] for r in rows.values())
            return {"sessions": sessions, "purchases": purchases,
                    "conversion": purchases / sessions if sessions else None}

        end = min(w.this[1], newest)  # GA4 days come whole: the period is counted to the last day imported
        current = totals(await tx.ga4.sessions_by_channel(w.this[0], end))
        before_end = min(w.before[1], w.before[0] + (end - w.this[0]))
        previous = totals(await tx.ga4.sessions_by_channel(w.before[0], before_end))
        return {"available": True, "source": "GA4", "period": period, "label": w.label,
                "previous_label": w.before_label, "current": current, "previous": previous,
                "window": {"this": [w.this[0].isoformat(), end.isoformat()],
                           "last": [w.before[0].isoformat(), before_end.isoformat()]},
                "imported_to": newest.isoformat()}

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
    """What executed actions (of a kind) achieved: each measured against its controls, or why not yet.

    The measurements are the operations cycle's (``tools.outcomes.measure_outcomes``), read as they
    stand: realised revenue is an interval, a verdict is positive or negative only when the interval
    says so, and an action without enough data yet says how much it still needs.
    """
    async def q(tx: Tx) -> dict[str, Any]:
        stats = await tx.actions.stats()
        executed = sum(r["count"] for r in stats if r["status"] == "executed" and (kind is None or r["kind"] == kind))
        rows = [o for o in await tx.outcomes.list(limit=10_000) if kind is None or o["kind"] == kind]
        titles = {a.id: a.title for a in await tx.actions.ranked(statuses=None, kind=kind, limit=10_000)}
        items = [{"action_id": o["action_id"], "title": titles.get(o["action_id"], ""), "state": o["state"],
                  "metric": o["metric"], "verdict": o["verdict"], "relative": (o["details"] or {}).get("relative"),
                  "revenue": o["revenue"], "revenue_low": o["revenue_low"], "revenue_high": o["revenue_high"],
                  "expected_revenue": o["expected_revenue"], "reason": (o["details"] or {}).get("reason")}
                 for o in rows]
        return {"kind": kind, "executed": executed, "summary": outcome_summary(rows), "items": items[:8],
                "measured": any(o["state"] == "measured" for o in rows)}

    return await deps.db.query(principal.tenant, q)

def _name_words(text: str) -> set[str]:
    """A name's search words, hyphenated words also closed up ("T-Shirt" is found as "tshirt" and "t shirt")."""
    return set(tokens_of(text)) | set(tokens_of(re.sub(r"(?<=\w)-(?=\w)", "", text)))


#: a SKU as stores write them: letters and digits in dash-separated parts, with a digit somewhere ("NW-0427-1")
_SKU = re.compile(r"(?i)(?=[a-z0-9-]*\d)[a-z0-9]+(?:-[a-z0-9]+)+")


async def _one_product(tx: Tx, query: str, candidates: list[dict[str, Any]]
                       ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The one product every word of ``query`` names (title, vendor or a variant's title), or why not:
    none fits (with the closest names) or several fit as well (never one picked)."""
    if _SKU.fullmatch(query.strip()):  # "how much stock of NW-0427-1 is left?": the variant's own product
        variant = await tx.store.variant(query.strip().upper()) or await tx.store.variant(query.strip())
        product = await tx.store.product_by_id(variant["product_id"]) if variant else None
        detail = await tx.store.product_detail(product["handle"]) if product else None
        if detail is not None:
            return {**detail, "sku_named": variant["sku"]}, {}  # type: ignore[index]
    wanted = set(tokens_of(query))
    fits: list[tuple[int, dict[str, Any]]] = []
    for c in candidates:
        named = wanted & _name_words(f"{c['title']} {c['vendor'] or ''}")
        if not named:
            continue
        detail = await tx.store.product_detail(c["handle"])
        variant_words = set().union(*(_name_words(v["title"] or "") for v in (detail or {}).get("variants", [])))
        if detail is not None and not wanted - named - variant_words:
            fits.append((len(named), detail))
    if not fits:
        return None, {"found": False, "query": query, "closest": [c["title"] for c in candidates[:3]]}
    most = max(n for n, _ in fits)
    best = [d for n, d in fits if n == most]
    if len(best) > 1:  # "the t-shirt xl": several products fit as well; asked, never one picked
        return None, {"found": False, "query": query, "several": [d["title"] for d in best[:8]]}
    return best[0], {}


async def product_sales(deps: Deps, principal: Principal, *, query: str, period: str = "28d") -> dict[str, Any]:
    """One product's units, revenue and orders in a period against the period before it (Shopify orders), per
    variant; the variants the question names ("the xl") are counted on their own too."""
    wanted = set(tokens_of(query))
    candidates = await search_products(deps, principal, query=query, limit=20)

    async def q(tx: Tx) -> dict[str, Any]:
        detail, problem = await _one_product(tx, query, candidates)
        if detail is None:
            return problem
        newest = await tx.commerce.newest_order_at()
        if newest is None:
            return {"found": True, "available": False, "title": detail["title"], "source": "Shopify orders"}
        newest = newest if newest.tzinfo else newest.replace(tzinfo=timezone.utc)
        w = windows(period, today=deps.now().date(), newest=newest.date())
        this, before, cut = _bounds(w, newest)
        variants = detail["variants"]
        named = [v for v in variants if wanted & _name_words(v["title"] or "") or v["sku"] == detail.get("sku_named")]
        skus = [v["sku"] for v in (named or variants) if v["sku"]]
        sides = {}
        for side, (start, end) in (("this", this), ("before", before)):
            rows = await tx.commerce.sku_sales_between(skus, start, end)
            sides[side] = {"units": sum(r["units"] for r in rows.values()),
                           "revenue": round(sum(r["revenue"] for r in rows.values()), 2),
                           "orders": sum(r["orders"] for r in rows.values())}
        return {"found": True, "available": True, "title": detail["title"], "vendor": detail["vendor"],
                "variants": [v["title"] or v["sku"] for v in named], "period": period, "label": w.label,
                "previous_label": w.before_label, "window": {"this": [d.isoformat() for d in w.this],
                                                             "last": [d.isoformat() for d in w.before]},
                "current": sides["this"], "previous": sides["before"],
                "cut_at": newest.isoformat(timespec="minutes") if cut is not None else None,
                "units_change": _change(sides["this"]["units"], sides["before"]["units"]),
                "source": "Shopify orders (order lines by SKU)"}

    return await deps.db.query(principal.tenant, q)


async def stock(deps: Deps, principal: Principal, *, query: str) -> dict[str, Any]:
    """A product's stock per variant, as last imported, with its sales pace, days of cover and what is on order.

    The product is the one every word of the question names (in its title, vendor or a variant's title);
    none fitting every word is "not found" with the closest names, never another product's stock.
    """
    wanted = set(tokens_of(query))
    candidates = await search_products(deps, principal, query=query, limit=20)

    async def q(tx: Tx) -> dict[str, Any]:
        detail, problem = await _one_product(tx, query, candidates)
        if detail is None:
            return problem
        # the same 28 days as the inventory agent's: those to the last day of the orders imported, whole days
        orders = await tx.telemetry.source("shopify-orders")
        last_day = ((orders or {}).get("watermark") or deps.now()).date()
        first_day = last_day - timedelta(days=27)
        sold: Counter[str] = Counter()
        for r in await tx.commerce.daily_units(since=datetime.combine(first_day, time.min, tzinfo=timezone.utc)):
            sold[r["sku"]] += int(r["units"] or 0)
        ordered = await tx.commerce.on_order()
        variants = [{"sku": v["sku"], "title": v["title"], "in_stock": int(v["inventory_qty"] or 0),
                     "sold_28d": sold[v["sku"]], "on_order": ordered.get(v["sku"], 0),
                     "days_of_cover": round(int(v["inventory_qty"] or 0) / (sold[v["sku"]] / 28), 1)
                     if sold[v["sku"]] else None,
                     # "the xl", "rust": the variants the question names come first
                     "named": bool(wanted & _name_words(v["title"] or "")) or v["sku"] == detail.get("sku_named")}
                    for v in detail["variants"]]
        variants.sort(key=lambda v: not v["named"])
        return {"found": True, "query": query, "title": detail["title"], "vendor": detail["vendor"],
                "source": f"Shopify products (stock as last imported) and orders ({first_day}..{last_day})",
                "variants": variants}

    return await deps.db.query(principal.tenant, q)
