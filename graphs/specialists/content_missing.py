"""Searches no page answers: clusters of related queries with demand and no page of the store on page one.

A search a product or landing page is about is that page's own ranking, left to the
other checks. A cluster of the rest is answered first by the pages the store already
has: when a collection, guide or blog post is about it (its path holds the cluster's
words), the proposal is to lift that page (internal links from the strongest related
page, anchored on the search), never a second page for the same searches. Only
where no page of the store is about the cluster is a new landing page proposed,
worth what measured demand gives: the cluster's impressions x the click rate of the
position where half the store's first-page impressions sit (its own curve) x the
conversion rate of the store's collections (the kind of page a landing page is) x
its order value x the store's gross margin. Its confidence says how speculative that is.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from graphs.specialists.arithmetic import Factor, evidence, multiply, num, proposal
from graphs.specialists.base import Analysis
from graphs.specialists.content_site import AGENT, GSC, Frame, Page, canonical, position
from graphs.specialists.text import core, title_case, words
from graphs.state import RunContext
from policies.ctr import typical_position
from tools.telemetry_reads import SearchData, pairs_for_queries, top_queries

CHECK = "missing_pages"
CLUSTER_MIN_QUERY_IMPRESSIONS = 60
#: the most-seen queries considered for clusters (the tail cannot add up to a page's worth)
CLUSTER_QUERIES = 5000
#: a word in more than this share of those queries (the store's own "bag") does not make queries related
GENERIC_SHARE = 0.05
CLUSTER_MIN_IMPRESSIONS = 800
#: a cluster has a page when pages of the store are about queries holding at least this share of its impressions
COVERED_SHARE = 0.5
#: where the store has no first-page data of its own, a new page is assumed to reach this position
FALLBACK_POSITION = 8.0
#: the share of the gap internal links win back for a page that is about the searches (assumption)
RECOVERY = 0.5
SMALL = f"fewer than {CLUSTER_MIN_IMPRESSIONS} impressions, or a single search"
HAS_PAGE = "a page of the store is about it; no strong related page to link from"
NOTHING_TO_GAIN = "no clicks to gain at the position the store's pages reach"


async def check(ctx: RunContext, data: SearchData, frame: Frame, analysis: Analysis) -> None:
    queries = await top_queries(ctx.deps, ctx.principal.tenant, min_impressions=CLUSTER_MIN_QUERY_IMPRESSIONS,
                                limit=CLUSTER_QUERIES)
    # A query some page ranks on the first page for is answered; one a product or landing page is about is that
    # page's own ranking (the striking-distance and losing checks' business). The rest are clustered.
    open_queries = [(q, core(q["query"])) for q in queries if q["best_position"] > 10.0]
    on_page_one = len(queries) - len(open_queries)
    open_queries = [(q, tokens) for q, tokens in open_queries
                    if tokens and not any(p.managed for p in frame.site.about(tokens))]
    analysis.counts["searches_considered"] = len(queries)
    analysis.counts["searches_on_page_one"] = on_page_one
    analysis.counts["searches_of_managed_pages"] = len(queries) - on_page_one - len(open_queries)
    clusters = _clusters(open_queries)
    analysis.consider(CHECK, len(clusters))
    big = []
    for c in clusters:
        c["impressions"] = sum(q["impressions"] for q in c["queries"])
        if not big_enough(c["impressions"], len(c["queries"])):
            analysis.reject(CHECK, SMALL)
        else:
            big.append(c)
    if not big:
        return
    owned = [(c, _owners(frame, c)) for c in big]
    # where the pages about a cluster show for it: read only for clusters that have such pages
    shown = await pairs_for_queries(ctx.deps, ctx.principal.tenant,
                                    [q["query_id"] for c, owners in owned if owners for q in c["queries"]])
    reach = typical_position((b["position"], b["impressions"]) for b in data.buckets)
    for c, owners in owned:
        if owners:
            _improve(data, frame, analysis, c, _best_shown(owners, c, shown), reach)
        else:
            _create(frame, analysis, c, reach)


def big_enough(impressions: int, searches: int) -> bool:
    """Whether a cluster has the demand to be worth a page: enough impressions, over more than one search."""
    return impressions >= CLUSTER_MIN_IMPRESSIONS and searches >= 2


def speculation(best_position: float, searches: int) -> float:
    """The confidence in a new page: it ranks for nothing yet (0.2); a store already seen on page two for these
    searches (+0.1), and demand spread over four searches or more (+0.05), make reaching page one likelier."""
    return round(0.2 + (0.1 if best_position <= 20 else 0.0) + (0.05 if searches >= 4 else 0.0), 2)


def _owners(frame: Frame, cluster: dict[str, Any]) -> list[Page]:
    """Pages of the store about the cluster: about its head, or about most of its searches."""
    head = frame.site.about(cluster["core"])
    if head:
        return head
    covered: dict[str, list[Any]] = defaultdict(lambda: [None, 0])
    for q in cluster["queries"]:
        for page in frame.site.about(core(q["query"])):
            covered[page.path][0] = page
            covered[page.path][1] += q["impressions"]
    return [page for page, imp in covered.values() if imp >= COVERED_SHARE * cluster["impressions"]]


def _best_shown(owners: list[Page], cluster: dict[str, Any], shown: list[dict[str, Any]]) -> tuple[Page, float | None]:
    """The owner that ranks best for the cluster's searches (and that position), else the first owner."""
    ids = {q["query_id"] for q in cluster["queries"]}
    by_path = {p.path: p for p in owners}
    best: tuple[Page, float | None] = (owners[0], None)
    for row in shown:
        page = by_path.get(canonical(row["path"]))
        if page is not None and row["query_id"] in ids:
            pos = position(row["position_sum"], row["impressions"])
            if best[1] is None or pos < best[1]:
                best = (page, pos)
    return best


def _gain(frame: Frame, cluster: dict[str, Any], reach: float | None) -> tuple[Factor, float]:
    at_pos = reach if reach is not None else FALLBACK_POSITION
    rate = frame.curve.expected(at_pos)
    clicks = sum(q["clicks"] for q in cluster["queries"])
    earn = (num(cluster["impressions"], label="impressions") * num(rate, "pct", "click rate")
            - num(clicks, label="clicks now"))
    where = (f"position {at_pos:g}, the median position of the store's first-page impressions" if reach is not None
             else f"position {at_pos:g} (assumed: no first-page data of the store's own)")
    return Factor.worked("clicks to gain", earn if earn.value > 0 else num(0),
                         f"{GSC}: the cluster's measured impressions (a floor) at the click rate of {where}, on "
                         f"{frame.curve.describe()}, {frame.window}"), at_pos


def _evidence(frame: Frame, cluster: dict[str, Any]) -> list[dict[str, Any]]:
    ranked = min(q["best_position"] for q in cluster["queries"])
    return [evidence(GSC, f"query={q['query']}", "impressions", float(q["impressions"]), frame.window, frame.at)
            for q in cluster["queries"][:10]] + [evidence(GSC, f"query={cluster['head']['query']}", "best position",
                                                           round(ranked, 1), frame.window, frame.at)]


def _create(frame: Frame, analysis: Analysis, c: dict[str, Any], reach: float | None) -> None:
    gained, at_pos = _gain(frame, c, reach)
    if gained.value <= 0:
        analysis.reject(CHECK, NOTHING_TO_GAIN)
        return
    model = frame.model
    # a landing page lists products for a search, as a collection does: valued at the collections' rate
    revenue = multiply(gained, model.kind_rate("collection"), model.store_aov_factor(), model.margin())
    head, impressions = c["head"]["query"], c["impressions"]
    ranked = min(q["best_position"] for q in c["queries"])
    confidence = speculation(ranked, len(c["queries"]))
    path = "/pages/" + "-".join(words(head))[:80]
    outline = [f"What to look for in {q['query']}" for q in c["queries"][:1]]
    outline += [title_case(q["query"]) for q in c["queries"][1:8]] + ["Frequently asked questions"]
    analysis.proposals.append(proposal(
        kind="content.create_landing_page", target=f"query:{head}", agent=AGENT,
        title=f"Create a page for “{head}”: {impressions:,} impressions and no page that answers it",
        rationale=f"{len(c['queries'])} related searches ({', '.join(q['query'] for q in c['queries'][:5])}) "
                  f"show the store {impressions:,} times in four weeks; the best result is at position "
                  f"{ranked:.0f} and no page of the store (product, collection, guide or blog post) is about "
                  f"“{head}”. Valued at position {at_pos:g}; confidence {confidence:.2f} "
                  "because a new page has no ranking yet"
                  + (", though the store already shows on page two for these searches." if ranked <= 20 else "."),
        params={"path": path, "title": title_case(head)[:70], "query": head[:200], "outline": outline},
        revenue=revenue, confidence=confidence, ease=0.6, evidence=_evidence(frame, c),
        rollback="Unpublish the page (the engine sets it back to draft itself).",
        steps=["growth actions rollback ID"]))


def _improve(data: SearchData, frame: Frame, analysis: Analysis, c: dict[str, Any], owner: tuple[Page, float | None],
             reach: float | None) -> None:
    page, now_at = owner
    head = c["head"]["query"]
    source = _link_source(data, frame, analysis, page, c["core"])
    if source is None:
        analysis.reject(CHECK, HAS_PAGE)
        analysis.findings.append(f"“{head}” ({c['impressions']:,} impressions, best position "
                                 f"{min(q['best_position'] for q in c['queries']):.0f}): {page.path} is about it "
                                 "already; improve that page rather than create another.")
        return
    gained, at_pos = _gain(frame, c, reach)
    if gained.value <= 0:
        analysis.reject(CHECK, NOTHING_TO_GAIN)
        return
    model = frame.model
    revenue = multiply(gained, Factor("share recovered", RECOVERY, "assumption: links win back half the gap"),
                       model.rate(page.path), model.aov(page.path), model.margin())
    where = f"at position {now_at:.0f}" if now_at is not None else "without ranking yet"
    analysis.proposals.append(proposal(
        kind="content.add_internal_links", target=f"page:{source['path']}", agent=AGENT,
        title=f"Link from {source['path']} to {page.path} for “{head}”: {c['impressions']:,} impressions the "
              "store's own page does not win",
        rationale=f"{page.path} ({page.kind}) is about “{head}” and shows {where}; {len(c['queries'])} related "
                  f"searches saw the store {c['impressions']:,} times. Improving the page that exists comes "
                  f"before a new one: {source['path']} ranks at "
                  f"{position(source['position_sum'], source['impressions']):.1f} and passes its strength on. "
                  f"Valued at position {at_pos:g}.",
        params={"links": [{"anchor": head[:120], "to_url": _url(data, page.path)}]},
        revenue=revenue, confidence=0.35, ease=0.8, evidence=_evidence(frame, c),
        rollback="Remove the added links (the engine marks them removed itself).",
        steps=["growth actions rollback ID"]))


def _link_source(data: SearchData, frame: Frame, analysis: Analysis, page: Page,
                 topic: frozenset[str]) -> dict[str, Any] | None:
    """The strongest page the engine can edit, on the first page of results, sharing a word with the searches,
    and not already given links this run."""
    taken = {p["target"] for p in analysis.proposals if p["kind"] == "content.add_internal_links"}
    best = None
    for p in data.pages:
        found = frame.site.page(p["path"])
        if found is None or not found.managed or found.path == page.path or f"page:{p['path']}" in taken:
            continue
        if not p["impressions"] or position(p["position_sum"], p["impressions"]) > 10 or not topic & found.about:
            continue
        if best is None or p["clicks"] > best["clicks"]:
            best = p
    return best


def _url(data: SearchData, path: str) -> str:
    for p in data.pages:
        if canonical(p["path"]) == path:
            return str(p["url"])
    origin = next((urlsplit(p["url"]) for p in data.pages), None)
    return f"{origin.scheme}://{origin.netloc}{path}" if origin else f"https://example.invalid{path}"


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
