"""Text renderings of tool results: what a person (or a model) reads next to the structured content."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from graphs.brains.rules import render as rules


class ChatOut(BaseModel):
    thread: str
    reply: str
    refs: list[dict[str, Any]] = []
    #: decisions waiting for confirmation: answer "yes"/"no" in the same thread, or use approve_action
    pending: list[dict[str, Any]] | None = None
    trace: list[str] = []


def actions(items: list[dict[str, Any]]) -> str:
    return rules.action_list(items, heading=f"{len(items)} action(s), best first:", empty="No actions match.")


def action(detail: dict[str, Any]) -> str:
    return rules.explanation(detail)


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
    return (f"{s.get('tenant')}: autonomy {s.get('autonomy_level')}, kill switch "
            f"{'ENGAGED (' + str(kill.get('reason')) + ')' if kill.get('engaged') else 'off'}; actions: {counts}; "
            f"data: {data}.")


def kill_switch(out: dict[str, Any]) -> str:
    text = f"Kill switch ({out['scope']}) {'engaged' if out['engaged'] else 'released'}."
    if out["effective"] and not out["engaged"]:
        text += f" Still held by the {out['source']} switch."
    released = (out.get("released_work") or {}).get("executed") or []
    if released:
        text += f" {len(released)} approved action(s) executed."
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
