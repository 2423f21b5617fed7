"""POSTing webhook deliveries with httpx: one try per call (the retry schedule lives on the delivery row).

Before each POST the receiver's host is resolved and every address checked (``tools.addresses``):
a public name that leads to this machine, a private network (unless allowed) or cloud metadata is refused,
so a webhook cannot be used to reach what only the server can reach. (A name that changes its answer between
this check and httpx's own lookup is not caught; redirects are never followed.)
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import anyio
import httpx

from tools.webhook_types import WebhookResponse
from tools.addresses import closed_address, is_loopback_host

TIMEOUT_S = 10.0

#: host, port -> the addresses the name resolves to
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve_host(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class HttpWebhookSender:
    def __init__(self, *, client: httpx.AsyncClient | None = None, timeout_s: float = TIMEOUT_S,
                 allow_private: bool = False, resolve: Resolver = resolve_host) -> None:
        # redirects are not followed: a signed event goes to the URL the operator subscribed, nowhere else
        self.client = client or httpx.AsyncClient(timeout=timeout_s, follow_redirects=False)
        self._own = client is None
        self.allow_private = allow_private
        self.resolve = resolve

    async def aclose(self) -> None:
        if self._own:
            await self.client.aclose()

    async def refused(self, url: str) -> str | None:
        """Why ``url`` must not be reached from this server, or None."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if is_loopback_host(host):
            return None  # this machine, named as such (http is allowed only here)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses = await self.resolve(host, port)
        except (OSError, ValueError) as exc:
            # fail closed: a name that cannot be checked is not sent to (the row is retried later)
            return f"refused: {host} could not be resolved to check where it leads ({exc})"
        for address in addresses:
            if is_loopback_host(address):
                return f"refused: {host} resolves to this machine ({address})"
            closed = closed_address(address, allow_private=self.allow_private)
            if closed is not None:
                return f"refused: {host} resolves to {closed}"
        return None

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> WebhookResponse:
        refused = await self.refused(url)
        if refused is not None:
            return WebhookResponse(None, refused)
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            return WebhookResponse(None, "timed out")
        except httpx.HTTPError as exc:
            return WebhookResponse(None, f"{type(exc).__name__}: {exc}"[:500])
        return WebhookResponse(response.status_code, "" if response.is_success else
                               f"HTTP {response.status_code}: {response.text[:300]}")
