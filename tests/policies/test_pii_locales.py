"""PII detection holds its targets on the 24-locale corpus of issue 10 (``bench/pii_locales.py``).

The corpus is generated with each locale's own formats and language, apart from the tests'
corpus (``tests/pii_corpus.py``), and with a seed held out from the benchmark's
(``bench/pii.py`` defaults to 1729). Each sample is detected with the hints a store in that
locale passes: its region, its language and its customers' names. Targets: recall at least
0.99 for e-mails, phones, cards and IBANs, 0.95 for street addresses, 0.90 for names
introduced by a phrase ("my name is", "ich heiße", "je m'appelle", ...) and 0.90 for names
the store knows (written without a phrase); no finding at all on the store's own numbers.
What counts as found is defined in ``bench/pii_score.py``.
"""

from __future__ import annotations

import pytest

from bench.pii_locales import LOCALES, NEGATIVES, POSITIVES, build
from bench.pii_score import Score, measure

SEED = 20261207
PER_LOCALE = 30
FLOORS = {"email": 0.99, "phone": 0.99, "card": 0.99, "iban": 0.99, "address": 0.95}
NAME_FLOOR = 0.90


@pytest.fixture(scope="module")
def score() -> Score:
    return measure(build(PER_LOCALE, seed=SEED))


def _misses(score: Score, entity: str, variant: str | None = None) -> str:
    misses = [m for m in score.misses if m.planted.entity == entity
              and (variant is None or m.planted.variant.startswith(variant))]
    return "\n".join(m.describe() for m in misses[:10])


def test_the_corpus_plants_every_class_in_at_least_twenty_locales(score: Score) -> None:
    assert len(LOCALES) >= 20
    locales = {loc for (_, loc, _) in score.planted}
    assert locales == set(LOCALES)
    for entity in POSITIVES:
        assert sum(1 for (e, loc, _) in score.planted if e == entity) > 0
    assert all(score.negative_texts[c] == PER_LOCALE * len(LOCALES) for c in NEGATIVES)


@pytest.mark.parametrize("entity", list(FLOORS))
def test_recall_per_class_meets_its_floor(score: Score, entity: str) -> None:
    recall = score.recall(entity)
    assert recall is not None and recall >= FLOORS[entity], \
        f"{entity} recall {recall:.3f} < {FLOORS[entity]}; misses:\n{_misses(score, entity)}"


@pytest.mark.parametrize("variant", ["phrase", "known"])
def test_names_introduced_by_a_phrase_and_names_the_store_knows_are_found(score: Score, variant: str) -> None:
    recall = score.recall("name", variant=variant)
    assert recall is not None and recall >= NAME_FLOOR, \
        f"name/{variant} recall {recall:.3f} < {NAME_FLOOR}; misses:\n{_misses(score, 'name', variant)}"


@pytest.mark.parametrize("category", NEGATIVES)
def test_store_numbers_produce_no_finding(score: Score, category: str) -> None:
    flagged = [f.describe() for f in score.negative_findings if f.sample.category == category]
    assert not flagged, f"{len(flagged)} findings on {category} texts:\n" + "\n".join(flagged[:10])
