"""Databases: SQLite (the embedded default) and PostgreSQL, behind one interface.

SQLite runs in WAL mode with a busy timeout. Write transactions start with
``BEGIN IMMEDIATE`` — the write lock is taken up front, so a transaction never has
to upgrade a read lock, which is what makes SQLite report "database is locked" —
and writers in one process queue on an asyncio lock rather than polling the file.
Readers use a deferred BEGIN and see a consistent snapshot without blocking.
SQLite transactions run on worker threads (see ``sqlite_sync``); PostgreSQL runs
on asyncpg.

A database is opened locked: ``open_database`` unlocks its keyring with the master
secret (see ``keyring``), and only then hands out transactions, the vault and the
audit chain key.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from server.persistence import keyring
from server.persistence import models as m
from server.persistence.sqlite_sync import SyncConnection
from server.persistence.tx import SqlTx
from server.persistence.vault import Vault
from tools.audit_chain import chain_key
from tools.records import TokenRecord

T = TypeVar("T")
TxFn = Callable[[Any], Awaitable[T]]


def _locked() -> keyring.DatabaseLocked:
    return keyring.DatabaseLocked("the database is locked: open it with open_database(url, secret=...)")


#: PostgreSQL SQLSTATEs worth one more try: serialization failure, deadlock
_RETRYABLE_PG = {"40001", "40P01"}


def _sqlite_events(sync_engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get("growth_write") else "BEGIN"
        conn.exec_driver_sql(mode)


def _sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, *, busy_timeout_ms: int = 30_000, pool_size: int = 5) -> AsyncEngine:
    """An async engine (migrations, PostgreSQL); the same pragmas on SQLite."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
    _sqlite_folder(url)
    engine = create_async_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
    _sqlite_events(engine.sync_engine, busy_timeout_ms)
    return engine


class _Database:
    dialect: str

    def __init__(self, url: str) -> None:
        self.url = url
        self._keys: keyring.DataKeys | None = None
        self._vault: Vault | None = None
        self._audit_key = b""

    async def unlock(self, secret: bytes) -> None:
        """Unwrap the data keys with the master secret (creating them on a new database)."""
        self._use(await keyring.unlock(self, secret))

    def _use(self, keys: keyring.DataKeys) -> None:
        self._keys = keys
        self._vault = Vault(keys.vault, generation=keys.vault_generation)
        self._audit_key = chain_key(keys.root)

    @property
    def keys(self) -> keyring.DataKeys:
        if self._keys is None:
            raise _locked()
        return self._keys

    @property
    def root_key(self) -> bytes:
        """Keys PII references and the metrics digest (``EngineConfig.secret``)."""
        return self.keys.root

    @property
    def vault(self) -> Vault:
        if self._vault is None:
            raise _locked()
        return self._vault

    @property
    def audit_key(self) -> bytes:
        if self._keys is None:
            raise _locked()
        return self._audit_key

    async def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        from server.persistence.repos.tenants import token_record

        async def q(tx: SqlTx) -> TokenRecord | None:
            row = (await tx.conn.execute(select(m.ApiToken).where(m.ApiToken.token_hash == token_hash))).first()
            return token_record(row) if row else None

        return await self.query("*", q)

    async def active_tokens(self) -> int:
        """Tokens not revoked, across every tenant (the HTTP server will not run open without one)."""
        from sqlalchemy import func

        async def q(tx: SqlTx) -> int:
            stmt = select(func.count()).select_from(m.ApiToken).where(m.ApiToken.revoked_at.is_(None))
            return int((await tx.conn.execute(stmt)).scalar_one())

        return await self.query("*", q)

    async def audit_heads(self) -> dict[str, int]:
        """Each store's last audit seq (what a reader following the chains compares its cursors with)."""
        async def q(tx: SqlTx) -> dict[str, int]:
            rows = await tx.conn.execute(select(m.AuditHead.tenant_id, m.AuditHead.seq))
            return {tenant: int(seq) for tenant, seq in rows}

        return await self.query("*", q)

    async def tenant_ids(self) -> list[str]:
        async def q(tx: SqlTx) -> list[str]:
            return list((await tx.conn.execute(select(m.Tenant.id).order_by(m.Tenant.id))).scalars())

        return await self.query("*", q)



class PostgresDatabase(_Database):
    dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        super().__init__(url)
        self.engine = make_engine(url, pool_size=pool_size)
        self._writer = self.engine

    async def close(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def raw(self, *, write: bool) -> AsyncIterator[Any]:
        """A bare connection in one transaction, for the keyring (no tenant, no keys needed)."""
        if write:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self.engine.connect() as conn, conn.begin():
            yield conn

    @asynccontextmanager
    async def write(self, tenant: str) -> AsyncIterator[SqlTx]:
        async with self.engine.begin() as conn:
            yield SqlTx(conn, tenant, self)

    @asynccontextmanager
    async def read(self, tenant: str) -> AsyncIterator[SqlTx]:
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            async with conn.begin():
                yield SqlTx(conn, tenant, self)

    async def query(self, tenant: str, fn: TxFn[T]) -> T:
        async with self.read(tenant) as tx:
            return await fn(tx)

    async def transact(self, tenant: str, fn: TxFn[T], *, attempts: int = 4) -> T:
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


class SqliteDatabase(_Database):
    dialect = "sqlite"

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000) -> None:
        super().__init__(url)
        _sqlite_folder(url)
        sync_url = make_url(url).set(drivername="sqlite")
        self.engine = create_engine(sync_url, pool_size=8, max_overflow=8,
                                    connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False})
        _sqlite_events(self.engine, busy_timeout_ms)
        self._writer = self.engine.execution_options(growth_write=True)
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="growth-sqlite")
        self._write_lock = asyncio.Lock()
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._loops_lock = threading.Lock()
        self._closed = False

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await asyncio.get_running_loop().run_in_executor(self._pool, self.engine.dispose)
        self._pool.shutdown(wait=True)
        with self._loops_lock:
            for loop in self._loops:
                loop.close()
            self._loops.clear()

    async def _hop(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, partial(fn, *args))

    @asynccontextmanager
    async def _held_conn(self, engine: Engine, *, commit: bool) -> AsyncIterator[SyncConnection]:
        conn = await self._hop(engine.connect)
        try:
            trans = await self._hop(conn.begin)
            try:
                yield SyncConnection(conn, self._hop)
            except BaseException:
                await self._hop(trans.rollback)
                raise
            await self._hop(trans.commit if commit else trans.rollback)
        finally:
            await self._hop(conn.close)

    @asynccontextmanager
    async def _held(self, engine: Engine, tenant: str, *, commit: bool) -> AsyncIterator[SqlTx]:
        async with self._held_conn(engine, commit=commit) as conn:
            yield SqlTx(conn, tenant, self)

    @asynccontextmanager
    async def raw(self, *, write: bool) -> AsyncIterator[Any]:
        """A bare connection in one transaction, for the keyring (no tenant, no keys needed)."""
        if not write:
            async with self._held_conn(self.engine, commit=False) as conn:
                yield conn
            return
        async with self._write_lock, self._held_conn(self._writer, commit=True) as conn:
            yield conn

    @asynccontextmanager
    async def write(self, tenant: str) -> AsyncIterator[SqlTx]:
        async with self._write_lock, self._held(self._writer, tenant, commit=True) as tx:
            yield tx

    @asynccontextmanager
    async def read(self, tenant: str) -> AsyncIterator[SqlTx]:
        async with self._held(self.engine, tenant, commit=False) as tx:
            yield tx

    def _inline(self, engine: Engine, tenant: str, fn: TxFn[T], commit: bool) -> T:
        """On a worker thread: one whole transaction, driven by that thread's own loop."""
        loop = getattr(self._local, "loop", None)
        if loop is None:
            loop = self._local.loop = asyncio.new_event_loop()
            with self._loops_lock:
                self._loops.append(loop)
        with engine.connect() as conn:
            trans = conn.begin()
            try:
                result = loop.run_until_complete(fn(SqlTx(SyncConnection(conn, None), tenant, self)))
            except BaseException:
                trans.rollback()
                raise
            trans.commit() if commit else trans.rollback()
            return result

    async def query(self, tenant: str, fn: TxFn[T]) -> T:
        return await self._hop(self._inline, self.engine, tenant, fn, False)

    async def transact(self, tenant: str, fn: TxFn[T], *, attempts: int = 4) -> T:
        for attempt in range(1, attempts + 1):
            try:
                async with self._write_lock:
                    return await self._hop(self._inline, self._writer, tenant, fn, True)
            except IntegrityError:
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")


SqlDatabase = SqliteDatabase | PostgresDatabase


def connect_database(url: str, *, busy_timeout_ms: int = 30_000, pool_size: int = 10) -> SqlDatabase:
    """SQLite or PostgreSQL by URL, still locked (``unlock`` it, or inspect its keyring).

    ``pool_size`` (PostgreSQL) may double under load.
    """
    if make_url(url).get_backend_name() == "sqlite":
        return SqliteDatabase(url, busy_timeout_ms=busy_timeout_ms)
    return PostgresDatabase(url, pool_size=pool_size)


async def open_database(url: str, *, secret: bytes, busy_timeout_ms: int = 30_000,
                        pool_size: int = 10) -> SqlDatabase:
    """The database, unlocked with the master ``secret`` (``keyring.WrongSecret`` if it is not this one's)."""
    db = connect_database(url, busy_timeout_ms=busy_timeout_ms, pool_size=pool_size)
    try:
        await db.unlock(secret)
    except BaseException:
        await db.close()
        raise
    return db


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
