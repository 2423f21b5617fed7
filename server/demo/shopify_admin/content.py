"""Content mutations: a page's metafields (its SEO title and description live in ``global.title_tag``
and ``global.description_tag``), ``pageDelete``, ``collectionUpdate`` and ``metafieldsDelete``.

Each validates as Shopify does and changes nothing when it answers ``userErrors``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from server.demo.shopify_admin.state import Metafield, Page, Store, gid, now, parse_gid
from server.demo.shopify_admin.views import Views

Record = Callable[[str, dict[str, Any], bool], None]
#: the text types a page's SEO metafields use; a value of another type is refused
TEXT_TYPES = frozenset({"single_line_text_field", "multi_line_text_field", "string"})
MAX_VALUE = 65_535


def _error(field: list[str] | None, message: str, code: str | None = None, *, coded: bool = True) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code} if coded else {"field": field, "message": message}


def metafield_errors(page: Page | None, inputs: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Shopify's checks on ``page.metafields`` of ``pageCreate`` / ``pageUpdate`` (coded page errors)."""
    errors = []
    for i, m in enumerate(inputs or []):
        at = ["page", "metafields", str(i)]
        key = (m.get("namespace") or "$app", m.get("key") or "")
        existing = page.metafields.get(key) if page is not None else None
        value, kind = m.get("value"), m.get("type") or (existing.type if existing else None)
        if not m.get("key"):
            errors.append(_error([*at, "key"], "Key can't be blank", "BLANK"))
        elif value is None or not str(value).strip():
            errors.append(_error([*at, "value"], "Value can't be blank", "BLANK"))
        elif kind is None:
            errors.append(_error([*at, "type"], "Type can't be blank", "BLANK"))
        elif kind not in TEXT_TYPES:
            errors.append(_error([*at, "type"], f"Type '{kind}' is not supported here", "INVALID_TYPE"))
        elif kind == "single_line_text_field" and "\n" in str(value):
            errors.append(_error([*at, "value"], "Value must be a single line of text", "INVALID_VALUE"))
        elif len(str(value)) > MAX_VALUE:
            errors.append(_error([*at, "value"], "Value is too long", "TOO_LONG"))
    return errors


def apply_metafields(store: Store, page: Page, inputs: list[dict[str, Any]] | None) -> None:
    for m in inputs or []:
        key = (m.get("namespace") or "$app", m["key"])
        existing = page.metafields.get(key)
        if existing is None:
            page.metafields[key] = Metafield(store.next_id(), key[0], key[1], m["type"], str(m["value"]))
        else:
            existing.value, existing.updated_at = str(m["value"]), now()
            existing.type = m.get("type") or existing.type


def content_root(store: Store, views: Views, record: Record) -> dict[str, Any]:
    def page_delete(_info: GraphQLResolveInfo, id: str) -> dict[str, Any]:  # noqa: A002
        number = parse_gid(id, "Page")
        if number is None or number not in store.pages:
            record("pageDelete", {"id": id}, False)
            return {"deletedPageId": None, "userErrors": [_error(["id"], "Page does not exist", "NOT_FOUND")]}
        del store.pages[number]
        record("pageDelete", {"id": id}, True)
        return {"deletedPageId": gid("Page", number), "userErrors": []}

    def collection_update(_info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        target = store.collections.get(parse_gid(input.get("id"), "Collection") or -1)
        errors: list[dict[str, Any]] = []
        if not input.get("id"):
            errors.append(_error(["id"], "Collection id is required to update a collection", coded=False))
        elif target is None:
            errors.append(_error(["id"], "Collection does not exist", coded=False))
        else:
            if "title" in input and not (input["title"] or "").strip():
                errors.append(_error(["title"], "Title can't be blank", coded=False))
            taken = input.get("handle") and store.collection_by_handle(input["handle"])
            if taken and taken is not target:
                errors.append(_error(["handle"], f"Handle '{input['handle']}' has already been taken", coded=False))
            seo = input.get("seo") or {}
            if len(seo.get("title") or "") > 255:
                errors.append(_error(["seo", "title"], "SEO title is too long (maximum is 255 characters)",
                                     coded=False))
        if target is not None and not errors:
            for key, attr in (("title", "title"), ("handle", "handle"), ("descriptionHtml", "description_html")):
                if input.get(key) is not None:
                    setattr(target, attr, input[key])
            seo = input.get("seo") or {}
            if "title" in seo:
                target.seo_title = seo["title"] or None
            if "description" in seo:
                target.seo_description = seo["description"] or None
            target.updated_at = now()
        record("collectionUpdate", input, not errors)
        return {"collection": views.collection(target) if target is not None and not errors else None,
                "userErrors": errors}

    def metafields_delete(_info: GraphQLResolveInfo, metafields: list[dict[str, Any]]) -> dict[str, Any]:
        # Shopify answers null for an identifier that names no metafield, and deletes the others
        deleted: list[dict[str, Any] | None] = []
        errors: list[dict[str, Any]] = []
        for i, m in enumerate(metafields):
            page = store.pages.get(parse_gid(m["ownerId"], "Page") or -1)
            if page is None:
                errors.append(_error(["metafields", str(i), "ownerId"], "Owner does not exist", coded=False))
                deleted.append(None)
                continue
            gone = page.metafields.pop((m["namespace"], m["key"]), None)
            if gone is not None:
                page.updated_at = now()
            deleted.append({"ownerId": m["ownerId"], "namespace": m["namespace"], "key": m["key"]} if gone else None)
        record("metafieldsDelete", {"metafields": metafields}, any(deleted))
        return {"deletedMetafields": deleted, "userErrors": errors}

    return {"pageDelete": page_delete, "collectionUpdate": collection_update, "metafieldsDelete": metafields_delete}
