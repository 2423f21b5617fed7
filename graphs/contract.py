"""The handoff contract: the only edges between agents, each with its typed payload.

Every other edge is refused. ``transfer()`` in ``graphs.handoff`` is the one place
that reads this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from graphs.registry import OPERATOR_INBOX, SPECIALISTS, SYSTEM


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


CustomerRef = Annotated[str, Field(pattern=r"^cus_[a-z2-7]{12}$")]
OrderName = Annotated[str, Field(pattern=r"^#?\d{1,12}$")]
Text = Annotated[str, Field(max_length=4000)]


class AccountsRequest(Payload):
    """customer_front → accounts: a question about the authenticated customer's own orders."""

    customer_ref: CustomerRef
    question: Text
    order_name: OrderName | None = None


class OrderFact(Payload):
    name: str
    placed: str
    financial_status: str
    fulfillment_status: str
    total: float
    currency: str
    on_hold: bool = False


class AccountsAnswer(Payload):
    """accounts → customer_front: the answer, reduced to what this customer may see."""

    answer: Text
    first_name: Annotated[str, Field(max_length=60)] = ""
    orders: Annotated[list[OrderFact], Field(max_length=20)] = []


class Escalation(Payload):
    """customer_front → operator inbox: becomes a ``support.escalation`` action."""

    summary: Text
    customer_ref: CustomerRef | None = None
    conversation: Annotated[str, Field(max_length=200)]
    order_name: OrderName | None = None


class SpecialistTask(Payload):
    """ceo_front or the system → a specialist: the operator's intent, never raw customer data."""

    task: Text = ""
    scope: Annotated[dict[str, str], Field(max_length=10)] = {}
    trigger: Literal["delegate", "run", "cycle"] = "delegate"
    run_id: int | None = None


class SpecialistResult(Payload):
    """A specialist → ceo_front: findings and the ids of the actions it proposed."""

    agent: str
    run_id: int | None = None
    #: disabled: the operator switched the agent off; it did not run (``tools.agent_flags``)
    status: Literal["ok", "no_data", "stale", "error", "disabled"]
    summary: Text
    findings: Annotated[list[Text], Field(max_length=50)] = []
    action_ids: Annotated[list[int], Field(max_length=200)] = []
    #: of those, the ones this run put in the queue (the rest were already waiting, unchanged)
    new_action_ids: Annotated[list[int], Field(max_length=200)] = []
    #: earlier proposals of this agent that its run no longer finds
    withdrawn: Annotated[list[int], Field(max_length=1000)] = []
    #: per check: candidates considered and rejected, by reason (what ``growth run --explain`` prints)
    screened: Annotated[dict[str, dict[str, Any]], Field(max_length=50)] = {}


@dataclass(frozen=True, slots=True)
class Edge:
    kind: str
    payload: type[Payload]
    notes: str


EDGES: dict[tuple[str, str], Edge] = {
    ("customer_front", "accounts"): Edge("delegate", AccountsRequest,
                                         "order status / account questions for the authenticated customer only"),
    ("accounts", "customer_front"): Edge("return", AccountsAnswer,
                                         "answer with PII reduced to what that customer may see"),
    ("customer_front", OPERATOR_INBOX): Edge("escalate", Escalation,
                                             "becomes a support.escalation action; never a handoff to ceo_front"),
    **{("ceo_front", s): Edge("delegate", SpecialistTask, "a task with scope: the operator's intent")
       for s in SPECIALISTS},
    **{(s, "ceo_front"): Edge("return", SpecialistResult, "findings and ids of proposed actions")
       for s in SPECIALISTS},
    **{(SYSTEM, s): Edge("run", SpecialistTask, "scheduled or manual runs") for s in SPECIALISTS},
}


def contract_table() -> list[dict[str, Any]]:
    """The contract as users read it (CLI, the ``growth://agents`` resource)."""
    return [{"from": f, "to": t, "kind": e.kind, "payload": e.payload.__name__,
             "fields": sorted(e.payload.model_fields), "notes": e.notes} for (f, t), e in EDGES.items()]
