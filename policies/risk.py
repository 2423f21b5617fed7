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
