"""'Approve 8 and 9 but make 8 only 40 units': the change is 8's alone.

Found by an exploratory chat on the demo store: the question offered both reorders at 40 units
("Edit and approve #8 (… → quantity 40) and #9 (… → quantity 40)? yes / no"), and "approve 8 and 9 but
8 only 40 units" approved #8 at the 89 units it proposed and asked about #9. A yes would have ordered
the wrong quantities.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import insert

from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from server.persistence import models as m
from tests.factories import proposal
from tools.actions import get_action, propose

OP = Principal.operator("demo")
INVENTORY = Principal.for_agent("demo", "inventory")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("said", [
    "approve #8 and #9 but make 8 only 40 units", "approve 8 and 9 but make 8 40 units",
    "approve 8 and 9, 8 with 40 units", "approve 8 and 9 but 8 only 40 units",
    "approve 9 and 8 - 8 should be 40 units", "approve 8 and 9 but for 8 make it 40 units",
])
def test_the_change_goes_to_the_action_it_names(said: str) -> None:
    read = sorted((i.name, i.ids, i.params) for i in parse(said, NOW))
    assert read == [("approve", (9,), {}), ("edit_approve", (8,), {"quantity": 40})], said


@pytest.mark.parametrize(("said", "read"), [
    ("approve 8, 9 and 10 but for 8 make it 40 units",
     [("approve", (9, 10), {}), ("edit_approve", (8,), {"quantity": 40})]),
    ("approve 8 and 9, 10 with 30 units", [("approve", (8, 9), {}), ("edit_approve", (10,), {"quantity": 30})]),
    ("approve 7 and 12, 12 with title \"Flint Table Runner – Cotton\"",
     [("approve", (7,), {}), ("edit_approve", (12,), {"new_title": "Flint Table Runner – Cotton"})]),
    # a change said of both stays both's; a reason naming one is no change
    ("approve 8 and 9 but make it 40 units", [("edit_approve", (8, 9), {"quantity": 40})]),
    ("approve 9 with 20 units and 10 with 30", [("edit_approve", (9,), {"quantity": 20}),
                                                ("edit_approve", (10,), {"quantity": 30})]),
])
def test_the_others_stay_as_proposed(said: str, read: list[tuple[object, ...]]) -> None:
    assert sorted((i.name, i.ids, i.params) for i in parse(said, NOW)) == sorted(read), said


async def test_a_yes_orders_each_reorder_as_said(agents_app: App) -> None:
    async with agents_app.db.write("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        for sku in ("TEE-1", "MUG-1"):
            pid = (await conn.execute(insert(m.Product).values(tenant_id="demo", handle=sku.lower(), title=sku,
                                                               updated_at=NOW).returning(m.Product.id))).scalar_one()
            await conn.execute(insert(m.Variant).values(tenant_id="demo", product_id=pid, sku=sku, price=20.0,
                                                        cost=8.0, inventory_qty=3, updated_at=NOW))
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target="sku:TEE-1"))).action
    b = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target="sku:MUG-1"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {a.id} and {b.id} but make {a.id} only 40 units", thread="c1")
    assert {(p["verb"], p["action_id"]) for p in turn.pending or []} == {("edit_approve", a.id), ("approve", b.id)}
    await chat.send(OP, "yes", thread="c1")
    first, second = [(await get_action(agents_app.deps, OP, action_id=i))["action"] for i in (a.id, b.id)]
    assert (first["status"], first["params"]["quantity"]) == ("executed", 40), first
    assert (second["status"], second["params"]["quantity"]) == ("executed", 120), second
