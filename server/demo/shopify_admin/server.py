"""``ShopifyAdmin``: the test store behind ``POST /admin/api/<version>/graphql.json``.

A request goes through what Shopify does, in order: the access token
(``X-Shopify-Access-Token``, else 401), parsing and validation against the schema,
the requested cost (over the single-query maximum: ``MAX_COST_EXCEEDED``), the
token's access scopes (``ACCESS_DENIED``, nothing runs), the leaky bucket
(``THROTTLED``, nothing runs), then execution, with the actual cost refunded and
reported in ``extensions.cost``.

Mutations are counted per idempotency key, read from the ``Idempotency-Key`` request
header. Shopify's own ``@idempotent(key:)`` directive is not offered: in the Admin API
it belongs to a few inventory and refund mutations from 2026-01, none of the ones here,
and this schema is 2025-10's, so a document that uses it fails validation here as it
would on a store. A live store ignores the header, so a client may always send it.

The control methods (``fail``, ``slow``, ``throttle``, ``drift_*``, ``grant``) change
how the store behaves; ``mutations``, ``requests`` and ``mutation_count`` show what
happened. All of them are safe to call from the event loop the server runs on.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from graphql import GraphQLError, execute_sync, get_operation_ast, parse, validate
from graphql.execution.values import get_variable_values
from graphql.language import DocumentNode, FieldNode, OperationDefinitionNode
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.demo.shopify_admin import access
from server.demo.shopify_admin.cost import MAX_QUERY_COST, Bucket, query_cost
from server.demo.shopify_admin.mutations import mutation_root
from server.demo.shopify_admin.schema import build
from server.demo.shopify_admin.state import Metafield, Store, money, parse_gid, seed
from server.demo.shopify_admin.views import Views

VERSION = re.compile(r"^(\d{4}-(01|04|07|10)|unstable)$")
IDEMPOTENCY_HEADER = "idempotency-key"
RATE_LIMIT_DOCS = "https://shopify.dev/api/usage/rate-limits"
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
#: every scope the engine's executors use, for a token that should be able to do everything
FULL_ACCESS = ("read_products", "write_products", "read_orders", "read_merchant_managed_fulfillment_orders",
               "write_merchant_managed_fulfillment_orders", "read_third_party_fulfillment_orders",
               "write_third_party_fulfillment_orders", "read_online_store_pages", "write_online_store_pages")
_SCHEMA = build()


@dataclass(frozen=True)
class MutationRecord:
    name: str
    #: the request's idempotency key (None when it sent none)
    key: str | None
    arguments: dict[str, Any]
    #: the store changed (no userErrors)
    applied: bool
    at: float


@dataclass(frozen=True)
class RequestRecord:
    version: str
    #: ok, invalid, access_denied, throttled, max_cost_exceeded, unauthorized, failed
    outcome: str
    status: int
    root_fields: tuple[str, ...] = ()
    requested_cost: int = 0
    actual_cost: int | None = None
    key: str | None = None


@dataclass
class _Fault:
    remaining: int
    status: int
    after_apply: bool
    mutations_only: bool


@dataclass
class ShopifyAdmin:
    store: Store = field(default_factory=Store)
    #: access token -> the scopes granted to it (by default one token, shpat_test, that may do everything)
    tokens: dict[str, list[str]] = field(default_factory=lambda: {"shpat_test": list(FULL_ACCESS)})
    bucket: Bucket = field(default_factory=Bucket)
    max_query_cost: int = MAX_QUERY_COST
    #: the HTTP status of a THROTTLED answer (Shopify answers 200; 429 is seen in the wild too)
    throttled_status: int = 200
    latency_s: float = 0.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    mutations: list[MutationRecord] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    drifts: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    _faults: list[_Fault] = field(default_factory=list)
    _app: Starlette | None = None

    @classmethod
    def seeded(cls, data: dict[str, Any], **options: Any) -> ShopifyAdmin:
        """A store seeded from a dict in the Admin API's field names (see ``state.seed``)."""
        return cls(store=seed(data), **options)

    @property
    def app(self) -> Starlette:
        if self._app is None:
            self._app = Starlette(routes=[Route("/admin/api/{version}/graphql.json", self._graphql,
                                                methods=["POST"])])
        return self._app

    # --- control ---------------------------------------------------------------------------

    def grant(self, token: str, scopes: Iterable[str]) -> None:
        """Issue ``token`` with exactly these scopes (replacing what it had)."""
        self.tokens[token] = list(scopes)

    def revoke(self, token: str) -> None:
        self.tokens.pop(token, None)

    def fail(self, times: int = 1, *, status: int = 503, after_apply: bool = False,
             mutations_only: bool = False) -> None:
        """Answer the next ``times`` requests with ``status``; ``after_apply`` runs them first (the
        change is made, the answer is lost), ``mutations_only`` lets queries through."""
        self._faults.append(_Fault(times, status, after_apply, mutations_only))

    def slow(self, seconds: float) -> None:
        """Hold every request this long before answering."""
        self.latency_s = seconds

    def throttle(self, *, maximum: float | None = None, restore_rate: float | None = None,
                 available: float | None = None, http_status: int | None = None) -> None:
        """Resize the bucket (and set what is in it now)."""
        self.bucket.set(maximum=maximum, restore_rate=restore_rate, available=available)
        if http_status is not None:
            self.throttled_status = http_status

    def drift_product(self, ref: str, **changes: Any) -> None:
        """Change a product behind the engine's back: title, handle, description_html, seo_title, seo_description."""
        product = self.store.products.get(parse_gid(ref, "Product") or -1) or self.store.product_by_handle(ref)
        if product is None:
            raise KeyError(f"no product {ref!r}")
        self._drift("product", ref, product, changes, {"title", "handle", "description_html", "seo_title",
                                                        "seo_description", "status"})

    def drift_variant(self, sku: str, **changes: Any) -> None:
        """Change a variant's price or compare_at_price behind the engine's back."""
        variant = self.store.variant_by_sku(sku)
        if variant is None:
            raise KeyError(f"no variant {sku!r}")
        changes = {k: (money(v) if v is not None else None) for k, v in changes.items()}
        self._drift("variant", sku, variant, changes, {"price", "compare_at_price"})

    def drift_page(self, ref: str, **changes: Any) -> None:
        """Change a page behind the engine's back: title, handle, body, is_published, seo_title, seo_description
        (its ``global.title_tag`` / ``description_tag`` metafields; None or "" deletes one)."""
        page = self.store.pages.get(parse_gid(ref, "Page") or -1) or self.store.page_by_handle(ref)
        if page is None:
            raise KeyError(f"no page {ref!r}")
        for name, tag in (("seo_title", "title_tag"), ("seo_description", "description_tag")):
            if name in changes:
                value = changes.pop(name)
                if value:
                    page.metafields[("global", tag)] = Metafield(self.store.next_id(), "global", tag,
                                                                 "single_line_text_field", value)
                else:
                    page.metafields.pop(("global", tag), None)
                self.drifts.append(("page", ref, {name: value}))
        if changes:
            self._drift("page", ref, page, changes, {"title", "handle", "body", "is_published"})

    def drift_collection(self, ref: str, **changes: Any) -> None:
        """Change a collection behind the engine's back: title, handle, description_html, seo_title, seo_description."""
        found = self.store.collections.get(parse_gid(ref, "Collection") or -1) or self.store.collection_by_handle(ref)
        if found is None:
            raise KeyError(f"no collection {ref!r}")
        self._drift("collection", ref, found, changes, {"title", "handle", "description_html", "seo_title",
                                                         "seo_description"})

    def drift_order(self, name: str, *, status: str) -> None:
        """Set every fulfillment order of an order to ``status`` (a merchant fulfilled or cancelled it)."""
        order = self.store.order_by_name(name)
        if order is None:
            raise KeyError(f"no order {name!r}")
        for number in order.fulfillment_order_ids:
            self._drift("fulfillment_order", name, self.store.fulfillment_orders[number], {"status": status},
                        {"status"})

    def _drift(self, kind: str, ref: str, target: Any, changes: dict[str, Any], allowed: set[str]) -> None:
        unknown = set(changes) - allowed
        if unknown:
            raise TypeError(f"cannot drift {', '.join(sorted(unknown))} of a {kind}; choose from {sorted(allowed)}")
        for name, value in changes.items():
            setattr(target, name, value)
        self.drifts.append((kind, ref, changes))

    # --- observation -----------------------------------------------------------------------

    def mutation_count(self, key: str | None = None, *, name: str | None = None, applied_only: bool = True) -> int:
        """How many mutations ran (under ``key``; named ``name``); by default only the ones that changed the store."""
        return sum(1 for m in self.mutations if (key is None or m.key == key) and (name is None or m.name == name)
                   and (m.applied or not applied_only))

    def counts_by_key(self, *, applied_only: bool = True) -> Counter[str | None]:
        return Counter(m.key for m in self.mutations if m.applied or not applied_only)

    @property
    def throttled(self) -> int:
        return sum(1 for r in self.requests if r.outcome == "throttled")

    # --- the endpoint ----------------------------------------------------------------------

    async def _graphql(self, request: Request) -> JSONResponse:
        version = request.path_params["version"]
        if not VERSION.match(version):
            return JSONResponse({"errors": "Not Found"}, status_code=404)
        if self.latency_s:
            await self.sleep(self.latency_s)
        key = request.headers.get(IDEMPOTENCY_HEADER)
        scopes = self.tokens.get(request.headers.get("x-shopify-access-token", ""))
        if scopes is None:
            return self._answer(RequestRecord(version, "unauthorized", 401, key=key), {"errors": INVALID_TOKEN})
        try:
            body = await request.json()
            query = body["query"]
            variables = body.get("variables") or {}
            if not isinstance(query, str) or not isinstance(variables, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return self._answer(RequestRecord(version, "invalid", 400, key=key),
                                {"errors": {"query": "Required parameter missing or invalid"}})
        try:
            document = parse(query)
        except GraphQLError as exc:
            return self._answer(RequestRecord(version, "invalid", 200, key=key), {"errors": [exc.formatted]})
        problems = validate(_SCHEMA, document)
        operation = get_operation_ast(document, body.get("operationName"))
        if problems or operation is None:
            problems = problems or [GraphQLError("An operation name is required when the document holds more "
                                                 "than one operation")]
            return self._answer(RequestRecord(version, "invalid", 200, key=key),
                                {"errors": [p.formatted for p in problems]})
        coerced = get_variable_values(_SCHEMA, operation.variable_definitions or [], variables)
        if isinstance(coerced, list):
            return self._answer(RequestRecord(version, "invalid", 200, key=key),
                                {"errors": [p.formatted for p in coerced]})
        return self._run(version, key, scopes, document, operation, coerced, variables, body.get("operationName"))

    def _run(self, version: str, key: str | None, scopes: list[str], document: DocumentNode,
             operation: OperationDefinitionNode, variables: dict[str, Any], raw: dict[str, Any],
             name: str | None) -> JSONResponse:
        """``variables`` coerced to the schema's types (for the cost), ``raw`` as sent (for execution)."""
        roots = tuple(s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode))
        is_mutation = operation.operation.value == "mutation"
        fault = self._fault(is_mutation)
        if fault is not None and not fault.after_apply:
            return self._failed(RequestRecord(version, "failed", fault.status, roots, key=key))
        try:
            requested = query_cost(_SCHEMA, document, operation, variables)
        except GraphQLError as exc:
            return self._answer(RequestRecord(version, "invalid", 200, roots, key=key), {"errors": [exc.formatted]})
        if requested > self.max_query_cost:
            message = (f"Query cost is {requested}, which exceeds the single query max cost limit "
                       f"({self.max_query_cost}).")
            return self._answer(RequestRecord(version, "max_cost_exceeded", 200, roots, requested, key=key), {
                "errors": [{"message": message, "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested,
                                                               "maxCost": self.max_query_cost}}]})
        denied = access.denied(_SCHEMA, document, operation, scopes)
        if denied:
            return self._answer(RequestRecord(version, "access_denied", 200, roots, requested, 0, key), {
                "errors": [e.formatted for e in denied], "data": None, "extensions": self._cost(requested, 0)})
        if not self.bucket.take(requested):
            return self._answer(RequestRecord(version, "throttled", self.throttled_status, roots, requested, None, key),
                                {"errors": [{"message": "Throttled", "extensions": {
                                    "code": "THROTTLED", "documentation": RATE_LIMIT_DOCS}}],
                                 "extensions": self._cost(requested, None)})
        views = Views(self.store)

        def record(mutation: str, arguments: dict[str, Any], applied: bool) -> None:
            self.mutations.append(MutationRecord(mutation, key, arguments, applied, self.clock()))

        root = mutation_root(self.store, views, record) if is_mutation else views.query_root(scopes)
        result = execute_sync(_SCHEMA, document, root_value=root, variable_values=raw, operation_name=name)
        actual = query_cost(_SCHEMA, document, operation, variables, result.data, actual=True) \
            if result.data is not None else 0
        self.bucket.give(max(0, requested - actual))
        answer: dict[str, Any] = {}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        answer["data"] = result.data
        answer["extensions"] = self._cost(requested, actual)
        if fault is not None:  # it ran; the answer is lost on the way back
            return self._failed(RequestRecord(version, "failed", fault.status, roots, requested, actual, key))
        return self._answer(RequestRecord(version, "ok", 200, roots, requested, actual, key), answer)

    def _fault(self, is_mutation: bool) -> _Fault | None:
        for fault in self._faults:
            if fault.remaining > 0 and (is_mutation or not fault.mutations_only):
                fault.remaining -= 1
                return fault
        return None

    def _cost(self, requested: int, actual: int | None) -> dict[str, Any]:
        return {"cost": {"requestedQueryCost": requested, "actualQueryCost": actual,
                         "throttleStatus": self.bucket.status()}}

    def _failed(self, seen: RequestRecord) -> JSONResponse:
        return self._answer(seen, {"errors": HTTPStatus(seen.status).phrase})

    def _answer(self, seen: RequestRecord, body: dict[str, Any]) -> JSONResponse:
        self.requests.append(seen)
        return JSONResponse(body, status_code=seen.status)
