"""The content / SEO specialist: pages that search sends too few clicks, and searches no page answers.

- **Striking distance**: a page at positions 4-20 with enough impressions whose
  clicks fall well short of what its positions earn on the store's own CTR curve
  (published curve as fallback) — a title rewrite when the title misses what
  people search, else a meta description rewrite. Worth: the missed clicks x the
  share a better snippet recovers x the page's conversion rate x its order value.
- **Pages losing clicks** because they slid in the rankings: internal links from
  the strongest related page, anchored on the query that was lost.
- **Missing pages**: clusters of related queries with impressions but no page of
  the store that ranks for them or is about them → a landing page.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from graphs.specialists.arithmetic import Factor, evidence, multiply, num, proposal
from graphs.specialists.base import Analysis
from graphs.specialists.conversion import ConversionModel
from graphs.specialists.text import core, covers, title_case, words
from graphs.state import RunContext
from policies.ctr import CtrCurve, fit
from policies.stats import confidence_from_z, count_drop_z, shortfall_z
from tools.coverage import describe_missing
from tools.telemetry_reads import SearchData, pairs_for_pages, search_data, top_queries

AGENT = "content"
GSC = "Search Console"
POSITIONS = (4.0, 20.0)
MIN_IMPRESSIONS = 300
#: a page earning at most this share of the clicks its positions should
MAX_SHARE = 0.7
MIN_Z = 3.0
#: the share of missed clicks a better title or description wins back (assumption)
RECOVERY = 0.5
LOSS_MIN_PREV_CLICKS = 40
LOSS_MIN_DROP = 0.3
LOSS_MIN_POSITIONS = 2.0
CLUSTER_MIN_QUERY_IMPRESSIONS = 60
#: the most-seen queries considered for clusters (the tail cannot add up to a page's worth)
CLUSTER_QUERIES = 5000
#: a word in more than this share of those queries (the store's own "bag") does not make queries related
GENERIC_SHARE = 0.05
CLUSTER_MIN_IMPRESSIONS = 800
#: a new page is assumed to reach this position, and this share of the searches, within the horizon
TARGET_POSITION = 3.0
REACH = 0.5
#: about one searcher in ten looks past the first page of results, so impressions there undercount searches
PAST_PAGE_ONE = 0.1


def _position(position_sum: float, impressions: float) -> float:
    return position_sum / impressions + 1.0 if impressions else 0.0


class Store:
    """The pages the engine can edit, by path."""

    def __init__(self, data: SearchData) -> None:
        self.products = {f"/products/{p['handle']}": p for p in data.catalogue}
        self.landing = {lp["path"]: lp for lp in data.landing_pages}
        self.brand = _brand([p["seo_title"] for p in data.catalogue])

    def page(self, path: str) -> dict[str, Any] | None:
        return self.products.get(path) or self.landing.get(path)

    def about(self, tokens: frozenset[str]) -> str | None:
        """A page whose title is about every word in ``tokens``."""
        for path, p in [*self.products.items(), *self.landing.items()]:
            if tokens <= set(words(f"{p['title']} {p.get('handle', '')} {p.get('query', '')}")):
                return path
        return None


def _brand(titles: list[str]) -> str:
    suffixes: dict[str, int] = defaultdict(int)
    for t in titles:
        if "|" in t:
            suffixes[t.rsplit("|", 1)[1].strip()] += 1
    return max(suffixes, key=lambda s: suffixes[s]) if suffixes else ""


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
    window = f"{cur.get('start')}..{cur.get('end')}"
    prev_window = f"{prev.get('start')}..{prev.get('end')}"
    curve = fit((b["position"], b["impressions"], b["clicks"]) for b in data.buckets)
    ga4_window = (data.ga4_source or {}).get("details", {}).get("windows", {}).get("last28", {})
    model = ConversionModel(data.ga4, f"{ga4_window.get('start')}..{ga4_window.get('end')}", data.orders)
    store = Store(data)
    # rows come in import order; by path, the same data proposes in the same order (and gets the same ids)
    data.pages.sort(key=lambda p: p["path"])
    analysis = Analysis(counts={"pages": len(data.pages), "curve": curve.describe()})
    analysis.findings.append(f"Expected CTR by position: {curve.describe()}.")
    await _striking(ctx, data, curve, model, store, analysis, at=at, window=window)
    _losing(data, model, store, analysis, at=at, window=window, prev_window=prev_window)
    await _missing_pages(ctx, curve, model, store, analysis, at=at, window=window)
    return analysis


# --- striking distance --------------------------------------------------------------

async def _striking(ctx: RunContext, data: SearchData, curve: CtrCurve, model: ConversionModel, store: Store,
                    analysis: Analysis, *, at: datetime, window: str) -> None:
    screened = []
    for p in data.pages:
        pos = _position(p["position_sum"], p["impressions"])
        if p["impressions"] >= MIN_IMPRESSIONS and POSITIONS[0] <= pos <= POSITIONS[1] \
                and p["clicks"] < curve.expected(pos) * p["impressions"] * 0.9:
            screened.append(p)
    if not screened:
        return
    pairs = await pairs_for_pages(ctx.deps, ctx.principal.tenant, [p["page_id"] for p in screened])
    by_page: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pair in pairs:
        if pair["query"] and pair["impressions"]:
            by_page[pair["page_id"]].append(pair)
    analysis.counts["striking_screened"] = len(screened)
    for p in screened:
        named = by_page.get(p["page_id"], [])
        impressions = sum(q["impressions"] for q in named)
        if impressions < MIN_IMPRESSIONS:
            continue
        clicks = sum(q["clicks"] for q in named)
        expected = sum(q["impressions"] * curve.expected(_position(q["position_sum"], q["impressions"]))
                       for q in named)
        share = clicks / expected if expected else 1.0
        z = shortfall_z(clicks, impressions, expected / impressions)
        if share > MAX_SHARE or z < MIN_Z:
            continue
        top = max(named, key=lambda q: q["impressions"])
        page = store.page(p["path"])
        pos = _position(sum(q["position_sum"] for q in named), impressions)
        where = f"{p['path']} (average position {pos:.1f}, {impressions:,} impressions, {clicks:,} clicks)"
        if page is None:
            analysis.findings.append(f"{where} earns {share:.0%} of the clicks its positions should, but it is not "
                                     "a product or landing page the engine manages.")
            continue
        current_title = page["seo_title"] or page["title"]
        description = page.get("seo_description") or ""
        if not covers(current_title, top["query"]):
            kind, params = "content.rewrite_title", {"new_title": _title(page, top["query"], store.brand),
                                                     "current_title": current_title[:500]}
            lever = f"its title “{current_title}” does not say “{top['query']}”, its top search"
        elif len(description) < 70 or not covers(description, top["query"]):
            kind = "content.rewrite_meta_description"
            params = {"new_description": _description(page, top["query"], store.brand),
                      "current_description": description[:2000]}
            lever = ("it has no meta description" if not description else
                     f"its meta description does not speak to “{top['query']}”")
        else:
            analysis.findings.append(f"{where} earns {share:.0%} of the clicks its positions should; its title and "
                                     "description already target its searches (check the rich results).")
            continue
        expected_clicks = num(expected, label="clicks expected")
        missed = Factor.worked("missed clicks", expected_clicks - num(clicks, label="clicks"),
                               f"{GSC}: clicks the store's CTR curve expects at the page's positions, less those "
                               f"it got, {window}")
        revenue = multiply(missed, Factor("share recovered", RECOVERY, "assumption: a better snippet wins back "
                                                                        "half the gap"),
                           model.rate(p["path"]), model.aov(p["path"]))
        analysis.proposals.append(proposal(
            kind=kind, target=f"page:{p['path']}", agent=AGENT,
            title=f"{'Rewrite the title' if kind.endswith('title') else 'Write a meta description'} of "
                  f"{p['path']}: it earns {share:.0%} of the clicks its position should",
            rationale=f"{where}: {lever}. The store's curve expects {num(expected).text} clicks; it got {clicks:,} "
                      f"(z = {z:.1f}).",
            params=params, revenue=revenue, confidence=confidence_from_z(z, floor=0.35, ceiling=0.8), ease=0.9,
            evidence=[evidence(GSC, f"page={p['path']}", "clicks", float(clicks), window, at),
                      evidence(GSC, f"page={p['path']}", "expected clicks (CTR curve)", round(expected, 1), window,
                               at),
                      evidence(GSC, f"page={p['path']}", "impressions", float(impressions), window, at),
                      evidence(GSC, f"page={p['path']} query={top['query']}", "impressions",
                               float(top["impressions"]), window, at),
                      evidence(GSC, "ctr curve", "expected CTR at position", round(curve.expected(pos), 4),
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
    text = f"{page['title']}: {first}. Shop {query}{price}{seller}, in stock and ready to ship."
    if len(text) > 160:
        text = f"{page['title']} – {query}{price}{seller}. In stock and ready to ship."
    return text[:320] if len(text) >= 20 else f"Shop the {page['title']} – {query}{price}{seller}."


# --- pages losing clicks --------------------------------------------------------------

def _losing(data: SearchData, model: ConversionModel, store: Store, analysis: Analysis, *, at: datetime,
            window: str, prev_window: str) -> None:
    by_path = {p["path"]: p for p in data.pages}
    # link sources: pages on the first page of results now, strongest first
    strong = sorted((p for p in data.pages if p["impressions"] and _position(p["position_sum"], p["impressions"]) <= 10
                     and p["clicks"] >= p["prev_clicks"] * (1 - LOSS_MIN_DROP)), key=lambda p: -p["clicks"])
    links: dict[str, list[tuple[dict[str, Any], dict[str, Any], float]]] = defaultdict(list)
    for p in data.pages:
        before, after = p["prev_clicks"], p["clicks"]
        if before < LOSS_MIN_PREV_CLICKS or after > before * (1 - LOSS_MIN_DROP):
            continue
        z = count_drop_z(before, after)
        if z < MIN_Z or not p["prev_impressions"] or not p["impressions"]:
            continue
        slid = _position(p["position_sum"], p["impressions"]) - _position(p["prev_position_sum"],
                                                                           p["prev_impressions"])
        if slid < LOSS_MIN_POSITIONS:
            analysis.findings.append(f"{p['path']} lost {before - after:,} clicks ({before:,} → {after:,}) with its "
                                     "position holding: demand fell, not its ranking.")
            continue
        source = _related(p, strong, store)
        if source is None:
            analysis.findings.append(f"{p['path']} slid {slid:.1f} places and lost {before - after:,} clicks; no "
                                     "strong related page to link from.")
            continue
        links[source["path"]].append((p, source, z))
    for source_path, items in links.items():
        lost = sum(p["prev_clicks"] - p["clicks"] for p, _, _ in items)
        z = max(z for _, _, z in items)
        target_paths = [p["path"] for p, _, _ in items]
        anchors = [_anchor(store, p["path"]) for p, _, _ in items]
        terms = [num(p["prev_clicks"], label="clicks before") - num(p["clicks"], label="clicks now")
                 for p, _, _ in items]
        lost_calc = terms[0]
        for term in terms[1:]:
            lost_calc = lost_calc.grouped() + term.grouped()
        revenue = multiply(Factor.worked("lost clicks", lost_calc, f"{GSC}: clicks in {prev_window} and in {window} "
                                                                   f"on {', '.join(target_paths)}"),
                           Factor("share recovered", RECOVERY, "assumption: links win back half the loss"),
                           model.rate(target_paths[0]), model.aov(target_paths[0]))
        ev = []
        for p, _, _ in items:
            ev += [evidence(GSC, f"page={p['path']}", "clicks", float(p["clicks"]), window, at),
                   evidence(GSC, f"page={p['path']}", "clicks", float(p["prev_clicks"]), prev_window, at),
                   evidence(GSC, f"page={p['path']}", "average position",
                            round(_position(p["position_sum"], p["impressions"]), 2), window, at),
                   evidence(GSC, f"page={p['path']}", "average position",
                            round(_position(p["prev_position_sum"], p["prev_impressions"]), 2), prev_window, at)]
        base = by_path[source_path]
        analysis.proposals.append(proposal(
            kind="content.add_internal_links", target=f"page:{source_path}", agent=AGENT,
            title=f"Link from {source_path} to {', '.join(target_paths)}: "
                  f"{'it' if len(items) == 1 else 'they'} slid in search and lost {lost:,} clicks",
            rationale=f"{', '.join(target_paths)} lost rankings and {lost:,} clicks; {source_path} ranks at "
                      f"{_position(base['position_sum'], base['impressions']):.1f} for related searches, so links "
                      "from it pass that strength on.",
            params={"links": [{"anchor": a[:120], "to_url": by_path[t]["url"]}
                              for a, t in zip(anchors, target_paths)]},
            revenue=revenue, confidence=confidence_from_z(z, floor=0.3, ceiling=0.65), ease=0.8, evidence=ev,
            rollback="Remove the added links (the engine marks them removed itself).",
            steps=["growth actions rollback ID"]))


def _related(page: dict[str, Any], strong: list[dict[str, Any]], store: Store) -> dict[str, Any] | None:
    """The strongest page about the same kind of thing (product type, or the words of the path)."""
    mine = set(_topic(store, page["path"]))
    for s in strong:
        if s["path"] != page["path"] and mine & set(_topic(store, s["path"])):
            return s
    return None


def _topic(store: Store, path: str) -> list[str]:
    page = store.page(path)
    if page and page.get("product_type"):
        return words(page["product_type"])
    return words(path.rsplit("/", 1)[-1].replace("-", " ")) if path.startswith("/collections/") else []


def _anchor(store: Store, path: str) -> str:
    page = store.page(path)
    return page["title"] if page else path.rsplit("/", 1)[-1].replace("-", " ")


# --- queries no page answers ----------------------------------------------------------

async def _missing_pages(ctx: RunContext, curve: CtrCurve, model: ConversionModel, store: Store,
                         analysis: Analysis, *, at: datetime, window: str) -> None:
    queries = await top_queries(ctx.deps, ctx.principal.tenant, min_impressions=CLUSTER_MIN_QUERY_IMPRESSIONS,
                                limit=CLUSTER_QUERIES)
    # A query is answered when a page ranks on the first page for it or is about it; the rest are clustered.
    open_queries = [(q, core(q["query"])) for q in queries if q["best_position"] > 10.0]
    open_queries = [(q, tokens) for q, tokens in open_queries if tokens and store.about(tokens) is None]
    for c in _clusters(open_queries):
        impressions = sum(q["impressions"] for q in c["queries"])
        if impressions < CLUSTER_MIN_IMPRESSIONS or len(c["queries"]) < 2:
            continue
        ranked = min(q["best_position"] for q in c["queries"])
        head = c["head"]["query"]
        clicks = sum(q["clicks"] for q in c["queries"])
        earn = (num(impressions, label="impressions") * num(1 / PAST_PAGE_ONE, "ratio", "searches per impression")
                * num(curve.expected(TARGET_POSITION), "pct", "click rate") - num(clicks, label="clicks now"))
        revenue = multiply(Factor.worked("clicks a page could earn", earn if earn.value > 0 else num(0),
                                         f"{GSC}: the searches behind impressions beyond page one (assumption: one "
                                         f"searcher in {1 / PAST_PAGE_ONE:g} looks that far) at the click rate of "
                                         f"position {TARGET_POSITION:g} on the store's curve, {window}"),
                           Factor("share reached", REACH, "assumption: a new page ranks for half these searches "
                                                          "within four weeks"),
                           model.rate("/"), model.store_aov_factor())
        path = "/pages/" + "-".join(words(head))[:80]
        outline = [f"What to look for in {q['query']}" for q in c["queries"][:1]]
        outline += [title_case(q["query"]) for q in c["queries"][1:8]] + ["Frequently asked questions"]
        analysis.proposals.append(proposal(
            kind="content.create_landing_page", target=f"query:{head}", agent=AGENT,
            title=f"Create a page for “{head}”: {impressions:,} impressions and no page that answers it",
            rationale=f"{len(c['queries'])} related searches ({', '.join(q['query'] for q in c['queries'][:5])}) "
                      f"show the store {impressions:,} times in four weeks; the best result is at position "
                      f"{ranked:.0f} and no product or page is about {' '.join(sorted(c['core']))}.",
            params={"path": path, "title": title_case(head)[:70], "query": head[:200], "outline": outline},
            revenue=revenue, confidence=0.4, ease=0.6,
            evidence=[evidence(GSC, f"query={q['query']}", "impressions", float(q["impressions"]), window, at)
                      for q in c["queries"][:10]]
            + [evidence(GSC, f"query={head}", "best position", round(ranked, 1), window, at)],
            rollback="Unpublish the page (the engine sets it back to draft itself).",
            steps=["growth actions rollback ID"]))


def _clusters(queries: list[tuple[dict[str, Any], frozenset[str]]]) -> list[dict[str, Any]]:
    """Greedy clusters, most-seen query first: a query joins the first cluster whose words contain its own,
    are contained in them, or share half of them. Candidates come from an index of the words that are
    not generic for this store, so this stays linear in the number of queries."""
    df: dict[str, int] = defaultdict(int)
    for _, tokens in queries:
        for w in tokens:
            df[w] += 1
    generic = {w for w, n in df.items() if n > max(20, GENERIC_SHARE * len(queries))}
    clusters: list[dict[str, Any]] = []
    index: dict[str, list[int]] = defaultdict(list)
    for q, tokens in queries:
        keys = (tokens - generic) or tokens
        candidates = sorted({i for w in keys for i in index.get(w, ())})
        for i in candidates:
            c = clusters[i]
            if c["core"] <= tokens or tokens <= c["core"] or len(c["core"] & tokens) / len(c["core"] | tokens) >= 0.5:
                c["queries"].append(q)
                break
        else:
            for w in keys:
                index[w].append(len(clusters))
            clusters.append({"core": tokens, "head": q, "queries": [q]})
    return clusters
