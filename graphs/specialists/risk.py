"""The risk specialist: orders to hold before they ship, and products refunded far too often.

Orders of the last three days that are neither shipped nor cancelled are scored
from their signals (``policies.fraud``): billing and shipping countries differ, a
first order far above the store's order value, several orders from one email or
address in a day (or one address under several emails), a throw-away email
domain, and Shopify's own risk level. The specialist sees tokenized references
and derived features only, never an address or an email. Worth of a hold: the
probability of fraud x (the order's total + the chargeback fee).

Refunds: a SKU refunded at least twice as often as the rest of the store, significantly
so (exact binomial test against the rest of the store's rate, with Benjamini–Hochberg
across every SKU tested so at most 5 % of flagged SKUs are expected to be noise), is
proposed for investigation. "The rest of the store" leaves out the SKU itself and any
SKU already found refunded far too often: one bad product must not raise the bar the
others are measured against (the test is repeated until the set found settles).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

from scipy.stats import binom, norm

from graphs.specialists.arithmetic import Factor, evidence, multiply, num, proposal
from graphs.specialists.base import Analysis
from graphs.state import RunContext
from policies import fraud
from policies.detection import FDR, benjamini_hochberg
from policies.stats import confidence_from_z
from tools.coverage import describe_missing
from tools.telemetry_reads import order_data

AGENT = "risk"
ORDERS = "Shopify orders"
HOLDABLE = timedelta(days=3)
VELOCITY = timedelta(hours=24)
FAR_ABOVE, ABOVE = 5.0, 3.0
REFUND_MIN_ORDERS = 20
REFUND_MIN_RATIO = 2.0
HOLD, REFUNDS = "order hold", "refund rate"
DESCRIBE = {
    "shopify_risk_high": "Shopify rates the order high risk",
    "shopify_risk_medium": "Shopify rates the order medium risk",
    "country_mismatch": "billing and shipping countries differ",
    "first_order_far_above_aov": f"a first order over {FAR_ABOVE:g}x the store's order value",
    "first_order_above_aov": f"a first order over {ABOVE:g}x the store's order value",
    "disposable_email": "a throw-away email domain",
    "velocity": "other orders from the same email or address within a day",
}


def _velocity(order: dict[str, Any], recent: list[dict[str, Any]]) -> int:
    """Other orders within a day sharing this order's email or an address (cancelled ones count)."""
    keys = {k: order[k] for k in ("email_ref", "shipping_address_ref", "billing_address_ref") if order[k]}
    same_key, other_identity = 0, 0
    for o in recent:
        if o["id"] == order["id"] or abs(o["created_at"] - order["created_at"]) > VELOCITY:
            continue
        shared = [k for k, v in keys.items() if o[k] == v]
        if shared:
            same_key += 1
            if o["email_ref"] != order["email_ref"]:
                other_identity += 1
    return other_identity if other_identity else (same_key if same_key >= 2 else 0)


async def analyse(ctx: RunContext, task: str, scope: dict[str, Any]) -> Analysis:
    data = await order_data(ctx.deps, ctx.principal.tenant)
    if data.source is None:
        return Analysis(no_data=describe_missing({"orders": 0}, {
            "orders": "import the Shopify orders export (growth ingest shopify-orders PATH)"}))
    at: datetime = data.source["watermark"] or datetime.now(timezone.utc)
    aov = data.value["aov"]
    analysis = Analysis(counts={"orders_30d": len(data.recent)})
    later: dict[str, int] = defaultdict(int)
    holdable = []
    for o in sorted(data.recent, key=lambda o: o["created_at"], reverse=True):
        if o["customer_ref"]:
            later[o["customer_ref"]] += 1
            o["_later"] = later[o["customer_ref"]]
        if at - o["created_at"] <= HOLDABLE and o["cancelled_at"] is None and not o["on_hold"] \
                and o["fulfillment_status"] not in ("fulfilled", "partial", "restocked"):
            holdable.append(o)
    analysis.consider(HOLD, len(holdable))
    for o in holdable:
        signals = []
        if o["risk_level"] == "high":
            signals.append("shopify_risk_high")
        elif o["risk_level"] == "medium":
            signals.append("shopify_risk_medium")
        if o["billing_country"] and o["shipping_country"] and o["billing_country"] != o["shipping_country"]:
            signals.append("country_mismatch")
        prior = (data.history.get(o["customer_ref"], {}).get("orders", 0) - o.get("_later", 1)
                 if o["customer_ref"] else 0)
        if prior <= 0 and aov > 0 and o["total"] >= FAR_ABOVE * aov:
            signals.append("first_order_far_above_aov")
        elif prior <= 0 and aov > 0 and o["total"] >= ABOVE * aov:
            signals.append("first_order_above_aov")
        if o["email_disposable"]:
            signals.append("disposable_email")
        others = _velocity(o, data.recent)
        if others:
            signals.append("velocity")
        verdict = fraud.assess(signals)
        if not verdict.hold:
            analysis.reject(HOLD, "no fraud signals" if not signals else "fraud less likely than the hold threshold")
            continue
        revenue = multiply(
            Factor("probability of fraud", verdict.probability,
                   f"policy: a {fraud.BASE_RATE:.0%} base rate, raised by how much more often each of its "
                   f"{len(signals)} signals comes with fraud than without"),
            Factor.worked("loss if it is fraud", num(o["goods_cost"], "money", "goods at cost")
                          + num(fraud.CHARGEBACK_FEE, "money", "chargeback fee"),
                          f"{ORDERS}: its lines × Cost per item (half the price where none is exported); the "
                          "payment itself is taken back by the chargeback, the goods are gone", "money"))
        described = [DESCRIBE[s] for s in signals]
        ev = [evidence(ORDERS, f"order={o['name']}", DESCRIBE[s], "yes" if s != "velocity" else
                       f"{others} other order{'s' if others != 1 else ''}", "order", o["created_at"]) for s in signals]
        ev.append(evidence(ORDERS, f"order={o['name']}", "total", float(o["total"]), "order", o["created_at"]))
        ev.append(evidence(ORDERS, "all orders", "average order value", round(aov, 2), "last 90 days", at))
        analysis.proposals.append(proposal(
            kind="risk.hold_order", target=f"order:{o['name']}", agent=AGENT,
            title=f"Hold order {o['name']} (${o['total']:,.2f}): {fraud.describe(verdict.probability)}",
            rationale="Signals: " + "; ".join(described) + ".",
            params={"reason": f"{len(signals)} fraud signals: " + "; ".join(described), "score": verdict.probability,
                    "signals": described},
            revenue=revenue, confidence=0.85, ease=0.9, evidence=ev,
            rollback="Release the hold (the engine does this itself); the order then ships as normal.",
            steps=["growth actions rollback ID"]))
    _refunds(data.refunds, analysis, at=at)
    return analysis


def refund_tests(tested: list[dict[str, Any]], orders: int, refunded: int, outliers: frozenset[str]
                 ) -> tuple[list[float], list[float], list[bool]]:
    """Per SKU: the rest of the store's refund rate (without it and without ``outliers``), the exact one-sided
    p-value of its refunds against that rate, and whether it is a discovery with the false discovery rate at 5 %."""
    out_orders = sum(r["orders"] for r in tested if r["sku"] in outliers)
    out_refunded = sum(r["refunded_orders"] for r in tested if r["sku"] in outliers)
    rates, pvalues = [], []
    for r in tested:
        mine = r["sku"] in outliers
        rest_orders = orders - out_orders - (0 if mine else r["orders"])
        rest_refunded = refunded - out_refunded - (0 if mine else r["refunded_orders"])
        # a store whose every other order is an outlier's (or that has no other order): its own overall rate
        rate = rest_refunded / rest_orders if rest_orders > 0 and rest_refunded > 0 else refunded / orders
        rates.append(rate)
        pvalues.append(float(binom.sf(r["refunded_orders"] - 1, r["orders"], rate)))
    return rates, pvalues, benjamini_hochberg(pvalues) if tested else []


def _refunds(rows: list[dict[str, Any]], analysis: Analysis, *, at: datetime) -> None:
    orders = sum(r["orders"] for r in rows)
    refunded = sum(r["refunded_orders"] for r in rows)
    if not orders or not refunded:
        return
    window = f"{(at - timedelta(days=90)).date()}..{at.date()}"
    analysis.consider(REFUNDS, len(rows))
    tested = [r for r in rows if r["orders"] >= REFUND_MIN_ORDERS]
    if len(rows) > len(tested):
        analysis.reject(REFUNDS, "too few orders to judge", len(rows) - len(tested))
    outliers: frozenset[str] = frozenset()
    for _ in range(4):  # settles in one or two rounds: each round can only add what the last one found
        rates, pvalues, found = refund_tests(tested, orders, refunded, outliers)
        flagged = frozenset(r["sku"] for r, rate, hit in zip(tested, rates, found)
                            if hit and r["refunded_orders"] / r["orders"] >= REFUND_MIN_RATIO * rate)
        if flagged <= outliers:
            break
        outliers |= flagged
    for r, rate, p, hit in zip(tested, rates, pvalues, found):
        sku_rate = r["refunded_orders"] / r["orders"]
        if not hit:
            analysis.reject(REFUNDS, "not significantly above the rest of the store (false discovery rate 5 %)")
            continue
        if sku_rate < REFUND_MIN_RATIO * rate:
            analysis.reject(REFUNDS, "less than twice the rest of the store's rate")
            continue
        z = float(norm.isf(max(p, 1e-300)))
        above = ((num(r["refunded_revenue"], "money", "refunded") - num(r["revenue"], "money", "sold")
                  * num(rate, "pct", "the rest of the store's refund rate")).grouped() * num(28, label="days")
                 / num(90, label="days"))
        revenue = multiply(Factor.worked("refunds above the rest of the store's rate per 4 weeks",
                                         above if above.value > 0 else num(0, "money"),
                                         f"{ORDERS}, {window}, scaled from 90 days to 28", "money"),
                           Factor("share recovered", 0.5, "assumption: fixing the cause halves the excess"))
        analysis.proposals.append(proposal(
            kind="analytics.investigate", target=f"sku:{r['sku']}", agent=AGENT,
            title=f"Investigate refunds of {r['sku']}: {sku_rate:.0%} of its orders, against {rate:.1%} for the rest "
                  "of the store",
            rationale=f"{r['refunded_orders']} of {r['orders']} orders with {r['sku']} were refunded (p = {p:.2g}, "
                      f"significant with the false discovery rate held at {FDR:.0%} across {len(tested)} SKUs).",
            params={"question": f"Why are {sku_rate:.0%} of orders with {r['sku']} refunded? Check the product's "
                                "description, sizing, quality and the refund reasons.", "metric": "refund_rate",
                    "window_days": 90},
            revenue=revenue, confidence=confidence_from_z(z, floor=0.35, ceiling=0.8), ease=0.8,
            evidence=[evidence(ORDERS, f"sku={r['sku']}", "refund rate", round(sku_rate, 4), window, at),
                      evidence(ORDERS, "the rest of the store's orders", "refund rate", round(rate, 4), window, at),
                      evidence(ORDERS, f"sku={r['sku']}", "orders", float(r["orders"]), window, at)],
            rollback="Close the task it opens (the engine does this itself).",
            steps=["growth actions rollback ID"]))
