"""The content / SEO specialist: pages that search sends too few clicks, and searches no page answers.

It knows every page the store has (``content_site``: products, its landing pages, and
every collection, guide or blog post Search Console or GA4 reports) and runs three
checks, each counting the candidates it considered and why it rejected the rest:

- **Striking distance** (``content_striking``): a title or meta description rewrite.
- **Pages losing clicks** (``content_losing``): internal links from a strong related page.
- **Missing pages** (``content_missing``): lift the page that is about a search cluster
  already, or, where none is, a new landing page valued from measured demand.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from graphs.specialists import content_losing, content_missing, content_striking
from graphs.specialists.base import Analysis
from graphs.specialists.content_site import AGENT, Frame, Site
from graphs.specialists.conversion import ConversionModel
from graphs.state import RunContext
from policies.ctr import fit
from tools.coverage import describe_missing
from tools.telemetry_reads import search_data

__all__ = ["AGENT", "analyse"]


async def analyse(ctx: RunContext, task: str, scope: dict[str, Any]) -> Analysis:
    tenant = ctx.principal.tenant
    data = await search_data(ctx.deps, tenant)
    if data.source is None and not data.ui_pages:
        missing = describe_missing({"gsc": 0}, {"gsc": "import Search Console data (growth ingest gsc PATH)"})
        return Analysis(no_data=missing)
    if not data.pages:
        return Analysis(findings=["Only the Search Console UI export is loaded: it has no page x query detail, so "
                                  "no page-level proposals; import the bulk export or API data for them."],
                        counts={"ui_pages": len(data.ui_pages), "ui_queries": len(data.ui_queries)})
    assert data.source is not None
    at: datetime = data.source["watermark"] or datetime.now(timezone.utc)
    windows = data.source["details"].get("windows", {})
    cur, prev = windows.get("current", {}), windows.get("previous", {})
    curve = fit((b["position"], b["impressions"], b["clicks"]) for b in data.buckets)
    ga4_window = (data.ga4_source or {}).get("details", {}).get("windows", {}).get("last28", {})
    model = ConversionModel(data.ga4, f"{ga4_window.get('start')}..{ga4_window.get('end')}", data.orders)
    # rows come in import order; by path, the same data proposes in the same order (and gets the same ids)
    data.pages.sort(key=lambda p: p["path"])
    site = Site(data)
    earlier = windows.get("earlier")
    frame = Frame(site, curve, model, at, f"{cur.get('start')}..{cur.get('end')}",
                  f"{prev.get('start')}..{prev.get('end')}", {p["page_id"]: p["path"] for p in data.pages},
                  f"{earlier['start']}..{earlier['end']}" if earlier else None)
    analysis = Analysis(counts={"pages": len(data.pages), "site_pages": site.counts(), "curve": curve.describe()})
    analysis.findings.append(f"Expected CTR by position: {curve.describe()}.")
    await content_striking.check(ctx, frame, analysis)
    content_losing.check(data, frame, analysis)
    await content_missing.check(ctx, data, frame, analysis)
    return analysis
