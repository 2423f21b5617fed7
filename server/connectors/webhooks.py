"""POSTing webhook deliveries with httpx: one try per call (the retry schedule lives on the delivery row).

Before each POST the receiver's host is resolved and every address checked (``tools.addresses``):
a public name that leads to this machine, a private network (unless allowed) or cloud metadata is refused,
so a webhook cannot be used to reach what only the server can reach. The POST then goes to an address that
was checked, not to the name: the URL carries the address, the ``Host`` header the name, and TLS the name
too (``sni_hostname``: the certificate is verified against it), so a name that answers differently a moment
later (DNS rebinding) cannot steer the request elsewhere. Redirects are never followed, and proxies from
the environment are not used (a proxy would look the name up again).
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
        # no connection is kept for another request: one is opened to an address for one name, and a second
        # name at the same address must have its own certificate checked, not ride on the first one's
        self.client = client or httpx.AsyncClient(timeout=timeout_s, follow_redirects=False, trust_env=False,
                                                  limits=httpx.Limits(max_keepalive_connections=0))
        self._own = client is None
        self.allow_private = allow_private
        self.resolve = resolve

    async def aclose(self) -> None:
        if self._own:
            await self.client.aclose()

    async def refused(self, url: str) -> str | None:
        """Why ``url`` must not be reached from this server, or None."""
        checked = await self.addresses(url)
        return checked if isinstance(checked, str) else None

    async def addresses(self, url: str) -> list[str] | None | str:
        """The addresses ``url``'s host resolves to, every one checked; None for this machine named as such
        (sent as it is); or why it must not be reached."""
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
        if not addresses:
            return f"refused: {host} resolves to no address"
        for address in addresses:
            if is_loopback_host(address):
                return f"refused: {host} resolves to this machine ({address})"
            closed = closed_address(address, allow_private=self.allow_private)
            if closed is not None:
                return f"refused: {host} resolves to {closed}"
        return list(dict.fromkeys(addresses))

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> WebhookResponse:
        checked = await self.addresses(url)
        if isinstance(checked, str):
            return WebhookResponse(None, checked)
        try:
            response = await self._send(url, checked, body=body, headers=headers)
        except httpx.TimeoutException:
            return WebhookResponse(None, "timed out")
        except httpx.HTTPError as exc:
            return WebhookResponse(None, f"{type(exc).__name__}: {exc}"[:500])
        return WebhookResponse(response.status_code, "" if response.is_success else
                               f"HTTP {response.status_code}: {response.text[:300]}")

    async def _send(self, url: str, addresses: list[str] | None, *, body: bytes,
                    headers: dict[str, str]) -> httpx.Response:
        """POST to the checked addresses in turn (the next only when one cannot be connected to)."""
        if addresses is None:
            return await self.client.post(url, content=body, headers=headers)
        parts = urlsplit(url)
        host = parts.hostname or ""
        named = {**headers, "Host": parts.netloc.rsplit("@", 1)[-1]}
        tls = {"sni_hostname": host} if parts.scheme == "https" else {}
        for i, address in enumerate(addresses):
            literal = f"[{address}]" if ":" in address else address
            pinned = parts._replace(netloc=literal + (f":{parts.port}" if parts.port else "")).geturl()
            request = self.client.build_request("POST", pinned, content=body, headers=named, extensions=tls)
            try:
                return await self.client.send(request)
            except httpx.ConnectError:
                if i == len(addresses) - 1:
                    raise
        raise AssertionError("unreachable: addresses is never empty")
