"""What the operations need from the outside world, as Protocols they own.

``server.persistence`` implements them on SQLAlchemy; tests may implement them too.
A ``Tx`` is one database transaction bound to one tenant: every repository it
hands out scopes its queries by that tenant, so isolation is structural.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol, TypeVar

from policies.lifecycle import Status
from policies.tiers import AutonomyLevel, RiskTier
from tools.records import (ActionRecord, ActionSummary, AuditRecord, ExecutionRecord, HandoffRecord, KillState,
                           NewAction, OutboxRecord, RunRecord, TenantRecord, TokenRecord)

T = TypeVar("T")


class ActionRepo(Protocol):
    async def get(self, action_id: int) -> ActionRecord | None: ...
    async def get_live(self, kind: str, target: str) -> ActionRecord | None: ...
    async def insert(self, new: NewAction, *, now: datetime, created_by: str) -> ActionRecord: ...
    async def transition(self, action_id: int, *, from_statuses: frozenset[Status], to: Status,
                         now: datetime, version: int | None = None,
                         fields: dict[str, Any] | None = None) -> ActionRecord | None: ...
    async def new_version(self, action_id: int, *, expected_version: int, params: dict[str, Any],
                          digest: str, risk_tier: RiskTier, by: str,
                          now: datetime) -> ActionRecord | None: ...
    async def ranked(self, *, statuses: frozenset[Status] | None, agent: str | None = None,
                     kind: str | None = None, risk_tier: RiskTier | None = None,
                     limit: int = 50) -> list[ActionSummary]:
        """Best first: score, then fresher evidence, then lower risk tier, then id."""
        ...
    async def due_for_execution(self, *, now: datetime, limit: int) -> list[int]: ...
    async def claim(self, *, ids: list[int] | None, now: datetime, limit: int) -> list[ActionRecord]:
        """Move approved actions (these ids, or the oldest due ones) to executing; skip ones
        another worker holds. Returns what this caller now owns."""
        ...
    async def mark(self, ids: list[int], *, from_status: Status, to: Status,
                   now: datetime) -> dict[int, ActionRecord]: ...
    async def defer(self, ids: list[int], *, until: datetime, now: datetime) -> None: ...
    async def due_to_expire(self, *, now: datetime, limit: int) -> list[int]: ...
    async def due_to_wake(self, *, now: datetime, limit: int) -> list[int]: ...
    async def add_decision(self, *, action: ActionRecord, verdict: str, principal: str, role: str,
                           reason: str, until: datetime | None, now: datetime) -> None: ...
    async def decisions(self, action_id: int) -> list[dict[str, Any]]: ...
    async def versions(self, action_id: int) -> list[dict[str, Any]]: ...
    async def count_by_status(self) -> dict[str, int]: ...
    async def stats(self) -> list[dict[str, Any]]:
        """Counts and expected revenue per (agent, kind, status)."""
        ...


class ExecutionRepo(Protocol):
    async def insert_many(self, rows: list[tuple[ActionRecord, str, dict[str, Any], dict[str, Any]]], *,
                          now: datetime) -> list[ExecutionRecord]:
        """(action, executor, before, after) rows; returned in the same order."""
        ...
    async def for_action(self, action_id: int) -> ExecutionRecord | None: ...
    async def mark_rolled_back(self, execution_id: int, *, now: datetime) -> bool: ...


class OutboxRepo(Protocol):
    async def add_many(self, rows: list[tuple[int | None, str, dict[str, Any], str]], *, now: datetime) -> None:
        """(action_id, topic, payload, dedupe_key) rows."""
        ...
    async def for_action(self, action_id: int) -> list[OutboxRecord]: ...


class StoreRepo(Protocol):
    """The engine's own copy of the store: what the local executor changes."""

    async def product_by_handle(self, handle: str) -> dict[str, Any] | None: ...
    async def product_by_id(self, product_id: int) -> dict[str, Any] | None: ...
    async def set_product_seo(self, handle: str, *, seo_title: str | None = None,
                              seo_description: str | None = None, now: datetime) -> None: ...
    async def landing_page(self, path: str) -> dict[str, Any] | None: ...
    async def set_landing_page_seo(self, path: str, *, seo_title: str | None = None,
                                   seo_description: str | None = None) -> None: ...
    async def create_landing_page(self, *, action_id: int, path: str, title: str, query: str,
                                  outline: list[str], now: datetime) -> int: ...
    async def set_landing_page_status(self, page_id: int, status: str) -> None: ...
    async def add_links(self, *, action_id: int, page_url: str,
                        links: list[dict[str, str]], now: datetime) -> list[int]: ...
    async def set_links_status(self, link_ids: list[int], status: str) -> None: ...
    async def variant(self, sku: str) -> dict[str, Any] | None: ...
    async def set_variant_price(self, sku: str, *, price: float, compare_at_price: float | None,
                                now: datetime) -> None: ...
    async def create_purchase_order(self, *, action_id: int, sku: str, quantity: int,
                                    unit_cost: float, supplier: str, now: datetime) -> int: ...
    async def set_purchase_order_status(self, po_id: int, status: str, *, now: datetime) -> None: ...
    async def order(self, name: str) -> dict[str, Any] | None: ...
    async def set_order_hold(self, name: str, *, on_hold: bool, reason: str) -> None: ...
    async def create_task(self, *, action_id: int, assignee: str, kind: str, title: str,
                          body: dict[str, Any], now: datetime) -> int: ...
    async def set_task_status(self, task_id: int, status: str, *, now: datetime) -> None: ...
    async def search_products(self, tokens: list[str], *, max_price: float | None,
                              limit: int) -> list[dict[str, Any]]: ...
    async def product_detail(self, handle: str) -> dict[str, Any] | None: ...
    async def orders_for_customer(self, customer_ref: str, *, name: str | None,
                                  limit: int) -> list[dict[str, Any]]: ...
    async def coverage(self) -> dict[str, int]:
        """Row counts of the store and telemetry tables the specialists read."""
        ...


class TenantRepo(Protocol):
    async def get(self) -> TenantRecord | None: ...
    async def ensure(self, *, name: str, now: datetime) -> TenantRecord: ...
    async def set_autonomy(self, level: AutonomyLevel) -> None: ...
    async def set_override(self, kind: str, level: AutonomyLevel | None, *, now: datetime) -> None: ...


class TokenRepo(Protocol):
    async def create(self, *, token_hash: str, prefix: str, role: str, scopes: list[str],
                     label: str, customer_ref: str | None, now: datetime) -> TokenRecord: ...
    async def list(self) -> list[TokenRecord]: ...
    async def revoke(self, token_id: int, *, now: datetime) -> bool: ...


class KillSwitchRepo(Protocol):
    async def get(self, scope: str) -> KillState: ...
    async def effective(self, *, lock: bool = False) -> KillState: ...
    async def set(self, scope: str, *, engaged: bool, reason: str, by: str, now: datetime) -> None: ...


class AuditRepo(Protocol):
    async def append_many(self, rows: list[tuple[str, str, str, str, str]]) -> list[AuditRecord]:
        """(ts, actor, event, subject, data) rows, chained in order."""
        ...
    async def chain(self) -> list[AuditRecord]: ...
    async def head(self) -> tuple[int, str] | None: ...
    async def recent(self, *, limit: int, event_prefix: str | None = None,
                     since: str | None = None) -> list[AuditRecord]: ...


class PiiRepo(Protocol):
    async def store(self, *, ref: str, entity: str, value: str, now: datetime) -> None: ...
    async def reveal(self, ref: str) -> tuple[str, str] | None: ...
    async def log_access(self, *, ref: str, principal: str, reason: str, now: datetime) -> None: ...


class RateLimitRepo(Protocol):
    async def used(self, key: str, window_start: datetime) -> int: ...
    async def bump(self, key: str, window_start: datetime, *, by: int = 1) -> int:
        """Count ``by`` more calls in the window; returns the new count."""
        ...
    async def unbump(self, key: str, window_start: datetime, *, by: int = 1) -> None: ...


class LeaseRepo(Protocol):
    async def acquire(self, name: str, *, holder: str, until: datetime, now: datetime) -> bool: ...
    async def release(self, name: str, *, holder: str) -> None: ...


class HandoffRepo(Protocol):
    async def add(self, *, thread_id: str, from_agent: str, to_agent: str, kind: str,
                  allowed: bool, reason: str, payload: dict[str, Any], now: datetime) -> HandoffRecord: ...
    async def list(self, *, thread_id: str | None = None, limit: int = 50) -> list[HandoffRecord]: ...


class RunRepo(Protocol):
    async def create(self, *, agent: str, trigger: str, principal: str, task: str,
                     now: datetime) -> RunRecord: ...
    async def update(self, run_id: int, **fields: Any) -> None: ...
    async def get(self, run_id: int) -> RunRecord | None: ...
    async def list(self, *, limit: int = 20, agent: str | None = None) -> list[RunRecord]: ...


class PreferenceStore(Protocol):
    """The operator's standing preferences (agents' shared memory), per tenant."""

    async def list(self, tenant: str) -> list[dict[str, Any]]: ...
    async def put(self, tenant: str, key: str, value: dict[str, Any]) -> None: ...
    async def delete(self, tenant: str, key: str) -> bool: ...


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

    secret: bytes
    env_kill_switch: bool = False
    rate_limit_executions: int = 120
    rate_window: timedelta = timedelta(minutes=1)
    #: the storefront's base URL (product pages are <store_url>/products/<handle>)
    store_url: str = "https://shop.example"
    max_params_bytes: int = 16_384
    max_evidence_bytes: int = 65_536


@dataclass(slots=True)
class Deps:
    db: Database
    config: EngineConfig
    clock: Callable[[], datetime] = utcnow
    #: fault-injection seam: called with a label at each step of an execution
    on_step: Callable[[str], None] | None = None
    #: awaited after an action changes (resource-change notifications, metrics)
    listeners: list[Callable[[str, int], Awaitable[None]]] = field(default_factory=list)
    #: standing preferences; None where no agent memory is wired (then none apply)
    memory: PreferenceStore | None = None

    def now(self) -> datetime:
        return self.clock()

    def step(self, label: str) -> None:
        if self.on_step is not None:
            self.on_step(label)

    async def changed(self, tenant: str, action_id: int) -> None:
        for listener in self.listeners:
            await listener(tenant, action_id)
