"""Markdown renderings of the resources: what a person sees in a resource picker and a model reads in
its context. Each says what it is in one heading and keeps to what helps a decision; the ``.json``
twins of the resources carry the data for programs."""

from __future__ import annotations

from typing import Any

from graphs.brains.rules import render as rules
from server.mcp import render, views
from tools.plain import mapping, when

#: the inbox lists at most this many actions; the rest are one list_actions call away
INBOX_MAX = 50


def inbox(store: str, people: list[dict[str, Any]], waiting: list[dict[str, Any]], *,
          stopped: list[dict[str, Any]] | None = None) -> str:
    lines = [f"# Inbox of {store}", "", f"## People waiting for a person ({len(people)})"]
    lines += [f"- #{p['id']} v{p['version']} {p['title']} · since {views.day(p.get('created_at'))}" for p in people]
    if not people:
        lines.append("Nobody is waiting.")
    shown = waiting[:INBOX_MAX]
    lines += ["", f"## Actions waiting for your decision ({len(waiting)}), best first"]
    lines += [render.action_line(a, reason=True) for a in shown] or ["Nothing is waiting."]
    if len(waiting) > len(shown):
        lines.append(f"… and {len(waiting) - len(shown)} more: list_actions with status=pending and a higher limit.")
    if shown or people:
        lines += ["", "Decide with approve_action, reject_action or snooze_action, naming the id and version (v…); "
                      "get_action or growth://actions/{id} explains one."]
    if stopped:
        lines += ["", f"## Deliveries that stopped ({len(stopped)}): executed, but not delivered"]
        lines += [f"- delivery #{d['id']} of action #{d['action_id']} ({d['channel']}): "
                  f"{d['state'].replace('_', ' ')} — {d['summary']}" for d in stopped]
        lines.append("Retry one with retry_delivery (delivery id; overwrite=true to replace a conflicting value).")
    return "\n".join(lines)


def action(detail: dict[str, Any]) -> str:
    """One action: the explanation a person reads, then versions, decisions, execution and delivery."""
    first, _, rest = render.action(detail).partition("\n")
    lines = [f"# {first}", "", rest]
    versions = detail.get("versions") or []
    if len(versions) > 1:
        lines += ["", "## Versions"]
        lines += [f"- v{v['version']} by {v['by']} on {when(v['at'])}: {v['risk_tier']} risk; "
                  f"{mapping(v.get('params') or {})}" for v in versions]
    decisions = detail.get("decisions") or []
    if decisions:
        lines += ["", "## Decisions"]
        lines += [f"- {d['verdict'].replace('_', ' ')} of v{d['version']} by {d['principal']} on {when(d['at'])}"
                  + (f": {d['reason']}" if d.get("reason") else "")
                  + (f" (until {when(d['until'])})" if d.get("until") else "") for d in decisions]
    execution = detail.get("execution")
    if execution:
        line = f"{execution['status']} (v{execution['version']}) on {when(execution.get('at'))}"
        if execution.get("rolled_back_at"):
            line += f"; rolled back on {when(execution['rolled_back_at'])}"
        lines += ["", "## Execution", line + " — in the engine's own copy of the store."]
    outbox = detail.get("outbox") or []
    delivery = detail.get("delivery") or {}
    if delivery.get("deliveries"):
        lines += ["", "## Delivery to the live store", delivery["summary"]]
        lines += [f"- {d['op']} of {d['resource']}: {d['state'].replace('_', ' ')} — {d['summary']}"
                  for d in delivery["deliveries"]]
    elif outbox:
        lines += ["", "## Delivery to outside systems"]
        lines += [f"- {o['topic']} queued on {when(o['at'])}" for o in outbox]
    return "\n".join(lines)


def run(r: dict[str, Any]) -> str:
    result = r.get("result") or {}
    lines = [f"# Run #{r['id']}: {r['agent']}", "", rules.runs([r])]
    if r.get("task"):
        lines.append(f"Task: {r['task']}")
    lines += [f"- {f}" for f in result.get("findings") or []]
    proposed = result.get("action_ids") or []
    if proposed:
        lines.append("Actions it proposed: " + ", ".join(f"#{i}" for i in proposed))
    return "\n".join(lines)


def audit(events: list[dict[str, Any]]) -> str:
    lines = [f"# Recent audit events ({len(events)}, newest first)", ""]
    for e in events:
        data = mapping(views.event(e, "summary").get("data") or {}) if e.get("data") else ""
        lines.append(f"- {e['seq']} · {when(e['at'])} · {e['actor']} · {e['event']} · {e['subject']}"
                     + (f" · {data[:160]}" if data else ""))
    if not events:
        lines.append("No events yet.")
    lines += ["", "verify_audit checks the hash chain; audit_log with detail=full shows the hashes."]
    return "\n".join(lines)


def agents(items: list[dict[str, Any]], contract: list[dict[str, Any]]) -> str:
    lines = ["# Agents and the handoff contract", "", "| agent | role | sees | what it does |", "|---|---|---|---|"]
    lines += [f"| {a['name']} | {a['role']} | {a['clearance']} | {a['description']} |" for a in items]
    lines += ["", "## Handoffs allowed (every other edge is refused and logged)", "",
              "| from | to | kind | notes |", "|---|---|---|---|"]
    lines += [f"| {c['from']} | {c['to']} | {c['kind']} | {c['notes']} |" for c in contract]
    return "\n".join(lines)


def reflection(r: dict[str, Any]) -> str:
    lines = [f"# Reflection over the last {r['window_days']} days", ""]
    lines += ["## What the decisions say", render.performance(r.get("agents") or [])]
    if r.get("rejection_reasons"):
        lines += ["", "## Why you rejected"]
        lines += [f"- {x['action']}: " + "; ".join(f"{reason} ({n}×)" for reason, n in x["reasons"].items())
                  for x in r["rejection_reasons"]]
    if r.get("failed"):
        lines += ["", "## Failed executions"]
        lines += [f"- {f['action']}: {f.get('error') or ''} [{f.get('code') or 'failed'}]" for f in r["failed"]]
    if r.get("rolled_back"):
        lines += ["", "## Rolled back"]
        lines += [f"- {x['action']}: {x.get('reason') or 'no reason given'}" for x in r["rolled_back"]]
    lines += ["", "## Suggestions"] + ([f"- {s}" for s in r.get("suggestions") or []] or ["None yet."])
    return "\n".join(lines)
