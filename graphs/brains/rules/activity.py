"""What happened, in words: the audit log's digest ("what did you do today?"), its events and who did them."""

from __future__ import annotations

from collections import Counter
from typing import Any


def audit_digest(events: list[dict[str, Any]], *, window: str) -> str:
    if not events:
        return f"Nothing happened {window}."
    counts = Counter(e["event"] for e in events)
    actors = Counter(e["actor"] for e in events)
    lines = [f"{len(events)} events {window}:"]
    lines += [f"· {n} × {EVENT_WORDS.get(event, event.replace('.', ' ').replace('_', ' '))}"
              for event, n in counts.most_common(8)]
    lines.append("Most active: " + ", ".join(f"{actor_words(a)} ({n})" for a, n in actors.most_common(4)) + ".")
    notable = [e for e in events if e["event"] in ("action.executed", "action.rolled_back", "policy.denied",
                                                   "kill_switch.engaged", "kill_switch.released", "handoff.refused",
                                                   "action.failed", "action.rejected", "action.snoozed",
                                                   "rule.added", "autonomy.changed")]
    for e in notable[:8]:
        subject = e["subject"].replace("action:", "#")
        lines.append(f"· {e['at'][:16].replace('T', ' ')} {e['event'].replace('.', ' ').replace('_', ' ')} "
                     f"{subject} by {actor_words(e['actor'])}")
    return "\n".join(lines)


#: what an audit event is, in words (anything not listed: its name with the dots and underscores taken out)
EVENT_WORDS = {
    "action.proposed": "actions proposed", "action.approved": "approved", "action.auto_approved": "approved by "
    "autonomy", "action.executed": "executed", "action.rejected": "rejected", "action.snoozed": "snoozed",
    "action.rolled_back": "rolled back", "action.expired": "expired unanswered", "action.withdrawn": "withdrawn by "
    "their agent", "action.superseded": "replaced by a newer proposal", "action.edited": "edited", "action.failed":
    "failed", "telemetry.imported": "data imports", "inventory.settings_changed": "inventory settings changed",
    "handoff": "handoffs between agents", "handoff.refused": "handoffs refused", "rule.added": "rules added",
    "rule.forgotten": "rules forgotten", "policy.denied": "requests refused by policy", "kill_switch.engaged":
    "kill switch engaged", "kill_switch.released": "kill switch released", "autonomy.changed": "autonomy changed",
}


def actor_words(actor: str) -> str:
    """"operator:cli" → "you (command line)", "agent:content" → "the content agent", "system:expiry" → "the engine
    (expiry)"."""
    kind, _, name = actor.partition(":")
    if kind == "operator":
        # this machine's operator; anyone else signed in with a token is named by it
        return {"cli": "you (command line)", "stdio": "you (MCP over stdio)", "local": "you"}.get(
            name, f"operator {name}")
    if kind == "agent":
        return f"the {name.replace('_', ' ')} agent"
    if kind == "system":
        return f"the engine ({name.replace('_', ' ')})" if name else "the engine"
    return actor
