"""Agent nodes: the loop every brain-driven agent runs, the confirmation pause, and accounts.

An agent node asks its brain for the next step, runs the tool calls it asks for
(each authorized for the agent and for the person it acts for), and ends with a
reply — or hands control on: to another agent through ``transfer()`` (the only way
control moves between agents) or to ``confirm``, which pauses the thread with
``interrupt()`` until the operator confirms a high or critical decision.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from graphs.brains.base import Reply, ToolCall, Turn
from graphs.handoff import transfer
from graphs.registry import AGENTS, OPERATOR_INBOX
from graphs.state import ChatState, RunContext
from graphs.toolkit import CONFIRMABLE, ToolOutcome, call_tool, tools_for
from policies.tiers import RiskTier
from tools.actions import load
from tools.decisions import preview_edit
from tools.errors import ToolError
from tools.views import action_view

MAX_STEPS = 8
CONFIRM_TIERS = frozenset({RiskTier.HIGH.value, RiskTier.CRITICAL.value})


@cache
def system_prompt(agent: str) -> str:
    path = files("prompts").joinpath(f"{agent}.md")
    return path.read_text(encoding="utf-8") if path.is_file() else AGENTS[agent].description


def _result(call: ToolCall, outcome: ToolOutcome) -> dict[str, Any]:
    return {"call_id": call.id, "name": call.name, "ok": outcome.ok, "content": outcome.content,
            "args": call.args}


async def run_agent(agent: str, state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
    """One step of a brain-driven agent: think once, act, then reply, hand on, or think again.

    Each step is its own graph step (checkpointed), so a brain that must wait for
    something outside — the MCP client's model — can pause the thread mid-turn
    without ever repeating a tool call.
    """
    ctx = runtime.context
    scratch_all = dict(state.get("scratch") or {})
    scratch = dict(scratch_all.get(agent) or {})
    results = list(state.get("results") or [])
    trace = list(state.get("trace") or [])
    if not trace or trace[-1] != agent:
        trace.append(agent)
    steps = int(state.get("steps") or 0) + 1
    inbox = state.get("inbox")
    if inbox and inbox.get("kind") == "return":
        # a sub-agent or specialist came back: its payload is the result of the transfer call
        results.append({"call_id": scratch.pop("awaiting", "transfer"), "name": "transfer_to_agent", "ok": True,
                        "content": inbox["payload"], "args": {"agent": inbox["from"]}})
    if steps > MAX_STEPS:
        return _end(agent, "I could not finish that in a reasonable number of steps; please ask again more "
                           "specifically.", [], scratch_all, state, trace)
    tools = tools_for(agent, AGENTS[agent].allowlist)
    history = [{"role": m["role"], "content": m["content"]} for m in state.get("messages") or []]
    facts = {"tenant": ctx.principal.tenant, "focus": list(state.get("focus") or []),
             "customer_ref": ctx.principal.customer_ref, "thread": ctx.thread_id}
    step = await ctx.brain.step(Turn(agent=agent, system_prompt=system_prompt(agent), history=history,
                                     tools=[t.spec() for t in tools], results=results, scratch=scratch,
                                     now=ctx.deps.now(), facts=facts))
    if isinstance(step, Reply):
        focus = [r["id"] for r in step.refs if r.get("type") == "action"] or facts["focus"]
        return _end(agent, step.text, step.refs, scratch_all, state, trace, focus=focus)
    scratch, results = dict(step.scratch), []
    confirmations: list[dict[str, Any]] = []
    for call in step.calls:
        if call.name == "transfer_to_agent":
            moved = await _transfer(ctx, agent, call, scratch_all, scratch, results, trace, steps)
            if moved is not None:
                return moved
            continue
        if call.name in CONFIRMABLE and agent == "ceo_front":
            gate = await _needs_confirmation(ctx, call)
            if gate is not None:
                confirmations.append(gate)
                continue
        results.append(_result(call, await call_tool(ctx, agent, call.name, call.args)))
    scratch_all[agent] = scratch
    if confirmations:
        return Command(goto="confirm", update={"pending": confirmations, "results": results, "steps": steps,
                                               "scratch": scratch_all, "inbox": None, "trace": trace})
    return Command(goto=agent, update={"results": results, "scratch": scratch_all, "steps": steps, "inbox": None,
                                       "trace": trace})


def _end(agent: str, text: str, refs: list[dict[str, Any]], scratch_all: dict[str, Any], state: ChatState,
         trace: list[str], *, focus: list[int] | None = None) -> Command[Any]:
    scratch_all[agent] = {}
    return Command(goto=END, update={
        "messages": [{"role": "assistant", "agent": agent, "content": text}], "reply": text, "refs": refs,
        "scratch": scratch_all, "results": [], "inbox": None, "pending": None,
        "focus": (focus if focus is not None else list(state.get("focus") or []))[:20], "trace": trace})


async def _transfer(ctx: RunContext, agent: str, call: ToolCall, scratch_all: dict[str, Any],
                    scratch: dict[str, Any], results: list[dict[str, Any]], trace: list[str],
                    steps: int) -> Command[Any] | None:
    to = str(call.args.get("agent", ""))
    payload = call.args.get("payload") or {}
    if to == OPERATOR_INBOX:
        # the inbox is reached through the escalation tool, which records the same handoff
        summary = str((payload if isinstance(payload, dict) else {}).get("summary") or "")
        results.append(_result(call, await call_tool(ctx, agent, "escalate_to_operator", {"summary": summary})))
        return None
    handoff = await transfer(ctx.deps, tenant=ctx.principal.tenant, actor=ctx.principal.subject,
                             thread_id=ctx.thread_id, from_agent=agent, to_agent=to,
                             payload=payload if isinstance(payload, dict) else {"value": payload})
    if not handoff.allowed or handoff.command is None:
        results.append(_result(call, ToolOutcome(False, handoff.error() if not handoff.allowed else
                                                 {"delivered": True, "payload": handoff.payload},
                                                 handoff.code)))
        return None
    scratch_all[agent] = {**scratch, "awaiting": call.id}
    update = dict(handoff.command.update or {})
    update.update({"scratch": scratch_all, "results": results, "trace": trace, "steps": steps})
    return Command(goto=handoff.command.goto, graph=handoff.command.graph, update=update)


async def _needs_confirmation(ctx: RunContext, call: ToolCall) -> dict[str, Any] | None:
    """A pending item when this decision concerns a high or critical action (after any edit)."""
    try:
        record = await ctx.deps.db.query(ctx.principal.tenant, lambda tx: load(tx, call.args.get("action_id")))
        tier = record.risk_tier.value
        if call.name == "edit_and_approve":
            tier = preview_edit(record, call.args.get("params") or {})[2].value
    except ToolError:
        return None  # the decision itself reports the problem, precisely
    action = action_view(record).model_dump(mode="json")
    if tier not in CONFIRM_TIERS:
        return None
    return {"call_id": call.id, "name": call.name, "args": call.args, "action_id": action["id"],
            "version": call.args.get("version"), "kind": action["kind"], "target": action["target"],
            "title": action["title"], "risk_tier": tier, "params": call.args.get("params") or action["params"],
            "rollback": action["rollback_plan"].get("description", ""),
            "expected_revenue": action["expected_revenue"]}


async def confirm(state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
    """Pause until the operator confirms; act only on answers bound to the exact action versions."""
    pending = state.get("pending") or []
    answer = interrupt({"type": "confirm_decisions", "items": pending})
    # Nothing above this line has side effects: the node re-runs from the top on resume.
    ctx = runtime.context
    chosen = bind_answer(answer, pending)
    results = list(state.get("results") or [])
    for item in pending:
        call = ToolCall(item["call_id"], item["name"], item["args"])
        verdict = chosen.get((item["action_id"], item["version"]))
        if verdict is True:
            results.append(_result(call, await call_tool(ctx, "ceo_front", call.name, call.args)))
        else:
            why = "the operator declined" if verdict is False else (
                "the confirmation did not name this action and version; nothing was done")
            results.append(_result(call, ToolOutcome(False, {"error": "not_confirmed", "message": why,
                                                             "action_id": item["action_id"]}, "not_confirmed")))
    return Command(goto="ceo_front", update={"pending": None, "results": results,
                                             "trace": [*(state.get("trace") or []), "confirm"]})


def bind_answer(answer: Any, pending: list[dict[str, Any]]) -> dict[tuple[int, int], bool]:
    """{(action_id, version): approve} for the answers that name a pending item exactly."""
    wanted = {(p["action_id"], p["version"]) for p in pending}
    out: dict[tuple[int, int], bool] = {}
    items = answer.get("decisions", []) if isinstance(answer, dict) else []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        key = (item.get("action_id"), item.get("version"))
        if key in wanted and isinstance(item.get("approve"), bool):
            out[key] = item["approve"]  # type: ignore[index]
    return out


async def accounts(state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
    """The authenticated customer's own orders, answered at what that customer may see."""
    ctx = runtime.context
    trace = [*(state.get("trace") or []), "accounts"]
    inbox = state.get("inbox") or {}
    request = inbox.get("payload") or {}
    orders: list[dict[str, Any]] = []
    if request.get("customer_ref") != ctx.principal.customer_ref:
        answer = "I can only look up orders for the customer I am talking to."
    else:
        outcome = await call_tool(ctx, "accounts", "my_orders", {"order_name": request.get("order_name")})
        orders = outcome.content if outcome.ok and isinstance(outcome.content, list) else []
        answer = _orders_answer(request.get("order_name"), orders, outcome)
    handoff = await transfer(ctx.deps, tenant=ctx.principal.tenant, actor=ctx.principal.subject,
                             thread_id=ctx.thread_id, from_agent="accounts", to_agent="customer_front",
                             payload={"answer": answer, "orders": orders[:20]})
    if handoff.command is None:  # the contract has this edge; a refusal here is a bug worth seeing
        raise RuntimeError(f"accounts could not return to customer_front: {handoff.reason}")
    update = dict(handoff.command.update or {})
    update["trace"] = trace
    return Command(goto=handoff.command.goto, update=update)


def _orders_answer(order_name: str | None, orders: list[dict[str, Any]], outcome: ToolOutcome) -> str:
    if not outcome.ok:
        return "I could not look up your orders just now."
    if not orders:
        if order_name:
            return f"I can't find an order {order_name} on your account."
        return "I can't find any orders on your account yet."
    lines = []
    for o in orders[:3]:
        state = "on hold for a quick review" if o["on_hold"] else o["fulfillment_status"].replace("_", " ")
        lines.append(f"Order {o['name']} (placed {o['placed']}, {o['total']:.2f} {o['currency']}): {state}, "
                     f"payment {o['financial_status'].replace('_', ' ')}.")
    return " ".join(lines)
