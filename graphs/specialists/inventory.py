"""The inventory specialist: reorder what will run out, mark down what will not sell.

Sales pace per variant comes from the orders (cancelled ones excluded): the last
28 days for reordering, the longer of 28 and 90 days for overstock. Lead time,
safety days, order cover and the holding-cost rate come from the product's, its
vendor's or the store's settings (``growth inventory set``), else defaults. Worth,
as an owner counts it: a reorder is the margin on the sales a stock-out would lose
over the four weeks after the goods could land; a markdown is the margin on the
extra units it sells, plus the carrying cost and the write-off their sale avoids,
less the margin given away on the units that sell anyway (``policies.inventory``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Any

from graphs.specialists.arithmetic import Factor, Revenue, evidence, multiply, num, proposal
from graphs.specialists.base import Analysis
from graphs.state import RunContext
from policies import inventory as inv
from tools.coverage import describe_missing
from tools.telemetry_reads import stock_data

AGENT = "inventory"
REORDER, MARKDOWN = "reorder", "markdown"
ORDERS = "Shopify orders"
PRODUCTS = "Shopify products"
#: what the excess stock a markdown would clear costs a year to hold, at the store's holding-cost rate: the
#: problem the markdown answers, stated beside what the markdown itself is expected to earn
CARRYING_METRIC = "carrying cost of the excess a year"
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
        price, cost, cost_source = _cost(v)
        analysis.consider(REORDER)
        plan = inv.reorder(stock, on_order, recent, settings)
        if plan is None or plan.days_short_avoided <= 0:
            analysis.reject(REORDER, "no sales" if recent.per_day <= 0 else "stock above its reorder point"
                            if plan is None else "the stock outlasts the horizon")
        elif price <= cost:
            analysis.reject(REORDER, "sells at or below cost")
        else:
            sold = sum(daily[-28:])
            per_day = Factor.worked("units per day", num(sold, label="units sold") / num(28, label="days"),
                                    f"{ORDERS}, {w28}")
            margin = Factor.worked("margin per unit", num(price, "money", "price") - num(cost, "money", "cost"),
                                   f"{PRODUCTS}: Variant Price less {cost_source}", "money")
            revenue = multiply(_days_saved(plan, settings), per_day, margin)
            analysis.proposals.append(proposal(
                kind="inventory.reorder", target=f"sku:{v['sku']}", agent=AGENT,
                title=f"Reorder {plan.quantity} x {label}: {days(plan.cover_days)} of stock left, "
                      f"{settings.lead_time_days}-day lead time",
                rationale=_reorder_reason(plan, settings, recent, sold=sold, stock=stock, on_order=on_order),
                params={"quantity": plan.quantity, "unit_cost": float(v["cost"] or 0.0), "supplier": v["vendor"]},
                revenue=revenue, confidence=0.85 if sold >= 20 else 0.6, ease=0.8,
                evidence=ev + [evidence(PRODUCTS, f"sku={v['sku']}", "days of cover", round(plan.cover_days, 1),
                                        w28, stock_at)],
                rollback="Cancel the draft purchase order (the engine does this itself before it is sent).",
                steps=["growth actions rollback ID"]))
            continue
        analysis.consider(MARKDOWN)
        pace = recent if recent.per_day > longer.per_day else longer
        down = inv.markdown(stock, pace)
        if down is None:
            analysis.reject(MARKDOWN, "not overstocked")
            continue
        excess_value = down.excess_units * cost
        carrying = excess_value * settings.holding_cost_rate
        if down.excess_units < MIN_EXCESS_UNITS or excess_value < MIN_EXCESS_VALUE:
            analysis.reject(MARKDOWN, "excess too small to matter")
            continue
        room = inv.markdown_room(price, v.get("compare_at_price"))
        if room < down.percent_off and room < inv.MIN_MARKDOWN_PCT:
            # already marked down: go only as far as keeps the total within its limit, or not at all
            analysis.reject(MARKDOWN, "already marked down to its limit")
            analysis.findings.append(f"{label} is already {inv.total_off(price, v.get('compare_at_price')):.0f}% "
                                     "below its reference price: no further markdown proposed")
            continue
        # the depth that gains the owner most, no deeper than the cover calls for or the total limit allows
        down = inv.best_markdown(stock, pace, price=price, cost=cost, holding_rate=settings.holding_cost_rate,
                                 limit=room) or down
        revenue = _markdown_worth(down, pace, settings, sum(daily[-pace.days:]) if pace.days else 0.0,
                                  price=price, cost=cost, cost_source=cost_source, stock=stock)
        if revenue.value <= 0:
            analysis.reject(MARKDOWN, "the margin given away exceeds the gain")
            continue
        cover = "no sales" if pace.per_day <= 0 else days(down.cover_days)
        clearing = inv.clearance_extra(down.excess_units, down.cover_days, down.percent_off) >= \
            inv.pace_extra(pace, down.percent_off)
        analysis.proposals.append(proposal(
            kind="inventory.markdown", target=f"sku:{v['sku']}", agent=AGENT,
            title=f"Mark {label} down {down.percent_off:g}%: {stock:,} in stock is {cover} of sales",
            rationale=f"{down.excess_units:,} units beyond {inv.TARGET_COVER_DAYS} days of sales tie up "
                      f"${excess_value:,.0f} at cost, costing {settings.holding_cost_rate:.0%} of it "
                      f"(${carrying:,.0f}) a year to hold"
                      + (f"; {inv.writeoff_share(down.cover_days):.0%} of the stock is beyond a year of sales"
                         if down.cover_days > inv.YEAR_DAYS else "") + ".",
            params={"percent_off": down.percent_off}, revenue=revenue, confidence=0.4 if clearing else 0.5,
            ease=0.9,
            evidence=ev + [evidence(PRODUCTS, f"sku={v['sku']}", "excess units at cost", round(excess_value, 2),
                                    w90, stock_at),
                           evidence(PRODUCTS, f"sku={v['sku']}", CARRYING_METRIC, round(carrying, 2), w90,
                                    stock_at)],
            rollback="Restore the previous price (kept in the action); the engine does this itself.",
            steps=["growth actions rollback ID"]))
    return analysis


def days(n: float) -> str:
    whole = round(n)
    return f"{whole:,} day" if whole == 1 else f"{whole:,} days"


def a_or_an(n: int) -> str:
    """The article before a number read aloud: an 8-day, an 11-day, an 18-day, a 14-day."""
    digits = str(n)
    return "an" if digits.startswith("8") or (digits.startswith(("11", "18")) and len(digits) % 3 == 2) else "a"


def _lead(settings: inv.Settings) -> str:
    where = {"default": "the default"}.get(settings.source, settings.source.replace(" (", " for ").rstrip(")"))
    return f"{a_or_an(settings.lead_time_days)} {settings.lead_time_days}-day lead time ({where})"


def _days_saved(plan: inv.Reorder, settings: inv.Settings) -> Factor:
    """The days of the four weeks after an order placed now would land that would otherwise go without stock."""
    horizon, lead = inv.HORIZON_DAYS, settings.lead_time_days
    if plan.cover_days <= lead:
        return Factor("days of sales saved", float(min(horizon, plan.days_short_avoided)),
                      f"the stock lasts {days(plan.cover_days)}, less than {_lead(settings)}: all {horizon} days "
                      f"after an order placed today arrives would be without stock", "count")
    outlasts = num(plan.cover_days, label="days of stock") - num(lead, label="days' lead time")
    calc = num(horizon, label="days") - outlasts
    return Factor.worked("days of sales saved", calc,
                         f"the stock lasts {days(plan.cover_days)}, beyond {_lead(settings)}: the rest of the "
                         f"{horizon} days after an order placed today arrives would be without stock")


def _reorder_reason(plan: inv.Reorder, settings: inv.Settings, pace: inv.Pace, *, sold: float, stock: int,
                    on_order: int) -> str:
    lead = settings.lead_time_days
    during = num(sold) / num(28) * num(lead)
    reserve = num(plan.safety_stock)
    point = num(during.value) + reserve
    waiting = f"{on_order:,} on order" if on_order else "none on order"
    return (f"It sells {num(pace.per_day).text} a day ({num(sold).text} in the last 28 days). With {stock:,} in "
            f"stock and {waiting}, it is at its reorder point of {num(point.value).text}: the "
            f"{num(during.value).text} it sells during {_lead(settings)}, plus {reserve.text} kept in reserve. "
            f"{plan.quantity:,} units cover the lead time and the {settings.cover_days} days after it, with the "
            f"reserve, less what is in stock or on order.")


def _cost(v: dict[str, Any]) -> tuple[float, float, str]:
    """Price, unit cost and where the cost comes from (the export's cost per item, else a named assumption)."""
    price = float(v["price"])
    if v.get("cost"):
        return price, float(v["cost"]), "Cost per item"
    share = inv.COST_SHARE_FALLBACK
    return price, price * share, f"cost assumed {share:.0%} of price (none exported)"


def _holding(settings: inv.Settings) -> str:
    where = "default: retail carrying costs run 20-30%" if settings.holding_source == "default" \
        else settings.holding_source
    return f"holding cost {settings.holding_cost_rate:.0%} a year ({where})"


def _markdown_worth(down: inv.Markdown, pace: inv.Pace, settings: inv.Settings, sold: float, *, price: float,
                    cost: float, cost_source: str, stock: int) -> Revenue:
    """Extra units x the owner's gain on each: its margin, the carrying cost and write-off it avoids, less the
    margin given away on the units that sell anyway, spread over the extra units.

    The model's inputs ride with the last figure (``model``): an edit of the depth works the same
    arithmetic out again at the new depth (``policies.edits.rederive``)."""
    off = num(down.percent_off / 100.0, "pct", "off")
    p, c = num(price, "money", "price"), num(cost, "money", "cost")
    extra = _extra_units(down, pace, sold)
    sale = (p * (num(1, "ratio") - off)).grouped()
    years = inv.years_held(down.cover_days)
    held = num(years, "ratio", "year held" if years == 1 else "years held")
    risk = num(inv.writeoff_share(down.cover_days), "pct", "write-off risk")
    gain = (sale - c).grouped() + c * (num(settings.holding_cost_rate, "pct", "holding a year") * held + risk).grouped()
    base = num(down.base_units, label="units sold anyway")
    if base.value > 0 and extra.value > 0:
        gain = gain - (base * p * off).grouped() / num(extra.value, label="extra units")
    revenue = multiply(extra, Factor.worked(
        "owner's gain per extra unit", gain,
        f"{PRODUCTS}: price, {cost_source}; {_holding(settings)}; write-off: stock past a year of sales; "
        "less the discount on sales made anyway", "money"))
    revenue.inputs[-1]["model"] = inv.MarkdownModel(stock, pace.per_day, pace.spread, pace.days, price, cost,
                                                    settings.holding_cost_rate).as_dict()
    return revenue


def _extra_units(down: inv.Markdown, pace: inv.Pace, sold: float) -> Factor:
    """What the markdown sells on top of the pace over four weeks, at most the excess stock."""
    clearance = inv.clearance_extra(down.excess_units, down.cover_days, down.percent_off)
    by_pace = inv.pace_extra(pace, down.percent_off)
    name = "extra units sold in 4 weeks"
    if max(clearance, by_pace) >= down.excess_units:
        return Factor(name, float(down.excess_units), f"{ORDERS}: all {down.excess_units:,} excess units", "count")
    if clearance > by_pace:
        calc = (num(down.excess_units, label="excess units") * num(inv.writeoff_share(down.cover_days), "pct",
                                                                   "beyond a year of sales")
                * num(inv.CLEARANCE_PER_PCT, "pct", "cleared per point off")
                * num(down.percent_off, label="points off"))
        return Factor.worked(name, calc, f"{ORDERS}, {PRODUCTS}: stock at risk of write-off, of which each 1% off "
                                         f"clears {inv.CLEARANCE_PER_PCT:.0%} in 4 weeks (assumption: clearance)")
    calc = ((num(sold, label="units sold") / num(pace.days, label="days")).grouped()
            * num(inv.ELASTICITY, "ratio", "elasticity") * num(down.percent_off / 100.0, "pct", "off")
            * num(inv.HORIZON_DAYS, label="days"))
    return Factor.worked(name, calc, f"{ORDERS}: the pace of the last {pace.days} days, selling "
                                     f"{inv.ELASTICITY:g}% more per 1% off (assumption: elasticity), over 28 days")

