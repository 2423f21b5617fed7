"""Schema migrations (Alembic), applied by ``growth db upgrade`` and checked at start-up."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from server.persistence import audit_guard
from server.persistence.audit_guard import GuardFault
from server.persistence.db import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaOutOfDate(RuntimeError):
    """The database is not at the schema this code expects."""


class UpgradeRefused(RuntimeError):
    """A migration cannot run as asked (for example: it needs the server secret); nothing was changed."""


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


async def upgrade(url: str, revision: str = "head", *, audit_key: bytes | None = None) -> list[GuardFault]:
    """Bring the database to ``revision`` (idempotent); at head, restore any audit guard that was removed.

    ``audit_key`` (the audit chain key) signs audit heads that predate signing
    (revision 0005); a database that has such heads refuses to upgrade without it.
    Returns the guards that had to be restored.
    """
    cfg = alembic_config(url)
    cfg.attributes["audit_key"] = audit_key
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            def _up(sync_conn: Connection) -> list[GuardFault]:
                cfg.attributes["connection"] = sync_conn
                command.upgrade(cfg, revision)
                return audit_guard.restore(sync_conn) if revision == "head" else []

            restored = await conn.run_sync(_up)
            await conn.commit()
            return restored
    finally:
        await engine.dispose()


async def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rev = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
            await conn.rollback()
        return rev
    finally:
        await engine.dispose()


async def check(url: str) -> None:
    """Refuse to run against a database that is behind (or ahead of) this code."""
    current = await current_revision(url)
    head = head_revision()
    if current != head:
        raise SchemaOutOfDate(
            f"the database schema is at {current or 'nothing (empty database)'}, this code needs {head}: "
            "run `growth db upgrade`")


def upgrade_sync(url: str) -> None:
    asyncio.run(upgrade(url))
