"""Fixtures for the agents: an app with its conversation service, on both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import insert

from server.app import App, create_app
from server.persistence import models as m
from tests.conftest import make_settings
from tests.factories import seed_store
from tools.pii import customer_ref_for


@pytest.fixture
async def agents_app(db_url: str) -> AsyncIterator[App]:
    app = await create_app(make_settings(db_url))
    await seed_store(app)
    yield app
    await app.close()


async def add_customer_orders(app: App, email: str, names: list[str], tenant: str = "demo") -> str:
    ref = customer_ref_for(app.deps, tenant, email)
    now = datetime.now(timezone.utc)
    async with app.db.write(tenant) as tx:
        for n, name in enumerate(names):
            await tx.conn.execute(insert(m.Order).values(  # type: ignore[attr-defined]
                tenant_id=tenant, name=name, customer_ref=ref, financial_status="paid",
                fulfillment_status="fulfilled" if n == 0 else "unfulfilled", total=88.0 + n, created_at=now))
    return ref
