"""The audit hash chain: how one link is hashed, how the head is signed, how a chain is checked.

Links are HMAC-SHA256 over the event's canonical JSON (which includes the previous
link's hash), keyed by a key derived from the server secret: someone who can write
the database file but does not hold the secret cannot forge a consistent chain.

The head (the last seq and hash of a tenant's chain) carries its own HMAC, so the end
of the chain cannot be cut and the head moved back without the key either. An anchor
is a signed head kept outside the database: it also catches a rewrite by someone who
holds the key, or a head rolled back to an older genuine one.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


def head_mac(key: bytes, *, tenant: str, seq: int, hash: str) -> str:
    """The keyed signature of a chain's head (and of an anchor): HMAC over (tenant, seq, hash)."""
    body = canonical_json(["audit-head", tenant, seq, hash]).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    hash: str
    #: ``head_mac`` of (tenant, seq, hash); empty on a head that could not be signed
    mac: str


@dataclass(frozen=True, slots=True)
class Anchor:
    """A signed head taken out of the database (``growth audit anchor``)."""

    tenant: str
    seq: int
    hash: str
    #: when the anchor was taken (ISO-8601 UTC); not signed, for people
    at: str
    mac: str

    def as_dict(self) -> dict[str, Any]:
        return {"tenant": self.tenant, "seq": self.seq, "hash": self.hash, "at": self.at, "mac": self.mac}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Anchor:
        """Raises ``ValueError`` on anything that is not an anchor."""
        if not isinstance(d, Mapping):
            raise ValueError("an anchor is a JSON object")
        try:
            tenant, seq, digest, at, mac = d["tenant"], d["seq"], d["hash"], d["at"], d["mac"]
        except KeyError as exc:
            raise ValueError(f"the anchor has no {exc.args[0]!r}") from None
        if not (isinstance(tenant, str) and isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0
                and isinstance(digest, str) and isinstance(at, str) and isinstance(mac, str)):
            raise ValueError("the anchor needs tenant (text), seq (a whole number), hash, at and mac (text)")
        return cls(tenant, seq, digest, at, mac)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a chain, its head, an anchor or the database's guards."""

    #: stable: missing, duplicated, out_of_order, unlinked, altered, truncated, head_differs, no_head,
    #: head_unsigned, head_forged, anchor_invalid, anchor_mismatch, guard_missing, guard_disabled, guard_altered
    code: str
    message: str
    seq: int | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    events: int
    #: the first event that does not hold (seq), and what is wrong with it
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    #: every problem's message, the first one first
    problem: str = ""
    #: the first problem's code
    code: str = ""
    problems: tuple[Problem, ...] = ()


def report(events: int, problems: Sequence[Problem]) -> ChainReport:
    if not problems:
        return ChainReport(True, events)
    first = problems[0]
    return ChainReport(False, events, first.seq, first.id, "; ".join(p.message for p in problems), first.code,
                       tuple(problems))


def check_links(key: bytes, tenant: str, events: Sequence[AuditRecord]) -> Problem | None:
    """The first link that does not hold: contiguous sequence, previous hash, own hash.

    ``events`` must be ordered by ``seq``; ids must rise with seq (rows moved
    around keep their ids and so show up as out of order).
    """
    prev_hash, prev_id = GENESIS, 0
    for expected_seq, ev in enumerate(events, start=1):
        if ev.seq != expected_seq:
            what = "missing" if ev.seq > expected_seq else "duplicated"
            return Problem(what, f"event {expected_seq} is {what} (found seq {ev.seq} in its place)",
                           expected_seq, ev.id)
        if ev.id <= prev_id:
            return Problem("out_of_order", f"event {ev.seq} is out of order (id {ev.id} after id {prev_id})",
                           ev.seq, ev.id)
        if ev.prev_hash != prev_hash:
            return Problem("unlinked", f"event {ev.seq} does not link to event {ev.seq - 1} (previous hash differs)",
                           ev.seq, ev.id)
        recomputed = link_hash(key, tenant=tenant, seq=ev.seq, ts=ev.ts, actor=ev.actor, event=ev.event,
                               subject=ev.subject, data=ev.data, prev_hash=ev.prev_hash)
        if recomputed != ev.hash:
            return Problem("altered", f"event {ev.seq} was altered (its content does not match its hash)",
                           ev.seq, ev.id)
        prev_hash, prev_id = ev.hash, ev.id
    return None


def check_head(key: bytes, tenant: str, events: Sequence[AuditRecord], head: Head | None, *,
               links_hold: bool) -> list[Problem]:
    """The head matches the end of the chain (when the links hold) and carries this key's signature."""
    n = len(events)
    if head is None:
        return [Problem("no_head", "the chain has events but no head", 1, events[0].id)] if events else []
    problems = []
    if links_hold and head.seq != n:
        problems.append(Problem("truncated", f"the chain ends at event {n} but its head says {head.seq}: "
                                             "events were removed from the end", n + 1))
    elif links_hold and head.hash != (events[-1].hash if events else GENESIS):
        problems.append(Problem("head_differs", f"event {head.seq} differs from the recorded head of the chain",
                                head.seq))
    if not head.mac:
        problems.append(Problem("head_unsigned", f"the head of the chain (event {head.seq}) is not signed: it "
                                                 "did not check out when heads were first signed, or its signature "
                                                 "was removed"))
    elif not hmac.compare_digest(head.mac, head_mac(key, tenant=tenant, seq=head.seq, hash=head.hash)):
        problems.append(Problem("head_forged", f"the head of the chain (event {head.seq}) was rewritten without the "
                                               "key (its signature does not hold): events were removed from the end "
                                               "or the head was moved"))
    return problems


def check_anchor(key: bytes, tenant: str, events: Sequence[AuditRecord], anchor: Anchor) -> list[Problem]:
    """The anchor is this server's, for this tenant, and the chain still holds its event with its hash."""
    if anchor.tenant != tenant:
        return [Problem("anchor_invalid", f"the anchor is for tenant {anchor.tenant!r}, not {tenant!r}")]
    if not hmac.compare_digest(anchor.mac, head_mac(key, tenant=tenant, seq=anchor.seq, hash=anchor.hash)):
        return [Problem("anchor_invalid", "the anchor's signature does not hold: it was edited, or it was taken with "
                                          "another secret")]
    if anchor.seq == 0:
        return [] if anchor.hash == GENESIS else [Problem("anchor_invalid", "the anchor of event 0 is not the genesis")]
    found = next((ev for ev in events if ev.seq == anchor.seq), None)
    if found is None:
        return [Problem("anchor_mismatch", f"the anchor taken at {anchor.at} vouches for event {anchor.seq}, which is "
                                           f"no longer in the chain ({len(events)} events): events were removed",
                        anchor.seq)]
    if found.hash != anchor.hash:
        return [Problem("anchor_mismatch", f"event {anchor.seq} differs from the anchor taken at {anchor.at}: the "
                                           "chain was rewritten up to there", anchor.seq, found.id)]
    return []


def verify_chain(key: bytes, tenant: str, events: Sequence[AuditRecord], head: Head | None, *,
                 anchor: Anchor | None = None, extra: Sequence[Problem] = ()) -> ChainReport:
    """Check every link, the head and its signature, and (if given) an anchor; ``extra`` problems go last."""
    link = check_links(key, tenant, events)
    problems = [link] if link else []
    problems += check_head(key, tenant, events, head, links_hold=link is None)
    if anchor is not None:
        problems += check_anchor(key, tenant, events, anchor)
    return report(len(events), [*problems, *extra])
