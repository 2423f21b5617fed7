"""Templated replies for the rules brain: short, specific, and they say what to do next."""

from __future__ import annotations

from collections import Counter
from typing import Any

RISK_WORD = {"low": "low risk", "medium": "medium risk", "high": "high risk", "critical": "critical"}


def money(value: float) -> str:
    return f"${value:,.0f}" if value >= 100 else f"${value:,.2f}"


def action_line(a: dict[str, Any], rank: int | None = None) -> str:
    head = f"{rank}. " if rank is not None else ""
    version = f" v{a['version']}" if "version" in a else ""
    return (f"{head}#{a['id']}{version} {a['title']} — {a['kind']} on {a['target']} · "
            f"{RISK_WORD.get(a['risk_tier'], a['risk_tier'])}"
            f" · score {a['score']:,.0f} (expected {money(a['expected_revenue'])}) · {a['status'].replace('_', ' ')}")


def action_list(actions: list[dict[str, Any]], *, heading: str, empty: str) -> str:
    if not actions:
        return empty
    lines = [heading] + [action_line(a, i) for i, a in enumerate(actions, 1)]
    return "\n".join(lines)


def briefing(status: dict[str, Any], top: list[dict[str, Any]], runs: list[dict[str, Any]]) -> str:
    parts = []
    pending = status.get("pending_approval", 0)
    kill = status.get("kill_switch") or {}
    if kill.get("engaged"):
        parts.append(f"⚠ The kill switch is engaged ({kill.get('reason')}): nothing executes until you release it.")
    if top:
        total = sum(a["expected_revenue"] for a in top)
        parts.append(f"You have {pending} action{'s' if pending != 1 else ''} waiting for you. The top "
                     f"{len(top)} are worth about {money(total)} in expected revenue:")
        parts += [action_line(a, i) for i, a in enumerate(top, 1)]
        best = top[0]
        parts.append(f"I'd start with #{best['id']}: say \"explain {best['id']}\" for the evidence, or "
                     f"\"approve {best['id']}\".")
    else:
        parts.append("Nothing is waiting for your approval.")
    if runs:
        last = runs[0]
        parts.append(f"Last run: {last['agent']} ({last['status']}) — {(last.get('result') or {}).get('summary', '')}"
                     .rstrip(" —"))
    else:
        parts.append("No specialist has run yet: say \"run all specialists\" to have them look at the store.")
    parts.append(f"Autonomy: {status.get('autonomy_level', 'supervised').replace('_', '-')}.")
    return "\n".join(parts)


def explanation(detail: dict[str, Any]) -> str:
    a = detail["action"]
    ex = detail.get("explanation") or {}
    lines = [f"#{a['id']} {a['title']} ({a['kind']} on {a['target']}), version {a['version']}, {a['status'].replace('_', ' ')}."]
    if a.get("rationale"):
        lines.append(f"Why: {a['rationale']}")
    lines.append(f"Rank: {ex.get('score', '')}.")
    if a.get("revenue_formula"):
        inputs = ", ".join(f"{i['name']} {i['value']:,} ({i['source']})" for i in a.get("revenue_inputs", []))
        lines.append(f"Expected revenue: {a['revenue_formula']}" + (f" — inputs: {inputs}" if inputs else ""))
    lines.append(f"Risk: {ex.get('risk', a['risk_tier'])}.")
    if a.get("evidence"):
        ev = "; ".join(f"{e['source']} {e['metric']} = {e['value']} over {e['window']}" for e in a["evidence"][:4])
        lines.append(f"Evidence: {ev}.")
    rollback = (a.get("rollback_plan") or {}).get("description")
    if rollback:
        lines.append(f"Rollback: {rollback}" + ("" if a.get("reversible") else " (the engine cannot undo this itself)"))
    if a["params"]:
        lines.append("Change: " + ", ".join(f"{k} = {v}" for k, v in a["params"].items()))
    if a["status"] == "pending_approval":
        lines.append(f"Say \"approve {a['id']}\", \"reject {a['id']} because …\" or \"snooze {a['id']} until Monday\".")
    return "\n".join(lines)


def decision_result(verdict: str, result: dict[str, Any]) -> str:
    if not result["ok"]:
        content = result["content"] if isinstance(result["content"], dict) else {}
        ident = result.get("args", {}).get("action_id", content.get("action_id", "?"))
        code = content.get("error") or content.get("code", "error")
        message = content.get("message", "")
        if code == "not_confirmed":
            return f"#{ident}: not done — {message}."
        if code == "already_decided":
            return f"#{ident}: {message} (decided elsewhere; I did not change it)."
        return f"#{ident}: could not {verdict.replace('_', ' ')} — {message}"
    body = result["content"]
    if verdict == "rollback":
        return f"#{body['action_id']} rolled back; restored {body['restored']}."
    action = body["action"]
    line = f"#{action['id']} {action['status'].replace('_', ' ')}"
    if body.get("reclassified"):
        line += f" (re-classified {body['reclassified']['from']} → {body['reclassified']['to']})"
    execution = body.get("execution")
    if execution:
        if execution["status"] == "executed":
            line += f": {execution['message']}"
        elif execution["status"] == "held":
            line += " — held by the kill switch; it runs when you release it"
        elif execution["status"] == "deferred":
            line += f" — deferred by the rate limit until {execution['retry_at']}, not dropped"
        elif execution["status"] == "failed":
            line += f" — but execution failed: {execution['message']}"
    if action.get("snoozed_until") and verdict == "snooze":
        line += f" until {str(action['snoozed_until'])[:16].replace('T', ' ')}"
    return line + "."


def specialist(result: dict[str, Any]) -> str:
    if not result["ok"]:
        return f"I couldn't hand that over: {result['content'].get('message', '')}"
    r = result["content"]
    summary = r["summary"] if r["summary"].endswith((".", "!", "?")) else r["summary"] + "."
    lines = [f"The {r['agent']} agent is done (run #{r['run_id']}): {summary}"]
    lines += [f"· {f}" for f in r.get("findings", [])[:8]]
    if r.get("action_ids"):
        ids = ", ".join(f"#{i}" for i in r["action_ids"][:10])
        lines.append(f"New in your queue: {ids}. Say \"explain {r['action_ids'][0]}\" to see why.")
    return "\n".join(lines)


def audit_digest(events: list[dict[str, Any]], *, window: str) -> str:
    if not events:
        return f"Nothing happened {window}."
    counts = Counter(e["event"] for e in events)
    actors = Counter(e["actor"] for e in events)
    lines = [f"{len(events)} events {window}:"]
    lines += [f"· {n} × {event}" for event, n in counts.most_common(8)]
    lines.append("Most active: " + ", ".join(f"{a} ({n})" for a, n in actors.most_common(4)) + ".")
    notable = [e for e in events if e["event"] in ("action.executed", "action.rolled_back", "policy.denied",
                                                   "kill_switch.engaged", "handoff.refused", "action.failed")]
    for e in notable[:5]:
        lines.append(f"· {e['at'][:16].replace('T', ' ')} {e['event']} {e['subject']} by {e['actor']}")
    return "\n".join(lines)


def runs(items: list[dict[str, Any]]) -> str:
    if not items:
        return "No specialist has run yet."
    lines = []
    for r in items:
        took = f" in {r['duration_s']:.1f}s" if r.get("duration_s") is not None else ""
        summary = (r.get("result") or {}).get("summary") or r.get("error") or ""
        lines.append(f"Run #{r['id']} {r['agent']} ({r['trigger']}): {r['status']}{took} — {summary}".rstrip(" —"))
    return "\n".join(lines)


HELP_OPERATOR = (
    "I run your store's agents with you. You can ask me:\n"
    "· \"what should I do today?\" — a briefing with the best actions first\n"
    "· \"show the pending ones\", \"everything from the content agent\", \"all low-risk ones\"\n"
    "· \"explain 12\" / \"why is #12 risky?\" — evidence, arithmetic, rollback plan\n"
    "· \"approve 12 and 14\", \"reject 15 because …\", \"snooze 16 until Monday\", \"approve 12 but make the price 45\"\n"
    "· \"run the inventory agent\", \"run all specialists\", \"how did the last run go?\"\n"
    "· \"what did the agents do overnight?\", \"verify the audit log\", \"show handoffs\"\n"
    "· \"go semi-autonomous\", \"stop everything\" (kill switch), \"never discount brand X\" (a standing rule)")

HELP_SHOPPER = ("I can help you find products, check prices and stock, explain shipping and returns, tell you "
                "where your order is, or pass your request to a person on the team.")
