"""Change notifications for ``subscriptions/listen``, scoped to the listener's tenant and rights.

The SDK's in-memory bus hands every event to every open stream and filters by URI only;
two stores share URIs (``growth://actions/5``). This bus remembers who opened each stream
(the guard has set the principal when the listen request subscribes) and delivers a
store's event only to listeners of that store who may read that resource: another
tenant's operator, and a customer, hear nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import anyio.lowlevel
from mcp.shared.subscriptions import ResourceUpdated, ServerEvent

from policies.abac import authorize
from policies.principal import Principal
from server.mcp.identity import CURRENT

logger = logging.getLogger(__name__)
Listener = Callable[[ServerEvent], None]


def _operation(uri: str) -> str:
    return "actions.list" if uri == "growth://inbox" else "actions.get"


class TenantBus:
    """A ``SubscriptionBus`` whose store events reach only that store's readers."""

    def __init__(self) -> None:
        self._listeners: dict[object, tuple[Listener, Principal | None]] = {}

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        token = object()
        self._listeners[token] = (listener, CURRENT.get())

        def unsubscribe() -> None:
            self._listeners.pop(token, None)

        return unsubscribe

    async def publish(self, event: ServerEvent) -> None:
        """Events about the server itself (its lists of tools, prompts, resources): everyone may hear them."""
        await self._deliver(event, lambda who: who is not None)

    async def publish_for(self, tenant: str, event: ResourceUpdated) -> None:
        """An event about one store's resource: only that store's listeners who may read it."""
        operation = _operation(str(event.uri))
        await self._deliver(event, lambda who: who is not None and who.tenant == tenant
                            and authorize(who, operation, tenant).allowed)

    async def _deliver(self, event: ServerEvent, may: Callable[[Principal | None], bool]) -> None:
        for listener, who in list(self._listeners.values()):
            if not may(who):
                continue
            try:
                listener(event)
            except Exception:  # fan-out boundary: one broken stream must not starve the others
                logger.exception("subscription listener raised; continuing")
        await anyio.lowlevel.checkpoint()
