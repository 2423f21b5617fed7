"""Lead times, safety stock and the holding-cost rate, per product, per vendor or for the whole store."""

from __future__ import annotations

from typing import Any

from policies.inventory import DEFAULTS
from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import InvalidInput
from tools.registry import operation

SCOPES = ("product", "vendor", "store")


@operation("inventory.settings")
async def set_inventory_setting(deps: Deps, principal: Principal, *, scope: str, key: str = "",
                                lead_time_days: int | None = None, safety_days: int | None = None,
                                cover_days: int | None = None, holding_cost_pct: float | None = None) -> dict[str, Any]:
    """Set the lead time (and optionally safety days, order cover and the yearly holding cost in percent of
    the stock's cost) for a product, a vendor or the store."""
    if scope not in SCOPES:
        raise InvalidInput(f"scope must be one of {', '.join(SCOPES)}", code="invalid_input")
    if scope != "store" and not key.strip():
        raise InvalidInput(f"name the {scope} (its {'handle' if scope == 'product' else 'name'})",
                           code="invalid_input")
    values = {"lead_time_days": DEFAULTS.lead_time_days if lead_time_days is None else lead_time_days,
              "safety_days": DEFAULTS.safety_days if safety_days is None else safety_days,
              "cover_days": DEFAULTS.cover_days if cover_days is None else cover_days}
    for name, value in values.items():
        if not 0 <= value <= 365:
            raise InvalidInput(f"{name} must be between 0 and 365 days", code="invalid_input")
    if holding_cost_pct is not None and not 0 <= holding_cost_pct <= 100:
        raise InvalidInput("holding_cost_pct must be between 0 and 100 (percent of the stock's cost a year)",
                           code="invalid_input")
    key = "" if scope == "store" else key.strip()

    async def txn(tx: Tx) -> None:
        await tx.tenants.ensure(name=principal.tenant, now=deps.now())
        await tx.commerce.set_inventory_setting(scope=scope, key=key, now=deps.now(),
                                                holding_cost_pct=holding_cost_pct, **values)
        await record(tx, deps, actor=principal.subject, event="inventory.settings_changed",
                     subject=f"{scope}:{key}" if key else "store",
                     data={**values, **({"holding_cost_pct": holding_cost_pct} if holding_cost_pct is not None else {})})

    await deps.db.transact(principal.tenant, txn)
    return {"scope": scope, "key": key, **values, "holding_cost_pct": holding_cost_pct}
