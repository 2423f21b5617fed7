"""The specialists and their analyses."""

from __future__ import annotations

from typing import Any

from graphs.specialists.base import Analysis, build
from graphs.state import RunContext
from tools.coverage import describe_missing, store_coverage

GSC = "import Search Console data (growth ingest gsc PATH)"
GA4 = "import GA4 landing-page data (growth ingest ga4 PATH)"
PRODUCTS = "import the Shopify product export (growth ingest shopify-products PATH)"
ORDERS = "import the Shopify orders export (growth ingest shopify-orders PATH)"

NEEDS: dict[str, dict[str, str]] = {
    "analytics": {"ga4_rows": GA4},
    "inventory": {"variants": PRODUCTS, "order_lines": ORDERS},
    "content": {"gsc_rows": GSC, "products": PRODUCTS},
    "risk": {"orders": ORDERS},
}


def _needs_only(agent: str):  # type: ignore[no-untyped-def]
    async def analyse(ctx: RunContext, task: str, scope: dict[str, Any]) -> Analysis:
        coverage = await store_coverage(ctx.deps, ctx.principal.tenant)
        missing = describe_missing(coverage, NEEDS[agent])
        return Analysis(counts=coverage, no_data=missing or f"The {agent} analysis is not available yet.")

    return analyse


SPECIALIST_GRAPHS = {name: build(name, _needs_only(name)) for name in NEEDS}
