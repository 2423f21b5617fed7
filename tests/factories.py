"""Builders for proposals and store rows used across the tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import insert

from server.app import App
from server.persistence import models as m

NOW = datetime.now(timezone.utc)

DEFAULT_PARAMS: dict[str, tuple[str, dict[str, Any]]] = {
    "analytics.investigate": ("segment:organic/mobile", {"question": "Why did mobile conversion drop?",
                                                         "metric": "conversion_rate"}),
    "content.rewrite_title": ("page:https://shop.example/products/linen-tote",
                              {"new_title": "Linen Tote Bag – Handwoven, Washable", "current_title": "Linen Tote"}),
    "content.rewrite_meta_description": ("page:https://shop.example/products/linen-tote",
                                         {"new_description": "A handwoven linen tote that carries a laptop and "
                                                             "washes at 40°. Free returns."}),
    "content.add_internal_links": ("page:https://shop.example/products/linen-tote",
                                   {"links": [{"anchor": "linen apron", "to_url": "https://shop.example/products/linen-apron"}]}),
    "content.create_landing_page": ("query:linen tote bag", {"path": "/linen-tote-bags", "title": "Linen Tote Bags",
                                                             "query": "linen tote bag", "outline": ["Why linen"]}),
    "perf.repair_page": ("page:https://shop.example/products/linen-tote",
                         {"issue": "LCP regressed", "metric": "lcp_ms", "current_value": 4200, "target_value": 2500}),
    "inventory.reorder": ("sku:LIN-TOT-01", {"quantity": 120, "unit_cost": 9.5, "supplier": "Atelier Nord"}),
    "inventory.markdown": ("sku:LIN-TOT-01", {"percent_off": 20}),
    "pricing.adjust": ("sku:LIN-TOT-01", {"current_price": 40.0, "new_price": 42.0}),
    "risk.hold_order": ("order:#1042", {"reason": "billing and shipping countries differ", "score": 0.82,
                                        "signals": ["country_mismatch"]}),
    "risk.release_order": ("order:#1042", {"reason": "customer verified"}),
    "support.escalation": ("conversation:t-1", {"summary": "Customer asks for a refund on a damaged tote"}),
    "email.send": ("segment:lapsed", {"segment": "lapsed", "subject": "We miss you", "body": "Come back"}),
    "policy.grant_autonomy": ("kind:content.rewrite_title", {"kind": "content.rewrite_title",
                                                              "level": "semi_autonomous"}),
}


def proposal(kind: str = "content.rewrite_title", *, target: str | None = None,
             params: dict[str, Any] | None = None, revenue: float = 1000.0, confidence: float = 0.8,
             ease: float = 0.9, observed_at: datetime | None = None, agent: str | None = None,
             **extra: Any) -> dict[str, Any]:
    default_target, default_params = DEFAULT_PARAMS[kind]
    return {
        "kind": kind,
        "target": target or default_target,
        "params": default_params if params is None else params,
        "agent": agent or kind.split(".")[0].replace("pricing", "inventory").replace("support", "customer_front"),
        "title": f"{kind} on {target or default_target}",
        "rationale": "planted by a test",
        "expected_revenue": revenue,
        "confidence": confidence,
        "ease": ease,
        "evidence": [{"source": "gsc", "query": "searchAnalytics.query page=linen-tote", "metric": "ctr",
                      "value": 0.012, "window": "28d",
                      "observed_at": (observed_at or NOW - timedelta(hours=1)).isoformat()}],
        "rollback_plan": {"description": "restore the previous value from the before-state"},
        **extra,
    }


async def seed_store(app: App, tenant: str = "demo") -> None:
    """A tiny store: one product with one variant, one landing page path free, one order."""
    now = datetime.now(timezone.utc)
    async with app.db.write(tenant) as tx:
        await tx.tenants.ensure(name=tenant, now=now)
        conn = tx.conn  # type: ignore[attr-defined]
        pid = (await conn.execute(insert(m.Product).values(
            tenant_id=tenant, handle="linen-tote", title="Linen Tote", vendor="Atelier Nord",
            seo_title="Linen Tote", seo_description="A tote.", updated_at=now).returning(m.Product.id))).scalar_one()
        await conn.execute(insert(m.Variant).values(tenant_id=tenant, product_id=pid, sku="LIN-TOT-01", price=40.0,
                                                    compare_at_price=None, cost=12.0, inventory_qty=8, updated_at=now))
        await conn.execute(insert(m.Order).values(tenant_id=tenant, name="#1042", customer_ref="cus_test",
                                                  financial_status="paid", total=420.0, created_at=now))
