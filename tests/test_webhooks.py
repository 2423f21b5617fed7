"""Webhooks: signed as the Standard Webhooks specification says (checked by the independent
``standardwebhooks`` package), delivered to a loopback receiver with retries after 500s and a
timeout, dead-lettered after N failures, replayed, the secret stored only encrypted, and each due
row sent once under two concurrent worker passes; never to cloud metadata, a private network (unless
allowed) or a public name that resolves inside. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from standardwebhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from policies.principal import Principal
from server.app import App, create_app
from server.connectors.webhooks import HttpWebhookSender
from tests.conftest import Clock, make_settings
from tests.loopback import serve_asgi
from tests.test_connections import database_holds
from tools.audit import record
from tools.deps import Tx
from tools.errors import InvalidInput
from tools.registry import invoke
from tools.webhooks import backoff, deliver_due

OPERATOR = Principal.operator("demo", subject="operator:test")


@dataclass
class Receiver:
    """Answers each POST with the next scripted reply (a status, or "hang" past the sender's timeout)."""
    script: list[int | str] = field(default_factory=list)
    got: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def endpoint(self, request: Request) -> Response:
        self.got.append((await request.body(), dict(request.headers)))
        reply = self.script.pop(0) if self.script else 200
        if reply == "hang":
            try:
                await asyncio.wait_for(self.release.wait(), timeout=10)
            except TimeoutError:
                pass
            return Response(status_code=200)
        assert isinstance(reply, int)
        return Response(status_code=reply)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    r = Receiver()
    asgi = Starlette(routes=[Route("/hook", r.endpoint, methods=["POST"])])
    async with serve_asgi(asgi) as base:
        yield r, f"{base}/hook"
        r.release.set()


@pytest.fixture
async def sender() -> AsyncIterator[HttpWebhookSender]:
    s = HttpWebhookSender(timeout_s=0.5)
    yield s
    await s.aclose()


async def emit(app: App, event: str, data: dict[str, Any], subject: str = "action:7") -> None:
    async def txn(tx: Tx) -> None:
        await tx.tenants.ensure(name="demo", now=app.deps.now())
        await record(tx, app.deps, actor="system:test", event=event, subject=subject, data=data)

    await app.db.transact("demo", txn)


async def deliveries(app: App, status: str | None = None) -> list[dict[str, Any]]:
    return list(await invoke(app.deps, OPERATOR, "webhooks.deliveries", status=status))


def verify(secret: str, got: tuple[bytes, dict[str, str]]) -> Any:
    body, headers = got
    return Webhook(secret).verify(body, headers)


async def test_a_subscribed_event_is_delivered_signed_as_the_specification_says_and_carries_no_pii(
        app: App, clock: Clock, receiver: tuple[Receiver, str], sender: HttpWebhookSender) -> None:
    r, url = receiver
    added = await invoke(app.deps, OPERATOR, "webhooks.add", url=url,
                         topics=["action.executed", "action.rolled_back", "escalation.created"])
    secret = added["secret"]
    assert secret.startswith("whsec_") and len(__import__("base64").b64decode(secret[6:])) == 24
    await emit(app, "action.executed", {"version": 1, "note": "customer jane.doe@example.com called"})
    await emit(app, "action.proposed", {"kind": "support.escalation", "target": "order:#1001"})
    await emit(app, "action.rejected", {"version": 1})  # not subscribed

    assert await deliver_due(app.deps, "demo", sender=sender) == {"delivered": 2, "retrying": 0, "dead": 0,
                                                                 "lost": 0}
    events = [verify(secret, got) for got in r.got]
    assert sorted(e["type"] for e in events) == ["action.executed", "escalation.created"]
    executed = next(e for e in events if e["type"] == "action.executed")
    assert executed["data"]["subject"] == "action:7" and executed["data"]["tenant"] == "demo"
    assert "jane.doe@example.com" not in r.got[0][0].decode() + r.got[1][0].decode()
    assert all(d["status"] == "delivered" and d["attempts"] == 1 for d in await deliveries(app))
    # a wrong secret does not verify: the check is real
    with pytest.raises(Exception):
        Webhook("whsec_" + "A" * 32).verify(*r.got[0])
    assert await deliver_due(app.deps, "demo", sender=sender) == {"delivered": 0, "retrying": 0, "dead": 0,
                                                                 "lost": 0}
    assert len(r.got) == 2


async def test_failures_and_a_timeout_are_retried_with_backoff_until_delivered(
        app: App, clock: Clock, receiver: tuple[Receiver, str], sender: HttpWebhookSender) -> None:
    r, url = receiver
    secret = (await invoke(app.deps, OPERATOR, "webhooks.add", url=url, topics=["action.*"]))["secret"]
    r.script = [500, "hang", 503, 200]
    await emit(app, "action.rolled_back", {"version": 2})

    assert (await deliver_due(app.deps, "demo", sender=sender))["retrying"] == 1
    [row] = await deliveries(app)
    assert row["status"] == "pending" and row["last_status"] == 500
    assert row["next_attempt_at"] == clock.now + backoff(1)
    assert (await deliver_due(app.deps, "demo", sender=sender))["retrying"] == 0  # not due yet: nothing sent
    assert len(r.got) == 1
    for attempt, outcome in ((2, "retrying"), (3, "retrying"), (4, "delivered")):
        clock.advance(seconds=backoff(attempt - 1).total_seconds())
        assert (await deliver_due(app.deps, "demo", sender=sender))[outcome] == 1
        [row] = await deliveries(app)
        if attempt == 2:
            assert row["last_status"] is None and "timed out" in row["last_error"]
    assert row["status"] == "delivered" and row["attempts"] == 4
    # every attempt is the same message (one webhook-id), each signed for its own timestamp
    assert len({h["webhook-id"] for _, h in r.got}) == 1 and len(r.got) == 4
    for got in r.got:
        verify(secret, got)


async def test_a_delivery_dies_after_n_failures_is_listed_dead_and_a_replay_delivers_it(
        app: App, clock: Clock, receiver: tuple[Receiver, str], sender: HttpWebhookSender) -> None:
    r, url = receiver
    secret = (await invoke(app.deps, OPERATOR, "webhooks.add", url=url, topics=["action.*"]))["secret"]
    r.script = [500, 500, 500]
    await emit(app, "action.executed", {"version": 1})
    for attempt in (1, 2, 3):
        counts = await deliver_due(app.deps, "demo", sender=sender, max_attempts=3)
        clock.advance(seconds=backoff(attempt).total_seconds())
    assert counts["dead"] == 1
    [dead] = await deliveries(app, "dead")
    assert dead["attempts"] == 3 and dead["last_status"] == 500
    assert (await deliver_due(app.deps, "demo", sender=sender))["delivered"] == 0  # dead rows stay dead
    assert len(r.got) == 3

    replayed = await invoke(app.deps, OPERATOR, "webhooks.replay", delivery_id=dead["id"], sender=sender)
    assert replayed["status"] == "delivered" and replayed["attempts"] == 1
    assert await deliveries(app, "dead") == []
    assert verify(secret, r.got[-1])["type"] == "action.executed"
    assert r.got[-1][1]["webhook-id"] == r.got[0][1]["webhook-id"]
    with pytest.raises(InvalidInput) as pending:  # a live delivery cannot be replayed
        await emit(app, "action.executed", {"version": 2})
        [fresh] = await deliveries(app, "pending")
        await invoke(app.deps, OPERATOR, "webhooks.replay", delivery_id=fresh["id"])
    assert pending.value.code == "not_replayable"


async def test_the_signing_secret_is_stored_only_encrypted_and_never_listed_or_audited(
        app: App, db_url: str) -> None:
    added = await invoke(app.deps, OPERATOR, "webhooks.add", url="https://hooks.example.com/in",
                         topics=["action.executed"])
    secret = added["secret"]
    await app.close()
    assert not await database_holds(db_url, secret)
    assert not await database_holds(db_url, secret.removeprefix("whsec_"))
    reopened = await create_app(make_settings(db_url))
    try:
        listed = await invoke(reopened.deps, OPERATOR, "webhooks.list")
        assert listed[0]["url"] == "https://hooks.example.com/in" and "secret" not in listed[0]
        assert await reopened.db.query("demo", lambda tx: tx.webhooks.secret(added["id"])) == secret
    finally:
        await reopened.close()


async def test_two_concurrent_worker_passes_send_each_due_delivery_exactly_once(
        app: App, db_url: str, receiver: tuple[Receiver, str], sender: HttpWebhookSender) -> None:
    r, url = receiver
    secret = (await invoke(app.deps, OPERATOR, "webhooks.add", url=url, topics=["action.executed"]))["secret"]
    for n in range(30):
        await emit(app, "action.executed", {"version": 1}, subject=f"action:{n}")
    other = await create_app(make_settings(db_url))  # a second worker: its own engine and connections
    try:
        a, b = await asyncio.gather(deliver_due(app.deps, "demo", sender=sender, limit=30),
                                    deliver_due(other.deps, "demo", sender=sender, limit=30))
    finally:
        await other.close()
    assert a["delivered"] + b["delivered"] == 30
    ids = [h["webhook-id"] for _, h in r.got]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert sorted(verify(secret, got)["data"]["subject"] for got in r.got) == sorted(
        f"action:{n}" for n in range(30))
    assert {d["status"] for d in await deliveries(app)} == {"delivered"}


async def test_removing_an_endpoint_cancels_its_pending_deliveries(
        app: App, receiver: tuple[Receiver, str], sender: HttpWebhookSender) -> None:
    r, url = receiver
    added = await invoke(app.deps, OPERATOR, "webhooks.add", url=url, topics=["action.executed"])
    await emit(app, "action.executed", {"version": 1})
    await invoke(app.deps, OPERATOR, "webhooks.remove", endpoint_id=added["id"])
    assert (await deliver_due(app.deps, "demo", sender=sender))["delivered"] == 0
    assert r.got == [] and [d["status"] for d in await deliveries(app)] == ["cancelled"]
    assert await invoke(app.deps, OPERATOR, "webhooks.list") == []


async def test_endpoint_urls_and_topics_are_checked(app: App) -> None:
    for url, topics, code in (("http://hooks.example.com/in", ["*"], "invalid_webhook_url"),
                              ("ftp://x", ["*"], "invalid_webhook_url"),
                              ("https://hooks.example.com/in", [], "invalid_topic"),
                              ("https://hooks.example.com/in", ["Action Executed"], "invalid_topic")):
        with pytest.raises(InvalidInput) as refused:
            await invoke(app.deps, OPERATOR, "webhooks.add", url=url, topics=topics)
        assert refused.value.code == code


@pytest.mark.parametrize("url", ["https://169.254.169.254/latest/meta-data", "https://[fe80::1]/in",
                                 "https://10.0.0.5/in", "https://192.168.1.20/in", "https://0.0.0.0/in",
                                 "https://[::ffff:169.254.169.254]/in", "https://224.0.0.1/in",
                                 "https://100.100.100.200/in", "https://[2002:a9fe:a9fe::1]/in",
                                 "https://2130706433/in", "https://0251.0376.0251.0376/in",
                                 "https://hooks.example.com:99999/"])
async def test_a_webhook_cannot_point_at_cloud_metadata_or_a_private_network(app: App, url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await invoke(app.deps, OPERATOR, "webhooks.add", url=url, topics=["*"])
    assert refused.value.code == "invalid_webhook_url"
    assert await invoke(app.deps, OPERATOR, "webhooks.list") == []


async def test_a_private_network_is_allowed_when_the_operator_says_so_but_metadata_never(db_url: str) -> None:
    inside = await create_app(make_settings(db_url, webhook_private_networks=True))
    try:
        added = await invoke(inside.deps, OPERATOR, "webhooks.add", url="https://10.0.0.5/in", topics=["*"])
        assert added["url"] == "https://10.0.0.5/in"
        with pytest.raises(InvalidInput):
            await invoke(inside.deps, OPERATOR, "webhooks.add", url="https://169.254.169.254/", topics=["*"])
    finally:
        await inside.close()


@pytest.mark.parametrize(("resolves_to", "why"), [(["169.254.169.254"], "link-local"), (["127.0.0.1"], "this machine"),
                                                  (["93.184.216.34", "10.1.2.3"], "private network"),
                                                  (["::1"], "this machine"), (["::ffff:127.0.0.1"], "this machine"),
                                                  (["100.100.100.200"], "not a public address")])
async def test_a_public_name_that_leads_inside_is_refused_at_send_time(
        app: App, resolves_to: list[str], why: str) -> None:
    """A name checked when it was added can later resolve anywhere: every address is checked before each POST,
    and the row fails with the reason (nothing is sent)."""
    async def resolve(host: str, port: int) -> list[str]:
        assert (host, port) == ("hooks.example.com", 443)
        return resolves_to

    await invoke(app.deps, OPERATOR, "webhooks.add", url="https://hooks.example.com/in", topics=["action.*"])
    await emit(app, "action.executed", {"version": 1})
    guarded = HttpWebhookSender(timeout_s=0.5, resolve=resolve)
    try:
        counts = await deliver_due(app.deps, "demo", sender=guarded)
    finally:
        await guarded.aclose()
    assert counts["delivered"] == 0 and counts["retrying"] == 1
    [row] = await invoke(app.deps, OPERATOR, "webhooks.deliveries")
    assert row["last_error"].startswith("refused: hooks.example.com resolves to") and why in row["last_error"]


async def test_a_public_address_passes_the_check() -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]

    guarded = HttpWebhookSender(resolve=resolve)
    try:
        assert await guarded.refused("https://hooks.example.com/in") is None
        assert await guarded.refused("http://127.0.0.1:9/in") is None  # this machine, named as such
    finally:
        await guarded.aclose()


async def test_the_kill_switch_holds_the_stores_events_but_not_the_notifications(
        app: App, clock: Clock, receiver: tuple[Receiver, str], sender: HttpWebhookSender) -> None:
    r, url = receiver
    await invoke(app.deps, OPERATOR, "webhooks.add", url=url, topics=["action.executed", "notify.*"])
    await emit(app, "action.executed", {"version": 1})
    await emit(app, "notify.kill_switch", {"title": "Kill switch engaged"}, subject="tenant:demo")
    async with app.db.write("demo") as tx:
        await tx.kill.set("demo", engaged=True, reason="test", by="operator", now=app.deps.now())
    assert (await deliver_due(app.deps, "demo", sender=sender))["delivered"] == 1
    assert [json.loads(body)["type"] for body, _ in r.got] == ["notify.kill_switch"]
    async with app.db.write("demo") as tx:
        await tx.kill.set("demo", engaged=False, reason="", by="operator", now=app.deps.now())
    assert (await deliver_due(app.deps, "demo", sender=sender))["delivered"] == 1  # the held one, on release
    assert [json.loads(body)["type"] for body, _ in r.got] == ["notify.kill_switch", "action.executed"]


async def test_a_name_that_cannot_be_checked_is_not_sent_to() -> None:
    async def fails(host: str, port: int) -> list[str]:
        raise OSError("temporary failure in name resolution")

    guarded = HttpWebhookSender(resolve=fails)
    try:
        said = await guarded.refused("https://hooks.example.com/in")
        assert said is not None and said.startswith("refused: hooks.example.com could not be resolved"), said
    finally:
        await guarded.aclose()


def _own_address() -> str:
    """An address of this machine that is not loopback (where a name may legitimately lead, on a private
    network): the one the routing table would send from."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # no packet is sent: connecting a UDP socket only picks the route
        return str(s.getsockname()[0])


async def test_the_post_goes_to_the_address_that_was_checked_not_to_a_second_lookup_of_the_name() -> None:
    """DNS rebinding: a name that answers a checked address, then (to httpx's own lookup) somewhere inside.
    The POST is sent to the checked address with the name in the Host header; the name is looked up once.
    ``hooks.test`` resolves nowhere else (.test is reserved), so a second lookup could not have reached it."""
    own = _own_address()
    assert not ipaddress.ip_address(own).is_loopback, own
    got: list[dict[str, str]] = []

    async def endpoint(request: Request) -> Response:
        got.append(dict(request.headers))
        return Response(status_code=204)

    lookups: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return [own] if len(lookups) == 1 else ["127.0.0.1"]

    asgi = Starlette(routes=[Route("/hook", endpoint, methods=["POST"])])
    async with serve_asgi(asgi, host=own) as base:
        port = base.rsplit(":", 1)[1]
        guarded = HttpWebhookSender(timeout_s=5, resolve=rebinding, allow_private=True)
        try:
            sent = await guarded.post(f"http://hooks.test:{port}/hook", body=b"{}", headers={"X-Test": "1"})
        finally:
            await guarded.aclose()
        assert (sent.status, lookups) == (204, ["hooks.test"]), sent
        assert got[0]["host"] == f"hooks.test:{port}" and got[0]["x-test"] == "1"
        # and where the only answer is inside, nothing is sent at all
        refused = HttpWebhookSender(timeout_s=5, resolve=rebinding, allow_private=True)
        try:
            said = await refused.post(f"http://hooks.test:{port}/hook", body=b"{}", headers={})
        finally:
            await refused.aclose()
        assert said.status is None and "resolves to this machine" in said.error and len(got) == 1


async def test_over_tls_the_pinned_address_is_verified_against_the_name(tmp_path: Path) -> None:
    """The certificate a receiver shows is checked against the name subscribed, though the connection goes to
    an address: a receiver with a certificate for that name is reached; one with another name's is refused."""
    ca = trustme.CA()
    own = _own_address()

    async def endpoint(request: Request) -> Response:
        return Response(status_code=204)

    def files(name: str) -> tuple[str, str]:
        cert = ca.issue_cert(name)
        cert.cert_chain_pems[0].write_to_path(str(tmp_path / f"{name}.pem"))
        cert.private_key_pem.write_to_path(str(tmp_path / f"{name}.key"))
        return str(tmp_path / f"{name}.pem"), str(tmp_path / f"{name}.key")

    async def resolve(host: str, port: int) -> list[str]:
        return [own]

    trusted = ssl.create_default_context()
    ca.configure_trust(trusted)
    asgi = Starlette(routes=[Route("/hook", endpoint, methods=["POST"])])
    for name, expected in (("hooks.test", 204), ("elsewhere.test", None)):
        async with serve_asgi(asgi, host=own, tls=files(name)) as base:
            port = base.rsplit(":", 1)[1]
            async with httpx.AsyncClient(verify=trusted, timeout=5, trust_env=False) as client:
                sender = HttpWebhookSender(client=client, resolve=resolve, allow_private=True)
                sent = await sender.post(f"https://hooks.test:{port}/hook", body=b"{}", headers={})
        assert sent.status == expected, (name, sent)
        if expected is None:
            assert "certificate" in sent.error.lower() or "hostname" in sent.error.lower(), sent.error
