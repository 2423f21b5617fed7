"""The MCP tools. Names, arguments and results are a public contract.

Every tool returns structured content (its output schema) plus a text rendering;
failures are tool errors with a stable code. Authorization happens in the guard
middleware before any of these bodies run (``server.mcp.guard``); bodies read the
caller from ``identity.current()``.
"""


from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.resolve import Elicit, Resolve
from mcp_types import CallToolResult, InputRequiredResult, ToolAnnotations
from pydantic import BaseModel, Field

from graphs.language.dates import parse_when
from graphs.registry import SPECIALISTS
from graphs.runs import run_all, run_specialist
from policies.tiers import RiskTier
from server.app import App
from server.mcp import render
from server.mcp.identity import current
from server.mcp.results import error, from_tool_error, ok
from tools import actions, audit, decisions, handoffs, killswitch, performance, pii, rollback, rules, runs
from tools import tenants as tenant_ops
from tools.validation import ActionId, RunId, Version
from tools.errors import InvalidInput, ToolError

Specialist = Literal["analytics", "inventory", "content", "risk"]
CONFIRM_TIERS = (RiskTier.HIGH.value, RiskTier.CRITICAL.value)

# --- outputs --------------------------------------------------------------------------


class ActionsOut(BaseModel):
    actions: list[dict[str, Any]]


class ActionOut(BaseModel):
    action: dict[str, Any]
    versions: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    execution: dict[str, Any] | None = None
    outbox: list[dict[str, Any]] = []
    explanation: dict[str, Any] = {}


class DecisionOut(BaseModel):
    action: dict[str, Any]
    verdict: str
    execution: dict[str, Any] | None = None
    reclassified: dict[str, str] | None = None


class BulkOut(BaseModel):
    results: list[dict[str, Any]]


class RollbackOut(BaseModel):
    action_id: ActionId
    status: str
    restored: dict[str, Any]


class RunOut(BaseModel):
    run: dict[str, Any]


class RunsOut(BaseModel):
    runs: list[dict[str, Any]]


class SpecialistOut(BaseModel):
    agent: str
    run_id: int | None
    status: str
    summary: str
    findings: list[str]
    action_ids: list[int]


class AllRunsOut(BaseModel):
    results: list[SpecialistOut]


class StatusOut(BaseModel):
    status: dict[str, Any]


class AutonomyOut(BaseModel):
    tenant: str
    previous: str
    level: str


class KillSwitchOut(BaseModel):
    scope: str
    engaged: bool
    effective: bool
    source: str
    reason: str
    released_work: dict[str, list[int]] | None = None


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


class RuleOut(BaseModel):
    rule: dict[str, Any]


class RulesOut(BaseModel):
    rules: list[dict[str, Any]]


class Confirm(BaseModel):
    """What the person is asked when approving a high or critical action."""

    confirm: bool = Field(description="Approve and execute it now")


class BulkDecision(BaseModel):
    action_id: ActionId
    version: Version
    decision: Literal["approve", "reject", "snooze"]
    reason: str = ""
    until: str | None = Field(default=None, description="for snooze: ISO time or words like 'monday'")


# --- annotations ------------------------------------------------------------------------

def _ann(title: str, *, read_only: bool = False, destructive: bool = False, idempotent: bool = False) -> ToolAnnotations:
    return ToolAnnotations(title=title, read_only_hint=read_only, destructive_hint=destructive,
                           idempotent_hint=idempotent, open_world_hint=False)


READ = {"read_only": True, "idempotent": True}

#: tool name -> the ABAC operation the guard checks before the tool runs
TOOL_OPERATIONS: dict[str, str] = {}


def _dump(value: Any) -> Any:
    from graphs.toolkit import _dump as dump

    return dump(value)


Body = Callable[..., Awaitable[CallToolResult | InputRequiredResult]]


def _guarded(fn: Body) -> Body:
    """Turn a ToolError into a tool error result (never a protocol fault)."""
    import functools

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> CallToolResult | InputRequiredResult:
        try:
            return await fn(*args, **kwargs)
        except ToolError as exc:
            return from_tool_error(exc)

    return wrapper


Tool = Callable[[str, str, ToolAnnotations, str], Callable[[Body], Body]]


def registrar(mcp: MCPServer) -> Tool:
    """The decorator every tool is added with: guarded, and mapped to the ABAC operation it needs."""

    def tool(name: str, operation: str, annotations: ToolAnnotations, description: str) -> Callable[[Body], Body]:
        def decorate(fn: Body) -> Body:
            TOOL_OPERATIONS[name] = operation
            mcp.add_tool(_guarded(fn), name=name, title=annotations.title, description=description,
                         annotations=annotations)
            return fn

        return decorate

    return tool


def register(mcp: MCPServer, app: App) -> None:
    deps = app.deps
    tool = registrar(mcp)

    # -- conversations -----------------------------------------------------------------------
    from server.mcp.conversation import converse

    @tool("chat", "chat.operator", _ann("Talk to the CEO-front agent", destructive=True),
          "Talk to the operator's agent in plain language: 'what should I do today?', 'approve 12 and 14', "
          "'run the inventory agent'. Returns the reply and the actions and runs it refers to.")
    async def chat(message: str, ctx: Context, thread: str | None = None
                   ) -> Annotated[CallToolResult, render.ChatOut] | InputRequiredResult:
        return await converse(app, ctx, current(), message, thread)

    @tool("customer_chat", "chat.customer", _ann("Talk to the shop assistant"),
          "For shoppers: products, store policies, your own orders, or a request for a person.")
    async def customer_chat(message: str, ctx: Context, thread: str | None = None
                            ) -> Annotated[CallToolResult, render.ChatOut] | InputRequiredResult:
        return await converse(app, ctx, current(), message, thread)

    # -- the queue ---------------------------------------------------------------------------------
    @tool("list_actions", "actions.list", _ann("List actions", **READ),
          "The action queue ranked best first (score = expected revenue × confidence × ease). status: live "
          "(default), pending, all, or a status such as executed.")
    async def list_actions(status: str = "live", agent: str | None = None, kind: str | None = None,
                           risk_tier: Literal["low", "medium", "high", "critical"] | None = None,
                           limit: Annotated[int, Field(ge=1, le=200)] = 20) -> Annotated[CallToolResult, ActionsOut]:
        rows = await actions.list_actions(deps, current(), status=status, agent=agent, kind=kind,
                                          risk_tier=risk_tier, limit=limit)
        out = ActionsOut(actions=[r.model_dump(mode="json") for r in rows])
        return ok(out, render.actions(out.actions))

    @tool("get_action", "actions.get", _ann("Explain an action", **READ),
          "One action: why this rank (the expected-revenue arithmetic with every input and its source), the "
          "evidence, the risk, the rollback plan, versions, decisions and execution.")
    async def get_action(action_id: ActionId) -> Annotated[CallToolResult, ActionOut]:
        detail = _dump(await actions.get_action(deps, current(), action_id=action_id))
        out = ActionOut(**detail)
        return ok(out, render.action(detail))

    async def confirm_approval(action_id: ActionId, version: Version, ctx: Context) -> Elicit[Confirm] | Confirm:
        return await _confirmation(app, ctx, action_id, None)

    async def confirm_edit(action_id: ActionId, version: Version, params: dict[str, Any], ctx: Context
                           ) -> Elicit[Confirm] | Confirm:
        return await _confirmation(app, ctx, action_id, params)

    @tool("approve_action", "actions.approve", _ann("Approve an action", destructive=True, idempotent=True),
          "Approve the version you reviewed; it executes at once unless the kill switch or a rate limit holds it. "
          "High and critical actions ask you to confirm where the client can ask.")
    async def approve_action(action_id: ActionId, version: Version,
                             confirmed: Annotated[ElicitationResult[Confirm], Resolve(confirm_approval)],
                             reason: str = "") -> Annotated[CallToolResult, DecisionOut]:
        if not _confirmed(confirmed):
            return error("not_confirmed", f"approval of #{action_id} was not confirmed; nothing changed")
        res = await decisions.decide(deps, current(), action_id=action_id, version=version, verdict="approve",
                                     reason=reason)
        out = DecisionOut(**_dump(res))
        return ok(out, render.decision(out.model_dump()))

    @tool("edit_and_approve", "actions.edit_approve", _ann("Edit and approve", destructive=True, idempotent=True),
          "Change some params of the version you reviewed (validated and re-classified) and approve the new "
          "version.")
    async def edit_and_approve(action_id: ActionId, version: Version, params: dict[str, Any],
                               confirmed: Annotated[ElicitationResult[Confirm], Resolve(confirm_edit)],
                               reason: str = "") -> Annotated[CallToolResult, DecisionOut]:
        if not _confirmed(confirmed):
            return error("not_confirmed", f"the edit of #{action_id} was not confirmed; nothing changed")
        res = await decisions.decide(deps, current(), action_id=action_id, version=version,
                                     verdict="edit_approve", params=params, reason=reason)
        out = DecisionOut(**_dump(res))
        return ok(out, render.decision(out.model_dump()))

    @tool("reject_action", "actions.reject", _ann("Reject an action", idempotent=True),
          "Reject the version you reviewed, with the reason the proposing agent learns from.")
    async def reject_action(action_id: ActionId, version: Version,
                            reason: Annotated[str, Field(min_length=1)]) -> Annotated[CallToolResult, DecisionOut]:
        res = await decisions.decide(deps, current(), action_id=action_id, version=version, verdict="reject",
                                     reason=reason)
        out = DecisionOut(**_dump(res))
        return ok(out, render.decision(out.model_dump()))

    @tool("snooze_action", "actions.snooze", _ann("Snooze an action", idempotent=True),
          "Put an action aside until a time (ISO 8601, or words such as 'tomorrow', 'monday', 'in 3 days').")
    async def snooze_action(action_id: ActionId, version: Version, until: str,
                            reason: str = "") -> Annotated[CallToolResult, DecisionOut]:
        res = await decisions.decide(deps, current(), action_id=action_id, version=version, verdict="snooze",
                                     until=_when(until, deps.now()), reason=reason)
        out = DecisionOut(**_dump(res))
        return ok(out, render.decision(out.model_dump()))

    async def confirm_bulk(items: list[BulkDecision], ctx: Context) -> Elicit[Confirm] | Confirm:
        approvals = [i.action_id for i in items if i.decision == "approve"]
        return await _confirmation(app, ctx, approvals, None) if approvals else Confirm(confirm=True)

    @tool("bulk_decide", "actions.bulk_decide", _ann("Decide several actions", destructive=True, idempotent=True),
          "Several decisions at once, each bound to its own action version and reported on its own.")
    async def bulk_decide(items: Annotated[list[BulkDecision], Field(min_length=1, max_length=200)],
                          confirmed: Annotated[ElicitationResult[Confirm], Resolve(confirm_bulk)]
                          ) -> Annotated[CallToolResult, BulkOut]:
        now = deps.now()
        ok_to_approve = _confirmed(confirmed)
        batch = []
        results: list[dict[str, Any]] = []
        for item in items:
            if item.decision == "approve" and not ok_to_approve:
                results.append({"action_id": item.action_id, "ok": False, "code": "not_confirmed",
                                "message": "approval not confirmed; nothing changed"})
                continue
            try:
                until = _when(item.until, now) if item.decision == "snooze" else None
            except InvalidInput as exc:
                results.append({"action_id": item.action_id, "ok": False, **exc.to_dict()})
                continue
            batch.append(decisions.BulkItem(item.action_id, item.version, item.decision, item.reason, None, until))
        if batch:
            results += await decisions.bulk_decide(deps, current(), items=batch)
        out = BulkOut(results=_dump(results))
        return ok(out, render.bulk(out.results))

    @tool("rollback_action", "actions.rollback", _ann("Roll an action back", destructive=True, idempotent=True),
          "Restore what an executed action changed, from its recorded before-state. Refuses when the target "
          "changed since.")
    async def rollback_action(action_id: ActionId, reason: str = "") -> Annotated[CallToolResult, RollbackOut]:
        res = await rollback.rollback(deps, current(), action_id=action_id, reason=reason)
        out = RollbackOut(**_dump(res))
        return ok(out, f"#{out.action_id} rolled back; restored {out.restored}.")

    # -- runs ---------------------------------------------------------------------------------------
    @tool("run_specialist", "runs.start", _ann("Run a specialist"),
          "Run one specialist (analytics, inventory, content, risk) now; reports progress and returns its "
          "findings and the ids of the actions it proposed.")
    async def run_specialist_tool(agent: Specialist, ctx: Context, task: str = "") -> Annotated[CallToolResult,
                                                                                                  SpecialistOut]:
        result = await run_specialist(deps, current(), agent, task=task, trigger="run", progress=_progress(ctx))
        out = SpecialistOut(**result)
        return ok(out, render.specialist(out.model_dump()))

    @tool("run_all_specialists", "runs.start", _ann("Run every specialist"),
          "Run analytics, inventory, content and risk in turn, with progress.")
    async def run_all_specialists(ctx: Context) -> Annotated[CallToolResult, AllRunsOut]:
        results = await run_all(deps, current(), progress=_progress(ctx))
        out = AllRunsOut(results=[SpecialistOut(**r) for r in results])
        return ok(out, "\n\n".join(render.specialist(r.model_dump()) for r in out.results))

    @tool("delegate", "delegate", _ann("Delegate a task"),
          "Hand a task to a specialist through the CEO-front agent's handoff and get its report back.")
    async def delegate(agent: Specialist, task: Annotated[str, Field(min_length=1, max_length=4000)],
                       ctx: Context) -> Annotated[CallToolResult, SpecialistOut]:
        result = await run_specialist(deps, current(), agent, task=task, trigger="delegate", progress=_progress(ctx))
        out = SpecialistOut(**result)
        return ok(out, render.specialist(out.model_dump()))

    @tool("get_run", "runs.get", _ann("Show a run", **READ), "One specialist run: status, progress, counts, "
                                                             "duration, result or error.")
    async def get_run(run_id: RunId) -> Annotated[CallToolResult, RunOut]:
        out = RunOut(run=_dump(await runs.get_run(deps, current(), run_id=run_id)))
        return ok(out, render.runs([out.run]))

    @tool("list_runs", "runs.list", _ann("List runs", **READ), "Recent specialist runs, newest first.")
    async def list_runs(limit: Annotated[int, Field(ge=1, le=200)] = 20, agent: str | None = None
                        ) -> Annotated[CallToolResult, RunsOut]:
        out = RunsOut(runs=_dump(await runs.list_runs(deps, current(), limit=limit, agent=agent)))
        return ok(out, render.runs(out.runs))

    # -- the store, safety and settings ----------------------------------------------------------------
    @tool("get_status", "status.get", _ann("Store status", **READ),
          "Queue counts, autonomy level, kill switch and recent runs.")
    async def get_status() -> Annotated[CallToolResult, StatusOut]:
        out = StatusOut(status=_dump(await tenant_ops.get_status(deps, current())))
        return ok(out, render.status(out.status))

    @tool("set_autonomy", "autonomy.set", _ann("Set autonomy", destructive=True, idempotent=True),
          "supervised: everything waits for you; semi_autonomous: low-risk actions run alone; autonomous: "
          "everything but critical runs alone. Work for people and irreversible actions always wait.")
    async def set_autonomy(level: Literal["supervised", "semi_autonomous", "autonomous"]
                           ) -> Annotated[CallToolResult, AutonomyOut]:
        out = AutonomyOut(**await tenant_ops.set_autonomy(deps, current(), level=level))
        return ok(out, f"Autonomy {out.previous} → {out.level}.")

    @tool("set_kill_switch", "kill_switch.set", _ann("Kill switch", destructive=True, idempotent=True),
          "Engage (stop every execution; approved work waits, nothing is lost) or release the kill switch.")
    async def set_kill_switch(engaged: bool, reason: Annotated[str, Field(min_length=3)],
                              scope: Literal["tenant", "global"] = "tenant") -> Annotated[CallToolResult,
                                                                                         KillSwitchOut]:
        res = await killswitch.set_kill_switch(deps, current(), engaged=engaged, reason=reason, scope=scope)
        out = KillSwitchOut(**res.as_dict())
        return ok(out, render.kill_switch(out.model_dump()))

    # -- audit, handoffs, performance ------------------------------------------------------------------
    @tool("audit_log", "audit.read", _ann("Audit log", **READ),
          "Recent audit events, newest first; filter by event prefix (e.g. 'action.') or since an ISO time.")
    async def audit_log(limit: Annotated[int, Field(ge=1, le=1000)] = 50, event_prefix: str | None = None,
                        since: str | None = None) -> Annotated[CallToolResult, EventsOut]:
        events = await audit.recent(deps, current().tenant, limit=limit, event_prefix=event_prefix, since=since)
        out = EventsOut(events=_dump(events))
        return ok(out, render.events(out.events))

    @tool("verify_audit", "audit.verify", _ann("Verify the audit chain", **READ),
          "Check the hash chain end to end; names the first bad event if any.")
    async def verify_audit() -> Annotated[CallToolResult, VerifyOut]:
        report = await audit.verify(deps, current().tenant)
        out = VerifyOut(ok=report.ok, events=report.events, first_bad_seq=report.first_bad_seq, problem=report.problem,
                        code=report.code)
        where = f" at event {out.first_bad_seq}" if out.first_bad_seq is not None else ""
        text = f"Audit chain intact: {out.events} events." if out.ok else f"Audit chain BROKEN{where}: {out.problem}"
        return ok(out, text)

    @tool("handoff_log", "handoffs.read", _ann("Handoff log", **READ),
          "Recent handoffs between agents, allowed and refused, with their (redacted) payloads.")
    async def handoff_log(limit: Annotated[int, Field(ge=1, le=500)] = 50, thread: str | None = None
                          ) -> Annotated[CallToolResult, HandoffsOut]:
        out = HandoffsOut(handoffs=_dump(await handoffs.handoff_log(deps, current(), thread_id=thread, limit=limit)))
        return ok(out, render.handoffs(out.handoffs))

    @tool("agent_performance", "performance.read", _ann("Agent performance", **READ),
          "Per agent and kind: proposals, approvals, rejections, rollbacks and approval rate.")
    async def agent_performance(agent: str | None = None) -> Annotated[CallToolResult, PerformanceOut]:
        out = PerformanceOut(agents=_dump(await performance.agent_performance(deps, current(), agent=agent)))
        return ok(out, render.performance(out.agents))

    @tool("reveal_pii", "pii.reveal", _ann("Reveal a PII value"),
          "Operator only: show the raw value behind a reference such as em_… with the reason you need it. "
          "Every reveal is logged and audited.")
    async def reveal_pii(ref: Annotated[str, Field(min_length=3, max_length=64)],
                         reason: Annotated[str, Field(min_length=5)]) -> Annotated[CallToolResult, RevealOut]:
        out = RevealOut(**await pii.reveal(deps, current(), ref=ref, reason=reason))
        return ok(out, f"{out.ref} ({out.entity}): {out.value}")

    @tool("add_rule", "memory.write", _ann("Add a standing rule", idempotent=False),
          "Store a standing rule the operator states, e.g. 'never discount Wick Studio', 'no markdowns before "
          "January'. It binds every proposing path, every decision and every execution; a sentence the engine "
          "cannot enforce is refused with the reason. Lists the waiting actions the rule now forbids.")
    async def add_rule(text: Annotated[str, Field(min_length=3, max_length=500)]
                       ) -> Annotated[CallToolResult, RuleOut]:
        out = RuleOut(rule=await rules.add(deps, current(), text=text))
        forbids = ", ".join(f"#{a['id']}" for a in out.rule.get("forbids_pending") or [])
        return ok(out, f"Rule saved, as understood: {out.rule['understood']}."
                  + (f" It forbids waiting actions {forbids}: reject them with reject_action." if forbids else ""))

    @tool("list_rules", "memory.read", _ann("List standing rules", **READ),
          "The operator's standing rules, as the engine understood them.")
    async def list_rules() -> Annotated[CallToolResult, RulesOut]:
        out = RulesOut(rules=await rules.list_rules(deps, current()))
        return ok(out, "\n".join(f"· {r['understood']} (key {r['key']})" for r in out.rules) or "No standing rules.")

    @tool("forget_rule", "memory.forget", _ann("Forget a standing rule", destructive=True),
          "Forget a standing rule by its key or by words it contains.")
    async def forget_rule(key_or_text: Annotated[str, Field(min_length=1)]) -> Annotated[CallToolResult, RuleOut]:
        out = RuleOut(rule=await rules.forget(deps, current(), key_or_text=key_or_text))
        return ok(out, f"Forgotten: {out.rule['understood']}")

    assert set(SPECIALISTS) == set(Specialist.__args__)  # type: ignore[attr-defined]


def _confirmed(outcome: ElicitationResult[Confirm]) -> bool:
    return isinstance(outcome, AcceptedElicitation) and bool(outcome.data.confirm)


async def _confirmation(app: App, ctx: Context, action_ids: int | list[int],
                        params: dict[str, Any] | None) -> Elicit[Confirm] | Confirm:
    """Ask the person to confirm high and critical approvals, where the client can ask.

    A client without elicitation (Claude Desktop, scripts) approves through the tool
    call itself. The question names each action's id, version, risk, change and
    rollback, so an answer can only ever be about what was shown.
    """
    caps = ctx.client_capabilities
    if caps is None or caps.elicitation is None:
        return Confirm(confirm=True)
    principal = current()
    lines = []
    for action_id in (action_ids if isinstance(action_ids, list) else [action_ids]):
        try:
            record = await app.deps.db.query(principal.tenant, lambda tx, i=action_id: actions.load(tx, i))
            tier = record.risk_tier.value
            change = record.params
            if params is not None:
                change, _, new_tier = decisions.preview_edit(record, params)
                tier = new_tier.value
        except ToolError:
            continue  # the decision itself reports the problem precisely
        if tier in CONFIRM_TIERS:
            lines.append(f"#{record.id} v{record.version} ({tier}): {record.title} — {record.kind} on "
                         f"{record.target}; change {change}; rollback: "
                         f"{record.rollback_plan.get('description', 'none')}")
    if not lines:
        return Confirm(confirm=True)
    return Elicit("Approve and execute now?\n" + "\n".join(lines), Confirm)


def _when(text: str | None, now: datetime) -> datetime:
    if not text:
        raise InvalidInput("until is required: an ISO time or words such as 'monday'", code="invalid_until")
    try:
        value = datetime.fromisoformat(text)
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    except ValueError:
        pass
    when = parse_when(text, now)
    if when is None:
        raise InvalidInput(f"cannot read {text!r} as a time; use ISO 8601 or words like 'tomorrow'",
                           code="invalid_until")
    return when


def _progress(ctx: Context) -> Callable[[float], Awaitable[None]]:
    async def report(value: float) -> None:
        await ctx.report_progress(round(value * 100, 1), 100, "running")

    return report
