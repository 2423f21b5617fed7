"""The end of the audit log: a signed head, guards the database keeps and `db upgrade` restores, and anchors.

Each tamper is done as someone with direct database access would (guards dropped or
disabled first), then met where the operator meets it: the API and the `growth` process.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from server.app import App
from server.persistence import audit_guard
from tests.conftest import TEST_SECRET
from tests.factories import proposal
from tests.test_audit_tamper import AGENT, _tamper, six_events
from tools.actions import propose
from tools.audit import verify
from tools.audit_chain import GENESIS, Anchor, Head, chain_key, head_mac, link_hash, verify_chain
from tools.records import AuditRecord

GROWTH = Path(sys.executable).with_name("growth")


async def growth(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The `growth` console script, as the operator runs it."""
    env = os.environ | {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo"}
    return await asyncio.to_thread(subprocess.run, [str(GROWTH), *args], capture_output=True, text=True, env=env,
                                   timeout=120)


async def chain(app: App) -> list[AuditRecord]:
    async with app.db.read("demo") as tx:
        return await tx.audit.chain()


def rechain(key: bytes, events: list[AuditRecord], *, start: int, edit: str = "") -> list[str]:
    """Statements that rewrite events from ``start`` on (editing ``edit`` out of the data) and re-sign the head."""
    statements, prev = [], events[start - 2].hash if start > 1 else "0" * 64
    for ev in events[start - 1:]:
        data = ev.data.replace(edit, "") if edit else ev.data
        digest = link_hash(key, tenant="demo", seq=ev.seq, ts=ev.ts, actor=ev.actor, event=ev.event,
                           subject=ev.subject, data=data, prev_hash=prev)
        statements.append(f"UPDATE audit_events SET data = '{data}', prev_hash = '{prev}', hash = '{digest}' "
                          f"WHERE tenant_id = 'demo' AND seq = {ev.seq}")
        prev = digest
    return [*statements, head(key, events[-1].seq, prev)]


def head(key: bytes, seq: int, digest: str, *, mac: str | None = None) -> str:
    mac = head_mac(key, tenant="demo", seq=seq, hash=digest) if mac is None else mac
    return f"UPDATE audit_heads SET seq = {seq}, hash = '{digest}', mac = '{mac}' WHERE tenant_id = 'demo'"


def codes(report: Any) -> list[str]:
    """The problems' codes, from a ChainReport or its JSON."""
    if isinstance(report, dict):
        return [p["code"] for p in report["problems"]]
    return [p.code for p in report.problems]


# --- the head ---------------------------------------------------------------------------------------------

async def test_the_database_refuses_to_move_a_head_back_or_remove_it(app: App, backend: str) -> None:
    await six_events(app)
    statements = ["DELETE FROM audit_heads", "UPDATE audit_heads SET seq = seq - 1",
                  "UPDATE audit_heads SET tenant_id = 'elsewhere'", "UPDATE audit_heads SET hash = 'x'"]
    if backend == "postgres":
        statements.append("TRUNCATE audit_heads")
    for stmt in statements:
        with pytest.raises(DBAPIError, match="only moves forward"):
            async with app.db.write("demo") as tx:
                await tx.conn.execute(text(stmt))  # type: ignore[attr-defined]
    assert (await verify(app.deps, "demo")).ok


async def test_a_cut_tail_with_a_forged_head_is_detected_and_not_blessed_by_the_next_append(
        app: App, db_url: str) -> None:
    await six_events(app)
    events = await chain(app)
    # what someone without the key can do: cut the tail, copy the new last hash into the head
    await _tamper(db_url)(["DELETE FROM audit_events WHERE seq >= 5",
                           f"UPDATE audit_heads SET seq = 4, hash = '{events[3].hash}' WHERE tenant_id = 'demo'"])
    report = await verify(app.deps, "demo")
    assert not report.ok and report.code == "head_forged", report
    assert report.problems[0].code == "head_forged"  # the links themselves hold
    shown = await growth(db_url, "audit", "verify", "--json")
    assert shown.returncode == 1 and codes(json.loads(shown.stdout))[0] == "head_forged"
    plain = await growth(db_url, "audit", "verify")
    assert plain.returncode == 1 and "audit chain BROKEN: the head of the chain (event 4)" in plain.stdout

    await propose(app.deps, AGENT, proposal(target="page:https://shop.example/products/after"))
    assert len(await chain(app)) > 4
    assert (await verify(app.deps, "demo")).code == "head_forged"


async def test_a_chain_rewritten_with_any_other_secret_is_detected(app: App, db_url: str) -> None:
    await six_events(app)
    events = await chain(app)
    await _tamper(db_url)(rechain(chain_key(b"a guess at the server secret"), events, start=1, edit="medium"))
    report = await verify(app.deps, "demo")
    assert not report.ok and report.first_bad_seq == 1 and report.code == "altered"
    assert "head_forged" in codes(report)
    shown = await growth(db_url, "audit", "verify")
    assert shown.returncode == 1 and "BROKEN at event 1" in shown.stdout


# --- the guards -------------------------------------------------------------------------------------------

async def test_dropped_guards_are_reported_and_restored_by_db_upgrade(app: App, db_url: str, backend: str) -> None:
    await six_events(app)
    dialect = "postgresql" if backend == "postgres" else "sqlite"
    names = [t.name for t in audit_guard.expected(dialect)]
    on = {t.name: f" ON {t.table}" if dialect == "postgresql" else "" for t in audit_guard.expected(dialect)}
    await _tamper(db_url)([f"DROP TRIGGER IF EXISTS {name}{on[name]}" for name in names])
    report = await verify(app.deps, "demo")
    assert not report.ok and {p.code for p in report.problems} == {"guard_missing"}
    assert all(name in report.problem for name in names)
    shown = await growth(db_url, "audit", "verify")
    assert shown.returncode == 1 and "audit_heads_no_rewind is missing" in shown.stdout

    upgraded = await growth(db_url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert all(f"restored the audit guard {name} (it was missing)" in upgraded.stderr for name in names)
    assert (await verify(app.deps, "demo")).ok
    again = await growth(db_url, "db", "upgrade")
    assert again.returncode == 0 and "restored" not in again.stderr
    with pytest.raises(DBAPIError, match="only moves forward"):
        async with app.db.write("demo") as tx:
            await tx.conn.execute(text("DELETE FROM audit_heads"))  # type: ignore[attr-defined]


async def test_disabled_or_hollowed_guards_are_reported_and_restored(app: App, db_url: str, backend: str) -> None:
    await six_events(app)
    if backend == "postgres":
        tamper = ["ALTER TABLE audit_events ENABLE TRIGGER USER", "ALTER TABLE audit_heads ENABLE TRIGGER USER",
                  "ALTER TABLE audit_heads DISABLE TRIGGER audit_heads_no_truncate",
                  "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                  "$$ BEGIN RETURN OLD; END $$",
                  "DROP TRIGGER audit_heads_no_rewind ON audit_heads",
                  "CREATE TRIGGER audit_heads_no_rewind BEFORE INSERT ON audit_heads "
                  "FOR EACH ROW EXECUTE FUNCTION audit_heads_forward_only()"]
        expected = [("guard_altered", "audit_events_append_only was altered"),
                    ("guard_altered", "audit_heads_no_rewind was altered"),
                    ("guard_disabled", "audit_heads_no_truncate is disabled")]
    else:
        tamper = [audit_guard.SQLITE[1].create.replace("BEGIN", "WHEN 0 BEGIN")]
        expected = [("guard_altered", f"{audit_guard.SQLITE[1].name} was altered")]
    await _tamper(db_url)(tamper)
    if backend == "sqlite":  # _tamper dropped the rest: put them back, so only the hollow one is wrong
        await _restore(app)
    report = await verify(app.deps, "demo")
    assert sorted(codes(report)) == [code for code, _ in expected], report
    assert all(words in report.problem for _, words in expected)
    upgraded = await growth(db_url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (await verify(app.deps, "demo")).ok
    with pytest.raises(DBAPIError, match="append-only"):
        async with app.db.write("demo") as tx:
            await tx.conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))  # type: ignore[attr-defined]


async def _restore(app: App) -> None:
    """Create only the missing guards (as `db upgrade` would), leaving an altered one as it is."""
    async with app.db.write("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        rows = (await conn.execute(audit_guard.catalogue("sqlite"))).all()
        for fault in audit_guard.faults("sqlite", rows):
            if fault.state == "missing":
                await conn.execute(text(next(t.create for t in audit_guard.SQLITE if t.name == fault.name)))


# --- anchors ----------------------------------------------------------------------------------------------

async def test_the_anchor_file_round_trips(app: App, db_url: str, tmp_path: Path) -> None:
    await six_events(app)
    events = await chain(app)
    folder = tmp_path / "anchors"
    folder.mkdir()
    path = folder / "anchor.json"
    path.write_text("old")
    path.chmod(0o644)
    made = await growth(db_url, "audit", "anchor", "--out", str(path))
    assert made.returncode == 0, made.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in folder.iterdir()] == ["anchor.json"]  # no temporary file left behind
    held = json.loads(path.read_text())
    assert sorted(held) == ["at", "hash", "mac", "seq", "tenant"]
    assert (held["tenant"], held["seq"], held["hash"]) == ("demo", 6, events[-1].hash)
    assert held["mac"] == head_mac(app.db.audit_key, tenant="demo", seq=6, hash=events[-1].hash)
    assert (await verify(app.deps, "demo", anchor=Anchor.from_dict(held))).ok

    await propose(app.deps, AGENT, proposal(target="page:https://shop.example/products/later"))
    checked = await growth(db_url, "audit", "verify", "--anchor", str(path))
    assert checked.returncode == 0 and "event 6 is the one anchored at" in checked.stdout
    printed = await growth(db_url, "audit", "anchor")
    assert printed.returncode == 0 and json.loads(printed.stdout)["seq"] > 6

    path.write_text(json.dumps({**held, "seq": 5}))
    edited = await growth(db_url, "audit", "verify", "--anchor", str(path), "--json")
    assert edited.returncode == 1 and codes(json.loads(edited.stdout)) == ["anchor_invalid"]
    path.write_text("{not json")
    garbage = await growth(db_url, "audit", "verify", "--anchor", str(path))
    assert garbage.returncode == 2 and "not an anchor" in garbage.stderr


@pytest.mark.parametrize("how", ["truncate", "rechain"])
async def test_a_rewrite_by_someone_holding_the_key_is_caught_by_the_anchor(
        app: App, db_url: str, tmp_path: Path, how: str) -> None:
    await six_events(app)
    events = await chain(app)
    path = tmp_path / "anchor.json"
    assert (await growth(db_url, "audit", "anchor", "--out", str(path))).returncode == 0
    key = app.db.audit_key
    if how == "truncate":
        await _tamper(db_url)(["DELETE FROM audit_events WHERE seq = 6", head(key, 5, events[4].hash)])
    else:
        await _tamper(db_url)(rechain(key, events, start=3, edit="medium"))
    assert (await growth(db_url, "db", "upgrade")).returncode == 0  # the guards back: all else looks fine
    assert (await verify(app.deps, "demo")).ok
    assert (await growth(db_url, "audit", "verify")).returncode == 0

    report = await verify(app.deps, "demo", anchor=Anchor.from_dict(json.loads(path.read_text())))
    assert not report.ok and report.code == "anchor_mismatch" and report.first_bad_seq == 6
    shown = await growth(db_url, "audit", "verify", "--anchor", str(path))
    assert shown.returncode == 1 and "BROKEN at event 6" in shown.stdout
    assert ("no longer in the chain" if how == "truncate" else "differs from the anchor") in shown.stdout


async def test_a_broken_chain_is_not_anchored(app: App, db_url: str, tmp_path: Path) -> None:
    await six_events(app)
    await _tamper(db_url)(["DELETE FROM audit_events WHERE seq = 3"])
    made = await growth(db_url, "audit", "anchor", "--out", str(tmp_path / "a.json"))
    assert made.returncode == 1 and "audit_broken" in made.stderr
    assert not (tmp_path / "a.json").exists()


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 204

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"type": self.headers["Content-Type"], "body": json.loads(body)})
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[type[_Hook]]:
    hook = type("Hook", (_Hook,), {"received": [], "status": 204})
    server = ThreadingHTTPServer(("127.0.0.1", 0), hook)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/anchors"  # type: ignore[attr-defined]
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


async def test_an_anchor_is_posted_to_a_webhook(app: App, db_url: str, webhook: Any) -> None:
    await six_events(app)
    sent = await growth(db_url, "audit", "anchor", "--webhook", webhook.url)
    assert sent.returncode == 0, sent.stderr
    assert f"posted to {webhook.url} (HTTP 204)" in sent.stdout
    [got] = webhook.received
    assert got["type"] == "application/json"
    assert (await verify(app.deps, "demo", anchor=Anchor.from_dict(got["body"]))).ok

    webhook.status = 500
    refused = await growth(db_url, "audit", "anchor", "--webhook", webhook.url)
    assert refused.returncode == 1 and "answered HTTP 500" in refused.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/anchors"
    unreachable = await growth(db_url, "audit", "anchor", "--webhook", closed)
    assert unreachable.returncode == 1 and "could not be reached" in unreachable.stderr


def test_an_unsigned_or_missigned_head_is_a_failure_not_a_warning() -> None:
    key = chain_key(b"k")
    assert verify_chain(key, "demo", [], Head(0, GENESIS, head_mac(key, tenant="demo", seq=0, hash=GENESIS))).ok
    assert verify_chain(key, "demo", [], Head(0, GENESIS, "")).code == "head_unsigned"
    other = head_mac(key, tenant="other", seq=0, hash=GENESIS)
    assert verify_chain(key, "demo", [], Head(0, GENESIS, other)).code == "head_forged"


# --- heads written before signing (migration 0005) -------------------------------------------------------

@pytest.fixture
def empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'legacy.db'}"
        return
    from tests.conftest import _pg_admin, _pg_url

    request.getfixturevalue("pg_template")  # skips when PostgreSQL is not there
    name = f"growth_legacy_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"))
    yield _pg_url(name)
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


async def _sql(url: str, *statements: str) -> list[Any]:
    """Run statements on a plain connection; the rows of the last one."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        import sqlite3

        con = sqlite3.connect(str(u.database))
        try:
            rows = [con.execute(s).fetchall() for s in statements][-1]
            con.commit()
            return rows
        finally:
            con.close()
    conn = await asyncpg.connect(host=u.host, port=u.port, user=u.username, database=u.database)
    try:
        for s in statements[:-1]:
            await conn.execute(s)
        return [tuple(r) for r in await conn.fetch(statements[-1])]
    finally:
        await conn.close()


def _legacy_chain(key: bytes, tenant: str, n: int) -> tuple[list[str], str]:
    statements, prev = [], "0" * 64
    for seq in range(1, n + 1):
        digest = link_hash(key, tenant=tenant, seq=seq, ts=f"2026-11-0{seq}T09:00:00.000000+00:00", actor="system",
                           event="test.event", subject=f"s{seq}", data="{}", prev_hash=prev)
        statements.append("INSERT INTO audit_events (tenant_id, seq, ts, actor, event, subject, data, prev_hash, "
                          f"hash) VALUES ('{tenant}', {seq}, '2026-11-0{seq}T09:00:00.000000+00:00', 'system', "
                          f"'test.event', 's{seq}', '{{}}', '{prev}', '{digest}')")
        prev = digest
    return statements, prev


async def test_heads_written_before_signing_are_signed_once_by_the_upgrade(empty_url: str) -> None:
    from server.persistence.migrate import UpgradeRefused, current_revision, upgrade

    key = chain_key(b"the secret the legacy database was written under")
    await upgrade(empty_url, "0004")
    good, good_head = _legacy_chain(key, "good", 3)
    cut, _ = _legacy_chain(key, "cut", 3)
    await _sql(empty_url, *good, *cut,
               f"INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ('good', 3, '{good_head}')",
               "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ('cut', 2, 'not the hash of event 2')",
               "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ('new', 0, '" + "0" * 64 + "')",
               "SELECT 1")
    with pytest.raises(UpgradeRefused, match="growth db upgrade"):
        await upgrade(empty_url, "0005")
    with pytest.raises(UpgradeRefused, match="does not check out"):
        await upgrade(empty_url, "0005", audit_key=chain_key(b"some other secret"))
    assert await current_revision(empty_url) == "0004"

    await upgrade(empty_url, "0005", audit_key=key)
    macs = dict(await _sql(empty_url, "SELECT tenant_id, mac FROM audit_heads"))
    assert macs == {"good": head_mac(key, tenant="good", seq=3, hash=good_head),
                    "new": head_mac(key, tenant="new", seq=0, hash="0" * 64),
                    "cut": ""}  # did not check out: left unsigned, and verify says so
    dialect = "sqlite" if empty_url.startswith("sqlite") else "postgresql"
    rows = [dict(zip(("kind", "name", "tbl", "enabled", "tgtype", "function", "plain", "body"), r))
            for r in await _sql(empty_url, str(audit_guard.catalogue(dialect)))]
    assert audit_guard.faults(dialect, [type("Row", (), r) for r in rows]) == []
