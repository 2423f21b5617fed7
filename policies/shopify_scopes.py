"""Which Shopify Admin API access scopes each action kind needs to reach the live store.

The scopes are the ones Shopify's reference lists for the mutations and reads each
executor uses: ``productUpdate`` (SEO, a product's body), ``collectionUpdate`` (a
collection's SEO and description) and ``productVariantsBulkUpdate`` (prices) need
``write_products``; ``pageUpdate`` (a page's body, its SEO metafields), ``metafieldsDelete``
(clearing one), ``pageCreate`` and ``pageDelete`` (landing-page drafts) need
``write_online_store_pages`` or ``write_content``;
``fulfillmentOrderHold`` and ``fulfillmentOrderReleaseHold`` need
``write_merchant_managed_fulfillment_orders`` for orders the merchant ships and
``write_third_party_fulfillment_orders`` for orders a fulfilment service ships, and
finding the order needs ``read_orders``. A write scope grants read access to the same
resource. Kinds delivered by e-mail, webhook or inside the engine need none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from policies.kinds import KINDS


@dataclass(frozen=True, slots=True)
class Need:
    """One resource an executor touches, and the scopes of which any one will do."""

    what: str
    any_of: tuple[str, ...]
    #: empty when always needed; otherwise when (e.g. only if a fulfilment service ships some orders)
    only_if: str = ""


PRODUCTS = Need("products and collections (productUpdate, collectionUpdate)", ("write_products",))
PRICES = Need("variant prices (productVariantsBulkUpdate)", ("write_products",))
PAGES = Need("Online Store pages (pageCreate, pageUpdate)", ("write_online_store_pages", "write_content"))
DRAFTS = Need("landing-page drafts, created and deleted (pageCreate, pageDelete)",
              ("write_online_store_pages", "write_content"))
ORDERS = Need("finding the order (order)", ("read_orders",))
HOLDS = Need("holds on orders you ship (fulfillmentOrderHold, fulfillmentOrderReleaseHold)",
             ("write_merchant_managed_fulfillment_orders",))
HOLDS_3PL = Need("holds on those orders (fulfillmentOrderHold, fulfillmentOrderReleaseHold)",
                 ("write_third_party_fulfillment_orders",), only_if="a fulfilment service ships some of your orders")

NEEDS: dict[str, tuple[Need, ...]] = {
    "content.rewrite_title": (PRODUCTS, PAGES),
    "content.rewrite_meta_description": (PRODUCTS, PAGES),
    "content.add_internal_links": (PRODUCTS, PAGES),
    "content.create_landing_page": (DRAFTS,),
    "inventory.markdown": (PRICES,),
    "pricing.adjust": (PRICES,),
    "risk.hold_order": (ORDERS, HOLDS, HOLDS_3PL),
    "risk.release_order": (ORDERS, HOLDS, HOLDS_3PL),
}


def effective(granted: Iterable[str]) -> frozenset[str]:
    """The scopes held, with the read access each write scope grants."""
    held = set(granted)
    return frozenset(held | {"read_" + s.removeprefix("write_") for s in held if s.startswith("write_")})


def missing(kind: str, granted: Iterable[str]) -> tuple[Need, ...]:
    """What ``kind`` cannot reach on a store whose token holds ``granted``."""
    held = effective(granted)
    return tuple(n for n in NEEDS.get(kind, ()) if not held.intersection(n.any_of))


def missing_by_kind(granted: Iterable[str]) -> dict[str, tuple[Need, ...]]:
    """Every kind with something it cannot reach, in the registry's order."""
    held = effective(granted)
    return {kind: gaps for kind in KINDS if (gaps := missing(kind, held))}
