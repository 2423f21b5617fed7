"""Writing to and reading from the audit log. Every write goes through ``record``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from policies.digest import canonical_json
from tools.audit_chain import GENESIS, Anchor, ChainReport, Head, Problem, chain_key, head_mac, verify_chain
from tools.deps import Deps, Tx
from tools.errors import Conflict
from tools.pii import protect, protect_text
from tools.records import AuditRecord
from tools.webhook_events import enqueue_for


@dataclass(frozen=True, slots=True)
class AuditEntry:
    actor: str
    event: str
    subject: str
    data: dict[str, Any] = field(default_factory=dict)


async def record(tx: Tx, deps: Deps, *, actor: str, event: str, subject: str,
                 data: dict[str, Any] | None = None) -> AuditRecord:
    """Append one event to the tenant's chain, in the caller's transaction.

    PII is redacted here, whatever the caller passed: audit rows hold references only.
    """
    return (await record_many(tx, deps, [AuditEntry(actor, event, subject, data or {})]))[0]


async def record_many(tx: Tx, deps: Deps, entries: list[AuditEntry]) -> list[AuditRecord]:
    """Append several events, in order, in the caller's transaction."""
    if not entries:
        return []
    ts = deps.now().isoformat(timespec="microseconds")
    rows = [(ts, e.actor, e.event, await protect_text(tx, deps, e.subject),
             canonical_json(await protect(tx, deps, e.data))) for e in entries]
    recorded = await tx.audit.append_many(rows)
    # queued in this transaction: a webhook event exists if and only if its audit event committed
    await enqueue_for(tx, deps, recorded)
    return recorded


_GUARD_STATE = {"missing": "is missing", "disabled": "is disabled", "altered": "was altered"}


async def verify(deps: Deps, tenant: str, *, anchor: Anchor | None = None) -> ChainReport:
    """The chain, its signed head, the database's guards, and (if given) an anchor kept outside."""
    return (await _verified_head(deps, tenant, anchor))[0]


async def take_anchor(deps: Deps, tenant: str) -> Anchor:
    """The signed head of a chain that verifies, to keep outside the database."""
    report, head = await _verified_head(deps, tenant, None)
    if not report.ok:
        raise Conflict(f"the audit log does not verify, nothing to anchor: {report.problem}", code="audit_broken")
    seq, digest = (head.seq, head.hash) if head else (0, GENESIS)
    key = chain_key(deps.config.secret)
    return Anchor(tenant, seq, digest, deps.now().isoformat(timespec="seconds"),
                  head_mac(key, tenant=tenant, seq=seq, hash=digest))


async def _verified_head(deps: Deps, tenant: str, anchor: Anchor | None) -> tuple[ChainReport, Head | None]:
    async def q(tx: Tx) -> tuple[ChainReport, Head | None]:
        events, head = await tx.audit.chain(), await tx.audit.head()
        guards = [Problem(f"guard_{state}", f"the database guard {name} {_GUARD_STATE[state]}: "
                                            "run `growth db upgrade` to restore it")
                  for name, state in await tx.audit.guard_faults()]
        return verify_chain(chain_key(deps.config.secret), tenant, events, head, anchor=anchor, extra=guards), head

    return await deps.db.query(tenant, q)


def event_view(ev: AuditRecord) -> dict[str, Any]:
    return {"seq": ev.seq, "at": ev.ts, "actor": ev.actor, "event": ev.event, "subject": ev.subject,
            "data": json.loads(ev.data), "hash": ev.hash}


async def recent(deps: Deps, tenant: str, *, limit: int = 50, event_prefix: str | None = None,
                 since: str | None = None) -> list[dict[str, Any]]:
    rows = await deps.db.query(tenant, lambda tx: tx.audit.recent(
        limit=max(1, min(limit, 1000)), event_prefix=event_prefix, since=since))
    return [event_view(r) for r in rows]
