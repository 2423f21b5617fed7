"""Bulk writes below SQLAlchemy: the one place the importers touch the drivers.

A million-row import cannot afford a statement object per row. On SQLite the
rows go to the ``sqlite3`` driver's ``executemany`` (C all the way down); on
PostgreSQL they are copied into a temporary table with asyncpg's binary COPY and
merged with one ``INSERT … SELECT … ON CONFLICT``. Both run inside the caller's
transaction, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence.sqlite_sync import SyncConnection

_stage = itertools.count(1)


def _upsert_sql(table: str, columns: Sequence[str], conflict: Sequence[str], update: Sequence[str],
                source: str) -> str:
    action = ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in update)) if update else "DO NOTHING"
    return (f"INSERT INTO {table} ({', '.join(columns)}) {source} "
            f"ON CONFLICT ({', '.join(conflict)}) {action}")


async def upsert_rows(conn: AsyncConnection | SyncConnection, table: str, columns: Sequence[str],
                      rows: Iterable[Sequence[Any]], *, conflict: Sequence[str],
                      update: Sequence[str] = ()) -> None:
    """Insert ``rows`` (tuples in ``columns`` order); on a key conflict update ``update``.

    SQLite wants dates as ISO text and PostgreSQL as ``date`` objects: callers pass
    what the connection's dialect stores.
    """
    if isinstance(conn, SyncConnection):
        placeholders = "(" + ", ".join("?" for _ in columns) + ")"
        sql = _upsert_sql(table, columns, conflict, update, f"VALUES {placeholders}")
        raw = conn.sync.connection.driver_connection
        assert raw is not None
        await conn.run(raw.executemany, sql, rows)
        return
    stage = f"_stage_{table}_{next(_stage)}"
    await conn.execute(text(f"CREATE TEMP TABLE {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"))
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None
    await driver.copy_records_to_table(stage, records=rows, columns=list(columns))
    sql = _upsert_sql(table, columns, conflict, update, f"SELECT {', '.join(columns)} FROM {stage}")
    await conn.execute(text(sql))
    await conn.execute(text(f"DROP TABLE {stage}"))

