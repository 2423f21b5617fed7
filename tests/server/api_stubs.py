"""Loopback servers speaking the documented shapes of Google's token endpoint, Search Console
``searchAnalytics.query``, GA4 ``runReport`` and Shopify's Admin GraphQL (with its cost bucket).

Time is a shared fake clock: the connectors' injected sleep advances it, and the stubs
read it for Retry-After and for the Shopify bucket's refill, so tests never sleep.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SITE = "sc-domain:shop.example"
PROPERTY = "123456"


@dataclass
class FakeClock:
    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class GoogleStub:
    clock: FakeClock
    refresh_token: str = "refresh-1"
    #: a service account's public key, to check signed assertions
    public_key: rsa.RSAPublicKey | None = None
    revoked: bool = False
    #: the next API call with this token answers 401 (an access token that expired early)
    expire_next: bool = False
    #: answer the first call of each API 429 with this Retry-After
    retry_after: int | None = None
    #: answer this many GA4 calls 503 before serving
    unavailable: int = 0
    gsc_rows: list[dict[str, Any]] = field(default_factory=list)
    ga4_rows: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _limited: set[str] = field(default_factory=set)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/token", self.token, methods=["POST"]),
            Route("/webmasters/v3/sites/{site:path}/searchAnalytics/query", self.gsc, methods=["POST"]),
            Route("/v1beta/properties/{prop}:runReport", self.ga4, methods=["POST"]),
        ])

    async def token(self, request: Request) -> JSONResponse:
        form = dict(await request.form())
        if form.get("grant_type") == "refresh_token":
            if self.revoked or form.get("refresh_token") != self.refresh_token:
                return JSONResponse({"error": "invalid_grant", "error_description": "Token has been expired or "
                                                                                      "revoked."}, status_code=400)
        elif form.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            head, claims, signature = str(form["assertion"]).split(".")
            assert self.public_key is not None
            self.public_key.verify(_b64decode(signature), f"{head}.{claims}".encode(), padding.PKCS1v15(),
                                   hashes.SHA256())
            assert json.loads(_b64decode(claims))["scope"]
        else:
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        token = f"access-{len(self.tokens) + 1}"
        self.tokens.append(token)
        return JSONResponse({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _refuse(self, request: Request, api: str) -> JSONResponse | None:
        auth = request.headers.get("authorization", "")
        if not self.tokens or auth != f"Bearer {self.tokens[-1]}":
            return JSONResponse({"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                           "status": "UNAUTHENTICATED"}}, status_code=401)
        if self.expire_next:
            self.expire_next = False
            return JSONResponse({"error": {"code": 401, "message": "Token expired", "status": "UNAUTHENTICATED"}},
                                status_code=401)
        if self.retry_after is not None and api not in self._limited:
            self._limited.add(api)
            return JSONResponse({"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}},
                                status_code=429, headers={"retry-after": str(self.retry_after)})
        return None

    async def gsc(self, request: Request) -> JSONResponse:
        refused = self._refuse(request, "gsc")
        if refused is not None:
            return refused
        assert request.path_params["site"] == SITE
        body = await request.json()
        self.requests.append(("gsc", body))
        start, limit = int(body.get("startRow", 0)), int(body["rowLimit"])
        return JSONResponse({"rows": self.gsc_rows[start:start + limit], "responseAggregationType": "byPage"})

    async def ga4(self, request: Request) -> JSONResponse:
        if self.unavailable:
            self.unavailable -= 1
            return JSONResponse({"error": {"code": 503, "message": "The service is unavailable."}}, status_code=503)
        refused = self._refuse(request, "ga4")
        if refused is not None:
            return refused
        assert request.path_params["prop"] == PROPERTY
        body = await request.json()
        self.requests.append(("ga4", body))
        offset, limit = int(body.get("offset", 0)), int(body["limit"])
        return JSONResponse({
            "dimensionHeaders": [{"name": d["name"]} for d in body["dimensions"]],
            "metricHeaders": [{"name": m["name"], "type": "TYPE_INTEGER"} for m in body["metrics"]],
            "rows": self.ga4_rows[offset:offset + limit], "rowCount": len(self.ga4_rows),
            "metadata": {"currencyCode": "USD", "timeZone": "America/New_York"}, "kind": "analyticsData#runReport"})


@dataclass
class ShopifyStub:
    clock: FakeClock
    token: str = "shpat_test"
    products: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    page: int = 2
    #: Shopify's bucket: capacity, refill per second, and what each query costs
    maximum: float = 100.0
    restore_rate: float = 50.0
    cost: float = 60.0
    available: float = 100.0
    last_refill: float = 0.0
    throttled: int = 0
    queries: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/admin/api/{version}/graphql.json", self.graphql, methods=["POST"])])

    def _refill(self) -> None:
        self.available = min(self.maximum, self.available + (self.clock.now - self.last_refill) * self.restore_rate)
        self.last_refill = self.clock.now

    def _extensions(self, actual: float | None) -> dict[str, Any]:
        return {"cost": {"requestedQueryCost": self.cost, "actualQueryCost": actual,
                         "throttleStatus": {"maximumAvailable": self.maximum,
                                            "currentlyAvailable": self.available, "restoreRate": self.restore_rate}}}

    async def graphql(self, request: Request) -> JSONResponse:
        if request.headers.get("x-shopify-access-token") != self.token:
            return JSONResponse({"errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                                           "password)"}, status_code=401)
        body = await request.json()
        self.queries.append(body)
        self._refill()
        if self.available < self.cost:
            self.throttled += 1
            return JSONResponse({"errors": [{"message": "Throttled", "extensions": {
                "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                "extensions": self._extensions(None)})
        self.available -= self.cost
        query, variables = body["query"], body["variables"]
        start = int(variables.get("cursor") or 0)
        if "MoreVariants" in query or "MoreLines" in query:
            # the rest of one product's variants or one order's line items, as Shopify pages them
            root, inner, items = (("product", "variants", self.products) if "MoreVariants" in query
                                  else ("order", "lineItems", self.orders))
            node = next(i for i in items if i.get("id") == variables["id"])
            size = _first(query, inner)
            return JSONResponse({"data": {root: {inner: _page(node[inner]["nodes"], start, size)}},
                                 "extensions": self._extensions(self.cost)})
        root, inner = ("products", "variants") if "products(" in query else ("orders", "lineItems")
        items = self.products if root == "products" else self.orders
        chunk = [{**i, inner: _page(i[inner]["nodes"], 0, _first(query, inner))} for i in items[start:start + self.page]]
        end = start + len(chunk)
        return JSONResponse({"data": {root: {"nodes": chunk, "pageInfo": {"hasNextPage": end < len(items),
                                                                          "endCursor": str(end)}}},
                             "extensions": self._extensions(self.cost)})


def _first(query: str, field: str) -> int:
    """The page size the query asks of ``field`` (``variants(first: 25``)."""
    import re

    m = re.search(field + r"\(first: (\d+)", query)
    return int(m.group(1)) if m else 10_000


def _page(nodes: list[Any], start: int, size: int) -> dict[str, Any]:
    chunk = nodes[start:start + size]
    end = start + len(chunk)
    return {"nodes": chunk, "pageInfo": {"hasNextPage": end < len(nodes), "endCursor": str(end)}}
