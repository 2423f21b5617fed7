"""A small demo store for the operations-loop tests, built once per engine and cloned per test.

The demo generator with a short catalogue, one export per source, imported through the real
importers (each source gets its import record and watermark) as of ``START``. Import the
``ops_app`` fixture (and ``ops_template``) into a test module to use it.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from policies.principal import Principal
from server.app import App, create_app
from tests.conftest import Clock, _pg_admin, _pg_url, make_settings

OP = Principal.operator("demo")
#: the tests' clock starts here: a Monday morning, UTC
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


async def small_store(app: App, folder: Path, *, products: int = 40, seed: int = 7) -> None:
    """The demo store (opportunities planted), ``products`` strong, imported as of the app's clock."""
    from server.demo.build import LEAD_TIMES, _reset, generate, write, yesterday
    from tools.ingest.upload import Upload
    from tools.registry import invoke

    store = await asyncio.to_thread(generate, seed=seed, end=yesterday(app.deps.now()), products=products)
    written = await asyncio.to_thread(write, store, folder)
    await app.deps.db.transact(OP.tenant, lambda tx: _reset(tx, app.deps))
    seen: set[str] = set()
    for f in written:
        if f.source in seen:  # one export per source is enough here
            continue
        seen.add(f.source)
        await invoke(app.deps, OP, "telemetry.ingest", source=f.source, upload=Upload.from_path(f.path),
                     options=f.options)
    for vendor, days in LEAD_TIMES.items():
        await invoke(app.deps, OP, "inventory.settings", scope="vendor", key=vendor, lead_time_days=days)


async def _build(url: str, folder: Path) -> None:
    app = await create_app(make_settings(url))
    app.deps.clock = Clock(START)
    try:
        await small_store(app, folder)
    finally:
        await app.close()


@pytest.fixture(scope="session")
def ops_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Per engine, where the built store is kept: an SQLite file, a PostgreSQL template database."""
    built: dict[str, str] = {}
    yield built
    for engine, where in built.items():
        if engine == "postgres":
            asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {where} WITH (FORCE)"))


@pytest.fixture
async def ops_app(backend: str, db_url: str, ops_template: dict[str, str], tmp_path: Path) -> AsyncIterator[App]:
    """A fresh copy of the small store, its clock at ``START`` (``app.deps.clock`` is a ``Clock``)."""
    if backend not in ops_template:
        base = db_url  # a migrated, empty database of this engine: the first test builds the store in it
        if backend == "sqlite":
            await _build(base, tmp_path / "files")
            keep = tmp_path.parent / f"ops-{uuid.uuid4().hex[:8]}.db"
            shutil.copy(base.removeprefix("sqlite+aiosqlite:///"), keep)
            ops_template[backend] = str(keep)
        else:
            await _build(base, tmp_path / "files")
            name = f"growth_ops_{uuid.uuid4().hex[:10]}"
            await _pg_admin(f"CREATE DATABASE {name} TEMPLATE {base.rsplit('/', 1)[1]}")
            ops_template[backend] = name
    if backend == "sqlite":
        target = tmp_path / "ops.db"
        shutil.copy(ops_template[backend], target)
        url = f"sqlite+aiosqlite:///{target}"
    else:
        name = f"growth_t_{uuid.uuid4().hex[:12]}"
        await _pg_admin(f"CREATE DATABASE {name} TEMPLATE {ops_template[backend]}")
        url = _pg_url(name)
    app = await create_app(make_settings(url))
    app.deps.clock = Clock(START)
    try:
        yield app
    finally:
        await app.close()
        if backend == "postgres":
            await _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def clock_of(app: App) -> Clock:
    """The settable clock ``ops_app`` gave the app."""
    assert isinstance(app.deps.clock, Clock)
    return app.deps.clock
