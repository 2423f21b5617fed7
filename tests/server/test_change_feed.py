"""Listeners hear every change, whichever process made it: the command line, a worker, the server itself.

The server follows the audit log (``server.mcp.feed``); these tests change the store from outside
the server — the ``growth`` command in its own process, a second engine on the same database as a
``growth worker`` is — and listen with the official client over streamable HTTP.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from policies.principal import Principal
from server.app import App, create_app
from server.mcp.feed import INBOX, NOTIFICATIONS, ChangeFeed, uris
from tests.conftest import TEST_SECRET, make_settings
from tests.factories import proposal, seed_store
from tests.server.conftest import Tokens, http_client
from tools.actions import get_action, propose
from tools.audit import AuditEntry, record_many
from tools.deps import Tx

GROWTH = Path(sys.executable).with_name("growth")
CONTENT = Principal.for_agent("demo", "content")


async def growth(db_url: str, *args: str) -> str:
    """The `growth` console script in its own process, as the operator runs it beside the server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")} | {
        "GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo"}
    done = await asyncio.to_thread(subprocess.run, [str(GROWTH), *args], capture_output=True, text=True, env=env,
                                   timeout=120)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


async def test_changes_made_by_other_processes_reach_the_servers_listeners(served: tuple[App, str], tokens: Tokens,
                                                                          db_url: str) -> None:
    app, url = served
    action = (await propose(app.deps, CONTENT, proposal())).action
    mine = f"growth://actions/{action.id}"
    heard: list[str] = []

    async def until(uri: str) -> None:
        with anyio.fail_after(15):
            async for event in events:
                heard.append(str(getattr(event, "uri", "")))
                if heard[-1] == uri:
                    return

    async with http_client(url, tokens.operator, "2026-07-28") as client:
        async with client.listen(resource_subscriptions=[mine, INBOX, NOTIFICATIONS]) as events:
            # the proposal above may still be on its way through the feed: what it sends is not this test's news
            with anyio.move_on_after(1.5 * app.settings.mcp_feed_seconds):
                async for _ in events:
                    pass
            # the operator approves from the command line, another process: the server did not make the change
            await growth(db_url, "actions", "approve", str(action.id), "--version", "1")
            await until(INBOX)
            assert mine in heard and heard.index(mine) < heard.index(INBOX)
            assert (await get_action(app.deps, Principal.operator("demo"), action_id=action.id))["action"][
                "status"] == "executed"
            # the kill switch from the command line; a second engine on the database tells the operator, as a
            # worker's notification pass does
            await growth(db_url, "kill-switch", "on", "--reason", "checking the feed")
            worker = await create_app(make_settings(db_url))
            try:
                from tools.notify_scan import notify_pass

                await notify_pass(worker.deps, "demo")
            finally:
                await worker.close()
            await until(NOTIFICATIONS)
    assert NOTIFICATIONS in heard


async def test_the_feed_follows_each_store_from_where_it_started_and_misses_nothing(app: App) -> None:
    await seed_store(app)
    await seed_store(app, "other")
    told: list[tuple[str, str]] = []

    async def publish(tenant: str, uri: str) -> None:
        told.append((tenant, uri))

    async def append(tenant: str, entries: list[AuditEntry]) -> None:
        async def txn(tx: Tx) -> None:
            await record_many(tx, app.deps, entries)

        await app.deps.db.transact(tenant, txn)

    await append("demo", [AuditEntry("agent:content", "action.proposed", "action:1", {})])
    feed = ChangeFeed(app.db, publish, interval=60)
    await feed.poll()  # starts at each store's end: what came before is not news
    assert told == []
    await append("demo", [AuditEntry("agent:content", "action.proposed", "action:7", {}),
                          AuditEntry("operator", "action.approved", "action:7", {}),
                          AuditEntry("executor:local", "action.executed", "action:8", {}),
                          AuditEntry("operator", "rule.added", "rule:2", {})])
    await append("other", [AuditEntry("system", "notify.kill_switch", "tenant:other", {})])
    await feed.poll()
    # each resource once per read, the inbox after the actions in it; each store's to its own listeners
    assert told == [("demo", "growth://actions/7"), ("demo", "growth://actions/8"), ("demo", INBOX),
                    ("other", NOTIFICATIONS)]
    told.clear()
    await feed.poll()
    assert told == []
    # a store that appears after the feed started is followed from its first event, in pages
    await seed_store(app, "third")
    await append("third", [AuditEntry("agent:content", "action.proposed", f"action:{i}", {}) for i in range(1, 1201)])
    await feed.poll()
    third = [uri for tenant, uri in told if tenant == "third"]
    assert len([u for u in third if u != INBOX]) == 1200 and third[-1] == INBOX


@pytest.mark.parametrize(("subject", "event", "expected"), [
    ("action:12", "action.approved", ["growth://actions/12", INBOX]),
    ("tenant:demo", "notify.digest", [NOTIFICATIONS]),
    ("action:x", "action.approved", []),
    ("rule:3", "rule.added", []),
])
def test_which_resources_an_audit_event_changes(subject: str, event: str, expected: list[str]) -> None:
    assert uris(subject, event) == expected
