"""What the PII detectors learn from the store: its countries, its customers' names, its catalogue."""

from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence import models as m
from server.persistence.vault import Vault

O = m.Order.__table__
P = m.Product.__table__
PV = m.PiiVaultEntry.__table__
#: enough to recognise every customer of a small store; a larger one is read most recent first
MAX_NAMES = 20_000


class SqlHintRepo:
    def __init__(self, conn: AsyncConnection, tenant: str, vault: Vault) -> None:
        self.conn = conn
        self.tenant = tenant
        self.vault = vault

    async def countries(self) -> list[str]:
        q = union(select(O.c.shipping_country.label("c")).where(O.c.tenant_id == self.tenant),
                  select(O.c.billing_country.label("c")).where(O.c.tenant_id == self.tenant))
        return sorted({c.strip().upper() for c in (await self.conn.execute(q)).scalars() if c and c.strip()})

    async def names(self) -> list[str]:
        rows = (await self.conn.execute(select(PV.c.ciphertext).where(PV.c.tenant_id == self.tenant,
                                                                       PV.c.entity == "name")
                                        .order_by(PV.c.created_at.desc()).limit(MAX_NAMES))).scalars()
        out = []
        for sealed in rows:
            try:
                out.append(self.vault.open(sealed))
            except ValueError:
                continue  # sealed under a key this process no longer holds: the rest still count
        return out

    async def catalog(self) -> list[str]:
        rows = (await self.conn.execute(select(P.c.title, P.c.vendor).where(P.c.tenant_id == self.tenant))).all()
        return [t for row in rows for t in row if t]
