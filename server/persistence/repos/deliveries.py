"""Deliveries to the live store (see ``models_deliveries``): enqueued by the relay, claimed row by row."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, or_, select, update
from sqlalchemy.engine import Row

from server.persistence import models as m
from server.persistence import models_deliveries as md
from server.persistence.dialect import insert_ignore
from tools.delivery_types import DeliveryRecord, NewDelivery, Settlement

SD = cast(Table, md.StoreDelivery.__table__)
OB = cast(Table, m.OutboxEvent.__table__)


def _record(row: Row[Any], dedupe_key: str = "") -> DeliveryRecord:
    return DeliveryRecord(
        id=row.id, outbox_id=row.outbox_id, action_id=row.action_id, channel=row.channel, op=row.op,
        resource=row.resource, expected=row.expected, target=row.target, state=row.state, attempts=row.attempts,
        reason=row.reason, error_code=row.error_code, live=row.live, remote_ids=row.remote_ids or {},
        response=row.response or {}, next_attempt_at=row.next_attempt_at, created_at=row.created_at,
        updated_at=row.updated_at, delivered_at=row.delivered_at, dedupe_key=dedupe_key)


class SqlDeliveryRepo:
    def __init__(self, conn: Any, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    def _claimable(self, now: datetime) -> Any:
        due = or_(SD.c.next_attempt_at.is_(None), SD.c.next_attempt_at <= now)
        # a delivering row whose claim lapsed belongs to a worker that died mid-attempt
        return and_(SD.c.tenant_id == self.tenant, SD.c.state.in_(("pending", "delivering")), due)

    async def undelivered_events(self, topics: tuple[str, ...], *,
                                 limit: int) -> list[tuple[int, int | None, str, dict[str, Any], str]]:
        known = select(SD.c.id).where(SD.c.outbox_id == OB.c.id).exists()
        rows = (await self.conn.execute(select(OB.c.id, OB.c.action_id, OB.c.topic, OB.c.payload, OB.c.dedupe_key)
                                        .where(OB.c.tenant_id == self.tenant, OB.c.topic.in_(topics), ~known)
                                        .order_by(OB.c.id).limit(limit))).all()
        return [(r.id, r.action_id, r.topic, r.payload, r.dedupe_key) for r in rows]

    async def add_many(self, rows: list[NewDelivery], *, now: datetime) -> int:
        added = 0
        for d in rows:
            done = await self.conn.execute(insert_ignore(
                SD, self.dialect, tenant_id=self.tenant, outbox_id=d.outbox_id, action_id=d.action_id,
                channel=d.channel, op=d.op, resource=d.resource, expected=d.expected, target=d.target, state=d.state,
                attempts=0, reason=d.reason, error_code="", live=None, remote_ids={}, response={},
                next_attempt_at=None, created_at=now, updated_at=now, delivered_at=None))
            added += done.rowcount or 0
        return added

    async def due(self, *, now: datetime, limit: int) -> list[tuple[int, str, int, datetime | None]]:
        """What a relay hands to the durable engine: (id, channel, attempts, next_attempt_at) of each due row."""
        rows = (await self.conn.execute(select(SD.c.id, SD.c.channel, SD.c.attempts, SD.c.next_attempt_at)
                                        .where(self._claimable(now)).order_by(SD.c.id).limit(limit))).all()
        return [(r.id, r.channel, r.attempts, r.next_attempt_at) for r in rows]

    async def next_due(self, *, now: datetime, channels: tuple[str, ...] | None = None) -> DeliveryRecord | None:
        pick = (select(SD, OB.c.dedupe_key).join(OB, OB.c.id == SD.c.outbox_id).where(self._claimable(now))
                .order_by(SD.c.id).limit(1))
        if channels is not None:
            pick = pick.where(SD.c.channel.in_(channels))
        if self.dialect == "postgresql":
            pick = pick.with_for_update(of=SD, skip_locked=True)
        row = (await self.conn.execute(pick)).first()
        return _record(row, row.dedupe_key) if row else None

    async def claim(self, delivery_id: int, *, attempt: int, now: datetime, until: datetime) -> DeliveryRecord | None:
        # the claimable condition and the attempt again: whoever moved the row first owns it
        row = (await self.conn.execute(update(SD).where(SD.c.id == delivery_id, SD.c.attempts == attempt,
                                                        self._claimable(now))
                                       .values(state="delivering", attempts=attempt + 1, next_attempt_at=until,
                                               updated_at=now).returning(SD))).first()
        if row is None:
            return None
        key = (await self.conn.execute(select(OB.c.dedupe_key).where(OB.c.id == row.outbox_id))).scalar_one()
        return _record(row, key)

    async def settle(self, delivery_id: int, *, attempt: int, result: Settlement, now: datetime) -> bool:
        done = await self.conn.execute(update(SD).where(
            SD.c.tenant_id == self.tenant, SD.c.id == delivery_id, SD.c.attempts == attempt,
            SD.c.state == "delivering").values(
            state=result.state, reason=result.reason[:2000], error_code=result.error_code, live=result.live,
            remote_ids=result.remote_ids, response=result.response, next_attempt_at=result.next_attempt_at,
            updated_at=now, delivered_at=now if result.state == "delivered" else None))
        if done.rowcount and result.state == "delivered":
            outbox_id = select(SD.c.outbox_id).where(SD.c.id == delivery_id).scalar_subquery()
            await self.conn.execute(update(OB).where(OB.c.id == outbox_id).values(delivered_at=now,
                                                                                 attempts=attempt))
        return bool(done.rowcount)

    async def cancel(self, delivery_id: int, *, reason: str, now: datetime) -> bool:
        done = await self.conn.execute(update(SD).where(
            SD.c.tenant_id == self.tenant, SD.c.id == delivery_id, SD.c.state == "pending").values(
            state="cancelled", reason=reason, next_attempt_at=None, updated_at=now))
        return bool(done.rowcount)

    async def set_pending_reason(self, reason: str, *, now: datetime, channel: str | None = None) -> int:
        stmt = update(SD).where(SD.c.tenant_id == self.tenant, SD.c.state == "pending", SD.c.reason != reason)
        if channel is not None:
            stmt = stmt.where(SD.c.channel == channel)
        done = await self.conn.execute(stmt.values(reason=reason, updated_at=now))
        return int(done.rowcount or 0)

    async def reopen(self, delivery_id: int, *, reason: str, now: datetime,
                     expected: dict[str, Any] | None = None) -> DeliveryRecord | None:
        values: dict[str, Any] = {"state": "pending", "reason": reason[:2000], "error_code": "",
                                  "next_attempt_at": None, "updated_at": now}
        if expected is not None:
            values["expected"] = expected
        done = await self.conn.execute(update(SD).where(
            SD.c.tenant_id == self.tenant, SD.c.id == delivery_id,
            SD.c.state.in_(("delivery_failed", "conflict"))).values(**values))
        return await self.get(delivery_id) if done.rowcount else None

    async def recent(self, *, states: tuple[str, ...] | None, channel: str | None, action_id: int | None,
                     limit: int) -> list[DeliveryRecord]:
        stmt = select(SD, OB.c.dedupe_key).join(OB, OB.c.id == SD.c.outbox_id).where(SD.c.tenant_id == self.tenant)
        if states is not None:
            stmt = stmt.where(SD.c.state.in_(states))
        if channel is not None:
            stmt = stmt.where(SD.c.channel == channel)
        if action_id is not None:
            stmt = stmt.where(SD.c.action_id == action_id)
        rows = (await self.conn.execute(stmt.order_by(SD.c.id.desc()).limit(limit))).all()
        return [_record(r, r.dedupe_key) for r in rows]

    async def defer(self, delivery_id: int, *, until: datetime, reason: str, now: datetime) -> None:
        await self.conn.execute(update(SD).where(SD.c.tenant_id == self.tenant, SD.c.id == delivery_id,
                                                 SD.c.state == "pending").values(
            next_attempt_at=until, reason=reason, updated_at=now))

    async def for_action(self, action_id: int) -> list[DeliveryRecord]:
        rows = (await self.conn.execute(select(SD, OB.c.dedupe_key).join(OB, OB.c.id == SD.c.outbox_id).where(
            SD.c.tenant_id == self.tenant, SD.c.action_id == action_id).order_by(SD.c.id))).all()
        return [_record(r, r.dedupe_key) for r in rows]

    async def latest_states(self, action_ids: list[int]) -> dict[int, str]:
        if not action_ids:
            return {}
        rows = (await self.conn.execute(select(SD.c.action_id, SD.c.state).where(
            SD.c.tenant_id == self.tenant, SD.c.action_id.in_(action_ids), SD.c.state != "skipped").order_by(
            SD.c.id))).all()
        return {r.action_id: r.state for r in rows}  # the newest of each wins: rows come oldest first

    async def get(self, delivery_id: int) -> DeliveryRecord | None:
        row = (await self.conn.execute(select(SD, OB.c.dedupe_key).join(OB, OB.c.id == SD.c.outbox_id).where(
            SD.c.tenant_id == self.tenant, SD.c.id == delivery_id))).first()
        return _record(row, row.dedupe_key) if row else None
