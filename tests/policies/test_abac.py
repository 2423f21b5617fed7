"""The whole ABAC matrix, role by operation, against a table written out here."""

from __future__ import annotations

import pytest

from policies.abac import OPERATIONS, authorize
from policies.principal import Principal, Role
from policies.tiers import RiskTier

READ = {"actions.list", "actions.get", "runs.get", "runs.list", "status.get", "audit.read", "audit.verify",
        "handoffs.read", "performance.read", "metrics.read", "reflections.read", "agents.read", "memory.read",
        "telemetry.read", "catalog.search", "store_policies.read", "workflows.read", "experiments.read"}
PROPOSE = {"actions.propose", "runs.start", "delegate"}
DECIDE = {"actions.approve", "actions.reject", "actions.edit_approve", "actions.snooze", "actions.bulk_decide",
          "actions.rollback", "experiments.end"}
#: experiments are the operator's and their tokens': the chat agent neither lists nor ends them
EXPERIMENTS = {"experiments.read", "experiments.end"}
CHAT_OPERATOR = {"chat.operator"}
OPERATOR_ONLY = {"autonomy.set", "kill_switch.set", "memory.write", "memory.forget", "pii.reveal", "tokens.create",
                 "tokens.manage",
                 "telemetry.ingest", "inventory.settings", "telemetry.sync", "connections.connect",
                 "connections.disconnect", "connections.read",
                 "webhooks.add", "webhooks.remove", "webhooks.replay", "webhooks.list", "webhooks.deliveries"}
#: the e-mail channel: the operator configures it; its log (references only) reads like the audit log
OPERATOR_ONLY |= {"email.configure", "email.suppress", "email.unsuppress", "email.test"}
OPERATOR_ONLY |= {"operations.configure"}
EMAIL_READ = {"email.read"}
#: deliveries, purchase orders and vendors' addresses (references only) read like the e-mail log; retrying a
#: delivery and setting a vendor's address are the operator's
EMAIL_READ |= {"deliveries.list", "purchase_orders.read", "vendors.list"}
OPERATOR_ONLY |= {"deliveries.retry", "vendors.set_address", "vendors.remove_address"}
#: starting, pausing, resuming and cancelling the durable engine's workflows is the operator's
OPERATOR_ONLY |= {"workflows.run"}
SPECIALIST = {"telemetry.read", "catalog.search", "actions.propose", "actions.list", "actions.get", "memory.read",
              "runs.get"}

EXPECTED: dict[str, set[str]] = {
    "operator": READ | PROPOSE | DECIDE | CHAT_OPERATOR | OPERATOR_ONLY | EMAIL_READ,
    "operator@console": READ | PROPOSE | DECIDE | CHAT_OPERATOR | OPERATOR_ONLY | EMAIL_READ | {"kill_switch.global"},
    "viewer": READ | EMAIL_READ,
    "customer": {"chat.customer", "catalog.search", "store_policies.read", "orders.own", "support.escalate"},
    "system": {"actions.execute", "actions.expire", "actions.propose", "runs.start", "runs.get", "runs.list",
               "status.get", "audit.verify", "telemetry.read", "telemetry.ingest", "telemetry.sync", "memory.read",
               "actions.list", "actions.get"},
    "assistant[]": set(),
    "assistant[read]": READ | CHAT_OPERATOR,
    "assistant[propose]": PROPOSE,
    "assistant[decide]": DECIDE,
    "assistant[read,propose,decide]": READ | CHAT_OPERATOR | PROPOSE | DECIDE,
    "agent:customer_front": {"catalog.search", "store_policies.read", "support.escalate"},
    "agent:accounts": {"orders.own"},
    # the operator's own agent starts and lists workflows for them (the person is checked too: the operator's)
    "agent:ceo_front": (READ - {"store_policies.read"} - EXPERIMENTS) | (DECIDE - EXPERIMENTS)
                       | PROPOSE - {"actions.propose"}
                       | {"autonomy.set", "kill_switch.set", "memory.write", "memory.forget", "chat.operator",
                          "workflows.run", "operations.configure"},
    "agent:analytics": SPECIALIST, "agent:inventory": SPECIALIST, "agent:content": SPECIALIST,
    "agent:risk": SPECIALIST,
    "agent:unknown": set(),
}


def principal(key: str, tenant: str = "shop") -> Principal:
    if key.startswith("assistant["):
        scopes = frozenset(s for s in key[len("assistant["):-1].split(",") if s)
        return Principal(Role.ASSISTANT, tenant, "token:test", scopes=scopes)
    if key == "operator@console":
        return Principal.operator(tenant)
    if key.startswith("agent:"):
        return Principal.for_agent(tenant, key.split(":", 1)[1])
    return Principal(Role(key), tenant, f"{key}:test", customer_ref="cus_x" if key == "customer" else None)


def test_a_remote_operator_token_cannot_hold_every_tenant() -> None:
    assert authorize(principal("operator"), "kill_switch.set", "shop").allowed


CELLS = [(who, op) for who in EXPECTED for op in sorted(OPERATIONS)]


def test_the_table_covers_every_operation() -> None:
    assert set().union(*EXPECTED.values()) <= set(OPERATIONS)


@pytest.mark.parametrize(("who", "op"), CELLS)
def test_matrix_cell(who: str, op: str) -> None:
    decision = authorize(principal(who), op, "shop")
    assert decision.allowed is (op in EXPECTED[who]), f"{who} x {op}: {decision}"


@pytest.mark.parametrize(("who", "op"), CELLS)
def test_cross_tenant_is_always_denied(who: str, op: str) -> None:
    decision = authorize(principal(who), op, "another-shop")
    assert decision.denied and decision.code == "cross_tenant"


@pytest.mark.parametrize("who", list(EXPECTED))
def test_unknown_operation_is_denied(who: str) -> None:
    decision = authorize(principal(who), "actions.delete_everything", "shop")
    assert decision.denied and decision.code == "unknown_operation"


def test_explicit_deny_wins_over_scopes() -> None:
    everything = Principal(Role.ASSISTANT, "shop", "token:t", scopes=frozenset({"read", "propose", "decide"}))
    for op in ("pii.reveal", "tokens.create", "kill_switch.set", "autonomy.set"):
        assert authorize(everything, op, "shop").denied


@pytest.mark.parametrize("op", ["actions.approve", "actions.edit_approve", "actions.bulk_decide"])
def test_only_the_operator_approves_critical(op: str) -> None:
    assistant = principal("assistant[read,propose,decide]")
    assert authorize(assistant, op, "shop", risk_tier=RiskTier.HIGH).allowed
    denied = authorize(assistant, op, "shop", risk_tier=RiskTier.CRITICAL)
    assert denied.denied and denied.code == "critical_requires_operator"
    assert authorize(principal("operator"), op, "shop", risk_tier=RiskTier.CRITICAL).allowed
