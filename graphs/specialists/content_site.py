"""Every page the store has, as the content agent knows it.

A page is known from Shopify (products), from the engine (its own landing pages) and
from every URL Search Console or GA4 reports (collections, guides, blog posts, the home
page). What a page is *about* is the words of its title, handle or path; what it
*ranks for* comes from Search Console, read by each check. Only products and the
engine's landing pages can be edited by the engine ("managed").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from graphs.specialists.conversion import ConversionModel, kind_of
from graphs.specialists.text import words
from policies.ctr import CtrCurve
from tools.telemetry_reads import SearchData

AGENT = "content"
GSC = "Search Console"


def position(position_sum: float, impressions: float) -> float:
    """Average (one-based) position from Search Console's zero-based sum."""
    return position_sum / impressions + 1.0 if impressions else 0.0


def canonical(path: str) -> str:
    """One path per page: no query string or trailing slash; a product reached through a collection
    (``/collections/bags/products/tote``) or a locale prefix is the product's page."""
    path = urlsplit(path).path or "/"
    path = path.rstrip("/") or "/"
    if "/products/" in path and not path.startswith("/products/"):
        path = "/products/" + path.rsplit("/products/", 1)[1].split("/", 1)[0]
    return path


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    kind: str
    #: the product or landing-page row when the engine can edit the page, else None
    row: dict[str, Any] | None
    about: frozenset[str]

    @property
    def managed(self) -> bool:
        return self.row is not None


class Site:
    """The store's pages by canonical path: managed ones first, then every page telemetry reports."""

    def __init__(self, data: SearchData) -> None:
        self.pages: dict[str, Page] = {}
        for p in data.catalogue:
            path = f"/products/{p['handle']}"
            self.pages[path] = Page(path, "product", p, frozenset(words(f"{p['title']} {p['handle']}")))
        for lp in data.landing_pages:
            path = canonical(lp["path"])
            self.pages.setdefault(path, Page(path, "landing page", lp,
                                             frozenset(words(f"{lp['title']} {lp.get('query') or ''}"))))
        reported = {canonical(p["path"]) for p in data.pages} | {canonical(r["landing_page"]) for r in data.ga4}
        for path in sorted(reported - set(self.pages)):
            self.pages[path] = Page(path, kind_of(path), None, frozenset(_slug_words(path)))
        self.brand = _brand([p["seo_title"] for p in data.catalogue])
        self._by_word: dict[str, list[Page]] = defaultdict(list)
        for page in self.pages.values():
            for w in page.about:
                self._by_word[w].append(page)

    def page(self, path: str) -> Page | None:
        return self.pages.get(canonical(path))

    def managed(self, path: str) -> dict[str, Any] | None:
        page = self.page(path)
        return page.row if page else None

    def about(self, tokens: frozenset[str]) -> list[Page]:
        """Pages whose title (or, for pages the engine does not hold, path) is about every word in ``tokens``."""
        if not tokens:
            return []
        rarest = min(tokens, key=lambda w: len(self._by_word.get(w, ())))
        return [p for p in self._by_word.get(rarest, ()) if tokens <= p.about]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for p in self.pages.values():
            out[p.kind] += 1
        return dict(out)


def _slug_words(path: str) -> list[str]:
    """The words of a page's own slug: ``/blogs/guides/choosing-a-backpack`` → choosing, backpack."""
    segments = [s for s in path.split("/") if s]
    return words(segments[-1].replace("-", " ").replace("_", " ")) if len(segments) >= 2 else []


def _brand(titles: list[str]) -> str:
    suffixes: dict[str, int] = defaultdict(int)
    for t in titles:
        if "|" in t:
            suffixes[t.rsplit("|", 1)[1].strip()] += 1
    return max(suffixes, key=lambda s: suffixes[s]) if suffixes else ""


@dataclass(frozen=True, slots=True)
class Frame:
    """What every content check reads besides its own queries."""

    site: Site
    curve: CtrCurve
    model: ConversionModel
    at: datetime
    window: str
    prev_window: str
    #: Search Console's page ids → paths
    paths: dict[int, str]
    #: the four weeks before ``prev_window``, when the data reaches back over them (else None)
    earlier_window: str | None = None
