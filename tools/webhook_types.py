"""What the webhook operations need from storage and from the network (implemented in ``server``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class WebhookEndpointRecord:
    id: int
    url: str
    topics: list[str]
    created_by: str
    created_at: datetime
    removed_at: datetime | None


@dataclass(frozen=True, slots=True)
class WebhookDeliveryRecord:
    id: int
    endpoint_id: int
    message_id: str
    topic: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class WebhookResponse:
    """What one POST came to: the HTTP status, or ``None`` with the error (timeout, refused...)."""
    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookSender(Protocol):
    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> WebhookResponse:
        """POST once; never raises for a network fault or a status, returns it."""
        ...


class WebhookRepo(Protocol):
    """The tenant's endpoints (the secret sealed with the vault key) and the deliveries queued for them."""

    async def add_endpoint(self, *, url: str, topics: list[str], secret: str, by: str,
                           now: datetime) -> WebhookEndpointRecord: ...

    async def endpoints(self, *, include_removed: bool = False) -> list[WebhookEndpointRecord]: ...

    async def remove_endpoint(self, endpoint_id: int, *, now: datetime) -> WebhookEndpointRecord | None:
        """Mark it removed and cancel its pending deliveries."""
        ...

    async def secret(self, endpoint_id: int) -> str | None: ...

    async def enqueue(self, rows: list[tuple[int, str, str, dict[str, Any]]], *, now: datetime) -> None:
        """(endpoint id, message id, topic, payload) rows, due now."""
        ...

    async def claim_due(self, *, now: datetime, claim_until: datetime, limit: int,
                        ids: list[int] | None = None, topic_prefix: str | None = None) -> list[WebhookDeliveryRecord]:
        """Take due pending rows (of topics starting ``topic_prefix``, if given) for one attempt each: their
        attempt count goes up and they are not due again before ``claim_until``; a row another pass has
        taken is skipped."""
        ...

    async def settle(self, delivery_id: int, *, attempt: int, status: str, next_attempt_at: datetime | None,
                     response: WebhookResponse, now: datetime) -> bool:
        """Record attempt ``attempt``'s outcome, unless the row moved on since (a lapsed claim)."""
        ...

    async def deliveries(self, *, status: str | None = None, limit: int = 100) -> list[WebhookDeliveryRecord]: ...

    async def get_delivery(self, delivery_id: int) -> WebhookDeliveryRecord | None: ...

    async def requeue(self, delivery_id: int, *, now: datetime) -> bool: ...
