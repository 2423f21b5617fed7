"""Reorder and markdown arithmetic: days of cover, reorder point, order quantity, markdown depth.

Pure functions of a variant's sales pace and its settings. The reorder point is
the demand expected over the lead time plus safety stock, where safety stock is
the larger of the statistical buffer (service level z x daily spread x sqrt(lead
time)) and the configured safety days of sales.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: one-sided z for a 95 % chance of not running out during the lead time
SERVICE_Z = 1.645
#: the sales horizon the expected revenue of inventory actions is counted over (days)
HORIZON_DAYS = 28
#: overstock: more than this many days of cover ...
OVERSTOCK_DAYS = 180
#: ... keeping this many days' worth after the markdown
TARGET_COVER_DAYS = 90
#: how much more a variant sells per 1 % off (price elasticity of demand, a common retail assumption)
ELASTICITY = 2.0


@dataclass(frozen=True, slots=True)
class Settings:
    lead_time_days: int = 14
    safety_days: int = 7
    cover_days: int = 30
    source: str = "default"


DEFAULTS = Settings()


def settings_for(handle: str, vendor: str, rows: list[Mapping[str, Any]]) -> Settings:
    """The most specific settings: the product's, then its vendor's, then the store's, then defaults."""
    by = {(str(r["scope"]), str(r["key"])): r for r in rows}
    for scope, key in (("product", handle), ("vendor", vendor), ("store", "")):
        r = by.get((scope, key))
        if r is not None:
            return Settings(int(r["lead_time_days"]), int(r["safety_days"]), int(r["cover_days"]),
                            f"{scope} setting" + (f" ({key})" if key else ""))
    return DEFAULTS


@dataclass(frozen=True, slots=True)
class Pace:
    """Units per day and the day-to-day spread, from the sales history."""

    per_day: float
    spread: float
    days: int


def pace(daily_units: list[float]) -> Pace:
    n = len(daily_units)
    if n == 0:
        return Pace(0.0, 0.0, 0)
    mean = sum(daily_units) / n
    var = sum((u - mean) ** 2 for u in daily_units) / max(1, n - 1)
    return Pace(mean, math.sqrt(var), n)


@dataclass(frozen=True, slots=True)
class Reorder:
    cover_days: float
    reorder_point: float
    safety_stock: float
    quantity: int
    #: days without stock over the horizon that ordering now avoids
    days_short_avoided: float


def reorder(stock: int, on_order: int, p: Pace, s: Settings) -> Reorder | None:
    """A purchase order when stock (with what is on order) is at or below the reorder point."""
    if p.per_day <= 0:
        return None
    position = stock + on_order
    safety = max(SERVICE_Z * p.spread * math.sqrt(s.lead_time_days), p.per_day * s.safety_days)
    point = p.per_day * s.lead_time_days + safety
    if position > point:
        return None
    cover = max(0.0, stock / p.per_day)
    # an order placed now lands after the lead time; the horizon counts from then
    short = max(0.0, s.lead_time_days + HORIZON_DAYS - max(cover, float(s.lead_time_days)))
    quantity = math.ceil(p.per_day * (s.lead_time_days + s.cover_days) + safety - position)
    return Reorder(cover, point, safety, max(1, quantity), min(short, HORIZON_DAYS))


@dataclass(frozen=True, slots=True)
class Markdown:
    cover_days: float
    excess_units: int
    percent_off: float
    extra_units: float


def markdown(stock: int, p: Pace) -> Markdown | None:
    """A markdown for stock that would take far too long to sell at its pace."""
    if stock <= 0:
        return None
    cover = math.inf if p.per_day <= 0 else stock / p.per_day
    if cover <= OVERSTOCK_DAYS:
        return None
    excess = stock - math.ceil(p.per_day * TARGET_COVER_DAYS)
    # deeper for slower stock, never past 30 % (beyond that it is a clearance for the operator to call)
    percent = 15.0 if cover <= 270 else 20.0 if cover <= 365 else 25.0 if cover <= 540 else 30.0
    extra = min(float(excess), p.per_day * ELASTICITY * percent / 100.0 * HORIZON_DAYS)
    return Markdown(cover, excess, percent, extra)


#: a further markdown smaller than this is not worth proposing
MIN_MARKDOWN_PCT = 5.0
#: markdowns in total never go past this without the operator calling a clearance (policies.risk agrees)
MARKDOWN_TOTAL_LIMIT_PCT = 30.0


def total_off(price: float, compare_at: float | None) -> float:
    """How far below its reference (the compare-at price a markdown sets) a variant already sells, in percent."""
    if not compare_at or compare_at <= price:
        return 0.0
    return (compare_at - price) / compare_at * 100.0


def markdown_room(price: float, compare_at: float | None) -> float:
    """The deepest further markdown (percent of today's price) that keeps the total within its limit."""
    if not compare_at or compare_at <= price:
        return MARKDOWN_TOTAL_LIMIT_PCT
    room = (1 - compare_at * (1 - MARKDOWN_TOTAL_LIMIT_PCT / 100.0) / price) * 100.0
    return max(0.0, round(room, 1))
