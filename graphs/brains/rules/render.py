"""Templated replies for the rules brain: short, specific, and they say what to do next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tools import plain

RISK_WORD = {"low": "low risk", "medium": "medium risk", "high": "high risk", "critical": "critical"}


def money(value: float) -> str:
    return f"${value:,.0f}" if value >= 100 else f"${value:,.2f}"


def short_title(a: dict[str, Any], subject: str = "") -> str:
    """The title up to its reason, with a raw page path replaced by the page's name."""
    head = str(a.get("title", "")).split(": ", 1)[0]
    path = str(a.get("target", "")).partition(":")[2]
    if subject and path.startswith("/") and path in head:
        head = head.replace(path, "the " + subject)
    return head


def action_line(a: dict[str, Any], *, subject: str = "", spend: bool = False, expires: bool = False) -> str:
    # a ranked line leads with a bullet, never its place ("1. #2 …"): a number the operator says is an action's
    # number, and a list numbered 1, 2, 3 beside them would make "approve 1" mean two different actions
    state = STATUS_WORD.get(a['status'], a['status'].replace('_', ' '))
    until = a.get("snoozed_until")
    if a["status"] == "snoozed" and until:  # "snoozed until Fri 4 Dec 09:00 UTC": when it comes back
        at = until if isinstance(until, datetime) else datetime.fromisoformat(str(until))
        state += f" until {at:%a %-d %b %H:%M} UTC"
    return (f"· #{a['id']} {short_title(a, subject or a.get('subject', ''))} · "
            f"{RISK_WORD.get(a['risk_tier'], a['risk_tier'])} · estimated {money(a['expected_revenue'])}"
            + (f" · would spend {money(a['spend'])}" if spend and a.get("spend") is not None else "")
            + (f" · expires {datetime.fromisoformat(a['expires_at']):%a %-d %b %H:%M} UTC"
               if expires and a.get("expires_at") else "")
            + f" · {state}")


STATUS_WORD = {"pending_approval": "waiting for you", "executed": "done (in the engine's store copy)",
               "auto_approved": "approved by autonomy", "rolled_back": "rolled back"}


#: how a list in another order than the ranking says so ("the riskiest ones")
ORDER_WORDS = {"risk": "riskiest first, then by rank", "-risk": "least risky first, then by rank",
               "value": "highest estimate first", "-value": "lowest estimate first",
               "cost": "most expensive first (what each would spend)", "-cost": "cheapest first (what each would spend)",
               "expiry": "soonest to expire first"}


def queue_list(items: list[dict[str, Any]], *, total: int, what: str, worth: float | None = None,
               order: str | None = None) -> str:
    """The listed actions, best first (or in ``order``); ``worth``: the estimates of all ``total`` of them added
    up (the queue's upside in expected profit), said when more than one is counted."""
    if not items:
        return f"No {what[0].lower() + what[1:]} right now."
    together = f", estimated {money(worth)} together" if worth is not None and total > 1 else ""
    if order in ORDER_WORDS:
        head = (f"{what} ({total}{together}), {ORDER_WORDS[order]}:" if total <= len(items)
                else f"{what}: {total}{together}; {len(items)} shown, {ORDER_WORDS[order]}:")
        return head + "\n" + "\n".join(action_line(a, spend=order.lstrip("-") == "cost", expires=order == "expiry")
                                       for a in items)
    # ranked by rank, not by the estimate shown: said, so "#8 $1,198 above #9 $1,513" is not read as a mistake
    head = (f"{what} ({total}{together}), best first (estimate × confidence × ease):" if total <= len(items)
            else f"{what}: {total}{together}; the best {len(items)} (estimate × confidence × ease):")
    return head + "\n" + "\n".join(action_line(a) for a in items)


def action_list(actions: list[dict[str, Any]], *, heading: str, empty: str) -> str:
    if not actions:
        return empty
    lines = [heading] + [action_line(a) for a in actions]
    return "\n".join(lines)


def briefing(status: dict[str, Any], top: list[dict[str, Any]], runs: list[dict[str, Any]],
             people: list[dict[str, Any]] | None = None) -> str:
    parts = []
    pending = status.get("pending_approval", 0)
    kill = status.get("kill_switch") or {}
    if kill.get("engaged"):
        parts.append(f"⚠ The kill switch is engaged ({kill.get('reason')}): nothing executes until you release it.")
    if top:
        total = sum(a["expected_revenue"] for a in top)
        parts.append(f"You have {pending} action{'s' if pending != 1 else ''} waiting for you. The top "
                     f"{len(top)} are estimated at {money(total)} together:")
        parts += [action_line(a) for a in top]
        best = top[0]
        parts.append(f"I'd start with #{best['id']}: say \"explain {best['id']}\" for the evidence, or "
                     f"\"approve {best['id']}\".")
    else:
        parts.append("Nothing is waiting for your approval.")
    if people:
        parts.append(f"People waiting ({len(people)}): " + "; ".join(
            f"#{p['id']} {short_title(p)}" for p in people[:5]) + " — not ranked by revenue; answer them first.")
    if runs:
        last = runs[0]
        parts.append(f"Last run: {last['agent']} ({last['status']}) — {(last.get('result') or {}).get('summary', '')}"
                     .rstrip(" —"))
    else:
        parts.append("No specialist has run yet: say \"run all specialists\" to have them look at the store.")
    parts.append(f"Autonomy: {status.get('autonomy_level', 'supervised').replace('_', '-')}.")
    return "\n".join(parts)


def decision_result(verdict: str, result: dict[str, Any]) -> str:
    if not result["ok"]:
        content = result["content"] if isinstance(result["content"], dict) else {}
        ident = result.get("args", {}).get("action_id", content.get("action_id", "?"))
        code = content.get("error") or content.get("code", "error")
        message = content.get("message", "")
        if code == "awaiting_confirmation":
            return ""
        if code == "not_confirmed":
            return f"#{ident}: not done — {message}."
        if code == "already_decided":
            return f"#{ident}: {message} (decided elsewhere; I did not change it)."
        doing = {"edit_approve": "approve it with that change", "rollback": "roll it back"}.get(verdict,
                                                                                                  verdict)
        return f"#{ident}: could not {doing} — {message}"
    body = result["content"]
    if verdict == "rollback":
        held = f"; {body['held']}" if body.get("held") else ""
        restored = body.get("restored") or {}
        # a value that did not exist before ("page: none") is something the action made, now withdrawn
        made = [f"the {k.replace('_', ' ')} it made is withdrawn" for k, v in restored.items() if v is None]
        kept = {k: v for k, v in restored.items() if v is not None}
        said = "; ".join(([f"restored {plain.mapping(kept)}"] if kept else []) + made) or "nothing to restore"
        return f"#{body['action_id']} rolled back; {said}{held}."
    action = body["action"]
    line = f"#{action['id']} {action['status'].replace('_', ' ')}"
    changed = (result.get("args") or {}).get("params") or {}
    if verdict == "edit_approve" and changed:
        line += " with " + "; ".join(f"{PARAM_WORDS.get(k, k.replace('_', ' '))} {plain.value(v)}"
                                     for k, v in changed.items())
    if body.get("reclassified"):
        line += f" (re-classified {body['reclassified']['from']} → {body['reclassified']['to']})"
    execution = body.get("execution")
    if execution:
        if execution["status"] == "executed":
            line += f" in the engine's store copy: {execution['message']}"
        elif execution["status"] == "held":
            line += " — held by the kill switch; it runs when you release it"
        elif execution["status"] == "deferred":
            line += f" — deferred by the rate limit until {plain.when(execution['retry_at'])}, not dropped"
        elif execution["status"] == "failed":
            line += f" — but execution failed: {execution['message']}"
    if action.get("snoozed_until") and verdict == "snooze":
        until = datetime.fromisoformat(str(action["snoozed_until"]))
        line += f" until {until:%a %-d %b %Y %H:%M} UTC"
    return line + "."


def specialist(result: dict[str, Any]) -> str:
    if not result["ok"]:
        return f"I couldn't hand that over: {result['content'].get('message', '')}"
    r = result["content"]
    summary = r["summary"] if r["summary"].endswith((".", "!", "?")) else r["summary"] + "."
    if r.get("status") == "disabled":
        return (f"The {r['agent']} agent is switched off, so it did not run: {summary} Say \"turn the "
                f"{r['agent']} agent back on\" to run it again.")
    lines = [f"The {r['agent']} agent is done (run #{r['run_id']}): {summary}"]
    lines += [f"· {f}" for f in r.get("findings", [])[:8]]
    new = r.get("new_action_ids", r.get("action_ids")) or []
    if new:
        ids = ", ".join(f"#{i}" for i in new[:10])
        lines.append(f"New in your queue: {ids}. Say \"explain {new[0]}\" to see why.")
    return "\n".join(lines)


def runs(items: list[dict[str, Any]]) -> str:
    if not items:
        return "No specialist has run yet."
    lines = []
    for r in items:
        took = f" in {r['duration_s']:.1f}s" if r.get("duration_s") is not None else ""
        summary = (r.get("result") or {}).get("summary") or r.get("error") or ""
        lines.append(f"Run #{r['id']} {r['agent']} ({r['trigger']}): {r['status']}{took} — {summary}".rstrip(" —"))
    if len(items) == 1:  # one run asked about: what it found, as the run said it
        result = items[0].get("result") or {}
        lines += [f"· {f}" for f in (result.get("findings") or [])[:8]]
        new = result.get("new_action_ids") or []
        if new:
            lines.append(f"New in your queue from it: {', '.join(f'#{i}' for i in new[:10])}.")
    return "\n".join(lines)


LEVEL_MEANING = {"supervised": "every action waits for you", "semi_autonomous": "low-risk actions run alone",
                 "autonomous": "everything but critical actions runs alone"}
KIND_PLURAL = {"content.rewrite_title": "title rewrites", "content.rewrite_meta_description": "meta descriptions",
               "inventory.markdown": "markdowns", "inventory.reorder": "reorders", "risk.hold_order": "order holds",
               "content.add_internal_links": "internal-link changes", "content.create_landing_page": "landing pages",
               "perf.repair_page": "page repairs", "analytics.investigate": "investigations",
               "pricing.adjust": "price changes", "support.escalation": "customer requests"}
GREETING = "Hello! Ask me \"what should I do today?\" for a briefing, or \"help\" for everything I can do."
ACK = "Noted — I haven't changed anything. Ask for a briefing, a run, or a decision when you're ready."
ACK_PENDING = "Noted."
UNKNOWN = "I didn't understand that, so I haven't done anything. I can:\n"


def not_read(text: str) -> str:
    """One line for a part of a message that was not read as a request, beside parts that were."""
    said = " ".join(text.split())
    said = said if len(said) <= 70 else said[:67].rsplit(" ", 1)[0] + " …"
    return f"(I didn't read “{said}” as a request, so nothing was done about it.)"
PARAM_WORDS = {"new_title": "title", "new_description": "description", "anchor": "anchor text",
                "new_text": "text", "new_price": "price", "percent_off": "discount", "quantity": "quantity"}


def agent_switched(r: dict[str, Any]) -> str:
    """One agent switched off or back on (never the store-wide kill switch)."""
    agent = r["agent"]
    if not r["enabled"] and r.get("was_enabled", True):
        return (f"The {agent} agent is switched off: it proposes nothing until you switch it back on (\"turn the "
                f"{agent} agent back on\"). The other agents keep working and the kill switch is as it was; what "
                f"the {agent} agent proposed before still waits for your decision.")
    if not r["enabled"]:
        return f"The {agent} agent was already switched off: {r.get('reason') or 'nothing changed'}."
    if r.get("was_enabled"):
        return f"The {agent} agent is already on."
    return f"The {agent} agent is back on: it proposes again at its next run."


def describe_list(intent: Any) -> str:
    ref = intent.ref
    parts = []
    if ref is not None and ref.risk:
        parts.append(f"{ref.risk}-risk")
    status = intent.status or "pending"
    noun = {"pending": "waiting actions", "executed": "executed actions", "rejected": "rejected actions",
            "all": "actions", "failed": "failed actions", "snoozed": "snoozed actions",
            "approved": "approved actions", "expired": "expired actions"}.get(status, "actions")
    if ref is not None and ref.kind == "risk.hold_order" and status == "executed":
        noun = "orders on hold"  # "what's on hold right now?": the holds in force
    elif ref is not None and ref.kind:
        # "show the holds" with none waiting is not "no holds": the ones in force are another status
        noun = KIND_PLURAL.get(ref.kind, ref.kind) + (" waiting for you" if status == "pending" else f" ({status})")
    text = " ".join(parts + [noun])
    if ref is not None and ref.agent:
        text += f" from the {ref.agent} agent"
    return text[0].upper() + text[1:]


def outcome_line(item: dict[str, Any], outcome: Any) -> str:
    """What came of one confirmed item (the graph's own words)."""
    verb = item["verb"]
    if verb in ("approve", "edit_approve", "reject", "snooze", "rollback"):
        return decision_result(verb, {"ok": outcome.ok, "content": outcome.content,
                                      "args": {"action_id": item.get("action_id")}})
    if not outcome.ok:
        return f"Could not do it: {outcome.content.get('message', '') if isinstance(outcome.content, dict) else ''}"
    content = outcome.content
    if verb == "kill_off":
        return released(content)
    if verb == "kill_on":
        return "Kill switch engaged: nothing executes."
    if verb == "autonomy":
        if content.get("changed") is False:
            return f"Autonomy is already {content['level'].replace('_', '-')}: {LEVEL_MEANING[content['level']]}."
        note = f" ({content['note']})" if content.get("note") else ""
        return f"Autonomy is now {content['level'].replace('_', '-')}: {LEVEL_MEANING[content['level']]}{note}."
    if verb == "add_rule":
        return (f"You already have that rule: {content['understood']}." if content.get("already")
                else f"Rule saved: {content['understood']}.")
    if verb == "forget_rule":
        return f"Forgotten: {content['understood']}."
    if verb == "delegate":
        return specialist({"ok": True, "content": content})
    if verb in ("agent_off", "agent_on"):
        return agent_switched(content)
    return "Done."


def released(content: dict[str, Any]) -> str:
    """The kill switch released: whether another switch still holds, and what ran."""
    ran = (content.get("released_work") or {}).get("executed", [])
    still = f" It is still held by the {content['source']} switch." if content.get("effective") else ""
    return f"Kill switch released.{still}" + (f" {len(ran)} approved action(s) ran." if ran else "")


def declined_line(item: dict[str, Any]) -> str:
    # "hmm let me think" is read as a no to the question; what stays true either way is what is said
    if "action_id" in item:
        still = "it stays as it is" if item.get("verb") == "rollback" else "it is still waiting for you"
        return f"#{item['action_id']}: not done — {still}."
    return f"{item['label'][:1].upper()}{item['label'][1:]}: not done — nothing was changed."


def unbound_line(item: dict[str, Any]) -> str:
    ident = f"#{item['action_id']} v{item.get('version')}" if "action_id" in item else item["label"]
    return f"{ident}: not done — your answer did not name it."


HELP_OPERATOR = (
    "I run your store's agents with you. You can ask me:\n"
    "· \"what should I do today?\" — a briefing with the best actions first\n"
    "· \"show the pending ones\", \"everything from the content agent\", \"all low-risk ones\"\n"
    "· \"explain 12\" / \"why is #12 risky?\" — evidence, arithmetic, rollback plan\n"
    "· \"approve 12 and 14\", \"reject 15 because …\", \"snooze 16 until Monday\", \"approve 12 but make the price 45\"\n"
    "· \"run the inventory agent\", \"run all specialists\", \"how did the last run go?\"\n"
    "· \"start the weekly SEO sweep\" (or the restock check, fraud sweep, full review), \"how are my workflows going?\"\n"
    "· \"what did the agents do overnight?\", \"verify the audit log\", \"show handoffs\"\n"
    "· \"go semi-autonomous\", \"stop everything\" (kill switch), \"never discount brand X\" (a standing rule)")

HELP_SHOPPER = ("I can help you find products, check prices and stock, explain shipping and returns, tell you "
                "where your order is, or pass your request to a person on the team.")
