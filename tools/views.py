"""JSON-ready views of records, shared by the CLI, MCP and the agents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from policies.kinds import KINDS
from tools.records import ActionRecord, ActionSummary


class ActionView(BaseModel):
    id: int
    kind: str
    target: str
    status: str
    risk_tier: str
    score: float
    expected_revenue: float
    confidence: float
    ease: float
    agent: str
    title: str
    rationale: str
    version: int
    digest: str
    params: dict[str, Any]
    evidence: list[dict[str, Any]]
    evidence_at: datetime
    rollback_plan: dict[str, Any]
    reversible: bool
    revenue_inputs: list[dict[str, Any]]
    revenue_formula: str
    created_at: datetime
    expires_at: datetime | None
    snoozed_until: datetime | None
    not_before: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    superseded_by: int | None
    run_id: int | None


class ActionSummaryView(BaseModel):
    """One line of the ranked queue; ``get_action`` has evidence, arithmetic and rollback."""

    id: int
    kind: str
    target: str
    status: str
    risk_tier: str
    score: float
    expected_revenue: float
    confidence: float
    ease: float
    agent: str
    title: str
    version: int
    digest: str
    params: dict[str, Any]
    evidence_at: datetime
    created_at: datetime
    expires_at: datetime | None
    snoozed_until: datetime | None
    decided_by: str | None


def summary_view(a: ActionSummary) -> ActionSummaryView:
    return ActionSummaryView.model_construct(
        id=a.id, kind=a.kind, target=a.target, status=a.status.value, risk_tier=a.risk_tier.value, score=a.score,
        expected_revenue=a.expected_revenue, confidence=a.confidence, ease=a.ease, agent=a.agent, title=a.title,
        version=a.version, digest=a.digest, params=a.params, evidence_at=a.evidence_at, created_at=a.created_at,
        expires_at=a.expires_at, snoozed_until=a.snoozed_until, decided_by=a.decided_by)


def action_view(a: ActionRecord) -> ActionView:
    # Built from a stored record that was validated on the way in: no second validation.
    return ActionView.model_construct(
        id=a.id, kind=a.kind, target=a.target, status=a.status.value, risk_tier=a.risk_tier.value,
        score=a.score, expected_revenue=a.expected_revenue, confidence=a.confidence, ease=a.ease,
        agent=a.agent, title=a.title, rationale=a.rationale, version=a.version, digest=a.digest,
        params=a.params, evidence=a.evidence, evidence_at=a.evidence_at, rollback_plan=a.rollback_plan,
        reversible=KINDS[a.kind].reversible if a.kind in KINDS else False,
        revenue_inputs=a.revenue_inputs, revenue_formula=a.revenue_formula, created_at=a.created_at,
        expires_at=a.expires_at, snoozed_until=a.snoozed_until, not_before=a.not_before,
        decided_by=a.decided_by, decided_at=a.decided_at, superseded_by=a.superseded_by, run_id=a.run_id,
    )
