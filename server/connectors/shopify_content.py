"""The live store's content for delivery: Online Store pages (their body and SEO metafields, created as
drafts and deleted), collections (their SEO and description) and any owner's body, on the Admin GraphQL API.

A page keeps its search-engine title and description in the metafields ``global.title_tag`` and
``global.description_tag`` (Shopify's "Optimize storefront SEO" guide); an empty value cannot be
saved, so clearing one deletes the metafield (``metafieldsDelete``). Collections carry ``seo``
like products do. Mixed into ``ShopifyLiveStore``, whose ``_read`` and ``_mutate`` these use.
"""

from __future__ import annotations

from typing import Any

from tools.delivery_types import DeliveryError, LiveCollection, LivePage

SEO_NAMESPACE = "global"
SEO_KEYS = {"title": "title_tag", "description": "description_tag"}
SEO_TYPE = "single_line_text_field"
_PAGE_FIELDS = ("id handle title body isPublished "
                'titleTag: metafield(namespace: "global", key: "title_tag") { value } '
                'descriptionTag: metafield(namespace: "global", key: "description_tag") { value }')
PAGE_BY_HANDLE = """
query DeliveryPage($query: String) { pages(first: 5, query: $query) { nodes { %s } } }""" % _PAGE_FIELDS
PAGE_BY_ID = """
query DeliveryPageById($id: ID!) { page(id: $id) { %s } }""" % _PAGE_FIELDS
_COLLECTION_FIELDS = "id handle descriptionHtml seo { title description }"
COLLECTION_BY_HANDLE = """
query DeliveryCollection($identifier: CollectionIdentifierInput!) {
  collectionByIdentifier(identifier: $identifier) { %s }
}""" % _COLLECTION_FIELDS
COLLECTION_BY_ID = """
query DeliveryCollectionById($id: ID!) { collection(id: $id) { %s } }""" % _COLLECTION_FIELDS
UPDATE_PAGE = """
mutation DeliveryPageUpdate($id: ID!, $page: PageUpdateInput!) {
  pageUpdate(id: $id, page: $page) { page { id handle isPublished } userErrors { field message code } }
}"""
CREATE_PAGE = """
mutation DeliveryPageCreate($page: PageCreateInput!) {
  pageCreate(page: $page) { page { id handle isPublished } userErrors { field message code } }
}"""
DELETE_PAGE = """
mutation DeliveryPageDelete($id: ID!) { pageDelete(id: $id) { deletedPageId userErrors { field message code } } }"""
DELETE_METAFIELDS = """
mutation DeliveryMetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
  metafieldsDelete(metafields: $metafields) { deletedMetafields { key namespace ownerId } userErrors { field message } }
}"""
UPDATE_COLLECTION = """
mutation DeliveryCollectionUpdate($input: CollectionInput!) {
  collectionUpdate(input: $input) { collection { id seo { title description } } userErrors { field message } }
}"""
UPDATE_PRODUCT_BODY = """
mutation DeliveryProductBody($product: ProductUpdateInput!) {
  productUpdate(product: $product) { product { id } userErrors { field message } }
}"""


def _page(node: dict[str, Any]) -> LivePage:
    return LivePage(node["id"], node["handle"], node["title"], node.get("body") or "", bool(node["isPublished"]),
                    (node.get("titleTag") or {}).get("value") or "",
                    (node.get("descriptionTag") or {}).get("value") or "")


def _collection(node: dict[str, Any]) -> LiveCollection:
    seo = node.get("seo") or {}
    return LiveCollection(node["id"], node["handle"], node.get("descriptionHtml") or "", seo.get("title") or "",
                          seo.get("description") or "")


class ContentOps:
    """Pages and collections, mixed into ``ShopifyLiveStore``, which supplies the transport: ``_read`` (a
    paced query) and ``_mutate`` (a mutation under an idempotency key, user errors raised as coded ones)."""

    async def _read(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    async def _mutate(self, query: str, variables: dict[str, Any], root: str, key: str) -> dict[str, Any]:
        raise NotImplementedError

    async def page(self, *, handle: str | None = None, page_id: str | None = None) -> LivePage | None:
        if page_id is not None:
            node = (await self._read(PAGE_BY_ID, {"id": page_id})).get("page")
            return _page(node) if node else None
        quoted = (handle or "").replace("\\", "\\\\").replace('"', '\\"')
        nodes = (await self._read(PAGE_BY_HANDLE, {"query": f'handle:"{quoted}"'}))["pages"]["nodes"]
        return next((_page(n) for n in nodes if n.get("handle") == handle), None)

    async def collection(self, *, handle: str | None = None,
                         collection_id: str | None = None) -> LiveCollection | None:
        if collection_id is not None:
            node = (await self._read(COLLECTION_BY_ID, {"id": collection_id})).get("collection")
        else:
            node = (await self._read(COLLECTION_BY_HANDLE,
                                     {"identifier": {"handle": handle}})).get("collectionByIdentifier")
        return _collection(node) if node else None

    async def set_page_seo(self, page_id: str, seo: dict[str, str], *, key: str) -> dict[str, Any]:
        kept = [{"namespace": SEO_NAMESPACE, "key": SEO_KEYS[name], "type": SEO_TYPE, "value": value}
                for name, value in seo.items() if value.strip()]
        cleared = [{"ownerId": page_id, "namespace": SEO_NAMESPACE, "key": SEO_KEYS[name]}
                   for name, value in seo.items() if not value.strip()]
        responses = []
        if kept:
            responses.append(await self._mutate(UPDATE_PAGE, {"id": page_id, "page": {"metafields": kept}},
                                                "pageUpdate", key))
        if cleared:
            responses.append(await self._mutate(DELETE_METAFIELDS, {"metafields": cleared}, "metafieldsDelete",
                                                f"{key}:1" if kept else key))
        return {"mutation": "+".join(r["mutation"] for r in responses), "idempotency_key": key,
                "responses": responses}

    async def set_collection_seo(self, collection_id: str, seo: dict[str, str], *, key: str) -> dict[str, Any]:
        return await self._mutate(UPDATE_COLLECTION, {"input": {"id": collection_id, "seo": seo}},
                                  "collectionUpdate", key)

    async def set_body(self, owner_id: str, html: str, *, key: str) -> dict[str, Any]:
        if "/Product/" in owner_id:
            return await self._mutate(UPDATE_PRODUCT_BODY, {"product": {"id": owner_id, "descriptionHtml": html}},
                                      "productUpdate", key)
        if "/Page/" in owner_id:
            return await self._mutate(UPDATE_PAGE, {"id": owner_id, "page": {"body": html}}, "pageUpdate", key)
        if "/Collection/" in owner_id:
            return await self._mutate(UPDATE_COLLECTION, {"input": {"id": owner_id, "descriptionHtml": html}},
                                      "collectionUpdate", key)
        raise DeliveryError(f"no body to write on {owner_id!r}", code="unsupported_target")

    async def create_page(self, *, title: str, handle: str, body: str, seo_title: str,
                          key: str) -> dict[str, Any]:
        page: dict[str, Any] = {"title": title, "handle": handle, "body": body, "isPublished": False}
        if seo_title.strip():
            page["metafields"] = [{"namespace": SEO_NAMESPACE, "key": SEO_KEYS["title"], "type": SEO_TYPE,
                                   "value": seo_title}]
        return await self._mutate(CREATE_PAGE, {"page": page}, "pageCreate", key)

    async def delete_page(self, page_id: str, *, key: str) -> dict[str, Any]:
        return await self._mutate(DELETE_PAGE, {"id": page_id}, "pageDelete", key)
