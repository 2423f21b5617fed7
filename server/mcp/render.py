"""Text renderings of tool results: what a person (or a model) reads next to the structured content."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from graphs.brains.rules import explained
from graphs.brains.rules import render as rules
from server.mcp import views


class ChatOut(BaseModel):
    #: the conversation this turn belongs to: pass it back as ``thread`` to continue it
    thread: str
    #: true when this call started the conversation (no thread was passed)
    new_thread: bool = False
    #: "thread: X — pass it back to continue", as the text rendering ends
    continue_hint: str = ""
    reply: str
    refs: list[dict[str, Any]] = []
    #: decisions waiting for confirmation: answer "yes"/"no" in the same thread, or use approve_action
    pending: list[dict[str, Any]] | None = None
    trace: list[str] = []


def action_line(a: dict[str, Any], *, reason: bool = False) -> str:
    """One action in a line: the id and version a decision names, what it does (and why, with ``reason``),
    risk, money, and why it waits."""
    head = "- "  # never "1. #2 …": a number beside an action's own number invites "approve 1" for the wrong one
    state = views.waiting(a) or rules.STATUS_WORD.get(a["status"], a["status"].replace("_", " "))
    title = a["title"] if reason else views.short_title(a["title"])
    return (f"{head}#{a['id']} v{a['version']} {title} · "
            f"{rules.RISK_WORD.get(a['risk_tier'], a['risk_tier'])} · {rules.money(a['expected_revenue'])} · {state}")


def action_lines(items: list[dict[str, Any]], *, reason: bool = False) -> str:
    """Ranked lines without a heading: the caller's text says what they are."""
    return "\n".join(action_line(a, reason=reason) for a in items)


def actions(items: list[dict[str, Any]]) -> str:
    if not items:
        return "No actions match."
    return f"{_count(len(items), 'action')}, best first:\n{action_lines(items)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def action(detail: dict[str, Any]) -> str:
    return explained.explanation(detail)


def decision(out: dict[str, Any]) -> str:
    return rules.decision_result(out["verdict"], {"ok": True, "content": out, "args": {}})


def bulk(results: list[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        if r.get("ok"):
            execution = r.get("execution") or {}
            lines.append(f"#{r['action_id']}: {r['status']}" + (f" ({execution.get('status')})" if execution else ""))
        else:
            lines.append(f"#{r['action_id']}: {r.get('message', '')} [{r.get('code')}]")
    return "\n".join(lines)


def specialist(result: dict[str, Any]) -> str:
    return rules.specialist({"ok": True, "content": result})


def runs(items: list[dict[str, Any]]) -> str:
    return rules.runs(items)


def status(s: dict[str, Any]) -> str:
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted((s.get("actions") or {}).items())) or "none"
    kill = s.get("kill_switch") or {}
    data = "; ".join(f"{d['source']} to {str(d['newest'])[:10]}" for d in s.get("data") or []) or "no data imported"
    from tools.readiness import readiness_lines

    agents = "".join(f"\n- {line}" for line in readiness_lines(s.get("readiness") or {}))
    return (f"{s.get('tenant')}: autonomy {s.get('autonomy_level')}, kill switch "
            f"{'ENGAGED (' + str(kill.get('reason')) + ')' if kill.get('engaged') else 'off'}; actions: {counts}; "
            f"data: {data}." + (f"\nAgents:{agents}" if agents else ""))


def kill_switch(out: dict[str, Any]) -> str:
    text = f"Kill switch ({out['scope']}) {'engaged' if out['engaged'] else 'released'}."
    if out["effective"] and not out["engaged"]:
        text += f" Still held by the {out['source']} switch."
    released = (out.get("released_work") or {}).get("executed") or []
    if released:
        text += f" {_count(len(released), 'approved action')} executed."
    return text


def events(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{e['seq']:>6} {e['at']} {e['actor']} {e['event']} {e['subject']}" for e in items) or "No events."


def handoffs(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{'allowed' if h['allowed'] else 'REFUSED'} {h['from']} → {h['to']} ({h['kind']})"
                     + ("" if h["allowed"] else f": {h['reason']}") for h in items) or "No handoffs."


def performance(items: list[dict[str, Any]]) -> str:
    if not items:
        return "No decisions yet."
    return "\n".join(f"{r['agent']}/{r['kind']}: {r['proposed']} proposed, {r['approved']} approved, "
                     f"{r['rejected']} rejected, {r['rolled_back']} rolled back"
                     + (f", approval rate {r['approval_rate']:.0%} (people's decisions only)"
                        if r["approval_rate"] is not None else ", no human decision yet")
                     + (f"; {r['auto_approved']} auto-approved, not counted" if r.get("auto_approved") else "")
                     for r in items)
