"""Notifications: each event told once (a dedupe key per event), to a webhook receiver despite its failures,
by e-mail in the channel's mode, held in quiet hours until the daily digest, which arrives at the store's own
local time; alerts for unusual volume and repeated failures; MCP listeners hear of each."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from policies.principal import Principal
from server.app import App
from server.connectors.webhooks import HttpWebhookSender
from tests.conftest import Clock
from tests.ops_store import clock_of, ops_app, ops_template  # noqa: F401  (fixtures)
from tests.test_webhooks import Receiver, receiver, sender  # noqa: F401  (fixtures)
from tools.audit import AuditEntry, record_many
from tools.deps import Tx
from tools.killswitch import set_kill_switch
from tools.notify import Event, configure, notify
from tools.notify_scan import notify_pass
from tools.registry import invoke
from tools.webhooks import deliver_due

OP = Principal.operator("demo", subject="operator:test")
# 2 November 2026: New York is on standard time (UTC-5) since the day before
MORNING_UTC = datetime(2026, 11, 2, 12, 30, tzinfo=timezone.utc)
#: before the digest hour (08:00) of a store on UTC, the default
EARLY_UTC = datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc)


def _clock(app: App, at: datetime) -> Clock:
    c = Clock(at)
    app.deps.clock = c
    return c


async def _told(app: App, kind: str | None = None) -> list[Any]:
    return await app.deps.db.query("demo", lambda tx: tx.notifications.recent(limit=500, kind=kind))


async def _emails(app: App) -> list[dict[str, Any]]:
    return await app.deps.db.query("demo", lambda tx: tx.email.messages(limit=100))


async def test_each_notification_reaches_the_webhook_receiver_exactly_once_despite_failures(
        app: App, receiver: tuple[Receiver, str], sender: HttpWebhookSender) -> None:
    r, url = receiver
    clock = _clock(app, EARLY_UTC)
    await invoke(app.deps, OP, "webhooks.add", url=url, topics=["notify.*"])
    r.script = [500, 503, 500]  # the receiver fails the first three POSTs

    await set_kill_switch(app.deps, OP, engaged=True, reason="drill")
    await set_kill_switch(app.deps, OP, engaged=False, reason="drill over")
    event = Event("run_failed", "run:42", "The content run #42 failed", "TimeoutError", "warning", {"run_id": 42})
    assert await notify(app.deps, "demo", event) is not None
    assert await notify(app.deps, "demo", event) is None  # the same event again: told once
    await notify_pass(app.deps, "demo")
    await notify_pass(app.deps, "demo")  # a second pass (or a second worker) finds nothing new to tell
    told = await _told(app)
    assert sorted(n.kind for n in told) == ["kill_switch", "kill_switch", "run_failed"]

    for _ in range(10):  # the worker's passes, the backoff elapsing between them
        await deliver_due(app.deps, "demo", sender=sender)
        clock.advance(hours=1)
    ok = [(json.loads(body), headers) for (body, headers), status in zip(r.got, [500, 503, 500] + [200] * 99)
          if status == 200]
    assert len(r.got) == len(told) + 3
    delivered = [body["data"]["subject"] for body, _ in ok]
    assert sorted(delivered) == sorted(f"notification:{n.id}" for n in told)  # each exactly once
    assert all(h["webhook-signature"].startswith("v1,") for _, h in ok)
    assert {body["type"] for body, _ in ok} == {"notify.kill_switch", "notify.run_failed"}


async def test_the_digest_arrives_at_the_stores_local_time_once_a_day(app: App) -> None:
    clock = _clock(app, MORNING_UTC)  # 07:30 in New York
    await configure(app.deps, OP, timezone="America/New_York", digest_hour=8, email="owner@example.com")
    await notify_pass(app.deps, "demo")
    assert await _told(app, "digest") == []  # 12:30 UTC is past 8 in London, not yet 8 in New York

    clock.advance(minutes=35)  # 08:05 in New York
    await notify_pass(app.deps, "demo")
    (digest,) = await _told(app, "digest")
    assert digest.dedupe_key == "digest:2026-11-02" and "America/New_York" in digest.body
    assert digest.channels["email"] == "rendered"  # the e-mail channel's default mode renders, never sends
    assert [m["subject"] for m in await _emails(app)] == ["[info] Daily digest — 02 Nov 2026"]

    clock.advance(hours=6)
    await notify_pass(app.deps, "demo")
    assert len(await _told(app, "digest")) == 1
    clock.advance(hours=18)  # the next morning, 08:05 in New York
    await notify_pass(app.deps, "demo")
    assert [n.dedupe_key for n in await _told(app, "digest")] == ["digest:2026-11-03", "digest:2026-11-02"]


async def test_quiet_hours_hold_emails_for_the_digest_but_never_a_critical_one(app: App) -> None:
    clock = _clock(app, datetime(2026, 11, 2, 4, 0, tzinfo=timezone.utc))  # 23:00 in New York
    await configure(app.deps, OP, timezone="America/New_York", quiet_hours="22:00-07:00", digest_hour=8,
                    email="owner@example.com")
    quiet = await notify(app.deps, "demo", Event("delivery_failed", "d:1", "Delivery failed: action:3", "",
                                                 "warning"))
    loud = await notify(app.deps, "demo", Event("alert_executor_failures", "x:1", "5 executions failed", "",
                                                "critical"))
    assert quiet is not None and loud is not None
    by_key = {n.dedupe_key: n for n in await _told(app)}
    assert by_key["d:1"].channels["email"] == "held:quiet_hours" and by_key["x:1"].channels["email"] == "rendered"

    clock.advance(hours=9, minutes=5)  # 08:05 in New York
    await notify_pass(app.deps, "demo")
    (digest,) = await _told(app, "digest")
    assert "Held during quiet hours (1)" in digest.body and "Delivery failed: action:3" in digest.body


async def test_unusual_volume_and_repeated_failures_raise_one_alert_each(app: App) -> None:
    _clock(app, EARLY_UTC)
    heard: list[tuple[str, str]] = []

    async def listener(tenant: str, kind: str) -> None:
        heard.append((tenant, kind))

    app.deps.notices.append(listener)

    async def burst(tx: Tx) -> None:
        await tx.tenants.ensure(name="demo", now=app.deps.now())
        await record_many(tx, app.deps, [AuditEntry("agent:content", "action.proposed", f"action:{i}", {})
                                         for i in range(1, 16)]
                          + [AuditEntry("executor:local", "action.failed", f"action:{i}", {"code": "gone"})
                             for i in range(1, 4)])

    await app.deps.db.transact("demo", burst)
    await notify_pass(app.deps, "demo")
    await notify_pass(app.deps, "demo")
    kinds = sorted(n.kind for n in await _told(app))
    assert kinds == ["alert_executor_failures", "alert_volume", "execution_failed", "execution_failed",
                     "execution_failed"]
    assert sorted(heard) == sorted(("demo", k) for k in kinds)  # MCP listeners hear each, tenant-scoped


async def test_stale_data_is_told_once_per_source(ops_app: App) -> None:
    clock_of(ops_app).advance(days=10)
    await notify_pass(ops_app.deps, "demo")
    await notify_pass(ops_app.deps, "demo")
    stale = await _told(ops_app, "stale_data")
    assert sorted(n.data["source"] for n in stale) == ["ga4", "gsc", "shopify-orders", "shopify-products"]
    gsc = next(n for n in stale if n.data["source"] == "gsc")
    assert "content propose nothing" in gsc.body
