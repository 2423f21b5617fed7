"""Telling the operator: each event once, by webhook (signed, retried), by e-mail and to MCP listeners.

``notify`` records a notification under its dedupe key (unique per tenant: the same event told twice
is told once) and, in the same transaction, the audit event ``notify.<kind>``; the audit log queues
one signed webhook delivery per endpoint subscribed to it (``growth webhooks add URL --topic 'notify.*'``),
which the worker sends with retries and backoff (``tools.webhooks``), each under one ``webhook-id``.
After the commit the e-mail goes through the e-mail channel in its mode (dry_run renders only) to the
address the operator set (``growth notify set --email``), except in quiet hours, when anything short of
critical waits for the next daily digest; MCP clients listening hear ``growth://notifications`` change.

The store's local time (``--timezone``) places quiet hours and the daily digest (``tools.notify_scan``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from policies.pii.detect import Entity
from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import InvalidInput
from tools.ops_types import NotificationRecord
from tools.registry import enforce

SEVERITIES = ("info", "warning", "critical")
#: the settings ``growth notify set`` changes, and their defaults
DEFAULTS: dict[str, Any] = {"timezone": "UTC", "quiet_hours": None, "digest_hour": 8, "notify_email": None}


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    #: the event's identity: telling the same key again does nothing
    key: str
    title: str
    body: str = ""
    severity: str = "info"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NotifySettings:
    timezone: str
    #: (start, end) local times; the quiet window may cross midnight
    quiet: tuple[time, time] | None
    digest_hour: int
    #: the operator's address as its PII reference (the address itself is in the vault)
    email_ref: str | None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.zone)

    def quiet_at(self, now: datetime) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        t = self.local(now).time()
        return start <= t < end if start <= end else (t >= start or t < end)


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown timezone {name!r} (an IANA name such as Europe/Berlin or America/New_York)",
                           code="invalid_timezone") from None
    return name


def parse_quiet(value: str) -> tuple[time, time]:
    """``22:00-07:00`` → (22:00, 07:00)."""
    try:
        start, end = (time.fromisoformat(p.strip()) for p in value.split("-", 1))
    except ValueError:
        raise InvalidInput(f"quiet hours are HH:MM-HH:MM in the store's time, e.g. 22:00-07:00 (got {value!r})",
                           code="invalid_quiet_hours") from None
    if start == end:
        raise InvalidInput("quiet hours start and end at the same time", code="invalid_quiet_hours")
    return start, end


async def load_settings(tx: Tx) -> NotifySettings:
    raw = {**DEFAULTS, **await tx.settings.all()}
    quiet = parse_quiet(raw["quiet_hours"]) if raw["quiet_hours"] else None
    return NotifySettings(str(raw["timezone"]), quiet, int(raw["digest_hour"]), raw["notify_email"])


async def configure(deps: Deps, principal: Principal, *, timezone: str | None = None, quiet_hours: str | None = None,
                    digest_hour: int | None = None, email: str | None = None) -> dict[str, Any]:
    """Set the store's timezone, quiet hours (``off`` clears them), digest hour and notification address."""
    from tools.email import address_ref, normalize

    await enforce(deps, principal, "operations.configure", principal.tenant)
    changes: dict[str, Any] = {}
    if timezone is not None:
        changes["timezone"] = _zone(timezone.strip())
    if quiet_hours is not None:
        changes["quiet_hours"] = None if quiet_hours.strip().lower() in ("", "off", "none") else (
            "-".join(t.strftime("%H:%M") for t in parse_quiet(quiet_hours)))
    if digest_hour is not None:
        if not 0 <= digest_hour <= 23:
            raise InvalidInput("the digest hour is 0-23, in the store's time", code="invalid_digest_hour")
        changes["digest_hour"] = digest_hour
    address = None
    if email is not None:
        address = None if email.strip().lower() in ("", "off", "none") else normalize(email)
        changes["notify_email"] = address_ref(deps, principal.tenant, address) if address else None

    async def txn(tx: Tx) -> dict[str, Any]:
        now = deps.now()
        await tx.tenants.ensure(name=principal.tenant, now=now)
        if address is not None:
            await tx.pii.store(ref=changes["notify_email"], entity=Entity.EMAIL.value, value=address, now=now)
        for key, value in changes.items():
            await tx.settings.set(key, value, now=now)
        if changes:
            await record(tx, deps, actor=principal.subject, event="notify.settings_changed",
                         subject=f"tenant:{principal.tenant}", data=changes)
        return settings_view(await load_settings(tx))

    return await deps.db.transact(principal.tenant, txn)


def settings_view(s: NotifySettings) -> dict[str, Any]:
    return {"timezone": s.timezone, "quiet_hours": "-".join(t.strftime("%H:%M") for t in s.quiet) if s.quiet else None,
            "digest_hour": s.digest_hour, "email": s.email_ref}


async def notify(deps: Deps, tenant: str, event: Event) -> NotificationRecord | None:
    """Tell ``event`` once: the new notification, or None when its key was told before."""
    if event.severity not in SEVERITIES:
        raise ValueError(f"severity {event.severity!r} is not one of {SEVERITIES}")

    async def txn(tx: Tx) -> tuple[NotificationRecord | None, NotifySettings]:
        now = deps.now()
        await tx.tenants.ensure(name=tenant, now=now)
        settings = await load_settings(tx)
        added = await tx.notifications.add(dedupe_key=event.key, kind=event.kind, severity=event.severity,
                                           title=event.title, body=event.body, data=event.data, now=now)
        if added is None:
            return None, settings
        quiet = settings.quiet_at(now) and event.severity != "critical"
        # the audit event is what subscribed webhooks receive, queued in this very transaction
        await record(tx, deps, actor="system:notify", event=f"notify.{event.kind}", subject=f"notification:{added.id}",
                     data={"key": event.key, "title": event.title, "body": event.body, "severity": event.severity,
                           "quiet_hours": quiet, **event.data})
        return added, settings

    added, settings = await deps.db.transact(tenant, txn)
    if added is None:
        return None
    channels: dict[str, Any] = {"webhook": "queued"}
    channels["email"] = await _email(deps, tenant, added, settings)
    await deps.db.transact(tenant, lambda tx: tx.notifications.set_channels(added.id, channels))
    for listener in deps.notices:
        await listener(tenant, added.kind)
    return added


async def _email(deps: Deps, tenant: str, n: NotificationRecord, settings: NotifySettings) -> str:
    if settings.email_ref is None:
        return "no_address"
    if n.kind != "digest" and settings.quiet_at(deps.now()) and n.severity != "critical":
        return "held:quiet_hours"
    from tools.email import send

    found = await deps.db.query(tenant, lambda tx: tx.pii.reveal(settings.email_ref or ""))
    if found is None:
        return "no_address"
    sent = await send(deps, tenant, found[1], f"[{n.severity}] {n.title}"[:200], n.body or n.title,
                      kind=f"notify.{n.kind}", by="system:notify", dedupe_key=f"notify:{n.dedupe_key}")
    return str(sent.get("status"))


def notification_view(n: NotificationRecord) -> dict[str, Any]:
    return {"id": n.id, "kind": n.kind, "severity": n.severity, "title": n.title, "body": n.body, "key": n.dedupe_key,
            "channels": n.channels, "created_at": n.created_at, "data": n.data}


async def list_notifications(deps: Deps, principal: Principal, *, limit: int = 50) -> list[dict[str, Any]]:
    await enforce(deps, principal, "audit.read", principal.tenant)
    rows = await deps.db.query(principal.tenant, lambda tx: tx.notifications.recent(limit=max(1, min(limit, 500))))
    return [notification_view(n) for n in rows]
