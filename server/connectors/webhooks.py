"""POSTing webhook deliveries with httpx: one try per call (the retry schedule lives on the delivery row)."""

from __future__ import annotations

import httpx

from tools.webhook_types import WebhookResponse

TIMEOUT_S = 10.0


class HttpWebhookSender:
    def __init__(self, *, client: httpx.AsyncClient | None = None, timeout_s: float = TIMEOUT_S) -> None:
        # redirects are not followed: a signed event goes to the URL the operator subscribed, nowhere else
        self.client = client or httpx.AsyncClient(timeout=timeout_s, follow_redirects=False)
        self._own = client is None

    async def aclose(self) -> None:
        if self._own:
            await self.client.aclose()

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> WebhookResponse:
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            return WebhookResponse(None, "timed out")
        except httpx.HTTPError as exc:
            return WebhookResponse(None, f"{type(exc).__name__}: {exc}"[:500])
        return WebhookResponse(response.status_code, "" if response.is_success else
                               f"HTTP {response.status_code}: {response.text[:300]}")
