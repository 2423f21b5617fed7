"""The e-mail channel's rows: the tenant's send mode, its suppression list, and the messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Row

from server.persistence import models_email as e
from server.persistence.dialect import insert_ignore, upsert
from tools.repos import Attachment

CH = cast(Table, e.EmailChannel.__table__)
SU = cast(Table, e.EmailSuppression.__table__)
MS = cast(Table, e.EmailMessage.__table__)
AT = cast(Table, e.EmailAttachment.__table__)
CO = cast(Table, e.EmailContact.__table__)


def _message(row: Row[Any]) -> dict[str, Any]:
    d = dict(row._mapping)
    d.pop("tenant_id", None)
    return d


class SqlEmailRepo:
    def __init__(self, conn: Any, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    async def channel(self) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(CH.c.mode, CH.c.daily_cap, CH.c.updated_by, CH.c.updated_at)
                                       .where(CH.c.tenant_id == self.tenant))).first()
        return dict(row._mapping) if row else None

    async def set_channel(self, *, mode: str, daily_cap: int, by: str, now: datetime) -> None:
        values = {"tenant_id": self.tenant, "mode": mode, "daily_cap": daily_cap, "updated_by": by,
                  "updated_at": now}
        await self.conn.execute(upsert(CH, self.dialect, ["tenant_id"], values,
                                       {k: v for k, v in values.items() if k != "tenant_id"}))

    async def suppressed(self, refs: list[str]) -> dict[str, str]:
        if not refs:
            return {}
        rows = (await self.conn.execute(select(SU.c.address_ref, SU.c.reason).where(
            SU.c.tenant_id == self.tenant, SU.c.address_ref.in_(refs)))).all()
        return {r.address_ref: r.reason for r in rows}

    async def suppress(self, ref: str, *, reason: str, note: str, by: str, now: datetime) -> bool:
        done = await self.conn.execute(insert_ignore(SU, self.dialect, tenant_id=self.tenant, address_ref=ref,
                                                     reason=reason, note=note, created_by=by, created_at=now))
        return bool(done.rowcount)

    async def unsuppress(self, ref: str) -> bool:
        done = await self.conn.execute(delete(SU).where(SU.c.tenant_id == self.tenant, SU.c.address_ref == ref))
        return bool(done.rowcount)

    async def suppressions(self, *, limit: int) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(SU).where(SU.c.tenant_id == self.tenant)
                                        .order_by(SU.c.created_at.desc()).limit(limit))).all()
        return [_message(r) for r in rows]

    async def add_message(self, *, kind: str, mode: str, recipients: list[str], subject: str, text_body: str,
                          status: str, reason: str, message_id: str, by: str, now: datetime,
                          dedupe_key: str = "", attachments: Sequence[Attachment] = ()) -> int:
        row = (await self.conn.execute(insert(MS).values(
            tenant_id=self.tenant, kind=kind, mode=mode, recipients=recipients, subject=subject,
            text_body=text_body, status=status, reason=reason, error="", message_id=message_id, created_by=by,
            created_at=now, sent_at=None, dedupe_key=dedupe_key).returning(MS.c.id))).one()
        for a in attachments:
            await self.conn.execute(insert(AT).values(tenant_id=self.tenant, message_id=row.id, filename=a.filename,
                                                      content_type=a.content_type, content=a.content))
        return int(row.id)

    async def attachments(self, message_id: int) -> list[Attachment]:
        rows = (await self.conn.execute(select(AT.c.filename, AT.c.content_type, AT.c.content).where(
            AT.c.tenant_id == self.tenant, AT.c.message_id == message_id).order_by(AT.c.id))).all()
        return [Attachment(r.filename, r.content_type, bytes(r.content)) for r in rows]

    async def messages_keyed(self, prefix: str) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(MS).where(
            MS.c.tenant_id == self.tenant, MS.c.dedupe_key.startswith(prefix, autoescape=True))
            .order_by(MS.c.id))).all()
        return [_message(r) for r in rows]

    async def set_contact(self, role: str, name: str, *, ref: str, by: str, now: datetime) -> None:
        key = name.strip().lower()
        values = {"tenant_id": self.tenant, "role": role, "key": key, "name": name.strip(), "address_ref": ref,
                  "updated_by": by, "updated_at": now}
        await self.conn.execute(upsert(CO, self.dialect, ["tenant_id", "role", "key"], values,
                                       {k: values[k] for k in ("name", "address_ref", "updated_by", "updated_at")}))

    async def remove_contact(self, role: str, name: str) -> bool:
        done = await self.conn.execute(delete(CO).where(CO.c.tenant_id == self.tenant, CO.c.role == role,
                                                        CO.c.key == name.strip().lower()))
        return bool(done.rowcount)

    async def contact(self, role: str, name: str) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(CO).where(CO.c.tenant_id == self.tenant, CO.c.role == role,
                                                        CO.c.key == name.strip().lower()))).first()
        return _message(row) if row else None

    async def contacts(self, role: str) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(CO).where(CO.c.tenant_id == self.tenant, CO.c.role == role)
                                        .order_by(CO.c.key))).all()
        return [_message(r) for r in rows]

    async def message(self, message_id: int) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(MS).where(MS.c.tenant_id == self.tenant,
                                                        MS.c.id == message_id))).first()
        return _message(row) if row else None

    async def finish(self, message_id: int, *, from_status: str, status: str, error: str = "",
                     sent_at: datetime | None = None) -> bool:
        done = await self.conn.execute(update(MS).where(MS.c.tenant_id == self.tenant, MS.c.id == message_id,
                                                        MS.c.status == from_status)
                                       .values(status=status, error=error, sent_at=sent_at))
        return done.rowcount == 1

    async def messages(self, *, limit: int) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(MS).where(MS.c.tenant_id == self.tenant)
                                        .order_by(MS.c.id.desc()).limit(limit))).all()
        return [_message(r) for r in rows]
