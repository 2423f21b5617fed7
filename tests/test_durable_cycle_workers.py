"""Must show: two worker processes against one PostgreSQL database and 50 tenants over several periods
(short periods stand in for a fast clock): each tenant's cycle runs exactly once per period; workers
killed with SIGKILL mid-cycle hand their cycles to the other, which resumes them; no action executes
twice."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter, defaultdict

import asyncpg
import pytest
from sqlalchemy import select

from policies.principal import Principal
from server.app import create_app
from server.persistence import models as m
from server.persistence import models_operations as mo
from tests.conftest import PG_HOST, PG_PORT, make_settings
from tests.factories import proposal, seed_store
from tools.actions import propose
from tools.decisions import decide

TENANTS = [f"t{i:02}" for i in range(50)]
#: minutes per period: 0.15 is 9 s, so the window below holds several periods per tenant
EVERY = "0.15"
WINDOW = 30


@pytest.mark.timeout(900)
@pytest.mark.parametrize("backend", ["postgres"])
async def test_two_workers_run_each_tenants_cycle_once_per_period_through_sigkills(db_url: str) -> None:
    # approvals over the rate limit wait (due again within a second) for the workers' passes and cycles
    held = await create_app(make_settings(db_url, rate_limit_executions=0, rate_limit_window_seconds=1))
    approved: list[tuple[str, int]] = []
    try:
        for tenant in TENANTS:
            await seed_store(held, tenant)
            async with held.db.write(tenant) as tx:
                await tx.settings.set("cycle_every_minutes", EVERY, now=held.deps.now())
        for tenant in TENANTS[:10]:
            action = (await propose(held.deps, Principal.for_agent(tenant, "content"), proposal())).action
            done = await decide(held.deps, Principal.operator(tenant), action_id=action.id, version=action.version,
                                verdict="approve")
            assert done.execution and done.execution["status"] == "deferred"
            approved.append((tenant, action.id))
    finally:
        await held.close()

    result = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "tests.cycle_harness", db_url,
                                                      str(WINDOW), "2", "3", "5"],
                                     capture_output=True, text=True, timeout=800)
    assert result.returncode == 0, result.stderr[-4000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["killed"] == 3 and summary["exits"] == [0, 0], (summary, result.stderr[-4000:])

    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user="postgres", database=db_url.rsplit("/", 1)[1])
    try:
        rows = await conn.fetch("select workflow_uuid, status, executor_id, recovery_attempts from dbos.workflow_status "
                                "where name = 'growth.cycle'")
    finally:
        await conn.close()
    flows = {r["workflow_uuid"]: dict(r) for r in rows}

    app = await create_app(make_settings(db_url))
    try:
        cycles: dict[str, list[str]] = defaultdict(list)
        for tenant in TENANTS:
            async with app.db.read(tenant) as tx:
                conn = tx.conn  # type: ignore[attr-defined]
                rows = (await conn.execute(select(mo.Cycle.cycle_key, mo.Cycle.status, mo.Cycle.reflection)
                                           .where(mo.Cycle.tenant_id == tenant))).all()
                executions = Counter((await conn.execute(select(m.Execution.action_id)
                                                         .where(m.Execution.tenant_id == tenant))).scalars())
            assert all(r.reflection is not None for r in rows), (tenant, rows, [
                flows.get(f"cycle:{tenant}:{r.cycle_key}") for r in rows], summary, result.stderr[-3000:])
            cycles[tenant] = sorted(r.cycle_key for r in rows)
            assert set(executions.values()) <= {1}
            for t, action_id in approved:
                if t == tenant:
                    assert executions[action_id] == 1  # a cycle executed it, once
    finally:
        await app.close()
    # several periods each, none twice (the key names the period), and no period skipped in between
    for tenant, keys in cycles.items():
        assert len(keys) >= 3 and len(set(keys)) == len(keys), (tenant, keys)
    periods = Counter(len(keys) for keys in cycles.values())
    assert max(periods) - min(periods) <= 1, periods

    ids = set(flows)
    assert ids == {f"cycle:{t}:{k}" for t, keys in cycles.items() for k in keys}  # one workflow per cycle
    assert {r["status"] for r in flows.values()} == {"SUCCESS"}
    assert any(r["recovery_attempts"] >= 2 for r in flows.values()), "no cycle was resumed by another worker"
