"""Scoring the detector against the locale corpus: what counts as found, and the tallies.

Found, per planted entity:

- e-mail, phone, card, IBAN: one finding of that class covers the whole planted value (a phone
  number's extension, "x9150", may be left out). A value split over several findings is not
  found: it would be vaulted and tokenized as fragments.
- address: every character of the street line (street name, house number, unit), spaces and
  commas aside, lies in an ADDRESS finding; several findings may share the line. Postcode and
  town may follow and may be covered too.
- name: every character of the full name, spaces aside, lies in a NAME finding.

A finding of the wrong class over a planted value does not count for it (the miss says what it
was found as). A finding is true when it overlaps a planted value of its own class, and
over-reaches when it also runs past that value's extent (the street line's postcode and town
are inside the extent). Every finding on a negative is false.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bench.pii_locales import LOCALES, Corpus, Planted, Sample


class FindingLike(Protocol):
    """What the scorer reads of a ``policies.pii.detect.Finding``."""

    @property
    def entity(self) -> Any: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def value(self) -> str: ...


Detect = Callable[[Sample], Sequence[FindingLike]]
_UNION_CLASSES = {"address", "name"}
_GAPS = " \t\n,"


def entity_name(f: FindingLike) -> str:
    return str(getattr(f.entity, "value", f.entity))


def detector(corpus: Corpus, *, store_wide: bool = False) -> tuple[Detect, str]:
    """``find_pii`` with the hints a store in the sample's locale would pass, and how it was called.

    Falls back to ``find_pii(text)`` while ``policies.pii.detect`` has no ``Hints``.
    """
    from policies.pii.detect import find_pii

    try:
        from policies.pii.detect import Hints
    except ImportError:
        return (lambda s: find_pii(s.text)), "find_pii(text) (no Hints in policies.pii.detect)"
    if store_wide:
        every = Hints(regions=tuple(dict.fromkeys(loc.region for loc in LOCALES.values())),
                      names=frozenset().union(*corpus.known_names.values()),
                      languages=tuple(dict.fromkeys(loc.language for loc in LOCALES.values())))
        return (lambda s: find_pii(s.text, every)), "find_pii(text, Hints(every region, name and language))"
    hints = {code: Hints(regions=(loc.region,), names=corpus.known_names.get(code, frozenset()),
                         languages=(loc.language,)) for code, loc in LOCALES.items()}
    return (lambda s: find_pii(s.text, hints[s.locale])), "find_pii(text, Hints(locale's region, names, language))"


def found(sample: Sample, p: Planted, findings: Sequence[FindingLike]) -> bool:
    same = [f for f in findings if entity_name(f) == p.entity]
    if p.entity not in _UNION_CLASSES:
        return any(f.start <= p.start and f.end >= p.end for f in same)
    covered = set()
    for f in same:
        covered.update(range(f.start, f.end))
    return all(i in covered for i in range(p.start, p.end) if sample.text[i] not in _GAPS)


@dataclass(frozen=True)
class Miss:
    sample: Sample
    planted: Planted
    #: (class, value) of the findings that overlap the planted value
    found_as: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        p = self.planted
        got = ", ".join(f"{e} {v!r}" for e, v in self.found_as) or "nothing"
        return (f"[{p.entity}/{p.variant} {self.sample.locale}] {self.sample.text!r}: "
                f"planted {self.sample.text[p.start:p.end]!r}, found {got}")


@dataclass(frozen=True)
class FalseFinding:
    sample: Sample
    entity: str
    value: str

    def describe(self) -> str:
        return f"[{self.sample.category} {self.sample.locale}] {self.entity} {self.value!r} in {self.sample.text!r}"


@dataclass(repr=False)
class Score:
    planted: Counter[tuple[str, str, str]] = field(default_factory=Counter)  #: (class, locale, variant)
    hits: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)
    true_findings: Counter[str] = field(default_factory=Counter)
    over_reach: Counter[str] = field(default_factory=Counter)
    false_findings: list[FalseFinding] = field(default_factory=list)  #: in positive texts
    negative_texts: Counter[str] = field(default_factory=Counter)
    negative_flagged: Counter[str] = field(default_factory=Counter)  #: texts with at least one finding
    negative_findings: list[FalseFinding] = field(default_factory=list)
    texts: int = 0
    seconds: float = 0.0
    how: str = ""

    def __repr__(self) -> str:
        return f"Score({self.texts} texts, {len(self.misses)} misses, {len(self.negative_findings)} findings on store numbers)"

    def recall(self, entity: str, *, locale: str | None = None, variant: str | None = None) -> float | None:
        def keep(key: tuple[str, str, str]) -> bool:
            e, loc, var = key
            return e == entity and locale in (None, loc) and (variant is None or var == variant or
                                                              var.startswith(variant + "-") or var.startswith(variant + "/"))
        total = sum(n for k, n in self.planted.items() if keep(k))
        return None if total == 0 else sum(n for k, n in self.hits.items() if keep(k)) / total

    def counts(self, entity: str) -> tuple[int, int]:
        return (sum(n for (e, _, _), n in self.hits.items() if e == entity),
                sum(n for (e, _, _), n in self.planted.items() if e == entity))

    def precision(self, entity: str) -> float | None:
        true = self.true_findings[entity]
        false = sum(1 for f in self.false_findings + self.negative_findings if f.entity == entity)
        return None if true + false == 0 else true / (true + false)


def measure(corpus: Corpus, detect: Detect | None = None, *, how: str = "") -> Score:
    if detect is None:
        detect, how = detector(corpus)
    score = Score(how=how)
    started = time.perf_counter()
    results = [(s, detect(s)) for s in corpus.samples]
    score.seconds = time.perf_counter() - started
    score.texts = len(results)
    for sample, findings in results:
        if not sample.planted:
            score.negative_texts[sample.category] += 1
            if findings:
                score.negative_flagged[sample.category] += 1
            score.negative_findings += [FalseFinding(sample, entity_name(f), f.value) for f in findings]
            continue
        for p in sample.planted:
            key = (p.entity, sample.locale, p.variant)
            score.planted[key] += 1
            if found(sample, p, findings):
                score.hits[key] += 1
            else:
                overlapping = tuple((entity_name(f), f.value) for f in findings if f.start < p.end and f.end > p.start)
                score.misses.append(Miss(sample, p, overlapping))
        for f in findings:
            own = [p for p in sample.planted if p.entity == entity_name(f) and f.start < p.end and f.end > p.start]
            if not own:
                score.false_findings.append(FalseFinding(sample, entity_name(f), f.value))
                continue
            score.true_findings[entity_name(f)] += 1
            if any(f.start < p.extent[0] or f.end > p.extent[1] for p in own):
                score.over_reach[entity_name(f)] += 1
    return score
