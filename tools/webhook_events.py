"""Which audit events become webhook deliveries, and what they carry.

The hook sits in ``tools.audit.record_many``: the audit log is the engine's one stream of
everything that happened (every action transition, escalations, connections, policy denials),
written in the same transaction as the change it describes. Queuing the deliveries there, in
that transaction, means an event is queued if and only if it committed, for any topic, with
nothing to poll. (The outbox holds only the effects an execution or rollback must deliver to a
store; a relay over it would miss escalations and every other topic.)

A payload carries references only: the audit row's subject and data, already redacted by
``record_many``, pass ``tools.pii.protect`` once more as a whole on the way in.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from tools.deps import Deps, Tx
from tools.pii import protect
from tools.records import AuditRecord

TOPIC = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?)$")


def matches(pattern: str, topic: str) -> bool:
    """``action.executed`` matches itself, ``action.*`` and ``*``."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return topic.startswith(pattern[:-1])
    return pattern == topic


def topics_of(record: AuditRecord, data: dict[str, Any]) -> list[str]:
    """The event's own topic, and a named one where a kind of action is an event of its own."""
    topics = [record.event]
    if record.event == "action.proposed" and data.get("kind") == "support.escalation":
        topics.append("escalation.created")
    if record.event == "action.delivered" and data.get("channel") == "task":
        # work for a person, delivered: the task's own event (see tools.delivery_messages)
        topics.append("task.cancelled" if data.get("op") == "rollback" else "task.created")
    return topics


async def enqueue_for(tx: Tx, deps: Deps, records: list[AuditRecord]) -> int:
    """Queue one delivery per (event, subscribed endpoint), in the caller's transaction."""
    endpoints = await tx.webhooks.endpoints()
    if not endpoints:
        return 0
    rows: list[tuple[int, str, str, dict[str, Any]]] = []
    for rec in records:
        data = json.loads(rec.data)
        for topic in topics_of(rec, data):
            wanted = [e for e in endpoints if any(matches(p, topic) for p in e.topics)]
            if not wanted:
                continue
            told = await protect(tx, deps, {"subject": rec.subject, "actor": rec.actor, "details": data})
            payload = {"type": topic, "timestamp": rec.ts,
                       "data": {"tenant": tx.tenant, "audit_seq": rec.seq, **told}}
            rows.extend((e.id, f"msg_{uuid.uuid4().hex}", topic, payload) for e in wanted)
    await tx.webhooks.enqueue(rows, now=deps.now())
    return len(rows)
