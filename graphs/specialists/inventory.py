"""The inventory specialist: reorder what will run out, mark down what will not sell.

Sales pace per variant comes from the orders (cancelled ones excluded): the last
28 days for reordering, the longer of 28 and 90 days for overstock. Lead time,
safety days and order cover come from the product's, its vendor's or the store's
settings (``growth inventory set``), else sensible defaults. Worth: a reorder is
the sales it saves over the four weeks after the goods could land; a markdown is
the extra units it sells over four weeks at the marked-down price.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Any

from graphs.specialists.arithmetic import Factor, evidence, multiply, proposal
from graphs.specialists.base import Analysis
from graphs.state import RunContext
from policies import inventory as inv
from tools.coverage import describe_missing
from tools.telemetry_reads import stock_data

AGENT = "inventory"
ORDERS = "Shopify orders"
PRODUCTS = "Shopify products"
#: markdowns are proposed for stock worth at least this much at cost, and at least this many units
MIN_EXCESS_VALUE = 500.0
MIN_EXCESS_UNITS = 10


def _series(rows: list[dict[str, Any]], *, until: date, days: int) -> dict[str, list[float]]:
    """Units per SKU per day, zeros included, for the ``days`` days ending ``until``."""
    start = until - timedelta(days=days - 1)
    out: dict[str, list[float]] = defaultdict(lambda: [0.0] * days)
    for r in rows:
        d = r["day"] if isinstance(r["day"], date) else date.fromisoformat(str(r["day"]))
        i = (d - start).days
        if 0 <= i < days:
            out[r["sku"]][i] += float(r["units"])
    return out


async def analyse(ctx: RunContext, task: str, scope: dict[str, Any]) -> Analysis:
    data = await stock_data(ctx.deps, ctx.principal.tenant)
    missing = describe_missing({"orders": data.orders_source, "variants": data.variants},
                               {"variants": "import the Shopify product export (growth ingest shopify-products PATH)",
                                "orders": "import the Shopify orders export (growth ingest shopify-orders PATH)"})
    if missing:
        return Analysis(no_data=missing)
    assert data.orders_source is not None
    at: datetime = data.orders_source["watermark"] or datetime.now(timezone.utc)
    stock_at: datetime = (data.products_source or {}).get("watermark") or at
    until = at.date()
    history = _series(data.daily_units, until=until, days=90)
    w28 = f"{until - timedelta(days=27)}..{until}"
    w90 = f"{until - timedelta(days=89)}..{until}"
    analysis = Analysis(counts={"variants": len(data.variants)})
    for v in data.variants:
        if v["status"] != "active":
            continue
        daily = history.get(v["sku"], [0.0] * 90)
        recent, longer = inv.pace(daily[-28:]), inv.pace(daily)
        settings = inv.settings_for(v["handle"], v["vendor"], data.settings)
        stock, on_order = int(v["inventory_qty"]), data.on_order.get(v["sku"], 0)
        label = f"{v['product_title']} – {v['title']}" if v["title"] != v["product_title"] else v["product_title"]
        ev = [evidence(ORDERS, f"sku={v['sku']}", "units sold", sum(daily[-28:]), w28, at),
              evidence(ORDERS, f"sku={v['sku']}", "units sold", sum(daily), w90, at),
              evidence(PRODUCTS, f"sku={v['sku']}", "inventory on hand", float(stock), "as exported", stock_at)]
        plan = inv.reorder(stock, on_order, recent, settings)
        if plan is not None and plan.days_short_avoided > 0:
            revenue = multiply(
                Factor("days of sales saved", plan.days_short_avoided,
                       f"{inv.HORIZON_DAYS} days after a {settings.lead_time_days}-day lead time ({settings.source}) "
                       f"minus the {plan.cover_days:.1f} days the stock lasts", "count"),
                Factor("units per day", recent.per_day, f"{ORDERS}: units sold / 28 days, {w28}", "count"),
                Factor("price", float(v["price"]), f"{PRODUCTS}: Variant Price", "money"))
            analysis.proposals.append(proposal(
                kind="inventory.reorder", target=f"sku:{v['sku']}", agent=AGENT,
                title=f"Reorder {plan.quantity} x {label}: {plan.cover_days:.0f} days of stock left, "
                      f"{settings.lead_time_days}-day lead time",
                rationale=f"Selling {recent.per_day:.2f} a day; {stock} on hand and {on_order} on order is at or "
                          f"below the reorder point of {plan.reorder_point:.0f} (lead-time demand plus "
                          f"{plan.safety_stock:.0f} safety stock). The order covers {settings.lead_time_days} + "
                          f"{settings.cover_days} days.",
                params={"quantity": plan.quantity, "unit_cost": float(v["cost"] or 0.0), "supplier": v["vendor"]},
                revenue=revenue, confidence=0.85 if sum(daily[-28:]) >= 20 else 0.6, ease=0.8,
                evidence=ev + [evidence(PRODUCTS, f"sku={v['sku']}", "days of cover", round(plan.cover_days, 1),
                                        w28, stock_at)],
                rollback="Cancel the draft purchase order (the engine does this itself before it is sent).",
                steps=["growth actions rollback ID"]))
            continue
        pace = recent if recent.per_day > longer.per_day else longer
        down = inv.markdown(stock, pace)
        if down is None:
            continue
        excess_value = down.excess_units * float(v["cost"] or v["price"] * 0.5)
        if down.excess_units < MIN_EXCESS_UNITS or excess_value < MIN_EXCESS_VALUE:
            continue
        room = inv.markdown_room(float(v["price"]), v.get("compare_at_price"))
        if room < down.percent_off:
            # already marked down: go only as far as keeps the total within its limit, or not at all
            if room < inv.MIN_MARKDOWN_PCT:
                analysis.findings.append(f"{label} is already {inv.total_off(float(v['price']), v.get('compare_at_price')):.0f}% "
                                         "below its reference price: no further markdown proposed")
                continue
            down = inv.Markdown(down.cover_days, down.excess_units, room,
                                min(float(down.excess_units), pace.per_day * inv.ELASTICITY * room / 100.0
                                    * inv.HORIZON_DAYS))
        cover = "no sales" if pace.per_day <= 0 else f"{down.cover_days:.0f} days"
        revenue = multiply(
            Factor("extra units sold in 4 weeks", down.extra_units,
                   f"{ORDERS}: {pace.per_day:.2f}/day x elasticity {inv.ELASTICITY:g} x {down.percent_off:g}% x 28 "
                   f"days (assumption: elasticity), capped at the {down.excess_units} excess units", "count"),
            Factor("marked-down price", float(v["price"]) * (1 - down.percent_off / 100.0),
                   f"{PRODUCTS}: Variant Price less {down.percent_off:g}%", "money"))
        analysis.proposals.append(proposal(
            kind="inventory.markdown", target=f"sku:{v['sku']}", agent=AGENT,
            title=f"Mark {label} down {down.percent_off:g}%: {stock} in stock is {cover} of sales",
            rationale=f"{down.excess_units} units beyond {inv.TARGET_COVER_DAYS} days of sales tie up "
                      f"${excess_value:,.0f} at cost.",
            params={"percent_off": down.percent_off}, revenue=revenue, confidence=0.5, ease=0.9,
            evidence=ev + [evidence(PRODUCTS, f"sku={v['sku']}", "excess units at cost", round(excess_value, 2),
                                    w90, stock_at)],
            rollback="Restore the previous price (kept in the action); the engine does this itself.",
            steps=["growth actions rollback ID"]))
    return analysis
