"""The one door every operation call goes through: ABAC first, denials audited.

Handlers register with ``@operation(name)`` in the module ``MODULES`` names for
them; ``invoke`` imports that one module (a command that runs one operation loads
one handler module, not all of them). Callers (CLI, MCP, agents) use ``invoke``.
Tools never check roles themselves; the only tier-dependent check (an
assistant may not approve a *critical* action, known only once the action is
loaded) calls the same ``enforce`` from inside the decision.
"""

from __future__ import annotations

import importlib
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
#: where each operation's handler lives; ``tests/test_operation_table.py`` checks it against the decorators.
#: Operations the agents own (``runs.start``, ``delegate``) register from ``graphs.runs``, which a process
#: running agents has imported: tools never import graphs.
MODULES: dict[str, str] = {
    "actions.approve": "tools.decisions",
    "actions.bulk_decide": "tools.decisions",
    "actions.edit_approve": "tools.decisions",
    "actions.execute": "tools.execution",
    "actions.get": "tools.actions",
    "actions.list": "tools.actions",
    "actions.propose": "tools.actions",
    "actions.reject": "tools.decisions",
    "actions.rollback": "tools.rollback",
    "actions.snooze": "tools.decisions",
    "autonomy.set": "tools.tenants",
    "catalog.search": "tools.storefront",
    "connections.connect": "tools.connections",
    "connections.disconnect": "tools.connections",
    "connections.read": "tools.connections",
    "deliveries.list": "tools.delivery_retry",
    "deliveries.retry": "tools.delivery_retry",
    "email.configure": "tools.email",
    "email.read": "tools.email",
    "email.suppress": "tools.email",
    "email.test": "tools.email",
    "email.unsuppress": "tools.email",
    "handoffs.read": "tools.handoffs",
    "inventory.settings": "tools.inventory_settings",
    "kill_switch.set": "tools.killswitch",
    "experiments.end": "tools.experiments",
    "experiments.read": "tools.experiments",
    "memory.forget": "tools.rules",
    "memory.read": "tools.rules",
    "memory.write": "tools.rules",
    "metrics.read": "tools.department",
    "orders.own": "tools.storefront",
    "performance.read": "tools.performance",
    "pii.reveal": "tools.pii",
    "purchase_orders.read": "tools.purchase_orders",
    "reflections.read": "tools.reflection",
    "runs.get": "tools.runs",
    "runs.list": "tools.runs",
    "status.get": "tools.tenants",
    "store_policies.read": "tools.storefront",
    "support.escalate": "tools.escalation",
    "telemetry.ingest": "tools.ingest.ingest",
    "telemetry.read": "tools.ingest.status",
    "telemetry.sync": "tools.sync",
    "vendors.list": "tools.vendor_contacts",
    "vendors.remove_address": "tools.vendor_contacts",
    "vendors.set_address": "tools.vendor_contacts",
    "webhooks.add": "tools.webhooks",
    "webhooks.deliveries": "tools.webhooks",
    "webhooks.list": "tools.webhooks",
    "webhooks.remove": "tools.webhooks",
    "webhooks.replay": "tools.webhooks",
}


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
    await enforce(deps, principal, operation_name, tenant or principal.tenant)
    handler = HANDLERS.get(operation_name) or _load(operation_name)
    if handler is None:
        raise Forbidden(f"{operation_name} has no handler here", code="unknown_operation")
    return await handler(deps, principal, **kwargs)


def _load(operation_name: str) -> Handler | None:
    module = MODULES.get(operation_name)
    if module is not None:
        importlib.import_module(module)
    return HANDLERS.get(operation_name)
