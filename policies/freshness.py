"""Is a specialist's data fresh enough to propose from? Pure: the caller passes the sources and ``now``.

Each specialist reads some telemetry sources (``NEEDS``); each source has a freshness limit
(``LIMITS``): how long ago it was last imported or synced. A source older than its limit makes every
specialist that reads it stale: it proposes nothing and says which source and how old. (The age of
the import, not of the newest day in it: Search Console's newest day always lags by days.) A source
never imported is "missing", which the specialist itself reports as no data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

#: a source's last import may be this old before proposals from it stop
LIMITS: dict[str, timedelta] = {
    "gsc": timedelta(days=7),
    "ga4": timedelta(days=4),
    "shopify-orders": timedelta(days=3),
    "shopify-products": timedelta(days=7),
}

#: the sources each specialist reads
NEEDS: dict[str, tuple[str, ...]] = {
    "analytics": ("ga4",),
    "content": ("gsc",),
    "inventory": ("shopify-orders", "shopify-products"),
    "risk": ("shopify-orders",),
}

#: how fresh data comes in, for the reason given to the operator
REMEDY: dict[str, str] = {
    "gsc": "growth sync gsc (or growth ingest gsc FILE)",
    "ga4": "growth sync ga4 (or growth ingest ga4 FILE)",
    "shopify-orders": "growth sync shopify-orders (or growth ingest shopify-orders FILE)",
    "shopify-products": "growth sync shopify-products (or growth ingest shopify-products FILE)",
}


@dataclass(frozen=True, slots=True)
class SourceAge:
    source: str
    newest: datetime | None
    age_days: float | None
    limit_days: float
    #: fresh | stale | missing
    state: str


@dataclass(frozen=True, slots=True)
class Freshness:
    agent: str
    sources: tuple[SourceAge, ...]

    @property
    def stale(self) -> tuple[SourceAge, ...]:
        return tuple(s for s in self.sources if s.state == "stale")

    @property
    def fresh(self) -> bool:
        return not self.stale

    def reason(self) -> str:
        """Why the agent proposes nothing (empty when its data is fresh enough)."""
        return "; ".join(f"{s.source} data was last imported {s.age_days:g} days ago (limit {s.limit_days:g}): "
                         f"refresh it with "
                         f"{REMEDY.get(s.source, 'a new import')}" for s in self.stale)


def source_age(source: str, newest: datetime | None, now: datetime,
               limits: Mapping[str, timedelta] = LIMITS) -> SourceAge:
    limit = limits.get(source, timedelta(days=7))
    if newest is None:
        return SourceAge(source, None, None, limit.total_seconds() / 86400, "missing")
    age = now - newest
    return SourceAge(source, newest, round(age.total_seconds() / 86400, 1), limit.total_seconds() / 86400,
                     "stale" if age > limit else "fresh")


def judge(agent: str, newest: Mapping[str, datetime | None], now: datetime,
          limits: Mapping[str, timedelta] = LIMITS) -> Freshness:
    """The agent's sources, each fresh, stale or missing at ``now``."""
    return Freshness(agent, tuple(source_age(s, newest.get(s), now, limits) for s in NEEDS.get(agent, ())))
