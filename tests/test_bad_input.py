"""Bad input gets an error that names what is wrong, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from policies.principal import Principal
from server.app import App
from server.persistence import models as m
from tests.factories import proposal
from tools.actions import get_action, propose
from tools.decisions import decide
from tools.errors import InvalidInput, ToolError

AGENT = Principal.for_agent("demo", "content")
OP = Principal.operator("demo")


async def rows(app: App) -> tuple[int, ...]:
    async with app.db.read("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        return tuple([int((await conn.execute(select(func.count()).select_from(t))).scalar_one())
                      for t in (m.Action, m.ActionVersion, m.AuditEvent, m.DecisionRow, m.PiiVaultEntry)])


def without(d: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != key}


BAD_PROPOSALS: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown kind", proposal() | {"kind": "content.delete_site"}, "unknown_kind", "content.delete_site"),
    ("params fail the schema", proposal("pricing.adjust", params={"current_price": 40, "new_price": -3}),
     "invalid_params", "new_price"),
    ("params with an unexpected field", proposal(params={"new_title": "A Fine New Title", "sql": "drop"}),
     "invalid_params", "sql"),
    ("missing evidence", proposal() | {"evidence": []}, "missing_evidence", "evidence"),
    ("missing rollback plan", without(proposal(), "rollback_plan"), "missing_rollback_plan", "rollback"),
    ("oversized params", proposal(params={"new_title": "x" * 20_000}), "payload_too_large", "params"),
    ("oversized evidence", proposal() | {"evidence": proposal()["evidence"] * 1000}, "payload_too_large", "evidence"),
    ("target of the wrong kind", proposal(target="order:#1042"), "invalid_target", "page:"),
    ("malformed target", proposal(target="linen tote"), "invalid_proposal", "target"),
    ("confidence above one", proposal(confidence=1.5), "invalid_proposal", "confidence"),
    ("naive evidence time", proposal() | {"evidence": [proposal()["evidence"][0] | {"observed_at": "2026-11-01T10:00:00"}]},
     "invalid_proposal", "observed_at"),
]


@pytest.mark.parametrize(("case", "raw", "code", "names"), BAD_PROPOSALS, ids=[c[0] for c in BAD_PROPOSALS])
async def test_bad_proposal_is_refused_and_writes_nothing(app: App, case: str, raw: dict[str, Any], code: str,
                                                          names: str) -> None:
    before = await rows(app)
    with pytest.raises(InvalidInput) as e:
        await propose(app.deps, AGENT, raw)
    assert e.value.code == code
    assert names in e.value.message
    assert await rows(app) == before


@pytest.mark.parametrize("raw_id", ["12abc", "-1", "0", "", "#", "1; DROP TABLE actions", 3.5, None, True,
                                    "9" * 40])
async def test_malformed_ids_are_refused(app: App, raw_id: Any) -> None:
    before = await rows(app)
    with pytest.raises(InvalidInput) as e:
        await get_action(app.deps, OP, action_id=raw_id)
    assert e.value.code == "malformed_id"
    with pytest.raises(InvalidInput):
        await decide(app.deps, OP, action_id=raw_id, version=1, verdict="approve")
    assert await rows(app) == before


async def test_bad_edits_change_nothing(app: App) -> None:
    from tests.factories import seed_store

    await seed_store(app)
    a = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal("pricing.adjust"))).action
    before = await rows(app)
    with pytest.raises(ToolError) as e:
        await decide(app.deps, OP, action_id=a.id, version=1, verdict="edit_approve", params={"new_price": "cheap"})
    assert e.value.code == "invalid_params" and "new_price" in e.value.message
    with pytest.raises(ToolError) as e2:
        await decide(app.deps, OP, action_id=a.id, version=0, verdict="approve")
    assert e2.value.code == "invalid_version"
    with pytest.raises(ValueError):
        await decide(app.deps, OP, action_id=a.id, version=1, verdict="maybe")
    assert await rows(app) == before


@pytest.mark.parametrize(("filters", "code", "named"), [
    ({"agent": "nobody"}, "unknown_agent", "'nobody'"),
    ({"kind": "content.delete_site"}, "unknown_kind", "'content.delete_site'"),
    ({"risk_tier": "extreme"}, "invalid_risk_tier", "'extreme'"),
])
async def test_a_queue_filter_that_names_nothing_is_refused_not_answered_with_an_empty_queue(
        app: App, filters: dict[str, str], code: str, named: str) -> None:
    from tools.actions import list_actions

    await propose(app.deps, AGENT, proposal())
    with pytest.raises(InvalidInput) as e:
        await list_actions(app.deps, OP, **filters)
    assert e.value.code == code and named in e.value.message
    assert [a.agent for a in await list_actions(app.deps, OP, agent="content")] == ["content"]
