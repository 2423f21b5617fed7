"""Webhook endpoints and deliveries (see ``models_webhooks``); the signing secret is sealed with the vault key."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import Row

from server.persistence import models_webhooks as m
from server.persistence.keyring import KeysRotated, current_vault_generation
from server.persistence.vault import Vault
from tools.webhook_types import WebhookDeliveryRecord, WebhookEndpointRecord, WebhookResponse

WE = cast(Table, m.WebhookEndpoint.__table__)
WD = cast(Table, m.WebhookDelivery.__table__)


def _endpoint(row: Row[Any]) -> WebhookEndpointRecord:
    return WebhookEndpointRecord(id=row.id, url=row.url, topics=list(row.topics), created_by=row.created_by,
                                 created_at=row.created_at, removed_at=row.removed_at)


def _delivery(row: Row[Any]) -> WebhookDeliveryRecord:
    return WebhookDeliveryRecord(id=row.id, endpoint_id=row.endpoint_id, message_id=row.message_id,
                                 topic=row.topic, payload=row.payload, status=row.status, attempts=row.attempts,
                                 next_attempt_at=row.next_attempt_at, last_status=row.last_status,
                                 last_error=row.last_error, created_at=row.created_at,
                                 delivered_at=row.delivered_at)


class SqlWebhookRepo:
    def __init__(self, conn: Any, tenant: str, vault: Vault, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.vault = vault
        self.dialect = dialect

    async def add_endpoint(self, *, url: str, topics: list[str], secret: str, by: str,
                           now: datetime) -> WebhookEndpointRecord:
        # as for store credentials: a key replaced since this process started would seal an unreadable secret
        if await current_vault_generation(self.conn, self.dialect) != self.vault.generation:
            raise KeysRotated("the vault key was replaced (growth secret rotate) after this process started: "
                              "restart it with the new secret")
        row = (await self.conn.execute(insert(WE).values(
            tenant_id=self.tenant, url=url, topics=topics, secret_ciphertext=self.vault.seal(secret),
            created_by=by, created_at=now, removed_at=None).returning(WE))).one()
        return _endpoint(row)

    async def endpoints(self, *, include_removed: bool = False) -> list[WebhookEndpointRecord]:
        stmt = select(WE).where(WE.c.tenant_id == self.tenant)
        if not include_removed:
            stmt = stmt.where(WE.c.removed_at.is_(None))
        return [_endpoint(r) for r in (await self.conn.execute(stmt.order_by(WE.c.id))).all()]

    async def remove_endpoint(self, endpoint_id: int, *, now: datetime) -> WebhookEndpointRecord | None:
        row = (await self.conn.execute(update(WE).where(
            WE.c.tenant_id == self.tenant, WE.c.id == endpoint_id, WE.c.removed_at.is_(None))
            .values(removed_at=now).returning(WE))).first()
        if row is None:
            return None
        await self.conn.execute(update(WD).where(
            WD.c.tenant_id == self.tenant, WD.c.endpoint_id == endpoint_id, WD.c.status == "pending")
            .values(status="cancelled", next_attempt_at=None, last_error="the endpoint was removed"))
        return _endpoint(row)

    async def secret(self, endpoint_id: int) -> str | None:
        sealed = (await self.conn.execute(select(WE.c.secret_ciphertext).where(
            WE.c.tenant_id == self.tenant, WE.c.id == endpoint_id))).scalar()
        return self.vault.open(sealed) if sealed is not None else None

    async def enqueue(self, rows: list[tuple[int, str, str, dict[str, Any]]], *, now: datetime) -> None:
        if rows:
            await self.conn.execute(insert(WD), [
                dict(tenant_id=self.tenant, endpoint_id=endpoint_id, message_id=message_id, topic=topic,
                     payload=payload, status="pending", attempts=0, next_attempt_at=now, last_status=None,
                     last_error="", created_at=now, delivered_at=None)
                for endpoint_id, message_id, topic, payload in rows])

    async def claim_due(self, *, now: datetime, claim_until: datetime, limit: int,
                        ids: list[int] | None = None, topic_prefix: str | None = None) -> list[WebhookDeliveryRecord]:
        due: tuple[Any, ...] = (WD.c.tenant_id == self.tenant, WD.c.status == "pending", WD.c.next_attempt_at <= now)
        if topic_prefix is not None:
            due = (*due, WD.c.topic.startswith(topic_prefix))
        pick = select(WD.c.id).where(*due).order_by(WD.c.next_attempt_at, WD.c.id).limit(limit)
        if ids is not None:
            pick = pick.where(WD.c.id.in_(ids))
        if self.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        chosen = list((await self.conn.execute(pick)).scalars())
        if not chosen:
            return []
        # the due condition again: on SQLite the write lock already serialises passes, and this makes the
        # claim correct on its own wherever a row could have been taken between the two statements
        rows = (await self.conn.execute(update(WD).where(WD.c.id.in_(chosen), *due).values(
            attempts=WD.c.attempts + 1, next_attempt_at=claim_until).returning(WD))).all()
        return sorted((_delivery(r) for r in rows), key=lambda d: d.id)

    async def settle(self, delivery_id: int, *, attempt: int, status: str, next_attempt_at: datetime | None,
                     response: WebhookResponse, now: datetime) -> bool:
        done = await self.conn.execute(update(WD).where(
            WD.c.tenant_id == self.tenant, WD.c.id == delivery_id, WD.c.status == "pending",
            WD.c.attempts == attempt).values(
            status=status, next_attempt_at=next_attempt_at, last_status=response.status,
            last_error=response.error[:2000], delivered_at=now if status == "delivered" else None))
        return bool(done.rowcount)

    async def deliveries(self, *, status: str | None = None, limit: int = 100) -> list[WebhookDeliveryRecord]:
        stmt = select(WD).where(WD.c.tenant_id == self.tenant)
        if status is not None:
            stmt = stmt.where(WD.c.status == status)
        rows = (await self.conn.execute(stmt.order_by(WD.c.id.desc()).limit(limit))).all()
        return [_delivery(r) for r in rows]

    async def get_delivery(self, delivery_id: int) -> WebhookDeliveryRecord | None:
        row = (await self.conn.execute(select(WD).where(
            WD.c.tenant_id == self.tenant, WD.c.id == delivery_id))).first()
        return _delivery(row) if row else None

    async def requeue(self, delivery_id: int, *, now: datetime) -> bool:
        live = select(WE.c.id).where(WE.c.id == WD.c.endpoint_id, WE.c.removed_at.is_(None)).exists()
        done = await self.conn.execute(update(WD).where(
            WD.c.tenant_id == self.tenant, WD.c.id == delivery_id, WD.c.status.in_(("dead", "delivered")), live)
            .values(status="pending", attempts=0, next_attempt_at=now, delivered_at=None))
        return bool(done.rowcount)
