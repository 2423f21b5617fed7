"""One attempt of an e-mail or task delivery: the purchase order to its vendor, the task to the operator.

Each message goes through ``tools.email.send``, so the tenant's send mode, the suppression list, the
daily cap and the kill switch all apply, and it is stored with its rendering and attachments under the
dedupe key ``delivery:<id>:<attempt>``. Exactly once rests on that stored message, read before sending:

- a message of this delivery already ``sent`` (the worker died after sending, before recording the
  delivery) → ``delivered``, nothing sent again;
- one still ``sending`` (the worker died during the SMTP conversation: the server may or may not have
  taken it) → ``delivery_failed`` with code ``send_unconfirmed``; never re-sent blindly: the operator
  checks and retries (``growth deliveries retry N``), which sends it again;
- one of this very attempt that ended otherwise (rendered in dry_run, refused, suppressed) → settled
  from it, nothing sent again.

A task's webhook event (``task.created`` / ``task.cancelled``) is raised by the delivery's own
``action.delivered`` audit event (``tools.webhook_events.topics_of``), written once with the settlement,
so it is queued exactly once too.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

from tools import email, purchase_orders
from tools.delivery_message_plan import EMAIL, WEBHOOK_TOPICS
from tools.delivery_types import DeliveryError, DeliveryRecord, Settlement
from tools.deps import Deps, Tx
from tools.errors import InvalidInput
from tools.vendor_contacts import address as vendor_address
from tools.webhook_events import matches

ACTOR = "system:delivery"
#: a message held by the kill switch is tried again this long after, once the switch is released
HELD_RETRY = timedelta(seconds=30)


def prefix(d: DeliveryRecord) -> str:
    return f"delivery:{d.id}:"


def key(d: DeliveryRecord) -> str:
    """The dedupe key of this attempt's message (the claim's attempt number)."""
    return f"{prefix(d)}{d.attempts}"


def _brief(msg: dict[str, Any]) -> dict[str, Any]:
    return {"id": msg["id"], "status": msg["status"], "reason": msg.get("reason") or "",
            "message_id": msg.get("message_id") or "", "error": msg.get("error") or ""}


def _tomorrow(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(timezone.utc).date() + timedelta(days=1), time(), tzinfo=timezone.utc)


def _not_sent(d: DeliveryRecord, msg: dict[str, Any], now: datetime, who: str) -> Settlement:
    """How a message that was not sent ends the attempt."""
    status, reason, brief = msg["status"], msg.get("reason") or "", {"email": _brief(msg)}
    if status == "held":
        return Settlement("pending", reason="kill switch engaged: the e-mail was held, not sent; it is sent once "
                          "the switch is released", error_code="kill_switch", response=brief,
                          next_attempt_at=now + HELD_RETRY)
    if status == "refused_by_mode" and reason == "daily_cap":
        return Settlement("pending", reason="the e-mail channel's daily cap is used up; sent tomorrow, not dropped",
                          error_code="email_daily_cap", response=brief, next_attempt_at=_tomorrow(now))
    if status == "failed":
        raise DeliveryError(f"the mail server did not take the message: {msg.get('error')}", code="email_failed",
                            transient=True, response=brief)
    retry = f"then `growth deliveries retry {d.id}`"
    words = {
        "rendered": ("email_dry_run", f"the e-mail to {who} was rendered and stored but not sent: the e-mail channel "
                                      f"is in dry_run mode (growth email mode live), {retry}"),
        "suppressed": ("email_suppressed", f"{who}'s address is on the suppression list ({reason}); nothing was "
                                           f"sent (growth email unsuppress), {retry}"),
        "refused_by_mode": (f"email_{reason or 'refused'}", f"the e-mail channel's mode refused the message to "
                                                            f"{who} ({reason}); nothing was sent; {retry}"),
    }
    code, why = words.get(status, ("email_not_sent", f"the e-mail to {who} ended {status}; {retry}"))
    return Settlement("delivery_failed", reason=why, error_code=code, response=brief)


def _sent(msg: dict[str, Any], *, again: bool, extra: dict[str, Any] | None = None) -> Settlement:
    return Settlement("delivered", reason="already sent before the worker stopped; not sent again" if again else "",
                      remote_ids={"email_message": msg["id"], "message_id": msg.get("message_id") or ""},
                      response={"mutation": None if again else "email.send", "email": _brief(msg), **(extra or {})})


def _earlier(d: DeliveryRecord, prior: list[dict[str, Any]]) -> dict[str, Any] | Settlement | None:
    """What the stored messages of this delivery already settle: a sent one, an unconfirmed one, or this
    attempt's own; None if this attempt has not sent anything yet."""
    sent = [m for m in prior if m["status"] == "sent"]
    if sent:
        return sent[-1]
    stuck = [m for m in prior if m["status"] == "sending"]
    if stuck:
        return Settlement("delivery_failed", error_code="send_unconfirmed", response={"email": _brief(stuck[-1])},
                          reason=f"message #{stuck[-1]['id']} was being handed to the mail server when the worker "
                                 "stopped; whether it arrived is unknown, so it is not sent again on its own: check "
                                 f"the recipient's mailbox, then `growth deliveries retry {d.id}` sends it again")
    mine = [m for m in prior if m.get("dedupe_key") == key(d)]
    return mine[-1] if mine else None


async def _send(deps: Deps, tenant: str, d: DeliveryRecord, to: str | tuple[str, ...], subject: str, text: str,
                *, kind: str, files: tuple[Any, ...] = ()) -> dict[str, Any]:
    deps.step("before_mutation")
    msg = await email.send(deps, tenant, to, subject, text, kind=kind, by=ACTOR, attachments=files,
                           dedupe_key=key(d))
    deps.step("after_mutation")
    return msg


async def _purchase_order(deps: Deps, tenant: str, d: DeliveryRecord) -> tuple[Settlement, bool]:
    async def load(tx: Tx) -> tuple[purchase_orders.PurchaseOrder, str | None, list[dict[str, Any]]]:
        po = await purchase_orders.load(tx, d.action_id)
        return po, await vendor_address(tx, po.vendor), await tx.email.messages_keyed(prefix(d))

    po, to, prior = await deps.db.query(tenant, load)
    who = f"vendor “{po.vendor}”" if po.vendor else "the vendor"
    earlier = _earlier(d, prior)
    if isinstance(earlier, Settlement):
        return earlier, False
    if earlier is not None:
        done = earlier["status"] == "sent"
        return (_sent(earlier, again=True) if done else _not_sent(d, earlier, deps.now(), who)), False
    if to is None:
        name = po.vendor or "VENDOR"
        why = ("the reorder names no vendor, so there is nowhere to send purchase order " + po.number
               if not po.vendor else f"no purchase-order e-mail address is known for {who}")
        return Settlement("delivery_failed", error_code="no_vendor_address",
                          reason=f"{why}: set one with `growth vendors set \"{name}\" ADDRESS`, then "
                                 f"`growth deliveries retry {d.id}`"), False
    cancel = d.op == "rollback"
    subject, text = purchase_orders.message(po, cancel=cancel)
    files = () if cancel else purchase_orders.attachments(po)
    try:
        msg = await _send(deps, tenant, d, to, subject, text, kind="purchase_order", files=files)
    except InvalidInput as exc:
        return Settlement("delivery_failed", error_code="invalid_vendor_address",
                          reason=f"{who}'s address cannot be sent to ({exc}); fix it with `growth vendors set`, "
                                 f"then `growth deliveries retry {d.id}`"), False
    if msg["status"] != "sent":
        return _not_sent(d, msg, deps.now(), who), False
    return _sent(msg, again=False, extra={"attachments": [f.filename for f in files]}), True


def _task_text(d: DeliveryRecord) -> tuple[str, str]:
    t = d.target
    if d.op == "rollback":
        return (f"Cancelled: {t.get('title')}", f"The task “{t.get('title')}” (action {d.action_id}, "
                                                f"{t.get('kind')}) was rolled back: it no longer needs doing.\n")
    details = "\n".join(f"  {k}: {v}" for k, v in (t.get("details") or {}).items())
    return (f"Task: {t.get('title')}",
            f"A task for {t.get('assignee') or 'you'} (action {d.action_id}, {t.get('kind')}):\n\n"
            f"  {t.get('title')}\n  target: {t.get('target')}\n{details}\n\n"
            f"See it with `growth actions show {d.action_id}`.\n")


async def _task(deps: Deps, tenant: str, d: DeliveryRecord) -> tuple[Settlement, bool]:
    topic = WEBHOOK_TOPICS[d.op]

    async def load(tx: Tx) -> tuple[list[int], list[dict[str, Any]]]:
        hooks = [e.id for e in await tx.webhooks.endpoints() if any(matches(p, topic) for p in e.topics)]
        return hooks, await tx.email.messages_keyed(prefix(d))

    hooks, prior = await deps.db.query(tenant, load)
    webhook = {"webhook": {"topic": topic, "endpoints": hooks}}
    operators = tuple(deps.config.email_internal)
    earlier = _earlier(d, prior)
    if isinstance(earlier, Settlement) and not hooks:
        return earlier, False
    msg: dict[str, Any] | None = earlier if isinstance(earlier, dict) else None
    wrote = False
    if earlier is None and operators:
        subject, text = _task_text(d)
        msg = await _send(deps, tenant, d, operators, subject, text, kind="task")
        wrote = msg["status"] == "sent"
    if msg is not None and msg["status"] == "sent":
        return _sent(msg, again=not wrote, extra=webhook), wrote
    if hooks:
        # the webhook reaches someone: the task is delivered; the e-mail's own fate is kept beside it
        return Settlement("delivered", remote_ids={"webhook_topic": topic},
                          response={"mutation": "webhook", **webhook,
                                    "email": _brief(msg) if msg is not None else None}), wrote
    if msg is None:
        return Settlement("delivery_failed", error_code="no_task_channel",
                          reason="nobody to tell: no operator e-mail address is configured (GROWTH_EMAIL_INTERNAL) "
                                 f"and no webhook endpoint subscribes to {topic} (growth webhooks add URL --topic "
                                 f"{topic}); then `growth deliveries retry {d.id}`"), False
    return _not_sent(d, msg, deps.now(), "the operator"), False


async def attempt(deps: Deps, tenant: str, d: DeliveryRecord) -> tuple[Settlement, bool]:
    """Send this delivery's message (once) and say how the attempt ends, and whether it sent anything."""
    if d.channel == EMAIL:
        return await _purchase_order(deps, tenant, d)
    return await _task(deps, tenant, d)
