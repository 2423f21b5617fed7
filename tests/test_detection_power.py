"""The specialists' judgement on random stores they were not written with (``tests/stores``).

Two stores carry every opportunity class twice, at effects between the class's
stated minimum and the top of its range; two stores carry nothing. Each goes
through the real path: export files, the importers, every specialist, the
ranked queue. Targets (issue 14): recall at least 0.9 at or above each class's
minimum effect, at most one false alarm per 1,000 pages, and what a found
plant's action says is at stake (its expected revenue before the named recovery
share) within 2x of the planted worth. ``bench/power.py`` draws the
full curves over many more stores.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from tests.stores.plants import CLASSES, Plant
from tests.stores.power import (VALUE_FACTOR, NullRun, Record, alarms_per_1000, plan_stores, recall, run_store,
                                value_ratios, within)
from tests.stores.world import generate

END = date(2026, 11, 20)
PRODUCTS = (80, 150)
#: classes that miss their target with today's specialists (issue 14 is fixing them); strict, so a fix
#: that makes one pass turns the run red until it is taken off this list
RECALL_FAILING: dict[str, str] = {}
VALUE_FAILING: dict[str, str] = {
    "ranking_loss": "0.38x on one page of four: a page converting at 4 % (the world's spread is ±25 % around 2.2 %) "
                    "is valued at 2.05 %, its own few sessions blended toward the store's product pages; 9 of 11 "
                    "within 2x in bench/power.py",
    "missing_page": "0.2-0.35x: a new page is valued at the store's collections' conversion rate and the position "
                    "half its first-page impressions reach; the plant at a product page's rate and position 5",
}


@pytest.fixture(scope="module")
def planted(sqlite_template: Path) -> list[Record]:
    records: list[Record] = []
    for seed, plants in plan_stores(2, 2, seed=5, above_minimum=True):
        records += run_store(seed, plants, sqlite_template, end=END, products=PRODUCTS)[0]
    return records


@pytest.fixture(scope="module")
def nulls(sqlite_template: Path) -> list[NullRun]:
    return [run_store(seed, [], sqlite_template, end=END, products=PRODUCTS)[1] for seed in (9101, 9102)]


def _marked(cls: str, failing: dict[str, str]) -> object:
    if cls in failing:
        return pytest.param(cls, marks=pytest.mark.xfail(strict=True, reason=failing[cls]))
    return cls


@pytest.mark.parametrize("cls", [_marked(c, RECALL_FAILING) for c in CLASSES])
def test_each_class_is_found_in_the_top_of_the_queue_above_its_minimum_effect(cls: str,
                                                                               planted: list[Record]) -> None:
    found, total = recall(planted, cls, at_least=CLASSES[cls].minimum)
    assert total == 4
    missed = [(r.effect, r.rank, r.top) for r in planted if r.cls == cls and not r.found]
    assert found / total >= 0.9, f"{CLASSES[cls].label}: found {found} of {total}; missed (effect, rank, top N): {missed}"


def test_stores_with_nothing_planted_raise_at_most_one_alarm_per_1000_pages(nulls: list[NullRun]) -> None:
    assert sum(n.pages for n in nulls) >= 100
    assert alarms_per_1000(nulls) <= 1.0, [a for n in nulls for a in n.alarms]


@pytest.mark.parametrize("cls", [_marked(c, VALUE_FAILING) for c in CLASSES])
def test_what_the_action_of_a_found_plant_says_is_at_stake_is_within_2x_of_the_planted_worth(
        cls: str, planted: list[Record]) -> None:
    ratios = value_ratios(planted, cls)
    assert ratios, f"no {CLASSES[cls].label} was found, so no worth to compare"
    ok, total = within(ratios)
    assert ok == total, f"{CLASSES[cls].label}: stated stake / planted worth {[round(x, 2) for x in ratios]}, " \
                        f"target within {VALUE_FACTOR:g}x"


def test_the_generator_draws_different_stores_and_repeats_a_seed_exactly() -> None:
    a, b = generate(1, end=END, products=PRODUCTS), generate(2, end=END, products=PRODUCTS)
    again = generate(1, end=END, products=PRODUCTS)
    assert (a.spec.products, a.spec.traffic) != (b.spec.products, b.spec.traffic)
    assert len(a.orders) == len(again.orders) and a.search_rows[:50] == again.search_rows[:50]
    assert PRODUCTS[0] <= a.spec.products <= PRODUCTS[1] and a.truth == []


def test_a_planted_store_returns_the_truth_for_every_plant() -> None:
    plants = [Plant(c, CLASSES[c].high) for c in CLASSES]
    store = generate(3, end=END, plants=plants, products=PRODUCTS)
    assert [t.cls for t in store.truth] == list(CLASSES)
    assert all(t.target and t.value > 0 for t in store.truth)
    assert len({t.target for t in store.truth}) == len(plants)


def test_an_unknown_opportunity_class_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown opportunity class 'discount'"):
        Plant("discount", 1.0)


def test_effects_are_spread_over_the_range_or_above_the_minimum() -> None:
    from tests.stores.power import effects

    rng = np.random.default_rng(0)
    spread = effects("striking", 10, rng)
    assert min(spread) < 0.2 and max(spread) > 0.7
    assert min(effects("striking", 10, rng, above_minimum=True)) >= CLASSES["striking"].minimum


def test_the_stated_stake_takes_back_only_the_named_recovery_share() -> None:
    from tests.stores.load import stake

    rewrite = [{"name": "missed clicks", "value": 120.0}, {"name": "share recovered", "value": 0.5},
               {"name": "conversion rate", "value": 0.02}, {"name": "average order value", "value": 60.0}]
    assert stake(72.0, rewrite) == pytest.approx(144.0)
    markdown = [{"name": "extra units sold in 4 weeks", "value": 30.0}, {"name": "owner's gain per extra unit",
                                                                         "value": 25.0}]
    assert stake(750.0, markdown) == 750.0
    carrying = [{"metric": "excess units at cost", "value": 4000.0},
                {"metric": "carrying cost of the excess a year", "value": 1000.0}]
    assert stake(750.0, markdown, carrying) == 1000.0
