"""What shoppers may ask about: the catalogue, store policies, and their own orders."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

from policies.principal import Principal, Role
from tools.deps import Deps
from tools.errors import Forbidden, InvalidInput
from tools.registry import operation

_WORD = re.compile(r"[a-z0-9äöüßéèàç]+")


def tokens_of(query: str) -> list[str]:
    """The words a product search matches on: lower-case, plural-insensitive ("totes" finds "tote")."""
    words = [w for w in _WORD.findall(query.lower()) if len(w) > 1]
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words][:8]


@operation("catalog.search")
async def search_products(deps: Deps, principal: Principal, *, query: str, max_price: float | None = None,
                          limit: int = 5) -> list[dict[str, Any]]:
    """Active products matching the query, best match first, with price and stock."""
    if len(query) > 500:
        raise InvalidInput("the search text is too long (500 characters at most)", code="invalid_input")
    tokens = tokens_of(query)
    rows = await deps.db.query(principal.tenant, lambda tx: tx.store.search_products(
        tokens, max_price=max_price, limit=max(1, min(limit, 20))))
    return [{"handle": r["handle"], "title": r["title"], "vendor": r["vendor"], "type": r["product_type"],
             "price_from": r["price"], "in_stock": (r["stock"] or 0) > 0,
             "url": f"{deps.config.store_url}/products/{r['handle']}"} for r in rows]


async def product_facts(deps: Deps, principal: Principal, *, query: str) -> dict[str, Any] | None:
    """The best-matching product with its variants, prices and stock."""
    found = await search_products(deps, principal, query=query, limit=1)
    if not found:
        return None
    detail = await deps.db.query(principal.tenant, lambda tx: tx.store.product_detail(found[0]["handle"]))
    if detail is None:
        return None
    text = re.sub(r"<[^>]+>", " ", detail["body_html"] or "")
    return {"handle": detail["handle"], "title": detail["title"], "vendor": detail["vendor"],
            "description": " ".join(text.split())[:600], "tags": detail["tags"],
            "url": f"{deps.config.store_url}/products/{detail['handle']}",
            "variants": [{"sku": v["sku"], "title": v["title"], "price": v["price"],
                          "compare_at_price": v["compare_at_price"], "in_stock": v["inventory_qty"] > 0}
                         for v in detail["variants"]]}


@cache
def _policies() -> dict[str, str]:
    text = files("prompts").joinpath("store_policies.md").read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = block.partition("\n")
        sections[title.strip().lower()] = " ".join(body.split())
    return sections


@operation("store_policies.read")
async def store_policy(deps: Deps, principal: Principal, *, topic: str) -> dict[str, str]:
    sections = _policies()
    key = topic.strip().lower()
    if key not in sections:
        raise InvalidInput(f"no policy on {topic!r}; topics: {', '.join(sorted(sections))}", code="unknown_topic")
    return {"topic": key, "text": sections[key]}


def policy_topics() -> list[str]:
    return sorted(_policies())


@operation("orders.own")
async def my_orders(deps: Deps, principal: Principal, *, order_name: str | None = None,
                    limit: int = 5) -> list[dict[str, Any]]:
    """The calling customer's own orders — never anyone else's, whatever name is asked for."""
    customer = principal.customer_ref
    if principal.role is not Role.CUSTOMER or not customer:
        raise Forbidden("orders are answered for the authenticated customer only", code="forbidden")
    name = None
    if order_name:
        digits = order_name.strip().lstrip("#")
        if not digits.isdigit():
            raise InvalidInput(f"{order_name!r} is not an order number", code="invalid_input")
        name = f"#{digits}"
    rows = await deps.db.query(principal.tenant, lambda tx: tx.store.orders_for_customer(
        customer, name=name, limit=max(1, min(limit, 20))))
    return [{"name": r["name"], "placed": r["created_at"].date().isoformat(),
             "financial_status": r["financial_status"] or "pending", "fulfillment_status": r["fulfillment_status"]
             or "unfulfilled", "total": r["total"], "currency": r["currency"], "on_hold": bool(r["on_hold"])}
            for r in rows]
