"""Agent nodes: the loop every brain-driven agent runs, the confirmation pause, and accounts.

An agent node asks its brain for the next step, runs the tool calls it asks for
(each authorized for the agent and for the person it acts for), and ends with a
reply — or hands control on to another agent through ``transfer()`` (the only way
control moves between agents). The operator's agent's writes pass ``graphs.gate``; what
must wait is echoed and carried out by ``confirm`` when the operator answers yes.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command

from graphs.brains.base import Reply, ToolCall, Turn
from graphs.handoff import transfer
from graphs.registry import AGENTS, OPERATOR_INBOX
from graphs.state import ChatState, RunContext
from graphs import gate
from graphs.said import continued, group, said_dict, said_for
from graphs.brains.rules import render
from graphs.toolkit import ToolOutcome, call_tool, tools_for
from policies.commands import Said
from tools.pii import guard

MAX_STEPS = 8


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
    without ever repeating a tool call. The operator's agent's writes pass the gate.
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
    asked = list(state.get("asked") or [])
    facts = {"tenant": ctx.principal.tenant, "focus": list(state.get("focus") or []),
             "customer_ref": ctx.principal.customer_ref, "thread": ctx.thread_id,
             "pending": [{k: p.get(k) for k in ("verb", "action_id", "label", "args")} for p in state.get("pending") or []],
             "last": state.get("last")}
    step = await ctx.brain.step(Turn(agent=agent, system_prompt=system_prompt(agent), history=history,
                                     tools=[t.spec() for t in tools], results=results, scratch=scratch,
                                     now=ctx.deps.now(), facts=facts))
    message = _last_user(state)
    tenant = ctx.principal.tenant
    if isinstance(step, Reply):
        # what a brain says passes the broker before it is checkpointed or returned, whatever the brain
        text = await guard(ctx.deps, tenant, step.text)
        focus = [r["id"] for r in step.refs if r.get("type") == "action"] or facts["focus"]
        said_now = said_dict(await said_for(ctx, message)) if agent == "ceo_front" else None
        return _end(agent, text, step.refs, scratch_all, state, trace, focus=focus, asked=asked, said=said_now)
    scratch, results = dict(await guard(ctx.deps, tenant, dict(step.scratch))), []
    said: Said | None = None
    checks: dict[str, gate.Gated] = {}
    for call in step.calls:
        verb = gate.verb_of(call, agent) if agent == "ceo_front" else None
        if verb is not None:
            if said is None:
                said = continued(await said_for(ctx, message), state.get("said_before"))
            checks[call.id] = await gate.check(ctx, call, verb, said, message, list(state.get("pending") or []))
    for call_id, refused in gate.contradicting(checks).items():
        checks[call_id] = gate.Gated(False, error=refused)
    # one command per clause: if any of its actions must wait, all of them wait, together
    waiting = {group(said, c.item) for c in checks.values() if said and c.item is not None and not c.run}
    for call in step.calls:
        held = checks.get(call.id)
        if held is not None:
            if held.error is not None:
                results.append(_result(call, held.error))
                continue
            assert held.item is not None
            if not held.run or (said is not None and group(said, held.item) in waiting):
                held.item.setdefault("why", "it goes with the rest of the same request")
                asked = [a for a in asked if a["key"] != held.item["key"]] + [held.item]
                results.append(_result(call, gate.awaiting(held.item)))
                continue
            ran_keys = next((a["ran"] for a in asked if a.get("key") == "__ran__"), [])
            asked = [a for a in asked if a.get("key") != "__ran__"] + [{"key": "__ran__",
                                                                       "ran": [*ran_keys, held.item["key"]]}]
            if call.name == "transfer_to_agent":
                moved = await _transfer(ctx, agent, call, scratch_all, scratch, results, trace, steps, asked)
                if moved is not None:
                    return moved
                continue
            outcome = await call_tool(ctx, agent, call.name, held.item["args"])
            results.append(_result(call, outcome))
            asked += _offers(held.item, outcome)
            continue
        if call.name == "transfer_to_agent":
            moved = await _transfer(ctx, agent, call, scratch_all, scratch, results, trace, steps, asked)
            if moved is not None:
                return moved
            continue
        results.append(_result(call, await call_tool(ctx, agent, call.name, call.args)))
    scratch_all[agent] = scratch
    return Command(goto=agent, update={"results": results, "scratch": scratch_all, "steps": steps, "inbox": None,
                                       "trace": trace, "asked": asked})


#: a message that adds to the request before it: "and 9 too", "also the bowl one", "plus 12"
_ADDS = re.compile(r"(?i)^\s*(?:(?:ok|oh)[\s,]+)?(?:and|also|plus)\b|\b(?:too|as well|also)[\s.!]*$")


def _last_user(state: ChatState) -> str:
    for m in reversed(state.get("messages") or []):
        if m["role"] == "user":
            return m["content"]
    return ""


def _offers(item: dict[str, Any], outcome: ToolOutcome) -> list[dict[str, Any]]:
    """A new rule that forbids pending actions: offer to reject them, in one confirmed step."""
    if item["verb"] != "add_rule" or not outcome.ok or not isinstance(outcome.content, dict):
        return []
    offers = []
    for a in outcome.content.get("forbids_pending") or []:
        reason = f"your rule: {outcome.content['understood']}"
        offers.append({"key": f"reject:{a['id']}:{a['version']}", "verb": "reject", "action_id": a["id"],
                       "version": a["version"], "risk_tier": a.get("risk_tier", "low"),
                       "label": gate.short_label(a["title"], "", ""),
                       "kind": a["kind"], "title": a["title"], "call_id": f"offer-{a['id']}", "name": "reject_action",
                       "args": {"action_id": a["id"], "version": a["version"], "reason": reason}})
    return offers


#: read-only turns a waiting question survives (asked again after each); on the last it is dropped (two
#: questions about the state of things keep it: "what autonomy level are we at?" … "ok go ahead")
_KEPT_TURNS = 3


def _end(agent: str, text: str, refs: list[dict[str, Any]], scratch_all: dict[str, Any], state: ChatState,
         trace: list[str], *, focus: list[int] | None = None, asked: list[dict[str, Any]] | None = None,
         said: dict[str, Any] | None = None) -> Command[Any]:
    """Finish the turn. What waits for the operator is echoed last, in the graph's words.

    A turn that asked something new replaces the question; one that carried out a write, or
    asked for one it could not yet propose ("approve both" — which?), drops the old question; a
    read-only turn keeps it, and asks it again.
    """
    scratch_all[agent] = {}
    asked = asked or []
    last = next((r for r in refs if r.get("type") == "intent"), None)
    refs = [r for r in refs if r.get("type") != "intent"]
    before = state.get("last") or {}
    if before.get("listed") and (last is None or "listed" not in last):
        # a turn that shows no new list ("ok thanks", "why is the pebble one so urgent?", a decision) leaves the
        # list the operator saw where it was: "the second one" still counts in it
        last = {**(last or {"type": "intent"}), "listed": before["listed"]}
    new = [a for a in asked if a["key"] != "__ran__"]
    ran = any(a["key"] == "__ran__" for a in asked)
    ran_keys = {k for a in asked if a["key"] == "__ran__" for k in a.get("ran", [])}
    previous = list(state.get("pending") or [])
    # a message that asks for another write ("approve both", answered with "which one?") moves on: the old
    # question is dropped, so a later "yes" can never confirm what the operator has left behind
    moved_on = bool(said and said.get("verbs")) and not new and not ran
    # "too much stock already", answering "why do you reject #6?" asked beside "approve #9 and #10?": an answer
    # that names nothing of its own and decided other actions leaves that question waiting
    answered = ran and said is not None and not said.get("verbs") and not said.get("named") and not any(
        k.split(":")[1:2] == [str(p.get("action_id"))] for k in ran_keys for p in previous)
    pending = new or ([] if (ran and not answered) or moved_on else previous)
    stale: list[dict[str, Any]] = []
    if pending is previous and previous and not ran:
        # a question kept through read-only turns is asked again; after a third turn about something else it is
        # dropped, so a "yes" long after it, meant for another topic, never carries it out
        pending = [{**p, "kept": int(p.get("kept", 0)) + 1} for p in previous]
        if any(p["kept"] >= _KEPT_TURNS for p in pending):
            stale, pending = pending, []
    replaced = [p for p in previous if p["key"] not in {n["key"] for n in new}] if new else []
    if replaced and {p.get("verb") for p in replaced} <= {n.get("verb") for n in new} and _ADDS.search(
            _last_user(state)):
        # "approve 8" — "Approve #8?" — "and 9 too": the question grows; it is asked again whole
        pending, replaced = replaced + new, []
    if agent != "ceo_front":
        pending = []
    if pending:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + gate.echo(pending)
        refs = refs + [{"type": "action", "id": p["action_id"]} for p in pending
                       if "action_id" in p and {"type": "action", "id": p["action_id"]} not in refs]
    elif previous and not new and ((ran and not answered) or moved_on):
        done = [p for p in previous if p["key"] in ran_keys]
        if len(done) < len(previous):  # what ran was something else, or only part of what was asked
            text = text.rstrip() + ("\n(The rest of the earlier question is dropped: not done.)" if done
                                    else "\n(The earlier question is dropped: nothing of it was done.)")
    if stale:
        what = ", ".join(f"#{p['action_id']}" if "action_id" in p else p.get("label", "it") for p in stale)
        text = text.rstrip() + (f"\n(The question about {what} is dropped after three turns about other things: nothing "
                                "of it was done. Ask for it again when you want it.)")
    if replaced and pending:
        text = text.rstrip() + ("\n(The earlier question about " + ", ".join(f"#{p['action_id']}" if "action_id" in p
                                                                     else p.get("label", "it") for p in replaced)
                                + " is dropped: nothing of it was done.)")
    if not text.strip():
        # never an empty reply, whatever the brain: a turn with nothing to say says so
        text = "(No reply was written for this turn; nothing waits for you. Say \"help\" to see what I can do.)"
    return Command(goto=END, update={
        "messages": [{"role": "assistant", "agent": agent, "content": text}], "reply": text, "refs": refs,
        "scratch": scratch_all, "results": [], "inbox": None, "pending": pending or None, "asked": [], "last": last,
        "said_before": said,
        "focus": (focus if focus is not None else list(state.get("focus") or []))[:20], "trace": trace})


async def _transfer(ctx: RunContext, agent: str, call: ToolCall, scratch_all: dict[str, Any],
                    scratch: dict[str, Any], results: list[dict[str, Any]], trace: list[str],
                    steps: int, asked: list[dict[str, Any]] | None = None) -> Command[Any] | None:
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
    update.update({"scratch": scratch_all, "results": results, "trace": trace, "steps": steps,
                   "asked": asked or []})
    return Command(goto=handoff.command.goto, graph=handoff.command.graph, update=update)


async def confirm(state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
    """The operator answered the pending question: carry out exactly what was echoed, or nothing."""
    ctx = runtime.context
    pending = list(state.get("pending") or [])
    answer = state.get("answer") or {}
    chosen = bind_answer(answer, pending)
    lines: list[str] = []
    refs: list[dict[str, Any]] = []
    for item in pending:
        verdict = chosen.get(item["key"])
        if verdict is True:
            outcome = await gate.carry_out(ctx, item)
            lines.append(render.outcome_line(item, outcome))
        elif verdict is False:
            lines.append(render.declined_line(item))
        else:
            lines.append(render.unbound_line(item))
        if "action_id" in item:
            refs.append({"type": "action", "id": item["action_id"]})
    text = "\n".join(lines) or "Nothing was waiting for your answer."
    return Command(goto=END, update={
        "messages": [{"role": "assistant", "agent": "ceo_front", "content": text}], "reply": text, "refs": refs,
        "pending": None, "answer": None, "asked": [], "results": [], "scratch": {}, "inbox": None,
        "focus": [r["id"] for r in refs][:20] or list(state.get("focus") or []),
        "trace": [*(state.get("trace") or []), "confirm"]})


def bind_answer(answer: Any, pending: list[dict[str, Any]]) -> dict[str, bool]:
    """{item key: approve} for the answers that name a pending item exactly.

    An answer is ``{"all": bool}`` (a bare yes or no to the whole question as echoed) or
    ``{"decisions": [{"key" | ("action_id", "version"), "approve": bool}]}``.
    """
    if not isinstance(answer, dict):
        return {}
    if isinstance(answer.get("all"), bool):
        return {p["key"]: answer["all"] for p in pending}
    out: dict[str, bool] = {}
    items = answer.get("decisions", [])
    for d in items if isinstance(items, list) else []:
        if not isinstance(d, dict) or not isinstance(d.get("approve"), bool):
            continue
        for p in pending:
            if d.get("key") == p["key"] or ("action_id" in p and d.get("action_id") == p["action_id"]
                                            and d.get("version") == p["version"] and "key" not in d):
                out[p["key"]] = d["approve"]
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
