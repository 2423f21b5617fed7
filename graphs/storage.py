"""Where conversations and agents' memory live: the LangGraph checkpointer and store.

SQLite (the default) keeps them beside the engine's database file — ``checkpoints.db``
and ``memory.db``, one writer each, so neither ever waits on the other's lock;
PostgreSQL keeps both in the engine's database through a psycopg pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url


@dataclass
class AgentStorage:
    checkpointer: Any
    store: Any
    location: str


def agents_folder(database_url: str) -> Path | None:
    """The folder of the SQLite checkpoint and memory files: the engine database's own."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise ValueError("conversations need a file-based SQLite database (or PostgreSQL)")
    return Path(url.database).expanduser().parent


def psycopg_conninfo(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@asynccontextmanager
async def open_agent_storage(database_url: str) -> AsyncIterator[AgentStorage]:
    folder = agents_folder(database_url)
    if folder is not None:
        import aiosqlite
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
        from langgraph.store.sqlite.aio import AsyncSqliteStore

        folder.mkdir(parents=True, exist_ok=True)
        async with aiosqlite.connect(str(folder / "checkpoints.db"), timeout=30) as saver_conn, \
                aiosqlite.connect(str(folder / "memory.db"), timeout=30, isolation_level=None) as store_conn:
            for conn in (saver_conn, store_conn):
                # WAL with synchronous=NORMAL: a crashed process loses nothing committed
                await conn.execute("PRAGMA journal_mode=WAL")
                await conn.execute("PRAGMA synchronous=NORMAL")
                await conn.execute("PRAGMA busy_timeout=30000")
            saver = AsyncSqliteSaver(saver_conn)
            await saver.setup()
            store = AsyncSqliteStore(store_conn)
            await store.setup()
            yield AgentStorage(saver, store, str(folder))
        return
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from langgraph.store.postgres.aio import AsyncPostgresStore
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool

    conninfo = psycopg_conninfo(database_url)
    async with AsyncConnectionPool(conninfo, min_size=1, max_size=10, open=False,
                                   kwargs={"autocommit": True, "prepare_threshold": 0,
                                           "row_factory": dict_row}) as pool:
        saver = AsyncPostgresSaver(pool)  # type: ignore[arg-type]
        await saver.setup()
        store = AsyncPostgresStore(pool)  # type: ignore[arg-type]
        await store.setup()
        yield AgentStorage(saver, store, make_url(database_url).render_as_string(hide_password=True))
