"""The tools agents may call, each tied to one ABAC operation.

An agent is offered exactly the tools whose operation is on its allowlist; a call to
anything else is refused and audited. Each call is authorized twice through the one
``enforce``: for the agent (its allowlist) and for the person it acts for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from graphs.brains.base import ToolSpec
from graphs.tool_args import (ActionIdArgs, AgentArgs, AgentSwitchArgs, Args, AuditArgs, DecideArgs,
                               EditArgs, EscalateArgs, FactsArgs, FindArgs, ForgetArgs, KillArgs, KindArgs,
                               LevelArgs, ListActionsArgs, NoArgs, OrdersArgs, PolicyArgs, QueueArgs,
                               RejectArgs, RollbackArgs, RunIdArgs, RunsArgs, SalesArgs, SearchArgs, SnoozeArgs,
                               ProductSalesArgs, StockArgs, TextArgs, TopProductsArgs, TransferArgs, WorkflowArgs,
                               WorkflowsArgs)
from graphs.state import RunContext
from policies.principal import Principal
from tools.cycle_reflect import latest as cycle_latest
from tools import (actions, agent_flags, audit, catalog, decisions, handoffs, insights, killswitch, performance, queue,
                   rollback, rules, runs, storefront)
from tools import tenants as tenant_ops
from tools.errors import Forbidden, ToolError
from policies.abac import OPERATIONS
from tools.registry import enforce
from tools.validation import describe


Runner = Callable[[RunContext, Principal, Any], Awaitable[Any]]
AGENT_OPERATION_READ_ONLY = {name: spec.read_only for name, spec in OPERATIONS.items()}


@dataclass(frozen=True)
class AgentTool:
    name: str
    operation: str
    args: type[Args]
    description: str
    run: Runner

    def spec(self) -> ToolSpec:
        return _spec(self.name, self.description, self.args)


@cache
def _spec(name: str, description: str, args: type[Args]) -> ToolSpec:
    schema = args.model_json_schema()
    schema.pop("title", None)
    return ToolSpec(name, description, schema)


def _dump(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "as_dict"):
        return _dump(value.as_dict())
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict
        return _dump(asdict(value))
    return value


async def _escalate(ctx: RunContext, who: Principal, a: Any) -> Any:
    """Through the contract's escalate edge, then into the inbox as a support.escalation action."""
    from graphs.handoff import transfer
    from graphs.registry import OPERATOR_INBOX
    from tools.escalation import escalate

    handoff = await transfer(ctx.deps, tenant=who.tenant, actor=who.subject, thread_id=ctx.thread_id,
                             from_agent="customer_front", to_agent=OPERATOR_INBOX,
                             payload={"summary": a.summary, "customer_ref": who.customer_ref,
                                      "conversation": ctx.thread_id, "order_name": a.order_name})
    if not handoff.allowed:
        return handoff.error()
    p = handoff.payload
    return await escalate(ctx.deps, who, summary=p["summary"], conversation=p["conversation"],
                          customer_ref=p.get("customer_ref"), order_name=p.get("order_name"))


def desk_for(ctx: RunContext) -> Any:
    """The workflows desk, or a ToolError saying no durable engine can be reached from this process."""
    if ctx.deps.workflows is None:
        raise ToolError("workflows need the durable engine, and none can be reached from here: start `growth "
                        "serve` or `growth worker`", code="no_engine")
    return ctx.deps.workflows


async def _workflows(ctx: RunContext, who: Principal, limit: int) -> dict[str, Any]:
    desk = desk_for(ctx)
    return {"workflows": await desk.recent(who, limit), "templates": dict(desk.templates)}


async def _queue(ctx: RunContext, who: Principal, a: Any) -> list[dict[str, Any]]:
    return await queue_for(ctx, status=a.status, limit=a.limit)


async def queue_for(ctx: RunContext, *, status: str = "all", limit: int = 500) -> list[dict[str, Any]]:
    """The queue by name, read once per turn (until a write runs)."""
    key = f"queue:{status}:{limit}"
    if key not in ctx.memo:
        ctx.memo[key] = [i.as_dict() for i in await queue.named_queue(ctx.deps, ctx.principal, status=status,
                                                                      limit=limit)]
    return list(ctx.memo[key])


def _t(name: str, operation: str, args: type[Args], description: str, run: Runner) -> AgentTool:
    return AgentTool(name, operation, args, description, run)


async def _decide(ctx: RunContext, who: Principal, a: Any, verdict: str, **extra: Any) -> Any:
    return await decisions.decide(ctx.deps, who, action_id=a.action_id, version=a.version, verdict=verdict, **extra)


TOOLS: dict[str, AgentTool] = {t.name: t for t in (
    _t("list_actions", "actions.list", ListActionsArgs, "The action queue ranked best first (filters optional).",
       lambda c, w, a: actions.list_actions(c.deps, w, **a.model_dump())),
    _t("get_action", "actions.get", ActionIdArgs,
       "One action: evidence, expected-revenue arithmetic, risk, rollback plan, versions, decisions, execution.",
       lambda c, w, a: actions.get_action(c.deps, w, action_id=a.action_id)),
    _t("approve_action", "actions.approve", DecideArgs,
       "Approve the version you reviewed; high and critical approvals ask the operator to confirm first.",
       lambda c, w, a: _decide(c, w, a, "approve", reason=a.reason)),
    _t("reject_action", "actions.reject", RejectArgs, "Reject, with the reason the agent learns from.",
       lambda c, w, a: _decide(c, w, a, "reject", reason=a.reason)),
    _t("edit_and_approve", "actions.edit_approve", EditArgs,
       "Change some params (validated and re-classified) and approve the new version.",
       lambda c, w, a: _decide(c, w, a, "edit_approve", params=a.params)),
    _t("snooze_action", "actions.snooze", SnoozeArgs, "Put an action aside until a time.",
       lambda c, w, a: _decide(c, w, a, "snooze", until=a.until, reason=a.reason)),
    _t("rollback_action", "actions.rollback", RollbackArgs, "Restore what an executed action changed.",
       lambda c, w, a: rollback.rollback(c.deps, w, action_id=a.action_id, reason=a.reason)),
    _t("get_status", "status.get", NoArgs, "Queue counts, autonomy level, kill switch, recent runs.",
       lambda c, w, a: tenant_ops.get_status(c.deps, w)),
    _t("list_runs", "runs.list", RunsArgs, "Recent specialist runs.",
       lambda c, w, a: runs.list_runs(c.deps, w, limit=a.limit, agent=a.agent)),
    _t("get_run", "runs.get", RunIdArgs, "One specialist run with its counts and result.",
       lambda c, w, a: runs.get_run(c.deps, w, run_id=a.run_id)),
    _t("audit_log", "audit.read", AuditArgs, "Recent audit events, newest first.",
       lambda c, w, a: audit.recent(c.deps, w.tenant, limit=a.limit, event_prefix=a.event_prefix, since=a.since)),
    _t("last_cycle", "reflections.read", NoArgs,
       "What the last Plan-Act-React-Reflect cycle did on its own: counts, revenue, what to do next.",
       lambda c, w, a: cycle_latest(c.deps, w.tenant)),
    _t("verify_audit", "audit.verify", NoArgs, "Check the audit hash chain end to end.",
       lambda c, w, a: audit.verify(c.deps, w.tenant)),
    _t("handoff_log", "handoffs.read", RunsArgs, "Recent handoffs between agents, allowed and refused.",
       lambda c, w, a: handoffs.handoff_log(c.deps, w, limit=a.limit)),
    _t("set_autonomy", "autonomy.set", LevelArgs, "Set the store's autonomy level.",
       lambda c, w, a: tenant_ops.set_autonomy(c.deps, w, level=a.level)),
    _t("set_kill_switch", "kill_switch.set", KillArgs, "Stop (or resume) every execution; nothing is lost.",
       lambda c, w, a: killswitch.set_kill_switch(c.deps, w, engaged=a.engaged, reason=a.reason)),
    _t("set_agent", "operations.configure", AgentSwitchArgs,
       "Switch one specialist off (it proposes nothing until switched back on) or back on; the others go on.",
       lambda c, w, a: agent_flags.set_agent(c.deps, w, agent=a.agent, enabled=a.enabled, reason=a.reason)),
    _t("find_actions", "actions.list", QueueArgs,
       "The queue as a person names it: each action with its subject (product, page, order), vendor and rank.",
       lambda c, w, a: _queue(c, w, a)),
    _t("add_rule", "memory.write", TextArgs,
       "Store a standing rule the operator states (\"never discount Wick Studio\"); refused if it cannot be enforced.",
       lambda c, w, a: rules.add(c.deps, w, text=a.text)),
    _t("list_rules", "memory.read", NoArgs, "The operator's standing rules, as the engine understood them.",
       lambda c, w, a: rules.list_rules(c.deps, w)),
    _t("forget_rule", "memory.forget", ForgetArgs, "Forget a standing rule (by key or words).",
       lambda c, w, a: rules.forget(c.deps, w, key_or_text=a.key_or_text)),
    _t("start_workflow", "workflows.run", WorkflowArgs,
       "Start one of the operator's workflows (a durable run of syncs, specialists and the review digest).",
       lambda c, w, a: desk_for(c).start(w, a.template)),
    _t("list_workflows", "workflows.read", WorkflowsArgs,
       "The store's workflows, newest first, with their progress, and the templates that can be started.",
       lambda c, w, a: _workflows(c, w, a.limit)),
    _t("store_sales", "telemetry.read", SalesArgs,
       "Orders, revenue and order value in a period (last 7 days by default; today, yesterday, this or last week, "
       "this or last month, a month as YYYY-MM, last 30 days) against the period before it, like for like.",
       lambda c, w, a: insights.sales(c.deps, w, period=a.period)),
    _t("top_products", "telemetry.read", TopProductsArgs,
       "Best-selling products by revenue in a period (the last 28 days by default).",
       lambda c, w, a: insights.top_products(c.deps, w, period=a.period)),
    _t("product_stock", "telemetry.read", StockArgs,
       "One product's stock per variant (as last imported), its sales over 28 days, days of cover and units on order.",
       lambda c, w, a: insights.stock(c.deps, w, query=a.query)),
    _t("product_sales", "telemetry.read", ProductSalesArgs,
       "One product's units, revenue and orders in a period (the last 28 days by default) against the period "
       "before it; the variants the words name are counted on their own.",
       lambda c, w, a: insights.product_sales(c.deps, w, query=a.query, period=a.period)),
    _t("store_traffic", "telemetry.read", SalesArgs,
       "Sessions, purchases and the conversion rate (GA4) in a period against the period before it.",
       lambda c, w, a: insights.traffic(c.deps, w, period=a.period)),
    _t("on_order", "telemetry.read", NoArgs,
       "What is on order: open purchase orders (units and cost) and reorders still waiting for a decision.",
       lambda c, w, a: insights.on_order(c.deps, w)),
    _t("channel_changes", "telemetry.read", NoArgs, "GA4 sessions per channel: last 7 days against the 7 before.",
       lambda c, w, a: insights.channels(c.deps, w)),
    _t("agent_activity", "performance.read", NoArgs, "Proposals per agent and what became of them.",
       lambda c, w, a: insights.agent_activity(c.deps, w)),
    _t("action_outcomes", "performance.read", KindArgs, "What executed actions (of a kind) achieved, if measured.",
       lambda c, w, a: insights.outcomes(c.deps, w, kind=a.kind)),
    _t("agent_performance", "performance.read", AgentArgs, "How each agent's proposals fare with the operator.",
       lambda c, w, a: performance.agent_performance(c.deps, w, agent=a.agent)),
    _t("search_products", "catalog.search", SearchArgs, "Search the catalogue (optionally under a price).",
       lambda c, w, a: storefront.search_products(c.deps, w, query=a.query, max_price=a.max_price)),
    _t("product_facts", "catalog.search", FactsArgs, "Price, stock, variants and description of one product.",
       lambda c, w, a: storefront.product_facts(c.deps, w, query=a.query)),
    _t("find_products", "catalog.search", FindArgs,
       "The product a shopper names, or the ones their words describe (kind, material, colour), in a price range.",
       lambda c, w, a: catalog.find_products(c.deps, w, query=a.query, max_price=a.max_price, min_price=a.min_price,
                                             sort=a.sort, limit=a.limit)),
    _t("store_policy", "store_policies.read", PolicyArgs,
       "The store's policy on: " + ", ".join(storefront.policy_topics()) + ".",
       lambda c, w, a: storefront.store_policy(c.deps, w, topic=a.topic)),
    _t("escalate_to_operator", "support.escalate", EscalateArgs,
       "Put the shopper's request in the operator's inbox (a person will follow up).", _escalate),
    _t("my_orders", "orders.own", OrdersArgs, "The authenticated customer's own orders.",
       lambda c, w, a: storefront.my_orders(c.deps, w, order_name=a.order_name)),
)}

#: control tools: handled by the agent loop itself, never by an operation
TRANSFER = AgentTool("transfer_to_agent", "", TransferArgs,
                     "Hand the conversation to another agent, if the handoff contract allows it.",
                     lambda c, w, a: _unreachable())


async def _unreachable() -> Any:
    raise AssertionError("transfer_to_agent is handled by the agent loop")


def tools_for(agent: str, allowlist: frozenset[str]) -> list[AgentTool]:
    return [t for t in TOOLS.values() if t.operation in allowlist] + [TRANSFER]


@dataclass(frozen=True)
class ToolOutcome:
    ok: bool
    content: Any
    code: str = ""


async def call_tool(ctx: RunContext, agent: str, name: str, raw_args: dict[str, Any]) -> ToolOutcome:
    """Run one tool call for ``agent`` on behalf of ``ctx.principal``, or say why not."""
    tool = TOOLS.get(name)
    agent_principal = Principal.for_agent(ctx.principal.tenant, agent)
    operation = tool.operation if tool else f"tool:{name[:60]}"
    try:
        # The agent's allowlist first (an unknown tool is an unknown operation: denied and audited),
        # then the person it acts for.
        await enforce(ctx.deps, agent_principal, operation if tool else "unknown:" + name[:60], ctx.principal.tenant)
        await enforce(ctx.deps, ctx.principal, operation, ctx.principal.tenant)
    except Forbidden as exc:
        return ToolOutcome(False, {"error": exc.code, "message": exc.message}, exc.code)
    assert tool is not None
    try:
        args = tool.args.model_validate(raw_args)
    except ValidationError as exc:
        return ToolOutcome(False, {"error": "invalid_args", "message": f"{name}: {describe(exc)}"}, "invalid_args")
    if not AGENT_OPERATION_READ_ONLY.get(tool.operation, False):
        ctx.memo.clear()  # a write may change what the queue says
    try:
        return ToolOutcome(True, _dump(await tool.run(ctx, ctx.principal, args)))
    except ToolError as exc:
        return ToolOutcome(False, exc.to_dict(), exc.code)
