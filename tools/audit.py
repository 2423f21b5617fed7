"""Writing to and reading from the audit log. Every write goes through ``record``."""

from __future__ import annotations

import json
from typing import Any

from policies.digest import canonical_json
from tools.audit_chain import ChainReport, verify_chain
from tools.deps import Deps, Tx
from tools.pii import protect, protect_text
from tools.records import AuditRecord


async def record(tx: Tx, deps: Deps, *, actor: str, event: str, subject: str,
                 data: dict[str, Any] | None = None) -> AuditRecord:
    """Append one event to the tenant's chain, in the caller's transaction.

    PII is redacted here, whatever the caller passed: audit rows hold references only.
    """
    clean = await protect(tx, deps, data or {})
    return await tx.audit.append(
        ts=deps.now().isoformat(timespec="microseconds"),
        actor=actor, event=event, subject=await protect_text(tx, deps, subject),
        data=canonical_json(clean),
    )


async def verify(deps: Deps, tenant: str) -> ChainReport:
    async with deps.db.read(tenant) as tx:
        return verify_chain(tenant, await tx.audit.chain(), await tx.audit.head())


def event_view(ev: AuditRecord) -> dict[str, Any]:
    return {"seq": ev.seq, "at": ev.ts, "actor": ev.actor, "event": ev.event, "subject": ev.subject,
            "data": json.loads(ev.data), "hash": ev.hash}


async def recent(deps: Deps, tenant: str, *, limit: int = 50, event_prefix: str | None = None,
                 since: str | None = None) -> list[dict[str, Any]]:
    async with deps.db.read(tenant) as tx:
        rows = await tx.audit.recent(limit=max(1, min(limit, 1000)), event_prefix=event_prefix, since=since)
    return [event_view(r) for r in rows]
