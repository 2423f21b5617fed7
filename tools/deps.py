"""What the operations need from the outside world, as Protocols they own.

``server.persistence`` implements them on SQLAlchemy; tests may implement them too. The
repositories' own Protocols are in ``tools.repos``; ``Tx`` gathers them here.
A ``Tx`` is one database transaction bound to one tenant: every repository it
hands out scopes its queries by that tenant, so isolation is structural.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol, TypeVar

from policies.principal import Principal
from tools.delivery_types import DeliveryRepo
from tools.records import TokenRecord
from tools.repos import (ActionRepo, AuditRepo, CommerceRepo, ConnectionRepo, EmailRepo, ExecutionRepo, Ga4Repo,
                         GscRepo, HandoffRepo, HintRepo, KillSwitchRepo, LeaseRepo, Mailer, OutboxRepo, PiiRepo,
                         RateLimitRepo, RuleRepo, RunRepo, StoreRepo, TelemetryRepo, TenantRepo, TokenRepo)
from tools.webhook_types import WebhookRepo
from tools.outcome_types import OutcomeRepo
from tools.ops_types import AgentFlagRepo, CycleRepo, NotificationRepo, SettingRepo

T = TypeVar("T")


class Tx(Protocol):
    tenant: str
    dialect: str
    actions: ActionRepo
    executions: ExecutionRepo
    outbox: OutboxRepo
    store: StoreRepo
    tenants: TenantRepo
    tokens: TokenRepo
    kill: KillSwitchRepo
    audit: AuditRepo
    pii: PiiRepo
    ratelimits: RateLimitRepo
    leases: LeaseRepo
    handoffs: HandoffRepo
    runs: RunRepo
    telemetry: TelemetryRepo
    gsc: GscRepo
    ga4: Ga4Repo
    commerce: CommerceRepo
    rules: RuleRepo
    hints: HintRepo
    connections: ConnectionRepo
    webhooks: WebhookRepo
    email: EmailRepo
    deliveries: DeliveryRepo
    outcomes: OutcomeRepo
    cycles: CycleRepo
    flags: AgentFlagRepo
    notifications: NotificationRepo
    settings: SettingRepo

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: an error inside rolls back only what it did."""
        ...


class Database(Protocol):
    dialect: str

    def write(self, tenant: str) -> AbstractAsyncContextManager[Tx]:
        """One write transaction; commits on exit, rolls back on error."""
        ...

    def read(self, tenant: str) -> AbstractAsyncContextManager[Tx]:
        """One read-only transaction (a consistent snapshot)."""
        ...

    async def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        """Tokens are looked up before the tenant is known; this is the one unscoped read."""
        ...

    async def tenant_ids(self) -> list[str]: ...

    async def query(self, tenant: str, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """``fn`` in one read-only transaction (the fast path for reads)."""
        ...

    async def transact(self, tenant: str, fn: Callable[[Tx], Awaitable[T]], *, attempts: int = 4) -> T:
        """``fn`` in a write transaction, retried on transient conflicts (it must re-read)."""
        ...


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """The slice of settings the operations read (never the environment)."""

    #: the root data key from the database's keyring (not the master secret): keys PII references,
    #: the audit chain and the metrics digest
    secret: bytes
    env_kill_switch: bool = False
    #: GROWTH_AGENTS_ENABLED: false, no specialist runs, run-all, delegation or cycle starts
    agents_enabled: bool = True
    rate_limit_executions: int = 120
    rate_window: timedelta = timedelta(minutes=1)
    #: the storefront's base URL (product pages are <store_url>/products/<handle>)
    store_url: str = "https://shop.example"
    max_params_bytes: int = 16_384
    max_evidence_bytes: int = 65_536
    #: the e-mail channel (see tools/email.py): the mode and cap of a tenant that has not chosen its own
    email_mode: str = "dry_run"
    email_daily_cap: int = 50
    #: the operator's own addresses (internal_only sends only there) and limited_live's allowlist
    email_internal: tuple[str, ...] = ()
    email_allowlist: tuple[str, ...] = ()
    email_from: str = "growth-engine@localhost"
    #: GROWTH_WEBHOOK_PRIVATE_NETWORKS: webhooks may go to private network addresses (never to link-local ones)
    webhook_private_networks: bool = False


class WorkflowDesk(Protocol):
    """Starts and lists the operator's workflows (``server.durable.desk``; None where no durable engine can be
    reached): the agents' toolkit offers them to the operator's conversation."""

    #: template name -> what it does
    templates: dict[str, str]

    async def start(self, principal: Principal, template: str) -> dict[str, Any]: ...

    async def recent(self, principal: Principal, limit: int) -> list[dict[str, Any]]:
        """The store's workflows, newest first."""
        ...


@dataclass(slots=True)
class Deps:
    db: Database
    config: EngineConfig
    clock: Callable[[], datetime] = utcnow
    #: fault-injection seam: called with a label at each step of an execution
    on_step: Callable[[str], None] | None = None
    #: awaited after an action changes (resource-change notifications, metrics)
    listeners: list[Callable[[str, int], Awaitable[None]]] = field(default_factory=list)
    #: awaited after a notification is recorded, with the tenant and its kind (MCP listeners hear it)
    notices: list[Callable[[str, str], Awaitable[None]]] = field(default_factory=list)
    #: the e-mail transport (SMTP); None: nothing can leave, every message fails with no_mailer
    mailer: Mailer | None = None
    #: the operator's workflows on the durable engine; None: none can be started from here
    workflows: WorkflowDesk | None = None

    def now(self) -> datetime:
        return self.clock()

    def step(self, label: str) -> None:
        if self.on_step is not None:
            self.on_step(label)

    async def changed(self, tenant: str, action_id: int) -> None:
        for listener in self.listeners:
            await listener(tenant, action_id)
