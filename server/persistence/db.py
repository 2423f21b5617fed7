"""Engines and transactions for SQLite (the embedded default) and PostgreSQL.

SQLite runs in WAL mode with a busy timeout. Write transactions start with
``BEGIN IMMEDIATE`` — the write lock is taken up front, so a transaction never has
to upgrade a read lock, which is what makes SQLite report "database is locked" —
and writers in one process queue on an asyncio lock rather than polling the file.
Readers use a deferred BEGIN and see a consistent snapshot without blocking.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from server.persistence import models as m
from server.persistence.vault import Vault
from tools.records import TokenRecord

T = TypeVar("T")

#: PostgreSQL SQLSTATEs worth one more try: serialization failure, deadlock
_RETRYABLE_PG = {"40001", "40P01"}


def make_engine(url: str, *, busy_timeout_ms: int = 30_000, echo: bool = False) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get("growth_write") else "BEGIN"
        conn.exec_driver_sql(mode)

    return engine


class SqlDatabase:
    """Implements ``tools.deps.Database`` on SQLAlchemy async."""

    def __init__(self, url: str, *, secret: bytes, busy_timeout_ms: int = 30_000,
                 engine: AsyncEngine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url, busy_timeout_ms=busy_timeout_ms)
        self.dialect = self.engine.dialect.name
        self.vault = Vault(secret)
        self._writer = self.engine.execution_options(growth_write=True)
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None

    async def close(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def write(self, tenant: str) -> AsyncIterator[Any]:
        from server.persistence.tx import SqlTx

        if self._write_lock is None:
            async with self._writer.begin() as conn:
                yield SqlTx(conn, tenant, self)
            return
        async with self._write_lock:
            async with self._writer.begin() as conn:
                yield SqlTx(conn, tenant, self)

    @asynccontextmanager
    async def read(self, tenant: str) -> AsyncIterator[Any]:
        from server.persistence.tx import SqlTx

        async with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            async with conn.begin():
                yield SqlTx(conn, tenant, self)

    async def transact(self, tenant: str, fn: Callable[[Any], Awaitable[T]], *, attempts: int = 4) -> T:
        """Run ``fn`` in a write transaction, retrying transient conflicts.

        A retry re-reads everything, so operations written as "check, then
        conditional update" stay correct: the loser sees the winner's commit.
        """
        for attempt in range(1, attempts + 1):
            try:
                async with self.write(tenant) as tx:
                    return await fn(tx)
            except IntegrityError:
                if attempt == attempts:
                    raise
            except DBAPIError as exc:
                if attempt == attempts or _sqlstate(exc) not in _RETRYABLE_PG:
                    raise
        raise AssertionError("unreachable")

    async def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        from server.persistence.repos.tenants import token_record

        async with self.engine.connect() as conn:
            row = (await conn.execute(select(m.ApiToken).where(m.ApiToken.token_hash == token_hash))).first()
            await conn.rollback()
        return token_record(row) if row else None

    async def tenant_ids(self) -> list[str]:
        async with self.engine.connect() as conn:
            ids = (await conn.execute(select(m.Tenant.id).order_by(m.Tenant.id))).scalars().all()
            await conn.rollback()
        return list(ids)

    async def raw(self) -> AsyncConnection:
        """A bare connection, for migrations checks and benchmarks."""
        return await self.engine.connect()


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
