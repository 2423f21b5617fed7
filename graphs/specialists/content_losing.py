"""Pages losing clicks because they slid in the rankings: internal links from the strongest related page,
anchored on what the lost page is, so its strength passes on.

A page's last four weeks are measured against the four before; a slide that began earlier than that sits
partly in both, so where the data reaches back, the four weeks before those (``earlier``) are the baseline
when the previous window does not show the slide.

Worth: the lost clicks x the share links win back x the page's conversion rate x its order value x the store's gross margin.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graphs.specialists.arithmetic import Factor, evidence, multiply, num, proposal
from graphs.specialists.base import Analysis
from graphs.specialists.content_site import AGENT, GSC, Frame, Site, position
from graphs.specialists.text import words
from policies.stats import confidence_from_z, count_drop_z
from tools.telemetry_reads import SearchData

CHECK = "losing_pages"
#: pages with at least this many clicks in the previous four weeks are considered
LOSS_MIN_PREV_CLICKS = 40
LOSS_MIN_DROP = 0.3
LOSS_MIN_POSITIONS = 2.0
MIN_Z = 3.0
#: the share of lost clicks internal links win back (assumption)
RECOVERY = 0.5
SMALL_DROP = f"lost less than {LOSS_MIN_DROP:.0%} of its clicks"
NOT_SIGNIFICANT = f"drop not significant (z < {MIN_Z:g})"
HELD_POSITION = f"kept its position (slid less than {LOSS_MIN_POSITIONS:g} places): demand fell"
NO_SOURCE = "no strong related page to link from"
FEW_CLICKS = f"fewer than {LOSS_MIN_PREV_CLICKS} clicks in the previous four weeks"
NO_IMPRESSIONS = "no impressions in one of the two windows"


def check(data: SearchData, frame: Frame, analysis: Analysis) -> None:
    model, store, at, window, prev_window = frame.model, frame.site, frame.at, frame.window, frame.prev_window
    by_path = {p["path"]: p for p in data.pages}
    # link sources: pages the engine can add links to, on the first page of results now, strongest first
    strong = sorted((p for p in data.pages if p["impressions"] and position(p["position_sum"], p["impressions"]) <= 10
                     and p["clicks"] >= p["prev_clicks"] * (1 - LOSS_MIN_DROP) and store.managed(p["path"])),
                    key=lambda p: -p["clicks"])
    links: dict[str, list[tuple[dict[str, Any], float, str]]] = defaultdict(list)
    labels = {"prev": prev_window, "earlier": frame.earlier_window or ""}
    for p in data.pages:
        if not p["prev_clicks"] and not p.get("earlier_clicks"):
            continue
        analysis.consider(CHECK)
        reason, z, slid, base = verdict(p)
        if reason is not None:
            analysis.reject(CHECK, reason)
            if reason == HELD_POSITION:
                analysis.findings.append(f"{p['path']} lost {p['prev_clicks'] - p['clicks']:,} clicks "
                                         f"({p['prev_clicks']:,} → {p['clicks']:,}) with its position holding: "
                                         "demand fell, not its ranking.")
            continue
        before, after = p[f"{base}_clicks"], p["clicks"]
        source = _related(p, strong, store)
        if source is None:
            analysis.reject(CHECK, NO_SOURCE)
            analysis.findings.append(f"{p['path']} slid {slid:.1f} places and lost {before - after:,} clicks; no "
                                     "strong related page to link from.")
            continue
        links[source["path"]].append((p, z, base))
    for source_path, items in links.items():
        lost = sum(p[f"{b}_clicks"] - p["clicks"] for p, _, b in items)
        z = max(z for _, z, _ in items)
        target_paths = [p["path"] for p, _, _ in items]
        anchors = [_anchor(store, p["path"]) for p, _, _ in items]
        terms = [num(p[f"{b}_clicks"], label="clicks before") - num(p["clicks"], label="clicks now")
                 for p, _, b in items]
        lost_calc = terms[0]
        for term in terms[1:]:
            lost_calc = lost_calc.grouped() + term.grouped()
        before_windows = " and ".join(sorted({labels[b] for _, _, b in items}))
        revenue = multiply(Factor.worked("lost clicks", lost_calc, f"{GSC}: clicks in {before_windows} and in "
                                                                   f"{window} on {', '.join(target_paths)}"),
                           Factor("share recovered", RECOVERY, "assumption: links win back half the loss"),
                           model.rate(target_paths[0]), model.aov(target_paths[0]), model.margin())
        ev = []
        for p, _, b in items:
            ev += [evidence(GSC, f"page={p['path']}", "clicks", float(p["clicks"]), window, at),
                   evidence(GSC, f"page={p['path']}", "clicks", float(p[f"{b}_clicks"]), labels[b], at),
                   evidence(GSC, f"page={p['path']}", "average position",
                            round(position(p["position_sum"], p["impressions"]), 2), window, at),
                   evidence(GSC, f"page={p['path']}", "average position",
                            round(position(p[f"{b}_position_sum"], p[f"{b}_impressions"]), 2), labels[b], at)]
        base = by_path[source_path]
        analysis.proposals.append(proposal(
            kind="content.add_internal_links", target=f"page:{source_path}", agent=AGENT,
            title=f"Link from {source_path} to {', '.join(target_paths)}: "
                  f"{'it' if len(items) == 1 else 'they'} slid in search and lost {lost:,} clicks",
            rationale=f"{', '.join(target_paths)} lost rankings and {lost:,} clicks; {source_path} ranks at "
                      f"{position(base['position_sum'], base['impressions']):.1f} for related searches, so links "
                      "from it pass that strength on.",
            params={"links": [{"anchor": a[:120], "to_url": by_path[t]["url"]}
                              for a, t in zip(anchors, target_paths)]},
            revenue=revenue, confidence=confidence_from_z(z, floor=0.3, ceiling=0.65), ease=0.8, evidence=ev,
            rollback="Remove the added links (the engine marks them removed itself).",
            steps=["growth actions rollback ID"]))


def verdict(p: dict[str, Any]) -> tuple[str | None, float, float, str]:
    """(None, z, places slid, baseline) when a page lost clicks because it slid in the rankings, else the reason
    not. The baseline is the previous four weeks; when they do not show the slide, the four weeks before them
    (``earlier``, where the data reaches back that far): a slide older than four weeks sits in the previous
    window too, and only the earlier one shows where the page stood before it. Each is tested on its own
    terms, with the same thresholds."""
    reason, z, slid = _against(p, "prev")
    if reason is not None and p.get("earlier_impressions") is not None:
        again, z_earlier, slid_earlier = _against(p, "earlier")
        if again is None:
            return None, z_earlier, slid_earlier, "earlier"
    return reason, z, slid, "prev"


def _against(p: dict[str, Any], base: str) -> tuple[str | None, float, float]:
    before, after = p[f"{base}_clicks"], p["clicks"]
    if before < LOSS_MIN_PREV_CLICKS:
        return FEW_CLICKS, 0.0, 0.0
    if after > before * (1 - LOSS_MIN_DROP):
        return SMALL_DROP, 0.0, 0.0
    z = count_drop_z(before, after)
    if z < MIN_Z:
        return NOT_SIGNIFICANT, z, 0.0
    if not p[f"{base}_impressions"] or not p["impressions"]:
        return NO_IMPRESSIONS, z, 0.0
    slid = position(p["position_sum"], p["impressions"]) - position(p[f"{base}_position_sum"],
                                                                    p[f"{base}_impressions"])
    return (HELD_POSITION if slid < LOSS_MIN_POSITIONS else None), z, slid


def _related(page: dict[str, Any], strong: list[dict[str, Any]], store: Site) -> dict[str, Any] | None:
    """The strongest page about the same kind of thing (product type, or the words of the path)."""
    mine = set(_topic(store, page["path"]))
    for s in strong:
        if s["path"] != page["path"] and mine & set(_topic(store, s["path"])):
            return s
    return None


def _topic(store: Site, path: str) -> list[str]:
    page = store.managed(path)
    if page and page.get("product_type"):
        return words(page["product_type"])
    return words(path.rsplit("/", 1)[-1].replace("-", " ")) if path.startswith("/collections/") else []


def _anchor(store: Site, path: str) -> str:
    page = store.managed(path)
    return page["title"] if page else path.rsplit("/", 1)[-1].replace("-", " ")
