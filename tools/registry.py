"""The one door every operation call goes through: ABAC first, denials audited.

Handlers register with ``@operation(name)``; callers (CLI, MCP, agents) use
``invoke``. Tools never check roles themselves; the only tier-dependent check (an
assistant may not approve a *critical* action, known only once the action is
loaded) calls the same ``enforce`` from inside the decision.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from policies.abac import OPERATIONS, authorize
from policies.principal import Principal
from policies.tiers import RiskTier
from tools.deps import Deps
from tools.errors import Forbidden

Handler = Callable[..., Awaitable[Any]]
F = TypeVar("F", bound=Handler)

HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[F], F]:
    if name not in OPERATIONS:
        raise KeyError(f"{name!r} is not in the ABAC operation table")

    def register(fn: F) -> F:
        HANDLERS[name] = fn
        return fn

    return register


async def enforce(deps: Deps, principal: Principal, operation_name: str, tenant: str,
                  *, risk_tier: RiskTier | None = None) -> None:
    decision = authorize(principal, operation_name, tenant, risk_tier=risk_tier)
    if decision.allowed:
        return
    from tools.audit import record

    # The denial is recorded in the caller's own tenant, never in the one it reached for.
    await deps.db.transact(principal.tenant, lambda tx: record(
        tx, deps, actor=principal.subject, event="policy.denied", subject=operation_name,
        data={"operation": operation_name, "code": decision.code, "reason": decision.reason,
              "target_tenant": tenant, "risk_tier": risk_tier.value if risk_tier else None}))
    raise Forbidden(decision.reason, code=decision.code, operation=operation_name)


async def invoke(deps: Deps, principal: Principal, operation_name: str, /, *,
                 tenant: str | None = None, **kwargs: Any) -> Any:
    """Authorize, then run the operation's handler."""
    _load_handlers()
    await enforce(deps, principal, operation_name, tenant or principal.tenant)
    handler = HANDLERS.get(operation_name)
    if handler is None:
        raise Forbidden(f"{operation_name} has no handler here", code="unknown_operation")
    return await handler(deps, principal, **kwargs)


def _load_handlers() -> None:
    # Importing the modules registers their handlers; kept lazy to avoid import cycles.
    from tools import (actions, decisions, escalation, execution, handoffs, killswitch,  # noqa: F401
                       performance, pii, reflection, rollback, rules, runs, storefront, tenants)
    from tools import connections, inventory_settings, sync  # noqa: F401
    from tools import webhooks  # noqa: F401
    from tools import email  # noqa: F401
    from tools import delivery_retry, purchase_orders, vendor_contacts  # noqa: F401
    from tools import department  # noqa: F401
    from tools.ingest import ingest, status  # noqa: F401
