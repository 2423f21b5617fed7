"""The e-mail channel against a real SMTP server (aiosmtpd on loopback), on SQLite and PostgreSQL.

Each test speaks real SMTP to an in-process server; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import text

from policies.principal import Principal
from server.app import App
from server.connectors.smtp import SmtpMailer
from tools import email as channel
from tools.errors import InvalidInput
from tools.registry import invoke

OPERATOR = "owner@shop.example"
FRIEND = "friend@allowed.example"
STRANGER = "Stranger@Elsewhere.example"


class Inbox:
    """Collects every message the server accepted; ``refuse`` makes it answer 554 to DATA."""

    def __init__(self) -> None:
        self.received: list[Envelope] = []
        self.refuse = False
        self.connections = 0

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope, hostname: str,
                          responses: list[str]) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return f"554 5.7.1 message to {envelope.rcpt_tos[0]} rejected"
        self.received.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    inbox.connections = 0  # the controller's own readiness probe
    try:
        yield inbox, port
    finally:
        controller.stop()


def _wire(app: App, port: int, **config: Any) -> None:
    deps = app.deps
    deps.config = dataclasses.replace(deps.config, email_from="engine@shop.example", email_internal=(OPERATOR,),
                                      email_allowlist=(FRIEND,), **config)
    deps.mailer = SmtpMailer(host="127.0.0.1", port=port, starttls=False, timeout_s=10)


async def _tenant(app: App) -> None:
    await app.db.transact("demo", lambda tx: tx.tenants.ensure(name="demo", now=app.deps.now()))


def _recipients(inbox: Inbox) -> list[str]:
    return [r for env in inbox.received for r in env.rcpt_tos]


async def test_dry_run_stores_the_rendering_and_opens_no_smtp_connection(app: App, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _wire(app, port)  # the default mode is dry_run
    await _tenant(app)
    done = await channel.send(app.deps, "demo", OPERATOR, "Reorder 40 units", f"Hello {OPERATOR},\nplease reorder.",
                              kind="purchase_order")
    assert (done["status"], done["reason"], done["mode"]) == ("rendered", "dry_run", "dry_run")
    stored = await app.db.query("demo", lambda tx: tx.email.message(done["id"]))
    assert stored is not None and stored["subject"] == "Reorder 40 units"
    assert stored["recipients"] == [channel.address_ref(app.deps, "demo", OPERATOR)]
    assert stored["text_body"] == f"Hello {stored['recipients'][0]},\nplease reorder."
    assert inbox.connections == 0 and inbox.received == []


async def test_internal_only_sends_to_the_operator_and_refuses_anyone_else(app: App, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _wire(app, port, email_mode="internal_only")
    await _tenant(app)
    ok = await channel.send(app.deps, "demo", OPERATOR, "Daily digest", f"for {OPERATOR}", kind="digest")
    refused = await channel.send(app.deps, "demo", [OPERATOR, STRANGER], "Daily digest", "x", kind="digest")
    assert ok["status"] == "sent" and ok["sent_at"] is not None
    assert (refused["status"], refused["reason"]) == ("refused_by_mode", "not_internal")
    assert _recipients(inbox) == [OPERATOR]
    # the address written as a reference in the stored body is the real one on the wire
    body = message_from_bytes(inbox.received[0].original_content or b"").get_payload(decode=True)
    assert f"for {OPERATOR}".encode() in body


async def test_limited_live_sends_to_the_allowlist_only(app: App, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _wire(app, port, email_mode="limited_live", email_daily_cap=10)
    await _tenant(app)
    ok = await channel.send(app.deps, "demo", FRIEND, "PO 12", "order", kind="purchase_order")
    refused = await channel.send(app.deps, "demo", STRANGER, "PO 12", "order", kind="purchase_order")
    assert ok["status"] == "sent"
    assert (refused["status"], refused["reason"]) == ("refused_by_mode", "not_allowlisted")
    assert _recipients(inbox) == [FRIEND]


async def test_live_sends_to_anyone_and_the_tenant_row_overrides_the_setting(app: App,
                                                                             smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _wire(app, port)  # the setting says dry_run; the tenant chooses live
    await _tenant(app)
    principal = Principal.operator("demo", subject="operator:test")
    assert await invoke(app.deps, principal, "email.configure", mode="live") == {"mode": "live", "daily_cap": 50}
    done = await invoke(app.deps, principal, "email.test", address=STRANGER)
    assert done["status"] == "sent"
    assert _recipients(inbox) == [STRANGER.lower()]


async def test_suppressed_addresses_are_never_sent_to(app: App, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _wire(app, port, email_mode="live")
    await _tenant(app)
    principal = Principal.operator("demo", subject="operator:test")
    added = await invoke(app.deps, principal, "email.suppress", address=STRANGER.upper(), reason="unsubscribe")
    assert added["added"] is True and "@" not in added["ref"]
    alone = await channel.send(app.deps, "demo", STRANGER, "News", "x", kind="newsletter")
    assert (alone["status"], alone["reason"]) == ("suppressed", "unsubscribe")
    both = await channel.send(app.deps, "demo", [STRANGER, FRIEND], "News", "x", kind="newsletter")
    assert both["status"] == "sent" and both["recipients"] == [channel.address_ref(app.deps, "demo", FRIEND)]
    assert _recipients(inbox) == [FRIEND]
    assert (await invoke(app.deps, principal, "email.unsuppress", address=STRANGER))["removed"] is True
    again = await channel.send(app.deps, "demo", STRANGER, "News", "x", kind="newsletter")
    assert again["status"] == "sent"


async def test_daily_cap_holds_under_twenty_concurrent_sends(app: App, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _wire(app, port, email_mode="limited_live", email_daily_cap=5)
    await _tenant(app)
    results = await asyncio.wait_for(asyncio.gather(*(
        channel.send(app.deps, "demo", FRIEND, f"PO {i}", "order", kind="purchase_order") for i in range(20))),
        timeout=120)
    statuses = sorted((r["status"], r["reason"]) for r in results)
    assert statuses.count(("sent", "")) == 5
    assert statuses.count(("refused_by_mode", "daily_cap")) == 15
    assert len(inbox.received) == 5
    seen = await invoke(app.deps, Principal.operator("demo", subject="operator:test"), "email.read", limit=50)
    assert seen["cap_used_today"] == 5 and len(seen["messages"]) == 20


async def test_smtp_failure_is_recorded_as_failed_with_the_error_and_the_rendering_kept(
        app: App, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _wire(app, port, email_mode="live")
    await _tenant(app)
    inbox.refuse = True
    failed = await channel.send(app.deps, "demo", STRANGER, "Your order", "It shipped.", kind="order_update")
    assert failed["status"] == "failed" and "554" in failed["error"]
    # the server quoted the address: the stored error names its reference instead
    assert "@" not in failed["error"] and channel.address_ref(app.deps, "demo", STRANGER) in failed["error"]
    stored = await app.db.query("demo", lambda tx: tx.email.message(failed["id"]))
    assert stored is not None and (stored["subject"], stored["text_body"]) == ("Your order", "It shipped.")
    # nobody listening at all: failed too, with the reason
    _wire(app, _free_port(), email_mode="live")
    unreachable = await channel.send(app.deps, "demo", STRANGER, "Your order", "It shipped.", kind="order_update")
    assert unreachable["status"] == "failed" and "connect" in unreachable["error"].lower()


async def test_raw_addresses_never_reach_the_messages_table(app: App, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    _wire(app, port, email_mode="internal_only")
    await _tenant(app)
    inbox.refuse = True
    for to in (OPERATOR, STRANGER, [OPERATOR, FRIEND]):
        await channel.send(app.deps, "demo", to, f"About {STRANGER}", f"Dear {OPERATOR}, see {FRIEND}.",
                           kind="note")
    async with app.db.read("demo") as tx:
        rows = (await tx.conn.execute(text("SELECT * FROM email_messages"))).all()  # type: ignore[attr-defined]
    dump = repr([tuple(r) for r in rows]).lower()
    assert len(rows) == 3
    for address in (OPERATOR, STRANGER, FRIEND):
        assert address.lower() not in dump
    assert "@" not in dump.replace("@shop.example>", "")  # only the Message-ID's domain


async def test_bad_addresses_and_subjects_are_refused_before_anything_is_stored(app: App) -> None:
    await _tenant(app)
    with pytest.raises(InvalidInput) as bad:
        await channel.send(app.deps, "demo", "a@b.example\r\nBcc: x@y.example", "s", "t", kind="note")
    assert bad.value.code == "invalid_address"
    with pytest.raises(InvalidInput) as header:
        await channel.send(app.deps, "demo", OPERATOR, "hi\nBcc: x@y.example", "t", kind="note")
    assert header.value.code == "invalid_subject"
    assert await app.db.query("demo", lambda tx: tx.email.messages(limit=5)) == []


async def test_attachments_travel_as_mime_parts_and_are_kept_with_the_message(app: App,
                                                                              smtp: tuple[Inbox, int]) -> None:
    from email import policy

    from tools.repos import Attachment

    inbox, port = smtp
    _wire(app, port, email_mode="internal_only")
    await _tenant(app)
    sheet = Attachment("counts.csv", "text/csv", b"sku,qty\r\nA-1,3\r\n")
    done = await channel.send(app.deps, "demo", OPERATOR, "Counts", "attached", kind="report", attachments=[sheet],
                              dedupe_key="report:1")
    assert done["status"] == "sent" and done["dedupe_key"] == "report:1"
    got = message_from_bytes(inbox.received[0].original_content or b"", policy=policy.default)
    parts = {p.get_filename(): p.get_payload(decode=True) for p in got.walk() if p.get_filename()}
    assert parts == {"counts.csv": sheet.content}
    assert await app.db.query("demo", lambda tx: tx.email.attachments(done["id"])) == [sheet]
    with pytest.raises(InvalidInput) as bad:
        await channel.send(app.deps, "demo", OPERATOR, "Counts", "x", kind="report",
                           attachments=[Attachment("../etc/passwd", "text/plain", b"")])
    assert bad.value.code == "invalid_attachment"
