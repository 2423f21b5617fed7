"""The Shopify Admin GraphQL test server's Online Store content: pages (drafts, their SEO metafields,
deletion) and collections, in the Admin API's 2025-10 shapes."""

from __future__ import annotations

from tests.server.test_shopify_admin import Store, store  # noqa: F401  (the store fixture)


async def test_landing_pages_are_created_as_unpublished_drafts_and_updated(store: Store) -> None:
    create = """mutation($p: PageCreateInput!) { pageCreate(page: $p) {
                  page { id handle isPublished publishedAt body } userErrors { field message code } } }"""
    made = await store.gql(create, {"p": {"title": "Leather bags", "handle": "leather-bags",
                                          "body": "<h2>Why leather</h2>", "isPublished": False}})
    page = made["data"]["pageCreate"]["page"]
    assert page["isPublished"] is False and page["publishedAt"] is None and page["handle"] == "leather-bags"
    taken = await store.gql(create, {"p": {"title": "Again", "handle": "leather-bags"}})
    assert taken["data"]["pageCreate"]["userErrors"][0]["code"] == "TAKEN"
    blank = await store.gql(create, {"p": {"title": " "}})
    assert blank["data"]["pageCreate"]["userErrors"][0]["code"] == "BLANK"
    update = """mutation($id: ID!, $p: PageUpdateInput!) { pageUpdate(id: $id, page: $p) {
                  page { body isPublished } userErrors { field code } } }"""
    changed = await store.gql(update, {"id": page["id"], "p": {"body": "<h2>Why leather</h2><p>More.</p>"}})
    assert changed["data"]["pageUpdate"] == {"page": {"body": "<h2>Why leather</h2><p>More.</p>",
                                                      "isPublished": False}, "userErrors": []}
    gone = await store.gql(update, {"id": "gid://shopify/Page/3", "p": {"body": "x"}})
    assert gone["data"]["pageUpdate"]["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]


async def test_a_pages_seo_lives_in_its_global_metafields_and_is_validated(store: Store) -> None:
    page = store.ids()["page"]
    update = """mutation($id: ID!, $p: PageUpdateInput!) { pageUpdate(id: $id, page: $p) {
                  page { body tag: metafield(namespace: "global", key: "title_tag") { value type } }
                  userErrors { field message code } } }"""
    tag = {"namespace": "global", "key": "title_tag", "type": "single_line_text_field", "value": "About Acme"}
    done = await store.gql(update, {"id": page, "p": {"metafields": [tag]}}, key="k1")
    assert done["data"]["pageUpdate"] == {"page": {"body": "<p>We make bags.</p>", "tag": {
        "value": "About Acme", "type": "single_line_text_field"}}, "userErrors": []}
    bad = [{**tag, "value": " "}, {**tag, "key": "description_tag", "type": "json"},
           {**tag, "key": "description_tag", "value": "two\nlines"}]
    refused = await store.gql(update, {"id": page, "p": {"metafields": bad}})
    assert [e["code"] for e in refused["data"]["pageUpdate"]["userErrors"]] == ["BLANK", "INVALID_TYPE",
                                                                               "INVALID_VALUE"]
    delete = """mutation($m: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $m) {
                  deletedMetafields { key } userErrors { field message } } }"""
    ident = {"ownerId": page, "namespace": "global", "key": "title_tag"}
    gone = await store.gql(delete, {"m": [ident, {**ident, "key": "description_tag"}]}, key="k2")
    assert gone["data"]["metafieldsDelete"] == {"deletedMetafields": [{"key": "title_tag"}, None], "userErrors": []}
    assert store.admin.store.pages[int(page.rsplit("/", 1)[1])].metafields == {}
    assert (store.admin.mutation_count("k1"), store.admin.mutation_count("k2")) == (1, 1)


async def test_collections_are_read_by_handle_and_their_seo_updated(store: Store) -> None:
    read = """{ collectionByIdentifier(identifier: {handle: "totes"}) { id handle seo { title description } } }"""
    found = (await store.gql(read))["data"]["collectionByIdentifier"]
    assert found["seo"] == {"title": "Totes | Acme", "description": None}
    update = """mutation($c: CollectionInput!) { collectionUpdate(input: $c) {
                  collection { seo { title description } descriptionHtml } userErrors { field message } } }"""
    done = await store.gql(update, {"c": {"id": found["id"], "seo": {"description": "Every tote."},
                                          "descriptionHtml": "<p>Totes.</p>"}}, key="c1")
    assert done["data"]["collectionUpdate"] == {"collection": {
        "seo": {"title": "Totes | Acme", "description": "Every tote."}, "descriptionHtml": "<p>Totes.</p>"},
        "userErrors": []}
    missing = await store.gql(update, {"c": {"id": "gid://shopify/Collection/9", "seo": {"title": "x"}}})
    assert missing["data"]["collectionUpdate"] == {"collection": None, "userErrors": [
        {"field": ["id"], "message": "Collection does not exist"}]}
    assert store.admin.mutation_count("c1") == 1 and store.admin.mutation_count(applied_only=False) == 2
    store.admin.grant("shpat_pages", ["write_online_store_pages"])
    denied = await store.gql(update, {"c": {"id": found["id"], "seo": {"title": "x"}}}, token="shpat_pages")
    assert denied["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"


async def test_a_page_is_deleted_once_and_a_second_delete_is_not_found(store: Store) -> None:
    page = store.ids()["page"]
    delete = """mutation($id: ID!) { pageDelete(id: $id) { deletedPageId userErrors { field message code } } }"""
    assert (await store.gql(delete, {"id": page}))["data"]["pageDelete"] == {"deletedPageId": page, "userErrors": []}
    again = (await store.gql(delete, {"id": page}))["data"]["pageDelete"]
    assert again["deletedPageId"] is None and again["userErrors"][0]["code"] == "NOT_FOUND"
    assert store.admin.store.pages == {}
