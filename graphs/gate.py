"""The one gate every write from the operator's conversation passes, whatever the brain.

A brain (rules, an OpenAI-compatible model, the client's model) only *proposes* a write
as a tool call. Here it becomes a resolved ``Command`` — the verb, the exact actions
(id, version, tier) or the exact setting — and ``policies.commands.gate`` decides from
the command and from what the operator's own last message named (``said_for``):

- run it now, or
- keep it as a pending item, echoed in plain words at the end of the reply, that only
  a bare yes (or the operator repeating exactly it) carries out, exactly as echoed.

Pending items live in graph state, so a question survives read-only turns, a restart,
and another process; a new write request replaces it, and "no" drops it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphs.brains.base import ToolCall
from graphs.language.confirm import answer_of
from graphs.registry import SPECIALISTS
from graphs.said import condition_in, said_for
from graphs.state import RunContext
from graphs.toolkit import ToolOutcome, call_tool, desk_for, queue_for
from policies.commands import EVERY_RULE, Command, Said, Target, Verb, gate
from policies.tiers import RiskTier
from tools import plain
from tools.actions import load
from tools.decisions import preview_edit
from tools.errors import Conflict, InvalidInput, NotFound, ToolError
from tools.limits import tier_in_total
from tools.rules import check_action, list_rules, means_all, preview as preview_rule
from tools.tenants import get_status

#: tool name -> the verb of the command it proposes
WRITES: dict[str, Verb] = {
    "approve_action": Verb.APPROVE, "edit_and_approve": Verb.EDIT_APPROVE, "reject_action": Verb.REJECT,
    "snooze_action": Verb.SNOOZE, "rollback_action": Verb.ROLLBACK, "set_autonomy": Verb.AUTONOMY,
    "add_rule": Verb.ADD_RULE, "forget_rule": Verb.FORGET_RULE, "start_workflow": Verb.WORKFLOW,
}
_WORDS = {Verb.APPROVE: "Approve", Verb.EDIT_APPROVE: "Edit and approve", Verb.REJECT: "Reject",
          Verb.SNOOZE: "Snooze", Verb.ROLLBACK: "Roll back", Verb.KILL_OFF: "Release the kill switch",
          Verb.KILL_ON: "Engage the kill switch", Verb.AUTONOMY: "Change autonomy", Verb.ADD_RULE: "Add the rule",
          Verb.FORGET_RULE: "Forget the rule", Verb.DELEGATE: "Run", Verb.WORKFLOW: "Start",
          Verb.AGENT_OFF: "Switch off", Verb.AGENT_ON: "Switch back on"}


def verb_of(call: ToolCall, agent: str) -> Verb | None:
    """The verb a tool call proposes, or None for a read."""
    if call.name == "set_kill_switch":
        return Verb.KILL_ON if call.args.get("engaged") is not False else Verb.KILL_OFF
    if call.name == "set_agent":
        return Verb.AGENT_OFF if call.args.get("enabled") is False else Verb.AGENT_ON
    if call.name == "transfer_to_agent":
        return Verb.DELEGATE if agent == "ceo_front" and call.args.get("agent") in SPECIALISTS else None
    return WRITES.get(call.name)


@dataclass(frozen=True)
class Gated:
    """What the gate made of one proposed write."""

    #: run now
    run: bool
    #: the pending item to echo (when it must wait)
    item: dict[str, Any] | None = None
    #: the command could not be resolved: this is the tool's error for the brain
    error: ToolOutcome | None = None


async def resolve(ctx: RunContext, call: ToolCall, verb: Verb) -> tuple[Command, dict[str, Any]]:
    """The exact command a call proposes, and its pending item. Raises ToolError when it names nothing real."""
    args = dict(call.args)
    if verb in (Verb.APPROVE, Verb.EDIT_APPROVE, Verb.REJECT, Verb.SNOOZE, Verb.ROLLBACK):
        record = await ctx.deps.db.query(ctx.principal.tenant, lambda tx: load(tx, args.get("action_id")))
        wanted = ("executed",) if verb is Verb.ROLLBACK else ("pending_approval", "snoozed")
        if record.status.value not in wanted:
            # nothing to ask the operator about: the decision cannot be taken on this action now
            raise Conflict(f"action #{record.id} is {record.status.value.replace('_', ' ')}; nothing to "
                           f"{verb.value.replace('_', ' ')}", code="already_decided", action_id=record.id,
                           status=record.status.value)
        named = args.get("version")
        if verb is not Verb.ROLLBACK and isinstance(named, int) and named != record.version:
            # a version the operator (or the brain) named is decided on as named, never swapped for the current
            # one; one that is not current is refused now, as the engine would refuse it after a "yes"
            if named > record.version:
                raise InvalidInput(f"action #{record.id} has no version {named}; version {record.version} is the "
                                   "current one. Nothing changed", code="unknown_version", action_id=record.id,
                                   current_version=record.version)
            raise Conflict(f"action #{record.id} changed after version {named}: it is now version {record.version}. "
                           f"Nothing changed; review version {record.version} and decide on it",
                           code="version_mismatch", action_id=record.id, current_version=record.version)
        tier = record.risk_tier
        params = record.params
        if verb is Verb.EDIT_APPROVE:
            params, _, tier = preview_edit(record, args.get("params") or {})
        if verb in (Verb.APPROVE, Verb.EDIT_APPROVE):
            tier = (await ctx.deps.db.query(ctx.principal.tenant, lambda tx: tier_in_total(
                tx, record.kind, record.target, params, tier, ctx.deps.now())))[0]
        if verb in (Verb.APPROVE, Verb.EDIT_APPROVE):
            # what a standing rule forbids is refused now, with the rule, not after a "yes"
            standing = await ctx.deps.db.query(ctx.principal.tenant, lambda tx: check_action(
                tx, ctx.deps, record.kind, record.target, params))
            if standing.denied:
                raise Conflict(f"#{record.id} breaks {standing.reason}; reject it, or forget the rule first",
                               code="rule_forbids", action_id=record.id)
        if verb is not Verb.ROLLBACK:
            args["version"] = args.get("version") or record.version
        label = short_label(record.title, record.target, await _subject(ctx, record.id))
        target = Target(record.id, int(args.get("version") or record.version), tier, label)
        command = Command(verb, (target,), params=args.get("params") or {}, reason=str(args.get("reason") or ""))
        item = {"key": f"{verb.value}:{record.id}:{target.version}", "action_id": record.id,
                "version": target.version, "risk_tier": tier.value, "label": label, "kind": record.kind,
                "title": record.title, "target": record.target, "params": args.get("params") or record.params,
                "rollback": (record.rollback_plan or {}).get("description", "")}
    elif verb in (Verb.KILL_ON, Verb.KILL_OFF):
        if verb is Verb.KILL_OFF and not (await get_status(ctx.deps, ctx.principal))["kill_switch"]["engaged"]:
            # nothing to ask the operator about: there is nothing to release
            raise Conflict("The kill switch is already off: approved work executes; there is nothing to release",
                           code="already_off")
        args.setdefault("reason", "from the conversation")
        command = Command(verb, setting=verb is Verb.KILL_ON)
        item = {"key": verb.value, "label": "the kill switch", "risk_tier": RiskTier.HIGH.value}
        if verb is Verb.KILL_OFF:
            # a yes runs what was approved while the switch was on: the question names it
            waiting = [i for i in await queue_for(ctx) if i["status"] in ("approved", "auto_approved")]
            item["runs"] = [f"#{i['id']} ({short_label(i['title'], i['target'], i.get('subject', ''))})"
                            for i in waiting]
    elif verb is Verb.AUTONOMY:
        status = await get_status(ctx.deps, ctx.principal)
        level = str(args.get("level"))
        command = Command(verb, setting=level, current=status["autonomy_level"])
        item = {"key": f"autonomy:{level}", "label": f"autonomy from {status['autonomy_level'].replace('_', '-')} "
                f"to {level.replace('_', '-')}", "level": level, "risk_tier": _risk_word(command)}
    elif verb is Verb.ADD_RULE:
        understood = await preview_rule(ctx.deps, ctx.principal, text=str(args.get("text", "")))
        command = Command(verb, setting=understood["rule"])
        item = {"key": f"rule:{understood['understood']}", "label": understood["understood"], "risk_tier": "low"}
    elif verb is Verb.FORGET_RULE:
        said = str(args.get("key_or_text"))
        label = said
        if means_all(said):
            standing = await list_rules(ctx.deps, ctx.principal)
            if not standing:
                raise NotFound("there are no standing rules to forget", code="rule_not_found")
            label = (f"all {len(standing)} rules" if len(standing) > 1 else "your only rule") + " (" + "; ".join(
                r["understood"] for r in standing) + ")"
            said = EVERY_RULE
        else:
            # a rule named by its key (a correction of the rule just kept): asked about in its words
            label = next((r["understood"] for r in await list_rules(ctx.deps, ctx.principal) if r["key"] == said),
                         said)
        command = Command(verb, setting=said)
        item = {"key": f"forget:{said}", "label": label, "risk_tier": _risk_word(command)}
    elif verb is Verb.WORKFLOW:
        desk = desk_for(ctx)
        template = str(args.get("template"))
        if template not in desk.templates:
            raise InvalidInput(f"there is no workflow called {template!r}; the workflows are "
                               f"{', '.join(desk.templates)}", code="unknown_workflow")
        command = Command(verb, setting=template)
        item = {"key": f"workflow:{template}", "label": desk.templates[template].split(":")[0],
                "template": template, "risk_tier": "low"}
    elif verb in (Verb.AGENT_OFF, Verb.AGENT_ON):
        agent = str(args.get("agent"))
        if verb is Verb.AGENT_OFF:
            args["reason"] = str(args.get("reason") or "") if len(str(args.get("reason") or "").strip()) >= 3 \
                else "switched off from the conversation"
        command = Command(verb, setting=agent)
        item = {"key": f"{verb.value}:{agent}", "label": f"the {agent} agent", "agent": agent,
                "risk_tier": _risk_word(command)}
    else:  # delegate
        agent = str(args.get("agent"))
        command = Command(verb, setting=agent)
        item = {"key": f"delegate:{agent}", "label": f"the {agent} agent", "agent": agent, "risk_tier": "low"}
    item.update({"verb": verb.value, "call_id": call.id, "name": call.name, "args": args})
    return command, item


def short_label(title: str, target: str, subject: str) -> str:
    """"Reorder 64 x Prairie Alpaca Throw Blanket – Rust", "Rewrite the title of the Sparrow Velvet Cushion Cover page"."""
    head = title.split(": ", 1)[0]
    path = target.partition(":")[2]
    if subject and path.startswith("/") and path in head:
        head = head.replace(path, "the " + subject)
    return head


def _risk_word(command: Command) -> str:
    from policies.commands import risk

    return risk(command).value


async def _subject(ctx: RunContext, action_id: int) -> str:
    for item in await queue_for(ctx):
        if item["id"] == action_id:
            return str(item["subject"])
    return ""


async def check(ctx: RunContext, call: ToolCall, verb: Verb, said: Said, message: str,
                pending: list[dict[str, Any]]) -> Gated:
    """Run now, or wait for the operator: the decision for one proposed write."""
    try:
        command, item = await resolve(ctx, call, verb)
    except ToolError as exc:
        return Gated(False, error=ToolOutcome(False, exc.to_dict(), exc.code))
    if any(p["key"] == item["key"] for p in pending) and (answer_of(message) == "yes" or restates(
            await said_for(ctx, message), verb, item, message)):
        # the operator confirmed exactly what was echoed: by a yes, or by saying the command again in this
        # message (not one carried over from the message before)
        return Gated(True, item)
    if verb is Verb.APPROVE and Verb.EDIT_APPROVE in said.verbs:
        # the operator asked for a change: approving the action as it is is not what was asked
        item["why"] = "your message asked for a change; this approves it unchanged"
        return Gated(False, item)
    decision = gate(command, said)
    if decision.allowed:
        return Gated(True, item)
    item["why"] = decision.reason
    condition = condition_in(message)
    if condition and "action_id" in item:
        # "only approve 17 if its stock is above 20": the engine checks no condition; the echo says so
        item["condition"] = condition
    return Gated(False, item)


def contradicting(checks: dict[str, Gated]) -> dict[str, ToolOutcome]:
    """Writes of one step that ask different things of the same action ("approve 12" and "reject 12"):
    none of them runs or waits; each gets this error, so the brain asks the operator which they meant.

    Whatever the brain: the rules brain settles such a message itself (``brains.rules.overlaps``), a
    model may not.
    """
    by_action: dict[int, list[dict[str, Any]]] = {}
    for held in checks.values():
        if held.item is not None and held.item.get("action_id") is not None:
            by_action.setdefault(int(held.item["action_id"]), []).append(held.item)
    out: dict[str, ToolOutcome] = {}
    for action_id, items in by_action.items():
        if len({(i["verb"], repr(sorted(i["args"].items()))) for i in items}) < 2:
            continue
        verbs = sorted({i["verb"] for i in items})
        message = (f"action #{action_id} was asked to {' and to '.join(verbs)} at once; nothing was done to it. "
                   "Ask the operator which they want")
        for i in items:
            out[i["call_id"]] = ToolOutcome(False, {"error": "contradicting_requests", "action_id": action_id,
                                                    "message": message}, "contradicting_requests")
    return out


def restates(said: Said, verb: Verb, item: dict[str, Any], message: str) -> bool:
    """Does the message repeat the waiting command as a command: its verb, and every action by number or name?

    A question never does ("why is 28 still waiting? I said autonomous", sent twice, confirms nothing),
    nor a message that only points at it ("approve it"): only a yes, or the command said again plainly.
    """
    if said.hedged or verb not in said.verbs or asks(message):
        return False
    return "action_id" not in item or item["action_id"] in said.named_ids


def asks(message: str) -> bool:
    """Is any part of the message a question?"""
    return "?" in message or re.match(r"(?i)\s*(?:why|what|how|which|when|who|whose)\b", message) is not None


def awaiting(item: dict[str, Any]) -> ToolOutcome:
    """What the brain is told about a write that waits for the operator."""
    return ToolOutcome(False, {"error": "awaiting_confirmation", "action_id": item.get("action_id"),
                               "message": "not done yet: the operator is asked to confirm "
                                          f"({item.get('why', 'it needs a yes')})"}, "awaiting_confirmation")


def echo(items: list[dict[str, Any]]) -> str:
    """The pending question, in plain words, ending in "yes / no"."""
    by_verb: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_verb.setdefault(item["verb"], []).append(item)
    lines: list[str] = []
    undo: list[str] = []
    for verb, group in by_verb.items():
        word = _WORDS[Verb(verb)]
        if "action_id" in group[0]:
            parts = []
            for p in group:
                change = extra = ""
                if p["verb"] == Verb.EDIT_APPROVE.value:
                    # what it proposed, then the change: "(Mark … down 10% → percent off 15, high risk)"
                    params = p["args"].get("params") or {}
                    change = " → " + ", ".join(f"{k.replace('_', ' ')} {plain.value(v)}" for k, v in params.items())
                if p["verb"] == Verb.SNOOZE.value and p["args"].get("until"):
                    extra = f", until {datetime.fromisoformat(str(p['args']['until'])):%a %-d %b %Y %H:%M} UTC"
                parts.append(f"#{p['action_id']} ({p['label']}{change}, {p['risk_tier']} risk{extra})")
            lines.append(f"{word} {plain.join(parts)}?")
            undo += [f"  (#{p['action_id']} can be undone: {p['rollback']})" for p in group
                     # how an execution is undone: said of what executes (approvals), not of a rejection or a snooze
                     if p.get("rollback") and p["risk_tier"] in ("high", "critical")
                     and p["verb"] in (Verb.APPROVE.value, Verb.EDIT_APPROVE.value)]
        elif verb == Verb.AUTONOMY.value:
            lines.append(f"Change {group[0]['label']}?")
        elif verb == Verb.KILL_ON.value:
            lines.append("Engage the kill switch, so nothing executes until you release it?")
        elif verb == Verb.KILL_OFF.value:
            runs = group[0].get("runs") or []
            lines.append("Release the kill switch, so approved work runs again?" + (
                f" {plain.join(runs[:10])}{f' and {len(runs) - 10} more' if len(runs) > 10 else ''} will then run"
                "; say no to keep them held." if runs
                else " Nothing approved is waiting to run."))
        elif verb == Verb.FORGET_RULE.value and group[0]["key"] == f"forget:{EVERY_RULE}":
            lines.append(f"Forget {group[0]['label']}?")
        elif verb == Verb.DELEGATE.value:
            lines.append(f"{word} {plain.join([p['label'] for p in group])} now?")
        elif verb == Verb.WORKFLOW.value:
            lines.append(f"{word} the {plain.join([p['label'] for p in group])} workflow now?")
        else:
            lines.append(f"{word}: {plain.join(['“' + p['label'] + '”' for p in group])}?")
    conditions = list(dict.fromkeys(i["condition"] for i in items if i.get("condition")))
    which = "them" if len(items) > 1 else _it(items[0])
    unchecked = [f"  (You said “{c}”: I do not check conditions, so a yes goes ahead with {which} as shown, whether "
                 "or not that holds.)" for c in conditions]
    return "\n".join(lines) + " yes / no" + "".join("\n" + u for u in unchecked + undo)


def _it(item: dict[str, Any]) -> str:
    return f"#{item['action_id']}" if item.get("action_id") is not None else "it"


async def carry_out(ctx: RunContext, item: dict[str, Any]) -> ToolOutcome:
    """Run one pending item exactly as it was echoed (bound to the action's version)."""
    if item["verb"] == Verb.DELEGATE.value:
        from graphs.runs import run_specialist

        try:
            result = await run_specialist(ctx.deps, ctx.principal, item["agent"],
                                          task=str((item["args"].get("payload") or {}).get("task") or "operator's request"),
                                          trigger="delegate", progress=ctx.progress)
        except ToolError as exc:
            return ToolOutcome(False, exc.to_dict(), exc.code)
        return ToolOutcome(True, result)
    return await call_tool(ctx, "ceo_front", item["name"], item["args"])
