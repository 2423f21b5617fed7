"""Tamper detection: the database refuses changes, and `growth audit verify` names the first bad event."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from policies.principal import Principal
from server.app import App
from server.persistence import audit_guard
from tests.conftest import TEST_SECRET
from tests.factories import proposal
from tools.actions import propose
from tools.audit import verify

AGENT = Principal.for_agent("demo", "content")


async def six_events(app: App) -> None:
    for n in range(6):
        await propose(app.deps, AGENT, proposal(target=f"page:https://shop.example/products/p{n}"))


async def test_the_database_refuses_update_and_delete(app: App) -> None:
    await six_events(app)
    for stmt in ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
                 "DELETE FROM audit_events WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with app.db.write("demo") as tx:
                await tx.conn.execute(text(stmt))  # type: ignore[attr-defined]
    assert (await verify(app.deps, "demo")).ok


async def test_postgres_refuses_truncate(app: App, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("TRUNCATE is a PostgreSQL statement")
    with pytest.raises(DBAPIError, match="append-only"):
        async with app.db.write("demo") as tx:
            await tx.conn.execute(text("TRUNCATE audit_events"))  # type: ignore[attr-defined]


def _tamper(db_url: str) -> Callable[[list[str]], Awaitable[None]]:
    """Run SQL as someone with direct access to the database, triggers disabled."""
    url = make_url(db_url)

    async def run(statements: list[str]) -> None:
        if url.get_backend_name() == "sqlite":
            con = sqlite3.connect(str(url.database))
            for trigger in audit_guard.SQLITE:
                con.execute(f"DROP TRIGGER IF EXISTS {trigger.name}")
            for stmt in statements:
                con.execute(stmt)
            con.commit()
            con.close()
            return
        conn = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)
        try:
            for table in audit_guard.TABLES:
                await conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for stmt in statements:
                await conn.execute(stmt)
        finally:
            await conn.close()

    return run


TAMPERING = {
    "edit": (["UPDATE audit_events SET data = replace(data, 'medium', 'low') WHERE seq = 3"], 3, "altered"),
    "delete": (["DELETE FROM audit_events WHERE seq = 3"], 3, "missing"),
    "reorder": (["UPDATE audit_events SET seq = -1 WHERE seq = 3", "UPDATE audit_events SET seq = 3 WHERE seq = 4",
                 "UPDATE audit_events SET seq = 4 WHERE seq = -1"], 3, ""),
    "insert": (["UPDATE audit_events SET seq = seq + 100 WHERE seq >= 3",
                "UPDATE audit_events SET seq = seq - 99 WHERE seq >= 103",
                "INSERT INTO audit_events (tenant_id, seq, ts, actor, event, subject, data, prev_hash, hash) "
                "SELECT tenant_id, 3, ts, 'mallory', 'action.approved', subject, data, hash, hash "
                "FROM audit_events WHERE seq = 2"], 3, ""),
    "truncate": (["DELETE FROM audit_events WHERE seq >= 5"], 5, "removed from the end"),
}


@pytest.mark.parametrize("how", list(TAMPERING))
async def test_tampering_is_detected_at_the_first_bad_event(app: App, db_url: str, how: str) -> None:
    await six_events(app)
    assert (await verify(app.deps, "demo")).ok
    statements, first_bad, words = TAMPERING[how]
    await _tamper(db_url)(statements)
    report = await verify(app.deps, "demo")
    assert not report.ok
    assert report.first_bad_seq == first_bad, report
    assert words in report.problem


async def test_a_byte_edited_in_the_sqlite_file_is_detected(app: App, db_url: str, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("raw file edit is a SQLite scenario")
    await six_events(app)
    await app.close()
    path = Path(str(make_url(db_url).database))
    con = sqlite3.connect(str(path))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    blob = path.read_bytes()
    marker = b'"score":720,'
    at = blob.find(marker)
    assert at > 0
    path.write_bytes(blob[:at] + b'"score":990,' + blob[at + len(marker):])
    result = subprocess.run([sys.executable, "-m", "server.cli", "audit", "verify", "--json"], capture_output=True,
                            text=True, env=os.environ | {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET},
                            timeout=60)
    assert result.returncode == 1
    assert '"ok": false' in result.stdout and "altered" in result.stdout


async def test_cli_names_the_first_bad_event(app: App, db_url: str) -> None:
    await six_events(app)
    await _tamper(db_url)(["DELETE FROM audit_events WHERE seq = 4"])
    env = os.environ | {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET}
    result = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "server.cli", "audit", "verify"],
                                     capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "BROKEN at event 4" in result.stdout


async def test_a_chain_cannot_be_reforged_without_the_secret(app: App, db_url: str) -> None:
    """Recomputing every link with a plain hash, as someone without the key would, still fails."""
    import hashlib

    from policies.digest import canonical_json

    await six_events(app)
    async with app.db.read("demo") as tx:
        events = await tx.audit.chain()
    prev = "0" * 64
    statements = []
    for ev in events:
        data = ev.data.replace("medium", "low")
        h = hashlib.sha256(canonical_json([ev.tenant_id, ev.seq, ev.ts, ev.actor, ev.event, ev.subject, data,
                                           prev]).encode()).hexdigest()
        statements.append(f"UPDATE audit_events SET data = '{data}', prev_hash = '{prev}', hash = '{h}' "
                          f"WHERE seq = {ev.seq}")
        prev = h
    statements.append(f"UPDATE audit_heads SET hash = '{prev}'")
    await _tamper(db_url)(statements)
    report = await verify(app.deps, "demo")
    assert not report.ok and report.first_bad_seq == 1
