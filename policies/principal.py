"""Who is calling: role, scopes, tenant, and for agents their name."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    ASSISTANT = "assistant"
    CUSTOMER = "customer"
    VIEWER = "viewer"
    AGENT = "agent"
    SYSTEM = "system"


#: scopes an assistant token may hold
SCOPES = frozenset({"read", "propose", "decide", "metrics"})


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    tenant: str
    #: stable, PII-free name for audit rows: "operator:local", "token:3f2a", "agent:risk"
    subject: str
    scopes: frozenset[str] = field(default_factory=frozenset)
    #: for Role.AGENT: which agent
    agent: str | None = None
    #: for Role.CUSTOMER: the tokenized customer reference this principal is
    customer_ref: str | None = None
    #: the person at this installation's console (CLI, stdio), not a remote token holder
    local: bool = False

    @classmethod
    def operator(cls, tenant: str, subject: str = "operator:local", *, local: bool = True) -> Principal:
        return cls(Role.OPERATOR, tenant, subject, local=local)

    @classmethod
    def system(cls, tenant: str, subject: str = "system:engine") -> Principal:
        return cls(Role.SYSTEM, tenant, subject)

    @classmethod
    def for_agent(cls, tenant: str, agent: str) -> Principal:
        return cls(Role.AGENT, tenant, f"agent:{agent}", agent=agent)

    @classmethod
    def customer(cls, tenant: str, customer_ref: str) -> Principal:
        return cls(Role.CUSTOMER, tenant, f"customer:{customer_ref}", customer_ref=customer_ref)
