"""The specialist subgraph: start a run, analyse, propose, finish — the same for every specialist.

Each specialist supplies only its ``analyse`` function: it reads the store's data and
returns findings and proposals (with evidence and a rollback plan). Proposals go
through the lifecycle like anyone's; a refused one (a standing preference, say) is
reported, not hidden.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from graphs.state import RunContext
from policies.principal import Principal
from tools.actions import propose_many, withdraw_stale
from tools.errors import ToolError
from tools.readiness import freshness
from tools.runs import start_run, update_run


@dataclass
class Analysis:
    findings: list[str] = field(default_factory=list)
    #: proposal dicts as ``tools.actions.propose`` takes them
    proposals: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    #: set when there was nothing to analyse; says what data is missing and how to add it
    no_data: str | None = None
    #: per check: candidates considered, and how many were rejected for which reason (``--explain``)
    screened: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _check(self, check: str) -> dict[str, Any]:
        return self.screened.setdefault(check, {"considered": 0, "rejected": {}})

    def consider(self, check: str, n: int = 1) -> None:
        """``n`` more candidates went through ``check``."""
        self._check(check)["considered"] += n

    def reject(self, check: str, reason: str, n: int = 1) -> None:
        """``n`` of the candidates ``check`` considered were dropped, for ``reason`` (a short stable phrase)."""
        rejected = self._check(check)["rejected"]
        rejected[reason] = rejected.get(reason, 0) + n


Analyse = Callable[[RunContext, str, dict[str, Any]], Awaitable[Analysis]]


class SpecialistState(TypedDict, total=False):
    task: str
    scope: dict[str, str]
    trigger: str
    run_id: int
    findings: list[str]
    proposals: list[dict[str, Any]]
    counts: dict[str, Any]
    no_data: str | None
    screened: dict[str, dict[str, Any]]
    action_ids: list[int]
    #: of those, the ones this run created (not already waiting unchanged)
    new_ids: list[int]
    withdrawn: list[int]
    skipped: list[dict[str, str]]
    result: dict[str, Any]


def build(agent: str, analyse: Analyse) -> CompiledStateGraph[Any, Any, Any, Any]:
    async def start(state: SpecialistState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        ctx = runtime.context
        if state.get("run_id"):
            return {}
        run = await start_run(ctx.deps, ctx.principal.tenant, agent=agent, trigger=state.get("trigger", "delegate"),
                              principal=ctx.principal.subject, task=state.get("task", ""))
        await _progress(ctx, run.id, 0.1)
        return {"run_id": run.id}

    async def analyse_node(state: SpecialistState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        ctx = runtime.context
        fresh = await freshness(ctx.deps, ctx.principal.tenant, agent)
        if fresh.stale:
            # proposing from old data would act on a store that has moved on: nothing, and say why
            await _progress(ctx, state["run_id"], 0.5)
            return {"findings": [], "proposals": [], "no_data": f"Stale data, nothing proposed: {fresh.reason()}",
                    "counts": {"stale": [s.source for s in fresh.stale]}}
        try:
            analysis = await analyse(ctx, state.get("task", ""), state.get("scope") or {})
        except Exception as exc:
            await update_run(ctx.deps, ctx.principal.tenant, state["run_id"], status="failed",
                             error=f"{type(exc).__name__}: {exc}", finished_at=ctx.deps.now())
            raise
        await _progress(ctx, state["run_id"], 0.5)
        return {"findings": analysis.findings, "proposals": analysis.proposals, "counts": analysis.counts,
                "no_data": analysis.no_data, "screened": analysis.screened}

    async def propose_node(state: SpecialistState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        ctx = runtime.context
        me = Principal.for_agent(ctx.principal.tenant, agent)
        ids: list[int] = []
        new: list[int] = []
        skipped: list[dict[str, str]] = []
        proposals = state.get("proposals") or []
        for proposal, res in zip(proposals, await propose_many(ctx.deps, me, proposals, run_id=state["run_id"])):
            if isinstance(res, ToolError):
                skipped.append({"target": str(proposal.get("target")), "kind": str(proposal.get("kind")),
                                "code": res.code, "reason": res.message})
            else:
                ids.append(res.action.id)
                if res.outcome != "unchanged":
                    new.append(res.action.id)
        withdrawn: list[int] = []
        if not state.get("no_data"):
            # what the agent proposed before and no longer finds leaves the queue (refused ones stay refused)
            keep = {(str(p.get("kind")), str(p.get("target"))) for p in proposals}
            withdrawn = await withdraw_stale(ctx.deps, me, agent=agent, keep=keep, run_id=state["run_id"])
        await _progress(ctx, state["run_id"], 0.9)
        return {"action_ids": ids, "new_ids": new, "withdrawn": withdrawn, "skipped": skipped}

    async def finish(state: SpecialistState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        ctx = runtime.context
        ids, skipped = state.get("action_ids") or [], state.get("skipped") or []
        new, withdrawn = state.get("new_ids") or [], state.get("withdrawn") or []
        findings = list(state.get("findings") or [])
        findings += [f"Not proposed ({s['code']}): {s['kind']} on {s['target']} — {s['reason']}" for s in skipped]
        status = ("stale" if (state.get("counts") or {}).get("stale") else "no_data") if state.get("no_data") else "ok"
        unchanged = len(ids) - len(new)
        summary = state.get("no_data") or (
            f"{len(new)} new action{'s' if len(new) != 1 else ''}"
            + (f", {unchanged} already waiting unchanged" if unchanged else "")
            + (f", {len(withdrawn)} withdrawn (no longer found)" if withdrawn else "")
            + (f", {len(skipped)} not proposed" if skipped else "")
            + (f"; {len(findings)} finding{'s' if len(findings) != 1 else ''}" if findings else ""))
        counts = {**(state.get("counts") or {}), "proposed": len(ids), "new": len(new), "withdrawn": len(withdrawn),
                  "skipped": len(skipped)}
        result = {"agent": agent, "run_id": state["run_id"], "status": status, "summary": summary,
                  "findings": findings[:50], "action_ids": ids, "new_action_ids": new, "withdrawn": withdrawn,
                  "screened": state.get("screened") or {}}
        await update_run(ctx.deps, ctx.principal.tenant, state["run_id"], status="succeeded", progress=1.0,
                         counts=counts, result=result, finished_at=ctx.deps.now())
        return {"result": result}

    graph = StateGraph(SpecialistState, context_schema=RunContext)
    graph.add_node("start", start)
    graph.add_node("analyse", analyse_node)
    graph.add_node("propose", propose_node)
    graph.add_node("finish", finish)
    graph.add_edge(START, "start")
    graph.add_edge("start", "analyse")
    graph.add_edge("analyse", "propose")
    graph.add_edge("propose", "finish")
    graph.add_edge("finish", END)
    return graph.compile(name=agent)


async def _progress(ctx: RunContext, run_id: int, value: float) -> None:
    await update_run(ctx.deps, ctx.principal.tenant, run_id, progress=value)
    reporter = getattr(ctx, "progress", None)
    if reporter is not None:
        await reporter(value)
