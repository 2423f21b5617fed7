"""The rules brain's replies to each clause, from the results of its tool calls.

One function per kind of clause; each returns the text (possibly empty: a write that
waits for the operator is echoed by the graph, not here) and the references it is about.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from graphs.brains.rules import activity, explained, render, store_answers
from graphs.language.intents import Intent
from tools.cycle_reflect import as_text as cycle_text

Refs = list[dict[str, Any]]


def part(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]], names: dict[int, dict[str, Any]],
         *, now: datetime) -> tuple[str, Refs]:
    """The reply to one clause."""
    if "text" in plan and not results:
        return str(plan["text"] or ""), []
    if intent.name == "explain":
        return _explained(intent, plan, results, now=now)
    handler = _HANDLERS.get(intent.name)
    if handler is None:
        return render.UNKNOWN, []
    return handler(intent, plan, results, names)


_ok = store_answers.ok


def _error(results: list[dict[str, Any]], fallback: str) -> str:
    r = results[0] if results else None
    if r is None:
        return fallback
    content = r["content"] if isinstance(r["content"], dict) else {}
    if content.get("error") == "awaiting_confirmation":
        return ""
    return content.get("message") or fallback


def _decided(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
             names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    lines = [render.decision_result(intent.name, r) for r in results]
    lines = [line for line in lines if line] + list(plan.get("notes") or [])
    if intent.name == "snooze" and not intent.until and any(r["ok"] for r in results):
        lines.append("(No time given, so I snoozed until tomorrow 09:00; say a day to move it.)")
    ids = [r["args"].get("action_id") for r in results]
    return "\n".join(lines), [{"type": "action", "id": i} for i in ids if i]


def _explained(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]], *, now: datetime
               ) -> tuple[str, Refs]:
    texts = [explained.worth(r["content"]) if intent.said_as == "worth" else explained.explanation(r["content"], now=now)
             for r in results if r["ok"]]
    texts += [f"#{r['args'].get('action_id')}: {r['content'].get('message', '')}" for r in results if not r["ok"]]
    return "\n\n".join(texts), [{"type": "action", "id": r["content"]["action"]["id"]} for r in results if r["ok"]]


def _listed(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
            names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    actions = _ok(results) or []
    ref = intent.ref
    if ref is not None and ref.position:
        actions = actions[ref.position - 1:ref.position] if ref.position > 0 else actions[-1:]
    what = plan.get("describe") or "Actions"
    lines = [render.action_line(a, subject=names.get(a["id"], {}).get("subject", "")) for a in actions]
    text = f"{what}, best first:\n" + "\n".join(lines) if lines else f"No {what.lower()} right now."
    return text, [{"type": "action", "id": a["id"]} for a in actions]


def _briefing(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
              names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    top = _ok(results, 1) or []
    text = render.briefing(_ok(results, 0) or {}, top, _ok(results, 2) or [], _ok(results, 3) or [])
    return text, [{"type": "action", "id": a["id"]} for a in top]


#: "what happens if i turn on the kill switch", "would the kill switch stop the fraud holds too?"
_ASKS_WHAT_KILL_DOES = re.compile(r"(?i)kill ?switch.*\b(?:what happens|would|will|does it|what does|lose|stop|affect"
                                  r"|mean|hold)\b|\b(?:what happens|would|will|what does|lose)\b.*kill ?switch")
KILL_SWITCH_MEANS = (
    "The kill switch stops everything that would change the store: no approved action executes (fraud holds, "
    "reorders, markdowns and title changes alike), nothing is delivered to the live store, e-mails to vendors and "
    "webhooks wait (alerts to you still go out), and the hourly cycle does not act. Nothing is lost: what you approve "
    "stays approved and runs when you release it, and you can keep reading and deciding meanwhile. It has no timer: "
    "it stays on until you say \"release the kill switch\".")


def _status(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
            names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    s = _ok(results) or {}
    kill = s.get("kill_switch") or {}
    switch = (f"ENGAGED ({kill.get('reason')}): nothing executes until you release it" if kill.get("engaged")
              else "off: approved work executes")
    level = str(s.get("autonomy_level", "supervised"))
    counts = ", ".join(f"{v} {render.STATUS_WORD.get(k, k.replace('_', ' '))}"
                       for k, v in sorted((s.get("actions") or {}).items()) if k != "superseded") or "none"
    text = (f"The kill switch is {switch}. Autonomy is {level.replace('_', '-')}: {render.LEVEL_MEANING[level]}. "
            f"Actions: {counts}.")
    if intent.task == "connection":
        return _connection(s), []
    if intent.task == "autonomy_per_kind":
        text += (" Autonomy is set for the whole store, not per kind from the chat: a kind runs alone sooner only "
                 "once it has earned it (ten of your decisions, 90% approved, nothing rolled back, no measured outcome "
                 "worse), through a proposal you approve. Until then, approve what you want run as it comes.")
    if _ASKS_WHAT_KILL_DOES.search(intent.text or ""):
        text = f"{KILL_SWITCH_MEANS}\n\n{text}"
    if intent.level and intent.level != level:
        # "I said autonomous": say what it is, and how to change it — the change itself is the operator's command
        text += (f" It is not {intent.level.replace('_', '-')}: to change it, say \"set autonomy to "
                 f"{intent.level.replace('_', '-')}\" (I'll ask you to confirm).")
    return text, []


def _connection(status: dict[str, Any]) -> str:
    """"Is shopify connected?": whether approved work can reach the live store, and what the token lacks."""
    agents = (status.get("readiness") or {}).get("agents") or []
    conn = next((a["connection"] for a in agents if a.get("connection")), None)
    if conn is None:
        return ("No Shopify store is connected: approved actions change the engine's own copy of the store and wait "
                "there; nothing reaches the live store until you connect it (growth connect shopify, with the Admin "
                "API token on stdin; it is stored encrypted and never shown again).")
    lacking = [f"{a['agent']} lacks {', '.join(a['connection']['missing_scopes'])}" for a in agents
               if (a.get("connection") or {}).get("missing_scopes")]
    if conn["status"] == "unchecked":
        return ("A Shopify store is connected but not checked yet: \"growth connections\" checks that the token works "
                "and which scopes it holds. Deliveries use it meanwhile.")
    if conn["status"] != "reachable":
        return (f"A Shopify store is connected, but the last check failed ({conn['status']}): deliveries wait and are "
                "retried; \"growth connections\" checks it again.")
    return "Shopify is connected and answered the last check." + (
        " The token's scopes fall short: " + "; ".join(lacking) + "." if lacking
        else " Its token has the scopes every kind of action needs.")


def _setting(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
             names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = _ok(results)
    # "go autonomous until friday": the level has no timer, and the reply (or the question) says so, not pretend
    timer = (f" Autonomy has no end time (“{intent.when_said}” is not a timer it has): it stays "
             f"{(intent.level or '').replace('_', '-')} until you change it back."
             if intent.name == "autonomy" and intent.when_said else "")
    if r is None:
        return (_error(results, "I couldn't change that.") + timer).strip(), []
    if intent.name == "autonomy":
        level = r["level"]
        if r.get("changed") is False:
            return f"Autonomy is already {level.replace('_', '-')}: {render.LEVEL_MEANING[level]}.{timer}", []
        note = f" {r['note'][0].upper()}{r['note'][1:]}." if r.get("note") else ""
        return (f"Autonomy is now {level.replace('_', '-')} (was {r['previous'].replace('_', '-')}): "
                f"{render.LEVEL_MEANING[level]}. Work for people and anything the engine cannot undo still waits "
                f"for you.{note}{timer}"), []
    if r["engaged"]:
        text = ("Kill switch engaged: nothing executes. Approved work waits and nothing is lost; say \"release the "
                "kill switch\" when you want it back.")
        if intent.when_said:
            # "kill switch on for the weekend": the switch has no timer, and the reply says so rather than pretend
            text += (f" It does not switch itself off by itself (“{intent.when_said}” is not a timer it has): it stays "
                     "on until you release it.")
        return text, []
    return render.released(r), []


def _agent_switched(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
                    names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = _ok(results)
    if r is None:
        return _error(results, "I couldn't switch that agent."), []
    timer = (f" It does not come back on by itself: “{intent.when_said}” is not a timer it has."
             if intent.name == "agent_off" and intent.when_said else "")
    return render.agent_switched(r) + timer, []


def _rule_added(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
                names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = _ok(results)
    if r is None:
        return _error(results, "I couldn't keep that rule."), []
    if r.get("already"):
        text = (f"You already have that rule ({r['understood']}; you said: \"{r['text']}\"), so I kept it as it is "
                "and saved nothing new.")
    else:
        text = (f"Rule saved, as I understood it: {r['understood']}. Agents won't propose anything that breaks it, "
                "and nothing that breaks it is approved or executed.")
    if r.get("forbids_pending"):
        waiting = r["forbids_pending"]
        text += (" It forbids " + ", ".join(f"#{a['id']}" for a in waiting)
                 + (", which is waiting." if len(waiting) == 1 else ", which are waiting."))
    return text, [{"type": "action", "id": a["id"]} for a in r.get("forbids_pending") or []]


def _rules(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
           names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    items = _ok(results) or []
    if not items:
        return "You have no standing rules. Say e.g. \"never discount Wick Studio\".", []
    return "Your standing rules:\n" + "\n".join(f"· {i['understood']} (you said: \"{i['text']}\")"
                                               for i in items), []


def _forgotten(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
               names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = _ok(results)
    if r is None:
        return _error(results, "I couldn't find that rule."), []
    return f"Forgotten: {r['understood']}.", []


def _agents(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
            names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = _ok(results) or {}
    rows = r.get("agents") or []
    if not rows:
        return "No agent has proposed anything yet.", []
    lines = [f"· {a['agent']}: {a['proposed']} proposed, estimated {render.money(a['expected_revenue'])} in all"
             for a in rows]
    return f"The {rows[0]['agent']} agent proposed the most ({r['source']}):\n" + "\n".join(lines), []


def _audit(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
           names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    digest = activity.audit_digest(_ok(results) or [], window=plan.get("window", "recently"))
    cycle = _ok(results, 1)
    return (f"{cycle_text(cycle)}\n\n{digest}" if cycle else digest), []


def _verified(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
              names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    report = _ok(results) or {}
    if report.get("ok"):
        return f"The audit chain is intact: {report['events']} events, every link checks out.", []
    where = f" at event {report['first_bad_seq']}" if report.get("first_bad_seq") is not None else ""
    return f"The audit chain is BROKEN{where}: {report.get('problem')}", []


def _handoffs(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
              names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    rows = _ok(results) or []
    if not rows:
        return "No handoffs yet.", []
    lines = [f"{'✓' if h['allowed'] else '✗'} {h['from']} → {h['to']} ({h['kind']}) "
             f"{h['reason'] if not h['allowed'] else ''}".rstrip() for h in rows]
    return "Recent handoffs:\n" + "\n".join(lines), []


def _runs(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
          names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    content = _ok(results)
    if content is None:
        return _error(results, "I couldn't read the runs."), []
    items = content if isinstance(content, list) else [content]
    return render.runs(items), [{"type": "run", "id": r["id"]} for r in items]


def _performance(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
                 names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    rows = _ok(results) or []
    if not rows:
        return "No decisions yet, so no track record to show.", []
    lines = [f"· {r['agent']} / {r['kind']}: {r['proposed']} proposed; you approved {r['approved']}, rejected "
             f"{r['rejected']}, rolled back {r['rolled_back']}"
             + (f" (approval rate {r['approval_rate']:.0%})" if r["approval_rate"] is not None else
                " (no decision of yours yet)")
             + (f"; {r['auto_approved']} approved by autonomy, not counted" if r["auto_approved"] else "")
             for r in rows[:12]]
    return "How the agents' proposals fare with you (your decisions only):\n" + "\n".join(lines), []


def _delivered(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
               names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    """"What's live on the store?": each executed action and where it stands in the live store."""
    details = [r["content"] for r in results if r["ok"]]
    def line(d: dict[str, Any]) -> str:
        a = d["action"]
        where = (d.get("delivery") or {}).get("summary") or "nothing delivered to the live store"
        state = "" if a["status"] == "executed" else f" ({render.STATUS_WORD.get(a['status'], a['status'])})"
        return f"· #{a['id']} {render.short_title(a)}{state}: {where}"

    lines = [line(d) for d in details]
    total = int(plan.get("total") or len(details))
    head = (f"Executed actions and the live store ({len(details)} newest of {total}):" if total > len(details)
            else "Executed actions and the live store:")
    return head + "\n" + "\n".join(lines), [{"type": "action", "id": d["action"]["id"]} for d in details]


def _people(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
            names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    rows = _ok(results) or []
    if not rows:
        return "Nobody is waiting for a person right now.", []
    lines = [f"· #{a['id']} {render.short_title(a)}" for a in rows]
    return ("People waiting for a person (not ranked by revenue):\n" + "\n".join(lines)
            + "\nSay \"explain <number>\" for the request."), [{"type": "action", "id": a["id"]} for a in rows]


def _workflow_started(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
                      names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    lines = []
    for r in results:
        w = r["content"] if r["ok"] else None
        if w is None:
            text = _error([r], "")
            if text:
                lines.append(f"I could not start {r['args'].get('template')}: {text}")
            continue
        lines.append(f"Started {w['title'].split(':')[0]} ({w['id']}): {w['state']}, {w['progress']}. "
                     f"A running `growth serve` or `growth worker` runs it; ask \"how are my workflows going?\" "
                     f"to follow it.")
    return "\n".join(lines), []


def _workflows(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
               names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    found = _ok(results)
    if found is None:
        return _error(results, "I couldn't read the workflows."), []
    templates: dict[str, str] = found["templates"]
    asked = [t for t in (intent.text or "").split(",") if t in templates]
    rows = [w for w in found["workflows"] if not asked or w["template"] in asked]
    lines = [f"{templates[t]}." for t in asked]
    if rows:
        lines.append(("Its runs" if len(asked) == 1 else "Workflows") + ", newest first:")
        lines += [f"· {w['title'].split(':')[0]} ({w['id']}): {w['state']}, {w['progress']}" for w in rows]
    else:
        lines.append(("It has not" if len(asked) == 1 else "They have not") + " run yet." if asked
                     else "No workflows have run yet.")
    if not asked:
        lines += ["You can start:"] + [f"· {title}" for title in templates.values()]
    lines.append("Say \"start the " + " / ".join(t.replace("-", " ") for t in (asked or templates)) + "\" to start "
                 + ("it." if len(asked) == 1 else "one."))
    return "\n".join(lines), []


def _agent_state(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
                 names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    """Whether each specialist (or the one asked about) is switched on and ready to propose, and if not, why."""
    status = _ok(results) or {}
    r = status.get("readiness") or {}
    agents = [a for a in r.get("agents") or [] if intent.agent is None or a["agent"] == intent.agent]
    if not agents:
        return "I couldn't read the agents' state just now; `growth status` shows it.", []
    lines = [] if r.get("enabled", True) else [
        f"All agents are switched off ({r.get('reason') or 'no reason given'}): none of them proposes anything."]
    for a in agents:
        name = f"The {a['agent']} agent"
        if not a["enabled"]:
            lines.append(f"{name} is switched off: it proposes nothing until you say \"turn the {a['agent']} agent "
                         "back on\".")
        elif a["ready"]:
            lines.append(f"{name} is on and ready: its data is fresh enough to propose from.")
        else:
            lines.append(f"{name} is on but proposes nothing yet: {'; '.join(a['blockers'])}.")
    kill = status.get("kill_switch") or {}
    if kill.get("engaged"):
        lines.append("The kill switch is engaged, so nothing they propose executes until you release it.")
    return "\n".join(lines), []


_HANDLERS = {
    "approve": _decided, "reject": _decided, "snooze": _decided, "edit_approve": _decided, "rollback": _decided,
    "list": _listed, "briefing": _briefing, "status": _status, "autonomy": _setting,
    "kill_on": _setting, "kill_off": _setting, "agent_off": _agent_switched, "agent_on": _agent_switched,
    "agent_state": _agent_state,
    "add_rule": _rule_added, "list_rules": _rules,
    "forget_rule": _forgotten, "sales": store_answers.sales, "top_products": store_answers.top,
    "on_order": store_answers.on_order, "stock": store_answers.stock, "channels": store_answers.channels,
    "product_sales": store_answers.product_sales,
    "traffic": store_answers.traffic,
    "agent_stats": _agents, "outcomes": store_answers.outcomes, "audit_digest": _audit, "audit_verify": _verified,
    "handoffs": _handoffs, "deliveries": _delivered, "run_status": _runs, "performance": _performance, "escalations": _people,
    "workflow": _workflow_started, "workflows": _workflows,
}
