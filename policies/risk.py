"""Risk tier by kind and amount. The proposing agent never chooses the tier."""

from __future__ import annotations

from policies.kinds import KINDS, MarkdownParams, Params, PricingParams, ReorderParams
from policies.tiers import RiskTier

#: a price change above this share (percent) of the current price is critical
PRICE_CHANGE_CRITICAL_PCT = 10.0
#: a markdown deeper than this (percent off) is critical
MARKDOWN_CRITICAL_PCT = 30.0
#: a purchase order worth more than this (store currency) is critical
REORDER_CRITICAL_VALUE = 25_000.0


def classify(kind: str, params: Params) -> RiskTier:
    """The tier of one action version: the kind's base tier, raised by its amounts."""
    tier = KINDS[kind].base_tier
    match params:
        case PricingParams() if params.change_pct > PRICE_CHANGE_CRITICAL_PCT:
            tier = tier.at_least(RiskTier.CRITICAL)
        case MarkdownParams() if params.percent_off > MARKDOWN_CRITICAL_PCT:
            tier = tier.at_least(RiskTier.CRITICAL)
        case ReorderParams() if params.quantity * params.unit_cost > REORDER_CRITICAL_VALUE:
            tier = tier.at_least(RiskTier.CRITICAL)
        case _:
            pass
    return tier


#: price changes and markdowns are measured against the price before the engine's first change
#: to that variant within this many days
REFERENCE_WINDOW_DAYS = 90


def total_change_pct(kind: str, params: Params, *, current_price: float, reference_price: float) -> float:
    """How far this change takes the price from the reference, in percent (markdowns: off; prices: either way)."""
    if reference_price <= 0:
        return 0.0
    if isinstance(params, MarkdownParams):
        new = current_price * (1 - params.percent_off / 100.0)
        return round((reference_price - new) / reference_price * 100.0, 6)
    if isinstance(params, PricingParams):
        return round(abs(params.new_price - reference_price) / reference_price * 100.0, 6)
    return 0.0


def classify_total(kind: str, params: Params, *, current_price: float, reference_price: float) -> RiskTier:
    """The tier of a price change or markdown by its own size and by the total it brings the price to.

    A further 25 % after 35 % is a 51 % markdown, and critical, whatever each step was alone.
    """
    tier = classify(kind, params)
    total = total_change_pct(kind, params, current_price=current_price, reference_price=reference_price)
    limit = MARKDOWN_CRITICAL_PCT if kind == "inventory.markdown" else PRICE_CHANGE_CRITICAL_PCT
    if kind in ("inventory.markdown", "pricing.adjust") and total > limit:
        tier = tier.at_least(RiskTier.CRITICAL)
    return tier
