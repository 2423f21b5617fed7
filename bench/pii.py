"""Measure PII detection on the 24-locale corpus (issue 10): recall, precision, store numbers.

Prints recall per entity class and per locale, recall per written form (variant), precision
and over-reach per class, the findings on the store's own numbers (which must be none), and
the worst misses as examples. What counts as found is defined in ``bench/pii_score.py``; the
corpus is ``bench/pii_locales.py``.

Run: ``.venv/bin/python bench/pii.py [--seed N] [--per-locale N] [--locales en_US,de_DE]
[--store-wide] [--examples N]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine  # noqa: E402
from bench.pii_locales import LOCALES, NEGATIVES, POSITIVES, build  # noqa: E402
from bench.pii_score import Miss, Score, detector, measure  # noqa: E402

SEED = 1729  # the test (tests/policies/test_pii_locales.py) holds out its own seed
TARGETS = {"email": 0.99, "phone": 0.99, "card": 0.99, "iban": 0.99, "address": 0.95, "name": 0.90}


def _pct(x: float | None) -> str:
    return "   —  " if x is None else f"{x:6.3f}"


def _recall_by_class(score: Score) -> None:
    print("\nRecall by class")
    print(f"  {'class':8} {'found / planted':>17} {'recall':>7} {'target':>7}")
    for entity in POSITIVES:
        hit, total = score.counts(entity)
        recall = score.recall(entity)
        mark = "" if recall is None else ("  met" if recall >= TARGETS[entity] else "  NOT MET")
        print(f"  {entity:8} {hit:>8,} / {total:<7,} {_pct(recall)} {TARGETS[entity]:7.2f}{mark}")
    for variant in ("phrase", "known"):
        print(f"  {'name/' + variant:14} {'':11} {_pct(score.recall('name', variant=variant))} {TARGETS['name']:7.2f}")


def _recall_by_locale(score: Score, locales: list[str]) -> None:
    print("\nRecall by locale")
    print(f"  {'locale':7} {'region':6} " + " ".join(f"{e:>7}" for e in POSITIVES))
    for code in locales:
        cells = " ".join(f"{_pct(score.recall(e, locale=code)):>7}" for e in POSITIVES)
        print(f"  {code:7} {LOCALES[code].region:6} {cells}")


def _recall_by_variant(score: Score) -> None:
    print("\nRecall by written form, worst first (planted count in brackets)")
    for entity in POSITIVES:
        totals: dict[str, int] = defaultdict(int)
        hits: dict[str, int] = defaultdict(int)
        for (e, _, variant), n in score.planted.items():
            if e == entity:
                totals[variant] += n
                hits[variant] += score.hits[(e, _, variant)]
        ranked = sorted(totals, key=lambda v: (hits[v] / totals[v], v))
        cells = [f"{v} {hits[v] / totals[v]:.2f} ({totals[v]})" for v in ranked]
        print(f"  {entity}:")
        for i in range(0, len(cells), 5):
            print("    " + " · ".join(cells[i:i + 5]))


def _precision(score: Score) -> None:
    print("\nPrecision")
    print(f"  {'class':8} {'true':>7} {'false in positives':>19} {'false on negatives':>19} {'precision':>10} {'over-reach':>11}")
    for entity in POSITIVES:
        false_pos = sum(1 for f in score.false_findings if f.entity == entity)
        false_neg = sum(1 for f in score.negative_findings if f.entity == entity)
        print(f"  {entity:8} {score.true_findings[entity]:>7,} {false_pos:>19,} {false_neg:>19,} "
              f"{_pct(score.precision(entity)):>10} {score.over_reach[entity]:>11,}")


def _negatives(score: Score) -> None:
    print("\nStore numbers (negatives): texts with any finding — target 0")
    by_class: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in score.negative_findings:
        by_class[f.sample.category][f.entity] += 1
    for category in NEGATIVES:
        classes = ", ".join(f"{e} {n}" for e, n in sorted(by_class[category].items())) or "—"
        print(f"  {category:9} {score.negative_flagged[category]:>6,} / {score.negative_texts[category]:<6,} findings: {classes}")
    flagged, total = sum(score.negative_flagged.values()), sum(score.negative_texts.values())
    print(f"  {'all':9} {flagged:>6,} / {total:<6,} false findings: {len(score.negative_findings):,}")


def _worst_misses(score: Score, examples: int) -> None:
    print(f"\nWorst misses (up to {examples} per class, from the forms with the lowest recall)")
    for entity in POSITIVES:
        misses = [m for m in score.misses if m.planted.entity == entity]
        if not misses:
            continue
        by_variant: dict[str, list[Miss]] = defaultdict(list)
        for m in misses:
            by_variant[m.planted.variant].append(m)
        order = sorted(by_variant, key=lambda v: score.recall(entity, variant=v) or 0.0)
        picked: list[Miss] = []
        while len(picked) < min(examples, len(misses)):
            for v in order:
                if by_variant[v] and len(picked) < examples:
                    picked.append(by_variant[v].pop(0))
        print(f"  {entity} ({len(misses):,} missed):")
        for m in picked:
            print(f"    {m.describe()}")


def _false_findings(score: Score, examples: int) -> None:
    if score.negative_findings:
        print(f"\nFindings on store numbers (first {examples}, one per category in turn)")
        by_category: dict[str, list] = defaultdict(list)
        for f in score.negative_findings:
            by_category[f.sample.category].append(f)
        shown = 0
        while shown < min(examples, len(score.negative_findings)):
            for category in NEGATIVES:
                if by_category[category] and shown < examples:
                    print(f"    {by_category[category].pop(0).describe()}")
                    shown += 1
    if score.false_findings:
        print(f"\nFalse findings in positive texts (first {examples})")
        for f in score.false_findings[:examples]:
            print(f"    {f.describe()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-locale", type=int, default=100,
                        help="samples per locale of each entity class and of each kind of store number")
    parser.add_argument("--locales", default="", help="comma-separated Faker locales (default: all)")
    parser.add_argument("--store-wide", action="store_true",
                        help="one store selling everywhere: every region, language and known name in each call")
    parser.add_argument("--examples", type=int, default=8)
    args = parser.parse_args()
    locales = [code for code in args.locales.split(",") if code] or list(LOCALES)

    started = time.perf_counter()
    corpus = build(args.per_locale, seed=args.seed, locales=tuple(locales))
    built = time.perf_counter() - started
    detect, how = detector(corpus, store_wide=args.store_wide)
    score = measure(corpus, detect, how=how)

    print(f"PII detection — {machine()}")
    print(f"corpus: {len(locales)} locales, seed {args.seed}, {args.per_locale} per class per locale, "
          f"{score.texts:,} texts ({sum(score.negative_texts.values()):,} store numbers), built in {built:.1f} s")
    print(f"detector: {how}; {score.seconds:.2f} s, {score.seconds / score.texts * 1e6:.0f} µs per text")
    _recall_by_class(score)
    _recall_by_locale(score, locales)
    _recall_by_variant(score)
    _precision(score)
    _negatives(score)
    _worst_misses(score, args.examples)
    _false_findings(score, args.examples)


if __name__ == "__main__":
    main()
