"""The audit hash chain: how one link is hashed and how a whole chain is checked.

Links are HMAC-SHA256 over the event's canonical JSON (which includes the previous
link's hash), keyed by a key derived from the server secret: someone who can write
the database file but does not hold the secret cannot forge a consistent chain.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from policies.digest import canonical_json
from tools.records import AuditRecord

GENESIS = "0" * 64


def chain_key(secret: bytes) -> bytes:
    return hmac.new(secret, b"growth-engine:audit-chain", hashlib.sha256).digest()


def link_hash(key: bytes, *, tenant: str, seq: int, ts: str, actor: str, event: str, subject: str,
              data: str, prev_hash: str) -> str:
    """The keyed hash of one event's canonical JSON, which includes the previous hash."""
    body = canonical_json([tenant, seq, ts, actor, event, subject, data, prev_hash]).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    events: int
    #: the first event that does not hold (seq), and what is wrong with it
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    problem: str = ""


def verify_chain(key: bytes, tenant: str, events: Sequence[AuditRecord],
                 head: tuple[int, str] | None) -> ChainReport:
    """Check every link: contiguous sequence, previous hash, own hash, and the head.

    ``events`` must be ordered by ``seq``; ids must rise with seq (rows moved
    around keep their ids and so show up as out of order).
    """
    prev_hash, prev_id = GENESIS, 0
    for expected_seq, ev in enumerate(events, start=1):
        def bad(problem: str) -> ChainReport:
            return ChainReport(False, len(events), ev.seq, ev.id, problem)

        if ev.seq != expected_seq:
            what = "missing" if ev.seq > expected_seq else "duplicated"
            return ChainReport(False, len(events), expected_seq, ev.id,
                               f"event {expected_seq} is {what} (found seq {ev.seq} in its place)")
        if ev.id <= prev_id:
            return bad(f"event {ev.seq} is out of order (id {ev.id} after id {prev_id})")
        if ev.prev_hash != prev_hash:
            return bad(f"event {ev.seq} does not link to event {ev.seq - 1} (previous hash differs)")
        recomputed = link_hash(key, tenant=tenant, seq=ev.seq, ts=ev.ts, actor=ev.actor, event=ev.event,
                               subject=ev.subject, data=ev.data, prev_hash=ev.prev_hash)
        if recomputed != ev.hash:
            return bad(f"event {ev.seq} was altered (its content does not match its hash)")
        prev_hash, prev_id = ev.hash, ev.id
    if head is not None:
        head_seq, head_hash = head
        if head_seq != len(events):
            return ChainReport(False, len(events), len(events) + 1, None,
                               f"the chain ends at event {len(events)} but its head says {head_seq}: "
                               "events were removed from the end")
        if head_hash != prev_hash:
            return ChainReport(False, len(events), head_seq, None,
                               f"event {head_seq} differs from the recorded head of the chain")
    elif events:
        return ChainReport(False, len(events), 1, events[0].id, "the chain has events but no head")
    return ChainReport(True, len(events))
