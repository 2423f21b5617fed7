"""Purchase orders and work for people reach the outside world through the delivery rows, on both backends.

A reorder's purchase order (CSV and PDF attached) goes to its vendor over a real SMTP conversation
(aiosmtpd on loopback); a repair task goes to the operator by e-mail and as a signed ``task.created``
webhook (checked by the independent ``standardwebhooks`` package). No Shopify connection is needed for
either. Exactly once rests on the stored message: a crash after sending and before recording sends
nothing more; a crash in the middle of the SMTP conversation is never re-sent blindly.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json
from email import message_from_bytes, policy
from email.message import Message
from decimal import Decimal
from typing import Any

import pytest

from policies.principal import Principal
from server.app import App
from server.connectors.shopify_live import ShopifyLiveStores
from server.connectors.smtp import SmtpMailer
from server.connectors.webhooks import HttpWebhookSender
from tests.conftest import Clock
from tests.factories import seed_store
from tests.live_store import OP, approve, live_store
from tests.server.test_mcp_results import connected
from tests.test_email import Inbox, smtp  # noqa: F401  (the SMTP server fixture)
from tests.test_webhooks import Receiver, receiver, sender, verify  # noqa: F401  (the webhook receiver)
from tools import email as channel
from tools.actions import get_action
from tools.registry import invoke
from tools.repos import OutgoingMail
from tools.rollback import rollback
from tools.store_delivery import LEASE, DeliveryReport, deliver_pending
from tools.webhooks import deliver_due

INVENTORY = Principal.for_agent("demo", "inventory")
ANALYTICS = Principal.for_agent("demo", "analytics")
OPERATOR = "owner@shop.example"
VENDOR = "orders@atelier-nord.example"


class Crash(Exception):
    """The worker dies here."""


@pytest.fixture
async def shop(app: App, clock: Clock, smtp: tuple[Inbox, int]) -> tuple[App, Inbox]:  # noqa: F811
    inbox, port = smtp
    app.deps.config = dataclasses.replace(app.deps.config, email_from="engine@shop.example",
                                          email_internal=(OPERATOR,), email_mode="live")
    app.deps.mailer = SmtpMailer(host="127.0.0.1", port=port, starttls=False, timeout_s=10)
    await seed_store(app)
    return app, inbox


async def deliver(app: App) -> DeliveryReport:
    # no Shopify connection: e-mail and task deliveries go all the same
    return await deliver_pending(app.deps, "demo", stores=ShopifyLiveStores(api_version="2025-10"))


async def delivery(app: App, action_id: int) -> dict[str, Any]:
    return dict((await get_action(app.deps, OP, action_id=action_id))["delivery"])


def parsed(inbox: Inbox, i: int = -1) -> Message:
    return message_from_bytes(inbox.received[i].original_content or b"", policy=policy.default)


def files(msg: Message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_payload(decode=True) for part in msg.walk() if part.get_filename()}


async def test_an_executed_reorder_emails_its_purchase_order_with_csv_and_pdf_to_the_vendor_once(
        shop: tuple[App, Inbox]) -> None:
    app, inbox = shop
    await invoke(app.deps, OP, "vendors.set_address", vendor="atelier nord", address=VENDOR)
    reorder = await approve(app, "inventory.reorder", INVENTORY)
    number = f"PO-{reorder:06d}"
    assert (await delivery(app, reorder))["state"] == "not_delivered"  # executed in the engine only

    report = await deliver(app)
    assert [o.status for o in report.outcomes] == ["delivered"]
    assert [env.rcpt_tos for env in inbox.received] == [[VENDOR]]
    msg = parsed(inbox)
    assert number in msg["Subject"]
    docs = files(msg)
    assert sorted(docs) == [f"{number}.csv", f"{number}.pdf"]
    rows = list(csv.DictReader(io.StringIO(docs[f"{number}.csv"].decode())))
    assert rows[0]["sku"] == "LIN-TOT-01" and rows[0]["vendor"] == "Atelier Nord"
    assert (rows[0]["quantity"], rows[0]["unit_cost"], rows[0]["line_total"]) == ("120", "9.50", "1140.00")
    assert rows[-1]["description"] == "TOTAL" and rows[-1]["line_total"] == "1140.00"
    assert docs[f"{number}.pdf"].startswith(b"%PDF-") and number.encode() in docs[f"{number}.pdf"]

    shown = await delivery(app, reorder)
    assert shown["state"] == "delivered" and shown["channel"] == "email"
    assert f"purchase order {number} was delivered to vendor “Atelier Nord” by e-mail" in shown["summary"]
    sent_id = shown["deliveries"][0]["remote_ids"]["email_message"]
    stored = await app.db.query("demo", lambda tx: tx.email.attachments(sent_id))
    assert {a.filename: a.content for a in stored} == docs  # kept as sent
    po = await invoke(app.deps, OP, "purchase_orders.read", ref=number)
    assert po["total"] == "1140.00" and [m["status"] for m in po["messages"]] == ["sent"]

    assert (await deliver(app)).outcomes == [] and len(inbox.received) == 1


async def test_a_vendor_without_an_address_fails_clearly_and_a_retry_after_setting_one_delivers(
        shop: tuple[App, Inbox]) -> None:
    app, inbox = shop
    reorder = await approve(app, "inventory.reorder", INVENTORY)
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivery_failed"]
    shown = await delivery(app, reorder)
    failed = shown["deliveries"][0]
    assert shown["state"] == "delivery_failed" and failed["error_code"] == "no_vendor_address"
    assert "vendor “Atelier Nord”" in failed["reason"] and "growth vendors set" in failed["reason"]
    assert shown["retry"] == f"fix the cause, then growth deliveries retry {failed['id']}"
    assert inbox.received == []
    stopped = await invoke(app.deps, OP, "deliveries.list", state="delivery_failed")
    assert [d["id"] for d in stopped] == [failed["id"]]

    await invoke(app.deps, OP, "vendors.set_address", vendor="Atelier Nord", address=VENDOR)
    reopened = await invoke(app.deps, OP, "deliveries.retry", delivery_id=failed["id"])
    assert reopened["state"] == "pending"
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivered"]
    assert [env.rcpt_tos for env in inbox.received] == [[VENDOR]]
    with pytest.raises(Exception) as refused:
        await invoke(app.deps, OP, "deliveries.retry", delivery_id=failed["id"])
    assert getattr(refused.value, "code", "") == "not_retryable"


async def test_a_repair_task_reaches_the_operator_by_email_and_a_signed_task_created_webhook(
        shop: tuple[App, Inbox], receiver: tuple[Receiver, str], sender: HttpWebhookSender) -> None:  # noqa: F811
    app, inbox = shop
    r, url = receiver
    hook = await invoke(app.deps, OP, "webhooks.add", url=url, topics=["task.*"])
    repair = await approve(app, "perf.repair_page", ANALYTICS)

    assert [o.status for o in (await deliver(app)).outcomes] == ["delivered"]
    assert [env.rcpt_tos for env in inbox.received] == [[OPERATOR]]
    body = (parsed(inbox).get_payload(decode=True) or b"").decode()
    assert "LCP regressed" in body and f"growth actions show {repair}" in body
    shown = await delivery(app, repair)
    assert shown["state"] == "delivered" and shown["channel"] == "task"
    assert "webhook task.created to 1 endpoint(s)" in shown["summary"]

    assert (await deliver_due(app.deps, "demo", sender=sender))["delivered"] == 1
    event = verify(hook["secret"], r.got[0])
    assert event["type"] == "task.created" and event["data"]["subject"] == f"action:{repair}"
    assert event["data"]["details"]["target"]["title"].startswith("perf.repair_page")

    # rolling the task back tells the operator it is cancelled, by the same path
    await rollback(app.deps, OP, action_id=repair, reason="fixed by a deploy")
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivered"]
    assert str(parsed(inbox)["Subject"]).strip().startswith("Cancelled: ")
    assert (await deliver_due(app.deps, "demo", sender=sender))["delivered"] == 1
    assert verify(hook["secret"], r.got[1])["type"] == "task.cancelled"
    assert (await deliver(app)).outcomes == [] and len(inbox.received) == 2 and len(r.got) == 2


async def test_a_crash_between_sending_and_recording_sends_the_purchase_order_once(
        shop: tuple[App, Inbox], clock: Clock) -> None:
    app, inbox = shop
    await invoke(app.deps, OP, "vendors.set_address", vendor="Atelier Nord", address=VENDOR)
    reorder = await approve(app, "inventory.reorder", INVENTORY)

    def die(label: str) -> None:
        if label == "after_mutation":
            raise Crash(label)

    app.deps.on_step = die
    with pytest.raises(Crash):
        await deliver(app)
    app.deps.on_step = None
    assert len(inbox.received) == 1
    assert (await delivery(app, reorder))["state"] == "delivering"

    clock.advance(seconds=LEASE.total_seconds() + 1)  # the dead worker's claim lapses
    report = await deliver(app)
    assert [o.status for o in report.outcomes] == ["delivered"] and not report.outcomes[0].mutated
    assert len(inbox.received) == 1
    shown = (await delivery(app, reorder))["deliveries"][0]
    assert shown["attempts"] == 2 and "not sent again" in shown["reason"]


class DiesAfterSmtp:
    """The mail server takes the message, then the worker dies before the answer is recorded."""

    def __init__(self, real: SmtpMailer) -> None:
        self.real = real

    async def send(self, mail: OutgoingMail) -> None:
        await self.real.send(mail)
        raise Crash("after SMTP, before recording")


async def test_a_crash_mid_smtp_is_not_resent_blindly_and_the_operator_can_send_it_again(
        shop: tuple[App, Inbox], clock: Clock) -> None:
    app, inbox = shop
    await invoke(app.deps, OP, "vendors.set_address", vendor="Atelier Nord", address=VENDOR)
    reorder = await approve(app, "inventory.reorder", INVENTORY)
    real = app.deps.mailer
    assert isinstance(real, SmtpMailer)
    app.deps.mailer = DiesAfterSmtp(real)
    with pytest.raises(Crash):
        await deliver(app)
    app.deps.mailer = real

    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivery_failed"]
    failed = (await delivery(app, reorder))["deliveries"][0]
    assert failed["error_code"] == "send_unconfirmed" and len(inbox.received) == 1

    await invoke(app.deps, OP, "deliveries.retry", delivery_id=failed["id"])
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivered"]
    assert len(inbox.received) == 2  # sent again because the operator said so


async def test_the_kill_switch_holds_email_sends_and_deliveries_until_released(shop: tuple[App, Inbox]) -> None:
    app, inbox = shop
    await invoke(app.deps, OP, "vendors.set_address", vendor="Atelier Nord", address=VENDOR)
    reorder = await approve(app, "inventory.reorder", INVENTORY)
    await invoke(app.deps, OP, "kill_switch.set", engaged=True, reason="incident drill")

    held = await channel.send(app.deps, "demo", OPERATOR, "Digest", "text", kind="digest")
    assert (held["status"], held["reason"]) == ("held", "kill_switch")
    report = await deliver(app)
    assert report.outcomes == [] and "kill switch engaged" in report.waiting
    assert (await delivery(app, reorder))["state"] == "pending" and inbox.received == []

    await invoke(app.deps, OP, "kill_switch.set", engaged=False, reason="drill over")
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivered"]
    assert [env.rcpt_tos for env in inbox.received] == [[VENDOR]]


async def test_dry_run_renders_and_stores_the_purchase_order_and_says_it_was_not_sent(
        shop: tuple[App, Inbox]) -> None:
    app, inbox = shop
    await invoke(app.deps, OP, "vendors.set_address", vendor="Atelier Nord", address=VENDOR)
    await invoke(app.deps, OP, "email.configure", mode="dry_run")
    reorder = await approve(app, "inventory.reorder", INVENTORY)
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivery_failed"]
    failed = (await delivery(app, reorder))["deliveries"][0]
    assert failed["error_code"] == "email_dry_run" and inbox.received == []
    rendered = (await invoke(app.deps, OP, "email.read"))["messages"][0]
    assert rendered["status"] == "rendered"
    kept = await app.db.query("demo", lambda tx: tx.email.attachments(rendered["id"]))
    assert [a.filename for a in kept] == [f"PO-{reorder:06d}.csv", f"PO-{reorder:06d}.pdf"]

    await invoke(app.deps, OP, "email.configure", mode="live")
    await invoke(app.deps, OP, "deliveries.retry", delivery_id=failed["id"])
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivered"]
    assert len(inbox.received) == 1


async def test_a_suppressed_vendor_address_is_not_mailed(shop: tuple[App, Inbox]) -> None:
    app, inbox = shop
    await invoke(app.deps, OP, "vendors.set_address", vendor="Atelier Nord", address=VENDOR)
    await invoke(app.deps, OP, "email.suppress", address=VENDOR, reason="bounce")
    reorder = await approve(app, "inventory.reorder", INVENTORY)
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivery_failed"]
    assert (await delivery(app, reorder))["deliveries"][0]["error_code"] == "email_suppressed"
    assert inbox.received == []


async def test_a_task_with_nobody_to_tell_fails_with_no_task_channel(shop: tuple[App, Inbox]) -> None:
    app, inbox = shop
    app.deps.config = dataclasses.replace(app.deps.config, email_internal=())
    task = await approve(app, "analytics.investigate", ANALYTICS)
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivery_failed"]
    assert (await delivery(app, task))["deliveries"][0]["error_code"] == "no_task_channel"


async def test_a_conflict_is_retried_against_the_expected_value_and_overwritten_only_when_asked(
        app: App, clock: Clock) -> None:
    async with live_store(app) as live:
        markdown = await approve(app, "inventory.markdown", INVENTORY)
        live.admin.drift_variant("LIN-TOT-01", price="41.00")
        assert [o.status for o in (await live.deliver()).outcomes] == ["conflict"]
        conflict = (await delivery(app, markdown))["deliveries"][0]
        assert "--overwrite" in (await delivery(app, markdown))["retry"]

        await invoke(app.deps, OP, "deliveries.retry", delivery_id=conflict["id"])
        assert [o.status for o in (await live.deliver()).outcomes] == ["conflict"]  # the store still differs
        assert live.variant().price == Decimal("41.00") and live.admin.mutations == []

        await invoke(app.deps, OP, "deliveries.retry", delivery_id=conflict["id"], overwrite=True)
        assert [o.status for o in (await live.deliver()).outcomes] == ["delivered"]
        assert (live.variant().price, live.variant().compare_at_price) == (Decimal("32.00"), Decimal("40.00"))
        assert live.mutations(markdown) == 1
        with pytest.raises(Exception) as refused:
            await invoke(app.deps, OP, "deliveries.retry", delivery_id=conflict["id"], overwrite=True)
        assert getattr(refused.value, "code", "") == "not_retryable"


async def test_over_mcp_the_inbox_lists_a_stopped_delivery_and_the_operator_retries_it(
        shop: tuple[App, Inbox]) -> None:
    app, inbox = shop
    reorder = await approve(app, "inventory.reorder", INVENTORY)
    await deliver(app)
    async with connected(app) as client:
        text = (await client.read_resource("growth://inbox")).contents[0].text
        assert "## Deliveries that stopped (1)" in text and f"of action #{reorder} (email)" in text
        assert "no_vendor_address" in text
        listed = await client.call_tool("list_deliveries", {"state": "delivery_failed"})
        [row] = listed.structured_content["deliveries"]
        shown = await client.call_tool("get_action", {"action_id": reorder})
        assert "no purchase-order e-mail address" in json.dumps(shown.structured_content)
        await invoke(app.deps, OP, "vendors.set_address", vendor="Atelier Nord", address=VENDOR)
        retried = await client.call_tool("retry_delivery", {"delivery_id": row["id"]})
        assert not retried.is_error and retried.structured_content["delivery"]["state"] == "pending"
        assert [o.status for o in (await deliver(app)).outcomes] == ["delivered"]
        po = await client.call_tool("get_purchase_order", {"ref": f"PO-{reorder:06d}"})
        assert base64.b64decode(po.structured_content["pdf_base64"]).startswith(b"%PDF-")
        assert "1140.00" in po.structured_content["csv"]
        again = await client.call_tool("retry_delivery", {"delivery_id": row["id"]})
        assert again.is_error
    assert len(inbox.received) == 1


async def test_the_delivery_rate_limit_defers_email_deliveries_and_drops_none(shop: tuple[App, Inbox],
                                                                            clock: Clock) -> None:
    app, inbox = shop
    await invoke(app.deps, OP, "vendors.set_address", vendor="Atelier Nord", address=VENDOR)
    await approve(app, "inventory.reorder", INVENTORY)
    await approve(app, "perf.repair_page", ANALYTICS)
    app.deps.config = dataclasses.replace(app.deps.config, rate_limit_executions=1)

    report = await deliver(app)
    assert [o.status for o in report.outcomes] == ["delivered"] and "rate limit" in report.waiting
    assert len(inbox.received) == 1
    clock.advance(seconds=app.deps.config.rate_window.total_seconds())
    assert [o.status for o in (await deliver(app)).outcomes] == ["delivered"]
    assert sorted(r for env in inbox.received for r in env.rcpt_tos) == sorted([OPERATOR, VENDOR])
