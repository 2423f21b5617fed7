"""The agents: who they are, what they may see, and which tools they may call.

The registry is data, so more specialists can be added; tool allowlists live in the
ABAC table (``policies.abac.AGENT_ALLOWLISTS``) so one policy governs every caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from policies.abac import AGENT_ALLOWLISTS
from policies.pii.clearance import Clearance


@dataclass(frozen=True, slots=True)
class AgentSpec:
    name: str
    #: "front" (talks to a person), "sub" (works for a front agent), "specialist"
    role: str
    clearance: Clearance
    description: str

    @property
    def allowlist(self) -> frozenset[str]:
        return AGENT_ALLOWLISTS.get(self.name, frozenset())


AGENTS: dict[str, AgentSpec] = {a.name: a for a in (
    AgentSpec("customer_front", "front", Clearance.CUSTOMER_SELF,
              "talks to shoppers: products, store policies, order status (through accounts), escalation"),
    AgentSpec("accounts", "sub", Clearance.ACCOUNTS,
              "the authenticated customer's own orders, answered at what that customer may see"),
    AgentSpec("ceo_front", "front", Clearance.REDACTED,
              "the operator's agent: briefings, the action queue, decisions, delegation, runs, audit, settings"),
    AgentSpec("analytics", "specialist", Clearance.TOKENIZED,
              "conversion and engagement by landing page and channel; investigations and page repairs"),
    AgentSpec("inventory", "specialist", Clearance.TOKENIZED,
              "sales velocity, days of cover, reorders and markdowns"),
    AgentSpec("content", "specialist", Clearance.TOKENIZED,
              "search performance: titles, meta descriptions, internal links, landing pages, page speed"),
    AgentSpec("risk", "specialist", Clearance.TOKENIZED,
              "order fraud signals and refund anomalies; order holds"),
)}

SPECIALISTS: tuple[str, ...] = tuple(n for n, a in AGENTS.items() if a.role == "specialist")

#: parties of the handoff contract that are not graph agents
SYSTEM = "system"
OPERATOR_INBOX = "operator_inbox"
PARTIES: tuple[str, ...] = (*AGENTS, SYSTEM, OPERATOR_INBOX)
