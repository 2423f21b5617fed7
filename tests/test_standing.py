"""A change is measured before the engine proposes it, or another change to the same page, again.

After an exploratory run: executed investigations came back identical from the next specialist run, links
already added were proposed again, and a meta-description rewrite counted the same missed clicks the title
rewrite executed minutes before was meant to win back.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from policies.principal import Principal
from server.app import App
from tests.conftest import Clock
from tests.factories import proposal, seed_store
from tools.actions import propose, propose_many
from tools.decisions import decide
from tools.errors import Conflict
from tools.standing import MEASURED_DAYS

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
ANALYTICS = Principal.for_agent("demo", "analytics")
PAGE = "https://shop.example/products/linen-tote"


def fresh(kind: str, clock: Clock, **kw: object) -> dict[str, object]:
    return proposal(kind, observed_at=clock.now - timedelta(hours=1), **kw)  # type: ignore[arg-type]


async def _executed(app: App, who: Principal, raw: dict[str, object]) -> int:
    made = (await propose(app.deps, who, raw)).action
    done = await decide(app.deps, OP, action_id=made.id, version=made.version, verdict="approve")
    assert done.action.status == "executed", done.execution
    return made.id


async def test_an_executed_change_holds_its_page_until_its_outcome_is_measured(app: App, clock: Clock) -> None:
    await seed_store(app)
    title = await _executed(app, CONTENT, fresh("content.rewrite_title", clock))
    clock.advance(hours=2)
    # the same change again, a description rewrite of the page, links pointed at it: each refused, with the reason
    again = [fresh("content.rewrite_title", clock, params={"new_title": "Linen Tote – Handwoven in Portugal"}),
             fresh("content.rewrite_meta_description", clock),
             fresh("content.add_internal_links", clock, target="page:https://shop.example/products/linen-apron",
                   params={"links": [{"anchor": "linen tote", "to_url": PAGE}]})]
    results = await propose_many(app.deps, CONTENT, again)
    assert [getattr(r, "code", None) for r in results] == ["being_measured"] * 3
    assert all(f"#{title}" in r.message and "measured until" in r.message for r in results)  # type: ignore[union-attr]
    # another page, and another kind of change that does not aim at the page's clicks, go ahead
    elsewhere = fresh("content.rewrite_title", clock, target="page:https://shop.example/products/linen-apron",
                      params={"new_title": "Linen Apron – Handwoven"})
    assert (await propose(app.deps, CONTENT, elsewhere)).outcome == "created"
    # once its window is over, the page may be changed again
    clock.advance(days=MEASURED_DAYS)
    assert (await propose(app.deps, CONTENT, fresh("content.rewrite_meta_description", clock))).outcome == "created"


async def test_an_executed_investigation_is_not_proposed_again_while_it_is_measured(app: App, clock: Clock) -> None:
    await seed_store(app)
    first = await _executed(app, ANALYTICS, fresh("analytics.investigate", clock))
    clock.advance(hours=3)
    with pytest.raises(Conflict) as again:
        await propose(app.deps, ANALYTICS, fresh("analytics.investigate", clock))
    assert again.value.code == "being_measured" and f"#{first}" in again.value.message
    # another segment is another question
    other = fresh("analytics.investigate", clock, target="segment:paid/desktop")
    assert (await propose(app.deps, ANALYTICS, other)).outcome == "created"
