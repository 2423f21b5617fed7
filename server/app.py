"""``create_app()``: settings in, a wired engine out. The only place that reads Settings."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from server.persistence.db import SqlDatabase, open_database
from server.persistence.migrate import check, upgrade
from server.settings import Settings
from tools.deps import Deps, EngineConfig


@dataclass
class App:
    settings: Settings
    db: SqlDatabase
    deps: Deps
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    _chat: Any = None
    _storage: Any = None

    async def agents(self, *, brain: Any = None) -> Any:
        """The conversation service (graph, checkpointer, agents' store), opened on first use."""
        if self._chat is None:
            from graphs.brains.select import select_brain
            from graphs.graph import build_graph
            from graphs.service import ChatService
            from graphs.storage import open_agent_storage

            storage = await self._stack.enter_async_context(open_agent_storage(self.settings.database_url))
            self._storage = storage
            graph = build_graph(checkpointer=storage.checkpointer, store=storage.store)
            s = self.settings
            # "sampling" thinks with an MCP client's model, chosen per request by the MCP server; every
            # other caller (the terminal, scheduled runs) falls back to the rules brain
            kind = "rules" if s.brain == "sampling" else s.brain
            chosen = brain or select_brain(kind, api_key=s.openai_api_key.get_secret_value() if s.openai_api_key
                                           else None, base_url=s.openai_base_url, model=s.openai_model)
            if hasattr(chosen, "aclose"):
                self._stack.push_async_callback(chosen.aclose)
            self._chat = ChatService(self.deps, graph, chosen)
        return self._chat

    async def close(self) -> None:
        await self._stack.aclose()
        await self.db.close()


def engine_config(settings: Settings) -> EngineConfig:
    return EngineConfig(secret=settings.secret_bytes(), env_kill_switch=settings.kill_switch,
                        rate_limit_executions=settings.rate_limit_executions, rate_window=settings.rate_window,
                        store_url=settings.store_url)


async def prepare_schema(settings: Settings) -> None:
    """Check the schema; a brand-new embedded SQLite database is created on the spot."""
    path = settings.sqlite_path()
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        await upgrade(settings.database_url)
        return
    await check(settings.database_url)


async def create_app(settings: Settings | None = None, *, check_schema: bool = True) -> App:
    settings = settings or Settings()
    if check_schema:
        await prepare_schema(settings)
    db = open_database(settings.database_url, secret=settings.secret_bytes(),
                       busy_timeout_ms=settings.sqlite_busy_timeout_ms, pool_size=settings.db_pool_size)
    return App(settings, db, Deps(db=db, config=engine_config(settings)))
