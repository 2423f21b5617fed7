"""Change notifications from the audit log, whichever process made the change.

Every change to an action, and every notification told, lands in its store's audit log
(``action:<id>`` subjects, ``notify.<kind>`` events). The feed follows each store's chain
with a cursor (its ``seq``: appends to one chain are serialised, so a cursor misses
nothing, on SQLite and on PostgreSQL) and hands what changed to the MCP listeners of that
store. A change made by this process wakes the feed at once; one made elsewhere — a
``growth worker`` running cycles and deliveries, a command line approving — is heard at
the next poll (``GROWTH_MCP_FEED_SECONDS``). Only this feed publishes, so a change is
heard once, in the order the log holds it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import anyio

from server.persistence.db import SqlDatabase
from tools.deps import Tx

log = logging.getLogger("growth.mcp.feed")

#: events read per query while catching up on one store
PAGE = 500
INBOX = "growth://inbox"
NOTIFICATIONS = "growth://notifications"

Publish = Callable[[str, str], Awaitable[None]]


def uris(subject: str, event: str) -> list[str]:
    """The resources an audit event changes, as MCP listeners name them."""
    if subject.startswith("action:") and subject[7:].isdigit():
        return [f"growth://actions/{subject[7:]}", INBOX]
    if event.startswith("notify."):
        return [NOTIFICATIONS]
    return []


class ChangeFeed:
    def __init__(self, db: SqlDatabase, publish: Publish, *, interval: float) -> None:
        self._db = db
        self._publish = publish
        self._interval = interval
        self._wake = anyio.Event()
        #: each store's cursor: the last seq handed on (None until the feed has started)
        self._at: dict[str, int] | None = None

    def nudge(self) -> None:
        """Something changed here: read the log now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Follow the log until cancelled; a failing read is logged and retried at the next poll."""
        while True:
            try:
                await self.poll()
            except Exception:  # noqa: BLE001 - the server outlives a failed read; the cursor has not moved
                log.warning("reading the audit log for change notifications failed; retrying", exc_info=True)
            with anyio.move_on_after(self._interval):
                await self._wake.wait()
            self._wake = anyio.Event()

    async def poll(self) -> None:
        heads = await self._db.audit_heads()
        if self._at is None:
            self._at = heads  # what happened before the server started is not news
            return
        for tenant, seq in heads.items():
            while (at := self._at.get(tenant, 0)) < seq:
                events = await self._db.query(tenant, lambda tx, at=at: _after(tx, at))
                if not events:
                    break
                changed = list(dict.fromkeys(u for subject, event, _ in events for u in uris(subject, event)))
                self._at[tenant] = events[-1][2]
                for uri in sorted(changed, key=lambda u: u == INBOX):  # the inbox after the actions in it
                    await self._publish(tenant, uri)


async def _after(tx: Tx, seq: int) -> list[tuple[str, str, int]]:
    return [(e.subject, e.event, e.seq) for e in await tx.audit.after(seq, limit=PAGE)]
