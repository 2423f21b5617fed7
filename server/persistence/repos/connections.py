"""Connections to outside stores, the credential sealed with the vault key (see ``models.StoreConnection``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.engine import Row

from server.persistence import models as m
from server.persistence.dialect import upsert
from server.persistence.keyring import KeysRotated, current_vault_generation
from server.persistence.vault import Vault
from tools.records import ConnectionRecord, ProbeResult

SC = cast(Table, m.StoreConnection.__table__)


def token_hint(token: str) -> str:
    """``shpat_…1a2b``: the credential's kind (the part before its last underscore) and its last four characters."""
    kind, _, _ = token.rpartition("_")
    tail = token[-4:] if len(token) >= 16 else ""
    return f"{kind + '_' if kind and len(kind) <= 12 else ''}…{tail}"


def _record(row: Row[Any]) -> ConnectionRecord:
    return ConnectionRecord(provider=row.provider, shop=row.shop, api_url=row.api_url, token_hint=row.token_hint,
                            scopes=list(row.scopes or []), status=row.status, shop_name=row.shop_name,
                            last_error=row.last_error, checked_at=row.checked_at, created_by=row.created_by,
                            created_at=row.created_at, updated_at=row.updated_at)


class SqlConnectionRepo:
    def __init__(self, conn: Any, tenant: str, vault: Vault, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.vault = vault
        self.dialect = dialect

    def _mine(self) -> Any:
        return SC.c.tenant_id == self.tenant

    async def get(self, provider: str) -> ConnectionRecord | None:
        row = (await self.conn.execute(select(SC).where(self._mine(), SC.c.provider == provider))).first()
        return _record(row) if row else None

    async def list(self) -> list[ConnectionRecord]:
        rows = (await self.conn.execute(select(SC).where(self._mine()).order_by(SC.c.provider))).all()
        return [_record(r) for r in rows]

    async def save(self, *, provider: str, shop: str, api_url: str | None, token: str, by: str,
                   now: datetime) -> bool:
        # the same guard as the PII vault's: a key replaced by `growth secret rotate` since this process
        # started would seal a credential nobody could open again
        if await current_vault_generation(self.conn, self.dialect) != self.vault.generation:
            raise KeysRotated("the vault key was replaced (growth secret rotate) after this process started: "
                              "restart it with the new secret")
        replaced = await self.get(provider) is not None
        values: dict[str, Any] = {"tenant_id": self.tenant, "provider": provider, "shop": shop, "api_url": api_url,
                  "token_ciphertext": self.vault.seal(token), "token_hint": token_hint(token), "scopes": [],
                  "status": "unchecked", "shop_name": "", "last_error": "", "checked_at": None, "created_by": by,
                  "created_at": now, "updated_at": now}
        changed = {k: v for k, v in values.items() if k not in ("tenant_id", "provider", "created_at")}
        await self.conn.execute(upsert(SC, self.dialect, ["tenant_id", "provider"], values, changed))
        return replaced

    async def record_check(self, provider: str, result: ProbeResult, *, now: datetime) -> None:
        values: dict[str, Any] = {"status": result.status, "last_error": result.error, "checked_at": now}
        if result.status == "reachable":
            values.update(scopes=sorted(result.scopes), shop_name=result.shop_name)
        await self.conn.execute(update(SC).where(self._mine(), SC.c.provider == provider).values(**values))

    async def delete(self, provider: str) -> bool:
        done = await self.conn.execute(delete(SC).where(self._mine(), SC.c.provider == provider))
        return bool(done.rowcount)

    async def credential(self, provider: str) -> str | None:
        sealed = (await self.conn.execute(select(SC.c.token_ciphertext).where(
            self._mine(), SC.c.provider == provider))).scalar()
        return self.vault.open(sealed) if sealed is not None else None
