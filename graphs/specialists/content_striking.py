"""Striking distance: pages whose searches at positions 4-20 earn far fewer clicks than those positions do.

The shortfall is measured on a page's queries *in* that range only, and every page with
such queries is screened. Strong pages used to be missed three ways: the shortfall was
taken over all of a page's queries (a page first for its own name earned its share
there, hiding a head query at position 7 earning a third of it); pages were screened on
their average position (pulled out of range, or under the curve, by those same top
queries); and a page whose title and description already named its search got a finding,
never a proposal. The screen now bounds each page's expected clicks from above by bands
of position, so it never drops a page its queries would keep (see ``prescreen``).
Worth: the missed clicks x the share a better snippet recovers x the page's
conversion rate x its order value x the store's gross margin.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from graphs.specialists.arithmetic import Factor, evidence, multiply, num, proposal
from graphs.specialists.base import Analysis
from graphs.specialists.content_site import AGENT, GSC, Frame, canonical, position
from graphs.specialists.text import covers, title_case
from graphs.state import RunContext
from policies.ctr import CtrCurve
from policies.stats import confidence_from_z, shortfall_z
from tools.telemetry_reads import pairs_for_pages, range_stats

CHECK = "striking_distance"
#: a query counts when its average position is in this range (inclusive)
POSITIONS = (4.0, 20.0)
#: bands of position the prescreen bounds expected clicks over (edges; page two starts at 10.5)
BANDS = (4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.5, 12.0, 15.0, 20.0)
#: named impressions a page needs in that range
MIN_IMPRESSIONS = 300
#: a page earning at most this share of the clicks its positions should
MAX_SHARE = 0.7
MIN_Z = 3.0
#: the share of missed clicks a better title or description wins back (assumption)
RECOVERY = 0.5
#: rejection reasons, as ``--explain`` prints them
FEW_IMPRESSIONS = f"fewer than {MIN_IMPRESSIONS} impressions at positions {POSITIONS[0]:g}-{POSITIONS[1]:g}"
EARNS_ENOUGH = f"earns more than {MAX_SHARE:.0%} of the clicks its positions should"
NOT_SIGNIFICANT = f"shortfall not significant (z < {MIN_Z:g})"
NOT_MANAGED = "not a page the engine edits (collection, guide, blog post)"
ALREADY_DONE = "title and description already say what people search"


@dataclass(frozen=True, slots=True)
class Shortfall:
    impressions: int
    clicks: int
    expected: float
    share: float
    z: float
    position: float
    top: dict[str, Any]


def in_range(pair: dict[str, Any]) -> bool:
    return bool(pair["query"]) and pair["impressions"] > 0 and \
        POSITIONS[0] <= position(pair["position_sum"], pair["impressions"]) <= POSITIONS[1]


def measure(pairs: list[dict[str, Any]], curve: CtrCurve) -> Shortfall | None:
    """The clicks a page's in-range named queries got against what the curve expects at their positions."""
    named = [q for q in pairs if in_range(q)]
    impressions = sum(q["impressions"] for q in named)
    if not impressions:
        return None
    clicks = sum(q["clicks"] for q in named)
    expected = sum(q["impressions"] * curve.expected(position(q["position_sum"], q["impressions"])) for q in named)
    share = clicks / expected if expected else 1.0
    return Shortfall(impressions, clicks, expected, share, shortfall_z(clicks, impressions, expected / impressions),
                     position(sum(q["position_sum"] for q in named), impressions),
                     max(named, key=lambda q: q["impressions"]))


def prescreen(impressions: int, clicks: int, ceiling: float) -> str | None:
    """The verdict from a page's banded totals, before its searches are read: ``ceiling`` is at least the clicks
    its positions earn, so a page rejected here would be rejected on its searches too (share and z only fall
    as the expected clicks do)."""
    if impressions < MIN_IMPRESSIONS:
        return FEW_IMPRESSIONS
    if clicks > MAX_SHARE * ceiling:
        return EARNS_ENOUGH
    if shortfall_z(clicks, impressions, ceiling / impressions) < MIN_Z:
        return NOT_SIGNIFICANT
    return None


def verdict(s: Shortfall) -> str | None:
    """None when the shortfall is worth acting on, else the reason it is not."""
    if s.impressions < MIN_IMPRESSIONS:
        return FEW_IMPRESSIONS
    if s.share > MAX_SHARE:
        return EARNS_ENOUGH
    if s.z < MIN_Z:
        return NOT_SIGNIFICANT
    return None


async def check(ctx: RunContext, frame: Frame, analysis: Analysis) -> None:
    curve, paths = frame.curve, frame.paths
    # one page however many URLs Search Console reports it under (a product through a collection, say)
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    ids: dict[str, set[int]] = defaultdict(set)
    for row in await range_stats(ctx.deps, ctx.principal.tenant, edges=BANDS):
        page = canonical(paths.get(row["page_id"], ""))
        ids[page].add(row["page_id"])
        cell = totals[page]
        cell[0] += row["impressions"]
        cell[1] += row["clicks"]
        # the curve falls with position: a band's expected clicks are at most what its best position earns
        cell[2] += row["impressions"] * curve.expected(BANDS[row["band"]])
    analysis.consider(CHECK, len(totals))
    screened = []
    for page, (impressions, clicks, ceiling) in totals.items():
        reason = prescreen(int(impressions), int(clicks), ceiling)
        if reason is None:
            screened.append(page)
        else:
            analysis.reject(CHECK, reason)
    if not screened:
        return
    by_page: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pair in await pairs_for_pages(ctx.deps, ctx.principal.tenant, sorted(i for p in screened for i in ids[p])):
        by_page[canonical(paths.get(pair["page_id"], ""))].append(pair)
    # by path, the same data proposes in the same order (and gets the same ids)
    for page in sorted(screened):
        s = measure(by_page.get(page, []), curve)
        reason = FEW_IMPRESSIONS if s is None else verdict(s)
        if reason is not None or s is None:
            analysis.reject(CHECK, reason or FEW_IMPRESSIONS)
            continue
        _propose(frame, analysis, page, s)


def _propose(frame: Frame, analysis: Analysis, path: str, s: Shortfall) -> None:
    site, top = frame.site, s.top
    where = f"{path} (average position {s.position:.1f}, {s.impressions:,} impressions, {s.clicks:,} clicks)"
    page = site.managed(path)
    if page is None:
        analysis.reject(CHECK, NOT_MANAGED)
        analysis.findings.append(f"{where} earns {s.share:.0%} of the clicks its positions should, but it is a "
                                 f"{site.page(path).kind if site.page(path) else 'page'} the engine cannot edit: "
                                 f"rewrite its title for “{top['query']}” in the store's admin.")
        return
    current_title = page["seo_title"] or page["title"]
    description = page.get("seo_description") or ""
    confidence = confidence_from_z(s.z, floor=0.35, ceiling=0.8)
    new_description = _description(page, top["query"], site.brand)
    if not covers(current_title, top["query"]):
        kind, params = "content.rewrite_title", {"new_title": _title(page, top["query"], site.brand),
                                                 "current_title": current_title[:500]}
        lever = f"its title “{current_title}” does not say “{top['query']}”, its top search"
    elif len(description) < 70 or not covers(description, top["query"]):
        kind = "content.rewrite_meta_description"
        params = {"new_description": new_description, "current_description": description[:2000]}
        lever = ("it has no meta description" if not description else
                 f"its meta description does not speak to “{top['query']}”")
    elif new_description != description:
        # the snippet names the search and still loses the clicks: the description is the next thing to test,
        # with less confidence that it is the cause
        kind = "content.rewrite_meta_description"
        params = {"new_description": new_description, "current_description": description[:2000]}
        lever = (f"its title and description name “{top['query']}” yet searchers pass it by; a description "
                 "with price and availability is the next snippet to test")
        confidence = confidence_from_z(s.z, floor=0.25, ceiling=0.5)
    else:
        analysis.reject(CHECK, ALREADY_DONE)
        analysis.findings.append(f"{where} earns {s.share:.0%} of the clicks its positions should; its title and "
                                 "description already target its searches (check the rich results).")
        return
    model, window, at, curve = frame.model, frame.window, frame.at, frame.curve
    missed = Factor.worked("missed clicks", num(s.expected, label="clicks expected") - num(s.clicks, label="clicks"),
                           f"{GSC}: clicks the store's CTR curve expects at the positions of the page's searches "
                           f"ranked {POSITIONS[0]:g}-{POSITIONS[1]:g}, less those it got, {window}")
    revenue = multiply(missed, Factor("share recovered", RECOVERY, "assumption: a better snippet wins back half "
                                                                   "the gap"),
                       model.rate(path), model.aov(path), model.margin())
    analysis.proposals.append(proposal(
        kind=kind, target=f"page:{path}", agent=AGENT,
        title=f"{'Rewrite the title' if kind.endswith('title') else 'Write a meta description'} of "
              f"{path}: it earns {s.share:.0%} of the clicks its position should",
        rationale=f"{where}: {lever}. The store's curve expects {num(s.expected).text} clicks; it got "
                  f"{s.clicks:,} (z = {s.z:.1f}).",
        params=params, revenue=revenue, confidence=confidence, ease=0.9,
        evidence=[evidence(GSC, f"page={path}", "clicks", float(s.clicks), window, at),
                  evidence(GSC, f"page={path}", "expected clicks (CTR curve)", round(s.expected, 1), window, at),
                  evidence(GSC, f"page={path}", "impressions", float(s.impressions), window, at),
                  evidence(GSC, f"page={path} query={top['query']}", "impressions", float(top["impressions"]),
                           window, at),
                  evidence(GSC, "ctr curve", "expected CTR at position", round(curve.expected(s.position), 4),
                           curve.describe(), at)],
        rollback="Restore the previous text (kept in the action); the engine does this itself.",
        steps=["growth actions rollback ID"]))


def _title(page: dict[str, Any], query: str, brand: str) -> str:
    name = page["title"]
    base = name if covers(name, query) else f"{title_case(query)} – {name}"
    suffix = f" | {brand}" if brand else ""
    text = base + suffix if len(base + suffix) <= 60 else base
    return text[:70] if len(text) >= 5 else f"{title_case(query)} | {name}"[:70]


def _description(page: dict[str, Any], query: str, brand: str) -> str:
    body = html.unescape(re.sub(r"<[^>]+>", " ", page.get("body_html") or ""))
    first = " ".join(body.split()).split(". ")[0].strip().rstrip(".")
    price = f" from ${page['price']:.2f}" if page.get("price") else ""
    seller = f" at {brand}" if brand else ""
    # a first sentence that already names the product ("Meet the Rowan Jute Tote Bag: …") is not prefixed with it
    opening = first if page["title"].lower() in first.lower() else f"{page['title']}: {first}"
    text = f"{opening}. Shop {query}{price}{seller}, in stock and ready to ship."
    if len(text) > 160:
        text = f"{page['title']} – {query}{price}{seller}. In stock and ready to ship."
    return text[:320] if len(text) >= 20 else f"Shop the {page['title']} – {query}{price}{seller}."
