"""Shared fixtures. Every storage-touching test runs on SQLite and on PostgreSQL.

PostgreSQL runs whenever it answers on 127.0.0.1:5432; with ``CI`` set it must
answer (a failure, never a silent skip). Each test gets a fresh database: a copy
of a migrated SQLite file, or a PostgreSQL database cloned from a migrated template.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from server.app import App, create_app
from server.settings import Settings

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN = f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/test"
TEST_SECRET = "test-secret-for-growth-engine-suite"


def pg_available() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


def _pg_url(name: str) -> str:
    return f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{name}"


async def _pg_admin(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user="postgres", database="test")
    try:
        for stmt in statements:
            await conn.execute(stmt)
    finally:
        await conn.close()


BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not pg_available():
        if os.environ.get("CI"):
            pytest.fail("CI is set but PostgreSQL does not answer on 127.0.0.1:5432")
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    from server.persistence.migrate import upgrade

    name = f"growth_tpl_{os.getpid()}"
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"))
    asyncio.run(upgrade(_pg_url(name)))
    yield name
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from server.persistence.migrate import upgrade

    path = tmp_path_factory.mktemp("tpl") / "template.db"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "growth.db"
        shutil.copy(template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"growth_t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f"CREATE DATABASE {name} TEMPLATE {template}"))
    yield _pg_url(name)
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def make_settings(db_url: str, **overrides: object) -> Settings:
    return Settings(database_url=db_url, secret_key=TEST_SECRET, tenant="demo", brain="rules",
                    **overrides)


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    application = await create_app(make_settings(db_url))
    yield application
    await application.close()


class Clock:
    """A settable clock for expiry, snooze and rate-limit windows."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock(app: App) -> Clock:
    c = Clock(datetime.now(timezone.utc))
    app.deps.clock = c
    return c
