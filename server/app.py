"""``create_app()``: settings in, a wired engine out. The only place that reads Settings."""

from __future__ import annotations

from dataclasses import dataclass

from server.persistence.db import SqlDatabase, open_database
from server.persistence.migrate import check, upgrade
from server.settings import Settings
from tools.deps import Deps, EngineConfig


@dataclass
class App:
    settings: Settings
    db: SqlDatabase
    deps: Deps

    async def close(self) -> None:
        await self.db.close()


def engine_config(settings: Settings) -> EngineConfig:
    return EngineConfig(secret=settings.secret_bytes(), env_kill_switch=settings.kill_switch,
                        rate_limit_executions=settings.rate_limit_executions, rate_window=settings.rate_window)


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
