"""What the PII detectors know of a store is one object per content, whoever reads it."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert

from server.app import App
from server.persistence import models as m
from tests.factories import seed_store
from tools.pii import forget_hints, hints_for


async def test_the_stores_hints_read_again_are_the_same_object_until_the_store_changes(app: App) -> None:
    await seed_store(app)
    first = await hints_for(app.deps, "demo")
    assert "linen tote" in first.catalog
    forget_hints(app.deps, "demo")  # as a minute passing does
    again = await hints_for(app.deps, "demo")
    # the detectors' cache is keyed by (text, hints): an equal copy would be compared field by field,
    # the whole catalogue and every customer's name, on every hit
    assert again is first
    async with app.db.write("demo") as tx:
        await tx.conn.execute(insert(m.Product).values(  # type: ignore[attr-defined]
            tenant_id="demo", handle="wool-scarf", title="Wool Scarf", vendor="Atelier Nord", seo_title="Wool Scarf",
            seo_description="A scarf.", updated_at=datetime.now(timezone.utc)))
    forget_hints(app.deps, "demo")
    changed = await hints_for(app.deps, "demo")
    assert changed is not first and "wool scarf" in changed.catalog
