"""SQLite without per-statement thread hops.

SQLite is a blocking library. aiosqlite hides that by sending every call (cursor,
execute, fetch, close) to a helper thread, which costs several thread hops per
statement. Here a whole transaction runs on a worker thread instead — one hop —
against the plain ``sqlite3`` driver, through an adapter that offers the awaitable
``execute`` the repositories use. Where a caller holds a transaction open across its
own awaits (``Database.read()/write()``), each statement makes one hop instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.engine import Connection, Result

Hop = Callable[..., Any]


class SyncConnection:
    """A sync SQLAlchemy connection behind the awaitable API of ``AsyncConnection``."""

    def __init__(self, conn: Connection, hop: Hop | None) -> None:
        self.sync = conn
        self.dialect = conn.dialect
        #: None when already on the worker thread; else a coroutine function running a call there
        self._hop = hop

    async def execute(self, statement: Any, parameters: Any = None) -> Result[Any]:
        if self._hop is None:
            return self.sync.execute(statement, parameters)
        return await self._hop(self._buffered, statement, parameters)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Call a blocking driver function on the transaction's thread."""
        if self._hop is None:
            return fn(*args)
        return await self._hop(fn, *args)

    def _buffered(self, statement: Any, parameters: Any) -> Result[Any]:
        # Rows are fetched on the worker thread, so the caller's loop never steps SQLite.
        result = self.sync.execute(statement, parameters)
        return result.freeze()() if result.returns_rows else result

    @asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[None]:
        if self._hop is None:
            with self.sync.begin_nested():
                yield
            return
        nested = await self._hop(self.sync.begin_nested)
        try:
            yield
        except BaseException:
            await self._hop(nested.rollback)
            raise
        await self._hop(nested.commit)
