"""The e-mail channel: every message rendered, stored and decided on by the tenant's send mode.

Send modes: ``dry_run`` (rendered and stored, never sent: the default), ``internal_only``
(only to the operator's own addresses), ``limited_live`` (an allowlist and a daily cap per
tenant) and ``live``. The mode is a per-tenant row (``growth email mode``) falling back to the
``GROWTH_EMAIL_MODE`` setting, so one process can serve a store that is live beside one that
is still rehearsing, and the switch to live is a decision on record (audited), not a restart.

Recipient addresses are PII: they are vaulted (``tools.pii``) and the messages table holds
references only (an address written in the subject or body is stored as its reference too);
the raw address is read back from the vault in ``deliver``, just before the SMTP conversation.
The suppression list (bounce, unsubscribe, manual) is checked in the same transaction that
records the message. The daily cap of ``limited_live`` is counted and reserved with
``tx.ratelimits.bump`` in that transaction too, so concurrent sends can never pass it.

``send`` decides and records, then ``deliver`` sends a message that was reserved (status
``sending``); a failure is recorded as ``failed`` with the server's answer, the rendering kept.
Attachments (a purchase order's CSV and PDF) are stored with the message and sent with it.

The kill switch holds mail too: while it is engaged ``send`` stores the rendering as ``held``
(reason ``kill_switch``) and sends nothing; it is not sent later on its own (a delivery that wanted
it stays pending and sends a fresh message once the switch is released). ``deliver`` checks the
switch again just before the SMTP conversation, so a message reserved a moment before the switch
was engaged is held as well.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, time, timezone
from email.utils import make_msgid
from typing import Any, cast

from policies import email_modes
from policies.email_modes import MODES, SUPPRESSION_REASONS, Mode
from policies.pii import reference, tenant_key
from policies.pii.detect import Entity
from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.execution import kill_state
from tools.repos import Attachment, MailerError, OutgoingMail
from tools.errors import InvalidInput, NotFound
from tools.registry import operation

#: a deliverable address with nothing a header could be smuggled in with (no spaces, newlines, commas, brackets)
ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$")
CAP_KEY = "email.daily"
MAX_RECIPIENTS = 50
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def normalize(address: str) -> str:
    """The address as the channel keeps it (lower case, as its reference does), or InvalidInput."""
    value = address.strip().lower()
    if len(value) > 254 or not ADDRESS.match(value):
        raise InvalidInput("not an e-mail address the channel can send to", code="invalid_address")
    return value


def address_ref(deps: Deps, tenant: str, address: str) -> str:
    return reference(Entity.EMAIL, normalize(address), tenant_key(deps.config.secret, tenant))


#: an address written anywhere in a subject, body or server answer (vaulted, stored as its reference)
IN_TEXT = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
#: a reference to a vaulted address, as ``_seal`` writes it
REF_IN_TEXT = re.compile(r"\bem_[a-z0-9]{8,32}\b")


def _seal(text: str, key: bytes, found: dict[str, str]) -> str:
    """``text`` with every address in it written as its reference; ``found`` collects ``{ref: address}``."""
    def swap(m: re.Match[str]) -> str:
        ref = reference(Entity.EMAIL, m.group(0), key)
        found.setdefault(ref, m.group(0).lower())
        return ref

    return IN_TEXT.sub(swap, text)


def _unseal(text: str, raws: dict[str, str]) -> str:
    return REF_IN_TEXT.sub(lambda m: raws.get(m.group(0), m.group(0)), text)


def _day(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(timezone.utc).date(), time(), tzinfo=timezone.utc)


def _view(msg: dict[str, Any]) -> dict[str, Any]:
    return {k: msg.get(k) for k in ("id", "kind", "mode", "recipients", "subject", "status", "reason", "error",
                                    "message_id", "created_at", "sent_at", "dedupe_key")}


async def channel(tx: Tx, deps: Deps) -> tuple[Mode, int]:
    """The tenant's mode and daily cap (its own row, else the settings' defaults)."""
    row = await tx.email.channel()
    if row is not None:
        return cast(Mode, row["mode"]), int(row["daily_cap"])
    return cast(Mode, deps.config.email_mode), deps.config.email_daily_cap


def _attachments(files: Sequence[Attachment]) -> tuple[Attachment, ...]:
    for a in files:
        if not a.filename.strip() or any(c in a.filename for c in "\r\n/\\"):
            raise InvalidInput(f"an attachment's file name must be one plain name, not {a.filename!r}",
                               code="invalid_attachment")
        if "/" not in a.content_type or len(a.content) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(f"attachment {a.filename}: a type/subtype and at most {MAX_ATTACHMENT_BYTES} bytes",
                               code="invalid_attachment")
    return tuple(files)


async def send(deps: Deps, tenant: str, to: str | Sequence[str], subject: str, text: str, *, kind: str,
               by: str = "system:email", attachments: Sequence[Attachment] = (),
               dedupe_key: str = "") -> dict[str, Any]:
    """Render, store and (as the tenant's mode allows) send one plain-text message with its attachments.

    Returns the stored message (recipients as references) with its status: rendered (dry_run),
    suppressed, refused_by_mode (reason: not_internal, not_allowlisted, daily_cap), held (reason:
    kill_switch), sent or failed. ``dedupe_key`` is stored with it, for a caller to find it again.
    """
    files = _attachments(attachments)
    addresses = list(dict.fromkeys(normalize(a) for a in ([to] if isinstance(to, str) else to)))
    if not addresses or len(addresses) > MAX_RECIPIENTS:
        raise InvalidInput(f"a message needs 1 to {MAX_RECIPIENTS} recipients", code="invalid_recipients")
    if "\r" in subject or "\n" in subject or not subject.strip():
        raise InvalidInput("a subject is one non-empty line", code="invalid_subject")
    key = tenant_key(deps.config.secret, tenant)
    refs = {a: reference(Entity.EMAIL, a, key) for a in addresses}
    internal = frozenset(reference(Entity.EMAIL, normalize(a), key) for a in deps.config.email_internal)
    allowlist = frozenset(reference(Entity.EMAIL, normalize(a), key) for a in deps.config.email_allowlist)
    domain = deps.config.email_from.rpartition("@")[2] or "localhost"

    mentioned: dict[str, str] = {}
    sealed_subject, sealed_text = _seal(subject, key, mentioned), _seal(text, key, mentioned)
    to_vault = {**mentioned, **{ref: address for address, ref in refs.items()}}

    async def decide(tx: Tx) -> tuple[int, str]:
        now = deps.now()
        await tx.tenants.ensure(name=tenant, now=now)
        for ref, address in to_vault.items():
            await tx.pii.store(ref=ref, entity=Entity.EMAIL.value, value=address, now=now)
        mode, cap = await channel(tx, deps)
        suppressed = await tx.email.suppressed(list(refs.values()))
        # suppressed addresses drop out; the others still get the message
        wanted = [r for r in refs.values() if r not in suppressed]
        status, reason = "sending", ""
        if (await kill_state(tx, deps)).engaged:
            status, reason = "held", "kill_switch"
        elif not wanted:
            status, reason = "suppressed", sorted(set(suppressed.values()))[0]
        else:
            verdict = email_modes.gate(mode, frozenset(wanted), internal=internal, allowlist=allowlist)
            if verdict.code == "dry_run":
                status, reason = "rendered", "dry_run"
            elif not verdict.allowed:
                status, reason = "refused_by_mode", verdict.code
            elif mode == "limited_live":
                window = _day(now)
                if await tx.ratelimits.bump(CAP_KEY, window, by=len(wanted)) > cap:
                    await tx.ratelimits.unbump(CAP_KEY, window, by=len(wanted))
                    status, reason = "refused_by_mode", "daily_cap"
        message_id = await tx.email.add_message(
            kind=kind, mode=mode, recipients=wanted or list(refs.values()), subject=sealed_subject,
            text_body=sealed_text, status=status, reason=reason, message_id=make_msgid(domain=domain),
            by=by, now=now, dedupe_key=dedupe_key, attachments=files)
        await record(tx, deps, actor=by, event=f"email.{status}", subject=f"email:{message_id}",
                     data={"kind": kind, "mode": mode, "reason": reason, "recipients": wanted,
                           "suppressed": sorted(suppressed), "attachments": [a.filename for a in files]})
        return message_id, status

    message_id, status = await deps.db.transact(tenant, decide)
    if status == "sending":
        return await deliver(deps, tenant, message_id)
    found = await deps.db.query(tenant, lambda tx: tx.email.message(message_id))
    assert found is not None
    return _view(found)


async def deliver(deps: Deps, tenant: str, message_id: int) -> dict[str, Any]:
    """Send a reserved (``sending``) message: the addresses are read from the vault only now."""

    async def load(tx: Tx) -> tuple[dict[str, Any] | None, dict[str, str], list[Attachment], bool]:
        msg = await tx.email.message(message_id)
        files = await tx.email.attachments(message_id) if msg is not None else []
        killed = (await kill_state(tx, deps)).engaged
        raws: dict[str, str] = {}
        wanted = set((msg or {}).get("recipients", []))
        if msg is not None:
            wanted.update(REF_IN_TEXT.findall(msg["subject"] + "\n" + msg["text_body"]))
        for ref in sorted(wanted):
            found = await tx.pii.reveal(ref)
            if found is not None:
                raws[ref] = found[1]
        return msg, raws, files, killed

    msg, raws, files, killed = await deps.db.query(tenant, load)
    if msg is None:
        raise NotFound(f"no e-mail message {message_id}")
    if msg["status"] != "sending":
        return _view(msg)
    if killed:
        return await _hold(deps, tenant, message_id)
    error = ""
    if deps.mailer is None:
        error = "no mailer: this process has no SMTP transport"
    elif any(r not in raws for r in msg["recipients"]):
        error = "a recipient's address is no longer in the vault"
    else:
        mail = OutgoingMail(sender=deps.config.email_from, recipients=tuple(raws[r] for r in msg["recipients"]),
                            subject=_unseal(msg["subject"], raws), text=_unseal(msg["text_body"], raws),
                            message_id=msg["message_id"], attachments=tuple(files))
        try:
            await deps.mailer.send(mail)
        except MailerError as exc:
            # the server's answer may quote an address: stored as its reference, like the rendering
            error = _seal(str(exc), tenant_key(deps.config.secret, tenant), {}) or type(exc).__name__

    async def finish(tx: Tx) -> dict[str, Any]:
        now = deps.now()
        status = "failed" if error else "sent"
        await tx.email.finish(message_id, from_status="sending", status=status, error=error,
                              sent_at=None if error else now)
        await record(tx, deps, actor="system:email", event=f"email.{status}", subject=f"email:{message_id}",
                     data={"kind": msg["kind"], "mode": msg["mode"], "error": error})
        done = await tx.email.message(message_id)
        assert done is not None
        return _view(done)

    return await deps.db.transact(tenant, finish)


async def _hold(deps: Deps, tenant: str, message_id: int) -> dict[str, Any]:
    async def txn(tx: Tx) -> dict[str, Any]:
        await tx.email.finish(message_id, from_status="sending", status="held", error="kill switch engaged")
        await record(tx, deps, actor="system:email", event="email.held", subject=f"email:{message_id}",
                     data={"reason": "kill_switch"})
        done = await tx.email.message(message_id)
        assert done is not None
        return _view(done)

    return await deps.db.transact(tenant, txn)


# --- operations (CLI and MCP, through the ABAC gate) ---------------------------------------------

@operation("email.test")
async def test(deps: Deps, principal: Principal, *, address: str) -> dict[str, Any]:
    """Send a short test message to ``address`` through the tenant's send mode."""
    return await send(deps, principal.tenant, address, "Growth Engine test message",
                      "This is a test message from Growth Engine's e-mail channel.\n"
                      "If you can read it, the SMTP settings work.\n", kind="email.test", by=principal.subject)


@operation("email.suppress")
async def suppress(deps: Deps, principal: Principal, *, address: str, reason: str,
                   note: str = "") -> dict[str, Any]:
    """Put an address on the tenant's suppression list: nothing is sent to it until it is taken off."""
    if reason not in SUPPRESSION_REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(SUPPRESSION_REASONS)}", code="invalid_reason")
    value = normalize(address)
    ref = address_ref(deps, principal.tenant, value)

    async def txn(tx: Tx) -> bool:
        now = deps.now()
        await tx.tenants.ensure(name=principal.tenant, now=now)
        await tx.pii.store(ref=ref, entity=Entity.EMAIL.value, value=value, now=now)
        added = await tx.email.suppress(ref, reason=reason, note=note, by=principal.subject, now=now)
        if added:
            await record(tx, deps, actor=principal.subject, event="email.suppressed_address", subject=ref,
                         data={"reason": reason})
        return added

    added = await deps.db.transact(principal.tenant, txn)
    return {"ref": ref, "reason": reason, "added": added}


@operation("email.unsuppress")
async def unsuppress(deps: Deps, principal: Principal, *, address: str) -> dict[str, Any]:
    """Take an address off the suppression list."""
    ref = address_ref(deps, principal.tenant, address)

    async def txn(tx: Tx) -> bool:
        removed = await tx.email.unsuppress(ref)
        if removed:
            await record(tx, deps, actor=principal.subject, event="email.unsuppressed_address", subject=ref)
        return removed

    return {"ref": ref, "removed": await deps.db.transact(principal.tenant, txn)}


@operation("email.configure")
async def set_mode(deps: Deps, principal: Principal, *, mode: str, daily_cap: int | None = None) -> dict[str, Any]:
    """Choose the tenant's send mode (and limited_live's daily cap)."""
    if mode not in MODES:
        raise InvalidInput(f"mode must be one of {', '.join(MODES)}", code="invalid_mode")
    if daily_cap is not None and daily_cap < 0:
        raise InvalidInput("the daily cap is a count, 0 or more", code="invalid_cap")

    async def txn(tx: Tx) -> dict[str, Any]:
        await tx.tenants.ensure(name=principal.tenant, now=deps.now())
        _, cap = await channel(tx, deps)
        cap = cap if daily_cap is None else daily_cap
        await tx.email.set_channel(mode=mode, daily_cap=cap, by=principal.subject, now=deps.now())
        await record(tx, deps, actor=principal.subject, event="email.mode_set", subject=mode,
                     data={"mode": mode, "daily_cap": cap})
        return {"mode": mode, "daily_cap": cap}

    return await deps.db.transact(principal.tenant, txn)


@operation("email.read")
async def log(deps: Deps, principal: Principal, *, limit: int = 20) -> dict[str, Any]:
    """The tenant's mode, today's sends against the cap, and the latest messages (references, never addresses)."""
    limit = max(1, min(limit, 500))

    async def txn(tx: Tx) -> dict[str, Any]:
        mode, cap = await channel(tx, deps)
        used = await tx.ratelimits.used(CAP_KEY, _day(deps.now()))
        return {"mode": mode, "daily_cap": cap, "cap_used_today": used,
                "messages": [_view(m) for m in await tx.email.messages(limit=limit)],
                "suppressions": await tx.email.suppressions(limit=limit)}

    return await deps.db.query(principal.tenant, txn)
