"""The cycle, Plan → Act → React → Reflect, on a small demo store, on both engines: each phase recorded with
its timings, idempotent per cycle id, the kill switch read before each phase, a reflection served over MCP,
in the daily briefing and in chat."""

from __future__ import annotations

import pytest

from graphs.cycle import act, plan, run_cycle
from server.app import App
from tests.ops_store import OP, clock_of, ops_app, ops_template  # noqa: F401  (fixtures)
from tools.cycle_reflect import latest
from tools.killswitch import set_kill_switch
from tools.registry import invoke


async def _events(app: App, name: str) -> list[str]:
    rows = await app.deps.db.query("demo", lambda tx: tx.audit.recent(limit=10_000, event_prefix=name))
    return [r.subject for r in rows]


async def test_a_cycle_on_a_fresh_demo_store_records_four_phases_and_a_reflection(ops_app: App) -> None:
    reflection = await run_cycle(ops_app.deps, "demo", cycle="c-1")

    rec = await ops_app.deps.db.query("demo", lambda tx: tx.cycles.get("c-1"))
    assert rec is not None and rec.status == "done"
    for phase in ("plan", "act", "react", "reflect"):
        assert rec.phases[phase]["status"] == "done", phase
        assert rec.phases[phase]["seconds"] >= 0 and rec.phases[phase]["started_at"] <= rec.phases[phase]["finished_at"]
    planned = rec.phases["plan"]["result"]
    assert sorted(planned["agents"]) == ["analytics", "content", "inventory", "risk"] and planned["skipped"] == {}
    assert {r["agent"] for r in rec.phases["act"]["result"]["runs"]} == set(planned["agents"])
    # the demo store has planted opportunities: the specialists proposed, and the reflection counts them
    proposed = await _events(ops_app, "action.proposed")
    assert reflection.counts["proposed"] == len(proposed) > 0
    assert reflection.counts["executed"] == 0  # supervised: everything waits for the operator
    assert any("wait for your decision" in h for h in reflection.hints)
    assert rec.reflection == reflection.as_dict() == await latest(ops_app.deps, "demo")


async def test_running_a_finished_cycle_again_runs_no_phase_twice(ops_app: App) -> None:
    first = await run_cycle(ops_app.deps, "demo", cycle="c-2")
    runs = await ops_app.deps.db.query("demo", lambda tx: tx.runs.list(limit=100))
    again = await run_cycle(ops_app.deps, "demo", cycle="c-2")
    assert again.as_dict() == first.as_dict()
    assert len(await ops_app.deps.db.query("demo", lambda tx: tx.runs.list(limit=100))) == len(runs)


async def test_a_cycle_that_crashed_in_act_resumes_there_without_planning_again(ops_app: App,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import graphs.cycle

    real = graphs.cycle.run_due

    async def crash(*args: object, **kwargs: object) -> object:
        raise RuntimeError("worker died")

    monkeypatch.setattr(graphs.cycle, "run_due", crash)
    with pytest.raises(RuntimeError):
        await run_cycle(ops_app.deps, "demo", cycle="c-3")
    rec = await ops_app.deps.db.query("demo", lambda tx: tx.cycles.get("c-3"))
    assert rec is not None and rec.status == "failed" and rec.phases["act"]["status"] == "failed"
    planned_at = rec.phases["plan"]["started_at"]

    monkeypatch.setattr(graphs.cycle, "run_due", real)
    clock_of(ops_app).advance(minutes=5)
    reflection = await run_cycle(ops_app.deps, "demo", cycle="c-3")
    rec = await ops_app.deps.db.query("demo", lambda tx: tx.cycles.get("c-3"))
    assert rec is not None and rec.phases["plan"]["started_at"] == planned_at  # plan was not run again
    assert rec.phases["act"]["status"] == "done" and reflection.status == "done"


async def test_with_the_kill_switch_engaged_nothing_executes_in_the_cycle(ops_app: App) -> None:
    await invoke(ops_app.deps, OP, "autonomy.set", level="autonomous")
    planned = await plan(ops_app.deps, "demo", cycle="c-k")
    # engaged between Plan and Act: Act does nothing at all, and says why
    await set_kill_switch(ops_app.deps, OP, engaged=True, reason="incident drill")
    done = await act(ops_app.deps, "demo", planned, cycle="c-k")
    assert done.halted.startswith("kill switch engaged") and done.runs == [] and done.executed == []
    reflection = await run_cycle(ops_app.deps, "demo", cycle="c-k")
    assert reflection.status == "halted" and reflection.counts["executed"] == 0
    assert any("kill switch" in h for h in reflection.hints)
    assert await _events(ops_app, "action.executed") == []

    # the same store with the switch released: autonomy executes what it allows (the test above can fail)
    await set_kill_switch(ops_app.deps, OP, engaged=False, reason="drill over")
    clock_of(ops_app).advance(minutes=1)
    after = await run_cycle(ops_app.deps, "demo", cycle="c-k2")
    assert after.counts["executed"] > 0 and len(await _events(ops_app, "action.executed")) == after.counts["executed"]


async def test_the_reflection_is_served_over_mcp_in_the_briefing_and_in_chat(ops_app: App) -> None:
    from mcp import Client

    from server.mcp.identity import Principals
    from server.mcp.server import build_mcp

    reflection = await run_cycle(ops_app.deps, "demo", cycle="c-m")
    mcp = build_mcp(ops_app, principals=Principals(ops_app.deps, local_tenant="demo"))
    async with Client(mcp) as client:
        text = (await client.read_resource("growth://reflections/latest")).contents[0].text
        assert "c-m" in text and f"{reflection.counts['proposed']} proposed" in text
        data = (await client.read_resource("growth://reflections/latest.json")).contents[0].text
        assert '"last_cycle"' in data and '"c-m"' in data
        briefing = await client.get_prompt("daily_briefing")
        assert "What the engine did on its own" in str(briefing.messages[0].content)
        assert "c-m" in str(briefing.messages[0].content)
        reply = await client.call_tool("chat", {"message": "what did you do overnight?"})
        assert "Last cycle c-m" in str(reply.content[0])


async def test_a_disabled_server_runs_no_cycle(ops_app: App) -> None:
    from dataclasses import replace

    from tools.errors import Forbidden

    ops_app.deps.config = replace(ops_app.deps.config, agents_enabled=False)
    with pytest.raises(Forbidden) as refused:
        await run_cycle(ops_app.deps, "demo")
    assert refused.value.code == "agents_disabled"
    assert await ops_app.deps.db.query("demo", lambda tx: tx.cycles.recent(limit=5)) == []
