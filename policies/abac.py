"""Attribute-based access control: deny by default, an explicit deny wins.

``authorize(principal, operation, target_tenant, risk_tier=...)`` is the one
question every tool call asks (through the wrapper in ``tools.registry``).
The tables below are the whole policy; tests enumerate every cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from policies.decision import Decision, allow, deny
from policies.principal import Principal, Role
from policies.tiers import RiskTier


@dataclass(frozen=True, slots=True)
class OperationSpec:
    name: str
    #: the assistant scope that grants it (None: no scope grants it to assistants)
    scope: str | None
    read_only: bool
    #: a decision that may concern a critical action
    decides: bool = False


def _ops(*specs: OperationSpec) -> dict[str, OperationSpec]:
    return {s.name: s for s in specs}


R, P, D = "read", "propose", "decide"

OPERATIONS: dict[str, OperationSpec] = _ops(
    OperationSpec("actions.list", R, True),
    OperationSpec("actions.get", R, True),
    OperationSpec("actions.propose", P, False),
    OperationSpec("actions.approve", D, False, decides=True),
    OperationSpec("actions.reject", D, False),
    OperationSpec("actions.edit_approve", D, False, decides=True),
    OperationSpec("actions.snooze", D, False),
    OperationSpec("actions.bulk_decide", D, False, decides=True),
    OperationSpec("actions.rollback", D, False),
    OperationSpec("actions.execute", None, False),
    OperationSpec("actions.expire", None, False),
    OperationSpec("runs.start", P, False),
    OperationSpec("runs.get", R, True),
    OperationSpec("runs.list", R, True),
    OperationSpec("delegate", P, False),
    OperationSpec("chat.operator", R, False),
    OperationSpec("chat.customer", None, False),
    OperationSpec("status.get", R, True),
    OperationSpec("autonomy.set", None, False),
    OperationSpec("kill_switch.set", None, False),
    #: the installation-wide switch reaches every tenant: only the local operator holds it
    OperationSpec("kill_switch.global", None, False),
    OperationSpec("audit.read", R, True),
    OperationSpec("audit.verify", R, True),
    OperationSpec("handoffs.read", R, True),
    OperationSpec("performance.read", R, True),
    #: department metrics week by week (the console's charts, the MCP ``chart`` tool): read like performance.read
    OperationSpec("metrics.read", R, True),
    OperationSpec("reflections.read", R, True),
    #: experiments (a held-back control group): seen like outcomes; ending one early is a decision
    OperationSpec("experiments.read", R, True),
    OperationSpec("experiments.end", D, False),
    OperationSpec("agents.read", R, True),
    OperationSpec("memory.read", R, True),
    OperationSpec("memory.write", None, False),
    OperationSpec("memory.forget", None, False),
    OperationSpec("pii.reveal", None, False),
    OperationSpec("tokens.create", None, False),
    OperationSpec("tokens.manage", None, False),
    OperationSpec("telemetry.read", R, True),
    OperationSpec("telemetry.ingest", None, False),
    OperationSpec("inventory.settings", None, False),
    OperationSpec("telemetry.sync", None, False),
    #: the stores' credentials (``growth connect``): the operator's alone; the views never hold a credential
    OperationSpec("connections.connect", None, False),
    OperationSpec("connections.disconnect", None, False),
    OperationSpec("connections.read", None, False),
    #: webhook endpoints (their URLs may embed tokens) and deliveries: the operator's alone
    OperationSpec("webhooks.add", None, False),
    OperationSpec("webhooks.remove", None, False),
    OperationSpec("webhooks.replay", None, False),
    OperationSpec("webhooks.list", None, False),
    OperationSpec("webhooks.deliveries", None, False),
    #: the e-mail channel: its mode and suppression list are the operator's; the log shows references only
    OperationSpec("email.configure", None, False),
    OperationSpec("email.suppress", None, False),
    OperationSpec("email.unsuppress", None, False),
    OperationSpec("email.test", None, False),
    OperationSpec("email.read", None, True),
    #: deliveries to outside systems (the store, the mailer, webhooks): seen and retried by the operator
    OperationSpec("deliveries.list", None, True),
    OperationSpec("deliveries.retry", None, False),
    #: purchase orders (documents) and the vendors' purchase-order addresses
    OperationSpec("purchase_orders.read", None, True),
    OperationSpec("vendors.set_address", None, False),
    OperationSpec("vendors.remove_address", None, False),
    OperationSpec("vendors.list", None, True),
    #: the operations loop: agents switched on and off, the store's timezone, quiet hours and digest: the operator's
    OperationSpec("operations.configure", None, False),
    #: the durable engine's workflows (templates the operator starts, pauses, resumes, cancels) and cycles
    OperationSpec("workflows.read", R, True),
    OperationSpec("workflows.run", None, False),
    OperationSpec("catalog.search", R, True),
    OperationSpec("store_policies.read", R, True),
    OperationSpec("orders.own", None, True),
    OperationSpec("support.escalate", None, False),
)

#: operations granted to a role outright (assistants get theirs from scopes)
ROLE_GRANTS: dict[Role, frozenset[str]] = {
    Role.OPERATOR: frozenset(OPERATIONS) - {"chat.customer", "orders.own", "support.escalate",
                                             "actions.execute", "actions.expire", "kill_switch.global"},
    Role.VIEWER: frozenset(n for n, s in OPERATIONS.items() if s.read_only and n != "orders.own"),
    Role.CUSTOMER: frozenset({"chat.customer", "catalog.search", "store_policies.read",
                              "orders.own", "support.escalate"}),
    Role.SYSTEM: frozenset({"actions.execute", "actions.expire", "actions.propose", "runs.start",
                            "runs.get", "runs.list", "status.get", "audit.verify", "telemetry.read",
                            "telemetry.ingest", "telemetry.sync", "memory.read", "actions.list", "actions.get"}),
    Role.ASSISTANT: frozenset(),
    Role.AGENT: frozenset(),
}

_SPECIALIST = frozenset({"telemetry.read", "catalog.search", "actions.propose", "actions.list",
                         "actions.get", "memory.read", "runs.get"})

#: per-agent tool allowlists; an agent acting for a person also needs that person's grant
AGENT_ALLOWLISTS: dict[str, frozenset[str]] = {
    "customer_front": frozenset({"catalog.search", "store_policies.read", "support.escalate"}),
    "accounts": frozenset({"orders.own"}),
    "ceo_front": frozenset({
        "actions.list", "actions.get", "actions.approve", "actions.reject", "actions.edit_approve",
        "actions.snooze", "actions.bulk_decide", "actions.rollback", "runs.start", "runs.get",
        "runs.list", "delegate", "status.get", "autonomy.set", "kill_switch.set", "audit.read",
        "audit.verify", "handoffs.read", "performance.read", "metrics.read", "reflections.read", "agents.read",
        "memory.read", "memory.write", "memory.forget", "chat.operator", "telemetry.read", "catalog.search",
        "workflows.read", "workflows.run",
        # switching one specialist off or on (the person is checked too: only an operator may)
        "operations.configure",
    }),
    "analytics": _SPECIALIST,
    "inventory": _SPECIALIST,
    "content": _SPECIALIST,
    "risk": _SPECIALIST,
}

#: explicit denials: they win over every grant, scope and allowlist
EXPLICIT_DENY: dict[tuple[Role, str], str] = {
    (Role.ASSISTANT, "pii.reveal"): "revealing PII needs the operator in person",
    (Role.ASSISTANT, "tokens.create"): "assistants cannot mint tokens",
    (Role.ASSISTANT, "tokens.manage"): "assistants cannot see or revoke tokens",
    (Role.ASSISTANT, "connections.connect"): "store credentials are given by the operator in person",
    (Role.ASSISTANT, "connections.disconnect"): "store credentials are managed by the operator in person",
    (Role.ASSISTANT, "webhooks.add"): "webhook endpoints and their secrets are managed by the operator in person",
    (Role.ASSISTANT, "kill_switch.set"): "only the operator moves the kill switch",
    (Role.ASSISTANT, "autonomy.set"): "only the operator changes autonomy",
    (Role.VIEWER, "pii.reveal"): "viewers never see PII",
    (Role.AGENT, "pii.reveal"): "agents never reveal PII; the operator does, through an audited tool",
    (Role.CUSTOMER, "pii.reveal"): "customers cannot reveal stored PII",
}


def authorize(
    principal: Principal,
    operation: str,
    target_tenant: str,
    *,
    risk_tier: RiskTier | None = None,
) -> Decision:
    """May ``principal`` perform ``operation`` on ``target_tenant``?"""
    spec = OPERATIONS.get(operation)
    if spec is None:
        return deny(f"unknown operation {operation!r}", code="unknown_operation")
    if principal.tenant != target_tenant:
        return deny("cross-tenant access is never allowed", code="cross_tenant")
    explicit = EXPLICIT_DENY.get((principal.role, operation))
    if explicit is not None:
        return deny(explicit)
    if (spec.decides and risk_tier is RiskTier.CRITICAL
            and principal.role in (Role.ASSISTANT, Role.AGENT, Role.SYSTEM)):
        return deny("only the operator can approve a critical action", code="critical_requires_operator")
    if operation == "kill_switch.global":
        if principal.role is Role.OPERATOR and principal.local:
            return allow()
        return deny("only the operator at this installation's console moves the global kill switch")
    if _granted(principal, spec):
        return allow()
    return deny(f"{principal.role} may not call {operation}")


def _granted(principal: Principal, spec: OperationSpec) -> bool:
    if spec.name in ROLE_GRANTS[principal.role]:
        return True
    if principal.role is Role.ASSISTANT:
        return spec.scope is not None and spec.scope in principal.scopes
    if principal.role is Role.AGENT:
        return spec.name in AGENT_ALLOWLISTS.get(principal.agent or "", frozenset())
    return False
