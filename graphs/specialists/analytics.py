"""The analytics specialist: conversion and engagement drops, by landing page and by channel.

Each landing page (its channels pooled, so a split does not cost power) and each
channel (its pages pooled) is scanned for a drop ending today over the last 56
days of GA4 data (``policies.detection``: the strongest change point among the
last 3 to 28 days, exact tests for conversions, z for engagement); the run's tests
then go through Benjamini–Hochberg in two families (conversion, engagement) at 2.5 %
each, so at most 5 % of what is flagged is expected to be noise. Conversion is tested
only where the series holds 25 orders or more (fewer cannot have lost the 25 orders an
owner counts). A found drop must also be large enough to matter (conversion
down 30 %, engagement down 25 %, and at least two orders lost per four weeks at the
traffic since). A page whose engagement fell is proposed for repair
(``perf.repair_page``); a conversion drop with engagement intact for investigation
(``analytics.investigate``). Worth: the orders lost at the traffic since the drop
over four weeks x order value x the store's gross margin x the share a fix
recovers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from scipy.stats import norm

from graphs.specialists.arithmetic import Factor, evidence, multiply, num, proposal
from graphs.specialists.base import Analysis
from graphs.specialists.conversion import margin_factor
from graphs.state import RunContext
from policies.detection import FDR, Scan, benjamini_hochberg, scan_drop, split, windows_tried
from policies.stats import confidence_from_z
from tools.coverage import describe_missing
from tools.telemetry_reads import visit_data

AGENT = "analytics"
GA4 = "GA4"
#: the smallest drops worth an operator's attention (relative to the rate before)
MIN_CR_DROP = 0.3
MIN_ENGAGEMENT_DROP = 0.25
#: a drop that costs fewer orders than this over four weeks is within what a page's sales vary by, and not
#: worth the operator's attention however significant (a quiet page's engagement can halve by chance)
MIN_ORDERS_LOST = 2.0
TOO_FEW_ORDERS = f"costs fewer than {MIN_ORDERS_LOST:g} orders per 4 weeks"
#: a page (or channel) with fewer orders than this over the series is not tested for a conversion drop: it cannot
#: have lost the 25 orders an owner counts as a drop worth attention (tests/stores/plants.py), and each test it
#: would add costs the others power. Leaving it out depends on its total only, not on how the total splits
#: before and after a change (the test is conditional on it), so the false discovery rate still holds.
CONVERSION_MIN_ORDERS = 25
TOO_FEW_TO_TEST = f"fewer than {CONVERSION_MIN_ORDERS} orders in the series: cannot have lost that many"
HORIZON_DAYS = 28
RECOVERY = {"analytics.investigate": 0.5, "perf.repair_page": 0.7}
CHECK = "drop"


def _series(rows: list[dict[str, Any]]) -> tuple[list[date], dict[str, dict[str, list[float]]]]:
    """Per key, each metric as a daily list over every day the data covers (missing days are zeros)."""
    if not rows:
        return [], {}
    first, last = min(r["day"] for r in rows), max(r["day"] for r in rows)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    out: dict[str, dict[str, list[float]]] = defaultdict(
        lambda: {m: [0.0] * len(days) for m in ("sessions", "engaged_sessions", "key_events", "purchases")})
    for r in rows:
        cell, i = out[r["key"]], (r["day"] - first).days
        for m in ("sessions", "engaged_sessions", "key_events", "purchases"):
            cell[m][i] += r[m]
    return days, out


def _window(days: list[date], scan: Scan) -> tuple[str, str]:
    since = days[-scan.days]
    return f"{days[0]}..{since - timedelta(days=1)}", f"{since}..{days[-1]}"


async def analyse(ctx: RunContext, task: str, scope: dict[str, Any]) -> Analysis:
    data = await visit_data(ctx.deps, ctx.principal.tenant)
    if data.source is None:
        return Analysis(no_data=describe_missing({"ga4": 0}, {"ga4": "import GA4 landing-page data "
                                                                    "(growth ingest ga4 PATH)"}))
    at: datetime = data.source["watermark"] or datetime.now(timezone.utc)
    measured = "purchases" if any(r["purchases"] for r in data.daily_pages) else "key_events"
    metric_name = "ecommercePurchases" if measured == "purchases" else "keyEvents"
    analysis = Analysis(counts={"landing_pages": len({r["key"] for r in data.daily_pages})})
    revenue28 = sum(r["revenue"] for r in data.stats if r["period"] == "last28")
    orders28 = sum(r[measured] for r in data.stats if r["period"] == "last28")
    if orders28:
        orders = num(orders28, label="orders" if measured == "purchases" else "key events")
        aov = Factor.worked("average order value", num(revenue28, "money", "revenue") / orders,
                            f"{GA4} revenue/{metric_name}, all pages, last 28 days", "money")
    else:
        aov = Factor("average order value", data.orders.get("aov", 0.0), "Shopify orders, last 90 days", "money")

    # every series of the run, tested first, decided together
    tests: list[_Test] = []
    for kind, rows in (("page", data.daily_pages), ("channel", data.daily_channels)):
        days, series = _series(rows)
        for key, m in sorted(series.items()):
            if kind == "channel" and key == "(all)":
                continue
            label, target = (key, f"page:{key}") if kind == "page" else (f"the {key} channel",
                                                                         f"segment:channel={key}")
            tests.append(_Test(label, target, days, m, scan_drop(m["sessions"], m[measured], rare=True),
                               scan_drop(m["sessions"], m["engaged_sessions"], rare=False)))
    analysis.consider(CHECK, len(tests))
    families: dict[str, list[tuple[int, Scan]]] = {"conversion": [], "engagement": []}
    too_few: set[int] = set()
    for i, t in enumerate(tests):
        testable = [(name, s) for name, s in (("conversion", t.cr), ("engagement", t.er)) if s and s.min_p <= FDR]
        if not testable:
            analysis.reject(CHECK, "too short a history" if t.cr is None else "too little traffic to show a drop")
        for name, s in testable:
            if name == "conversion" and s.before_events + s.after_events < CONVERSION_MIN_ORDERS:
                too_few.add(i)
                continue
            families[name].append((i, s))
    # two families, each at half the rate, so at most 5 % of all that is flagged is noise
    hits: dict[int, dict[str, Scan]] = defaultdict(dict)
    for name, members in families.items():
        for (i, s), ok in zip(members, benjamini_hochberg([s.p for _, s in members], q=FDR / 2) if members else []):
            if ok:
                hits[i][name] = s
    tested = {i for members in families.values() for i, _ in members}
    analysis.counts["tests"] = sum(len(members) for members in families.values())
    for i in sorted(tested | too_few):
        if i not in tested:
            analysis.reject(CHECK, TOO_FEW_TO_TEST)
            continue
        if i not in hits:
            analysis.reject(CHECK, "no significant drop (false discovery rate 5 %)")
            continue
        t, found_cr, found_er = tests[i], hits[i].get("conversion"), hits[i].get("engagement")
        engagement = found_er is not None and found_er.relative_drop >= MIN_ENGAGEMENT_DROP
        conversion = found_cr is not None and found_cr.relative_drop >= MIN_CR_DROP
        if not (engagement or conversion):
            analysis.reject(CHECK, "drop too small to matter")
            continue
        kind = "perf.repair_page" if engagement and t.target.startswith("page:") else "analytics.investigate"
        lead = found_er if kind == "perf.repair_page" else found_cr if conversion else None
        if lead is None:  # an engagement drop on a channel: not a page to repair, and conversion held
            analysis.reject(CHECK, "engagement fell but conversion held")
            continue
        _propose(analysis, t, kind, lead, measured=measured, aov=aov, margin=margin_factor(data.orders), at=at,
                 tests=analysis.counts["tests"])
    return analysis


@dataclass(frozen=True, slots=True)
class _Test:
    label: str
    target: str
    days: list[date]
    #: the daily series: sessions, engaged_sessions, key_events, purchases
    metrics: dict[str, list[float]]
    cr: Scan | None
    er: Scan | None


def _propose(analysis: Analysis, t: _Test, kind: str, lead: Scan, *, measured: str, aov: Factor, margin: Factor,
             at: datetime,
             tests: int) -> None:
    metric_name = "ecommercePurchases" if measured == "purchases" else "keyEvents"
    label, m = t.label, t.metrics
    # both rates either side of the change point the leading drop was found at
    conv = split(m["sessions"], m[measured], lead.days)
    eng = split(m["sessions"], m["engaged_sessions"], lead.days)
    window_before, window_since = _window(t.days, lead)
    lost_calc = ((num(conv.before_rate, "pct", "before") - num(conv.after_rate, "pct", "since")).grouped()
                 * (num(conv.after_trials, label="sessions") / num(lead.days, label="days")).grouped()
                 * num(HORIZON_DAYS, label="days"))
    if lost_calc.value <= 0:
        analysis.reject(CHECK, "engagement fell but conversion held")
        analysis.findings.append(f"Engagement on {label} fell from {eng.before_rate:.0%} to {eng.after_rate:.0%} "
                                 f"over {lead.days} days but conversions held; nothing to act on yet.")
        return
    # decided on the measured rates, not on the rounded ones the arithmetic shows
    lost_exact = (conv.before_rate - conv.after_rate) * conv.after_trials / lead.days * HORIZON_DAYS
    if round(lost_exact, 9) < MIN_ORDERS_LOST:
        analysis.reject(CHECK, TOO_FEW_ORDERS)
        analysis.findings.append(f"{label}: {'engagement' if kind == 'perf.repair_page' else 'conversion'} fell over "
                                 f"{lead.days} days, at a cost of {lost_exact:.1f} orders per 4 weeks: too little "
                                 "to act on.")
        return
    lost = Factor.worked("orders lost per 4 weeks", lost_calc,
                         f"{GA4}: {metric_name}/sessions in {window_before} and since, {window_since}")
    revenue = multiply(lost, aov, margin, Factor("share recovered", RECOVERY[kind],
                                                 "assumption: what a fix typically wins back"))
    q, qe = f"{label} {metric_name}/sessions", f"{label} engagedSessions/sessions"
    ev = [evidence(GA4, q, "conversion rate", round(conv.after_rate, 5), window_since, at),
          evidence(GA4, q, "conversion rate", round(conv.before_rate, 5), window_before, at),
          evidence(GA4, qe, "engagement rate", round(eng.after_rate, 4), window_since, at),
          evidence(GA4, qe, "engagement rate", round(eng.before_rate, 4), window_before, at),
          evidence(GA4, label, "sessions", conv.after_trials, window_since, at),
          evidence(GA4, q if kind == "analytics.investigate" else qe, "p-value of the drop (change-point scan)",
                   round(lead.p, 8), window_since, at)]
    span = f"the last {lead.days} days"
    cr_text, er_text = (f"{conv.before_rate:.2%} to {conv.after_rate:.2%}",
                        f"{eng.before_rate:.0%} to {eng.after_rate:.0%}")
    if kind == "perf.repair_page":
        params: dict[str, Any] = {
            "issue": f"Engagement on {label} fell from {er_text} of sessions over {span} (conversion "
                     f"{conv.before_rate:.2%} → {conv.after_rate:.2%}): check load time, errors and layout on "
                     "mobile and desktop.", "metric": "engagement_rate", "current_value": round(eng.after_rate, 4),
            "target_value": round(eng.before_rate, 4)}
        title = f"Repair {label}: engagement fell from {er_text} over {span}"
    else:
        params = {"question": f"Why did {label} convert at {conv.after_rate:.2%} over {span} against "
                              f"{conv.before_rate:.2%} before, with engagement steady? Check checkout, prices, stock "
                              "and tracking.", "metric": "conversion_rate", "window_days": lead.days}
        title = f"Investigate {label}: conversion fell from {cr_text} over {span}"
    z = float(norm.isf(max(lead.p, 1e-300)))
    analysis.proposals.append(proposal(
        kind=kind, target=t.target, agent=AGENT, title=title,
        rationale=f"A change-point scan of the daily {GA4} figures finds the drop starting {lead.days} days ago "
                  f"(p = {lead.p:.2g} after trying {windows_tried(len(t.days))} windows), significant with the "
                  f"false discovery rate held at {FDR:.0%} across the {tests} tests of this run ({FDR / 2:.1%} in "
                  "each of its two families, conversion and engagement).",
        params=params, revenue=revenue, confidence=confidence_from_z(z, floor=0.35, ceiling=0.85),
        ease=0.8 if kind == "analytics.investigate" else 0.6, evidence=ev,
        rollback="Close the task it opens (the engine does this itself); nothing on the site changes.",
        steps=["growth actions rollback ID"]))
