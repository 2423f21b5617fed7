"""Persistence behaviours: concurrent writers, leases, PII kept out of audit rows, schema checks."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from policies.principal import Principal, Role
from server.app import App, create_app
from server.persistence import models as m
from server.persistence.migrate import SchemaOutOfDate
from tests.conftest import make_settings
from tests.factories import proposal
from tools.actions import propose
from tools.errors import Forbidden, InvalidInput
from tools.pii import reveal
from tools.registry import invoke


async def test_concurrent_writer_processes_never_see_database_is_locked(app: App, db_url: str) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "tests.concurrent_writer", db_url, str(w), "40"],
                              stderr=subprocess.PIPE, text=True) for w in range(4)]
    errors = await asyncio.gather(*(asyncio.to_thread(p.communicate, timeout=300) for p in procs))
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e[1][-2000:] for e in errors]
    async with app.db.read("demo") as tx:
        count = (await tx.conn.execute(select(func.count()).select_from(m.Action))).scalar_one()  # type: ignore[attr-defined]
    assert count == 160
    from tools.audit import verify

    assert (await verify(app.deps, "demo")).ok


async def test_leases_go_to_one_holder_until_they_lapse(app: App) -> None:
    now = app.deps.now()
    async with app.db.write("demo") as tx:
        await tx.tenants.ensure(name="demo", now=now)
        assert await tx.leases.acquire("cycle", holder="a", until=now + timedelta(minutes=5), now=now)
    async with app.db.write("demo") as tx:
        assert not await tx.leases.acquire("cycle", holder="b", until=now + timedelta(minutes=5), now=now)
        assert await tx.leases.acquire("cycle", holder="a", until=now + timedelta(minutes=10), now=now)  # renew
    later = now + timedelta(minutes=11)
    async with app.db.write("demo") as tx:
        assert await tx.leases.acquire("cycle", holder="b", until=later + timedelta(minutes=5), now=later)
        await tx.leases.release("cycle", holder="b")
        assert await tx.leases.acquire("cycle", holder="c", until=later + timedelta(minutes=5), now=later)


async def test_audit_rows_hold_references_not_pii_and_reveal_is_audited(app: App) -> None:
    raw = proposal("support.escalation", params={"summary": "Jane (jane.doe@example.com, +44 20 7946 0958) "
                                                           "wants a refund"})
    action = (await propose(app.deps, Principal.for_agent("demo", "customer_front"), raw)).action
    op = Principal.operator("demo")
    from tools.decisions import decide

    await decide(app.deps, op, action_id=action.id, version=1, verdict="reject",
                 reason="I phoned jane.doe@example.com myself")
    async with app.db.read("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        rows = (await conn.execute(text("SELECT subject || data FROM audit_events"))).scalars().all()
        rows += (await conn.execute(text("SELECT reason FROM decisions"))).scalars().all()
    blob = " ".join(rows)
    assert "jane.doe@example.com" not in blob and "7946" not in blob
    assert "[email:em_" in blob
    ref = blob.split("[email:", 1)[1].split("]", 1)[0]
    with pytest.raises(InvalidInput):
        await reveal(app.deps, op, ref=ref, reason="")
    shown = await invoke(app.deps, op, "pii.reveal", ref=ref, reason="customer asked for a callback")
    assert shown["value"] == "jane.doe@example.com"
    assistant = Principal(Role.ASSISTANT, "demo", "token:x", scopes=frozenset({"read", "propose", "decide"}))
    with pytest.raises(Forbidden):
        await invoke(app.deps, assistant, "pii.reveal", ref=ref, reason="curious")
    from tools.audit import recent

    events = [e["event"] for e in await recent(app.deps, "demo")]
    assert "pii.revealed" in events and "policy.denied" in events
    assert "jane.doe" not in action.params["summary"] and "[email:em_" in action.params["summary"]


async def test_the_vault_is_encrypted_at_rest(app: App) -> None:
    await propose(app.deps, Principal.for_agent("demo", "customer_front"),
                  proposal("support.escalation", params={"summary": "mail me at canary.7731@example.org"}))
    async with app.db.read("demo") as tx:
        stored = (await tx.conn.execute(text("SELECT ciphertext FROM pii_vault"))).scalars().all()  # type: ignore[attr-defined]
    assert stored and all("canary" not in s for s in stored)


async def test_an_out_of_date_schema_is_refused(db_url: str) -> None:
    app = await create_app(make_settings(db_url))
    async with app.db.write("demo") as tx:
        await tx.conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))  # type: ignore[attr-defined]
    await app.close()
    with pytest.raises(SchemaOutOfDate, match="growth db upgrade"):
        await create_app(make_settings(db_url))


async def test_the_migrations_build_exactly_the_schema_the_models_describe(db_url: str) -> None:
    """A model changed without a migration (or the reverse) shows up here, on both engines."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from server.persistence.db import make_engine
    from server.persistence.models import Base

    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda c: compare_metadata(
                MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata))
    finally:
        await engine.dispose()
    # the queue index orders by expressions (score DESC), which autogenerate cannot compare
    relevant = [d for d in diff if not (isinstance(d, tuple) and d[0] in ("add_index", "remove_index")
                                        and d[1].name == "ix_actions_queue")]
    assert relevant == []
