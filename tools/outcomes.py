"""Outcome measurement (the cycle's React step): did each executed action move what it aimed at?

``measure_outcomes`` is idempotent: every call re-measures executed actions from the data held now
(one ``outcomes`` row per action, replaced), says "not enough data yet" until
``policies.outcomes.MIN_AFTER_DAYS`` days after the action, and stops re-measuring an action once its
whole window (``AFTER_DAYS``) is in. Realised revenue is an interval around an estimate, never a point,
and in the money the forecast was made in: gross profit (a page's extra clicks at the store's revenue per
session × its gross margin; a SKU's sales less the cost of the goods), so the learning loop's ratio of
realised to expected compares like with like.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from statistics import fmean
from typing import Any

from policies import outcomes as po
from policies.inventory import COST_SHARE_FALLBACK, gross_margin
from tools.deps import Deps, Tx
from tools.experiments import measure_experiments


def _series(daily: dict[date, tuple[float, float]], span: tuple[date, date], index: int) -> list[float]:
    return [float(daily.get(d, (0, 0))[index]) for d in po.days(span)]


def _mean_series(by_target: dict[str, dict[date, tuple[float, float]]], targets: list[str],
                 span: tuple[date, date], index: int) -> list[float] | None:
    if not targets:
        return None
    rows = [_series(by_target.get(t, {}), span, index) for t in targets]
    return [fmean(col) for col in zip(*rows, strict=True)]


def _waiting(action: dict[str, Any], metric: str, reason: str, now: Any) -> dict[str, Any]:
    return {"agent": action["agent"], "kind": action["kind"], "state": "waiting", "metric": metric, "verdict": "",
            "effect": None, "low": None, "high": None, "revenue": None, "revenue_low": None, "revenue_high": None,
            "expected_revenue": float(action["expected_revenue"] or 0), "details": {"reason": reason},
            "measured_at": now}


def _measured(action: dict[str, Any], metric: str, est: po.Estimate, money: tuple[float, float, float] | None,
              details: dict[str, Any], now: Any) -> dict[str, Any]:
    rev, lo, hi = money if money is not None else (None, None, None)
    return {"agent": action["agent"], "kind": action["kind"], "state": "measured", "metric": metric,
            "verdict": est.verdict, "effect": round(est.effect, 6), "low": round(est.low, 6),
            "high": round(est.high, 6),
            "revenue": None if rev is None else round(rev, 2), "revenue_low": None if lo is None else round(lo, 2),
            "revenue_high": None if hi is None else round(hi, 2),
            "expected_revenue": float(action["expected_revenue"] or 0),
            "details": {**est.as_dict(), **details}, "measured_at": now}


def _not_yet(w: po.Windows) -> str:
    return (f"not enough data yet: {w.after_days} of the {po.MIN_AFTER_DAYS} days after the action needed "
            "(measured again as data arrives)")


async def _page(tx: Tx, action: dict[str, Any], w: po.Windows, touched: set[str], now: Any) -> dict[str, Any]:
    metric = po.METRICS[action["kind"]][0]
    assert w.after is not None
    paths = po.measured_pages(action["kind"], action["target"], action.get("params") or {})
    levels = await tx.outcomes.page_levels(*w.before)
    exclude = {po.target_key(t) for t in touched if t.startswith("page:")} | set(paths)
    controls = po.pick_controls(sum(levels.get(p, 0.0) for p in paths), levels, exclude=exclude)
    daily = await tx.outcomes.page_daily([*paths, *controls], w.before[0], w.after[1])
    mine = po.sum_series(daily, paths)
    est = po.did(_series(mine, w.before, 0), _series(mine, w.after, 0), _mean_series(daily, controls, w.before, 0),
                 _mean_series(daily, controls, w.after, 0), controls=len(controls))

    def ctr(span: tuple[date, date]) -> float | None:
        clicks, shown = sum(_series(mine, span, 0)), sum(_series(mine, span, 1))
        return round(clicks / shown, 4) if shown else None

    values = await tx.outcomes.value_per_session(paths, *w.before)
    own = [values[p] for p in paths if p in values]
    per_click = sum(own) / len(own) if own else values.get("")
    details: dict[str, Any] = {"target": action["target"], "ctr_before": ctr(w.before), "ctr_after": ctr(w.after),
                               "window_before": [str(d) for d in w.before], "window_after": [str(d) for d in w.after],
                               "control_targets": controls[:20]}
    if paths != [po.target_key(action["target"])]:
        details["measured_pages"] = paths  # the pages the links point to, not the page they were added on
    if per_click is None:
        details["revenue_note"] = "no GA4 revenue per session to value a click: realised revenue not estimated"
        return _measured(action, metric, est, None, details, now)
    margin = gross_margin(await tx.commerce.cost_of_sales(since=_days_before(w.before[0], 90)))
    details["value_per_click"] = round(per_click, 4)
    details["gross_margin"] = round(margin.rate, 4)
    details["revenue_note"] = (f"extra clicks a day × {po.HORIZON_DAYS} days × ${per_click:,.2f} revenue per "
                               f"session (GA4) × {margin.rate:.1%} gross margin"
                               f"{'' if margin.sales else ' (assumed: no Cost per item)'}; the interval carries "
                               "the clicks' uncertainty only")
    return _measured(action, metric, est, po.revenue(est, per_click * margin.rate), details, now)


async def _sku(tx: Tx, action: dict[str, Any], w: po.Windows, touched: set[str], now: Any,
               costs: dict[str, float]) -> dict[str, Any]:
    metric = po.METRICS[action["kind"]][0]
    assert w.after is not None
    sku = action["target"].split(":", 1)[1]
    daily = await tx.outcomes.sku_daily(None, w.before[0], w.after[1])
    levels = {s: sum(_series(d, w.before, 0)) for s, d in daily.items()}
    exclude = {t.split(":", 1)[1] for t in touched if t.startswith("sku:")} | {sku}
    controls = po.pick_controls(levels.get(sku, 0.0), levels, exclude=exclude)
    mine = daily.get(sku, {})
    if action["kind"] == "inventory.reorder":
        # the engine keeps no stock history: a day with a sale is a day in stock (a lower bound)
        stocked = {s: {d: (1.0 if v[0] > 0 else 0.0, 0.0) for d, v in by_day.items()} for s, by_day in daily.items()}
        primary, mine_primary = stocked, stocked.get(sku, {})
    else:
        primary, mine_primary = daily, mine
    est = po.did(_series(mine_primary, w.before, 0), _series(mine_primary, w.after, 0),
                 _mean_series(primary, controls, w.before, 0), _mean_series(primary, controls, w.after, 0),
                 controls=len(controls))
    # gross profit a day: sales less what the goods sold cost (the markdown's lower price included)
    profit = {s: {d: (v[0], v[1] - v[0] * costs.get(s, 0.0)) for d, v in by_day.items()} for s, by_day in daily.items()}
    money = po.did(_series(profit.get(sku, {}), w.before, 1), _series(profit.get(sku, {}), w.after, 1),
                   _mean_series(profit, controls, w.before, 1), _mean_series(profit, controls, w.after, 1),
                   controls=len(controls))
    details = {"target": action["target"], "profit_per_day": money.as_dict(),
               "window_before": [str(d) for d in w.before], "window_after": [str(d) for d in w.after],
               "control_targets": controls[:20],
               "revenue_note": f"gross profit a day (sales less the cost of the goods; difference in differences) "
                               f"× {po.HORIZON_DAYS} days"}
    if action["kind"] == "inventory.reorder":
        details["metric_note"] = "a day with at least one sale counts as a day in stock (no stock history is kept)"
    return _measured(action, metric, est, po.revenue(money, 1.0), details, now)


def _days_before(day: date, days: int) -> datetime:
    return datetime.combine(day - timedelta(days=days), time(), tzinfo=timezone.utc)


async def _unit_costs(tx: Tx) -> dict[str, float]:
    """Each SKU's cost per item; half its price where the export has none (as the inventory agent assumes)."""
    return {v["sku"]: float(v["cost"]) if v["cost"] else float(v["price"] or 0.0) * COST_SHARE_FALLBACK
            for v in await tx.commerce.variants()}


async def _hold(tx: Tx, action: dict[str, Any], released: set[str], now: Any) -> dict[str, Any]:
    name = action["target"].split(":", 1)[1]
    order = await tx.outcomes.order(name)
    state, verdict, rev, lo, hi = po.hold_verdict(order, released=name in released)
    metric = po.METRICS["risk.hold_order"][0]
    if state == "waiting":
        return _waiting(action, metric, "the order is still on hold: the operator has not settled it yet", now)
    reason = {"positive": "cancelled or refunded after the hold: the loss it may have avoided is its goods at cost "
                          "and the chargeback fee",
              "negative": "a chargeback followed: the hold did not prevent the loss",
              "no_change": "released with no chargeback: a false alarm, nothing gained or lost",
              "": "the order is no longer in the store"}[verdict]
    return {"agent": action["agent"], "kind": action["kind"], "state": state, "metric": metric, "verdict": verdict,
            "effect": None, "low": None, "high": None, "revenue": round(rev, 2), "revenue_low": round(lo, 2),
            "revenue_high": round(hi, 2), "expected_revenue": float(action["expected_revenue"] or 0),
            "details": {"target": action["target"], "reason": reason,
                        "financial_status": (order or {}).get("financial_status")}, "measured_at": now}


async def measure_one(tx: Tx, action: dict[str, Any], *, newest: dict[str, date | None], touched: set[str],
                      released: set[str], now: Any, costs: dict[str, float]) -> dict[str, Any]:
    """One executed action's outcome row, from the data held now, with the calibration its forecast carried."""
    row = await _measure(tx, action, newest=newest, touched=touched, released=released, now=now, costs=costs)
    factor = forecast_calibration(action.get("revenue_inputs") or [])
    if factor != 1.0:
        row["details"] = {**row["details"], "calibrated_by": factor}
    return row


def forecast_calibration(revenue_inputs: list[dict[str, Any]]) -> float:
    """The learning loop's factor a forecast was multiplied by when proposed (1 if none): realised revenue is
    compared with the forecast before it, or each calibration would correct the last one's correction."""
    for i in revenue_inputs:
        if i.get("name") == "calibration" and isinstance(i.get("value"), (int, float)) and i["value"] > 0:
            return float(i["value"])
    return 1.0


async def _measure(tx: Tx, action: dict[str, Any], *, newest: dict[str, date | None], touched: set[str],
                   released: set[str], now: Any, costs: dict[str, float]) -> dict[str, Any]:
    kind = action["kind"]
    if kind not in po.METRICS:
        return {**_waiting(action, "", "", now), "state": "unmeasurable",
                "details": {"reason": f"{kind} aims at nothing the engine measures (no metric, no control)"}}
    metric, family = po.METRICS[kind]
    if family == "order":
        return await _hold(tx, action, released, now)
    executed = action["executed_at"].date()
    w = po.windows(executed, newest["page" if family == "page" else "sku"])
    if w.after_days < po.MIN_AFTER_DAYS:
        return _waiting(action, metric, _not_yet(w), now)
    row = await (_page(tx, action, w, touched, now) if family == "page" else _sku(tx, action, w, touched, now,
                                                                                    costs))
    row["details"]["final"] = w.after_days >= po.AFTER_DAYS
    return row


async def measure_outcomes(deps: Deps, tenant: str) -> dict[str, Any]:
    """Measure (or re-measure) every executed action's outcome and every running experiment; idempotent."""
    now = deps.now()

    async def txn(tx: Tx) -> dict[str, Any]:
        executed = await tx.outcomes.executed()
        newest = {"page": await tx.outcomes.newest_search_day(), "sku": await tx.outcomes.newest_order_day()}
        touched = await tx.outcomes.touched_targets(since=now - timedelta(days=po.BEFORE_DAYS + po.AFTER_DAYS + 7))
        released = await tx.outcomes.released_orders()
        # each SKU's cost per item, read once for the whole pass (a SKU's outcome is counted in gross profit)
        costs = await _unit_costs(tx) if any(a["target"].startswith("sku:") for a in executed) else {}
        counts = {"measured": 0, "waiting": 0, "unmeasurable": 0, "final": 0}
        # each action's experiment (the first that treats or holds it back), read once for the whole pass
        experiment_of: dict[int, int] = {}
        for e in await tx.outcomes.experiments():
            for action_id in (*e["treated"], *e["control"]):
                experiment_of.setdefault(int(action_id), e["id"])
        for action in executed:
            before = await tx.outcomes.for_action(action["id"])
            if before is not None and before["details"].get("final"):
                counts["final"] += 1
                continue
            row = await measure_one(tx, action, newest=newest, touched=touched, released=released, now=now,
                                    costs=costs)
            row["experiment_id"] = experiment_of.get(action["id"])
            await tx.outcomes.save(action["id"], row)
            counts[row["state"]] += 1
        experiments = await measure_experiments(tx, newest=newest, now=now)
        return {"tenant": tenant, "executed": len(executed), **counts, "experiments": experiments}

    return await deps.db.transact(tenant, txn)


async def outcome_of(tx: Tx, action_id: int) -> dict[str, Any] | None:
    """What ``get_action`` shows of an action's outcome (None before it is first measured)."""
    row = await tx.outcomes.for_action(action_id)
    if row is None:
        return None
    shown = {k: row[k] for k in ("state", "metric", "verdict", "effect", "low", "high", "revenue", "revenue_low",
                                 "revenue_high", "expected_revenue", "experiment_id", "measured_at")}
    shown["details"] = row["details"]
    return shown
