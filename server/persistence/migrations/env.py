"""Alembic environment: runs migrations on the async engine, batch mode for SQLite."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from server.persistence.db import make_engine
from server.persistence.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    existing = config.attributes.get("connection")
    if existing is not None:
        _run(existing)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_run)
            await conn.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `growth db upgrade`")
if config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    asyncio.run(_main())
