"""Content reaches the live store (the Shopify test server) exactly once, on both backends: page and
collection SEO, landing pages created as unpublished drafts, internal links inside a marked block.

Each reads the live value first (a change made in the store since the proposal is a conflict with
both values, nothing written), writes once under the outbox event's idempotency key, reads back,
and rolls back through the same path to the live before-state.
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from policies.principal import Principal
from server.app import App
from tests.conftest import Clock
from tests.live_store import OP, Crash, Live, approve, live_store
from tools.rollback import rollback
from tools.store_delivery import LEASE

CONTENT = Principal.for_agent("demo", "content")
PAGE = "page:https://shop.example/pages/linen-care"
COLLECTION = "page:https://shop.example/collections/bags"
PAGE_TITLE = "Caring for Linen – Wash, Dry and Store"
COLLECTION_DESCRIPTION = "Linen totes, backpacks and market bags, handwoven and washable. Free returns."
LINKS = [{"anchor": "linen apron", "to_url": "https://shop.example/products/linen-apron"},
         {"anchor": "care guide", "to_url": "https://shop.example/pages/linen-care"}]


@pytest.fixture
async def live(app: App, clock: Clock) -> AsyncIterator[Live]:
    async with live_store(app) as store:
        yield store


def title_tag(live: Live, handle: str = "linen-care") -> str | None:
    found = live.page(handle).metafields.get(("global", "title_tag"))
    return found.value if found else None


def description_tag(live: Live) -> str | None:
    found = live.page().metafields.get(("global", "description_tag"))
    return found.value if found else None


async def page_title(live: Live) -> int:
    return await approve(live.app, "content.rewrite_title", CONTENT, target=PAGE,
                         params={"new_title": PAGE_TITLE, "current_title": "Linen care"})


async def collection_description(live: Live) -> int:
    return await approve(live.app, "content.rewrite_meta_description", CONTENT, target=COLLECTION,
                         params={"new_description": COLLECTION_DESCRIPTION})


async def links(live: Live, target: str | None = None) -> int:
    extra: dict[str, Any] = {"target": target} if target else {}
    return await approve(live.app, "content.add_internal_links", CONTENT, params={"links": LINKS}, **extra)


def crash_after_mutation(live: Live) -> None:
    def die(label: str) -> None:
        if label == "after_mutation":
            raise Crash(label)

    live.app.deps.on_step = die


async def test_page_and_collection_seo_reach_the_store_once(live: Live) -> None:
    title, description = await page_title(live), await collection_description(live)
    assert title_tag(live) == "Linen care"  # executed means the engine's copy only

    report = await live.deliver()
    assert sorted(o.status for o in report.outcomes) == ["delivered", "delivered"]
    assert title_tag(live) == PAGE_TITLE and live.collection().seo_description == COLLECTION_DESCRIPTION
    assert live.collection().seo_title == "Bags" and live.page().body == "<p>Wash at 40°.</p>"  # nothing else
    assert live.mutations(title) == 1 and live.mutations(description) == 1
    assert live.admin.mutation_count(name="pageUpdate") == 1 and live.admin.mutation_count(name="collectionUpdate") == 1
    shown = await live.delivery(title)
    assert shown["state"] == "delivered"
    assert shown["deliveries"][0]["remote_ids"]["page_id"].startswith("gid://shopify/Page/")
    assert (await live.delivery(description))["deliveries"][0]["remote_ids"]["collection_id"].startswith(
        "gid://shopify/Collection/")
    assert (await live.deliver()).outcomes == [] and len(live.admin.mutations) == 2


async def test_a_page_seo_title_changed_in_the_store_is_a_conflict_with_both_values(live: Live) -> None:
    title = await page_title(live)
    live.admin.drift_page("linen-care", seo_title="Linen care guide")

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["conflict"]
    assert title_tag(live) == "Linen care guide" and live.admin.mutations == []
    shown = await live.delivery(title)
    assert "the store's SEO title is “Linen care guide”, the action expected “Linen care”" in shown["summary"]
    assert shown["deliveries"][0]["live"]["seo_title"] == "Linen care guide"
    assert shown["deliveries"][0]["expected"]["seo_title"] == "Linen care"


async def test_a_collection_description_changed_in_the_store_is_a_conflict(live: Live) -> None:
    description = await collection_description(live)
    live.admin.drift_collection("bags", seo_description="Bags for every day.")

    assert [o.status for o in (await live.deliver()).outcomes] == ["conflict"]
    assert live.collection().seo_description == "Bags for every day." and live.admin.mutations == []
    summary = (await live.delivery(description))["summary"]
    assert "“Bags for every day.”" in summary and "“Every bag we make.”" in summary


async def test_rollback_restores_page_and_collection_seo_an_unset_one_removed_again(live: Live) -> None:
    title = await collection_description(live)
    description = await approve(live.app, "content.rewrite_meta_description", CONTENT, target=PAGE,
                                params={"new_description": COLLECTION_DESCRIPTION})
    await live.deliver()
    assert description_tag(live) == COLLECTION_DESCRIPTION
    await rollback(live.app.deps, OP, action_id=title, reason="test")
    await rollback(live.app.deps, OP, action_id=description, reason="test")

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered", "delivered"]
    assert live.collection().seo_description == "Every bag we make."
    assert description_tag(live) is None and title_tag(live) == "Linen care"  # the page had none: removed again
    assert live.mutations(description, "rollback") == 1
    assert live.admin.mutation_count(name="metafieldsDelete") == 1


async def test_a_store_error_on_the_mutation_is_a_coded_failure(live: Live) -> None:
    title = await page_title(live)

    def delete_page(label: str) -> None:  # the merchant deletes the page between the read and the write
        if label == "before_mutation":
            del live.admin.store.pages[live.page().id]

    live.app.deps.on_step = delete_page
    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivery_failed"]
    failed = (await live.delivery(title))["deliveries"][0]
    assert failed["error_code"] == "shopify_not_found" and "Page does not exist" in failed["reason"]
    assert live.admin.mutation_count(name="pageUpdate", applied_only=False) == 1


# --- landing pages -----------------------------------------------------------------------

async def test_a_landing_page_is_created_once_as_an_unpublished_draft_with_the_outline(live: Live) -> None:
    landing = await approve(live.app, "content.create_landing_page", CONTENT)

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"]
    page = live.page("linen-tote-bags")
    assert (page.title, page.is_published) == ("Linen Tote Bags", False)
    assert "<h2>Why linen</h2>" in page.body and f"demo:action:{landing} landing-page" in page.body
    assert title_tag(live, "linen-tote-bags") == "Linen Tote Bags"
    assert live.mutations(landing) == 1
    shown = await live.delivery(landing)
    assert shown["deliveries"][0]["remote_ids"]["page_id"] == f"gid://shopify/Page/{page.id}"


async def test_a_landing_page_rerun_after_a_crash_finds_its_page_and_creates_no_second(live: Live,
                                                                                       clock: Clock) -> None:
    landing = await approve(live.app, "content.create_landing_page", CONTENT)
    crash_after_mutation(live)
    with pytest.raises(Crash):
        await live.deliver()
    live.app.deps.on_step = None
    clock.advance(seconds=LEASE.total_seconds() + 1)

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"] and not report.outcomes[0].mutated
    assert [p.handle for p in live.admin.store.pages.values()].count("linen-tote-bags") == 1
    assert live.admin.mutation_count(name="pageCreate") == 1 and live.mutations(landing) == 1


async def test_rolling_a_landing_page_back_deletes_exactly_that_page(live: Live) -> None:
    landing = await approve(live.app, "content.create_landing_page", CONTENT)
    await live.deliver()
    page_id = live.page("linen-tote-bags").id
    await rollback(live.app.deps, OP, action_id=landing, reason="test")

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"]
    assert page_id not in live.admin.store.pages and live.admin.store.page_by_handle("linen-care") is not None
    assert live.mutations(landing, "rollback") == 1 and live.admin.mutation_count(name="pageDelete") == 1


async def test_a_landing_page_published_by_the_merchant_is_not_deleted(live: Live) -> None:
    landing = await approve(live.app, "content.create_landing_page", CONTENT)
    await live.deliver()
    live.admin.drift_page("linen-tote-bags", is_published=True)
    await rollback(live.app.deps, OP, action_id=landing, reason="test")

    assert [o.status for o in (await live.deliver()).outcomes] == ["conflict"]
    assert live.page("linen-tote-bags").is_published and live.mutations(landing, "rollback") == 0
    assert "the store's landing page is published, the action expected an unpublished draft" in (
        await live.delivery(landing))["summary"]


async def test_a_handle_taken_by_another_page_is_a_conflict_and_nothing_is_created(live: Live) -> None:
    landing = await approve(live.app, "content.create_landing_page", CONTENT)
    live.admin.store.add_page(title="Our tote bags", handle="linen-tote-bags", body="<p>Merchant's own</p>")

    assert [o.status for o in (await live.deliver()).outcomes] == ["conflict"]
    assert live.page("linen-tote-bags").body == "<p>Merchant's own</p>" and live.admin.mutations == []
    assert "a page the engine did not create" in (await live.delivery(landing))["summary"]


# --- internal links ----------------------------------------------------------------------

async def test_links_are_added_to_a_product_body_inside_markers_and_rolled_back_exactly(live: Live) -> None:
    added = await links(live)
    assert [o.status for o in (await live.deliver()).outcomes] == ["delivered"]
    body = live.product().description_html
    assert body.startswith("<p>Handwoven linen.</p>\n<!-- growth-engine demo:action:")
    assert '<a href="https://shop.example/products/linen-apron">linen apron</a>' in body
    assert live.mutations(added) == 1

    # the merchant edits the description elsewhere meanwhile: the rollback keeps that edit
    live.admin.drift_product("linen-tote", description_html="<p>New intro.</p>" + body + "<p>Sizes.</p>")
    await rollback(live.app.deps, OP, action_id=added, reason="test")
    assert [o.status for o in (await live.deliver()).outcomes] == ["delivered"]
    assert live.product().description_html == "<p>New intro.</p><p>Handwoven linen.</p><p>Sizes.</p>"
    assert live.mutations(added, "rollback") == 1


async def test_links_in_a_page_body_survive_a_crash_with_one_mutation(live: Live, clock: Clock) -> None:
    added = await links(live, PAGE)
    crash_after_mutation(live)
    with pytest.raises(Crash):
        await live.deliver()
    live.app.deps.on_step = None
    clock.advance(seconds=LEASE.total_seconds() + 1)

    report = await live.deliver()
    assert [o.status for o in report.outcomes] == ["delivered"] and not report.outcomes[0].mutated
    assert live.page().body.count("linen apron") == 1 and live.mutations(added) == 1
    assert (await live.delivery(added))["deliveries"][0]["remote_ids"]["owner_id"].startswith("gid://shopify/Page/")


async def test_a_links_block_edited_in_the_store_is_not_removed(live: Live) -> None:
    added = await links(live)
    await live.deliver()
    edited = live.product().description_html.replace("linen apron", "our apron")
    live.admin.drift_product("linen-tote", description_html=edited)
    await rollback(live.app.deps, OP, action_id=added, reason="test")

    assert [o.status for o in (await live.deliver()).outcomes] == ["conflict"]
    assert live.product().description_html == edited and live.mutations(added, "rollback") == 0
    summary = (await live.delivery(added))["summary"]
    assert "the store's block of internal links is" in summary and "our apron" in summary and "linen apron" in summary


async def test_a_landing_draft_edited_by_the_merchant_is_not_deleted(live: Live) -> None:
    landing = await approve(live.app, "content.create_landing_page", CONTENT)
    await live.deliver()
    edited = live.page("linen-tote-bags").body + "<p>Our own words.</p>"
    live.admin.drift_page("linen-tote-bags", body=edited)
    await rollback(live.app.deps, OP, action_id=landing, reason="test")

    assert [o.status for o in (await live.deliver()).outcomes] == ["conflict"]
    assert live.page("linen-tote-bags").body == edited and live.mutations(landing, "rollback") == 0
    assert "the store's page body is" in (await live.delivery(landing))["summary"]

