"""Shared fixtures. Every storage-touching test runs on SQLite and on PostgreSQL.

PostgreSQL must answer on 127.0.0.1:5432: a run that would need it and cannot reach it
stops at once with what to do (a failure, never a silent skip). ``--sqlite-only``
(``make test-sqlite``) is the explicit way to leave it out. The run's summary says which
engines ran. Each test gets a fresh database: a copy of a migrated SQLite file, or a
PostgreSQL database cloned from a migrated template. No test touches the user's own data
folder: ``XDG_DATA_HOME`` points at a temporary folder for the whole run, subprocesses included.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
import uuid
from collections import Counter
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
ENGINE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
_data_home = pytest.StashKey[tuple[Path, str | None]]()
#: each selected test's engine ("none": no backend parameter), and what each engine's tests did
_engine_of_test: dict[str, str] = {}
_outcomes: dict[str, Counter[str]] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--sqlite-only", action="store_true",
                     help="run the storage tests on SQLite alone; without it PostgreSQL must answer on "
                          f"{PG_HOST}:{PG_PORT} (make test-sqlite)")


def pytest_configure(config: pytest.Config) -> None:
    # Set before any test or fixture runs, so neither a test nor a `growth` it starts can write to
    # ~/.local/share/growth-engine (the default database's home)
    folder = Path(tempfile.mkdtemp(prefix="growth-test-data-"))
    config.stash[_data_home] = (folder, os.environ.get("XDG_DATA_HOME"))
    os.environ["XDG_DATA_HOME"] = str(folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _data_home not in config.stash:
        return
    folder, before = config.stash[_data_home]
    if before is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = before
    shutil.rmtree(folder, ignore_errors=True)


def _engine_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("backend") if callspec is not None else None


@pytest.hookimpl(trylast=True)  # after -k / -m, on the items that will really run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--sqlite-only"):
        dropped = [item for item in items if _engine_of(item) == "postgres"]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [item for item in items if _engine_of(item) != "postgres"]
    elif any(_engine_of(item) == "postgres" for item in items) and not pg_available():
        raise pytest.UsageError(
            f"PostgreSQL does not answer on {PG_HOST}:{PG_PORT} (user postgres, database test, trust auth), and "
            "these tests run on it too. Start it (`.ci/run` does), or test SQLite alone on purpose with "
            "`make test-sqlite` (pytest --sqlite-only).")
    _engine_of_test.update({item.nodeid: _engine_of(item) or "none" for item in items})


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or report.failed or (report.when == "setup" and report.skipped):
        outcome = report.outcome if report.when == "call" or report.skipped else "error"
        _outcomes.setdefault(_engine_of_test.get(report.nodeid, "none"), Counter())[outcome] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Which database engines ran, so a run that left one out cannot pass for a whole one."""
    if not _outcomes:
        return  # nothing ran (refused, or nothing selected): nothing to report
    others = sum(_outcomes.get("none", Counter()).values())
    if not any(_outcomes.get(engine) for engine in BACKENDS):
        terminalreporter.write_line(f"database engines: none (the {others} selected tests are tied to no engine)")
        return
    parts = []
    for engine in BACKENDS:
        tally = _outcomes.get(engine)
        if tally:
            ran = ", ".join(f"{n} {outcome}" for outcome, n in sorted(tally.items()))
            parts.append(f"{ENGINE_NAMES[engine]} ({ran})")
        elif engine == "postgres" and config.getoption("--sqlite-only"):
            parts.append("PostgreSQL not run (--sqlite-only)")
        else:
            parts.append(f"{ENGINE_NAMES[engine]} not run (no test selected needs it)")
    if others:
        parts.append(f"{others} more tests tied to no engine")
    terminalreporter.write_line("database engines: " + "; ".join(parts))


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not pg_available():  # collection checked it already; it went away since
        pytest.fail(f"PostgreSQL stopped answering on {PG_HOST}:{PG_PORT}")
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
