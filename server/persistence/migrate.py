"""Schema migrations (Alembic), applied by ``growth db upgrade`` and checked at start-up."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from server.persistence import audit_guard
from server.persistence.audit_guard import GuardFault
from server.persistence.db import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaOutOfDate(RuntimeError):
    """The database is not at the schema this code expects."""


class UpgradeRefused(RuntimeError):
    """A migration cannot run as asked (for example: it needs the server secret); nothing was changed."""


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


async def upgrade(url: str, revision: str = "head", *, audit_key: bytes | None = None) -> list[GuardFault]:
    """Bring the database to ``revision`` (idempotent); at head, restore any audit guard that was removed.

    ``audit_key`` (the audit chain key) signs audit heads that predate signing
    (revision 0005); a database that has such heads refuses to upgrade without it.
    Returns the guards that had to be restored.
    """
    from alembic import command

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
            rev = await conn.run_sync(_stamped)
            await conn.rollback()
        return rev
    finally:
        await engine.dispose()


def _stamped(conn: Connection) -> str | None:
    # what alembic's MigrationContext.get_current_revision reads, without loading alembic on every start
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _head_from_files() -> str:
    """The head revision read off the migration files (one linear history); alembic's answer otherwise."""
    pattern = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]?([\w]+|None)['\"]?\s*$", re.M)
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(m.groups() for m in pattern.finditer(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return head_revision()  # a merge or an unusual file: let alembic read it
        revisions.add(found["revision"])
        parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else head_revision()


async def check(url: str) -> None:
    """Refuse to run against a database that is behind (or ahead of) this code."""
    current = await current_revision(url)
    head = _head_from_files()
    if current != head:
        raise SchemaOutOfDate(
            f"the database schema is at {current or 'nothing (empty database)'}, this code needs {head}: "
            "run `growth db upgrade`")


def upgrade_sync(url: str) -> None:
    asyncio.run(upgrade(url))
