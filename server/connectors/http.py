"""HTTP with the manners APIs expect: retry 429 after Retry-After, back off on 5xx, refresh
credentials once on 401, and say clearly what went wrong when it still fails."""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any, Protocol

import httpx

from tools.sync import ConnectorError

Sleep = Callable[[float], Awaitable[None]]
RETRY_STATUSES = {429, 500, 502, 503, 504}
#: never wait longer than this for one Retry-After (a longer one is reported instead)
MAX_WAIT_S = 300.0


class Auth(Protocol):
    async def headers(self, client: Http) -> dict[str, str]: ...

    async def refresh(self, client: Http) -> None:
        """Get fresh credentials after a 401; raise ConnectorError if that is impossible."""
        ...


def retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("retry-after")
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    when = email.utils.parsedate_to_datetime(value)
    if when is None:
        return default
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class Http:
    def __init__(self, *, client: httpx.AsyncClient | None = None, sleep: Sleep = asyncio.sleep,
                 attempts: int = 5, backoff_s: float = 1.0, timeout_s: float = 60.0) -> None:
        self.client = client or httpx.AsyncClient(timeout=timeout_s)
        self._own = client is None
        self.sleep = sleep
        self.attempts = attempts
        self.backoff_s = backoff_s
        #: how long the client waited on the API's say-so (for reports and tests)
        self.waited_s = 0.0

    async def aclose(self) -> None:
        if self._own:
            await self.client.aclose()

    async def request(self, method: str, url: str, *, what: str, auth: Auth | None = None,
                      json: Any = None, data: Any = None) -> httpx.Response:
        refreshed = False
        for attempt in range(1, self.attempts + 1):
            headers = await auth.headers(self) if auth is not None else {}
            try:
                response = await self.client.request(method, url, json=json, data=data, headers=headers)
            except httpx.TransportError as exc:
                if attempt == self.attempts:
                    raise ConnectorError(f"{what}: cannot reach {url} ({type(exc).__name__})",
                                         code="api_unreachable") from None
                await self._wait(self.backoff_s * 2 ** (attempt - 1))
                continue
            if response.status_code == 401 and auth is not None and not refreshed:
                refreshed = True
                await auth.refresh(self)
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.attempts:
                wait = retry_after(response, self.backoff_s * 2 ** (attempt - 1))
                if wait > MAX_WAIT_S:
                    raise ConnectorError(f"{what}: the API asks to wait {wait:.0f} s (quota); try again later",
                                         code="rate_limited")
                await self._wait(wait)
                continue
            if response.status_code >= 400:
                raise _failure(what, response)
            return response
        raise AssertionError("unreachable")

    async def _wait(self, seconds: float) -> None:
        self.waited_s += seconds
        await self.sleep(seconds)


def _failure(what: str, response: httpx.Response) -> ConnectorError:
    detail = _message(response)
    if response.status_code == 401:
        return ConnectorError(f"{what}: the credentials were refused ({detail}); re-authorize and update the "
                              "credentials file", code="credentials_invalid")
    if response.status_code == 403:
        return ConnectorError(f"{what}: access denied ({detail}); check the account has access to this "
                              "property or store", code="access_denied")
    if response.status_code == 429:
        return ConnectorError(f"{what}: still rate limited after retries ({detail})", code="rate_limited")
    return ConnectorError(f"{what}: HTTP {response.status_code} ({detail})", code="api_error")


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            return str(err.get("message") or err.get("status") or err)[:200]
        if isinstance(err, str):
            return f"{err}: {body.get('error_description', '')}"[:200]
        if body.get("errors"):
            return str(body["errors"])[:200]
    return str(body)[:200]
