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
#: what holding a unit costs a year, as a share of its cost: capital, storage, insurance, shrinkage and
#: obsolescence (retail carrying-cost estimates run 20-30 %); settable per store, vendor or product
HOLDING_COST_RATE = 0.25
#: of the stock at risk of never selling, the share a markdown clears within the horizon per 1 % off
#: (assumption: a 30 % clearance sells about a third of dead stock in four weeks)
CLEARANCE_PER_PCT = 0.01
#: cost as a share of price when the export has no cost per item (a keystone mark-up)
COST_SHARE_FALLBACK = 0.5
YEAR_DAYS = 365


@dataclass(frozen=True, slots=True)
class GrossMargin:
    """The share of what the goods sell for that the store keeps, and what it is worked out from."""

    rate: float
    #: what the costed lines sold for and what they cost; zeros when no line has a cost (the rate assumed)
    sales: float
    cost: float
    #: the share of sales whose variant has a cost per item (the rate stands for the rest)
    costed_share: float


def gross_margin(sold: Mapping[str, float]) -> GrossMargin:
    """The store's sales-weighted gross margin from ``line_sales``, ``costed_sales`` and ``cost_of_goods``
    (``CommerceRepo.cost_of_sales``): sales less the cost of the goods, over sales, on the lines whose
    variant has a cost per item; ``1 - COST_SHARE_FALLBACK`` when none has. A sale is worth this share of
    its value to the owner: what every specialist's worth is counted in, so a reorder's margin and a
    better title's extra orders rank on the same scale."""
    sales, cost = float(sold.get("costed_sales") or 0.0), float(sold.get("cost_of_goods") or 0.0)
    if sales <= 0:
        return GrossMargin(1 - COST_SHARE_FALLBACK, 0.0, 0.0, 0.0)
    total = float(sold.get("line_sales") or 0.0)
    return GrossMargin(max(0.0, (sales - cost) / sales), sales, cost, min(1.0, sales / total) if total else 1.0)


@dataclass(frozen=True, slots=True)
class Settings:
    lead_time_days: int = 14
    safety_days: int = 7
    cover_days: int = 30
    source: str = "default"
    holding_cost_rate: float = HOLDING_COST_RATE
    holding_source: str = "default"


DEFAULTS = Settings()


def settings_for(handle: str, vendor: str, rows: list[Mapping[str, Any]]) -> Settings:
    """The most specific settings: the product's, then its vendor's, then the store's, then defaults.

    The holding-cost rate resolves the same way on its own: a product row that sets only a lead time
    keeps the store's rate."""
    by = {(str(r["scope"]), str(r["key"])): r for r in rows}
    chain = [(scope, key, by.get((scope, key))) for scope, key in (("product", handle), ("vendor", vendor),
                                                                  ("store", ""))]
    rate, rate_source = HOLDING_COST_RATE, "default"
    for scope, key, r in chain:
        if r is not None and r.get("holding_cost_pct") is not None:
            rate, rate_source = float(r["holding_cost_pct"]) / 100.0, f"{scope} setting" + (f" ({key})" if key else "")
            break
    for scope, key, r in chain:
        if r is not None:
            return Settings(int(r["lead_time_days"]), int(r["safety_days"]), int(r["cover_days"]),
                            f"{scope} setting" + (f" ({key})" if key else ""), rate, rate_source)
    return Settings(holding_cost_rate=rate, holding_source=rate_source)


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
    #: units sold within the horizon beyond what the pace sells anyway
    extra_units: float
    #: units the pace sells within the horizon anyway (they now sell at the lower price)
    base_units: float = 0.0


def writeoff_share(cover_days: float) -> float:
    """The share of the stock beyond a year of sales: likely never sold at full price (all of it with no sales)."""
    return 0.0 if cover_days <= YEAR_DAYS else 1.0 - YEAR_DAYS / cover_days


def years_held(cover_days: float) -> float:
    """How long, in years, the last units would otherwise be held before they sell or are written off (at most 1)."""
    return min(1.0, cover_days / YEAR_DAYS)


def pace_extra(p: Pace, percent: float) -> float:
    """Units the lower price sells on top of the pace within the horizon (the elasticity model)."""
    return p.per_day * ELASTICITY * percent / 100.0 * HORIZON_DAYS


def clearance_extra(excess: int, cover_days: float, percent: float) -> float:
    """Units a markdown clears of the stock at risk of write-off within the horizon (the clearance model)."""
    return excess * writeoff_share(cover_days) * CLEARANCE_PER_PCT * percent


def markdown(stock: int, p: Pace, *, percent: float | None = None) -> Markdown | None:
    """A markdown for stock that would take far too long to sell at its pace.

    It sells more through the price (elasticity) and clears some of what would never sell
    (clearance); whichever is larger, at most the excess."""
    if stock <= 0:
        return None
    cover = math.inf if p.per_day <= 0 else stock / p.per_day
    if cover <= OVERSTOCK_DAYS:
        return None
    excess = stock - math.ceil(p.per_day * TARGET_COVER_DAYS)
    # deeper for slower stock, never past 30 % (beyond that it is a clearance for the operator to call)
    if percent is None:
        percent = 15.0 if cover <= 270 else 20.0 if cover <= 365 else 25.0 if cover <= 540 else 30.0
    extra = min(float(excess), max(pace_extra(p, percent), clearance_extra(excess, cover, percent)))
    return Markdown(cover, excess, percent, extra, min(float(stock), p.per_day * HORIZON_DAYS))


def markdown_gain(down: Markdown, *, price: float, cost: float, holding_rate: float) -> float:
    """The owner's gain over the horizon: margin on the extra units, plus the carrying cost and the write-off
    their sale avoids, less the margin given away on the units that sell anyway."""
    sale = price * (1 - down.percent_off / 100.0)
    per_unit = (sale - cost) + cost * (holding_rate * years_held(down.cover_days)
                                       + writeoff_share(down.cover_days))
    return down.extra_units * per_unit - down.base_units * price * down.percent_off / 100.0


@dataclass(frozen=True, slots=True)
class MarkdownModel:
    """What a markdown's worth was worked out from, kept with the action so an edit of its depth can work
    it out again: the stock, the pace it was measured at, price, cost and the holding-cost rate."""

    stock: int
    per_day: float
    spread: float
    days: int
    price: float
    cost: float
    holding_rate: float

    def as_dict(self) -> dict[str, float]:
        return {"stock": self.stock, "per_day": self.per_day, "spread": self.spread, "days": self.days,
                "price": self.price, "cost": self.cost, "holding_rate": self.holding_rate}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MarkdownModel:
        return cls(int(data["stock"]), float(data["per_day"]), float(data.get("spread", 0.0)), int(data["days"]),
                   float(data["price"]), float(data["cost"]), float(data["holding_rate"]))

    def at(self, percent: float) -> tuple[Markdown, float] | None:
        """The markdown at ``percent`` off and the owner's gain from it (None when nothing is overstocked)."""
        down = markdown(self.stock, Pace(self.per_day, self.spread, self.days), percent=percent)
        if down is None:
            return None
        return down, markdown_gain(down, price=self.price, cost=self.cost, holding_rate=self.holding_rate)


#: the markdown depths an owner would weigh (percent off); the deepest allowed is set by the cover
DEPTHS = (10.0, 15.0, 20.0, 25.0, 30.0)


def best_markdown(stock: int, p: Pace, *, price: float, cost: float, holding_rate: float,
                  limit: float | None = None) -> Markdown | None:
    """The depth, up to the one the cover calls for (and ``limit``), that gains the owner most; the shallower
    on a tie. None when the stock is not overstocked."""
    deepest = markdown(stock, p)
    if deepest is None:
        return None
    top = deepest.percent_off if limit is None else min(deepest.percent_off, limit)
    options = [d for d in DEPTHS if d < top] + [top]
    best: tuple[float, Markdown] | None = None
    for depth in options:
        down = markdown(stock, p, percent=depth)
        assert down is not None
        gain = markdown_gain(down, price=price, cost=cost, holding_rate=holding_rate)
        if best is None or gain > best[0] + 1e-9:
            best = (gain, down)
    assert best is not None
    return best[1]


def stockout_loss(plan: Reorder, p: Pace, *, price: float, cost: float) -> float:
    """What a reorder is worth: the margin on the sales the stock-out would lose within the horizon."""
    return plan.days_short_avoided * p.per_day * (price - cost)


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
