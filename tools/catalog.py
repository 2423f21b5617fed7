"""Finding products the way shoppers name them: by name (with typos), by kind, material, colour and price.

"how much is the aster canvas weekender" names one product; "merino beanies under $40",
"something in olive", "cheapest socks" describe several. ``find_products`` reads the
active catalogue once per call (products and variants), matches words with rapidfuzz
(typos, plurals), and answers with the product it names, or the ones that fit, best first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from policies.principal import Principal
from tools.deps import Deps, Tx

#: words that carry no meaning about which product is meant
_FILLER = frozenset("""
a an the of for and or to in on at is are it its this that these those do does did you your u ur we our i i'm im
me my mine have has had got get want wanted need looking look find show see send give tell about any some one ones
much many how what whats what's which who where when there here please pls plz thanks thank hi hello hey just still
price prices cost costs costing pay paying how's buy buying order ordered sell selling stock stocked available
in-stock instock link page url website site product products item items thing things stuff size sizes colour colours
color colors option options variant variants come comes came made make maker makes made-of material materials
description describe details detail info information more than less under below above over up max maximum minimum
budget cheap cheapest cheaper expensive priciest pricey most least best good nice new gift present difference
between compare vs versus both with without can could would will should is it yes no ok okay lol haha really
going go for via dollar dollars usd bucks $ if then also too very so really actually maybe thinking think
""".split())
_SIZE_WORDS = frozenset({"s", "m", "l", "xl", "s/m", "l/xl", "small", "medium", "large", "13\"", "15\""})


@dataclass
class Product:
    handle: str
    title: str
    vendor: str
    type: str
    tags: str
    description: str
    variants: list[dict[str, Any]] = field(default_factory=list)

    @property
    def prices(self) -> list[float]:
        return sorted({float(v["price"]) for v in self.variants})

    @property
    def words(self) -> set[str]:
        text = " ".join([self.title, self.type, self.tags, self.vendor]
                        + [str(v["title"]) for v in self.variants])
        return {_stem(w) for w in re.findall(r"[a-z0-9/\"]+", text.lower().replace("-", ""))}

    def view(self, store_url: str) -> dict[str, Any]:
        return {"handle": self.handle, "title": self.title, "vendor": self.vendor, "type": self.type,
                "price_from": self.prices[0] if self.prices else None,
                "price_to": self.prices[-1] if self.prices else None,
                "in_stock": any(v["stock"] > 0 for v in self.variants), "description": self.description,
                "url": f"{store_url}/products/{self.handle}",
                "variants": [{"title": v["title"], "price": float(v["price"]), "in_stock": v["stock"] > 0,
                              "sku": v["sku"]} for v in self.variants]}


def _stem(word: str) -> str:
    word = word.replace("t-shirt", "tshirt")
    if len(word) > 4 and word.endswith("es") and word[:-2].endswith(("ss", "sh", "ch", "x")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def query_words(text: str) -> list[str]:
    t = text.lower().replace("t-shirt", "tshirt").replace("t shirt", "tshirt").replace("tee ", "tshirt ")
    t = re.sub(r"[$€£]\s*\d+(?:[.,]\d+)?|\b\w+'(?:s|re|ve|ll|d|m|t)\b", " ", t)
    words = [_stem(w) for w in re.findall(r"[a-z0-9/\"]+", t)]
    return [w for w in words if w not in _FILLER and not re.fullmatch(r"\d+(?:\.\d+)?", w)
            and (len(w) > 1 or w in _SIZE_WORDS)]


def _fits(word: str, have: set[str], known: frozenset[str] = frozenset()) -> bool:
    """Exactly, or (for a word the catalogue does not have, so a typo) nearly: "coton" fits "cotton",
    but "linen" never fits "linden" — the catalogue has both words."""
    if word in have:
        return True
    if len(word) < 4 or word in known:
        return False
    return any(len(h) >= 4 and fuzz.ratio(word, h) >= 85 for h in have)


def vocabulary(catalogue: list[Product]) -> frozenset[str]:
    return frozenset(w for p in catalogue for w in p.words)


async def _catalogue(tx: Tx) -> list[Product]:
    products: dict[str, Product] = {}
    for p in await tx.commerce.catalogue():
        if p.get("status") not in (None, "active"):
            continue
        text = re.sub(r"<[^>]+>", " ", p.get("body_html") or "")
        products[p["handle"]] = Product(p["handle"], p["title"], p.get("vendor") or "", p.get("product_type") or "",
                                        p.get("tags") or "", " ".join(text.split())[:600])
    for v in await tx.commerce.variants():
        product = products.get(v["handle"])
        if product is not None:
            product.variants.append({"sku": v["sku"], "title": v["title"] or "", "price": v["price"],
                                     "stock": int(v["inventory_qty"] or 0)})
    return list(products.values())


def named(words: list[str], catalogue: list[Product], known: frozenset[str] = frozenset()) -> list[Product]:
    """Products whose own name the words spell out ("aster canvas weekender"), best first."""
    scored: list[tuple[float, Product]] = []
    said = set(words)
    for p in catalogue:
        title = [_stem(w) for w in re.findall(r"[a-z0-9]+", p.title.lower().replace("t-shirt", "tshirt"))]
        if not title or not any(_fits(w, {title[0]}, known) for w in said):
            continue  # the product's own first word ("Aster") is what makes it this product
        hits = sum(1 for t in title if any(_fits(w, {t}, known) for w in said))
        if hits >= max(2, len(title) - 1):
            scored.append((hits / len(title), p))
    scored.sort(key=lambda s: -s[0])
    return [p for score, p in scored if score == scored[0][0]] if scored else []


def described(words: list[str], catalogue: list[Product], known: frozenset[str] = frozenset()) -> list[Product]:
    """Products every meaningful word fits (words no product has are ignored)."""
    meaningful = [w for w in words if any(_fits(w, p.words, known) for p in catalogue)]
    if not meaningful:
        return []
    return [p for p in catalogue if all(_fits(w, p.words, known) for w in meaningful)]


async def find_products(deps: Deps, principal: Principal, *, query: str, max_price: float | None = None,
                        min_price: float | None = None, sort: str | None = None, limit: int = 5) -> dict[str, Any]:
    """The product a shopper names, or the ones their words describe, within a price range."""
    catalogue = await deps.db.query(principal.tenant, _catalogue)
    words = query_words(query)
    known = vocabulary(catalogue)

    def priced(found: list[Product]) -> list[Product]:
        if max_price is not None:
            found = [p for p in found if p.prices and p.prices[0] <= max_price]
        if min_price is not None:
            found = [p for p in found if p.prices and p.prices[-1] >= min_price]
        return found

    by_name = priced(named(words, catalogue, known))
    matches = by_name or priced(described(words, catalogue, known))
    if sort == "cheapest":
        matches.sort(key=lambda p: (p.prices[0] if p.prices else 1e12, p.title))
    elif sort == "priciest":
        matches.sort(key=lambda p: (-(p.prices[-1] if p.prices else 0), p.title))
    else:
        matches.sort(key=lambda p: p.title)
    url = deps.config.store_url
    return {"named": len(by_name) >= 1 and len(matches) <= 2, "total": len(matches),
            "products": [p.view(url) for p in matches[:max(1, min(limit, 20))]]}
