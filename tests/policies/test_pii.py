"""PII broker: recall and precision on a generated multi-locale corpus; tokens; redaction."""

from __future__ import annotations

from collections import Counter

import pytest

from policies.pii import find_pii, redact, reference, tenant_key
from policies.pii.detect import Entity
from tests.pii_corpus import build

RECALL_FLOOR = {"email": 0.99, "phone": 0.99, "card": 0.99, "iban": 0.99, "address": 0.95}


@pytest.fixture(scope="module")
def scored() -> dict[str, object]:
    samples = build(1000)
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    true_findings = false_findings = 0
    false_examples: list[tuple[str, str, str]] = []
    misses: list[tuple[str, str]] = []
    for s in samples:
        findings = find_pii(s.text)
        for entity, start, end in s.planted:
            totals[entity] += 1
            if any(f.entity.value == entity and f.start <= start and f.end >= end for f in findings):
                hits[entity] += 1
            else:
                misses.append((entity, s.text))
        for f in findings:
            if any(e == f.entity.value and f.start < end and f.end > start for e, start, end in s.planted):
                true_findings += 1
            else:
                false_findings += 1
                false_examples.append((s.category, f.entity.value, s.text))
    return {"samples": samples, "hits": hits, "totals": totals, "true": true_findings, "false": false_findings,
            "false_examples": false_examples, "misses": misses}


def test_corpus_has_a_thousand_samples_per_entity(scored: dict[str, object]) -> None:
    totals = scored["totals"]
    assert isinstance(totals, Counter)
    assert all(totals[e] >= 1000 for e in RECALL_FLOOR)


@pytest.mark.parametrize("entity", list(RECALL_FLOOR))
def test_recall(scored: dict[str, object], entity: str) -> None:
    hits, totals = scored["hits"], scored["totals"]
    assert isinstance(hits, Counter) and isinstance(totals, Counter)
    recall = hits[entity] / totals[entity]
    misses = [m for m in scored["misses"] if m[0] == entity][:5]  # type: ignore[index, union-attr]
    assert recall >= RECALL_FLOOR[entity], (recall, misses)


def test_precision(scored: dict[str, object]) -> None:
    true, false = scored["true"], scored["false"]
    assert isinstance(true, int) and isinstance(false, int)
    precision = true / (true + false)
    assert precision >= 0.90, (precision, scored["false_examples"][:10])  # type: ignore[index]


@pytest.mark.parametrize("category", ["order_number", "sku", "ean13", "price", "date", "tracking"])
def test_no_findings_on_store_numbers(scored: dict[str, object], category: str) -> None:
    flagged = [(e, t) for c, e, t in scored["false_examples"] if c == category]  # type: ignore[union-attr]
    assert flagged == []


def test_references_are_stable_within_a_tenant_and_differ_across_tenants() -> None:
    a, b = tenant_key(b"secret", "shop-a"), tenant_key(b"secret", "shop-b")
    assert reference(Entity.EMAIL, "Jane.Doe@Example.com", a) == reference(Entity.EMAIL, "jane.doe@example.com ", a)
    assert reference(Entity.EMAIL, "jane.doe@example.com", a) != reference(Entity.EMAIL, "jane.doe@example.com", b)
    assert reference(Entity.PHONE, "+44 20 7946 0958", a) == reference(Entity.PHONE, "+44 (20) 7946-0958", a)
    assert reference(Entity.EMAIL, "x@example.com", a).startswith("em_")


def test_redaction_keeps_line_structure() -> None:
    text = "Flat 5\nBuckley Skyway\nLondon\ncall +44 20 7946 0958\n"
    out = redact(text, lambda e, v: reference(e, v, b"k"))
    assert out.text.count("\n") == text.count("\n")
    assert "Buckley" not in out.text and "7946" not in out.text
    assert {f.entity for f in out.findings} == {Entity.ADDRESS, Entity.PHONE}


def test_luhn_is_required_for_cards() -> None:
    assert [f.entity for f in find_pii("card 4111 1111 1111 1111")] == [Entity.CARD]
    assert find_pii("card 4111 1111 1111 1112") == []
    assert [f.entity for f in find_pii("mc 2223 0031 2200 3222")] == [Entity.CARD]  # Mastercard 2-series
    assert [f.entity for f in find_pii("visa 4000 0000 0000 0000 006")] == [Entity.CARD]  # 19 digits


@pytest.mark.parametrize("text", ["#16 snoozed until 2026-12-07 09:00.", "due 2026-12-07 09:00:00 UTC",
                                  "expires 2026-11-30 17:45"])
def test_a_date_and_time_is_not_a_phone_number_in_any_plan(text: str) -> None:
    from policies.pii.detect import find_pii
    from policies.pii.entities import Hints

    assert find_pii(text, Hints(regions=("US", "CA", "GB", "NG", "DE", "FR", "IN", "BR"))) == []


def test_a_product_whose_name_holds_an_introduction_is_not_a_person() -> None:
    """"Kestrel Soy Scented Candle": "soy" is Spanish for "I am", and the words after it were taken for a
    name — across the line break into the next sentence ("Scented Candle\\nSay"), garbling a chat reply."""
    from policies.pii.entities import Hints
    from policies.pii.redact import redact

    text = 'Change: links: Kestrel Soy Scented Candle\nSay "approve 19" or "reject 19 because …".'
    assert redact(text, hints=Hints(catalog=frozenset({"kestrel soy scented candle"}))).text == text
    without = redact(text)
    assert all("\n" not in f.value for f in without.findings) and 'Say "approve 19"' in without.text
    assert redact("soy Maria Lopez y necesito ayuda").findings[0].value == "Maria Lopez"
