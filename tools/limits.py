"""Limits across actions: a variant's price is judged by its total change, not one step at a time.

The reference is the price before the engine's first change to that variant within
``REFERENCE_WINDOW_DAYS`` (changes since rolled back do not count), so a 25 % markdown
after an executed 35 % one classifies as what it is: 51 % off, critical.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from policies.kinds import KINDS
from policies.risk import REFERENCE_WINDOW_DAYS, classify_total, total_change_pct
from policies.tiers import RiskTier
from tools.deps import Tx

PRICE_KINDS = frozenset({"inventory.markdown", "pricing.adjust"})


async def reference(tx: Tx, target: str, now: datetime) -> tuple[float, float] | None:
    """(reference price, current price) of a ``sku:`` target, or None when the variant is unknown."""
    if not target.startswith("sku:"):
        return None
    variant = await tx.store.variant(target.partition(":")[2])
    if variant is None:
        return None
    current = float(variant["price"])
    changes = await tx.executions.price_changes(target, since=now - timedelta(days=REFERENCE_WINDOW_DAYS))
    first = next((c for c in changes if isinstance(c["before_state"].get("price"), (int, float))), None)
    return (float(first["before_state"]["price"]) if first else current), current


async def tier_in_total(tx: Tx, kind: str, target: str, params: dict[str, Any], tier: RiskTier,
                        now: datetime) -> tuple[RiskTier, float | None]:
    """The tier raised by the total change it brings the price to, and that total (percent)."""
    if kind not in PRICE_KINDS:
        return tier, None
    ref = await reference(tx, target, now)
    if ref is None:
        return tier, None
    reference_price, current = ref
    model = KINDS[kind].params.model_validate(params)
    total = total_change_pct(kind, model, current_price=current, reference_price=reference_price)
    return tier.at_least(classify_total(kind, model, current_price=current, reference_price=reference_price)), total
