"""Outcome measurement arithmetic: difference in differences against untouched controls, with an interval.

Pure: series in, estimates out. A treated series is one target's daily metric (a page's clicks, a
product's units or revenue); the control is the daily mean of comparable targets no action touched,
scaled to the treated target's level before the action. The effect is the change in the treated
series less the change the control saw over the same days, per day, with a Welch t interval over
the days (each day's treated-less-control difference is one observation).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import Any
from urllib.parse import urlparse

from policies.fraud import CHARGEBACK_FEE


#: days before the action that set its baseline, and days after it that are measured at most
BEFORE_DAYS = 28
AFTER_DAYS = 28
#: fewer days after the action than this: "not enough data yet"
MIN_AFTER_DAYS = 14
#: the forecast horizon every expected revenue is worked out over (``graphs.specialists``: four weeks)
HORIZON_DAYS = 28
#: the level of every interval
LEVEL = 0.95
#: how many comparable untouched targets make the control
CONTROLS = 20

#: what each kind of action aimed at, and the series its revenue is read from
METRICS: dict[str, tuple[str, str]] = {
    "content.rewrite_title": ("clicks per day", "page"),
    "content.rewrite_meta_description": ("clicks per day", "page"),
    "content.add_internal_links": ("clicks per day", "page"),
    "perf.repair_page": ("clicks per day", "page"),
    "inventory.markdown": ("units per day", "sku"),
    "pricing.adjust": ("units per day", "sku"),
    "inventory.reorder": ("share of days in stock", "sku"),
    "risk.hold_order": ("chargebacks and the operator's verdict", "order"),
}


def target_key(target: str) -> str:
    """What a target is called in the measured series: a page's path (GSC keys pages by path), a SKU, an order."""
    kind, ref = target.split(":", 1)
    if kind == "page":
        return (urlparse(ref).path.rstrip("/") or "/") if "://" in ref else ref
    return ref


def measured_pages(kind: str, target: str, params: dict[str, Any]) -> list[str]:
    """What an action means to move, as the measured series name it: internal links are added on a strong
    page (the target) to lift the pages they point to, so those pages; every other action, its target."""
    if kind == "content.add_internal_links":
        linked = [target_key(f"page:{link['to_url']}") for link in params.get("links", []) if link.get("to_url")]
        if linked:
            return list(dict.fromkeys(linked))
    return [target_key(target)]


@dataclass(frozen=True, slots=True)
class Windows:
    before: tuple[date, date]
    after: tuple[date, date] | None
    #: days of data after the action so far
    after_days: int


def windows(executed: date, newest: date | None) -> Windows:
    """The baseline (the ``BEFORE_DAYS`` before the action) and the measured days after it so far."""
    before = (executed - timedelta(days=BEFORE_DAYS), executed - timedelta(days=1))
    first = executed + timedelta(days=1)  # the day of the change itself is neither before nor after
    if newest is None or newest < first:
        return Windows(before, None, 0)
    last = min(newest, executed + timedelta(days=AFTER_DAYS))
    return Windows(before, (first, last), (last - first).days + 1)


def days(span: tuple[date, date]) -> list[date]:
    return [span[0] + timedelta(days=i) for i in range((span[1] - span[0]).days + 1)]


@dataclass(frozen=True, slots=True)
class Estimate:
    """A per-day effect with its interval; ``significant`` when the interval leaves out zero."""

    effect: float
    low: float
    high: float
    baseline: float
    n_before: int
    n_after: int
    controls: int
    method: str

    @property
    def significant(self) -> bool:
        return self.low > 0 or self.high < 0

    @property
    def verdict(self) -> str:
        return "no_change" if not self.significant else "positive" if self.effect > 0 else "negative"

    @property
    def relative(self) -> float | None:
        return self.effect / self.baseline if self.baseline else None

    def as_dict(self) -> dict[str, Any]:
        return {"effect_per_day": round(self.effect, 4), "low": round(self.low, 4), "high": round(self.high, 4),
                "baseline_per_day": round(self.baseline, 4),
                "relative": None if self.relative is None else round(self.relative, 4),
                "days_before": self.n_before, "days_after": self.n_after, "controls": self.controls,
                "method": self.method, "level": LEVEL, "verdict": self.verdict}


def _interval(after: list[float], before: list[float]) -> tuple[float, float, float]:
    effect = fmean(after) - fmean(before)
    if len(after) < 2 or len(before) < 2:
        return effect, -math.inf, math.inf
    if max(after) == min(after) and max(before) == min(before):
        return effect, effect, effect  # no spread at all: the difference is exact
    from scipy import stats  # ~1 s to import: only when an outcome is measured, not with every command

    ci = stats.ttest_ind(after, before, equal_var=False).confidence_interval(LEVEL)
    return effect, float(ci.low), float(ci.high)


def did(treated_before: list[float], treated_after: list[float], control_before: list[float] | None,
        control_after: list[float] | None, *, controls: int = 0) -> Estimate:
    """The treated target's change less the scaled control's change, per day, with its interval.

    Without a control (no comparable untouched target) it is a plain before/after comparison, and says so.
    """
    if not treated_before or not treated_after:
        raise ValueError("both windows need at least one day")
    baseline = fmean(treated_before)
    if control_before and control_after and fmean(control_before) > 0:
        scale = baseline / fmean(control_before) if baseline else 1.0
        before = [t - scale * c for t, c in zip(treated_before, control_before, strict=True)]
        after = [t - scale * c for t, c in zip(treated_after, control_after, strict=True)]
        method = "difference in differences against the scaled mean of untouched controls"
        n_controls = controls
    else:
        before, after = list(treated_before), list(treated_after)
        method = "before against after (no comparable untouched target to control for)"
        n_controls = 0
    effect, low, high = _interval(after, before)
    return Estimate(effect, low, high, baseline, len(before), len(after), n_controls, method)


def lift(treated_changes: list[float], control_changes: list[float], baseline: float) -> Estimate:
    """An experiment's lift: the mean change of the treated targets less that of the held-back ones."""
    if not treated_changes or not control_changes:
        raise ValueError("an experiment needs treated and held-back targets")
    effect, low, high = _interval(treated_changes, control_changes)
    return Estimate(effect, low, high, baseline, len(control_changes), len(treated_changes), len(control_changes),
                    "randomised: treated targets' change less the held-back targets' change")


def pick_controls(treated_level: float, candidates: dict[str, float], *, exclude: set[str],
                  n: int = CONTROLS) -> list[str]:
    """The ``n`` untouched targets whose baseline level is closest to the treated one's (on a log scale)."""
    pool = [(abs(math.log1p(v) - math.log1p(treated_level)), k) for k, v in candidates.items()
            if k not in exclude and v > 0]
    return [k for _, k in sorted(pool)[:n]]


def revenue(estimate: Estimate, value_per_unit: float, *, horizon: int = HORIZON_DAYS) -> tuple[float, float, float]:
    """Realised revenue over the forecast's horizon: the per-day effect and its interval times a unit's value."""
    scale = value_per_unit * horizon
    lo, hi = sorted((estimate.low * scale, estimate.high * scale))
    return estimate.effect * scale, lo, hi


@dataclass(frozen=True, slots=True)
class Holdout:
    treated: list[int]
    control: list[int]
    seed: int
    notes: list[str] = field(default_factory=list)


#: an experiment needs this many similar actions, and holds back at most half of them
MIN_EXPERIMENT = 4
MAX_SHARE = 0.5


def sum_series(daily: dict[str, dict[date, tuple[float, float]]], keys: list[str]) -> dict[date, tuple[float, float]]:
    """Several targets' daily pairs (a link action's destination pages) as one series, day by day."""
    if len(keys) == 1:
        return daily.get(keys[0], {})
    out: dict[date, tuple[float, float]] = {}
    for key in keys:
        for day, (a, b) in daily.get(key, {}).items():
            x, y = out.get(day, (0.0, 0.0))
            out[day] = (x + a, y + b)
    return out


def held_back_until(split_at: datetime) -> datetime:
    """Until when a held-back target stays untreated: the experiment's window after the split (the day of the
    split left out), so a proposal treating it later cannot move the days the lift is measured on."""
    return split_at + timedelta(days=AFTER_DAYS + 1)


def holdout(ids: list[int], share: float, seed: int) -> Holdout:
    """A random ``share`` of ``ids`` held back as the control group (at least one on each side)."""
    if not 0 < share <= MAX_SHARE:
        raise ValueError(f"the held-back share must be above 0 and at most {MAX_SHARE:g}, not {share:g}")
    unique = sorted(set(ids))
    if len(unique) < MIN_EXPERIMENT:
        raise ValueError(f"an experiment needs at least {MIN_EXPERIMENT} similar actions; {len(unique)} given")
    k = min(len(unique) - 1, max(1, round(len(unique) * share)))
    control = sorted(random.Random(seed).sample(unique, k))
    return Holdout([i for i in unique if i not in control], control, seed)


def hold_verdict(order: dict[str, Any] | None, *, released: bool) -> tuple[str, str, float, float, float]:
    """A held order's outcome: (state, verdict, loss avoided, low, high) from what became of the order.

    Cancelled or refunded after the hold: the loss it may have avoided is what a fraudulent order costs when
    it ships, its goods at cost and the chargeback fee (the payment itself the chargeback takes back; the
    engine cannot know the order was fraud, so the interval runs from nothing to that loss). A chargeback:
    the hold failed, and the loss is the store's. Released by the operator with no chargeback: a false
    alarm, nothing gained.
    """
    if order is None:
        return "unmeasurable", "", 0.0, 0.0, 0.0
    total = float(order.get("total") or 0.0)
    loss = float(order.get("goods_cost") or 0.0) + CHARGEBACK_FEE
    status = str(order.get("financial_status") or "").lower()
    if "chargeback" in status or "disput" in status:
        return "measured", "negative", -loss, -loss, 0.0
    if order.get("cancelled_at") or float(order.get("refunded_amount") or 0) >= total > 0:
        return "measured", "positive", loss, 0.0, loss
    if released or not order.get("on_hold"):
        return "measured", "no_change", 0.0, 0.0, 0.0
    return "waiting", "", 0.0, 0.0, 0.0
