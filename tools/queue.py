"""The queue as a person names it: each action with the thing it is about, in words.

An operator says "the alpaca reorder" or "the Wick Studio markdown", not
``sku:NW-0479-1``. ``named_queue`` gives every action of the asked statuses the name
of its subject (product and variant, page, order, search), the vendor, and the words
a reference can match, ranked best first. The conversation's resolver and its gate
both read it, so both resolve a name the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from policies.kinds import KINDS
from policies.principal import Principal
from tools.actions import parse_statuses
from tools.deps import Deps, Tx
from tools.records import ActionSummary

#: how a person calls each kind (singular); the resolver matches these words too
KIND_NOUNS: dict[str, str] = {
    "analytics.investigate": "investigation", "content.rewrite_title": "title rewrite",
    "content.rewrite_meta_description": "meta description", "content.add_internal_links": "internal links",
    "content.create_landing_page": "landing page", "perf.repair_page": "page repair",
    "inventory.reorder": "reorder", "inventory.markdown": "markdown", "pricing.adjust": "price change",
    "risk.hold_order": "fraud hold", "risk.release_order": "order release", "support.escalation": "customer request",
    "email.send": "email", "policy.grant_autonomy": "autonomy grant",
}


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: int
    version: int
    kind: str
    status: str
    risk_tier: str
    agent: str
    title: str
    target: str
    expected_revenue: float
    score: float
    #: 1 = best of the listed statuses
    rank: int
    #: what it is about, in words: "Prairie Alpaca Throw Blanket – Rust", "order #9459"
    subject: str
    vendor: str
    #: lower-case words a reference may use for it (subject, vendor, type, kind)
    words: tuple[str, ...]
    #: when a snoozed action comes back (ISO 8601), else None
    snoozed_until: str | None = None
    #: what doing it spends (a reorder's quantity × unit cost), where the action says; else None
    spend: float | None = None
    #: when it expires unless decided (ISO 8601), else None
    expires_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        # a shallow copy: dataclasses.asdict deep-copies every word of every action, on every turn
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


_WORD = re.compile(r"[a-z0-9#]+(?:'[a-z]+)?")


def words_of(*texts: str) -> tuple[str, ...]:
    """Lower-case words of the texts; a hyphenated word gives its parts and the word closed up ("t-shirt":
    "t", "shirt", "tshirt"), so "the tshirt one" names it too."""
    out: list[str] = []
    for text in texts:
        low = text.lower()
        closed = re.findall(r"\w+(?:-\w+)+", low)
        for w in _WORD.findall(low.replace("-", " ")) + _WORD.findall(" ".join(c.replace("-", "") for c in closed)):
            if w not in out:
                out.append(w)
    return tuple(out)


def _path(target: str) -> str:
    ref = target.partition(":")[2]
    return urlparse(ref).path or ref


def _subject(a: ActionSummary, names: dict[str, dict[str, Any]]) -> tuple[str, str, str]:
    """(subject, vendor, product type) of an action's target."""
    prefix, _, ref = a.target.partition(":")
    if prefix == "sku":
        row = names.get(f"sku:{ref}")
        if row is None:
            return ref, "", ""
        option = row.get("option") or ""
        name = row["title"] + (f" – {option}" if option and option != "Default Title" else "")
        return name, row.get("vendor") or "", row.get("product_type") or ""
    if prefix == "page":
        path = _path(a.target)
        row = names.get(f"handle:{path.removeprefix('/products/').split('/')[0]}") if path.startswith(
            "/products/") else None
        if row is not None:
            return row["title"] + " page", row.get("vendor") or "", row.get("product_type") or ""
        page = names.get(f"path:{path}")
        if page is not None:
            return f"{page['title']} page", "", ""
        return path.strip("/").replace("-", " ").replace("/", " › ") + " page", "", ""
    if prefix == "order":
        return f"order {ref}", "", ""
    if prefix == "query":
        return f"a page for the search \"{ref}\"", "", ""
    if prefix in ("customer", "conversation"):
        return "a customer's request", "", ""
    return ref, "", ""


def _extra_words(a: ActionSummary) -> str:
    """Words of the params a person may use: a link's anchor, a reorder's supplier."""
    links = a.params.get("links") if isinstance(a.params.get("links"), list) else []
    anchors = " ".join(str(link.get("anchor", "")) for link in links if isinstance(link, dict))
    return " ".join(filter(None, [anchors, str(a.params.get("supplier") or "")]))


async def items(tx: Tx, rows: list[ActionSummary]) -> list[QueueItem]:
    skus = [a.target.partition(":")[2] for a in rows if a.target.startswith("sku:")]
    paths = [_path(a.target) for a in rows if a.target.startswith("page:")]
    handles = [p.removeprefix("/products/").split("/")[0] for p in paths if p.startswith("/products/")]
    names = await tx.store.names(skus=sorted(set(skus)), handles=sorted(set(handles)), paths=sorted(set(paths)))
    out = []
    for rank, a in enumerate(rows, 1):
        subject, vendor, product_type = _subject(a, names)
        noun = KIND_NOUNS.get(a.kind, a.kind)
        spec = KINDS.get(a.kind)
        out.append(QueueItem(
            id=a.id, version=a.version, kind=a.kind, status=a.status.value, risk_tier=a.risk_tier.value,
            agent=a.agent, title=a.title, target=a.target, expected_revenue=a.expected_revenue, score=a.score,
            rank=rank, subject=subject, vendor=vendor,
            words=words_of(subject, vendor, product_type, noun, spec.summary if spec else "", a.target,
                           a.title.split(": ", 1)[0], _extra_words(a)),
            snoozed_until=a.snoozed_until.isoformat() if a.snoozed_until else None, spend=_spend(a.params),
            expires_at=a.expires_at.isoformat() if a.expires_at else None))
    return out


def _spend(params: dict[str, Any] | None) -> float | None:
    quantity, unit_cost = (params or {}).get("quantity"), (params or {}).get("unit_cost")
    if isinstance(quantity, (int, float)) and isinstance(unit_cost, (int, float)):
        return round(float(quantity) * float(unit_cost), 2)
    return None


async def named_queue(deps: Deps, principal: Principal, *, status: str | None = "pending",
                      limit: int = 200) -> list[QueueItem]:
    """The actions of ``status`` (see ``parse_statuses``), best first, each with its subject in words."""
    statuses = parse_statuses(status)

    async def q(tx: Tx) -> list[QueueItem]:
        return await items(tx, await tx.actions.ranked(statuses=statuses, limit=limit))

    return await deps.db.query(principal.tenant, q)
