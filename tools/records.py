"""Plain records the repositories return: data only, no behaviour that touches storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from policies.lifecycle import Status
from policies.tiers import AutonomyLevel, RiskTier


@dataclass(frozen=True, slots=True)
class ActionRecord:
    id: int
    tenant_id: str
    kind: str
    target: str
    agent: str
    title: str
    rationale: str
    status: Status
    version: int
    digest: str
    params: dict[str, Any]
    risk_tier: RiskTier
    expected_revenue: float
    confidence: float
    ease: float
    score: float
    evidence: list[dict[str, Any]]
    evidence_at: datetime
    rollback_plan: dict[str, Any]
    revenue_inputs: list[dict[str, Any]]
    revenue_formula: str
    run_id: int | None
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None
    snoozed_until: datetime | None
    not_before: datetime | None
    superseded_by: int | None
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class ActionSummary:
    """What a ranked list shows; evidence, arithmetic and rollback plan come with the full record."""

    id: int
    kind: str
    target: str
    agent: str
    title: str
    status: Status
    version: int
    digest: str
    params: dict[str, Any]
    risk_tier: RiskTier
    expected_revenue: float
    confidence: float
    ease: float
    score: float
    evidence_at: datetime
    created_at: datetime
    expires_at: datetime | None
    snoozed_until: datetime | None
    decided_by: str | None


@dataclass(frozen=True, slots=True)
class NewAction:
    """A validated, classified proposal ready to be stored."""

    kind: str
    target: str
    agent: str
    title: str
    rationale: str
    status: Status
    digest: str
    params: dict[str, Any]
    risk_tier: RiskTier
    expected_revenue: float
    confidence: float
    ease: float
    score: float
    evidence: list[dict[str, Any]]
    evidence_at: datetime
    rollback_plan: dict[str, Any]
    revenue_inputs: list[dict[str, Any]]
    revenue_formula: str
    run_id: int | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExecutionRecord:
    id: int
    action_id: int
    version: int
    status: str
    executor: str
    before_state: dict[str, Any]
    after_state: dict[str, Any]
    error: str
    started_at: datetime
    finished_at: datetime | None
    rolled_back_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    tenant_id: str
    seq: int
    ts: str
    actor: str
    event: str
    subject: str
    data: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class TenantRecord:
    id: str
    name: str
    autonomy_level: AutonomyLevel
    agents_enabled: bool
    overrides: dict[str, AutonomyLevel] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: int
    tenant_id: str
    prefix: str
    role: str
    scopes: tuple[str, ...]
    label: str
    customer_ref: str | None
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class KillState:
    engaged: bool
    #: "environment", "global" or "tenant": the switch that holds it
    source: str = ""
    reason: str = ""
    changed_by: str = ""
    changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class HandoffRecord:
    id: int
    thread_id: str
    from_agent: str
    to_agent: str
    kind: str
    allowed: bool
    reason: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    agent: str
    trigger: str
    principal: str
    task: str
    status: str
    progress: float
    counts: dict[str, Any]
    result: dict[str, Any]
    error: str
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    id: int
    action_id: int | None
    topic: str
    payload: dict[str, Any]
    dedupe_key: str
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConnectionRecord:
    """A tenant's connection to an outside store, as stored: never the credential itself."""

    provider: str
    shop: str
    #: where the API is reached instead of https://<shop> (a proxy or a test server), if anywhere
    api_url: str | None
    #: the credential's kind and last four characters, so the operator can tell which one it is
    token_hint: str
    #: the access scopes the credential had when last checked
    scopes: list[str]
    #: unchecked, reachable, refused (the credential was rejected), unreachable, or error
    status: str
    shop_name: str
    last_error: str
    checked_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoreCredentials:
    """What a connector needs to reach a store. Held in memory only for the call that uses it."""

    provider: str
    shop: str
    api_url: str | None
    token: str = field(repr=False)
    #: stored (``growth connect``) or settings (the single-tenant GROWTH_SHOPIFY_* shortcut)
    source: str = "stored"


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What reaching a store with a credential showed."""

    #: reachable, refused, unreachable, or error
    status: str
    shop_name: str = ""
    scopes: list[str] = field(default_factory=list)
    error: str = ""
    error_code: str = ""
