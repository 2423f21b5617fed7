"""Content in the live store: page and collection SEO, landing pages, internal links.

Resources (as ``tools.delivery_plan`` names them):

- ``page:<handle>`` / ``collection:<handle>``: SEO title and description (a page's metafields,
  a collection's ``seo``);
- ``landing:<handle>``: a landing page the engine creates as an unpublished draft and deletes on
  rollback. Its live state is ``absent``, ``draft``, ``published`` (someone published it) or
  ``other`` (a page the engine did not create holds the handle); the page is recognised by the
  marker in its body, so a re-run after a crash finds it by handle and creates no second one;
- ``links:<product|page|collection>:<handle>``: the block of internal links an action added to
  that body between its markers (``tools.delivery_markup``); "" when there is none.
"""

from __future__ import annotations

from typing import Any

from tools.delivery_markup import action_prefix, add_links, find_links, landing_marker, remove_links
from tools.delivery_types import DeliveryError, DeliveryRecord, LiveCollection, LivePage, LiveStore

KINDS = frozenset({"page", "collection", "landing", "links"})
SEO = {"seo_title": "title", "seo_description": "description"}


def _missing(what: str, handle: str) -> DeliveryError:
    return DeliveryError(f"the live store has no {what} {handle!r}", code="target_not_found")


async def _page(store: LiveStore, handle: str, page_id: str | None) -> LivePage:
    page = await store.page(page_id=page_id) if page_id else await store.page(handle=handle)
    if page is None:
        raise _missing("page", handle)
    return page


async def _collection(store: LiveStore, handle: str, collection_id: str | None) -> LiveCollection:
    found = (await store.collection(collection_id=collection_id) if collection_id
             else await store.collection(handle=handle))
    if found is None:
        raise _missing("collection", handle)
    return found


async def _body(store: LiveStore, owner: str, handle: str, owner_id: str | None) -> tuple[str, str]:
    """(body, id) of the product, page or collection whose body the links go in."""
    if owner == "product":
        product = await store.product(product_id=owner_id) if owner_id else await store.product(handle=handle)
        if product is None:
            raise _missing("product", handle)
        return product.description_html, product.id
    if owner == "page":
        page = await _page(store, handle, owner_id)
        return page.body, page.id
    if owner == "collection":
        collection = await _collection(store, handle, owner_id)
        return collection.description_html, collection.id
    raise DeliveryError(f"internal links cannot go in a {owner}", code="unsupported_target")


def _landing_state(page: LivePage | None, d: DeliveryRecord) -> dict[str, Any]:
    if page is None:
        return {"landing_page": "absent"}
    ours = landing_marker(action_prefix(d.dedupe_key)) in page.body
    state = ("published" if page.is_published else "draft") if ours else "other"
    return {"landing_page": state, "title": page.title, "body": page.body}


async def read(store: LiveStore, d: DeliveryRecord,
               ids: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The live values this delivery compares, and the remote ids it found them under."""
    kind, ref = d.resource.split(":", 1)
    ids = ids or {}
    if kind == "page":
        page = await _page(store, ref, ids.get("page_id"))
        return {"seo_title": page.seo_title, "seo_description": page.seo_description}, {"page_id": page.id}
    if kind == "collection":
        c = await _collection(store, ref, ids.get("collection_id"))
        return {"seo_title": c.seo_title, "seo_description": c.seo_description}, {"collection_id": c.id}
    if kind == "landing":
        # by id once known (a deleted page reads as absent), else by handle: the page an earlier attempt made
        found = await store.page(page_id=ids["page_id"]) if ids.get("page_id") else await store.page(handle=ref)
        return _landing_state(found, d), {"page_id": found.id if found else None, "handle": ref}
    if kind == "links":
        owner, handle = ref.split(":", 1)
        body, owner_id = await _body(store, owner, handle, ids.get("owner_id"))
        return {"links_block": find_links(body, action_prefix(d.dedupe_key))}, {"owner_id": owner_id}
    raise DeliveryError(f"no content delivery for {d.resource!r}", code="unsupported_target")


async def write(store: LiveStore, d: DeliveryRecord, ids: dict[str, Any]) -> dict[str, Any]:
    """One write (two for a page SEO value set and another cleared) under the event's idempotency key."""
    kind, ref = d.resource.split(":", 1)
    key = d.dedupe_key
    if kind in ("page", "collection"):
        seo = {name: str(d.target[f] or "") for f, name in SEO.items() if f in d.target}
        if kind == "page":
            return await store.set_page_seo(ids["page_id"], seo, key=key)
        return await store.set_collection_seo(ids["collection_id"], seo, key=key)
    if kind == "landing":
        if d.target.get("landing_page") == "draft":
            return await store.create_page(title=str(d.target["title"]), handle=ref, body=str(d.target["body"]),
                                           seo_title=str(d.target["title"]), key=key)
        if not ids.get("page_id"):
            raise _missing("page", ref)
        return await store.delete_page(ids["page_id"], key=key)
    if kind == "links":
        owner, handle = ref.split(":", 1)
        # the body as it is now: edits made elsewhere since the first read are kept
        body, owner_id = await _body(store, owner, handle, ids["owner_id"])
        prefix = action_prefix(key)
        block = str(d.target.get("links_block") or "")
        new = add_links(body, prefix, block) if block else remove_links(body, prefix)
        return await store.set_body(owner_id, new, key=key)
    raise DeliveryError(f"no content delivery for {d.resource!r}", code="unsupported_target")
