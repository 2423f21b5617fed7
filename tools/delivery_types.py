"""What delivery to the live store needs from the outside: its rows (``DeliveryRepo``) and the store
itself (``LiveStore``), as Protocols owned here and implemented in ``server/``."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from tools.records import StoreCredentials

#: a delivery's states; ``cancelled``: rolled back in the engine before it ever reached the store;
#: ``skipped``: no channel delivers this effect yet (the reason says so)
STATES = ("pending", "delivering", "delivered", "delivery_failed", "conflict", "cancelled", "skipped")
FINAL = frozenset({"delivered", "delivery_failed", "conflict", "cancelled", "skipped"})
#: the outbox topics a store channel delivers
TOPICS = ("page.seo_updated", "variant.price_changed", "order.held", "order.released", "landing_page.published",
          "landing_page.unpublished", "page.links_added", "page.links_removed",
          # the e-mail and task channels (tools.delivery_message_plan)
          "purchase_order.created", "purchase_order.cancelled", "task.opened", "task.cancelled", "ticket.opened",
          "ticket.cancelled")


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    id: int
    outbox_id: int
    action_id: int
    channel: str
    op: str
    resource: str
    expected: dict[str, Any]
    target: dict[str, Any]
    state: str
    attempts: int
    reason: str
    error_code: str
    live: dict[str, Any] | None
    remote_ids: dict[str, Any]
    response: dict[str, Any]
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
    #: the outbox event's identity, sent as the store's idempotency key
    dedupe_key: str = ""


@dataclass(frozen=True, slots=True)
class NewDelivery:
    outbox_id: int
    action_id: int
    channel: str
    op: str
    resource: str
    expected: dict[str, Any]
    target: dict[str, Any]
    state: str = "pending"
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Settlement:
    """How one attempt ended: the row's next state and what to keep of it."""

    state: str
    reason: str = ""
    error_code: str = ""
    live: dict[str, Any] | None = None
    remote_ids: dict[str, Any] = field(default_factory=dict)
    response: dict[str, Any] = field(default_factory=dict)
    next_attempt_at: datetime | None = None


class DeliveryRepo(Protocol):
    async def undelivered_events(self, topics: tuple[str, ...], *,
                                 limit: int) -> list[tuple[int, int | None, str, dict[str, Any], str]]:
        """(outbox id, action id, topic, payload, dedupe key) of ``topics`` events with no delivery row yet."""
        ...
    async def add_many(self, rows: list[NewDelivery], *, now: datetime) -> int:
        """Insert, skipping events that already have a delivery; returns how many were new."""
        ...
    async def due(self, *, now: datetime, limit: int) -> list[tuple[int, str, int, datetime | None]]:
        """(id, channel, attempts, next attempt) of each claimable delivery, oldest first, unlocked."""
        ...
    async def next_due(self, *, now: datetime, channels: tuple[str, ...] | None = None) -> DeliveryRecord | None:
        """The oldest claimable delivery (pending and due, or delivering with a lapsed claim), locked;
        with ``channels``, of those channels only."""
        ...
    async def claim(self, delivery_id: int, *, attempt: int, now: datetime, until: datetime) -> DeliveryRecord | None:
        """``attempt`` → ``attempt + 1`` and ``delivering`` until ``until``, if still claimable; else None."""
        ...
    async def settle(self, delivery_id: int, *, attempt: int, result: Settlement, now: datetime) -> bool:
        """Record how the claimed attempt ended; False if the claim was lost meanwhile."""
        ...
    async def cancel(self, delivery_id: int, *, reason: str, now: datetime) -> bool:
        """A pending delivery that must never run (its action was rolled back in the engine first)."""
        ...
    async def set_pending_reason(self, reason: str, *, now: datetime, channel: str | None = None) -> int:
        """Say why every pending delivery (of ``channel``) waits (no connection); returns how many changed."""
        ...
    async def reopen(self, delivery_id: int, *, reason: str, now: datetime,
                     expected: dict[str, Any] | None = None) -> DeliveryRecord | None:
        """A failed or conflicting delivery back to ``pending``, due now (and with new ``expected`` values:
        the operator chose to overwrite); None if it is in neither state."""
        ...
    async def recent(self, *, states: tuple[str, ...] | None, channel: str | None, action_id: int | None,
                     limit: int) -> list[DeliveryRecord]:
        """The newest deliveries first, filtered."""
        ...
    async def defer(self, delivery_id: int, *, until: datetime, reason: str, now: datetime) -> None: ...
    async def for_action(self, action_id: int) -> list[DeliveryRecord]: ...
    async def latest_states(self, action_ids: list[int]) -> dict[int, str]:
        """Each action's newest delivery state (skipped ones aside); actions never delivered are absent."""
        ...
    async def get(self, delivery_id: int) -> DeliveryRecord | None: ...


class DeliveryError(Exception):
    """The store refused or could not be reached. ``transient``: worth another attempt later."""

    def __init__(self, message: str, *, code: str, transient: bool = False,
                 response: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.transient = transient
        self.response = response or {}


@dataclass(frozen=True, slots=True)
class LiveProduct:
    id: str
    seo_title: str
    seo_description: str
    description_html: str = ""


@dataclass(frozen=True, slots=True)
class LivePage:
    id: str
    handle: str
    title: str
    body: str
    is_published: bool
    #: the page's ``global.title_tag`` / ``global.description_tag`` metafields ("" when unset)
    seo_title: str = ""
    seo_description: str = ""


@dataclass(frozen=True, slots=True)
class LiveCollection:
    id: str
    handle: str
    description_html: str
    seo_title: str
    seo_description: str


@dataclass(frozen=True, slots=True)
class LiveVariant:
    id: str
    product_id: str
    price: float
    compare_at_price: float | None


@dataclass(frozen=True, slots=True)
class LiveHold:
    id: str
    handle: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class LiveFulfillmentOrder:
    id: str
    #: Shopify's status: OPEN, ON_HOLD, SCHEDULED, IN_PROGRESS, INCOMPLETE, CLOSED, CANCELLED
    status: str
    holds: tuple[LiveHold, ...] = ()


@dataclass(frozen=True, slots=True)
class LiveOrder:
    id: str
    name: str
    fulfillment_orders: tuple[LiveFulfillmentOrder, ...]


class LiveStore(Protocol):
    """The live store's products, variants and orders, read and written; every failure is a ``DeliveryError``."""

    async def product(self, *, handle: str | None = None, product_id: str | None = None) -> LiveProduct | None: ...
    async def set_product_seo(self, product_id: str, seo: dict[str, str], *, key: str) -> dict[str, Any]:
        """``seo``: title and/or description. Returns a summary of the response."""
        ...
    async def variant(self, *, sku: str | None = None, variant_id: str | None = None) -> LiveVariant | None: ...
    async def set_variant_prices(self, product_id: str, variant_id: str, *, price: float,
                                 compare_at_price: float | None, key: str) -> dict[str, Any]: ...
    async def order(self, *, name: str | None = None, order_id: str | None = None) -> LiveOrder | None:
        """An order with its fulfillment orders and their holds, by name (``#1042``) or id."""
        ...
    async def hold_fulfillment_order(self, fulfillment_order_id: str, *, reason: str, notes: str, handle: str,
                                     key: str) -> dict[str, Any]: ...
    async def release_fulfillment_order(self, fulfillment_order_id: str, *, hold_ids: list[str],
                                        key: str) -> dict[str, Any]: ...
    async def page(self, *, handle: str | None = None, page_id: str | None = None) -> LivePage | None: ...
    async def collection(self, *, handle: str | None = None,
                         collection_id: str | None = None) -> LiveCollection | None: ...
    async def set_page_seo(self, page_id: str, seo: dict[str, str], *, key: str) -> dict[str, Any]:
        """``seo``: title and/or description; an empty one removes the page's own (its metafield)."""
        ...
    async def set_collection_seo(self, collection_id: str, seo: dict[str, str], *, key: str) -> dict[str, Any]: ...
    async def set_body(self, owner_id: str, html: str, *, key: str) -> dict[str, Any]:
        """Replace the body (``descriptionHtml``) of the product, page or collection ``owner_id`` names."""
        ...
    async def create_page(self, *, title: str, handle: str, body: str, seo_title: str,
                          key: str) -> dict[str, Any]:
        """An unpublished page; the response's ``result.page.id`` is its id."""
        ...
    async def delete_page(self, page_id: str, *, key: str) -> dict[str, Any]: ...


class LiveStores(Protocol):
    """Opens a ``LiveStore`` with a tenant's credentials, for one relay pass."""

    def open(self, credentials: StoreCredentials) -> AbstractAsyncContextManager[LiveStore]: ...
