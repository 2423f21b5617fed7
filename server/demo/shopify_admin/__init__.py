"""A Shopify Admin GraphQL test server: a store the engine can deliver to without a real one.

It speaks the Admin API's GraphQL (2025-10 shapes, a subset: shop, app installation
scopes, products and variants, orders and their fulfillment orders, pages and their SEO
metafields, collections, and the mutations the executors use) through graphql-core, so
every request is parsed and validated against a real schema as Shopify would. It keeps
the store's state, checks the access token and its scopes, meters query cost with
Shopify's leaky bucket, counts mutations per idempotency key, and can be told to fail,
slow down, throttle or change a value behind the engine's back.

    admin = ShopifyAdmin.seeded({"products": [...]})   # or ShopifyAdmin(store=from_demo(demo))
    async with serve(admin) as base_url:               # loopback, a free port, this event loop
        ...  # point the engine at base_url (the shop's https://<shop> is replaced by it)

Loopback only: it is a test double, never a place to keep a real store's data.
"""

from server.demo.shopify_admin.serve import serve
from server.demo.shopify_admin.server import (FULL_ACCESS, MutationRecord, RequestRecord, ShopifyAdmin)
from server.demo.shopify_admin.state import Store, from_demo, gid, seed

__all__ = ["FULL_ACCESS", "MutationRecord", "RequestRecord", "ShopifyAdmin", "Store", "from_demo", "gid", "seed",
           "serve"]
