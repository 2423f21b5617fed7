"""Tables. Every row belongs to exactly one tenant; repositories scope every query by it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from policies.lifecycle import LIVE
from server.persistence.types import JsonType, UTCDateTime

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Id = BigInteger().with_variant(Integer(), "sqlite")

LIVE_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in sorted(LIVE)) + ")"


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JsonType, list[Any]: JsonType}


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    autonomy_level: Mapped[str] = mapped_column(String(20), default="supervised")
    agents_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class AutonomyOverride(Base):
    __tablename__ = "autonomy_overrides"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(100), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime]


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(20))
    scopes: Mapped[list[Any]]
    label: Mapped[str] = mapped_column(String(200), default="")
    customer_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Action(Base):
    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    kind: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(2000))
    agent: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    digest: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]]
    risk_tier: Mapped[str] = mapped_column(String(10))
    #: 0 (low) .. 3 (critical): the last ranking tie-breaker, kept as a number for the index
    tier_rank: Mapped[int] = mapped_column(Integer)
    expected_revenue: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    ease: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[Any]]
    evidence_at: Mapped[datetime]
    rollback_plan: Mapped[dict[str, Any]]
    revenue_inputs: Mapped[list[Any]]
    revenue_formula: Mapped[str] = mapped_column(String(500), default="")
    run_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    #: a rate-limited or kill-switched execution waits until then
    not_before: Mapped[datetime | None]
    superseded_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    __table_args__ = (
        # the ranked queue reads straight off this index: no sort, whatever the queue length
        Index("ix_actions_queue", "tenant_id", "status", text("score DESC"), text("evidence_at DESC"),
              "tier_rank", "id"),
        Index("uq_actions_live", "tenant_id", "kind", "target", unique=True,
              sqlite_where=text(LIVE_SQL), postgresql_where=text(LIVE_SQL)),
        # the memory of decisions: a (kind, target)'s last refusal in one lookup
        Index("ix_actions_kind_target", "tenant_id", "kind", "target", "updated_at"),
    )


class ActionVersion(Base):
    __tablename__ = "action_versions"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]]
    risk_tier: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("action_id", "version"),)


class DecisionRow(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(20))
    principal: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Execution(Base):
    __tablename__ = "executions"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    #: one execution per action, ever: the database enforces exactly-once
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    executor: Mapped[str] = mapped_column(String(100))
    before_state: Mapped[dict[str, Any]]
    after_state: Mapped[dict[str, Any]]
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    rolled_back_at: Mapped[datetime | None]


class OutboxEvent(Base):
    __tablename__ = "outbox_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    action_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    topic: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]]
    #: the effect's identity, so an effect can be announced only once
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class AuditEvent(Base):
    """Append-only (database triggers refuse UPDATE and DELETE), hash-chained per tenant."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(63))
    seq: Mapped[int] = mapped_column(BigInteger)
    #: ISO-8601 UTC text, hashed exactly as stored
    ts: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(2000))
    #: canonical JSON text, hashed exactly as stored
    data: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("tenant_id", "seq"), Index("ix_audit_event", "tenant_id", "event"))


class AuditHead(Base):
    """The last link of each tenant's chain, so a truncated tail is noticed.

    Signed with the chain key (``mac``) and only moves forward (database triggers).
    """

    __tablename__ = "audit_heads"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    #: tools.audit_chain.head_mac of (tenant, seq, hash); empty: not signed
    mac: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AgentHandoff(Base):
    __tablename__ = "agent_handoffs"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    thread_id: Mapped[str] = mapped_column(String(200))
    from_agent: Mapped[str] = mapped_column(String(60))
    to_agent: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    allowed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class StandingRule(Base):
    """The operator's standing rules ("never discount Wick Studio"), read on every proposing path."""

    __tablename__ = "standing_rules"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    rule: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    forgotten_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)


class PiiVaultEntry(Base):
    __tablename__ = "pii_vault"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    ref: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(20))
    #: the raw value, encrypted with the keyring's vault key
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("tenant_id", "ref"),)


class PiiAccess(Base):
    __tablename__ = "pii_access_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    ref: Mapped[str] = mapped_column(String(64))
    principal: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class KeyringEntry(Base):
    """The database's data keys, each wrapped with a key derived from the master secret.

    Database-wide rather than per tenant (like the schema version): ``root`` keys PII
    references, the audit chain and the metrics digest; ``vault`` encrypts the PII vault.
    """

    __tablename__ = "keyring"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: rises by one each time the key is replaced (``growth secret rotate`` replaces the vault key)
    generation: Mapped[int] = mapped_column(Integer)
    #: the key, Fernet-encrypted with the key-encryption key derived from the master secret
    wrapped: Mapped[str] = mapped_column(Text)
    #: random, or legacy (adopted from a database written before the keyring)
    origin: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    #: when the key was last re-wrapped under a new master secret (it kept its value)
    rotated_at: Mapped[datetime | None]


class StoreConnection(Base):
    """A tenant's connection to an outside store (the Shopify Admin API): where, and the credential.

    The credential is sealed with the keyring's vault key, like the PII vault, and
    re-encrypted with it by ``growth secret rotate``; nothing but the repository's
    ``credential`` ever opens it, and no view or audit event carries it.
    """

    __tablename__ = "store_connections"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), primary_key=True)
    shop: Mapped[str] = mapped_column(String(255))
    #: instead of https://<shop>: a proxy or a test server
    api_url: Mapped[str | None] = mapped_column(String(500))
    token_ciphertext: Mapped[str] = mapped_column(Text)
    #: the credential's kind and last four characters (shpat_…1a2b), for the operator to recognise it
    token_hint: Mapped[str] = mapped_column(String(40))
    #: what the last check found: the access scopes, the status, the shop's name, the error
    scopes: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(20))
    shop_name: Mapped[str] = mapped_column(String(255), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RateLimitWindow(Base):
    __tablename__ = "rate_limit_windows"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class TenantLease(Base):
    __tablename__ = "tenant_leases"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]


class KillSwitch(Base):
    """Scope ``*`` is the whole installation; any other scope is a tenant id."""

    __tablename__ = "kill_switches"
    scope: Mapped[str] = mapped_column(String(63), primary_key=True)
    engaged: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime]


class Task(Base):
    """Work handed to a person (operator, developer) or queued for an agent."""

    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    action_id: Mapped[int] = mapped_column(BigInteger, index=True)
    assignee: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    agent: Mapped[str] = mapped_column(String(60))
    trigger: Mapped[str] = mapped_column(String(60))
    principal: Mapped[str] = mapped_column(String(200))
    task: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    counts: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any]]
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


# The store's own tables, telemetry, e-mail, webhooks and deliveries live in their own modules; importing
# them registers them on Base (the store's tables are re-exported: m.Product, m.Order, ...).
from server.persistence.models_store import (Product, Variant, Order, OrderLine, PurchaseOrder, LandingPage, InternalLinkRow)  # noqa: E402,F401
from server.persistence import models_telemetry as _telemetry  # noqa: E402,F401
from server.persistence import models_email as _email  # noqa: E402,F401  (the e-mail channel, 0008)
from server.persistence import models_webhooks as _webhooks  # noqa: E402,F401  (webhooks, 0009)
from server.persistence import models_deliveries as _deliveries  # noqa: E402,F401  (store deliveries, 0010)
from server.persistence import models_outcomes as _outcomes  # noqa: E402,F401  (outcomes and learning, 0011)
from server.persistence import models_operations as _operations  # noqa: E402,F401  (the operations loop, 0012)
from server.persistence import models_workers as _workers  # noqa: E402,F401  (the durable engine's workers, 0013)
from server.persistence import models_web as _web  # noqa: E402,F401  (the web console's sessions, 0016)
