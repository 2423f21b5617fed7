"""The handoff conformance suite: every (from, to) pair, tried for real.

For each pair of parties the suite attempts a transfer with a valid payload that
carries planted PII. It must be allowed exactly when the contract has the edge; an
allowed handoff must write its row and deliver a payload with no raw PII (and, for
specialists, no person fields); an invalid payload on an allowed edge must be refused
and recorded. ``growth check handoffs`` prints the table; the test suite runs it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphs.contract import (EDGES, AccountsAnswer, AccountsRequest, Escalation, Payload, SpecialistResult,
                             SpecialistTask)
from graphs.handoff import transfer
from graphs.registry import AGENTS, PARTIES
from policies.pii.clearance import PERSON_FIELDS, Clearance
from tools.deps import Deps
from tools.pii import customer_ref_for

CANARIES = ("canary.conformance@example.com", "+44 20 7946 0958", "4111 1111 1111 1111",
            "GB33BUKB20201555555555", "221B Baker Street")


def samples(customer_ref: str) -> dict[type[Payload], dict[str, Any]]:
    email, phone, card, iban, address = CANARIES
    return {
        AccountsRequest: {"customer_ref": customer_ref, "question": f"where is my order? email me at {email}",
                          "order_name": "#1042"},
        AccountsAnswer: {"answer": f"Order #1042 ships to {address}; we will call {phone}", "first_name": "Jane",
                         "orders": []},
        Escalation: {"summary": f"refund to card {card} or IBAN {iban}", "customer_ref": customer_ref,
                     "conversation": "conformance"},
        SpecialistTask: {"task": f"look at orders placed by {email}", "trigger": "delegate"},
        SpecialistResult: {"agent": "risk", "status": "ok", "summary": f"one order paid from {iban}",
                           "findings": [f"ship-to {address}"], "action_ids": []},
    }


INVALID: dict[type[Payload], dict[str, Any]] = {
    AccountsRequest: {"customer_ref": "someone-else", "question": "x"},
    AccountsAnswer: {"orders": "none"},
    Escalation: {"summary": 42},
    SpecialistTask: {"task": "x", "trigger": "whenever"},
    SpecialistResult: {"agent": "risk", "status": "maybe"},
}


@dataclass
class Row:
    from_agent: str
    to_agent: str
    expected: str
    got: str
    payload_check: str
    redaction: str
    logged: str

    @property
    def ok(self) -> bool:
        return (self.expected == self.got and "FAIL" not in (self.payload_check, self.redaction, self.logged))


async def run(deps: Deps, tenant: str) -> list[Row]:
    customer = customer_ref_for(deps, tenant, "conformance.customer@example.com")
    payloads = samples(customer)
    rows: list[Row] = []
    for src in PARTIES:
        for dst in PARTIES:
            edge = EDGES.get((src, dst))
            payload = payloads[edge.payload if edge else SpecialistTask]
            thread = f"conformance:{src}:{dst}"
            before = await _rows(deps, tenant, thread)
            handoff = await transfer(deps, tenant=tenant, actor="system:conformance", thread_id=thread,
                                     from_agent=src, to_agent=dst, payload=payload)
            after = await _rows(deps, tenant, thread)
            got = "allowed" if handoff.allowed else "refused"
            logged = "ok" if len(after) == len(before) + 1 and after[0]["allowed"] == handoff.allowed else "FAIL"
            redaction, validation = "-", "-"
            if edge is not None and handoff.allowed:
                text = str(handoff.payload) + str(after[0]["payload"])
                leaked = [c for c in CANARIES if c in text]
                clearance = AGENTS[dst].clearance if dst in AGENTS else Clearance.REDACTED
                person = clearance is Clearance.TOKENIZED and _has_person_fields(handoff.payload)
                redaction = "FAIL" if leaked or person else f"ok ({clearance.value})"
                bad = await transfer(deps, tenant=tenant, actor="system:conformance", thread_id=thread,
                                     from_agent=src, to_agent=dst, payload=INVALID[edge.payload])
                validation = "ok" if (not bad.allowed and bad.code == "invalid_payload"
                                      and len(await _rows(deps, tenant, thread)) == len(after) + 1) else "FAIL"
            rows.append(Row(src, dst, "allowed" if edge else "refused", got, validation, redaction, logged))
    return rows


async def _rows(deps: Deps, tenant: str, thread: str) -> list[dict[str, Any]]:
    rows = await deps.db.query(tenant, lambda tx: tx.handoffs.list(thread_id=thread, limit=1000))
    return [{"allowed": r.allowed, "payload": r.payload} for r in rows]


def _has_person_fields(value: Any) -> bool:
    if isinstance(value, dict):
        return any(k in PERSON_FIELDS or _has_person_fields(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_person_fields(v) for v in value)
    return False
