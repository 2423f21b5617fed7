"""The analytics specialist: conversion and engagement drops, by landing page and by channel.

The last 7 days are tested against the 28 before them (same weekdays, four times
over) with a two-proportion z-test. A page whose engagement fell is proposed for
repair (``perf.repair_page``: a slow or broken page loses visitors before they
can buy); a conversion drop with engagement intact is proposed for investigation
(``analytics.investigate``: checkout, price, stock, tracking). Worth: the orders
lost at the current traffic over four weeks x order value x the share an
investigation or repair recovers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from graphs.specialists.arithmetic import Factor, evidence, multiply, num, proposal
from graphs.specialists.base import Analysis
from graphs.state import RunContext
from policies.stats import confidence_from_z, rate_drop_z
from tools.coverage import describe_missing
from tools.telemetry_reads import visit_data

AGENT = "analytics"
GA4 = "GA4"
MIN_Z = 3.0
MIN_CR_DROP = 0.3
MIN_ENGAGEMENT_DROP = 0.25
#: the recent week scaled to the four-week horizon
WEEKS = 4.0
RECOVERY = {"analytics.investigate": 0.5, "perf.repair_page": 0.7}


def _totals(rows: list[dict[str, Any]], key: Any) -> dict[Any, dict[str, dict[str, float]]]:
    out: dict[Any, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    for r in rows:
        k = key(r)
        if k is None:
            continue
        cell = out[k][r["period"]]
        for m in ("sessions", "engaged_sessions", "key_events", "revenue", "purchases"):
            cell[m] += r[m]
    return out


async def analyse(ctx: RunContext, task: str, scope: dict[str, Any]) -> Analysis:
    data = await visit_data(ctx.deps, ctx.principal.tenant)
    if data.source is None:
        return Analysis(no_data=describe_missing({"ga4": 0}, {"ga4": "import GA4 landing-page data "
                                                                    "(growth ingest ga4 PATH)"}))
    at: datetime = data.source["watermark"] or datetime.now(timezone.utc)
    windows = data.source["details"].get("windows", {})
    recent_w = f"{windows.get('recent', {}).get('start')}..{windows.get('recent', {}).get('end')}"
    base_w = f"{windows.get('baseline', {}).get('start')}..{windows.get('baseline', {}).get('end')}"
    measured = "purchases" if any(r["purchases"] for r in data.stats) else "key_events"
    metric_name = "ecommercePurchases" if measured == "purchases" else "keyEvents"
    analysis = Analysis(counts={"landing_pages": len({r["landing_page"] for r in data.stats})})
    store = _totals(data.stats, lambda r: "store")["store"]
    store_aov = (store["last28"]["revenue"] / store["last28"][measured] if store["last28"][measured]
                 else data.orders.get("aov", 0.0))
    if store["last28"][measured]:
        orders = num(store["last28"][measured], label="orders" if measured == "purchases" else "key events")
        aov = Factor.worked("average order value", num(store["last28"]["revenue"], "money", "revenue") / orders,
                            f"{GA4} revenue/{metric_name}, all pages, last 28 days", "money")
    else:
        aov = Factor("average order value", store_aov, "Shopify orders, last 90 days", "money")

    def check(label: str, target: str, cells: dict[str, dict[str, float]]) -> None:
        recent, base = cells["recent"], cells["baseline"]
        if recent["sessions"] < 100 or base["sessions"] < 300:
            return
        cr_now, cr_base = recent[measured] / recent["sessions"], base[measured] / base["sessions"]
        er_now, er_base = (recent["engaged_sessions"] / recent["sessions"],
                           base["engaged_sessions"] / base["sessions"])
        cr_z = rate_drop_z(base[measured], base["sessions"], recent[measured], recent["sessions"])
        er_z = rate_drop_z(base["engaged_sessions"], base["sessions"], recent["engaged_sessions"],
                           recent["sessions"])
        engagement = er_base > 0 and er_z >= MIN_Z and er_now <= er_base * (1 - MIN_ENGAGEMENT_DROP)
        conversion = cr_base > 0 and cr_z >= MIN_Z and cr_now <= cr_base * (1 - MIN_CR_DROP)
        if not (engagement or conversion):
            return
        kind = "perf.repair_page" if engagement and target.startswith("page:") else "analytics.investigate"
        z = er_z if kind == "perf.repair_page" else cr_z
        drop = ((num(cr_base, "pct", "before") - num(cr_now, "pct", "this week")).grouped()
                * num(recent["sessions"], label="sessions this week") * num(WEEKS, label="weeks"))
        lost = Factor.worked("orders lost per 4 weeks", drop if drop.value > 0 else num(0),
                             f"{GA4}: {metric_name}/sessions in {base_w} and this week, {recent_w}")
        revenue = multiply(lost, aov, Factor("share recovered", RECOVERY[kind],
                                             "assumption: what a fix typically wins back"))
        if revenue.value <= 0:
            analysis.findings.append(f"Engagement on {label} fell from {er_base:.0%} to {er_now:.0%} this week "
                                     f"(z = {er_z:.1f}) but conversions held; nothing to act on yet.")
            return
        ev = [evidence(GA4, f"{label} {metric_name}/sessions", "conversion rate", round(cr_now, 5), recent_w, at),
              evidence(GA4, f"{label} {metric_name}/sessions", "conversion rate", round(cr_base, 5), base_w, at),
              evidence(GA4, f"{label} engagedSessions/sessions", "engagement rate", round(er_now, 4), recent_w, at),
              evidence(GA4, f"{label} engagedSessions/sessions", "engagement rate", round(er_base, 4), base_w, at),
              evidence(GA4, label, "sessions", recent["sessions"], recent_w, at)]
        if kind == "perf.repair_page":
            params: dict[str, Any] = {
                "issue": f"Engagement on {label} fell from {er_base:.0%} to {er_now:.0%} of sessions this week "
                         f"(conversion {cr_base:.2%} → {cr_now:.2%}): check load time, errors and layout on "
                         "mobile and desktop.", "metric": "engagement_rate", "current_value": round(er_now, 4),
                "target_value": round(er_base, 4)}
            title = f"Repair {label}: engagement fell from {er_base:.0%} to {er_now:.0%} this week"
        else:
            params = {"question": f"Why did {label} convert at {cr_now:.2%} this week against {cr_base:.2%} "
                                  "before, with engagement steady? Check checkout, prices, stock and tracking.",
                      "metric": "conversion_rate", "window_days": 7}
            title = f"Investigate {label}: conversion fell from {cr_base:.2%} to {cr_now:.2%} this week"
        analysis.proposals.append(proposal(
            kind=kind, target=target, agent=AGENT, title=title,
            rationale=f"Last 7 days against the 28 before: conversion z = {cr_z:.1f}, engagement z = {er_z:.1f}.",
            params=params, revenue=revenue, confidence=confidence_from_z(z, floor=0.35, ceiling=0.85),
            ease=0.8 if kind == "analytics.investigate" else 0.6, evidence=ev,
            rollback="Close the task it opens (the engine does this itself); nothing on the site changes.",
            steps=["growth actions rollback ID"]))

    pages = _totals(data.stats, lambda r: r["landing_page"])
    for path, cells in sorted(pages.items()):
        check(path, f"page:{path}", cells)
    for channel, cells in sorted(_totals(data.stats, lambda r: r["channel"]).items()):
        if channel != "(all)":
            check(f"the {channel} channel", f"segment:channel={channel}", cells)
    return analysis
