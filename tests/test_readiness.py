"""Flags and readiness: a stale source stops its specialists' proposals and readiness says why; agents switched
off (for the server, a store, or one agent) answer a clear ``agents_disabled`` (HTTP 403 on orchestration)."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from graphs.cycle import plan, run_cycle
from graphs.runs import run_all, run_specialist
from policies.principal import Principal
from server.app import App, create_app
from tests.conftest import TEST_SECRET, make_settings
from tests.ops_store import OP, clock_of, ops_app, ops_template  # noqa: F401  (fixtures)
from tools.errors import Forbidden
from tools.readiness import readiness
from tools.registry import invoke

SYSTEM = Principal.system("demo")


async def test_a_fresh_store_is_ready_and_status_shows_each_agent(ops_app: App) -> None:
    ready = await readiness(ops_app.deps, "demo")
    assert ready["ready"] and [a["agent"] for a in ready["agents"]] == ["analytics", "content", "inventory", "risk"]
    status = await invoke(ops_app.deps, OP, "status.get")
    content = next(a for a in status["readiness"]["agents"] if a["agent"] == "content")
    assert content["ready"] and [s["source"] for s in content["sources"]] == ["gsc"]
    assert content["sources"][0]["state"] == "fresh"


async def test_stale_data_makes_no_proposals_and_readiness_says_why(ops_app: App) -> None:
    clock_of(ops_app).advance(days=10)
    ready = await readiness(ops_app.deps, "demo")
    content = next(a for a in ready["agents"] if a["agent"] == "content")
    assert not ready["ready"] and not content["ready"]
    assert "gsc data was last imported 10 days ago (limit 7)" in content["blockers"][0]

    result = await run_specialist(ops_app.deps, SYSTEM, "content")
    assert result["status"] == "stale" and result["action_ids"] == [] and "gsc data was last" in result["summary"]
    planned = await plan(ops_app.deps, "demo")
    assert planned.agents == [] and all(why.startswith("stale data") for why in planned.skipped.values())
    reflection = await run_cycle(ops_app.deps, "demo")
    assert reflection.counts["proposed"] == 0
    assert any("content did not run: stale data" in h for h in reflection.hints)
    assert await ops_app.deps.db.query("demo", lambda tx: tx.actions.count_by_status()) == {}


async def test_the_same_store_with_fresh_data_does_propose(ops_app: App) -> None:
    # the control of the test above: nothing but the clock differs
    result = await run_specialist(ops_app.deps, SYSTEM, "content")
    assert result["status"] == "ok" and result["action_ids"]


async def test_a_disabled_agent_refuses_and_run_all_runs_the_others(ops_app: App) -> None:
    from tools.agent_flags import set_agent

    await set_agent(ops_app.deps, OP, agent="inventory", enabled=False, reason="supplier on holiday")
    with pytest.raises(Forbidden) as refused:
        await run_specialist(ops_app.deps, OP, "inventory")
    assert refused.value.code == "agents_disabled" and "supplier on holiday" in refused.value.message
    results = {r["agent"]: r for r in await run_all(ops_app.deps, OP)}
    assert results["inventory"]["status"] == "disabled" and results["risk"]["status"] == "ok"
    planned = await plan(ops_app.deps, "demo")
    assert "inventory" not in planned.agents and "supplier on holiday" in planned.skipped["inventory"]
    ready = await readiness(ops_app.deps, "demo")
    assert not next(a for a in ready["agents"] if a["agent"] == "inventory")["ready"]

    await set_agent(ops_app.deps, OP, agent="*", enabled=False, reason="store closed for inventory count")
    with pytest.raises(Forbidden):
        await run_all(ops_app.deps, OP)
    await set_agent(ops_app.deps, OP, agent="*", enabled=True)
    await set_agent(ops_app.deps, OP, agent="inventory", enabled=True)
    assert (await run_specialist(ops_app.deps, OP, "inventory"))["status"] == "ok"


async def test_agents_off_on_the_server_refuse_orchestration_with_403(db_url: str) -> None:
    from tests.server.conftest import serve_http
    from tools.tokens import create_token

    app = await create_app(make_settings(db_url, agents_enabled=False))
    try:
        token, _ = await create_token(app.deps, OP, tenant="demo", role="operator", scopes=[])
        with pytest.raises(Forbidden) as refused:
            await run_specialist(app.deps, OP, "content")
        assert refused.value.code == "agents_disabled"
        async with serve_http(app) as url, httpx.AsyncClient() as http:
            for tool in ("run_specialist", "run_all_specialists", "delegate"):
                r = await http.post(f"{url}/mcp", headers={"authorization": f"Bearer {token}", "accept":
                                                  "application/json, text/event-stream"},
                                    json={"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                          "params": {"name": tool, "arguments": {"agent": "content"}}})
                assert r.status_code == 403 and r.json()["error"] == "agents_disabled", tool
            ready = (await http.get(f"{url}/readyz")).json()
            assert ready["status"] == "ready" and ready["agents_enabled"] is False
            # no token, so no reasons, connections or the operator's words: states only
            assert set(ready["agents"][0]) == {"agent", "ready", "enabled", "sources"}
    finally:
        await app.close()


def test_growth_agents_disable_and_enable_from_the_command_line(db_url: str) -> None:
    import server.cli_actions  # noqa: F401  (registers status on the board)
    import server.cli_operations  # noqa: F401  (registers agents, cycle, notify)
    from server.cli_common import app as board

    runner = CliRunner()
    env = {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo"}

    def growth(*args: str, code: int = 0) -> str:
        result = runner.invoke(board, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == code, (args, result.output)
        return result.output

    assert "reason" in growth("agents", "disable", "inventory", code=1)  # a reason is required
    assert "inventory: disabled" in growth("agents", "disable", "inventory", "--reason", "supplier on holiday")
    listed = json.loads(growth("agents", "--json"))
    inventory = next(a for a in listed["agents"] if a["name"] == "inventory")["readiness"]
    assert inventory["enabled"] is False and "supplier on holiday" in inventory["blockers"][0]
    assert "inventory: NOT READY: inventory was disabled" in growth("status")
    # `growth run all` runs the others and says which one is off
    import server.cli_data  # noqa: F401  (registers run)

    ran = {r["agent"]: r for r in json.loads(growth("run", "all", "--json"))["runs"]}
    assert ran["inventory"]["status"] == "disabled" and ran["inventory"]["run_id"] is None
    assert {ran[a]["status"] for a in ("analytics", "content", "risk")} <= {"ok", "no_data", "stale"}
    growth("agents", "enable", "inventory")
    listed = json.loads(growth("agents", "--json"))
    assert next(a for a in listed["agents"] if a["name"] == "inventory")["readiness"]["enabled"] is True
    assert "unknown agent" in growth("agents", "disable", "nobody", "--reason", "typo", code=1)
