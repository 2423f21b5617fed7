"""What happened: the audit log and its chain, handoffs between agents, agent performance, and the one
audited way to see a personal value."""

from typing import Annotated, Any

from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.mcp import render, views
from server.mcp.identity import current
from server.mcp.results import ok
from server.mcp.tools.base import READ, Body, ToolSpec, ann, dump
from tools import audit, handoffs, performance, pii


class EventsOut(BaseModel):
    events: list[dict[str, Any]]


class VerifyOut(BaseModel):
    ok: bool
    events: int
    first_bad_seq: int | None = None
    problem: str = ""
    #: the first problem's stable code (tools.audit_chain.Problem), empty when intact
    code: str = ""


class HandoffsOut(BaseModel):
    handoffs: list[dict[str, Any]]


class PerformanceOut(BaseModel):
    agents: list[dict[str, Any]]


class RevealOut(BaseModel):
    ref: str
    entity: str
    value: str


def audit_log(app: App) -> Body:
    async def audit_log(limit: Annotated[int, Field(ge=1, le=1000)] = 50, event_prefix: str | None = None,
                        since: str | None = None,
                        detail: Annotated[views.Detail, Field(description="summary (default): events without "
                                                                          "their chain hashes and digests; full: "
                                                                          "as stored")] = "summary",
                        ) -> Annotated[CallToolResult, EventsOut]:
        events = dump(await audit.recent(app.deps, current().tenant, limit=limit, event_prefix=event_prefix,
                                         since=since))
        out = EventsOut(events=[views.event(e, detail) for e in events])
        return ok(out, render.events(out.events))

    return audit_log


def verify_audit(app: App) -> Body:
    async def verify_audit() -> Annotated[CallToolResult, VerifyOut]:
        report = await audit.verify(app.deps, current().tenant)
        out = VerifyOut(ok=report.ok, events=report.events, first_bad_seq=report.first_bad_seq,
                        problem=report.problem, code=report.code)
        where = f" at event {out.first_bad_seq}" if out.first_bad_seq is not None else ""
        text = f"Audit chain intact: {out.events} events." if out.ok else f"Audit chain BROKEN{where}: {out.problem}"
        return ok(out, text)

    return verify_audit


def handoff_log(app: App) -> Body:
    async def handoff_log(limit: Annotated[int, Field(ge=1, le=500)] = 50, thread: str | None = None
                          ) -> Annotated[CallToolResult, HandoffsOut]:
        found = await handoffs.handoff_log(app.deps, current(), thread_id=thread, limit=limit)
        out = HandoffsOut(handoffs=dump(found))
        return ok(out, render.handoffs(out.handoffs))

    return handoff_log


def agent_performance(app: App) -> Body:
    async def agent_performance(agent: str | None = None) -> Annotated[CallToolResult, PerformanceOut]:
        out = PerformanceOut(agents=dump(await performance.agent_performance(app.deps, current(), agent=agent)))
        return ok(out, render.performance(out.agents))

    return agent_performance


def reveal_pii(app: App) -> Body:
    async def reveal_pii(ref: Annotated[str, Field(min_length=3, max_length=64)],
                         reason: Annotated[str, Field(min_length=5)]) -> Annotated[CallToolResult, RevealOut]:
        out = RevealOut(**await pii.reveal(app.deps, current(), ref=ref, reason=reason))
        return ok(out, f"{out.ref} ({out.entity}): {out.value}")

    return reveal_pii


TOOLS = (
    ToolSpec("audit_log", "audit.read", ann("Audit log", **READ),
             "Recent audit events, newest first; filter by event prefix (e.g. 'action.') or since an ISO time. "
             "detail=full keeps the chain hashes and digests.", audit_log),
    ToolSpec("verify_audit", "audit.verify", ann("Verify the audit chain", **READ),
             "Check the hash chain end to end; names the first bad event if any.", verify_audit),
    ToolSpec("handoff_log", "handoffs.read", ann("Handoff log", **READ),
             "Recent handoffs between agents, allowed and refused, with their (redacted) payloads.", handoff_log),
    ToolSpec("agent_performance", "performance.read", ann("Agent performance", **READ),
             "Per agent and kind: proposals, approvals, rejections, rollbacks and approval rate.", agent_performance),
    ToolSpec("reveal_pii", "pii.reveal", ann("Reveal a PII value"),
             "Operator only: show the raw value behind a reference such as em_… with the reason you need it. "
             "Every reveal is logged and audited.", reveal_pii),
)
