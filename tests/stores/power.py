"""Detection power: plant every class at effects spread over its range, run the specialists, tally.

Shared by ``bench/power.py`` (the curves) and ``tests/test_detection_power.py``
(the bounded check). A plant is *found* when an action answering it (kind and
target) sits in the top N of the queue, N being the number of plants plus
``TOP_EXTRA``: the plants should lead a queue the operator reads.
"""

from __future__ import annotations

import asyncio
import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from tests.stores.load import run_fresh
from tests.stores.plants import CLASSES, Plant
from tests.stores.world import generate

TOP_EXTRA = 5
#: the most a proposal's worth may differ from the planted worth, either way
VALUE_FACTOR = 2.0


@dataclass(frozen=True)
class Record:
    seed: int
    cls: str
    effect: float
    rank: int | None
    top: int
    value: float
    proposed: float | None
    #: what the action says is at stake: its expected revenue before the recovery share
    stake: float | None = None

    @property
    def found(self) -> bool:
        return self.rank is not None and self.rank <= self.top


@dataclass(frozen=True)
class NullRun:
    seed: int
    pages: int
    alarms: tuple[tuple[str, str], ...]


def effects(cls: str, count: int, rng: np.random.Generator, *, above_minimum: bool = False) -> list[float]:
    """``count`` effects spread evenly (one per stratum, shuffled) over the class's range."""
    info = CLASSES[cls]
    low = info.minimum if above_minimum else info.low
    spread = [low + (info.high - low) * (i + rng.random()) / count for i in range(count)]
    if cls == "fraud":
        spread = [float(min(5, max(1, round(e)))) for e in spread]
    return [spread[i] for i in rng.permutation(count)]


def plan_stores(stores: int, per_class: int, *, seed: int, classes: list[str] | None = None,
                above_minimum: bool = False) -> list[tuple[int, list[Plant]]]:
    """Seeds and plants: each class's effects spread over all stores, ``per_class`` in each store."""
    rng = np.random.default_rng(seed)
    chosen = classes or list(CLASSES)
    spread = {c: effects(c, stores * per_class, rng, above_minimum=above_minimum) for c in chosen}
    return [(seed * 1000 + n, [Plant(c, spread[c][n * per_class + k]) for c in chosen for k in range(per_class)])
            for n in range(stores)]


def run_store(seed: int, plants: list[Plant], template: Path, *, end: date,
              products: tuple[int, int]) -> tuple[list[Record], NullRun]:
    store = generate(seed, end=end, plants=plants, products=products)
    out = asyncio.run(run_fresh(store, template))
    top = len(store.truth) + TOP_EXTRA
    records = [Record(seed, f.truth.cls, f.truth.effect, f.rank, top, f.truth.value, f.proposed, f.stake)
               for f in out.found]
    return records, NullRun(seed, out.pages, tuple((a.kind, a.target) for a in out.alarms))


def recall(records: list[Record], cls: str, *, at_least: float | None = None) -> tuple[int, int]:
    """(found, planted) for a class, optionally only at effects of at least ``at_least``."""
    mine = [r for r in records if r.cls == cls and (at_least is None or r.effect >= at_least)]
    return sum(r.found for r in mine), len(mine)


def alarms_per_1000(nulls: list[NullRun]) -> float:
    pages = sum(n.pages for n in nulls)
    return 1000.0 * sum(len(n.alarms) for n in nulls) / pages if pages else 0.0


def value_ratios(records: list[Record], cls: str, *, measure: str = "stake") -> list[float]:
    """The found plants' worth as the action states it / the planted worth: ``stake`` (what the action
    measured the problem to cost) or ``proposed`` (its expected revenue, the recovery share applied)."""
    out = []
    for r in records:
        said = getattr(r, measure)
        if r.cls == cls and r.found and said is not None and r.value > 0:
            out.append(float(said / r.value))
    return out


def within(ratios: list[float], factor: float = VALUE_FACTOR) -> tuple[int, int]:
    return sum(1 / factor <= x <= factor for x in ratios), len(ratios)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
