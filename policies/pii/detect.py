"""Find personal data in text: e-mails, phone numbers, payment cards, IBANs, street
addresses and person names.

Each detector is a pattern for candidates plus a validator (Luhn, mod-97, libphonenumber's
numbering plans, digit counts and shapes), so numbers that merely look long — order
numbers, SKUs, EAN-13 barcodes, prices, dates, parcel tracking numbers — are not reported.
Text is Unicode-folded first (``normalize``), so full-width and invisible characters do
not hide anything; findings are reported on the original text.

``Hints`` carry what the store knows: its countries (national phone formats), its
customers' names, its catalogue (never a person). Without hints the detectors still find
everything written in an international or self-evident form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from policies.pii import addresses, cards, emails, names, phones
from policies.pii.entities import Entity, Finding, Hints
from policies.pii.normalize import fold, span_back

__all__ = ["Entity", "Finding", "Hints", "find_pii", "luhn_ok"]

luhn_ok = cards.luhn_ok
NO_HINTS = Hints()

# Overlaps resolve in this order: an IBAN contains digit runs, an email can hold digits.
_PRIORITY = {Entity.EMAIL: 0, Entity.IBAN: 1, Entity.CARD: 2, Entity.PHONE: 3, Entity.ADDRESS: 4, Entity.NAME: 5}
_NON_DIGITS = re.compile(r"\D+")
_MAYBE = re.compile(r"[\d@＠(\[{<]")
_AT_HINT = re.compile(r"@|(?i:[(\[{<]\s*(?:at|a|arroba|arobase|chiocciola|klammeraffe|snabel-?a|małpa|malpa)\s*[)\]}>]"
                      r"|\s(?:at|arroba|arobase|chiocciola)\s)")


def _spans(pattern: re.Pattern[str], text: str, entity: Entity,
           validate: Callable[[re.Match[str]], bool] | None = None) -> list[Finding]:
    return [Finding(entity, m.start(), m.end(), m.group(0))
            for m in pattern.finditer(text) if validate is None or validate(m)]


def _findings(text: str, hints: Hints) -> Iterable[Finding]:
    digits = len(_NON_DIGITS.sub("", text))
    if _AT_HINT.search(text):
        yield from _spans(emails.EMAIL, text, Entity.EMAIL)
        for start, end in emails.disguised(text):
            yield Finding(Entity.EMAIL, start, end, text[start:end])
    if digits >= 4 and cards.IBAN_HINT.search(text):
        yield from _spans(cards.IBAN, text, Entity.IBAN, lambda m: cards.iban_ok(m.group(0)))
    if digits >= 12:
        yield from _spans(cards.CARD, text, Entity.CARD,
                          lambda m: cards.is_card(m.group(0), text[max(0, m.start() - 40):m.start()],
                                                        text[m.end():m.end() + 40]))
    if digits >= 7:
        for p in phones.PATTERNS:
            yield from _spans(p, text, Entity.PHONE, lambda m: phones.shape_ok(m.group(0))
                              and phones.found_ok(text, m.start(), m.end()))
        for m in phones.BARE_NANP.finditer(text):
            wanted, ruled_out = phones.in_context(text, m.start(), m.end())
            if wanted and not ruled_out:
                yield Finding(Entity.PHONE, m.start(), m.end(), m.group(0))
        for start, end, raw in phones.national(text, hints.regions):
            yield Finding(Entity.PHONE, start, end, raw)
    streets: list[Finding] = []
    if digits:
        for p in addresses.patterns()[:-1]:
            streets += _spans(p, text, Entity.ADDRESS, addresses.type_first_ok)
    if addresses.FR_HINT.search(text):
        streets += _spans(addresses.patterns()[-1], text, Entity.ADDRESS)
    for f in streets:
        end = addresses.extend(text, f.end)
        yield Finding(Entity.ADDRESS, f.start, end, text[f.start:end])
    for start, end in names.known(text, hints.names):
        yield Finding(Entity.NAME, start, end, text[start:end])
    for start, end in names.introduced(text, hints.catalog):
        yield Finding(Entity.NAME, start, end, text[start:end])


def find_pii(text: str, hints: Hints | None = None) -> list[Finding]:
    """All PII in ``text``, non-overlapping, in order of position.

    Cheap gates (an "@", enough digits, a street word) skip detectors that cannot
    match, so clean text — most of what passes through — costs little; the same text
    read with the same hints (a queue's titles, turn after turn) is read once.
    """
    if len(text) < 5 or (" " not in text and not _MAYBE.search(text)):
        return []  # too short for any entity, or one word with no digit, "@" or bracket: nothing to find
    return list(_find(text, hints or NO_HINTS))


@lru_cache(maxsize=8192)
def _find(text: str, hints: Hints) -> tuple[Finding, ...]:
    folded, origin = fold(text)
    found = list(_findings(folded, hints))
    if not found:
        return ()
    kept = _resolve(found)
    if origin is None:
        return tuple(kept)
    out = []
    for f in kept:
        start, end = span_back(origin, f.start, f.end)
        out.append(Finding(f.entity, start, end, text[start:end]))
    return tuple(out)


def _resolve(found: list[Finding]) -> list[Finding]:
    """Keep the best finding where several overlap: higher priority, then longer."""
    ordered = sorted(found, key=lambda f: (_PRIORITY[f.entity], -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ordered:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)
